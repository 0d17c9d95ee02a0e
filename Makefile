# One task runner. `make help` lists the targets.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
DEMO_STAMP := $(VENV)/.demo-stamp

.DEFAULT_GOAL := help
.PHONY: help setup demo test lint format bench notebooks clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "coldstart needs Python >= 3.11; found " + sys.version.split()[0] + " (set PYTHON=/path/to/python3.11)")'
	@echo "==> creating the virtualenv $(VENV)"
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/python -m pip install --quiet --upgrade pip

# The demo needs coldstart and its runtime dependencies only; tests, lint and benchmarks
# also need the dev extra (pytest, ruff, Jupyter kernel, pandas, Dask): a few minutes more.
$(DEMO_STAMP): pyproject.toml | $(BIN)/python
	@echo "==> installing coldstart and its runtime dependencies into $(VENV) (first run: about a minute)"
	@$(BIN)/python -m pip install --quiet -e .
	@touch $(DEMO_STAMP)

$(STAMP): pyproject.toml | $(BIN)/python
	@echo "==> installing coldstart with its test tools ('.[dev]') into $(VENV) (first run: a few minutes)"
	@$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(DEMO_STAMP) $(STAMP)

setup: $(STAMP) ## Create .venv and install coldstart with its test tools

demo: $(DEMO_STAMP) ## The main job on the embedded default: synthetic trace -> warehouse -> report
	@echo "==> coldstart demo"
	$(BIN)/coldstart demo

test: $(STAMP) ## Run the whole test suite (what CI runs)
	$(BIN)/python -m pytest -n 2 --dist loadgroup

lint: $(STAMP) ## ruff check + format check
	$(BIN)/ruff check . && $(BIN)/ruff format --check .

format: $(STAMP) ## Apply ruff's fixes and formatting
	$(BIN)/ruff check --fix . && $(BIN)/ruff format .

notebooks: $(STAMP) ## Start JupyterLab on notebooks/ (reads data/warehouse; make one with `make demo`)
	$(BIN)/python -m pip install --quiet -e '.[notebooks]'
	COLDSTART_WAREHOUSE=$${COLDSTART_WAREHOUSE:-$(CURDIR)/data/warehouse} $(BIN)/jupyter lab notebooks/

bench: $(STAMP) ## Benchmarks side by side with the pandas/Dask workflow (see benchmarks/README.md)
	$(BIN)/python -m benchmarks --write-readme --plot

clean: ## Remove the virtualenv and generated data
	rm -rf $(VENV) data/synth data/warehouse data/report
