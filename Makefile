# Two commands matter: `make run` (the terminal UI on a demo database) and `make test`.
# Both create .venv with an editable install on first use. The demo simulates the year up
# to the moment it is loaded; `make demo` loads it again (a new demo.db) to bring it up to today.

PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
DEMO_DB ?= demo.db
DEMO_SCALE ?= small
LOGIN ?= demo_dispatcher
BENCH_ARGS ?=    # e.g. make bench BENCH_ARGS=--quick

.PHONY: run test lint bench demo clean

$(BIN)/gridgov: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@

$(DEMO_DB): | $(BIN)/gridgov
	$(BIN)/gridgov --db $(DEMO_DB) demo --scale $(DEMO_SCALE)

demo: | $(BIN)/gridgov
	$(BIN)/gridgov --db $(DEMO_DB) demo --scale $(DEMO_SCALE) --reset

run: $(BIN)/gridgov $(DEMO_DB)
	$(BIN)/gridgov --db $(DEMO_DB) tui --as $(LOGIN)

test: $(BIN)/gridgov
	$(BIN)/python -m pytest -n auto
	$(BIN)/ruff check .
	$(BIN)/mypy core

lint: $(BIN)/gridgov
	$(BIN)/ruff check .
	$(BIN)/mypy core

$(VENV)/.bench-deps: pyproject.toml | $(BIN)/gridgov
	$(BIN)/python -m pip install --quiet -e '.[test,bench]'
	touch $@

bench: $(BIN)/gridgov $(VENV)/.bench-deps
	$(BIN)/python bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) $(DEMO_DB) $(DEMO_DB)-wal $(DEMO_DB)-shm
