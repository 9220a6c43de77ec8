"""Opening the database for the read-only commands, and the error a user can act on."""

from __future__ import annotations

from pathlib import Path

import duckdb

from cbi.paths import is_motherduck


class UserError(RuntimeError):
    """A command failed for a reason the user can act on; the message says what to do next.

    The CLI prints it as one line and exits 1, so a scheduled daily run fails visibly.
    """


def connect_read_only(db_path: Path, command: str) -> duckdb.DuckDBPyConnection:
    """A read-only connection; a database that does not exist yet is a UserError, not a file."""
    if not is_motherduck(db_path) and not Path(db_path).exists():
        raise UserError(
            f"{command}: no database at {db_path}; run `cbi ingest snapshot` and `cbi build` first"
        )
    return duckdb.connect(str(db_path), read_only=True)
