# The two commands a fresh machine needs: `make run` and `make test` (both set up .venv).
VENV    := .venv
BIN     := $(VENV)/bin
CBI     := $(BIN)/cbi
PYTHON  ?= python3
# Lint target for sqlfluff: its own DuckDB file, so linting never locks the main database.
LINT_DB := target/sqlfluff.duckdb

.PHONY: setup run test lint bench bench-forecast bench-daily docs clean

$(VENV)/.installed: pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# torch first and pinned: the CPU build on disk, never the multi-GB CUDA build.
	$(BIN)/pip install --quiet torch==2.13.0
	$(BIN)/pip install --quiet -c constraints.txt -e '.[dev]'
	touch $@

setup: $(VENV)/.installed

run: setup
	$(CBI) ingest snapshot
	$(CBI) build
	$(CBI) status
	$(CBI) forecast

test: setup lint
	$(BIN)/pytest

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy common extractors cbi
	mkdir -p target
	CBI_DB=$(LINT_DB) $(BIN)/dbt parse --project-dir . --profiles-dir . --quiet
	CBI_DB=$(LINT_DB) $(BIN)/sqlfluff lint --processes 2 models tests macros

bench: setup
	$(CBI) bench ingest
	$(CBI) bench features

# One new trading day on top of a built database, without a refit (`cbi daily`), against the
# full rebuild: its own temporary database, ~10 min on 2 cores (most of it the full rebuild).
bench-daily: setup
	$(CBI) bench daily

# The 2015-2024 walk-forward record (full profile: yearly refits from 2015), in its own
# database so it never disturbs data/cbi.duckdb.
BENCH_DB := data/bench-forecast.duckdb
bench-forecast: setup
	$(CBI) --db $(BENCH_DB) ingest snapshot
	$(CBI) --db $(BENCH_DB) build --exclude path:python_models path:models/monitoring
	$(CBI) --db $(BENCH_DB) backtest --start 2015-01-01 --end 2024-12-31 --profile full
	$(CBI) --db $(BENCH_DB) bench selection
	$(CBI) --db $(BENCH_DB) bench forecast

docs: setup
	$(CBI) build docs generate

clean:
	rm -rf target logs data/cbi.duckdb data/artifacts
