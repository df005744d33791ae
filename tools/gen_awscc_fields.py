"""Generate compiler/awscc_fields.py: the hashicorp/awscc argument of every AWS Batch request field. Not used at runtime.

    .venv/bin/python tools/gen_awscc_fields.py            # rewrite compiler/awscc_fields.py
    .venv/bin/python tools/gen_awscc_fields.py --check    # exit 1 if the committed table is stale

The awscc resources follow the CloudFormation AWS::Batch::* schemas, and the provider names an
argument after its CloudFormation property by its own snake-case rule (MaxvCpus -> maxv_cpus,
Ec2Configuration -> ec_2_configuration, SizeInGiB -> size_in_gi_b, S3FilesVolumeConfiguration ->
s3_files_volume_configuration). CloudFormation's Batch property names are the API's with the first
letter capitalised (the provider's own attribute name maps say so: "size_in_gi_b": "SizeInGiB"),
save for spelling: the API's s3filesVolumeConfiguration is CloudFormation's S3FilesVolumeConfiguration.

So no name is guessed: each member of botocore's request shape is matched with the argument of
the real awscc schema (tests/fixtures/awscc-provider-schema.json) at the same place whose name,
without underscores, equals the member's name case-insensitively; the match must also have the
member's kind (structure <-> single nested attribute, list of structures <-> list nested
attribute, map <-> map, list <-> list, scalar <-> scalar), or the generator stops. A member with
no argument is left out of the table (the awscc provider can't carry it either) and listed in the
module's NOT_CARRIED. The ARN attribute of each resource is the schema's one computed-only
string attribute named *arn.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import botocore.session

ROOT = Path(__file__).resolve().parents[1]
FIXTURE = ROOT / "tests" / "fixtures" / "awscc-provider-schema.json"
OUT = ROOT / "compiler" / "awscc_fields.py"
SOURCE = "registry.terraform.io/hashicorp/awscc"

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from compiler.language import SECTION_TABLE  # noqa: E402

# The four AWS Batch sections with a Terraform resource: section -> awscc resource type.
RESOURCES = {
    "computeEnvironments": "awscc_batch_compute_environment",
    "schedulingPolicies": "awscc_batch_scheduling_policy",
    "jobQueues": "awscc_batch_job_queue",
    "jobDefinitions": "awscc_batch_job_definition",
}

_SCALAR = {"string": "string", "integer": "number", "long": "number", "float": "number", "double": "number",
           "boolean": "bool", "timestamp": "string"}


def _key(name: str) -> str:
    return name.replace("_", "").lower()


def _kind_error(path: str, member, attr: dict) -> str:
    return f"{path}: botocore {member.type_name} {member.name} vs awscc {attr.get('type') or attr['nested_type']}"


def walk(shape, attrs: dict, path: str, missing: list[str]) -> dict:
    """{API member: awscc name | (awscc name, repeated, {...})} for the members awscc carries."""
    by_key = {_key(n): n for n, a in attrs.items() if a.get("optional") or a.get("required")}
    out: dict = {}
    for name, member in shape.members.items():
        where = f"{path}.{name}" if path else name
        cc = by_key.get(_key(name))
        if cc is None:
            missing.append(where)
            continue
        attr = attrs[cc]
        nested = attr.get("nested_type")
        kind = member.type_name
        if kind == "structure":
            if not nested or nested["nesting_mode"] != "single":
                raise SystemExit(_kind_error(where, member, attr))
            out[name] = (cc, False, walk(member, nested["attributes"], where, missing))
        elif kind == "list" and member.member.type_name == "structure":
            if not nested or nested["nesting_mode"] != "list":
                raise SystemExit(_kind_error(where, member, attr))
            out[name] = (cc, True, walk(member.member, nested["attributes"], where + "[]", missing))
        else:
            if kind == "list":
                want = ["list", _SCALAR[member.member.type_name]]
            elif kind == "map":
                want = ["map", _SCALAR[member.value.type_name]]
            else:
                want = _SCALAR[kind]
            if attr.get("type") != want:
                raise SystemExit(_kind_error(where, member, attr))
            out[name] = cc
    return out


def _fields(fields: dict, depth: int) -> str:
    """`fields` as a Python dict literal, one member a line, nested tables indented."""
    pad = "    " * (depth + 1)
    lines = ["{"]
    for name, value in fields.items():
        if isinstance(value, str):
            lines.append(f"{pad}{json.dumps(name)}: {json.dumps(value)},")
        else:
            cc, repeated, inner = value
            lines.append(f"{pad}{json.dumps(name)}: ({json.dumps(cc)}, {repeated}, {_fields(inner, depth + 1)}),")
    lines.append("    " * depth + "}")
    return "\n".join(lines)


def generate() -> str:
    schemas = json.loads(FIXTURE.read_text())["provider_schemas"][SOURCE]["resource_schemas"]
    model = botocore.session.get_session().get_service_model("batch")
    shapes = {s.key: s.shape for s in SECTION_TABLE if s.key in RESOURCES}
    tables, missing = {}, []
    for section, cc_type in RESOURCES.items():
        attrs = schemas[cc_type]["block"]["attributes"]
        arns = [n for n, a in attrs.items() if n.endswith("arn") and a.get("computed") and not a.get("optional")]
        if len(arns) != 1:
            raise SystemExit(f"{cc_type}: no single ARN attribute ({arns})")
        fields = walk(model.shape_for(shapes[section]), attrs, section, missing)
        tables[section] = (cc_type, arns[0], fields)
    version = botocore.__version__
    body = "{\n" + "".join(f"    {json.dumps(section)}: ({json.dumps(cc_type)}, {json.dumps(arn)}, "
                             + _fields(fields, 1) + "),\n"
                             for section, (cc_type, arn, fields) in tables.items()) + "}"
    not_carried = "(\n" + "".join(f"    {json.dumps(path)},\n" for path in missing) + ")"
    return (
        '"""The hashicorp/awscc argument of every AWS Batch request field awscc can carry. Pure data.\n\n'
        "GENERATED by tools/gen_awscc_fields.py from tests/fixtures/awscc-provider-schema.json (the real\n"
        f"awscc schema, tests/fixtures/README.md) and botocore {version}'s batch model; do not edit.\n\n"
        "TABLES: section -> (awscc resource type, its ARN attribute, fields); fields: API member ->\n"
        "the awscc argument's name, or (name, repeated, fields) for a nested attribute (a list of\n"
        "objects when repeated). compiler/tfmap.py reads it.\n"
        '"""\n'
        f"TABLES = {body}\n\n"
        "# Request fields (botocore's dotted paths, [] for list items) the awscc schema has no argument for.\n"
        f"NOT_CARRIED = {not_carried}\n"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if compiler/awscc_fields.py is stale")
    args = parser.parse_args(argv)
    text = generate()
    if args.check:
        if OUT.read_text() != text:
            print(f"{OUT.relative_to(ROOT)} is stale: run python tools/gen_awscc_fields.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
