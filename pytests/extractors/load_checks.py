"""Checks shared by the file-extractor tests: what a refused file must leave behind."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import duckdb
import pandas as pd
import pytest

from common.errors import ExtractorError


def load_log(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    """(window, rows landed, status, error) of every load, oldest first."""
    return con.execute(
        "select load_window, rows_landed, status, error from ops.load_log order by load_id"
    ).fetchall()


def rows(con: duckdb.DuckDBPyConnection, table: str) -> pd.DataFrame:
    """Every row of `table` but its load time, in a stable order."""
    return con.execute(f"select * exclude (loaded_at) from {table} order by all").df()


def refused(con: duckdb.DuckDBPyConnection, extractor: ModuleType, good: Path, bad: Path) -> str:
    """Import `good`, then `bad`, which must fail; return the error.

    THEN the error names the source and the file, the load is recorded as failed with that
    error and no rows, and the rows `good` landed are untouched.
    """
    extractor.import_path(con, good)
    before = rows(con, extractor.TABLE)
    with pytest.raises(ExtractorError) as caught:
        extractor.import_path(con, bad)
    message = str(caught.value)
    pd.testing.assert_frame_equal(before, rows(con, extractor.TABLE))
    assert load_log(con)[-1] == (bad.name, 0, "failed", message)
    assert message.startswith(f"{extractor.SOURCE}: ") and bad.name in message
    return message
