"""Tests that run the real downstream tools offline, on every example in specs/.

- ``terraform.py`` is the Terraform harness (see its docstring), ``tfprovider/``
  the stand-in hashicorp/aws plugin it registers with Terraform
  (test_terraform_harness.py, test_terraform_examples.py);
- ``emulator.py`` runs moto's server and replays deploy.sh (test_emulator.py);
- checkov runs from its own virtual environment (test_checkov.py; ``tools.py``
  finds .venvs/, which ``make test`` creates).

Tests using them carry the ``downstream`` marker (``make test-downstream``);
the ``terraform`` fixture lives in tests/conftest.py, ``moto_server`` in
conftest.py here.
"""
