# Set-up and everyday commands. Everything installs into .venv (and .venvs/ for the
# tools whose dependencies clash with ours); nothing is cached outside the clone.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: out test test-downstream docs schema clean

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

## test: the whole test suite
test: $(VENV)/.test
	$(BIN)/python -m pytest

## test-downstream: only the downstream suite (real Terraform, emulator, checkov)
test-downstream: $(VENV)/.test
	$(BIN)/python -m pytest -m downstream

## docs: regenerate docs/rules.md from the catalog
docs: $(VENV)/.runtime
	$(BIN)/batchgen rules -o docs/rules.md

## schema: regenerate schemas/batchgen.schema.json from botocore's model and the catalog
schema: $(VENV)/.test
	$(BIN)/python tools/gen_schema.py

clean:
	rm -rf $(VENV) .venvs build *.egg-info
