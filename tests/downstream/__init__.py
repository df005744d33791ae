"""Tests that run the real downstream tools (Terraform core) offline.

``terraform.py`` is the harness (see its docstring), ``tfprovider/`` the
stand-in hashicorp/aws plugin it registers with Terraform. Tests using them
carry the ``downstream`` marker; the ``terraform`` fixture lives in
tests/conftest.py.
"""
