"""`cbi bench daily`: one new trading day on top of a built database, without a refit.

In a fresh temporary database: load the bundled snapshot, hold back the hourly bars of its
last trade date, and time the full `cbi build` (today's full rebuild: every fold fitted). Then
add the held-back bars and time `cbi daily --no-ingest` (refit `when_due`: the fits of the
cadence boundaries are reused and only the new as-of date is predicted). Prints both side by
side, checks that the daily forecast is made on the new day and that nothing was refitted.
Target on 2 cores: <= 60 s for the daily run. The user's database and artifacts are never
touched, and no alert is sent (the alert channels are unset for the run).
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import subprocess
import tempfile
import time
from pathlib import Path

import duckdb

from cbi.alerts import SLACK_VARIABLE, SMTP_HOST_VARIABLE
from cbi.benchmarks import run_cbi
from common.db import one_row, scalar
from extractors.core import connect
from extractors.databento import FUTURES_TABLES
from extractors.snapshot import load_snapshot

log = logging.getLogger(__name__)

TARGET_SECONDS = 60.0
HOURLY = FUTURES_TABLES["ohlcv-1h"]
# The CME trade date of a bar, as the staging model computes it (macro cme_trade_date).
TRADE_DATE = "cast(timezone('America/Chicago', ts_event) + interval 7 hour as date)"


def run(db: str | None = None, source_dir: str | None = None) -> int:
    """Time the full rebuild and the daily run; returns 1 when a step failed or a check did."""
    if db or source_dir:
        log.info("bench daily: builds a temporary database from the snapshot; options ignored")
    with tempfile.TemporaryDirectory(prefix="cbi_bench_daily_") as tmp:
        work = Path(tmp)
        bench_db = work / "bench.duckdb"
        env = _isolated_env(work)

        con = connect(bench_db)
        load_snapshot(con)
        last_day = scalar(con, f"select max({TRADE_DATE}) from {HOURLY}")
        held_back = con.execute(
            f"select * from {HOURLY} where {TRADE_DATE} = ?", [last_day]
        ).to_arrow_table()
        con.execute(f"delete from {HOURLY} where {TRADE_DATE} = ?", [last_day])
        con.close()
        log.info("bench daily: %d bars of %s held back", held_back.num_rows, last_day)

        log.info("bench daily: full rebuild (cbi build), several minutes on 2 cores")
        build_seconds, build = _timed_cbi(bench_db, ["build"], env)
        if build.returncode != 0:
            return _failed("full rebuild", build)
        built_as_of = _as_of(bench_db)

        con = connect(bench_db)
        con.execute(f"insert into {HOURLY} select * from held_back")
        con.close()
        log.info("bench daily: %s added back; cbi daily --no-ingest", last_day)
        daily_seconds, daily = _timed_cbi(bench_db, ["daily", "--no-ingest"], env)
        if daily.returncode != 0:
            return _failed("daily run", daily)
        daily_as_of = _as_of(bench_db)
        refitted, fits = _refits(bench_db)

    on_time = daily_seconds <= TARGET_SECONDS
    new_day = daily_as_of == last_day
    lines = [
        f"{'step':<40}{'seconds':>9}  detail",
        f"{'full rebuild (cbi build, refit always)':<40}{build_seconds:>9.1f}  "
        f"forecast as of {built_as_of} ({held_back.num_rows:,} bars of {last_day} held back)",
        f"{'daily (cbi daily --no-ingest)':<40}{daily_seconds:>9.1f}  "
        f"forecast as of {daily_as_of}, {refitted} of {fits} fits refitted",
        f"{'daily target <= 60 s':<40}{'':>9}  ok {'yes' if on_time else 'NO'}",
        f"{'daily forecast on the new day':<40}{'':>9}  ok {'yes' if new_day else 'NO'}",
        f"{'daily summary':<40}{'':>9}  {_last_line(daily.stdout)}",
    ]
    print("\n".join(lines))
    return 0 if new_day else 1


def _isolated_env(work: Path) -> dict[str, str]:
    """The environment of the timed commands: own dbt target, artifacts, no alert channels."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {SLACK_VARIABLE, SMTP_HOST_VARIABLE, "CBI_DB"}
    }
    env.setdefault("DBT_TARGET_PATH", str(work / "target"))
    env.setdefault("DBT_LOG_PATH", str(work / "logs"))
    env["CBI_ARTIFACTS"] = str(work / "artifacts")
    return env


def _timed_cbi(
    db: Path, args: list[str], env: dict[str, str]
) -> tuple[float, subprocess.CompletedProcess[str]]:
    """Run `cbi --db DB ARGS` and return its wall-clock seconds and result."""
    started = time.perf_counter()
    done = run_cbi(db, args, env)
    return time.perf_counter() - started, done


def _as_of(db: Path) -> dt.date:
    with duckdb.connect(str(db), read_only=True) as con:
        return scalar(con, "select max(as_of_date) from forecasts.zl_predictions")


def _refits(db: Path) -> tuple[int, int]:
    """Fits behind the current tables that this run fitted (not reused), and all of them."""
    with duckdb.connect(str(db), read_only=True) as con:
        fitted, total = one_row(
            con, "select count(*) filter (where not reused), count(*) from training.model_registry"
        )
        return fitted, total


def _failed(step: str, done: subprocess.CompletedProcess[str]) -> int:
    print(f"bench daily: {step} failed (exit {done.returncode})")
    print(done.stdout[-3000:] + done.stderr[-2000:])
    return 1


def _last_line(text: str) -> str:
    lines = [line for line in text.splitlines() if line.strip()]
    return lines[-1] if lines else ""
