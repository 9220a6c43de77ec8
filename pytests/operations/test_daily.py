"""`cbi daily`: one run at a time, failures reported and alerted, monitoring events."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pytest
from dbn_payloads import REAL_SLICE, REAL_SLICE_ROWS

import cbi.daily
from cbi.cli import main
from cbi.daily import run_daily, run_lock
from extractors import databento

TODAY = dt.date(2026, 11, 27)


@pytest.fixture(autouse=True)
def _no_channels(monkeypatch: pytest.MonkeyPatch) -> None:
    for variable in ("CBI_SLACK_WEBHOOK_URL", "CBI_SMTP_HOST", "DATABENTO_API_KEY"):
        monkeypatch.delenv(variable, raising=False)


def test_a_second_run_stops_at_once_naming_the_first(tmp_path: Path, capsys) -> None:
    db = tmp_path / "cbi.duckdb"
    with run_lock(db):
        assert main(["--db", str(db), "daily"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "another `cbi daily` (PID" in err[0]


def test_ingest_imports_configured_folders_and_a_failed_build_is_reported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN an import folder for Databento holding the real slice, no key for live pulls,
    # and a dbt build that fails (stubbed: the dbt steps themselves are tested elsewhere)
    imports = tmp_path / "imports" / "databento"
    imports.mkdir(parents=True)
    (imports / REAL_SLICE.name).write_bytes(REAL_SLICE.read_bytes())
    monkeypatch.setenv("CBI_IMPORT_DIR", str(tmp_path / "imports"))
    monkeypatch.setattr(cbi.daily, "run_dbt", lambda db, args, **kw: 2)
    db = tmp_path / "cbi.duckdb"
    # WHEN the daily run goes
    run = run_daily(db, sources=["databento"], today=TODAY)
    # THEN the folder landed, the build failure is in the summary and became an event
    assert f"databento +{REAL_SLICE_ROWS:,} rows" in run.steps
    assert "build features FAILED" in run.steps
    assert run.summary().startswith("daily FAILED: ")
    assert [(e.kind, e.key) for e in run.events] == [("run_failed", "build features")]
    with duckdb.connect(str(db), read_only=True) as con:
        hourly = databento.FUTURES_TABLES["ohlcv-1h"]
        assert con.execute(f"select count(*) from {hourly}").fetchone() == (REAL_SLICE_ROWS,)


def _monitored(db: Path, p50s: list[float], covered: bool, worse: bool) -> None:
    """Tables as a build leaves them (constructed values, not market data)."""
    with duckdb.connect(str(db)) as con:
        con.execute("create schema if not exists forecasts; create schema if not exists marts")
        con.execute(
            "create or replace table forecasts.zl_forecast_log as select "
            "date '2025-01-01' + i::int as as_of_date, '1m' as horizon, p50 "
            "from (select unnest(?) as p50, generate_subscripts(?, 1) as i)",
            [p50s, p50s],
        )
        con.execute(
            "create or replace table marts.bucket_coverage as select 'fx' as bucket, "
            f"{covered} as bucket_covered"
        )
        con.execute(
            "create or replace table forecasts.zl_live_accuracy as select '1m' as horizon, "
            f"'all' as scoring_window, 25 as n_scored, 1.3 as pinball_live, "
            f"1.0 as pinball_record, {worse} as worse_than_record"
        )


def test_monitoring_events(tmp_path: Path) -> None:
    db = tmp_path / "cbi.duckdb"
    _monitored(db, [50.0, 50.5], covered=True, worse=False)
    run = cbi.daily.Run()
    cbi.daily._monitor(db, run, TODAY)
    assert run.events == []
    # WHEN the next day the P50 jumps 8 %, the bucket loses coverage, live accuracy slips
    _monitored(db, [50.0, 50.5, 54.54], covered=False, worse=True)
    cbi.daily._monitor(db, run, TODAY + dt.timedelta(days=1))
    kinds = sorted((e.kind, e.key) for e in run.events)
    assert kinds == [("coverage_lost", "fx"), ("forecast_moved", "1m"), ("live_accuracy", "1m:all")]
    moved = next(e for e in run.events if e.kind == "forecast_moved")
    assert "from 50.50 (2025-01-03) to 54.54 (2025-01-04) cents/lb, +8.0 %" in moved.message


def test_unknown_source_names_are_one_line_naming_them_and_the_valid_ones(
    tmp_path: Path, capsys, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a dbt that must never run (the names are checked before anything else)
    monkeypatch.setattr(cbi.daily, "run_dbt", lambda db, args, **kw: pytest.fail("dbt ran"))
    # WHEN two misspelt names are given with a valid one
    code = main(["--db", str(tmp_path / "cbi.duckdb"), "daily", "--sources", "fredd,cftcc,eia"])
    # THEN the run stops in one line naming the unknown names and every valid one
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert code == 1 and "daily ok" not in captured.out
    assert len(err) == 1 and "fredd, cftcc" in err[0]
    assert "databento" in err[0] and "farmdoc-daily" in err[0]


SLOW_S = 6.0  # the slow server answers (HTTP 503) after this long; retried it took 5 x SLOW_S


@pytest.fixture
def slow_fred(httpserver, monkeypatch: pytest.MonkeyPatch):
    """FRED's live API on a local server that answers each request after SLOW_S seconds.

    The server is shared by the session: the test ends only once the answers it was still
    preparing are out, so no late request lands in the next test's log.
    """
    import threading
    import time

    from werkzeug import Response

    busy = threading.Semaphore(0)

    def answer(request) -> Response:
        time.sleep(SLOW_S)
        busy.release()
        return Response("busy", status=503)

    httpserver.expect_request("/fred/series/observations").respond_with_handler(answer)
    monkeypatch.setenv("CBI_HTTP_BACKOFF", "0")
    monkeypatch.setenv("FRED_API_KEY", "constructed-key-0123456789")
    monkeypatch.setenv("FRED_API_URL", httpserver.url_for("/fred"))
    yield httpserver
    assert busy.acquire(timeout=SLOW_S + 5)  # the one request the deadline cut short
    time.sleep(0.5)
    httpserver.clear()


def _eia_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An import folder for EIA holding the bundled real weekly price workbook."""
    from common.paths import SNAPSHOT_DIR

    folder = tmp_path / "imports" / "eia"
    folder.mkdir(parents=True)
    for path in (SNAPSHOT_DIR / "eia").iterdir():
        (folder / path.name).write_bytes(path.read_bytes())
    monkeypatch.setenv("CBI_IMPORT_DIR", str(tmp_path / "imports"))


def test_a_slow_source_stops_at_its_deadline_and_the_others_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, slow_fred
) -> None:
    import time

    # GIVEN a FRED server answering after 6 s, a 1.5 s deadline per source, EIA from a folder
    _eia_folder(tmp_path, monkeypatch)
    monkeypatch.setenv("CBI_SOURCE_DEADLINE_S", "1.5")
    monkeypatch.setattr(cbi.daily, "run_dbt", lambda db, args, **kw: 2)
    started = time.monotonic()
    # WHEN the daily run ingests FRED then EIA
    run = run_daily(tmp_path / "cbi.duckdb", sources=["fred", "eia"], today=TODAY)
    # THEN FRED stopped at about its deadline with one line, and EIA landed after it
    assert time.monotonic() - started < 1.5 + SLOW_S / 2
    fred_failures = [f for f in run.failures if f.startswith("ingest fred")]
    assert len(fred_failures) == 1 and "\n" not in fred_failures[0]
    assert "deadline" in fred_failures[0] and "CBI_SOURCE_DEADLINE_S" in fred_failures[0]
    assert any(step.startswith("eia +") for step in run.steps), run.steps


def test_the_ingest_step_has_a_total_deadline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, slow_fred
) -> None:
    # GIVEN the same slow FRED, and a total ingest deadline shorter than a source's
    _eia_folder(tmp_path, monkeypatch)
    monkeypatch.setenv("CBI_DAILY_INGEST_DEADLINE_S", "1")
    monkeypatch.setattr(cbi.daily, "run_dbt", lambda db, args, **kw: 2)
    # WHEN the daily run ingests FRED then EIA
    run = run_daily(tmp_path / "cbi.duckdb", sources=["fred", "eia"], today=TODAY)
    # THEN FRED was stopped at the total, and EIA was not started (said in one line)
    failures = {f.split(":", 1)[0]: f for f in run.failures}
    assert "deadline" in failures["ingest fred"]
    assert "not started" in failures["ingest eia"]
    assert "CBI_DAILY_INGEST_DEADLINE_S" in failures["ingest eia"]


def test_dbt_output_goes_to_a_log_file_and_each_step_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    import logging

    # GIVEN dbt stubbed (the file it writes into is checked with the real dbt in test_dbt.py)
    monkeypatch.setenv("DBT_LOG_PATH", str(tmp_path / "logs"))
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))
    calls: list[dict] = []

    def dbt(db, args, **options) -> int:
        calls.append(options)
        return 0

    monkeypatch.setattr(cbi.daily, "run_dbt", dbt)
    caplog.set_level(logging.INFO, logger="cbi.daily")
    db = tmp_path / "cbi.duckdb"
    _monitored(db, [50.0, 50.5], covered=True, worse=False)
    # WHEN a run without ingest goes through build, freshness (which wrote nothing) and alerts
    run = run_daily(db, ingest=False, today=TODAY)
    # THEN every dbt call wrote into logs/daily_dbt.log, and each step printed one line
    assert calls and all(c.get("log_file") == tmp_path / "logs" / "daily_dbt.log" for c in calls)
    progress = [r.getMessage() for r in caplog.records if r.name == "cbi.daily"]
    assert len(progress) == len(run.steps), (progress, run.steps)
    assert all(line.startswith("daily: ") for line in progress)
    assert any("logs/daily_dbt.log" in line for line in progress)


def test_the_budget_risk_crossing_its_alert_level_is_an_event(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN constructed distributions (not market data): yesterday's 1m P95 39.6 c/lb, today's
    # ten percent higher, so P(close above 42) rose from under 5 % to over 10 %
    db = tmp_path / "cbi.duckdb"
    _monitored(db, [50.0, 50.5], covered=True, worse=False)
    with duckdb.connect(str(db)) as con:
        con.execute(
            "create table quantiles as select unnest([0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95]) "
            "as quantile, unnest([0.9, 0.93, 0.97, 1.0, 1.03, 1.07, 1.1]) as ratio"
        )
        con.execute(
            "create table forecasts.zl_price_distribution as select date '2025-01-04' as "
            "as_of_date, '1m' as horizon, quantile, 40 * ratio as price_cents_per_lb "
            "from quantiles"
        )
        con.execute(
            "create table forecasts.zl_backtest_distribution as select date '2025-01-03' as "
            "as_of_date, '1m' as horizon, quantile, 36 * ratio as price_cents_per_lb "
            "from quantiles"
        )
        con.execute(
            "create table forecasts.zl_predictions as select date '2025-01-04' as as_of_date, "
            "40.0 as close_cents_per_lb"
        )
        con.execute(
            "create table forecasts.zl_backtest as select date '2025-01-03' as as_of_date, "
            "'1m' as horizon, 'ensemble' as member, 36.0 as close"
        )
    run = cbi.daily.Run()
    cbi.daily._monitor(db, run, TODAY)
    assert run.events == []  # not configured: no budget alert
    monkeypatch.setenv("CBI_BUDGET_CENTS_PER_LB", "42")
    monkeypatch.setenv("CBI_BUDGET_ALERT_PROB", "0.1")
    cbi.daily._monitor(db, run, TODAY)
    [event] = run.events
    assert event.kind == "budget_risk" and "P(close above 42.00 c/lb)" in event.message
    # a bad setting is one failed step, not a crash
    monkeypatch.setenv("CBI_BUDGET_ALERT_PROB", "20")
    run = cbi.daily.Run()
    cbi.daily._monitor(db, run, TODAY)
    assert [e.kind for e in run.events] == ["run_failed"]
    assert "CBI_BUDGET_ALERT_PROB must be between 0 and 1" in run.events[0].message
