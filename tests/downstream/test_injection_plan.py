"""Terraform reads every hostile string of a spec back exactly: the property of
tests/test_injection.py (same strategies, same twin), judged by Terraform instead of
python-hcl2, and with no string left out for python-hcl2's sake (`"$${x"` included).

Each example compiles a spec full of hostile free text and its twin (every string a plain
token), checks `terraform fmt` has nothing to change in the hostile module (alignment of
quoted keys holding combining marks and other multi-code-point characters), and runs both
through `terraform apply` against the stand-in provider: a plan, then placeholders for what
the plan leaves unknown, so that a `jsonencode({...})` naming a role's ARN (the job
definition's container_properties) is evaluated too. It requires the same resources with,
wherever the twin's state holds a token, exactly the string it stands for (JSON strings such
as container_properties compared parsed), and every string of the module in the state.
Strings are drawn as Terraform can hold them (`terraform_can_hold`): cty normalizes every
string to Unicode NFC, so no other form reaches a plan whatever the HCL says, and that
includes the JSON text jsonencode makes: an escape followed by a combining mark (a newline,
then U+0301) comes out as invalid JSON (`\n` + U+0301 composes into `\ń`). Both are
Terraform's limits, not batchgen's; the CLI bodies carry such strings (tests/test_injection.py).
"""
from __future__ import annotations

import json

import pytest
from hypothesis import given, settings

from tests.test_injection import (TOKEN, Tokens, assert_twin, compile_spec_dict, drawn_specs, examples, make_spec,
                                  write_files)

from .terraform import state_resources

pytestmark = pytest.mark.downstream


@settings(max_examples=examples(8))  # two applies each: about 2 s an example
@given(drawn=drawn_specs(terraform=True))
def test_terraform_reads_every_spec_string_unchanged(drawn, terraform, tmp_path_factory):
    spec = make_spec(drawn, lambda s: s)
    tokens = Tokens()
    twin = make_spec(drawn, tokens)
    module = write_files(compile_spec_dict(spec, drawn["spec_file"]), tmp_path_factory.mktemp("module"), "terraform/")
    twin_files = compile_spec_dict(twin, drawn["spec_file"])
    twin_module = write_files(twin_files, tmp_path_factory.mktemp("twin"), "terraform/")

    ok, diff = terraform.fmt_check(module)
    assert ok, diff
    state = _without_random_ids(state_resources(terraform.apply(module)))
    twin_state = _without_random_ids(state_resources(terraform.apply(twin_module)))
    assert sorted(state) == sorted(twin_state)  # no resource added, none lost
    assert_twin(state, twin_state, tokens.strings)

    # Every string the module holds is in the state.
    in_module = {t for rel, text in twin_files.items() if rel.startswith("terraform/") for t in TOKEN.findall(text)}
    in_state = set(TOKEN.findall(json.dumps(twin_state, ensure_ascii=False)))
    assert in_module and in_module <= in_state, sorted(tokens.strings[t] for t in in_module - in_state)


def _without_random_ids(state: dict) -> dict:
    """Terraform's own terraform_data gets a random id on every apply (not the spec's)."""
    return {address: {k: v for k, v in values.items() if not (address.startswith("terraform_data.") and k == "id")}
            for address, values in state.items()}
