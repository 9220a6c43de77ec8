"""`cbi sync`: a local mirror of a shared database (MotherDuck) for training, and the way back.

    cbi --db data/cbi.duckdb sync pull --shared md:cbi   # raw.* and the forecast log -> local
    cbi --db data/cbi.duckdb sync push --shared md:cbi   # forecasts, backtest, monitoring -> shared

Ingest runs against the shared database (several people or machines land data once); training
runs on a local file (fast, no network while fitting); the forecasts go back for everyone.
Both directions are idempotent. A pulled raw table is replaced as a whole in one transaction
(created first, with its keys, when the local database lacks it); a pushed forecast table is
replaced as dbt built it. The forecast log, a history no single machine holds whole, is merged
by its key both ways, so a push from a machine with a shorter history never deletes what the
shared log already has.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

import duckdb

from common.db import connect_writable, database_error
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
    "forecasts.zl_purchase_decisions",
    "forecasts.zl_live_accuracy",
)
# Histories merged by key in both directions (table -> key columns).
HISTORY_TABLES = {"forecasts.zl_forecast_log": ("as_of_date", "horizon")}


@dataclass
class Copied:
    """One table copied: its name, how, and the rows the copy holds afterwards."""

    table: str
    how: str
    rows: int


def sync(local: Path, shared: str, direction: str) -> list[Copied]:
    """Pull from or push to `shared`; return the tables copied with their row counts."""
    if str(local) == str(shared):
        raise UserError(f"sync: --shared {shared} is the database itself (--db)")
    if not is_motherduck(shared) and not Path(shared).exists():
        raise UserError(f"sync: no shared database at {shared}")
    con = connect_writable(local, "sync")
    try:
        here = con.execute("select current_database()").fetchone()[0]
        options = "" if is_motherduck(shared) or direction == "push" else " (read_only)"
        try:
            con.execute(f"attach '{shared}' as {SHARED}{options}")
        except duckdb.Error as exc:
            raise database_error(exc, Path(shared), "sync") from None
        source, target = (SHARED, here) if direction == "pull" else (here, SHARED)
        if direction == "pull":
            copied = [_replace_rows(con, source, target, t) for t in _tables(con, source)]
        else:
            present = set(_tables(con, source, ("forecasts",)))
            copied = [_replace_table(con, source, target, t) for t in PUSHED_TABLES if t in present]
        histories = set(_tables(con, source, ("forecasts",)))
        copied += [
            _merge(con, source, target, table, key)
            for table, key in HISTORY_TABLES.items()
            if table in histories
        ]
    finally:
        con.close()
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


def _create_like(con: duckdb.DuckDBPyConnection, source: str, target: str, table: str) -> None:
    """Create `table` in `target` with the source's DDL (keys included) if it is missing."""
    if table in _tables(con, target, (table.split(".")[0],)):
        return
    schema, name = table.split(".")
    ddl = con.execute(
        "select sql from duckdb_tables() "
        "where database_name = ? and schema_name = ? and table_name = ?",
        [source, schema, name],
    ).fetchone()[0]
    home = con.execute("select current_database()").fetchone()[0]
    con.execute(f"create schema if not exists {target}.{schema}")
    con.execute(f"use {target}")  # the DDL names schema.table: create it in the target
    try:
        con.execute(ddl)
    finally:
        con.execute(f"use {home}")


def _count(con: duckdb.DuckDBPyConnection, catalog: str, table: str) -> int:
    return con.execute(f"select count(*) from {catalog}.{table}").fetchone()[0]


def _replace_rows(con: duckdb.DuckDBPyConnection, source: str, target: str, table: str) -> Copied:
    """Make `target.table` hold exactly the rows of `source.table`, in one transaction."""
    _create_like(con, source, target, table)
    _atomically(
        con,
        f"delete from {target}.{table}",
        f"insert into {target}.{table} by name select * from {source}.{table}",
    )
    return Copied(table, "replaced rows", _count(con, target, table))


def _replace_table(con: duckdb.DuckDBPyConnection, source: str, target: str, table: str) -> Copied:
    """Replace `target.table` by a copy of `source.table` (a dbt output: no keys to keep)."""
    con.execute(f"create schema if not exists {target}.{table.split('.')[0]}")
    con.execute(f"create or replace table {target}.{table} as select * from {source}.{table}")
    return Copied(table, "replaced table", _count(con, target, table))


def _merge(
    con: duckdb.DuckDBPyConnection, source: str, target: str, table: str, key: tuple[str, ...]
) -> Copied:
    """Upsert the source's rows into the target by `key`; target rows it lacks are kept."""
    _create_like(con, source, target, table)
    columns = ", ".join(key)
    _atomically(
        con,
        f"delete from {target}.{table} where ({columns}) in "
        f"(select ({columns}) from {source}.{table})",
        f"insert into {target}.{table} by name select * from {source}.{table}",
    )
    return Copied(table, "merged by key", _count(con, target, table))


def _atomically(con: duckdb.DuckDBPyConnection, *statements: str) -> None:
    """Run the statements in one transaction: all of them or none."""
    con.execute("begin transaction")
    try:
        for statement in statements:
            con.execute(statement)
    except BaseException:
        con.execute("rollback")
        raise
    con.execute("commit")
