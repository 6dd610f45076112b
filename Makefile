# de06-pipelines. Needs only python3.11, git and make; everything else is set up here.
SHELL := /bin/bash
.DEFAULT_GOAL := help
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
UV_HOME := .local/uv
UV := $(shell command -v uv 2>/dev/null || echo $(UV_HOME)/bin/uv)
DE06 := $(BIN)/de06
ENV := eval "$$($(DE06) env --shell)"
#: The benchmarks build their simulated worlds in their own databases, so the demo's stay as they are.
BENCH_DIR := $(CURDIR)/.local/bench
BENCH_ENV := export DE06_PGDATA=$(BENCH_DIR)/pgdata DE06_AIRFLOW_HOME=$(BENCH_DIR)/airflow

.PHONY: help demo test airflow stop cluster bench setup check-python lint

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-8s %s\n", $$1, $$2}'

check-python:
	@command -v $(PYTHON) >/dev/null 2>&1 || { echo "make: error: $(PYTHON) not found — fix: install Python 3.11 (or run make PYTHON=/path/to/python3.11)"; exit 1; }
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2]==(3,11) else 1)' || { echo "make: error: $(PYTHON) is not Python 3.11 — fix: point PYTHON= at a Python 3.11"; exit 1; }

$(UV_HOME)/bin/uv: | check-python
	@echo "installing uv into $(UV_HOME) (no root needed)"
	@$(PYTHON) -m venv $(UV_HOME) && $(UV_HOME)/bin/pip install -q uv

$(BIN)/.synced: uv.lock pyproject.toml | $(UV)
	@$(UV) sync --frozen --compile-bytecode --python $(PYTHON) --quiet
	@touch $@

setup: check-python $(BIN)/.synced ## Create .venv from uv.lock, start PostgreSQL, apply migrations
	@$(DE06) db start
	@$(DE06) db upgrade | tail -1
	@$(ENV) && $(DE06) airflow migrate

demo: setup ## Build the simulated world at demo size and run the flows' DAGs once each
	@$(ENV) && $(DE06) demo

test: setup ## Run the whole test suite
	@$(BIN)/pytest -q -p no:cacheprovider tests

airflow: setup ## Start the Airflow UI (api-server, scheduler, dag-processor, triggerer)
	@$(ENV) && $(DE06) airflow up

cluster: setup ## Start Airflow with the CeleryExecutor, Redis and two workers
	@$(ENV) && $(DE06) cluster up

bench: check-python $(BIN)/.synced ## Run the three benchmarks at a small scale, in their own databases
	@set -o pipefail; $(BENCH_ENV) && $(DE06) db start && $(DE06) db upgrade | tail -1 && $(ENV) && $(DE06) airflow migrate \
	  && $(DE06) bench cleanse && $(DE06) bench sync && $(DE06) bench push; \
	  rc=$$?; $(BENCH_ENV) && $(DE06) db stop >/dev/null; exit $$rc

stop: ## Stop everything the project started
	@if [ -x $(DE06) ]; then $(DE06) airflow down || true; $(DE06) cluster down 2>/dev/null || true; $(DE06) db stop; \
	  if [ -d $(BENCH_DIR)/pgdata ]; then $(BENCH_ENV) && $(DE06) db stop >/dev/null; fi; fi

lint:
	@$(BIN)/ruff check include dags plugins tests bench
