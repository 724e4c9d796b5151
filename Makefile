# yibao: `make run` starts the hall with demo data; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
DEMO_PERSONS ?= 2000
PYTEST_ARGS ?=

.PHONY: run test setup system-packages lint typecheck pytest migrate demo clean

## run: set up, migrate, load reference and demo data, start web server + task worker
run: setup migrate demo
	@PORT=$(PORT) scripts/run_hall.sh

## test: lint, type-check and the whole pytest suite (browser tests included)
test: setup system-packages lint typecheck pytest

setup: $(VENV)/.installed

$(VENV)/.installed: requirements/base.txt requirements/dev.txt
	@scripts/check_python.sh $(PYTHON)
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements/dev.txt
	@touch $@

system-packages:
	@scripts/ensure_system_packages.sh

migrate: setup
	$(BIN)/python manage.py migrate --noinput -v 1
	$(BIN)/python manage.py load_reference

demo: setup
	$(BIN)/python manage.py seed_catalog
	$(BIN)/python manage.py seed_demo --persons $(DEMO_PERSONS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: setup
	$(BIN)/mypy .

pytest: setup
	$(BIN)/pytest $(PYTEST_ARGS)

clean:
	rm -rf var test-artifacts .pytest_cache .mypy_cache .ruff_cache
