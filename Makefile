# papersurvey: every target first runs the idempotent bootstrap
# (Debian packages + .venv with the project installed).
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
BOOTSTRAP := scripts/bootstrap.sh

.PHONY: setup demo test test-fast bench accuracy lint clean

setup:
	@$(BOOTSTRAP)

demo: setup
	$(VENV)/bin/papersurvey demo demo-project

# The store tests also run on PostgreSQL: scripts/pgtest.sh starts the local server unless it
# runs and prints its URL (nothing when there is none: those tests then skip and say why).
PG_URL = $${PAPERSURVEY_TEST_PG_URL:-$$(scripts/pgtest.sh start)}

test: setup
	PAPERSURVEY_TEST_PG_URL="$(PG_URL)" $(PY) -m pytest -q -n 2 -m "not slow"

test-all: setup
	PAPERSURVEY_TEST_PG_URL="$(PG_URL)" $(PY) -m pytest -q -n 2

bench: setup
	@mkdir -p benchmarks/results
	@for b in benchmarks/bench_*.py; do echo "== $$b"; $(PY) $$b || exit 1; done

accuracy: setup
	$(PY) benchmarks/accuracy.py --pages 2000 --profile both

lint: setup
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

clean:
	rm -rf demo-project .pytest_cache .mypy_cache .ruff_cache
