"""A stand-in hashicorp/aws (and hashicorp/awscc) Terraform provider plugin, for offline tests only.

It serves the real hashicorp/aws provider schema (a ``terraform providers
schema -json`` dump, tests/fixtures/aws-provider-schema.json) over Terraform's
plugin protocol 6, so that Terraform core itself checks generated modules in
``validate`` and ``plan``; started with ``--schema
tests/fixtures/awscc-provider-schema.json`` it serves hashicorp/awscc's AWS Batch
resources the same way. It never talks to AWS: plans carry "known after
apply" for computed values, data sources return placeholders.

Modules: ``server`` (handshake, TLS, gRPC), ``provider`` (plan / apply /
data source answers), ``schema`` (dump -> protobuf, value walking), ``cty``
(MessagePack values), ``policy_document`` (aws_iam_policy_document json),
``provider_config`` (the provider block schema), ``codegen`` (protoc).
"""

AWS_PROVIDER_VERSION = "6.47.0"
# The awscc fixture mixes dump versions (tests/fixtures/README.md); batchgen requires >= 1.100.0.
AWSCC_PROVIDER_SCHEMA = "lonegunmanb/terraform-awscc-schema dump (AWS::Batch::* resources)"
