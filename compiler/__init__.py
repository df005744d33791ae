"""batchgen: one YAML spec of an AWS Batch setup -> validated Terraform module + AWS CLI request bodies."""

__version__ = "0.1.0"
