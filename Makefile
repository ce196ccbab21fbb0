# psephos — two commands for a fresh machine: `make demo` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell for p in python3.13 /root/.pyenv/versions/3.13*/bin/python3.13 python3.12 python3; do \
	if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then echo $$p; break; fi; done)
VENV := .venv
BIN := $(VENV)/bin
PG_DIR := var/pgtest
PG_PORT ?= 55432
PYTEST_ARGS ?=

.PHONY: demo test lint typecheck test-sqlite test-postgres install serve clean

$(BIN)/psephos: pyproject.toml
	@test -n "$(PYTHON)" || { echo "Python 3.12+ is needed (3.13 preferred)"; exit 1; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[dev]'
	@touch $@

install: $(BIN)/psephos

## The main job on SQLite, then the portal on http://127.0.0.1:8000
# A throw-away secret per run unless one is set: the CLI and the server refuse the
# public development key while DEBUG is off (config/startup.py).
ifeq ($(DJANGO_SECRET_KEY),)
demo: export DJANGO_SECRET_KEY := $(shell od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
endif
# The demo's staff log in with a password alone (production asks for a TOTP code too).
demo: export PSEPHOS_STAFF_TWO_FACTOR ?= 0
demo: install
	$(BIN)/psephos migrate --noinput
	# In calendar order: the ledger's times never go back (docs/adr/0014-ledger-monotonic-time.md).
	$(BIN)/psephos simulate kz-2022-referendum --seed 2022 --keep-existing --certify
	$(BIN)/psephos simulate kz-2022-presidential --seed 2022 --keep-existing --leave-open KZ-75-01 --candidates --sessions-and-complaints --turnout
	$(BIN)/psephos recommendations import psephos/recommendations/tests/data/odihr-kz-2022-referendum.txt --report odihr-kz-2022-referendum --keep-existing
	$(BIN)/psephos recommendations import psephos/recommendations/tests/data/odihr-kz-2022-presidential.txt --report odihr-kz-2022-presidential --keep-existing
	$(BIN)/psephos recommendations footnotes --keep-existing
	$(BIN)/psephos recommendations translations
	$(BIN)/psephos integrity election kz-2022-presidential --out var/integrity/kz-2022-presidential
	$(BIN)/psephos integrity election kz-2022-referendum --out var/integrity/kz-2022-referendum
	$(BIN)/psephos ledger checkpoint
	$(BIN)/psephos demo_users
	@echo "The demo replays voting day: its clock starts at 09:00 on 20 Nov 2022 in Almaty."
	PSEPHOS_CLOCK_START=2022-11-20T09:00:00+06:00 $(BIN)/psephos runserver --insecure 127.0.0.1:8000

lint: install
	$(BIN)/ruff check psephos config tests benchmarks conftest.py manage.py
	$(BIN)/ruff format --check psephos config tests benchmarks conftest.py manage.py
	$(BIN)/lint-imports

typecheck: install
	$(BIN)/mypy psephos config

# The test processes keep their compiled modules (and pytest's rewritten test modules) in
# var/pycache even where the environment says not to write bytecode
# (PYTHONDONTWRITEBYTECODE=1): each worker otherwise compiles every module again,
# about 9 s of CPU per worker (collection 17.8 → 8.6 s CPU); the PostgreSQL half and
# the next run read what the first compiled.
TEST_ENV := PYTHONDONTWRITEBYTECODE= PYTHONPYCACHEPREFIX=$(CURDIR)/var/pycache

# The browser tests' accessibility checker (axe-core, from the npm registry), fetched
# once here so that the test workers do not fetch it at the same time. The browser tests
# run in the SQLite half only (conftest.py says which tests run in which half).
test-sqlite: install
	bash scripts/axe-core.sh >/dev/null
	DATABASE_URL= $(TEST_ENV) $(BIN)/pytest -q -n 2 --dist loadgroup $(PYTEST_ARGS)

test-postgres: install
	@bash scripts/system-deps.sh
	@trap 'bash scripts/pg-cluster.sh stop $(PG_DIR)' EXIT; \
	url=$$(bash scripts/pg-cluster.sh start $(PG_DIR) $(PG_PORT)); \
	DATABASE_URL=$$url $(TEST_ENV) $(BIN)/pytest -q -n 2 --dist loadgroup $(PYTEST_ARGS)

## Lint, types, and the whole suite on SQLite and on PostgreSQL
test: install
	@bash scripts/system-deps.sh
	$(MAKE) -k lint typecheck test-sqlite test-postgres

clean:
	rm -rf $(VENV) var
