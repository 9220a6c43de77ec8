"""End to end on the bundled snapshot: what `make run` does, in a temporary database.

GIVEN a fresh DuckDB file
WHEN the snapshot is loaded and `dbt build` runs (all models, Python models and dbt tests)
THEN the build passes, the forecast covers every horizon with ordered quantiles, and loading the
snapshot a second time changes nothing. (The build is the session fixture `built_db` in
conftest.py, shared with the report tests.)
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb

CBI = [sys.executable, "-m", "cbi.cli"]


def _cbi(db: Path, *args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [*CBI, "--db", str(db), *args], env=env, capture_output=True, text=True, check=False
    )


def _table_fingerprint(db: Path, table: str) -> tuple[int, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        count, digest = con.execute(
            f"select count(*), sum(hash(t)) from (select * exclude (loaded_at) from {table}) t"
        ).fetchone()
    return count, digest


def test_forecast_covers_every_horizon(built_db: tuple[Path, dict[str, str]]) -> None:
    db, _ = built_db
    with duckdb.connect(str(db), read_only=True) as con:
        horizons = {h for (h,) in con.execute("select horizon from reference.horizons").fetchall()}
        rows = con.execute(
            "select horizon, as_of_date, target_date, p10, p50, p90 from forecasts.zl_predictions"
        ).fetchall()
        last_session = con.execute("select max(trade_date) from marts.feat_core_daily").fetchone()
    assert {r[0] for r in rows} == horizons
    for horizon, as_of, target, p10, p50, p90 in rows:
        assert as_of == last_session[0], horizon
        assert target > as_of, horizon
        assert 0 < p10 <= p50 <= p90, horizon


def test_second_snapshot_load_changes_nothing(built_db: tuple[Path, dict[str, str]]) -> None:
    db, env = built_db
    table = "raw.databento_futures_ohlcv_1h"
    before = _table_fingerprint(db, table)
    again = _cbi(db, "ingest", "snapshot", env=env)
    assert again.returncode == 0, again.stderr
    assert _table_fingerprint(db, table) == before


def test_status_and_forecast_commands_print_tables(built_db: tuple[Path, dict[str, str]]) -> None:
    db, env = built_db
    status = _cbi(db, "status", env=env)
    assert status.returncode == 0, status.stderr
    assert "crush" in status.stdout.lower()
    forecast = _cbi(db, "forecast", env=env)
    assert forecast.returncode == 0, forecast.stderr
    assert "P50" in forecast.stdout or "p50" in forecast.stdout
    # the last month's move in one sentence, then the risk guidance in place of buy-or-wait
    lines = forecast.stdout.splitlines()
    assert any(line.startswith("What moved the price") for line in lines), forecast.stdout
    assert any(line.startswith("  P(1m close above ") for line in lines), forecast.stdout
    assert any(line.startswith("Share to cover now under") for line in lines), forecast.stdout
    assert "BUY NOW" not in forecast.stdout and "WAIT" not in forecast.stdout
    # the record says per horizon whether the gain on the random walk is distinguishable from 0
    record = [line for line in forecast.stdout.splitlines() if line.startswith(("1w ", "1m "))]
    assert any(
        line.endswith(("no significant gain", "significant gain", "significantly worse"))
        for line in record
    ), forecast.stdout
