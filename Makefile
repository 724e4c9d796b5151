# yibao: `make run` starts the hall with demo data; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
DEMO_PERSONS ?= 2000
PYTEST_ARGS ?=

.PHONY: run serve federation test setup system-packages run-packages lint typecheck pytest migrate demo lock clean

## run: set up, make sure printing works (its font), migrate, load reference and demo data, start
## web server + task worker
run: setup run-packages migrate demo
	@PORT=$(PORT) scripts/run_hall.sh

## federation: the national hall and the Yunnan hall side by side, each with its own database
## (Yunnan manual 001 FAQ 2.1: log in to the Yunnan hall with a national account)
federation: setup run-packages
	@scripts/run_federation_pair.sh

## serve: the production start: DJANGO_ENV=production, collectstatic, migrations checked, check
## --deploy, gunicorn with config/gunicorn.conf.py (README «Production»)
serve: setup run-packages
	@scripts/serve.sh

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
	@scripts/ensure_system_packages.sh test

run-packages:
	@scripts/ensure_system_packages.sh run

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

## lock: regenerate requirements/*.txt from pyproject.toml in a throwaway venv; the current pins
## stay where they are (UPGRADE=1: the newest versions the ranges allow)
LOCK_VENV := var/lock-venv
lock:
	@scripts/check_python.sh $(PYTHON)
	rm -rf $(LOCK_VENV)
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip
	$(LOCK_VENV)/bin/python scripts/lock_requirements.py $(if $(UPGRADE),--upgrade)
	rm -rf $(LOCK_VENV)

clean:
	rm -rf var test-artifacts .pytest_cache .mypy_cache .ruff_cache
