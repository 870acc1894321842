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

test: setup
	$(PY) -m pytest -q -n 2 -m "not slow"

test-all: setup
	$(PY) -m pytest -q -n 2

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
