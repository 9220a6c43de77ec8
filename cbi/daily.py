"""`cbi daily`: the scheduled run. Ingest what is configured, build, forecast, report, alert.

Steps, each reported in the summary line:

1. ingest: every extractor with an `update` (incremental live pull) whose key is set, or whose
   import folder `$CBI_IMPORT_DIR/<source>/` exists; the others are listed as not configured.
   A failed source is reported and the run goes on with what the database already holds.
   Each source's requests end within `CBI_SOURCE_DEADLINE_S` seconds together (default 300),
   the whole step within `CBI_DAILY_INGEST_DEADLINE_S` (default 1200); a source not started
   by then is reported as such.
2. build: `dbt build` of staging, panel and marts, then the models with dbt var refit
   `when_due` (`--refit`: `always`): cutoffs only at the profile's cadence boundaries, so the
   fits saved by earlier runs are loaded and only the new as-of dates are predicted, unless a
   boundary has passed (see `cbi.training.registry` for how a fit is reused).
3. freshness: `dbt source freshness`; a source staler than its cadence allows is an alert.
4. monitoring and alerts: a bucket that lost coverage since the last run, a P50 that moved
   more than `CBI_P50_MOVE_PCT` % (default 5) from the previous forecast, live accuracy worse
   than the walk-forward record (forecasts.zl_live_accuracy), the probability of closing above
   `CBI_BUDGET_CENTS_PER_LB` crossing `CBI_BUDGET_ALERT_PROB` (cbi.risk.alert), a failed step.

A lock file beside the database keeps two runs from writing at once; a failed dbt step puts
the database back as it was before that step (`cbi.dbt`), so the next run starts from there.
Exit code 0 when every configured step succeeded, else 1.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from cbi.alerts import Event, send_alerts
from cbi.dbt import run_dbt
from cbi.risk.alert import budget_alert
from common.db import connect_read_only, connect_writable, scalar
from common.errors import UserError
from common.http import DEADLINE_VARIABLE, DEFAULT_DEADLINE_S, deadline, deadline_seconds
from common.paths import PROJECT_DIR, is_motherduck
from extractors import declarations
from extractors.declaration import Source

log = logging.getLogger(__name__)

IMPORT_DIR_VARIABLE = "CBI_IMPORT_DIR"
P50_MOVE_VARIABLE = "CBI_P50_MOVE_PCT"
# The total time of the ingest step, in seconds; each source also has its own deadline
# (common.http.DEADLINE_VARIABLE, default 5 minutes), cut to what the total leaves.
INGEST_DEADLINE_VARIABLE = "CBI_DAILY_INGEST_DEADLINE_S"
DEFAULT_INGEST_DEADLINE_S = 1200.0

DBT_LOG_NAME = "daily_dbt.log"

STATE_DDL = """
create schema if not exists ops;
create table if not exists ops.coverage_log (
    run_day date not null,
    bucket  varchar not null,
    covered boolean not null,
    primary key (run_day, bucket)
);
"""


def dbt_log_file() -> Path:
    """Where `cbi daily` sends dbt's output: `daily_dbt.log` beside dbt's own log
    (`$DBT_LOG_PATH`, default `logs/`), rewritten by each run."""
    return Path(os.environ.get("DBT_LOG_PATH") or PROJECT_DIR / "logs") / DBT_LOG_NAME


@dataclass
class Run:
    """What a daily run did: one entry per step, then the events to alert on."""

    steps: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)
    dbt_log: Path = field(default_factory=dbt_log_file)
    _since: float = field(default_factory=time.monotonic)

    def done(self, step: str, detail: str = "") -> None:
        """Record a step and print its progress line (with `detail` and its duration)."""
        self.steps.append(step)
        seconds = time.monotonic() - self._since
        log.info("daily: %s (%s%.0f s)", step, f"{detail}; " if detail else "", seconds)
        self._since = time.monotonic()

    def failed(self, step: str, error: str) -> None:
        self.done(f"{step} FAILED")
        self.failures.append(f"{step}: {error}")
        self.events.append(Event("run_failed", step, error))

    def summary(self) -> str:
        status = "FAILED" if self.failures else "ok"
        return f"daily {status}: " + "; ".join(self.steps)


def run_daily(
    db_path: Path,
    *,
    refit: bool = False,
    ingest: bool = True,
    sources: list[str] | None = None,
    today: dt.date | None = None,
) -> Run:
    """One scheduled run on `db_path`; returns what happened (the CLI prints the summary).

    `sources` limits the ingest step to those extractor commands (default: every one).
    """
    if sources is not None:
        _check_names(sources)
    today = today or dt.datetime.now(dt.UTC).date()
    run = Run()
    with run_lock(db_path):
        if ingest:
            _ingest(db_path, run, sources)
        else:
            run.done("ingest skipped")
        variables = ["--vars", json.dumps({"refit": "always" if refit else "when_due"})]
        run.dbt_log.parent.mkdir(parents=True, exist_ok=True)
        run.dbt_log.write_text("")
        if _build(db_path, run, refit, variables):
            _freshness(db_path, run, variables)
            _monitor(db_path, run, today)
        con = connect_writable(db_path, "daily")
        try:
            sent, undelivered = send_alerts(con, run.events, today)
        finally:
            con.close()
        run.done(f"{len(run.events)} event(s), {sent} alert(s) sent")
        run.failures.extend(undelivered)
    return run


@contextmanager
def run_lock(db_path: Path) -> Iterator[None]:
    """Hold `<database>.daily.lock`; a second run exits at once naming the first one's PID."""
    name = str(db_path).removeprefix("md:") if is_motherduck(db_path) else db_path.name
    folder = PROJECT_DIR / "data" if is_motherduck(db_path) else db_path.parent
    path = folder / f"{name}.daily.lock"
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            raise UserError(
                f"daily: another `cbi daily` (PID {holder}) is running on {db_path}; "
                "this run stops here"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            yield
        finally:
            handle.seek(0)
            handle.truncate()


def _ingest(db_path: Path, run: Run, sources: list[str] | None) -> None:
    """Incremental update of every configured source; failures are reported, not fatal."""
    from extractors.core import connect

    import_root = os.environ.get(IMPORT_DIR_VARIABLE)
    per_source = deadline_seconds(DEADLINE_VARIABLE, DEFAULT_DEADLINE_S)
    total = deadline_seconds(INGEST_DEADLINE_VARIABLE, DEFAULT_INGEST_DEADLINE_S)
    end = time.monotonic() + total
    con = connect(db_path, "daily")
    try:
        for source in declarations():
            if sources is not None and source.command not in sources:
                continue
            folder = Path(import_root) / source.command if import_root else None
            left = end - time.monotonic()
            if left <= 0:
                run.failed(
                    f"ingest {source.command}",
                    f"not started: the ingest step's deadline of {total:g} s "
                    f"({INGEST_DEADLINE_VARIABLE}) has passed",
                )
                continue
            limit = (per_source, DEADLINE_VARIABLE)
            if left < per_source:
                limit = (left, INGEST_DEADLINE_VARIABLE)
            try:
                with deadline(*limit):
                    if folder is not None and folder.is_dir():
                        rows = source.import_path(con, folder)
                    elif source.update is not None and _has_credential(source):
                        rows = source.update(con)
                    else:
                        run.done(f"{source.command} not configured")
                        continue
            except UserError as exc:
                run.failed(f"ingest {source.command}", str(exc))
                continue
            run.done(f"{source.command} +{rows:,} rows")
    finally:
        con.close()


def _check_names(sources: list[str]) -> None:
    """A name that is no source's command is a one-line error before anything runs."""
    valid = [source.command for source in declarations()]
    unknown = [name for name in sources if name not in valid]
    if unknown:
        raise UserError(
            f"daily: unknown source(s) {', '.join(unknown)} in --sources; valid: {', '.join(valid)}"
        )


def _has_credential(source: Source) -> bool:
    """A source can update live when its credential (if it needs one) is set."""
    return source.credential is None or bool(os.environ.get(source.credential))


def _build(db_path: Path, run: Run, refit: bool, variables: list[str]) -> bool:
    """Features, then models (refit only when due or asked); False when a step failed.

    Every dbt step of a run gets the same `variables` (dbt var refit), so dbt parses the
    project once and the later steps reuse that parse.
    """
    steps = [
        ("build features", ["build", "--exclude", "path:python_models", "tag:monitoring"]),
        ("build models", ["build", "--select", "path:python_models", "tag:monitoring"]),
    ]
    for step, args in steps:
        code = run_dbt(db_path, args + variables, log_file=run.dbt_log)
        if code != 0:
            run.failed(
                step,
                f"dbt exited {code}; the database is as it was before this step; see {run.dbt_log}",
            )
            return False
    run.done("build ok" + (" (refit)" if refit else ""), f"dbt output in {run.dbt_log}")
    return True


def _freshness(db_path: Path, run: Run, variables: list[str]) -> None:
    """dbt source freshness: every source past its warn threshold becomes an alert."""
    target = Path(os.environ.get("DBT_TARGET_PATH", PROJECT_DIR / "target"))
    output = target / "daily_sources.json"
    run_dbt(
        db_path,
        ["source", "freshness", "--output", str(output), *variables],
        log_file=run.dbt_log,
    )
    if not output.exists():
        run.failed("freshness", "dbt source freshness wrote no result")
        return
    stale, not_landed = [], []
    for result in json.loads(output.read_text()).get("results", []):
        source = result["unique_id"].split(".")[-2]
        if result.get("status") == "runtime error":
            # The raw table does not exist: a source never landed (no key or folder given).
            not_landed.append(source)
        elif result.get("status") in {"warn", "error"}:
            stale.append(source)
            run.events.append(
                Event(
                    "source_stale",
                    source,
                    f"source {source} is stale: last value {result.get('max_loaded_at', '?')}"
                    f" ({result.get('status')})",
                )
            )
    run.done(f"stale: {', '.join(sorted(set(stale)))}" if stale else "all sources fresh")
    if not_landed:
        run.done(f"never landed: {', '.join(sorted(set(not_landed)))}")


def _monitor(db_path: Path, run: Run, today: dt.date) -> None:
    """Coverage lost since the last run, a large P50 move, live accuracy below the record, the
    budget risk crossing its alert level."""
    con = connect_read_only(db_path, "daily")
    try:
        covered = dict(
            con.execute(
                "select bucket, bool_and(bucket_covered) from marts.bucket_coverage group by 1"
            ).fetchall()
        )
        forecast = scalar(con, "select max(as_of_date) from forecasts.zl_forecast_log")
        run.done(f"forecast as of {forecast}")
        run.events.extend(_p50_moves(con))
        run.events.extend(_live_accuracy(con))
        _budget(con, run)
    except duckdb.CatalogException as exc:
        run.failed("monitoring", str(exc).splitlines()[0])
        return
    finally:
        con.close()
    run.events.extend(_coverage_lost(db_path, covered, today))


def _budget(con: duckdb.DuckDBPyConnection, run: Run) -> None:
    """The budget alert of cbi.risk.alert (CBI_BUDGET_CENTS_PER_LB, CBI_BUDGET_ALERT_PROB)."""
    try:
        event = budget_alert(con)
    except (UserError, duckdb.CatalogException) as exc:
        run.failed("budget alert", str(exc).splitlines()[0])
        return
    if event is not None:
        run.events.append(event)


def _coverage_lost(db_path: Path, covered: dict[str, bool], today: dt.date) -> list[Event]:
    """Buckets covered at the previous run and not now; today's state is kept for tomorrow."""
    con = connect_writable(db_path, "daily")
    try:
        con.execute(STATE_DDL)
        before = dict(
            con.execute(
                "select bucket, covered from ops.coverage_log "
                "where run_day = (select max(run_day) from ops.coverage_log where run_day < ?)",
                [today],
            ).fetchall()
        )
        con.executemany(
            "insert or replace into ops.coverage_log values (?, ?, ?)",
            [(today, bucket, flag) for bucket, flag in covered.items()],
        )
    finally:
        con.close()
    return [
        Event("coverage_lost", bucket, f"bucket {bucket} lost coverage (a source went stale)")
        for bucket, flag in covered.items()
        if before.get(bucket) and not flag
    ]


def _p50_moves(con: duckdb.DuckDBPyConnection) -> list[Event]:
    """Horizons whose P50 moved more than the threshold since the previous logged forecast."""
    threshold = float(os.environ.get(P50_MOVE_VARIABLE, "5")) / 100
    rows = con.execute(
        """
        with ranked as (
            select *, row_number() over (partition by horizon order by as_of_date desc) as n
            from forecasts.zl_forecast_log
        )
        select now.horizon, before.as_of_date, before.p50, now.as_of_date, now.p50
        from ranked as now
        inner join ranked as before on now.horizon = before.horizon and before.n = 2
        where now.n = 1 and abs(now.p50 / before.p50 - 1) > ?
        order by now.horizon
        """,
        [threshold],
    ).fetchall()
    return [
        Event(
            "forecast_moved",
            horizon,
            f"{horizon} P50 moved from {old:.2f} ({old_date}) to {new:.2f} ({new_date}) "
            f"cents/lb, {100 * (new / old - 1):+.1f} %",
        )
        for horizon, old_date, old, new_date, new in rows
    ]


def _live_accuracy(con: duckdb.DuckDBPyConnection) -> list[Event]:
    """Horizons whose live pinball is worse than the walk-forward record beyond tolerance."""
    rows = con.execute(
        "select horizon, scoring_window, n_scored, pinball_live, pinball_record "
        "from forecasts.zl_live_accuracy where worse_than_record order by horizon"
    ).fetchall()
    return [
        Event(
            "live_accuracy",
            f"{horizon}:{window}",
            f"{horizon} live pinball {live:.3f} over {n} forecasts ({window}) is worse than "
            f"the walk-forward record {record:.3f} cents/lb",
        )
        for horizon, window, n, live, record in rows
    ]
