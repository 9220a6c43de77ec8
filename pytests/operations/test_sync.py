"""`cbi sync` between two local DuckDB files, as it runs between a local file and MotherDuck."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from dbn_payloads import REAL_SLICE, REAL_SLICE_ROWS

from cbi.cli import main
from extractors import databento
from extractors.core import connect

HOURLY = databento.FUTURES_TABLES["ohlcv-1h"]


def _shared(tmp_path: Path) -> Path:
    """A shared database where the real slice was ingested, with an older forecast log row."""
    db = tmp_path / "shared.duckdb"
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / REAL_SLICE.name).write_bytes(REAL_SLICE.read_bytes())
    con = connect(db)
    databento.import_path(con, folder)
    con.execute("create schema forecasts")
    con.execute(
        "create table forecasts.zl_forecast_log as select date '2024-06-20' as as_of_date, "
        "'1w' as horizon, 45.0 as p50"
    )
    con.close()
    return db


def _local_forecasts(db: Path) -> None:
    """Forecast tables as a local build leaves them (constructed values)."""
    with duckdb.connect(str(db)) as con:
        con.execute("create schema if not exists forecasts")
        con.execute(
            "create or replace table forecasts.zl_predictions as "
            "select date '2024-06-28' as as_of_date, '1w' as horizon, 46.0 as p50"
        )
        con.execute(
            "create or replace table forecasts.zl_forecast_log as "
            "select date '2024-06-28' as as_of_date, '1w' as horizon, 46.0 as p50"
        )


def test_pull_mirrors_raw_tables_with_their_keys(tmp_path: Path, capsys) -> None:
    shared, local = _shared(tmp_path), tmp_path / "local.duckdb"
    argv = ["--db", str(local), "-q", "sync", "pull", "--shared", str(shared)]
    # WHEN pulled twice, THEN the raw rows arrive once, with one line per table
    assert main(argv) == 0 and main(argv) == 0
    lines = capsys.readouterr().out.splitlines()
    assert f"pull {HOURLY}: replaced rows, {REAL_SLICE_ROWS:,} rows" in lines
    assert "pull forecasts.zl_forecast_log: merged by key, 1 rows" in lines
    with duckdb.connect(str(local), read_only=True) as con:
        assert con.execute(f"select count(*) from {HOURLY}").fetchone() == (REAL_SLICE_ROWS,)
    # AND the local copy keeps the key: importing the same file locally changes nothing
    folder = tmp_path / "again"
    folder.mkdir()
    (folder / REAL_SLICE.name).write_bytes(REAL_SLICE.read_bytes())
    con = connect(local)
    assert databento.import_path(con, folder) == 0
    con.close()


def test_push_replaces_forecasts_and_merges_the_log(tmp_path: Path) -> None:
    shared, local = _shared(tmp_path), tmp_path / "local.duckdb"
    _local_forecasts(local)
    argv = ["--db", str(local), "-q", "sync", "push", "--shared", str(shared)]
    assert main(argv) == 0 and main(argv) == 0
    with duckdb.connect(str(shared), read_only=True) as con:
        assert con.execute("select p50 from forecasts.zl_predictions").fetchall() == [(46.0,)]
        log = con.execute("select as_of_date::varchar, p50 from forecasts.zl_forecast_log")
        assert sorted(log.fetchall()) == [("2024-06-20", 45.0), ("2024-06-28", 46.0)]


@pytest.mark.parametrize("shared", ["missing.duckdb", None])
def test_a_missing_shared_database_is_one_line(tmp_path: Path, capsys, monkeypatch, shared) -> None:
    monkeypatch.delenv("CBI_SHARED_DB", raising=False)
    argv = ["--db", str(tmp_path / "local.duckdb"), "sync", "pull"]
    argv += ["--shared", str(tmp_path / shared)] if shared else []
    assert main(argv) == 1
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
