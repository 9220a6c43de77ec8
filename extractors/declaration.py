"""The one declaration of a source: what it lands, how it is read, and how fresh it must be.

Each extractor module ends with `DECLARATION = Source(...)`; `extractors.SOURCES` lists the
modules. Everything else about a source is derived from its declaration:

- the raw tables (`Table.ddl`), created for every declared source before dbt runs, so a
  staging model reads `source()` directly;
- what the shared landing refuses (extractors.core.check_rows): a number outside its Column's
  range (the same bounds as its dbt test) or its type, a row dated after its load or after its
  own publication instant (the Table's `period_column` and `published_column`);
- the dbt `_<folder>__sources.yml` files (freshness blocks, column lists and tests) and the
  seed `source_windows` (coverage windows, the list of sources), written by
  `python -m extractors.generate` and checked for drift by pytests/extractors/test_generated.py;
- `cbi ingest <command>`, `cbi ingest snapshot`, `cbi daily` and `cbi status`, which call the
  declaration's functions and read its credential and windows.

The contract an extractor fulfils is the typed callables of `Source` (the Protocols below):
mypy checks each module's functions against them.
"""

from __future__ import annotations

import argparse
import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

import duckdb

log = logging.getLogger(__name__)

RAW_SCHEMA = "raw"


@dataclass(frozen=True)
class Column:
    """One raw column: its DuckDB type, whether it may be null, what it means, and the range
    a plausible value lies in (inclusive; either bound may be None). The range becomes the
    dbt `expect_between` test of the column."""

    name: str
    type: str
    description: str = ""
    nullable: bool = True
    min_value: float | None = None
    max_value: float | None = None

    @property
    def ddl(self) -> str:
        return f"{self.name} {self.type}" + ("" if self.nullable else " not null")


# Columns that say where and when a row was loaded (extractors.core.LOAD_COLUMNS); every raw
# table ends with them.
LOAD_COLUMNS = (
    Column("source", "varchar", "File name or live window the row came from.", nullable=False),
    Column("loaded_at", "timestamptz", "When the row was landed (UTC).", nullable=False),
)


@dataclass(frozen=True)
class Table:
    """One raw table: raw.<name>, its data columns (LOAD_COLUMNS follow) and natural key.

    A table with a publication instant (`published_column`) keeps every vintage: its primary
    key is the natural key and that instant, and the landing (extractors.core.merge_rows)
    adds a changed value as a new row instead of overwriting the old one.
    """

    name: str
    description: str
    columns: tuple[Column, ...]
    key: tuple[str, ...]
    # False: dbt checks no freshness on it (optional, or it has no publication time).
    freshness_checked: bool = True
    # The date a row describes, and the instant it became public: the landing refuses a row
    # whose period is after the moment it is loaded or after its own publication instant.
    period_column: str | None = None
    published_column: str | None = None
    # Columns that date a vintage rather than say what it is (FRED's vintage_date, a release
    # date): a row differing only in them is no new vintage.
    dating_columns: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        names = [c.name for c in self.all_columns]
        dated = [c for c in (self.period_column, self.published_column) if c is not None]
        unknown = [k for k in (*self.key, *dated, *self.dating_columns) if k not in names]
        if unknown or len(set(names)) != len(names):
            raise ValueError(
                f"table {self.name}: key or dated column {unknown} unknown or a column repeated"
            )

    @property
    def qualified(self) -> str:
        return f"{RAW_SCHEMA}.{self.name}"

    @property
    def all_columns(self) -> tuple[Column, ...]:
        return (*self.columns, *LOAD_COLUMNS)

    @property
    def vintaged(self) -> bool:
        """True when every vintage of a natural key is kept (see the class docstring)."""
        return self.published_column is not None

    @property
    def primary_key(self) -> tuple[str, ...]:
        """The natural key, and the publication instant when the table keeps vintages."""
        if self.published_column is None or self.published_column in self.key:
            return self.key
        return (*self.key, self.published_column)

    def ddl(self, name: str = "") -> str:
        body = [c.ddl for c in self.all_columns] + [f"primary key ({', '.join(self.primary_key)})"]
        table = name or self.qualified
        return f"create table if not exists {table} (\n    " + ",\n    ".join(body) + "\n)"

    def create(self, con: duckdb.DuckDBPyConnection) -> None:
        """Create the table (and the raw schema) if it does not exist yet; a table created
        with another primary key (before it kept vintages) is rebuilt with its rows."""
        con.execute(f"create schema if not exists {RAW_SCHEMA}")
        stored = con.execute(
            """
            select constraint_column_names from duckdb_constraints()
            where schema_name = ? and table_name = ? and constraint_type = 'PRIMARY KEY'
                and database_name = current_database()
            """,
            [RAW_SCHEMA, self.name],
        ).fetchall()
        if not stored or tuple(stored[0][0]) == self.primary_key:
            con.execute(self.ddl())
            return
        _rebuild(con, self)


def _rebuild(con: duckdb.DuckDBPyConnection, table: Table) -> None:
    """Give `table` its declared primary key, keeping its rows, in one transaction."""
    staging = f"{RAW_SCHEMA}.{table.name}__rekeyed"
    columns = ", ".join(c.name for c in table.all_columns)
    try:
        con.execute("begin transaction")
        own = True
    except duckdb.TransactionException:  # inside the caller's load: it commits or rolls back
        own = False
    try:
        con.execute(f"drop table if exists {staging}")
        con.execute(table.ddl(staging))
        con.execute(f"insert into {staging} ({columns}) select {columns} from {table.qualified}")
        con.execute(f"drop table {table.qualified}")
        con.execute(f"alter table {staging} rename to {table.name}")
    except BaseException:
        if own:
            con.execute("rollback")
        raise
    if own:
        con.execute("commit")
    log.info(
        "%s: primary key is now (%s): every vintage is kept",
        table.qualified,
        ", ".join(table.primary_key),
    )


# raw.<table> -> (the source that declares it, its declaration); filled by each Source.
_LANDED_BY: dict[str, tuple[str, Table]] = {}


def declared_table(qualified: str) -> tuple[str, Table]:
    """The source declaring raw table `qualified` (e.g. raw.fred_economic), and the table."""
    if qualified not in _LANDED_BY:
        raise KeyError(f"no declared source lands {qualified}")
    return _LANDED_BY[qualified]


@dataclass(frozen=True)
class Freshness:
    """dbt source freshness on `loaded_at_field`: warn and error after this many days."""

    warn_after_days: int
    error_after_days: int
    loaded_at_field: str = "available_at"


@dataclass(frozen=True)
class Coverage:
    """What `cbi status` judges: a feed is fresh when it has rows published in `window_days`
    before the coverage date; `buckets` maps each bucket the source feeds to whether the
    bucket is trained only when the source is fresh (seed bucket_sources is generated from
    it); `model` lists the source's expected feeds and their rows (columns source, feed,
    bucket, period_date, available_at; a null period_date lists an expected feed). Default
    model: stg_<staging folder>__coverage_feeds."""

    window_days: int
    buckets: Mapping[str, bool]
    model: str = ""


class AddArguments(Protocol):
    def __call__(self, parser: argparse.ArgumentParser, /) -> None: ...


class Ingest(Protocol):
    """`cbi ingest <command>`: import the path given, else pull live; returns rows written."""

    def __call__(self, con: duckdb.DuckDBPyConnection, args: argparse.Namespace, /) -> int: ...


class ImportPath(Protocol):
    """Import a file or folder the publisher distributes; returns rows written."""

    def __call__(self, con: duckdb.DuckDBPyConnection, path: Path, /) -> int: ...


class Update(Protocol):
    """`cbi daily`'s incremental live pull, from the last period landed to today."""

    def __call__(self, con: duckdb.DuckDBPyConnection, /) -> int: ...


class CutSnapshot(Protocol):
    """Copy the real files `scripts/make_snapshot.py` bundles, trimmed to what models use."""

    def __call__(self, shared: Path, destination: Path, /) -> None: ...


@dataclass(frozen=True)
class Source:
    """One source, declared once (see the module docstring)."""

    name: str  # the dbt source and the `source` of ops.load_log, e.g. epa_rin
    command: str  # `cbi ingest <command>`, and its folder data/snapshot/<command>/
    help: str  # the subcommand's one-line help
    description: str  # the subcommand's description (what it reads, which flags)
    docs: str  # the dbt source description (may use {{ doc(...) }})
    tables: tuple[Table, ...]
    # Environment variable the live pull needs (a key, or the URL of a file with no public
    # address); None when it needs none, so `cbi daily` always calls update.
    credential: str | None
    cadence: str  # how often the publisher releases, e.g. "weekly (Friday)"
    publication: str  # how available_at is derived, in one sentence
    freshness: Freshness
    coverage: Coverage
    # The file parsers by format: bytes or text in, raw rows out (the same for files and live).
    parsers: Mapping[str, Callable[..., object]]
    add_arguments: AddArguments
    ingest: Ingest
    import_path: ImportPath
    # None: the source has a cutter of its own (Databento: extractors.snapshot, from a batch).
    cut_snapshot: CutSnapshot | None
    update: Update | None = None
    # The source name in seed bucket_sources (several sources may share one: news).
    coverage_source: str = ""
    # The folder under models/staging holding its _<folder>__sources.yml.
    staging_folder: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "coverage_source", self.coverage_source or self.name)
        object.__setattr__(self, "staging_folder", self.staging_folder or self.name)
        if not self.coverage.model:
            model = f"stg_{self.staging_folder}__coverage_feeds"
            object.__setattr__(self, "coverage", replace(self.coverage, model=model))
        if self.freshness.warn_after_days > self.freshness.error_after_days:
            raise ValueError(f"source {self.name}: freshness warns after it errors")
        for table in self.tables:
            _LANDED_BY[table.qualified] = (self.name, table)

    def table(self, name: str) -> Table:
        """The declared table raw.<name> (name with or without the schema)."""
        bare = name.removeprefix(f"{RAW_SCHEMA}.")
        for table in self.tables:
            if table.name == bare:
                return table
        raise KeyError(f"source {self.name} declares no table {name}")

    def create_tables(self, con: duckdb.DuckDBPyConnection) -> None:
        """Create the source's raw tables if they do not exist yet."""
        for table in self.tables:
            table.create(con)
