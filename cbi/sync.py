"""`cbi sync`: a local mirror of a shared database (MotherDuck) for training, and the way back.

    cbi --db data/cbi.duckdb sync pull --shared md:cbi   # raw.* and the forecast log -> local
    cbi --db data/cbi.duckdb sync push --shared md:cbi   # forecasts, backtest, monitoring -> shared

Ingest runs against the shared database (several people or machines land data once); training
runs on a local file (fast, no network while fitting); the forecasts go back for everyone.

What holds (pytests/operations/test_sync.py):

- pull merges every raw table and the forecast log into the local file by key (the table's
  primary key; the log's is `as_of_date, horizon`): a row the shared database has is taken as it
  is there, a local row the shared database lacks is kept. Nothing local is deleted.
- push replaces each forecast table (dbt outputs, rebuilt whole by every build) and adds the new
  rows of the forecast log; a logged forecast that the shared log already holds with other
  values is refused in one line (a published forecast is never changed: pull, build, push).
- one transaction per side: every write of a sync goes to one database in one transaction, so
  an error halfway (a table whose columns do not fit) is one line and changes nothing.
- only rows that differ are written: a sync with no data change writes nothing, and the file
  size stays as it is however often it runs.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import duckdb

from common.db import connect_writable, database_error, one_row, scalar
from common.errors import UserError
from common.paths import is_motherduck

log = logging.getLogger(__name__)

SHARED = "shared"
# Pulled: every table of these schemas.
PULLED_SCHEMAS = ("raw",)
# Pushed: what the forecast consumers read.
PUSHED_TABLES = (
    "forecasts.zl_predictions",
    "forecasts.zl_backtest",
    "forecasts.zl_backtest_metrics",
    "forecasts.zl_live_accuracy",
    "forecasts.zl_driver_attribution",
    "forecasts.zl_price_distribution",
    "forecasts.zl_backtest_distribution",
)
# Histories merged by key in both directions (table -> key columns).
HISTORY_TABLES = {"forecasts.zl_forecast_log": ("as_of_date", "horizon")}


@dataclass
class Copied:
    """One table synced: its name, what changed, and the rows the copy holds afterwards."""

    table: str
    how: str
    rows: int


def sync(local: Path, shared: str, direction: str) -> list[Copied]:
    """Pull from or push to `shared` in one transaction; return the tables with their counts."""
    if str(local) == str(shared):
        raise UserError(f"sync: --shared {shared} is the database itself (--db)")
    if not is_motherduck(shared) and not Path(shared).exists():
        raise UserError(f"sync: no shared database at {shared}")
    con = connect_writable(local, "sync")
    try:
        here = scalar(con, "select current_database()")
        options = "" if is_motherduck(shared) or direction == "push" else " (read_only)"
        try:
            con.execute(f"attach '{shared}' as {SHARED}{options}")
        except duckdb.Error as exc:
            raise database_error(exc, Path(shared), "sync") from None
        source, target = (SHARED, here) if direction == "pull" else (here, SHARED)
        steps = _pull_steps(con, source) if direction == "pull" else _push_steps(con, source)
        return _in_one_transaction(con, direction, source, target, steps)
    finally:
        con.close()


Step = tuple[str, Callable[[duckdb.DuckDBPyConnection, str, str, str], Copied]]


def _pull_steps(con: duckdb.DuckDBPyConnection, source: str) -> list[Step]:
    """Every raw table, then the forecast log: each merged by key into the local file."""
    steps: list[Step] = [(table, _merge) for table in _tables(con, source)]
    present = set(_tables(con, source, ("forecasts",)))
    return steps + [(table, _merge) for table in HISTORY_TABLES if table in present]


def _push_steps(con: duckdb.DuckDBPyConnection, source: str) -> list[Step]:
    """The forecast tables (replaced), then the new rows of the forecast log."""
    present = set(_tables(con, source, ("forecasts",)))
    steps: list[Step] = [(table, _replace_table) for table in PUSHED_TABLES if table in present]
    return steps + [(table, _append_new) for table in HISTORY_TABLES if table in present]


def _in_one_transaction(
    con: duckdb.DuckDBPyConnection, direction: str, source: str, target: str, steps: list[Step]
) -> list[Copied]:
    """Run every step in one transaction on the target: all of them or none."""
    con.execute("begin transaction")
    table = ""
    try:
        copied = []
        for table, step in steps:
            copied.append(step(con, source, target, table))
    except duckdb.Error as exc:
        con.execute("rollback")
        first = (str(exc).splitlines() or [type(exc).__name__])[0]
        raise UserError(
            f"sync {direction}: {table}: {first}; nothing was changed (the two databases "
            "disagree on this table's columns: build both with the same version)"
        ) from None
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")
    return copied


def _tables(
    con: duckdb.DuckDBPyConnection, catalog: str, schemas: tuple[str, ...] = PULLED_SCHEMAS
) -> list[str]:
    """`schema.table` names of the base tables of `schemas` in `catalog`."""
    rows = con.execute(
        "select schema_name || '.' || table_name from duckdb_tables() "
        "where database_name = ? and list_contains(?, schema_name) order by 1",
        [catalog, list(schemas)],
    ).fetchall()
    return [name for (name,) in rows]


def _columns(con: duckdb.DuckDBPyConnection, catalog: str, table: str) -> list[str]:
    schema, name = table.split(".")
    rows = con.execute(
        "select column_name from duckdb_columns() "
        "where database_name = ? and schema_name = ? and table_name = ? order by column_index",
        [catalog, schema, name],
    ).fetchall()
    return [column for (column,) in rows]


def _key(con: duckdb.DuckDBPyConnection, catalog: str, table: str) -> tuple[str, ...]:
    """The key rows are merged by: the history's declared key, else the primary key (none:
    every column)."""
    if table in HISTORY_TABLES:
        return HISTORY_TABLES[table]
    schema, name = table.split(".")
    row = con.execute(
        "select constraint_column_names from duckdb_constraints() where database_name = ? "
        "and schema_name = ? and table_name = ? and constraint_type = 'PRIMARY KEY'",
        [catalog, schema, name],
    ).fetchone()
    return tuple(row[0]) if row else ()


def _create_like(con: duckdb.DuckDBPyConnection, source: str, target: str, table: str) -> None:
    """Create `table` in `target` with the source's DDL (keys included) if it is missing."""
    if table in _tables(con, target, (table.split(".")[0],)):
        return
    schema, name = table.split(".")
    ddl = scalar(
        con,
        "select sql from duckdb_tables() "
        "where database_name = ? and schema_name = ? and table_name = ?",
        [source, schema, name],
    )
    home = scalar(con, "select current_database()")
    con.execute(f"create schema if not exists {target}.{schema}")
    con.execute(f"use {target}")  # the DDL names schema.table: create it in the target
    try:
        con.execute(ddl)
    finally:
        con.execute(f"use {home}")


def _count(con: duckdb.DuckDBPyConnection, catalog: str, table: str) -> int:
    return scalar(con, f"select count(*) from {catalog}.{table}")


def _differing(con: duckdb.DuckDBPyConnection, source: str, target: str, table: str) -> str:
    """SQL of the source rows the target does not hold exactly (new or changed)."""
    columns = ", ".join(f'"{c}"' for c in _columns(con, source, table))
    return f"(select {columns} from {source}.{table} except select {columns} from {target}.{table})"


def _matches(key: tuple[str, ...], left: str, right: str) -> str:
    return " and ".join(f'{left}."{c}" = {right}."{c}"' for c in key)


def _merge(con: duckdb.DuckDBPyConnection, source: str, target: str, table: str) -> Copied:
    """Write the source rows the target lacks or holds otherwise (by key); keep the rest."""
    _create_like(con, source, target, table)
    if _count(con, target, table) == 0:  # a first pull: every row is new
        con.execute(f"insert into {target}.{table} by name select * from {source}.{table}")
        rows = _count(con, target, table)
        return Copied(
            table, f"merged by key, +{rows:,} new, 0 changed" if rows else "unchanged", rows
        )
    key = _key(con, source, table)
    delta = _differing(con, source, target, table)
    lacking = (
        f"not exists (select 1 from {target}.{table} as t where {_matches(key, 't', 'd')})"
        if key
        else "true"
    )
    new, differing = one_row(
        con, f"select count(*) filter (where {lacking}), count(*) from {delta} as d"
    )
    changed = differing - new
    if new + changed == 0:
        return Copied(table, "unchanged", _count(con, target, table))
    if key:
        con.execute(
            f"delete from {target}.{table} as t where exists "
            f"(select 1 from {delta} as d where {_matches(key, 't', 'd')})"
        )
    con.execute(f"insert into {target}.{table} by name {delta}")
    how = f"merged by key, +{new:,} new, {changed:,} changed"
    return Copied(table, how, _count(con, target, table))


def _replace_table(con: duckdb.DuckDBPyConnection, source: str, target: str, table: str) -> Copied:
    """Replace `target.table` by a copy of `source.table` (a dbt output: no keys to keep),
    unless it holds the same columns and rows already."""
    if table in _tables(con, target, (table.split(".")[0],)) and _same(con, source, target, table):
        return Copied(table, "unchanged", _count(con, target, table))
    con.execute(f"create schema if not exists {target}.{table.split('.')[0]}")
    con.execute(f"create or replace table {target}.{table} as select * from {source}.{table}")
    return Copied(table, "replaced table", _count(con, target, table))


def _same(con: duckdb.DuckDBPyConnection, one: str, other: str, table: str) -> bool:
    """The two copies of `table` have the same columns and the same rows (as multisets)."""
    if _columns(con, one, table) != _columns(con, other, table):
        return False
    a, b = f"{one}.{table}", f"{other}.{table}"
    return scalar(
        con,
        f"select not exists (select * from {a} except all select * from {b}) "
        f"and not exists (select * from {b} except all select * from {a})",
    )


def _append_new(con: duckdb.DuckDBPyConnection, source: str, target: str, table: str) -> Copied:
    """Add the source's rows whose key the target lacks; a key the target holds with other
    values is refused (a published forecast is never changed)."""
    _create_like(con, source, target, table)
    key = _key(con, source, table)
    delta = _differing(con, source, target, table)
    listed = ", ".join(f'd."{c}"::varchar' for c in key)
    conflicts = one_row(
        con,
        f"select count(*), min(concat_ws(' ', {listed})) from {delta} as d where exists "
        f"(select 1 from {target}.{table} as t where {_matches(key, 't', 'd')})",
    )
    if conflicts[0]:
        raise UserError(
            f"sync push: {conflicts[0]} forecast(s) of {table} differ from the ones already "
            f"in {SHARED} (first: {conflicts[1]}); a published forecast is never changed: "
            "run `cbi sync pull`, build, then push"
        )
    new = scalar(con, f"select count(*) from {delta}")
    if new == 0:
        return Copied(table, "unchanged", _count(con, target, table))
    con.execute(f"insert into {target}.{table} by name {delta}")
    return Copied(table, f"added {new:,} new", _count(con, target, table))
