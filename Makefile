# Set-up and everyday commands. Everything installs into .venv (and .venvs/ for the
# tools whose dependencies clash with ours); nothing is cached outside the clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
VENVS  := .venvs
# pip's download cache would live in ~/.cache: keep none.
export PIP_NO_CACHE_DIR := 1

# Downstream tools that pin their own botocore (the AWS CLI) or ship their own hcl2
# module (checkov): one virtual environment each, run by the tests as subprocesses.
# Versions verified with the downstream suite; a new pin rebuilds the environment.
AWSCLI_VERSION  := 1.46.3
CHECKOV_VERSION := 3.3.30
AWSCLI_STAMP    := $(VENVS)/awscli/.installed-$(AWSCLI_VERSION)
CHECKOV_STAMP   := $(VENVS)/checkov/.installed-$(CHECKOV_VERSION)

# Extra pytest arguments, e.g. make test PYTEST_ARGS="-x -k emulator"
PYTEST_ARGS ?=

.PHONY: out test test-downstream venvs versions docs schema clean

$(VENV)/.runtime: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.test: pyproject.toml $(VENV)/.runtime
	$(BIN)/pip install --quiet -e '.[test]'
	touch $@

## out: compile every example in specs/ into out/<name>/
out: $(VENV)/.runtime
	@for spec in specs/*.yaml; do \
	  name=$$(basename "$$spec" .yaml); \
	  echo "batchgen compile $$spec -o out/$$name"; \
	  $(BIN)/batchgen compile "$$spec" -o "out/$$name" || exit 1; \
	done

$(AWSCLI_STAMP):
	rm -rf $(VENVS)/awscli
	$(PYTHON) -m venv $(VENVS)/awscli
	$(VENVS)/awscli/bin/pip install --quiet 'awscli==$(AWSCLI_VERSION)'
	touch $@

$(CHECKOV_STAMP):
	rm -rf $(VENVS)/checkov
	$(PYTHON) -m venv $(VENVS)/checkov
	$(VENVS)/checkov/bin/pip install --quiet 'checkov==$(CHECKOV_VERSION)'
	touch $@

## venvs: the AWS CLI and checkov, each in .venvs/<tool>
venvs: $(AWSCLI_STAMP) $(CHECKOV_STAMP)

## versions: the version of each downstream tool the tests run
versions: $(VENV)/.test venvs
	$(BIN)/python -m tests.downstream.versions

## test: the whole test suite
test: $(VENV)/.test venvs
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## test-downstream: only the downstream suite (real Terraform, emulator, checkov)
test-downstream: $(VENV)/.test venvs
	$(BIN)/python -m pytest -m downstream $(PYTEST_ARGS)

## docs: regenerate docs/rules.md from the catalog
docs: $(VENV)/.runtime
	$(BIN)/batchgen rules -o docs/rules.md

## schema: regenerate schemas/batchgen.schema.json from botocore's model and the catalog
schema: $(VENV)/.test
	$(BIN)/python tools/gen_schema.py

clean:
	rm -rf $(VENV) .venvs build *.egg-info
