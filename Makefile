# Set-up and everyday commands. Everything installs into .venv (and .venvs/ for the
# tools whose dependencies clash with ours) from the hash-pinned lock files in
# requirements/; nothing is cached outside the clone. `make lock` refreshes the locks
# on purpose (README, "Dependencies").
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
VENVS  := .venvs
LOCKS  := requirements
# pip's download cache would live in ~/.cache: keep none.
export PIP_NO_CACHE_DIR := 1
# Only the pinned files, each checked against its sha256 in the lock; pip refuses anything
# unpinned or unhashed, so a lock that misses a dependency fails here, not later.
PIP_LOCKED = pip install --quiet --require-hashes -r
# The project itself, built by the locked setuptools of the same environment.
PIP_PROJECT = pip install --quiet --no-deps --no-build-isolation -e .

# Downstream tools that pin their own botocore (the AWS CLI) or ship their own hcl2
# module (checkov): one virtual environment each, run by the tests as subprocesses.
# Their versions are in requirements/<tool>.in; a new lock rebuilds the environment.
AWSCLI_STAMP  := $(VENVS)/awscli/.installed
CHECKOV_STAMP := $(VENVS)/checkov/.installed
# The runtime dependencies at the lowest versions pyproject.toml admits: the core suite
# runs there too, so the ranges we publish are ranges we have tested.
LOWEST_STAMP  := $(VENVS)/lowest/.installed

# Extra pytest arguments, e.g. make test PYTEST_ARGS="-x -k emulator"
PYTEST_ARGS ?=

.PHONY: out test test-lowest test-downstream venvs versions docs schema lock lock-upgrade clean

$(VENV)/.runtime: $(LOCKS)/runtime.txt pyproject.toml
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/$(PIP_LOCKED) $(LOCKS)/runtime.txt
	$(BIN)/$(PIP_PROJECT)
	touch $@

$(VENV)/.test: $(LOCKS)/test.txt $(VENV)/.runtime
	$(BIN)/$(PIP_LOCKED) $(LOCKS)/test.txt
	touch $@

## out: compile every example in specs/ into out/<name>/, and each environment of a spec
## that has `environments` into out/<name>/<env>/
out: $(VENV)/.runtime
	@for spec in specs/*.yaml; do \
	  name=$$(basename "$$spec" .yaml); \
	  envs=$$($(BIN)/python -m compiler.environments "$$spec") || exit 1; \
	  if [ -z "$$envs" ]; then \
	    echo "batchgen compile $$spec -o out/$$name"; \
	    $(BIN)/batchgen compile "$$spec" -o "out/$$name" || exit 1; \
	  else \
	    for env in $$envs; do \
	      echo "batchgen compile $$spec --env $$env -o out/$$name/$$env"; \
	      $(BIN)/batchgen compile "$$spec" --env "$$env" -o "out/$$name/$$env" || exit 1; \
	    done; \
	  fi; \
	done

# A tool's environment: made afresh from its lock (and the project, where it runs it).
$(VENVS)/%/.installed: $(LOCKS)/%.txt
	rm -rf $(VENVS)/$*
	$(PYTHON) -m venv $(VENVS)/$*
	$(VENVS)/$*/bin/$(PIP_LOCKED) $<
	touch $@

$(LOWEST_STAMP): $(LOCKS)/lowest.txt pyproject.toml
	rm -rf $(VENVS)/lowest
	$(PYTHON) -m venv $(VENVS)/lowest
	$(VENVS)/lowest/bin/$(PIP_LOCKED) $<
	$(VENVS)/lowest/bin/$(PIP_PROJECT)
	touch $@

## venvs: the AWS CLI and checkov, each in .venvs/<tool>, and the lowest-versions environment
venvs: $(AWSCLI_STAMP) $(CHECKOV_STAMP) $(LOWEST_STAMP)

## versions: the version of each downstream tool the tests run
versions: $(VENV)/.test venvs
	$(BIN)/python -m tests.downstream.versions

## test: the whole test suite (the core suite first at the lowest runtime versions, then everything)
test: test-lowest $(VENV)/.test venvs
	$(BIN)/python -m pytest $(PYTEST_ARGS)

## test-lowest: the core suite with PyYAML, Jinja2 and jsonschema at pyproject.toml's floors
test-lowest: $(LOWEST_STAMP)
	$(VENVS)/lowest/bin/python -m pytest -q -p no:cacheprovider -m "not downstream" $(PYTEST_ARGS)

## test-downstream: only the downstream suite (real Terraform, emulator, checkov)
test-downstream: $(VENV)/.test venvs
	$(BIN)/python -m pytest -m downstream $(PYTEST_ARGS)

## docs: regenerate docs/rules.md from the catalog
docs: $(VENV)/.runtime
	$(BIN)/batchgen rules -o docs/rules.md

## schema: regenerate schemas/batchgen.schema.json from botocore's model and the catalog, and
## compiler/awscc_fields.py (API field -> hashicorp/awscc argument) from botocore and the awscc schema
schema: $(VENV)/.test
	$(BIN)/python tools/gen_schema.py
	$(BIN)/python tools/gen_awscc_fields.py

## lock: write requirements/*.txt from pyproject.toml and requirements/*.in, keeping every
## pin that still satisfies them; lock-upgrade: move every pin to the newest allowed release
UV_STAMP   := $(VENVS)/uv/.installed
UV         := $(VENVS)/uv/bin/uv
UV_COMPILE  = $(UV) pip compile --quiet --generate-hashes --python-version 3.11 \
              --python-platform x86_64-manylinux_2_36 --custom-compile-command "make lock"
LOCK_FLAGS ?=

lock: $(UV_STAMP)
	mkdir -p .tmp
	$(UV_COMPILE) $(LOCK_FLAGS) pyproject.toml $(LOCKS)/build.in --extra test --extra import -o $(LOCKS)/test.txt
	$(UV_COMPILE) pyproject.toml $(LOCKS)/build.in -c $(LOCKS)/test.txt -o $(LOCKS)/runtime.txt
	$(UV_COMPILE) --no-header --resolution lowest-direct pyproject.toml -o .tmp/floors.txt
	$(UV_COMPILE) $(LOCK_FLAGS) pyproject.toml $(LOCKS)/build.in --extra test --extra import -c .tmp/floors.txt -o $(LOCKS)/lowest.txt
	for tool in awscli checkov uv; do \
	  $(UV_COMPILE) $(LOCK_FLAGS) $(LOCKS)/$$tool.in -o $(LOCKS)/$$tool.txt || exit 1; \
	done

lock-upgrade:
	$(MAKE) lock LOCK_FLAGS=--upgrade

clean:
	rm -rf $(VENV) .venvs build *.egg-info
