"""`python moto_launcher.py -H HOST -p PORT`: moto's server, with two gaps of its Batch emulation closed.

moto 5.2.5 serves AWS Batch as these tests need it, but for two things AWS does and it doesn't,
which `batchgen import aws` depends on:

- Pagination. AWS returns at most 100 items a page from DescribeComputeEnvironments,
  DescribeJobQueues, DescribeJobDefinitions and ListSchedulingPolicies, 100 when maxResults
  is not given, with a nextToken for the rest (botocore's model documents each: "This value
  can be between 1 and 100. If this parameter isn't used, then ... returns up to 100 results
  and a nextToken value if applicable"). moto returns everything in one page and ignores
  maxResults ("Pagination is not yet implemented"), so an importer that never paginated
  would pass. Here each of the four answers moto's full list a page at a time.
- nodeProperties. DescribeJobDefinitions of a multi-node definition reports its
  nodeProperties in AWS; moto stores them (and reports them in DescribeJobs) but leaves them
  out of DescribeJobDefinitions. Here they are reported as registered.

Everything else is moto as it is. MotoServer (emulator.py) starts the server through this file.
"""

from __future__ import annotations

import json
import sys

PAGE_MAX = 100  # AWS Batch's page size, at most and by default


def _paginated(original, key: str):
    def method(self) -> str:
        body = json.loads(original(self))
        items = body.get(key) or []
        size = self._get_param("maxResults")
        size = PAGE_MAX if size is None else max(1, min(int(size), PAGE_MAX))
        token = self._get_param("nextToken")
        start = int(token) if token and str(token).isdigit() else 0
        body[key] = items[start:start + size]
        if start + size < len(items):
            body["nextToken"] = str(start + size)
        return json.dumps(body)

    method.__name__ = original.__name__
    return method


def patch() -> None:
    from moto.batch import models
    from moto.batch.responses import BatchResponse

    for name, key in (("describecomputeenvironments", "computeEnvironments"),
                      ("describejobqueues", "jobQueues"),
                      ("describejobdefinitions", "jobDefinitions"),
                      ("listschedulingpolicies", "schedulingPolicies")):
        setattr(BatchResponse, name, _paginated(getattr(BatchResponse, name), key))

    describe = models.JobDefinition.describe

    def describe_with_node_properties(self):
        result = describe(self)
        if self.node_properties is not None:
            result["nodeProperties"] = self.node_properties
        return result

    models.JobDefinition.describe = describe_with_node_properties


if __name__ == "__main__":
    patch()
    from moto.server import main

    main(sys.argv[1:])
