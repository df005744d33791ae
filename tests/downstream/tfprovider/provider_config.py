"""Schemas of the ``provider "aws" {}`` and ``provider "awscc" {}`` blocks served by the stand-in plugin.

The schema dumps in tests/fixtures have no provider block schema, so these are
hand-written: a subset of hashicorp/aws 6.x's provider arguments (names, types
and nesting as in the provider's documentation), and hashicorp/awscc's
arguments as its documentation lists them (docs/index.md of
hashicorp/terraform-provider-awscc, "Schema", read at commit
017c03780fb3da81b8e28624b426ff17b2972c54: awscc's `assume_role` and `user_agent`
are attributes holding objects, not blocks; it has no default_tags and no
allowed_account_ids), in the same JSON shape as the dumps. Arguments outside
these (``endpoints``, ...) are reported by ``terraform validate`` as
unexpected: extend the dicts below if batchgen starts to emit them.
"""

from __future__ import annotations


def _attr(type_, **flags):
    return {"type": type_, "optional": True, "description_kind": "plain", **flags}


_STRING_SET = ["set", "string"]
_STRING_LIST = ["list", "string"]

PROVIDER_BLOCK = {  # hashicorp/aws
    "version": 0,
    "block": {
        "attributes": {
            "region": _attr("string"),
            "profile": _attr("string"),
            "access_key": _attr("string"),
            "secret_key": _attr("string"),
            "token": _attr("string"),
            "shared_config_files": _attr(_STRING_LIST),
            "shared_credentials_files": _attr(_STRING_LIST),
            "allowed_account_ids": _attr(_STRING_SET),
            "forbidden_account_ids": _attr(_STRING_SET),
            "max_retries": _attr("number"),
            "retry_mode": _attr("string"),
            "insecure": _attr("bool"),
            "http_proxy": _attr("string"),
            "https_proxy": _attr("string"),
            "no_proxy": _attr("string"),
            "custom_ca_bundle": _attr("string"),
            "ec2_metadata_service_endpoint": _attr("string"),
            "ec2_metadata_service_endpoint_mode": _attr("string"),
            "s3_use_path_style": _attr("bool"),
            "s3_us_east_1_regional_endpoint": _attr("string"),
            "skip_credentials_validation": _attr("bool"),
            "skip_metadata_api_check": _attr("string"),
            "skip_region_validation": _attr("bool"),
            "skip_requesting_account_id": _attr("bool"),
            "sts_region": _attr("string"),
            "use_dualstack_endpoint": _attr("bool"),
            "use_fips_endpoint": _attr("bool"),
        },
        "block_types": {
            "default_tags": {
                "nesting_mode": "list",
                "max_items": 1,
                "block": {"attributes": {"tags": _attr(["map", "string"])}},
            },
            "ignore_tags": {
                "nesting_mode": "list",
                "max_items": 1,
                "block": {
                    "attributes": {
                        "keys": _attr(_STRING_SET),
                        "key_prefixes": _attr(_STRING_SET),
                    }
                },
            },
            "assume_role": {
                "nesting_mode": "list",
                "block": {
                    "attributes": {
                        "role_arn": _attr("string"),
                        "session_name": _attr("string"),
                        "external_id": _attr("string"),
                        "duration": _attr("string"),
                        "policy": _attr("string"),
                        "policy_arns": _attr(_STRING_SET),
                        "source_identity": _attr("string"),
                        "tags": _attr(["map", "string"]),
                        "transitive_tag_keys": _attr(_STRING_SET),
                    }
                },
            },
        },
    },
}


def _object(attributes: dict, nesting: str = "single") -> dict:
    return {"nested_type": {"attributes": attributes, "nesting_mode": nesting},
            "optional": True, "description_kind": "plain"}


_ASSUME_ROLE_COMMON = {
    "role_arn": _attr("string"),
    "session_name": _attr("string"),
    "duration": _attr("string"),
    "policy": _attr("string"),
    "policy_arns": _attr(_STRING_LIST),
}

AWSCC_PROVIDER_BLOCK = {  # hashicorp/awscc
    "version": 0,
    "block": {
        "attributes": {
            "region": _attr("string"),
            "profile": _attr("string"),
            "access_key": _attr("string"),
            "secret_key": _attr("string"),
            "token": _attr("string"),
            "role_arn": _attr("string"),  # the CloudFormation service role, not a role to assume
            "shared_config_files": _attr(_STRING_LIST),
            "shared_credentials_files": _attr(_STRING_LIST),
            "max_retries": _attr("number"),
            "insecure": _attr("bool"),
            "http_proxy": _attr("string"),
            "skip_medatadata_api_check": _attr("bool"),  # sic, as the provider spells it
            "assume_role": _object({
                **_ASSUME_ROLE_COMMON,
                "external_id": _attr("string"),
                "tags": _attr(["map", "string"]),
                "transitive_tag_keys": _attr(_STRING_SET),
            }),
            "assume_role_with_web_identity": _object({
                **_ASSUME_ROLE_COMMON,
                "web_identity_token": _attr("string"),
                "web_identity_token_file": _attr("string"),
            }),
            "user_agent": _object({
                "product_name": _attr("string"),
                "product_version": _attr("string"),
                "comment": _attr("string"),
            }, "list"),
        },
    },
}

PROVIDER_BLOCKS = {
    "registry.terraform.io/hashicorp/aws": PROVIDER_BLOCK,
    "registry.terraform.io/hashicorp/awscc": AWSCC_PROVIDER_BLOCK,
}
