"""Shared core of every extractor: the connection, idempotent landing and the load log.

Every load writes one row to `ops.load_log`, whether it succeeded or failed. Data rows of a
load land in one transaction: a load that fails leaves the raw table exactly as it was. Every
source lands through `merge_rows`, which first refuses, by the table's declaration, rows no
publisher can have sent (`check_rows`).
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa

from common.db import connect_writable, scalar
from common.errors import ExtractorError
from extractors.declaration import Column, Table, declared_table

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

    The `ok` row is written in the same transaction as the data, so a load is committed with
    its log row or not at all. On any exception the transaction is rolled back (earlier data
    stays intact), a `failed` row with the error text is recorded, and the exception
    propagates. Ctrl-C, whether Python raises it (KeyboardInterrupt) or DuckDB does during a
    query (duckdb.InterruptException, an Exception a folder import would take for one bad
    file), is recorded as interrupted and propagates as KeyboardInterrupt: the import stops.
    """
    load = Load(source, target_table, window)
    started_at = pd.Timestamp.now(tz="UTC")
    con.execute("begin transaction")
    try:
        yield load
        _record(con, load, started_at, "ok", None)
    except (KeyboardInterrupt, duckdb.InterruptException) as exc:
        con.execute("rollback")
        _record(con, load, started_at, "failed", INTERRUPTED)
        raise KeyboardInterrupt from exc
    except BaseException as exc:
        con.execute("rollback")
        _record(con, load, started_at, "failed", _error_text(exc))
        raise
    con.execute("commit")
    log.info(
        "%s: landed %s rows into %s from %s", source, f"{load.rows:,}", load.target_table, window
    )


INTERRUPTED = "interrupted (Ctrl-C): rolled back"


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


# Columns that say where and when a row was loaded, not what it says: a re-load that differs
# only in these changes nothing.
LOAD_COLUMNS = ("source", "loaded_at")


def merge_rows(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame | pa.Table) -> int:
    """Land `frame` into raw table `table` by its declared key; return the rows written.

    Rows equal to what is stored are left alone; equality ignores the LOAD_COLUMNS, so
    re-importing a file, or an overlapping file with the same values, changes nothing at all
    (not even `loaded_at`). A table without vintages (`Table.vintaged`) inserts new keys and
    updates changed rows. A table with vintages never updates: a row that says something
    new lands beside the old ones (`_new_vintages`). A frame with a repeated key is refused,
    and so is a frame with a row `check_rows` refuses (nothing lands). A `_line` column (the
    line of the file each row came from) names the line in errors and is not landed. `frame`
    is a DataFrame or an Arrow table (DuckDB reads either without a copy).
    """
    if len(frame) == 0:
        return 0
    source, declared = declared_table(table)
    key = declared.primary_key
    arrow = isinstance(frame, pa.Table)
    if isinstance(frame, pa.Table):
        check_rows(source, declared, frame.to_pandas())
    else:
        check_rows(source, declared, frame)
        frame = frame.drop(columns="_line", errors="ignore")
    columns = frame.column_names if arrow else list(frame.columns)
    keys: pd.DataFrame = (
        frame.select(list(key)).to_pandas() if isinstance(frame, pa.Table) else frame[list(key)]
    )
    duplicated = keys.duplicated()
    if duplicated.any():
        first = keys.loc[duplicated].iloc[0].tolist()
        where = table
        if "source" in columns:
            where = frame["source"][0].as_py() if arrow else frame["source"].iloc[0]
        raise ExtractorError(
            f"{table}: {where} has {int(duplicated.sum())} duplicate ({', '.join(key)}) keys, "
            f"e.g. {first}"
        )
    compared = [c for c in columns if c not in key and c not in LOAD_COLUMNS]
    if declared.vintaged:
        if isinstance(frame, pa.Table):
            frame = frame.to_pandas()
        said = [c for c in compared if c not in declared.dating_columns]
        frame = _new_vintages(con, declared, frame, said)
        if frame.empty:
            return 0
    column_list = ", ".join(f'"{c}"' for c in columns)
    updates = ", ".join(f'"{c}" = excluded."{c}"' for c in columns if c not in key)
    differs = " or ".join(f'{table}."{c}" is distinct from excluded."{c}"' for c in compared)
    conflict = "do nothing"
    if compared and not declared.vintaged:
        conflict = f"do update set {updates} where {differs}"
    con.register("_landing", frame)
    try:
        written = scalar(
            con,
            f"""
            insert into {table} ({column_list})
            select {column_list} from _landing
            on conflict ({", ".join(key)}) {conflict}
            """,
        )
    finally:
        con.unregister("_landing")
    return int(written)


def _new_vintages(
    con: duckdb.DuckDBPyConnection, table: Table, frame: pd.DataFrame, compared: list[str]
) -> pd.DataFrame:
    """The rows of `frame` that say something new about their natural key, each dated.

    A row whose natural key and publication instant are stored with other values is a
    correction the file does not date: it becomes a new vintage public at its `loaded_at`,
    and the stored one keeps its own instant, so a backtest before the load still sees the
    value it saw then. A row whose values equal the vintage just before it (stored or in
    `frame`) is dropped, so re-imports and overlapping pulls change nothing.
    """
    published = table.published_column
    assert published is not None
    natural = list(table.key)
    keys = ", ".join(f'"{c}"' for c in natural)
    values = "struct_pack(" + ", ".join(f'"{c}" := "{c}"' for c in compared) + ")"
    same_key = " and ".join(f'stored."{c}" = incoming."{c}"' for c in natural)
    incoming = frame[[*natural, published, *compared, "loaded_at"]].assign(_row=range(len(frame)))
    con.register("_vintages_incoming", incoming)
    try:
        kept = con.execute(
            f"""
            with

            incoming as (
                select {keys}, "{published}" as _at, {values} as _values, loaded_at, _row
                from _vintages_incoming
            ),

            stored as (
                select {keys}, "{published}" as _at, {values} as _values
                from {table.qualified}
                semi join incoming using ({keys})
            ),

            dated as (
                select
                    incoming.* exclude (_at, loaded_at),
                    case
                        when stored._at is not null then incoming.loaded_at else incoming._at
                    end as _at
                from incoming
                left join stored
                    on {same_key}
                    and stored._at = incoming._at
                    and stored._values is distinct from incoming._values
            ),

            chained as (
                select
                    *,
                    lag(_at) over vintages as previous_at,
                    lag(_values) over vintages as previous_values
                from (
                    select * from dated
                    union all by name
                    select *, null as _row from stored
                    where not exists (
                        select 1 from dated as incoming
                        where {same_key} and stored._at = incoming._at
                    )
                )
                window vintages as (partition by {keys} order by _at, _row nulls first)
            )

            select _row, _at
            from chained
            where _row is not null
                and (previous_at is null or previous_values is distinct from _values)
            qualify row_number() over (partition by {keys}, _at order by _row desc) = 1
            order by _row
            """
        ).fetchall()
    finally:
        con.unregister("_vintages_incoming")
    rows = [row for row, _ in kept]
    result = frame.iloc[rows].copy()
    result[published] = pd.Series([at for _, at in kept], index=result.index).astype(
        frame[published].dtype
    )
    return result.reset_index(drop=True)


# The numeric column types, and the largest magnitude each integer type holds.
NUMERIC_TYPES = ("double", "integer", "bigint")
INTEGER_LIMITS = {"integer": 2**31 - 1, "bigint": 2**63 - 1}


def check_rows(source: str, table: Table, frame: pd.DataFrame) -> None:
    """Refuse the rows of `frame` no publisher can have sent, as one ExtractorError naming the
    source, the file or window, the field and the row: a number that is not finite, too large
    for its column's type, or outside the column's plausible range (Column min_value and
    max_value, the bounds of its dbt test: one definition); a period (the table's `period_column`)
    after the moment the row is loaded (`loaded_at`) or after its own publication instant
    (`published_column`). A publication instant after the load is allowed: it is the
    conservative estimate of a rule (e.g. FRED's release day), never earlier than the truth."""
    for column in table.columns:
        if column.name in frame and column.type in NUMERIC_TYPES:
            _check_numbers(source, table, frame, column)
    if table.period_column is None:
        return
    loaded = pd.to_datetime(frame["loaded_at"], utc=True)
    period = pd.to_datetime(frame[table.period_column]).dt.tz_localize("UTC")
    _refuse(
        source,
        table,
        frame,
        period > loaded,
        table.period_column,
        f"after the moment it is loaded ({loaded.max():%Y-%m-%d %H:%M} UTC)",
    )
    if table.published_column is not None:
        published = pd.to_datetime(frame[table.published_column], utc=True)
        _refuse(
            source,
            table,
            frame,
            period > published,
            table.period_column,
            f"after its own {table.published_column} (no value is public before its day)",
        )


def _check_numbers(source: str, table: Table, frame: pd.DataFrame, column: Column) -> None:
    values = frame[column.name]
    if values.dtype.kind in "fiu":
        numbers = values.astype("float64")
    else:
        numbers = values.map(lambda v: np.nan if pd.isna(v) else float(v)).astype("float64")
    name = column.name
    _refuse(source, table, frame, numbers.isin([np.inf, -np.inf]), name, "not a finite number")
    limit = INTEGER_LIMITS.get(column.type)
    if limit is not None:
        _refuse(source, table, frame, numbers.abs() > limit, name, f"too large for {column.type}")
    low = -np.inf if column.min_value is None else column.min_value
    high = np.inf if column.max_value is None else column.max_value
    bounds = "..".join("" if b is None else f"{b:g}" for b in (column.min_value, column.max_value))
    _refuse(
        source,
        table,
        frame,
        (numbers < low) | (numbers > high),
        name,
        f"outside the plausible range {bounds} (the bounds of its dbt test)",
    )


def _refuse(
    source: str, table: Table, frame: pd.DataFrame, bad: pd.Series, column: str, why: str
) -> None:
    """Raise for the first row of `frame` where `bad` holds: its `column` value and `why`."""
    if not bad.any():
        return
    row = frame.loc[bad.to_numpy()].iloc[0]
    where = row["source"] if "source" in frame else table.qualified
    if "_line" in frame:
        at = f"at line {row['_line']}"
    else:
        named = [k for k in table.key if k not in (column, table.published_column)]
        at = "of the row " + ", ".join(f"{k} {row[k]}" for k in named)
    value = row[column]
    shown = value.isoformat() if hasattr(value, "isoformat") else str(value)
    raise ExtractorError(
        f"{source}: {where}: field {column!r} {at} is {shown}, {why}; nothing landed"
    )


def update_window(
    last: dt.date | None,
    today: dt.date | None = None,
    overlap_days: int = 14,
    history_days: int = 730,
) -> tuple[str, str]:
    """(start, end) ISO dates of a daily live pull: from `overlap_days` before the last period
    landed (so values revised since land again) or `history_days` of history into an empty
    table, to today (UTC)."""
    end = today or dt.datetime.now(dt.UTC).date()
    back = dt.timedelta(days=overlap_days if last else history_days)
    start = (last or end) - back
    return min(start, end).isoformat(), end.isoformat()
