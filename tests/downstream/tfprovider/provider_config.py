"""Schema of the ``provider "aws" {}`` block served by the stand-in plugin.

The schema dump in tests/fixtures has no provider block schema, so this is a
hand-written subset of hashicorp/aws 6.x's provider arguments (names, types
and nesting as in the provider's documentation), in the same JSON shape as
the dump. Arguments outside this subset (``endpoints``, ``assume_role_with_web_identity``,
...) are reported by ``terraform validate`` as unexpected: extend the dict
below if batchgen starts to emit them.
"""

from __future__ import annotations


def _attr(type_, **flags):
    return {"type": type_, "optional": True, "description_kind": "plain", **flags}


_STRING_SET = ["set", "string"]
_STRING_LIST = ["list", "string"]

PROVIDER_BLOCK = {
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
