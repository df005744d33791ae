"""An AWS emulator (moto's server mode) for deploying batchgen's CLI output, offline.

``MotoServer`` runs ``moto.server`` on 127.0.0.1 on a free port, with AWS
managed policies loaded (``MOTO_IAM_LOAD_MANAGED_POLICIES``) and Batch's
Docker execution switched off, so submitted jobs succeed at once. It is
reset between examples (``reset``) and stopped at the end; every wait is
bounded. It starts through ``moto_launcher.py``, which makes moto's Batch
Describe*/List* calls paginate as AWS does (100 a page) and report a
multi-node job definition's nodeProperties, as AWS does.

The rest prepares an account the way a real one would already be before
``deploy.sh`` runs, and replays ``deploy.sh`` with boto3:

- ``create_network``: the VPC, subnets and security groups a spec names
  cannot be created with those IDs (the emulator picks its own), so they are
  created and the spec text is rewritten to use the new IDs.
- ``create_buckets``: the buckets triggers watch exist before deploy.sh (a
  trigger names an existing bucket), each with an SQS notification of its own
  that deploy.sh must keep (put-bucket-notification-configuration replaces the
  whole configuration; deploy.sh merges).
- ``create_batch_service_linked_role``: AWSServiceRoleForBatch exists in
  any account that has used AWS Batch. moto's CreateServiceLinkedRole names
  it "AWSServiceRoleForbatch" (moto 5.2.5 keeps the service's lower case),
  so it is created under AWS's name with CreateRole at AWS's path.
- ``DeployScript``: the steps of a generated ``deploy.sh`` (which body file
  each ``aws`` call sends, the waits, the job IDs it captures), read from
  the script itself so that a boto3 replay sends the same requests in the
  same order. A line it does not understand is an error, not a skip.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

import boto3
import botocore
from botocore.config import Config

DEFAULT_ACCOUNT = "123456789012"  # moto's
DEFAULT_REGION = "us-east-1"
ACCESS_KEY = "AKIABATCHGENTEST0001"
SECRET_KEY = "batchgen-downstream-tests-not-a-secret"

BATCH_SLR_NAME = "AWSServiceRoleForBatch"
BATCH_SLR_PATH = "/aws-service-role/batch.amazonaws.com/"

_CLIENT_CONFIG = Config(retries={"max_attempts": 1, "mode": "standard"},
                        connect_timeout=10, read_timeout=60)


class EmulatorError(Exception):
    pass


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MotoServer:
    """``python -m moto.server`` on 127.0.0.1:<free port>, ready to take requests."""

    def __init__(self, log_path: Path, start_timeout: float = 30):
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log_path = log_path
        env = {k: v for k, v in os.environ.items() if not k.startswith(("MOTO_", "AWS_"))}
        env["MOTO_IAM_LOAD_MANAGED_POLICIES"] = "true"
        with open(log_path, "ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, str(Path(__file__).with_name("moto_launcher.py")),
                 "-H", "127.0.0.1", "-p", str(self.port)],
                stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT,
                env=env, start_new_session=True)
        try:
            self._wait_ready(start_timeout)
            self.configure()
        except BaseException:
            self.stop()
            raise

    def _wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise EmulatorError(f"moto.server exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                self._request("GET", "/moto-api/config", timeout=2)
                return
            except (urllib.error.URLError, OSError):
                time.sleep(0.1)
        raise EmulatorError(f"moto.server not ready after {timeout} s:\n{self.log_tail()}")

    def _request(self, method: str, path: str, body: Any = None, timeout: float = 30) -> Any:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method)
        with urllib.request.urlopen(request, timeout=timeout) as response:
            text = response.read().decode()
        return json.loads(text) if text else None

    def configure(self) -> None:
        """Jobs succeed at once instead of running in Docker (there is none here)."""
        config = self._request("POST", "/moto-api/config", {"batch": {"use_docker": False}})
        if config.get("batch", {}).get("use_docker") is not False:
            raise EmulatorError(f"moto did not take the batch config: {config}")

    def reset(self) -> None:
        """Forget every resource in every account (the config is set again)."""
        self._request("POST", "/moto-api/reset")
        self.configure()

    def enforce_iam(self, on: bool) -> None:
        """Check every request against IAM from now on (moto's access control: the caller's
        policies decide, denials are 403 AccessDenied), or stop checking. Credentials that
        IAM doesn't know (ACCESS_KEY) are refused while it is on."""
        request = urllib.request.Request(self.url + "/moto-api/reset-auth", data=b"0" if on else b"inf",
                                         method="POST", headers={"Content-Type": "text/plain"})
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()

    def stop(self) -> None:
        process = self.process
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=10)
        try:  # anything the server started in its own process group
            os.killpg(process.pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            pass

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except OSError:
            return ""

    # -- clients ---------------------------------------------------------------

    def session(self, account: str | None, region: str) -> "Account":
        """Credentials for ``account`` (moto's default when None): moto maps the
        keys an AssumeRole into another account returns to that account."""
        base = boto3.session.Session(aws_access_key_id=ACCESS_KEY, aws_secret_access_key=SECRET_KEY,
                                     region_name=region)
        credentials = {"aws_access_key_id": ACCESS_KEY, "aws_secret_access_key": SECRET_KEY}
        if account is not None:
            sts = base.client("sts", endpoint_url=self.url, config=_CLIENT_CONFIG)
            assumed = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/batchgen-downstream-tests",
                                      RoleSessionName="batchgen-downstream")["Credentials"]
            credentials = {"aws_access_key_id": assumed["AccessKeyId"],
                           "aws_secret_access_key": assumed["SecretAccessKey"],
                           "aws_session_token": assumed["SessionToken"]}
        session = boto3.session.Session(region_name=region, **credentials)
        return Account(self.url, session, region, credentials)


@dataclass
class Account:
    """boto3 clients for one account and region of the emulator."""

    endpoint: str
    session: boto3.session.Session
    region: str
    credentials: dict[str, str]
    _clients: dict[str, Any] = field(default_factory=dict)

    def client(self, service: str):
        if service not in self._clients:
            self._clients[service] = self.session.client(service, endpoint_url=self.endpoint,
                                                         config=_CLIENT_CONFIG)
        return self._clients[service]

    @property
    def account_id(self) -> str:
        return self.client("sts").get_caller_identity()["Account"]

    def cli_environment(self) -> dict[str, str]:
        """The variables that point the AWS CLI at the emulator with these credentials."""
        env = {
            "AWS_ENDPOINT_URL": self.endpoint,
            "AWS_REGION": self.region,
            "AWS_ACCESS_KEY_ID": self.credentials["aws_access_key_id"],
            "AWS_SECRET_ACCESS_KEY": self.credentials["aws_secret_access_key"],
            "AWS_MAX_ATTEMPTS": "1",
            "AWS_PAGER": "",
        }
        if "aws_session_token" in self.credentials:
            env["AWS_SESSION_TOKEN"] = self.credentials["aws_session_token"]
        return env


# -- the account as it is before deploy.sh ---------------------------------------

_NETWORK_ID = re.compile(r"\b(?:subnet|sg)-[0-9a-f]{8,17}\b")


def create_network(account: Account, spec_text: str) -> dict[str, str]:
    """Create one VPC with a subnet for each ``subnet-…`` and a security group for
    each ``sg-…`` the spec text names; return {ID in the spec: ID in the emulator}."""
    ec2 = account.client("ec2")
    names = sorted(set(_NETWORK_ID.findall(spec_text)))
    if not names:
        return {}
    vpc = ec2.create_vpc(CidrBlock="10.42.0.0/16")["Vpc"]["VpcId"]
    mapping: dict[str, str] = {}
    for index, name in enumerate(names):
        if name.startswith("subnet-"):
            mapping[name] = ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.42.{index}.0/24")["Subnet"]["SubnetId"]
        else:
            mapping[name] = ec2.create_security_group(
                VpcId=vpc, GroupName=f"batchgen-{index}", Description=f"stands for {name}")["GroupId"]
    return mapping


def rewrite_ids(text: str, mapping: dict[str, str]) -> str:
    if not mapping:
        return text
    return _NETWORK_ID.sub(lambda m: mapping.get(m.group(0), m.group(0)), text)


EXISTING_NOTIFICATION_QUEUE = "batchgen-existing-notifications"


def create_buckets(account: Account, spec: dict) -> dict[str, dict]:
    """Create each bucket the spec's triggers watch, with a notification of its own (object
    removals to an SQS queue); return {bucket: its notification configuration before deploy.sh}."""
    buckets = sorted({t["bucket"] for t in spec.get("triggers") or []})
    if not buckets:
        return {}
    s3, sqs = account.client("s3"), account.client("sqs")
    queue_url = sqs.create_queue(QueueName=EXISTING_NOTIFICATION_QUEUE)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    before = {}
    for bucket in buckets:
        location = {} if account.region == "us-east-1" else {
            "CreateBucketConfiguration": {"LocationConstraint": account.region}}
        s3.create_bucket(Bucket=bucket, **location)
        s3.put_bucket_notification_configuration(Bucket=bucket, NotificationConfiguration={
            "QueueConfigurations": [{"Id": "existing", "QueueArn": queue_arn, "Events": ["s3:ObjectRemoved:*"]}]})
        before[bucket] = bucket_notifications(account, bucket)
    return before


def bucket_notifications(account: Account, bucket: str) -> dict:
    found = account.client("s3").get_bucket_notification_configuration(Bucket=bucket)
    found.pop("ResponseMetadata", None)
    return found


def create_batch_service_linked_role(account: Account) -> str:
    """AWSServiceRoleForBatch as AWS names it (see the module docstring)."""
    policy = {"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"Service": "batch.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
    role = account.client("iam").create_role(
        RoleName=BATCH_SLR_NAME, Path=BATCH_SLR_PATH, AssumeRolePolicyDocument=json.dumps(policy),
        Description="stands for the AWS Batch service-linked role")["Role"]
    return role["Arn"]


# -- deploy.sh, read and replayed ------------------------------------------------

@dataclass(frozen=True)
class Step:
    kind: str  # "call", "wait_valid", "wait_instance_profile", "service_linked_role", "iam_settle"
    service: str = ""
    command: str = ""
    path: str = ""  # body file, relative to the cli/ directory
    name: str = ""  # wait target, or the job whose ID the call captures
    capture: str = ""  # shell variable that receives the call's --query result


_CALL = re.compile(
    r'^(?:(?P<var>\w+)="\$\()?aws (?P<service>[a-z0-9-]+) (?P<command>[a-z0-9-]+) --region "\$REGION" '
    r'--cli-input-json "\$\(body (?P<path>[^)\s]+)\)"(?P<rest>.*)$')
_JOB_SUBSTITUTION = re.compile(r'^SUBSTITUTIONS\+=\(-e "s/@@JOB_ID:(?P<job>[^@]+)@@/\$\{(?P<var>\w+)\}/g"\)$')
_WAIT_VALID = re.compile(r'^wait_valid (?P<kind>compute-environment|job-queue) "(?P<name>[^"]+)"$')
_WAIT_PROFILE = re.compile(
    r'^aws iam wait instance-profile-exists --region "\$REGION" --instance-profile-name "(?P<name>[^"]+)"$')
_SLR = re.compile(r'^ensure_service_linked_role "(?P<service>[a-z0-9.-]+)"$')
_ENABLE_EVENTBRIDGE = re.compile(r'^enable_eventbridge "(?P<bucket>[a-z0-9.-]+)" (?P<path>\S+)$')
_SETTLE = re.compile(r'^iam_settle(?P<roles>( "[^"]+")+)$')
_FUNCTION = re.compile(r"^\w+\(\) \{$")
_HEADER_AWS = re.compile(r'^(ACCOUNT_ID|CALLER_ACCOUNT|REGION)="\$\(')
_PLACEHOLDER = re.compile(r"@@[A-Z_]+(?::[^@]*)?@@")


@dataclass
class DeployScript:
    """The top-level steps of a generated deploy.sh, in order."""

    path: Path
    region: str | None
    account: str | None
    steps: list[Step]

    @classmethod
    def read(cls, path: Path) -> "DeployScript":
        region = account = None
        steps: list[Step] = []
        in_function = False
        pending: dict[str, Step] = {}
        for number, line in enumerate(path.read_text().splitlines(), 1):
            line = line.strip()
            if line.startswith("#"):
                continue
            if in_function:
                in_function = line != "}"
                continue
            if _FUNCTION.match(line):
                in_function = True
                continue
            if m := re.match(r'^REGION="([a-z0-9-]+)"$', line):
                region = m.group(1)
            elif m := re.match(r'^ACCOUNT_ID="(\d{12})"$', line):
                account = m.group(1)
            elif m := _CALL.match(line):
                step = Step("call", m["service"], m["command"], m["path"], capture=m["var"] or "")
                rest = m["rest"].strip()
                if step.capture:
                    if rest != '--query jobId --output text)"':
                        raise EmulatorError(f"{path}:{number}: unexpected capture: {line}")
                    pending[step.capture] = step
                elif rest != ">/dev/null":
                    raise EmulatorError(f"{path}:{number}: unexpected arguments: {line}")
                steps.append(step)
            elif m := _JOB_SUBSTITUTION.match(line):
                captured = pending.pop(m["var"], None)
                if captured is None:
                    raise EmulatorError(f"{path}:{number}: substitution of an uncaptured variable: {line}")
                steps[steps.index(captured)] = Step(**{**captured.__dict__, "name": m["job"]})
            elif m := _WAIT_VALID.match(line):
                steps.append(Step("wait_valid", command=m["kind"], name=m["name"]))
            elif m := _WAIT_PROFILE.match(line):
                steps.append(Step("wait_instance_profile", name=m["name"]))
            elif m := _SLR.match(line):
                steps.append(Step("service_linked_role", service=m["service"]))
            elif m := _ENABLE_EVENTBRIDGE.match(line):
                steps.append(Step("enable_eventbridge", "s3api", "put-bucket-notification-configuration",
                                  m["path"].strip("'"), name=m["bucket"]))
            elif m := _SETTLE.match(line):
                steps.append(Step("iam_settle", name=" ".join(re.findall(r'"([^"]+)"', m["roles"]))))
            elif "aws " in line and not _HEADER_AWS.match(line):
                raise EmulatorError(f"{path}:{number}: the replay does not know this line; "
                                    f"teach tests/downstream/emulator.py: {line}")
        if pending:
            raise EmulatorError(f"{path}: captured but never substituted: {sorted(pending)}")
        return cls(path, region, account, steps)

    @property
    def bodies(self) -> list[str]:
        return [s.path for s in self.steps if s.kind in ("call", "enable_eventbridge")]

    def replay(self, account: Account, region: str, wait_seconds: float = 30) -> dict[str, str]:
        """Send every request deploy.sh sends, in its order, with boto3.
        Returns {jobName: jobId} of the submitted jobs."""
        account_id = account.account_id
        if self.account is not None and self.account != account_id:
            raise EmulatorError(f"deploy.sh is for account {self.account}, these credentials are for {account_id}")
        region = self.region or region
        substitutions = {"@@ACCOUNT_ID@@": account_id, "@@REGION@@": region}
        job_ids: dict[str, str] = {}
        cli_dir = self.path.parent
        for step in self.steps:
            if step.kind == "call":
                text = (cli_dir / step.path).read_text()
                for placeholder, value in substitutions.items():
                    text = text.replace(placeholder, value)
                if left := _PLACEHOLDER.findall(text):
                    raise EmulatorError(f"{step.path}: placeholders left after substitution: {left}")
                result = call(account, step.service, step.command, json.loads(text))
                if step.capture:
                    job_ids[step.name] = result["jobId"]
                    substitutions[f"@@JOB_ID:{step.name}@@"] = result["jobId"]
            elif step.kind == "wait_valid":
                _wait_valid(account, step.command, step.name, wait_seconds)
            elif step.kind == "wait_instance_profile":
                account.client("iam").get_waiter("instance_profile_exists").wait(
                    InstanceProfileName=step.name, WaiterConfig={"Delay": 1, "MaxAttempts": int(wait_seconds)})
            elif step.kind == "service_linked_role":
                _ensure_service_linked_role(account, step.service)
            elif step.kind == "enable_eventbridge":
                # what deploy.sh's enable_eventbridge does: the current configuration, EventBridge merged in
                body = json.loads((cli_dir / step.path).read_text())
                merged = {**bucket_notifications(account, step.name), "EventBridgeConfiguration": {}}
                call(account, step.service, step.command, {**body, "NotificationConfiguration": merged})
            elif step.kind == "iam_settle":  # what deploy.sh's iam_settle waits for (its delay is 0 here)
                for role in step.name.split(" "):
                    account.client("iam").get_waiter("role_exists").wait(
                        RoleName=role, WaiterConfig={"Delay": 1, "MaxAttempts": int(wait_seconds)})
        return job_ids


def operation_name(client, command: str) -> str:
    """The API operation behind an AWS CLI command name (create-job-queue -> CreateJobQueue)."""
    for name in client.meta.service_model.operation_names:
        if botocore.xform_name(name, "-") == command:
            return name
    raise EmulatorError(f"{client.meta.service_model.service_name} has no operation for `{command}`")


CLI_SERVICES = {"s3api": "s3"}  # the AWS CLI's name of a service -> botocore's


def call(account: Account, service: str, command: str, body: dict) -> dict:
    client = account.client(CLI_SERVICES.get(service, service))
    method: Callable = getattr(client, botocore.xform_name(operation_name(client, command)))
    return method(**body)


def _wait_valid(account: Account, kind: str, name: str, timeout: float) -> None:
    batch = account.client("batch")
    deadline = time.monotonic() + timeout
    status = None
    while time.monotonic() < deadline:
        if kind == "compute-environment":
            found = batch.describe_compute_environments(computeEnvironments=[name])["computeEnvironments"]
        else:
            found = batch.describe_job_queues(jobQueues=[name])["jobQueues"]
        status = found[0]["status"] if found else None
        if status == "VALID":
            return
        if status == "INVALID":
            raise EmulatorError(f"{kind} {name} is INVALID: {found[0].get('statusReason')}")
        time.sleep(0.2)
    raise EmulatorError(f"{kind} {name} not VALID after {timeout} s (status {status})")


def _ensure_service_linked_role(account: Account, service: str) -> None:
    """What deploy.sh's ensure_service_linked_role does: create it unless it is there."""
    iam = account.client("iam")
    try:
        iam.get_role(RoleName=BATCH_SLR_NAME)
    except iam.exceptions.NoSuchEntityException:
        iam.create_service_linked_role(AWSServiceName=service)


def run_deploy_script(script: Path, account: Account, aws_cli_bin: Path, home: Path,
                      timeout: float = 300, args: tuple[str, ...] = ()) -> subprocess.CompletedProcess:
    """Run a generated script (deploy.sh, submit.sh, update.sh, teardown.sh) unchanged with
    the real AWS CLI pointed at the emulator."""
    from .tools import tool_env

    env = tool_env(home, **account.cli_environment(),
                   PATH=f"{aws_cli_bin}{os.pathsep}{os.environ.get('PATH', '')}",
                   AWS_CONFIG_FILE=str(home / "aws-config"),
                   AWS_SHARED_CREDENTIALS_FILE=str(home / "aws-credentials"),
                   BATCHGEN_WAIT_SECONDS="20", BATCHGEN_IAM_PROPAGATION_SECONDS="0")
    for name in ("AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_DEFAULT_REGION", "AWS_CA_BUNDLE"):
        env.pop(name, None)
    home.mkdir(parents=True, exist_ok=True)
    return subprocess.run(["bash", str(script), *args], env=env, cwd=home, capture_output=True, text=True,
                          timeout=timeout, stdin=subprocess.DEVNULL)


def submit_bodies(account: Account, cli_dir: Path, jobs: list[dict], region: str) -> dict[str, str]:
    """What submit.sh --all sends, replayed with boto3: the submit-job body of each job
    (dependencies first, their IDs filled in). Returns {jobName: jobId}."""
    account_id = account.account_id
    by_name = {j["jobName"]: j for j in jobs}
    done: list[str] = []

    def visit(name: str) -> None:
        if name in done:
            return
        for dep in by_name[name].get("dependsOn") or []:
            if dep.get("jobId") in by_name:
                visit(dep["jobId"])
        done.append(name)

    for job in jobs:
        visit(job["jobName"])
    ids: dict[str, str] = {}
    for name in done:
        text = (cli_dir / "batch" / "submit-job" / f"{name}.json").read_text()
        text = text.replace("@@ACCOUNT_ID@@", account_id).replace("@@REGION@@", region)
        for other, job_id in ids.items():
            text = text.replace(f"@@JOB_ID:{other}@@", job_id)
        if left := _PLACEHOLDER.findall(text):
            raise EmulatorError(f"{name}: placeholders left after substitution: {left}")
        ids[name] = call(account, "batch", "submit-job", json.loads(text))["jobId"]
    return ids
