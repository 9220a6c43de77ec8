"""Shared core of every extractor: the connection, idempotent landing and the load log.

Every load writes one row to `ops.load_log`, whether it succeeded or failed. Data rows of a
load land in one transaction: a load that fails leaves the raw table exactly as it was.
"""

from __future__ import annotations

import logging
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from common.db import connect_writable
from common.errors import ExtractorError

log = logging.getLogger(__name__)

LOAD_LOG_DDL = """
create schema if not exists ops;
create sequence if not exists ops.load_id_seq;
create table if not exists ops.load_log (
    load_id      bigint default nextval('ops.load_id_seq') primary key,
    source       varchar not null,
    target_table varchar not null,
    load_window  varchar not null,
    rows_landed  bigint,
    status       varchar not null check (status in ('ok', 'failed')),
    error        varchar,
    started_at   timestamptz not null,
    duration_s   double not null
);
"""


def connect(db_path: Path, command: str = "ingest") -> duckdb.DuckDBPyConnection:
    """Open (creating the file if needed) the database and make sure the load log exists.

    `md:NAME` opens a MotherDuck database (DuckDB reads MOTHERDUCK_TOKEN from the environment).
    The folder must exist: a mistyped `--db` is an error, not a new tree of folders.
    """
    con = connect_writable(db_path, command)
    con.execute(LOAD_LOG_DDL)
    return con


@dataclass
class Load:
    """One load in progress: the extractor sets `rows` before the block ends."""

    source: str
    target_table: str
    window: str
    rows: int = 0
    started: float = field(default_factory=time.monotonic)


@contextmanager
def recorded_load(
    con: duckdb.DuckDBPyConnection, source: str, target_table: str, window: str
) -> Iterator[Load]:
    """Run one load in a transaction and record it in `ops.load_log`.

    On any exception the transaction is rolled back (earlier data stays intact), a `failed`
    row with the error text is recorded, and the exception propagates.
    """
    load = Load(source, target_table, window)
    started_at = pd.Timestamp.now(tz="UTC")
    con.execute("begin transaction")
    try:
        yield load
    except BaseException as exc:
        con.execute("rollback")
        _record(con, load, started_at, "failed", _error_text(exc))
        raise
    con.execute("commit")
    _record(con, load, started_at, "ok", None)
    log.info(
        "%s: landed %s rows into %s from %s", source, f"{load.rows:,}", load.target_table, window
    )


def _error_text(exc: BaseException) -> str:
    text = str(exc) or type(exc).__name__
    if not isinstance(exc, ExtractorError):
        text = f"{type(exc).__name__}: {text}\n{traceback.format_exc(limit=3)}"
    return text


def _record(
    con: duckdb.DuckDBPyConnection,
    load: Load,
    started_at: pd.Timestamp,
    status: str,
    error: str | None,
) -> None:
    con.execute(
        """
        insert into ops.load_log
            (source, target_table, load_window, rows_landed, status, error, started_at, duration_s)
        values (?, ?, ?, ?, ?, ?, ?, ?)
        """,
        [
            load.source,
            load.target_table,
            load.window,
            load.rows if status == "ok" else 0,
            status,
            error,
            started_at.to_pydatetime(),
            time.monotonic() - load.started,
        ],
    )


def upsert(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> int:
    """Land `frame` into `table` by its primary key: new keys insert, existing keys update.

    Re-landing the same rows changes nothing, so every load is idempotent.
    """
    if frame.empty:
        return 0
    con.register("_landing", frame)
    try:
        columns = ", ".join(f'"{c}"' for c in frame.columns)
        con.execute(f"insert or replace into {table} ({columns}) select {columns} from _landing")
    finally:
        con.unregister("_landing")
    return len(frame)
