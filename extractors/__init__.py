"""Extractors: fetch or import one source, parse it, land its rows idempotently in raw.*.

SOURCES lists the extractor modules, the one registry behind `cbi ingest` (one subcommand
per source), `cbi ingest snapshot` (data/snapshot/<command>/ through each `import_path`),
`cbi daily`, `cbi status` and the generated dbt files. Each module declares its source once,
as `DECLARATION` (an `extractors.declaration.Source`: tables, credential, windows, and the
typed functions of the extractor contract).
"""

from __future__ import annotations

import importlib
from functools import cache
from pathlib import Path

import duckdb

from extractors.declaration import Source

SOURCES = (
    "extractors.databento",
    "extractors.fred",
    "extractors.cftc",
    "extractors.epa_rin",
    "extractors.eia",
    "extractors.usda_export_sales",
    "extractors.wasde",
    "extractors.nopa",
    "extractors.farm_policy_news",
    "extractors.farmdoc_daily",
)


@cache
def declarations() -> tuple[Source, ...]:
    """The declared sources, in SOURCES order."""
    return tuple(importlib.import_module(name).DECLARATION for name in SOURCES)


def source_of(command: str) -> Source:
    """The declared source of `cbi ingest <command>`."""
    return next(source for source in declarations() if source.command == command)


def coverage_windows() -> dict[str, int]:
    """Coverage source (as in seed bucket_sources) -> its coverage window in days. Sources
    sharing a coverage source (the news sites) must declare the same window."""
    windows: dict[str, int] = {}
    for source in declarations():
        known = windows.setdefault(source.coverage_source, source.coverage.window_days)
        if known != source.coverage.window_days:
            raise ValueError(f"coverage source {source.coverage_source}: windows differ")
    return windows


def create_raw_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create every declared raw table that does not exist yet (an empty source reads as
    empty in staging, never as a missing relation)."""
    for source in declarations():
        source.create_tables(con)


def prepare_database(db_path: Path, command: str = "build") -> None:
    """Before dbt runs: the database exists with the load log and every declared raw table."""
    from extractors.core import connect

    con = connect(db_path, command)
    try:
        create_raw_tables(con)
    finally:
        con.close()
