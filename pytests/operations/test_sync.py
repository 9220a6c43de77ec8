"""`cbi sync` between two local DuckDB files, as it runs between a local file and MotherDuck."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest
from dbn_payloads import REAL_SLICE, REAL_SLICE_ROWS

from cbi.cli import main
from extractors import databento
from extractors.core import connect
from extractors.snapshot import load_snapshot

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
    assert f"pull {HOURLY}: merged by key, +{REAL_SLICE_ROWS:,} new, 0 changed, " in "\n".join(
        lines
    )
    assert f"pull {HOURLY}: unchanged, {REAL_SLICE_ROWS:,} rows" in lines
    assert "pull forecasts.zl_forecast_log: unchanged, 1 rows" in lines
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


def _count(db: Path, table: str, where: str = "true") -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(f"select count(*) from {table} where {where}").fetchone()[0]


def test_pull_merges_by_key_and_never_deletes_local_rows(tmp_path: Path) -> None:
    # GIVEN a local database holding the whole real slice, and a shared one holding only its
    # first days, where one close was corrected (a constructed change of the real value)
    shared, local = _shared(tmp_path), tmp_path / "local.duckdb"
    assert main(["--db", str(local), "-q", "sync", "pull", "--shared", str(shared)]) == 0
    with duckdb.connect(str(shared)) as con:
        con.execute(f"delete from {HOURLY} where ts_event >= timestamptz '2024-06-25'")
        kept = con.execute(f"select count(*) from {HOURLY}").fetchone()[0]
        first = con.execute(f"select symbol, ts_event from {HOURLY} order by 2, 1 limit 1")
        symbol, moment = first.fetchone()
        con.execute(
            f"update {HOURLY} set close = close + 1 where symbol = ? and ts_event = ?",
            [symbol, moment],
        )
    assert 0 < kept < REAL_SLICE_ROWS
    # WHEN pulled again
    assert main(["--db", str(local), "-q", "sync", "pull", "--shared", str(shared)]) == 0
    # THEN no local row disappeared and the corrected value arrived
    assert _count(local, HOURLY) == REAL_SLICE_ROWS
    with duckdb.connect(str(local), read_only=True) as con, duckdb.connect(str(shared)) as sh:
        ask = f"select close from {HOURLY} where symbol = ? and ts_event = ?"
        assert (
            con.execute(ask, [symbol, moment]).fetchone()
            == sh.execute(ask, [symbol, moment]).fetchone()
        )


def test_push_refuses_to_change_a_published_forecast(tmp_path: Path, capsys) -> None:
    # GIVEN a shared log with the 2024-06-20 forecast, and a local log whose 2024-06-20 row
    # differs (constructed values)
    shared, local = _shared(tmp_path), tmp_path / "local.duckdb"
    _local_forecasts(local)
    with duckdb.connect(str(local)) as con:
        con.execute("insert into forecasts.zl_forecast_log values (date '2024-06-20', '1w', 44.0)")
    # WHEN pushed
    code = main(["--db", str(local), "sync", "push", "--shared", str(shared)])
    # THEN one line refuses it and the shared database is untouched (no predictions either)
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1, err
    assert "2024-06-20" in err[0] and "never changed" in err[0]
    with duckdb.connect(str(shared), read_only=True) as con:
        log = con.execute("select as_of_date::varchar, p50 from forecasts.zl_forecast_log")
        assert log.fetchall() == [("2024-06-20", 45.0)]
        tables = con.execute(
            "select table_name from duckdb_tables() where schema_name = 'forecasts'"
        )
        assert tables.fetchall() == [("zl_forecast_log",)]


def test_a_schema_mismatch_halfway_changes_nothing_on_either_side(tmp_path: Path, capsys) -> None:
    # GIVEN shared predictions from an earlier push, and a local log with a column the shared
    # log lacks (pushed after the predictions)
    shared, local = _shared(tmp_path), tmp_path / "local.duckdb"
    _local_forecasts(local)
    assert main(["--db", str(local), "-q", "sync", "push", "--shared", str(shared)]) == 0
    with duckdb.connect(str(local)) as con:
        con.execute("update forecasts.zl_predictions set p50 = 47.0")
        con.execute("alter table forecasts.zl_forecast_log add column p90 double")
        con.execute("insert into forecasts.zl_forecast_log values ('2024-07-05', '1w', 47, 49)")
    capsys.readouterr()
    # WHEN pushed
    code = main(["--db", str(local), "sync", "push", "--shared", str(shared)])
    # THEN one line, no BinderException, and the predictions were not replaced
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1, err
    assert "forecasts.zl_forecast_log" in err[0] and "nothing was changed" in err[0]
    assert "unexpected" not in err[0]
    with duckdb.connect(str(shared), read_only=True) as con:
        assert con.execute("select p50 from forecasts.zl_predictions").fetchall() == [(46.0,)]
    # AND a pull whose second table does not fit the local one changes no local table either
    with duckdb.connect(str(shared)) as con:
        con.execute("create table raw.zz_constructed as select 1 as id, 'a' as label")
    with duckdb.connect(str(local)) as con:
        con.execute("create schema if not exists raw")
        con.execute("create table raw.zz_constructed as select 1 as id")
    code = main(["--db", str(local), "sync", "pull", "--shared", str(shared)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 1 and len(err) == 1 and "raw.zz_constructed" in err[0], err
    with duckdb.connect(str(local), read_only=True) as con:
        names = con.execute("select table_name from duckdb_tables() where schema_name = 'raw'")
        assert names.fetchall() == [("zz_constructed",)]


def test_repeated_syncs_keep_the_file_size(tmp_path: Path) -> None:
    # GIVEN a shared database holding the bundled real snapshot, pulled once
    shared, local = tmp_path / "shared.duckdb", tmp_path / "local.duckdb"
    con = connect(shared)
    load_snapshot(con)
    con.close()
    argv = ["--db", str(local), "-q", "sync", "pull", "--shared", str(shared)]
    assert main(argv) == 0
    first = local.stat().st_size
    # WHEN pulled five more times with no data change
    for _ in range(5):
        assert main(argv) == 0
    # THEN the local file did not grow (measured before the fix: 78 MB -> 273 MB)
    assert local.stat().st_size == first
    # AND five pushes with no change keep the shared file as it is
    _local_forecasts(local)
    push = ["--db", str(local), "-q", "sync", "push", "--shared", str(shared)]
    assert main(push) == 0
    pushed = shared.stat().st_size
    for _ in range(5):
        assert main(push) == 0
    assert shared.stat().st_size == pushed
