"""A stand-in hashicorp/aws Terraform provider plugin, for offline tests only.

It serves the real hashicorp/aws provider schema (a ``terraform providers
schema -json`` dump, tests/fixtures/aws-provider-schema.json) over Terraform's
plugin protocol 6, so that Terraform core itself checks generated modules in
``validate`` and ``plan``. It never talks to AWS: plans carry "known after
apply" for computed values, data sources return placeholders.

Modules: ``server`` (handshake, TLS, gRPC), ``provider`` (plan / apply /
data source answers), ``schema`` (dump -> protobuf, value walking), ``cty``
(MessagePack values), ``policy_document`` (aws_iam_policy_document json),
``provider_config`` (the provider block schema), ``codegen`` (protoc).
"""

AWS_PROVIDER_VERSION = "6.47.0"
