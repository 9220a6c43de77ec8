"""Opening the database: read-only for commands that read, writable for those that write.

Every DuckDB failure to open becomes one UserError line: another process holds the lock (with
its PID, which DuckDB reports), the file is not a DuckDB database, the folder does not exist.
Commands that read never create anything; commands that write may create the file, never
its folders. `one_row` and `scalar` read a query that returns one row (an aggregate, a
setting): a missing row is a UserError naming the query, never a `None` to index.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import duckdb

from common.errors import UserError
from common.paths import is_motherduck

_LOCK = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")


def connect_read_only(db_path: Path, command: str) -> duckdb.DuckDBPyConnection:
    """A read-only connection; a database that does not exist yet is a UserError, not a file."""
    if not is_motherduck(db_path) and not Path(db_path).exists():
        raise UserError(
            f"{command}: no database at {db_path}; run `cbi ingest snapshot` and `cbi build` first"
        )
    return _open(db_path, command, read_only=True)


def connect_writable(db_path: Path, command: str) -> duckdb.DuckDBPyConnection:
    """A read-write connection; the file is created if missing, its folder must exist."""
    if not is_motherduck(db_path) and not Path(db_path).parent.is_dir():
        raise UserError(
            f"{command}: the folder {Path(db_path).parent} does not exist; "
            "check --db / CBI_DB or create the folder first"
        )
    return _open(db_path, command, read_only=False)


def check_writable(db_path: Path, command: str) -> None:
    """Fail in one line now if `db_path` cannot be opened for writing (e.g. it is locked).

    Used before handing the database to a subprocess (dbt), whose own lock error is a long
    traceback.
    """
    connect_writable(db_path, command).close()


def _open(db_path: Path, command: str, *, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(db_path), read_only=read_only)
    except duckdb.Error as exc:
        raise database_error(exc, db_path, command) from None


def database_error(exc: duckdb.Error, db_path: Path, command: str) -> UserError:
    """The one-line explanation of a DuckDB error met while opening `db_path`."""
    text = str(exc)
    lock = _LOCK.search(text)
    if lock:
        return UserError(
            f"{command}: {db_path} is in use by another process (PID {lock['pid']}, "
            f"{Path(lock['program']).name}), probably another `cbi` command; wait for it to "
            "finish and run this again"
        )
    if "not a valid DuckDB database" in text:
        return UserError(f"{command}: {db_path} is not a DuckDB database; check --db / CBI_DB")
    if "Permission denied" in text or "read-only" in text.lower():
        return UserError(f"{command}: cannot open {db_path} for writing: permission denied")
    first_line = text.splitlines()[0] if text else type(exc).__name__
    return UserError(f"{command}: cannot open {db_path}: {first_line}")


def one_row(con: duckdb.DuckDBPyConnection, sql: str, params: object = None) -> tuple[Any, ...]:
    """The first row of `sql`; a query that returns no row is a UserError naming it."""
    row = con.execute(sql, params).fetchone()
    if row is None:
        raise UserError(f"the query returned no row: {' '.join(sql.split())}")
    return row


def scalar(con: duckdb.DuckDBPyConnection, sql: str, params: object = None) -> Any:
    """The first column of the first row of `sql` (see `one_row`)."""
    return one_row(con, sql, params)[0]
