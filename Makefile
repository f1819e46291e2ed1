# ml-pipeline — `make help` lists the targets.
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp

.DEFAULT_GOAL := help

help: ## List the targets
	@grep -E '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  \033[1m%-12s\033[0m %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP) ## Create .venv and install the project with every extra and the dev tools

run: install ## Start the whole stack locally (Postgres, MLflow, 4 services, demo model); Ctrl-C stops it
	$(PY) -m ops.run

migrate: install ## Apply database migrations to $$DATABASE_URL
	$(PY) -m shared.migrations

bootstrap: install ## Load demo data and train the first model if the registry has none
	$(PY) -m services.training.bootstrap

test: install ## Fast tests: everything but end-to-end and slow simulations
	$(PY) -m pytest -q -m "not e2e and not slow"

test-all: install ## The full suite with coverage (what CI runs): real Postgres, Redis, MLflow, services as processes
	$(PY) -m pytest -q --cov --cov-report=term --cov-report=xml --cov-fail-under=90

lint: install ## ruff (lint + format check), mypy and bandit (security lint; [tool.bandit] in pyproject.toml), exactly as CI runs them
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy shared services ops bench tests
	$(VENV)/bin/bandit -q -c pyproject.toml -r shared services ops bench

openapi: install ## Regenerate the published contract docs/openapi.json and clients/python from the gateway (commit both)
	$(PY) -m ops.openapi

bench: install ## Benchmarks (tables: serving latency/throughput, drift statistics, training scale); BENCH=name to pick one
	@command -v wrk >/dev/null && command -v redis-server >/dev/null || { apt-get update -qq && apt-get install -y -qq wrk redis-server; }
	$(PY) -m bench $(BENCH)

soak: install ## Steady load through the gateway (DURATION s, default 600; RATE req/s, default 200): errors, p99 per minute, RSS/fds/db connections per service
	DURATION=$(or $(DURATION),600) RATE=$(or $(RATE),200) $(PY) -m ops.soak

images: ## Build the gateway, inference, training and drift images (buildah, local Debian base, cached layers); PYTHON_IMAGE=<image> to build on a registry's base
	deploy/docker/images.sh $(IMAGES)

test-deploy: install ## Delivery checks only: manifests, CI workflow, Airflow DAG (own venv .venv-airflow) and the images run as containers
	$(PY) -m pytest -q -p no:cacheprovider tests/deploy

clean: ## Remove the local stack's data (./var) and caches
	rm -rf var .pytest_cache .mypy_cache .ruff_cache .coverage .coverage.* coverage.xml

.PHONY: help install run migrate bootstrap test test-all lint images test-deploy openapi bench soak clean
