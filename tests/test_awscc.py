"""Entries hashicorp/aws can't carry are written with hashicorp/awscc (BG-011, docs/awscc.md).

The API field -> awscc argument table (compiler/awscc_fields.py) is derived from the real awscc
schema (tests/fixtures/awscc-provider-schema.json); these tests check that it still is, that
every field hashicorp/aws lacks is either carried by awscc or known to be carried by neither,
and what the compiler writes for the specs of tests/awscc/. Real Terraform on that output:
tests/downstream/test_terraform_awscc.py.
"""
from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import botocore.session
import pytest
from botocore.validate import ParamValidator

from compiler.awscc_fields import NOT_CARRIED, TABLES
from compiler.pipeline import compile_spec
from compiler.tfmap import AWS, AWSCC, BY_SECTION, B, awscc_maps, resource_map, unsupported

from .helpers import EXAMPLES, ROOT, run, write_spec

FIXTURE = ROOT / "tests" / "fixtures" / "awscc-provider-schema.json"
AWSCC_SPECS = sorted((ROOT / "tests" / "awscc").glob("*.yaml"))
OPERATIONS = {"computeEnvironments": "CreateComputeEnvironment", "schedulingPolicies": "CreateSchedulingPolicy",
              "jobQueues": "CreateJobQueue", "jobDefinitions": "RegisterJobDefinition"}

# Request fields neither provider has an argument for (botocore 1.44.5 against hashicorp/aws
# 6.47.0 and the awscc fixture): BG-011 stays an error for these. A change of botocore, of
# either schema or of the tables shows up here first.
NEITHER = {
    "computeEnvironments.eksConfiguration.accessEntry",
    "jobDefinitions.eksProperties.podProperties.securityContext",
    *(f"jobDefinitions.eksProperties.podProperties.{c}[].securityContext.{f}"
      for c in ("containers", "initContainers") for f in ("capabilities", "seccompProfile")),
}


def _schemas() -> dict:
    return json.loads(FIXTURE.read_text())["provider_schemas"]["registry.terraform.io/hashicorp/awscc"][
        "resource_schemas"]


def _generator():
    spec = importlib.util.spec_from_file_location("gen_awscc_fields", ROOT / "tools" / "gen_awscc_fields.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("gen_awscc_fields", module)
    spec.loader.exec_module(module)
    return module


def test_the_awscc_table_is_generated_from_the_fixture_and_botocore():
    generated = _generator().generate()
    assert (ROOT / "compiler" / "awscc_fields.py").read_text() == generated, \
        "compiler/awscc_fields.py is stale: run python tools/gen_awscc_fields.py"


def test_every_name_of_the_table_is_an_argument_of_the_real_schema_at_its_place():
    schemas = _schemas()

    def walk(fields: dict, attrs: dict, where: str) -> int:
        seen = 0
        for api, value in fields.items():
            name = value if isinstance(value, str) else value[0]
            assert name in attrs, f"{where}.{api}: no awscc argument {name!r}"
            attr = attrs[name]
            assert attr.get("optional") or attr.get("required"), f"{where}.{api}: {name} is not an argument"
            seen += 1
            if not isinstance(value, str):
                nested = attr["nested_type"]
                assert nested["nesting_mode"] == ("list" if value[1] else "single"), f"{where}.{api}"
                seen += walk(value[2], nested["attributes"], f"{where}.{api}")
            else:
                assert "nested_type" not in attr, f"{where}.{api}: {name} is a nested attribute"
        return seen

    counts = {section: walk(fields, schemas[cc_type]["block"]["attributes"], section)
              for section, (cc_type, _, fields) in TABLES.items()}
    assert all(counts.values()), counts


@pytest.mark.parametrize("api, cc", [
    (("computeEnvironments", "computeResources", "maxvCpus"), "maxv_cpus"),
    (("computeEnvironments", "computeResources", "ec2Configuration"), "ec_2_configuration"),
    (("computeEnvironments", "computeResources", "ec2KeyPair"), "ec_2_key_pair"),
    (("computeEnvironments", "unmanagedvCpus"), "unmanagedv_cpus"),
    (("computeEnvironments", "computeResources", "managedInstancesProvider", "instanceLaunchTemplate",
      "storageConfiguration", "storageSizeGiB"), "storage_size_gi_b"),
    (("jobDefinitions", "containerProperties", "ephemeralStorage", "sizeInGiB"), "size_in_gi_b"),
    # the API spells it s3filesVolumeConfiguration, CloudFormation S3FilesVolumeConfiguration
    (("jobDefinitions", "containerProperties", "volumes", "s3filesVolumeConfiguration"),
     "s3_files_volume_configuration"),
    (("jobDefinitions", "containerProperties", "readonlyRootFilesystem"), "readonly_root_filesystem"),
    (("jobDefinitions", "eksProperties", "podProperties", "containers", "securityContext",
      "readOnlyRootFilesystem"), "read_only_root_filesystem"),
    (("schedulingPolicies", "fairsharePolicy"), "fairshare_policy"),
    (("schedulingPolicies", "quotaSharePolicy", "idleResourceAssignmentStrategy"), "idle_resource_assignment_strategy"),
])
def test_names_the_awscc_provider_derives_from_cloudformation(api, cc):
    """The provider's own snake case (its attribute name maps: "size_in_gi_b": "SizeInGiB")."""
    obj = awscc_maps()[api[0]].fields
    spec = None
    for key in api[1:]:
        spec = obj.fields[key]
        if isinstance(spec, B):
            obj = spec.fields
    assert spec.name == cc


def test_arn_attributes_are_the_schemas_computed_arns():
    assert {s: m.arn for s, m in awscc_maps().items()} == {
        "computeEnvironments": "compute_environment_arn", "schedulingPolicies": "arn",
        "jobQueues": "job_queue_arn", "jobDefinitions": "job_definition_arn"}
    schemas = _schemas()
    for m in awscc_maps().values():
        attr = schemas[m.type]["block"]["attributes"][m.arn]
        assert attr["computed"] and not attr.get("optional"), m.type


def _aws_lacks() -> set[str]:
    """Every request member (botocore, dotted, [] for list items) hashicorp/aws's table lacks."""
    model = botocore.session.get_session().get_service_model("batch")
    found: set[str] = set()

    def walk(shape, obj, where):
        for name, member in shape.members.items():
            spec = obj.fields.get(name)
            path = f"{where}.{name}"
            if spec is None:
                found.add(path)
            elif isinstance(spec, B):
                inner = member.member if member.type_name == "list" else member
                walk(inner, spec.fields, path + ("[]" if member.type_name == "list" else ""))

    for section, op in OPERATIONS.items():
        walk(model.operation_model(op).input_shape, BY_SECTION[section].fields, section)
    return found


def test_every_field_hashicorp_aws_lacks_is_carried_by_awscc_or_known_to_be_carried_by_neither():
    lacks = _aws_lacks()
    # the fields issue 14 names, and the ECS Managed Instances settings, all go to awscc
    for path in ("computeEnvironments.unmanagedvCpus", "schedulingPolicies.quotaSharePolicy",
                 "jobDefinitions.consumableResourceProperties",
                 "computeEnvironments.computeResources.managedInstancesProvider",
                 "computeEnvironments.computeResources.capacityTags"):
        assert path in lacks and path not in NOT_CARRIED, path
    assert {p for p in lacks if p in NOT_CARRIED} == NEITHER


def test_an_entry_goes_to_awscc_only_when_hashicorp_aws_lacks_one_of_its_fields():
    assert resource_map("computeEnvironments", {"type": "UNMANAGED"}) is BY_SECTION["computeEnvironments"]
    cc = resource_map("computeEnvironments", {"type": "UNMANAGED", "unmanagedvCpus": 8})
    assert (cc.provider, cc.type) == (AWSCC, "awscc_batch_compute_environment")
    assert list(unsupported("computeEnvironments", {"type": "UNMANAGED", "unmanagedvCpus": 8}, cc)) == []
    assert BY_SECTION["jobQueues"].provider is AWS


def test_no_example_uses_awscc():
    """specs/ sets nothing hashicorp/aws can't carry: its output (out/) has no awscc at all."""
    for example in EXAMPLES:
        for path in (example.out / "terraform").glob("*.tf"):
            assert "awscc" not in path.read_text(), path


def _compiled(spec: Path):
    result = compile_spec(str(spec))
    assert not result.errors, "\n".join(map(str, result.problems))
    return result


@pytest.mark.parametrize("spec", AWSCC_SPECS, ids=[p.stem for p in AWSCC_SPECS])
def test_awscc_specs_compile_and_bg011_names_the_provider(spec):
    result = _compiled(spec)
    bg011 = [w for w in result.warnings if w.code == "BG-011"]
    assert bg011 and all("hashicorp/awscc" in w.message and "awscc_batch_" in w.message for w in bg011)
    tf = result.files
    assert 'source  = "hashicorp/awscc"' in tf["terraform/versions.tf"]
    assert 'version = ">= 1.100.0"' in tf["terraform/versions.tf"]
    assert 'provider "awscc" {' in tf["terraform/providers.tf"]


@pytest.mark.parametrize("spec", AWSCC_SPECS, ids=[p.stem for p in AWSCC_SPECS])
def test_cli_bodies_of_awscc_entries_pass_botocore_validation(spec):
    """The CLI side is the API request whatever provider Terraform uses; it keeps every field."""
    session = botocore.session.get_session()
    bodies = {k: v for k, v in _compiled(spec).files.items() if k.startswith("cli/batch/") and k.endswith(".json")}
    assert bodies
    for rel, text in bodies.items():
        command = rel.split("/")[2]
        op = session.get_service_model("batch").operation_model("".join(p.capitalize() for p in command.split("-")))
        report = ParamValidator().validate(json.loads(text), op.input_shape)
        assert not report.has_errors(), f"{rel}: {report.generate_report()}"


def test_unmanaged_fair_share_environment_is_awscc_and_the_rest_stays_aws():
    tf = _compiled(ROOT / "tests" / "awscc" / "unmanaged-fairshare.yaml").files
    ce = tf["terraform/compute_environments.tf"]
    assert 'resource "awscc_batch_compute_environment" "onprem_cluster" {' in ce
    assert "unmanagedv_cpus          = 256" in ce
    assert "service_role             = aws_iam_role.batch_service.arn" in ce
    # awscc has no default_tags: the spec's tags and the project are merged into the resource's own
    assert 'CostCenter = "research"' in ce and 'Owner      = "hpc-team"' in ce and 'Project    = "genomics"' in ce
    queues = tf["terraform/job_queues.tf"]
    # jobQueueType (hashicorp/aws lacks it too) makes the queue an awscc one; the policy stays aws
    assert 'resource "awscc_batch_job_queue" "lab_fairshare"' in queues
    assert 'resource "aws_batch_scheduling_policy" "lab_shares"' in queues
    assert "scheduling_policy_arn = aws_batch_scheduling_policy.lab_shares.arn" in queues
    assert "compute_environment = awscc_batch_compute_environment.onprem_cluster.compute_environment_arn" in queues
    assert 'resource "aws_batch_job_definition" "bwa_mem"' in tf["terraform/job_definitions.tf"]
    outputs = tf["terraform/outputs.tf"]
    assert "onprem-cluster = awscc_batch_compute_environment.onprem_cluster.compute_environment_arn" in outputs
    assert "lab-fairshare = awscc_batch_job_queue.lab_fairshare.job_queue_arn" in outputs
    # the notification's event pattern names the awscc queue's ARN
    assert "jobQueue = [awscc_batch_job_queue.lab_fairshare.job_queue_arn]" in tf["terraform/events.tf"]
    body = json.loads(tf["cli/batch/create-compute-environment/onprem-cluster.json"])
    assert body["unmanagedvCpus"] == 256


def test_references_to_awscc_resources_use_their_arn_attributes():
    tf = _compiled(ROOT / "tests" / "awscc" / "quota-share-sagemaker.yaml").files["terraform/job_queues.tf"]
    assert "scheduling_policy_arn = awscc_batch_scheduling_policy.training_quota.arn" in tf
    assert "job_queue_type        = \"SAGEMAKER_TRAINING\"" in tf
    tf = _compiled(ROOT / "tests" / "awscc" / "managed-instances.yaml").files
    # an IAM policy naming any revision of an awscc job definition: its ARN without the revision, then :*
    assert ('"${replace(awscc_batch_job_definition.fluent_solver.job_definition_arn, "/:[0-9]+$/", "")}:*"'
            in tf["terraform/iam.tf"])
    # the schedule's Batch target submits the definition by name (awscc's name attribute): each
    # run takes the latest ACTIVE revision (docs/day-two.md)
    assert "job_definition = awscc_batch_job_definition.fluent_solver.job_definition_name" in tf["terraform/events.tf"]
    assert "storage_size_gi_b = 100" in tf["terraform/compute_environments.tf"]
    # day two: Batch scales desiredvCpus, so Terraform ignores it, by awscc's name for it
    # (its address is checked by real Terraform in tests/downstream/test_terraform_awscc.py)
    assert "ignore_changes        = [compute_resources.desiredv_cpus]" in tf["terraform/compute_environments.tf"]


def test_awscc_provider_block_acts_where_the_aws_one_does(tmp_path):
    spec = write_spec(tmp_path, """
        batchgen: 1
        project: demo
        region: eu-central-1
        terraform:
          assumeRole: {roleArn: "arn:aws:iam::123456789012:role/deployer", sessionName: batchgen}
        computeEnvironments:
          - computeEnvironmentName: own
            type: UNMANAGED
            unmanagedvCpus: 16
    """)
    result = run("compile", spec, "-o", tmp_path / "out")
    assert result.code == 0, result.stderr
    providers = (tmp_path / "out" / "terraform" / "providers.tf").read_text()
    awscc = providers[providers.index('provider "awscc" {'):]
    assert 'region = "eu-central-1"' in awscc
    assert 'role_arn     = "arn:aws:iam::123456789012:role/deployer"' in awscc
    assert "assume_role = {" in awscc  # an attribute holding an object in awscc, not a block
    assert "default_tags" not in awscc
    assert "no default_tags" in providers  # the comment says where the tags went


def test_an_aws_only_spec_has_no_awscc_provider(tmp_path):
    spec = write_spec(tmp_path, """
        batchgen: 1
        project: demo
        computeEnvironments:
          - computeEnvironmentName: own
            type: UNMANAGED
    """)
    assert run("compile", spec, "-o", tmp_path / "out").code == 0
    for name in ("versions.tf", "providers.tf", "compute_environments.tf"):
        assert "awscc" not in (tmp_path / "out" / "terraform" / name).read_text()


def test_a_field_neither_provider_carries_stops_the_compile(tmp_path):
    spec = write_spec(tmp_path, """
        batchgen: 1
        project: demo
        computeEnvironments:
          - computeEnvironmentName: eks
            type: MANAGED
            eksConfiguration:
              eksClusterArn: arn:aws:eks:us-east-1:123456789012:cluster/main
              kubernetesNamespace: batch
              accessEntry: {desiredState: ENABLED}
            computeResources:
              type: EC2
              maxvCpus: 16
              instanceTypes: [m5]
              subnets: [subnet-0a1b2c3d]
              securityGroupIds: [sg-0a1b2c3d]
    """)
    result = run("compile", spec, "-o", tmp_path / "out")
    assert result.code == 1
    assert "error[BG-011]: computeEnvironments[0].eksConfiguration.accessEntry can't be written to Terraform" \
        in result.stderr
    assert not (tmp_path / "out").exists()


def test_adopting_an_awscc_entry_imports_it_by_arn(tmp_path):
    spec = write_spec(tmp_path, (ROOT / "tests" / "awscc" / "managed-instances.yaml").read_text())
    result = run("compile", spec, "--adopt", "-o", tmp_path / "out")
    assert result.code == 0, result.stderr
    imports = (tmp_path / "out" / "terraform" / "imports.tf").read_text()
    # by the ARN of the name it runs under: batchgen's (name and replacement key), as deployed
    running = json.loads((tmp_path / "out" / "cli" / "batch" / "create-compute-environment" /
                          "ecs-managed.json").read_text())["computeEnvironmentName"]
    assert running.startswith("ecs-managed-")
    assert ("to = awscc_batch_compute_environment.ecs_managed\n"
            f'  id = "arn:aws:batch:us-west-2:123456789012:compute-environment/{running}"') in imports
    assert "# awscc_batch_job_definition.fluent_solver: not adopted" in imports
    assert "to = aws_batch_job_queue.sim" in imports
