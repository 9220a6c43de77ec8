"""`cbi`: the command-line front of the pipeline (ingest, build, status, backtest, bench)."""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import traceback

from common.errors import UserError
from common.paths import resolve_db
from common.redact import redact
from extractors import declarations, source_of

log = logging.getLogger("cbi")


def _ingest(args: argparse.Namespace) -> int:
    from extractors.core import connect

    source_of(args.extractor).ingest(connect(resolve_db(args.db)), args)
    return 0


def _ingest_snapshot(args: argparse.Namespace) -> int:
    from extractors.core import connect
    from extractors.snapshot import load_snapshot

    load_snapshot(connect(resolve_db(args.db)))
    return 0


def _build(args: argparse.Namespace) -> int:
    from cbi.dbt import require_success, run_dbt

    dbt_args = args.dbt_args
    if not dbt_args or dbt_args[0].startswith("-"):
        dbt_args = ["build", *dbt_args]
    require_success(run_dbt(resolve_db(args.db), dbt_args), f"cbi build ({dbt_args[0]})")
    return 0


def _status(args: argparse.Namespace) -> int:
    from cbi.status import render_status

    print(render_status(resolve_db(args.db)))
    return 0


def _forecast(args: argparse.Namespace) -> int:
    from cbi.forecast import render_forecast

    print(render_forecast(resolve_db(args.db)))
    return 0


def _drivers(args: argparse.Namespace) -> int:
    from cbi.drivers.view import render_drivers

    print(render_drivers(resolve_db(args.db), verdicts=args.verdicts))
    return 0


def _risk(args: argparse.Namespace) -> int:
    from cbi.risk.commands import render_risk

    print(render_risk(resolve_db(args.db), args.budget, args.by, args.horizon))
    return 0


def _plan(args: argparse.Namespace) -> int:
    from pathlib import Path

    from cbi.risk.commands import render_plan_command

    print(render_plan_command(resolve_db(args.db), Path(args.plan)))
    return 0


def _report(args: argparse.Namespace) -> int:
    from pathlib import Path

    from cbi.report import write_report

    try:
        page = write_report(resolve_db(args.db), Path(args.out))
    except OSError as exc:
        raise UserError(
            f"report: cannot write into --out {args.out}: {exc.strerror or exc} "
            f"({exc.filename or args.out})"
        ) from None
    print(f"report: {page}")
    return 0


def _backtest(args: argparse.Namespace) -> int:
    from cbi.backtest import run_backtest

    run_backtest(resolve_db(args.db), start=args.start, end=args.end, profile=args.profile)
    return 0


def _daily(args: argparse.Namespace) -> int:
    from cbi.daily import run_daily

    sources = [name.strip() for name in args.sources.split(",")] if args.sources else None
    run = run_daily(
        resolve_db(args.db), refit=args.refit, ingest=not args.no_ingest, sources=sources
    )
    print(run.summary())
    for failure in run.failures:
        print(f"cbi daily: {failure}", file=sys.stderr)
    return 1 if run.failures else 0


def _sync(args: argparse.Namespace) -> int:
    from cbi.sync import sync

    shared = args.shared or os.environ.get("CBI_SHARED_DB")
    if not shared:
        raise UserError("sync: give --shared DB (e.g. md:cbi) or set CBI_SHARED_DB")
    for copied in sync(resolve_db(args.db), shared, args.direction):
        print(f"{args.direction} {copied.table}: {copied.how}, {copied.rows:,} rows")
    return 0


def _bench(args: argparse.Namespace) -> int:
    benchmark = importlib.import_module(f"cbi.benchmarks.{args.what}")
    return benchmark.run(db=args.db, source_dir=args.from_dir)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cbi",
        description="Soybean oil (ZL) forecasting pipeline: ingest, build, forecast, backtest.",
    )
    parser.add_argument(
        "--db", help="DuckDB file (default: $CBI_DB, else data/cbi.duckdb in the project)"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="only warnings and errors")
    parser.add_argument(
        "--debug", action="store_true", help="show the Python traceback of an error"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ingest = commands.add_parser("ingest", help="land source data into raw.* tables")
    sources = ingest.add_subparsers(dest="source", required=True, metavar="SOURCE")

    for source in declarations():
        command = sources.add_parser(
            source.command, help=source.help, description=source.description
        )
        source.add_arguments(command)
        command.set_defaults(handler=_ingest, extractor=source.command)

    snap = sources.add_parser("snapshot", help="load the bundled real snapshot (offline default)")
    snap.set_defaults(handler=_ingest_snapshot)

    build = commands.add_parser(
        "build",
        help="run dbt against the same database (default: dbt build)",
        description="Everything after `build` is passed to dbt, e.g. `cbi build run -s marts`; "
        "with no dbt command (or only flags) it runs `dbt build`.",
    )
    build.set_defaults(handler=_build)

    status = commands.add_parser("status", help="source freshness and bucket coverage table")
    status.set_defaults(handler=_status)

    forecast = commands.add_parser("forecast", help="print the latest forecast and backtest")
    forecast.set_defaults(handler=_forecast)

    drivers = commands.add_parser(
        "drivers", help="what moved the price, where each bucket stands, what the model uses"
    )
    drivers.add_argument(
        "--verdicts",
        action="store_true",
        help="add the leave-one-bucket-out verdicts of `cbi bench selection` (needs the full "
        "2015-2024 walk-forward; refits L1 once per bucket)",
    )
    drivers.set_defaults(handler=_drivers)

    risk = commands.add_parser(
        "risk", help="the chance ZL closes above a budget on a date, and how such chances scored"
    )
    risk.add_argument("--budget", required=True, type=float, help="budget price, c/lb")
    when = risk.add_mutually_exclusive_group(required=True)
    when.add_argument("--by", metavar="YYYY-MM-DD", help="the purchase date")
    when.add_argument("--horizon", help="a forecast horizon instead of a date (1w, 1m, 3m, 6m)")
    risk.set_defaults(handler=_risk)

    plan = commands.add_parser(
        "plan", help="a purchase plan's cost at risk, and what buying forward now removes"
    )
    plan.add_argument("plan", metavar="PLAN.csv", help="month,pounds[,budget_cents_per_lb]")
    plan.set_defaults(handler=_plan)

    report = commands.add_parser(
        "report", help="write the forecast dashboard (a static web page) into a folder"
    )
    report.add_argument(
        "--out", required=True, metavar="DIR", help="folder for index.html and its assets"
    )
    report.set_defaults(handler=_report)

    backtest = commands.add_parser(
        "backtest", help="walk-forward predictions for a window into forecasts.zl_backtest"
    )
    backtest.add_argument("--start", required=True, help="first as-of date, YYYY-MM-DD")
    backtest.add_argument("--end", required=True, help="last as-of date, YYYY-MM-DD")
    backtest.add_argument("--profile", default="fast", choices=["fast", "full"])
    backtest.set_defaults(handler=_backtest)

    daily = commands.add_parser(
        "daily",
        help="the scheduled run: ingest, build, forecast, alerts (see README)",
        description="Incremental ingest of every configured source, dbt build (refit only "
        "when the profile's cadence says so), freshness and monitoring checks, alerts. One "
        "summary line; exit 1 when a step failed.",
    )
    daily.add_argument(
        "--refit",
        action="store_true",
        help="refit now on every known target (var refit=always), not only at the cadence",
    )
    daily.add_argument("--no-ingest", action="store_true", help="skip the ingest step")
    daily.add_argument(
        "--sources", metavar="A,B", help="ingest only these sources (default: every one)"
    )
    daily.set_defaults(handler=_daily)

    sync = commands.add_parser(
        "sync",
        help="mirror raw tables from a shared database (MotherDuck) and push forecasts back",
        description="pull: raw.* and the forecast log from --shared into --db (for training "
        "locally); push: the forecast, backtest and monitoring tables from --db to --shared.",
    )
    sync.add_argument("direction", choices=["pull", "push"])
    sync.add_argument("--shared", help="the shared database (default $CBI_SHARED_DB), e.g. md:cbi")
    sync.set_defaults(handler=_sync)

    bench = commands.add_parser("bench", help="benchmarks that print a table")
    bench.add_argument("what", choices=["ingest", "features", "forecast", "selection", "daily"])
    bench.add_argument(
        "--from-dir",
        metavar="DIR",
        help="Databento batch folder for `bench ingest` "
        "(default: ../shared/data/databento/GLBX-20251216-WEJLAFALCV)",
    )
    bench.set_defaults(handler=_bench)
    return parser


def main(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, passthrough = parser.parse_known_args(argv)
    if args.command == "build":
        args.dbt_args = passthrough
    elif passthrough:
        parser.error(f"unrecognized arguments: {' '.join(passthrough)}")
    logging.basicConfig(
        level=logging.WARNING if args.quiet else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        datefmt="%H:%M:%S",
    )
    try:
        return args.handler(args)
    except KeyboardInterrupt:
        if args.debug:
            _print_traceback()
        print(
            "cbi: interrupted; finished loads are kept, the one in progress was rolled back",
            file=sys.stderr,
        )
        return 130
    except UserError as exc:
        if args.debug:
            _print_traceback()
        print(f"cbi: error: {redact(str(exc))}", file=sys.stderr)
        return 1
    except Exception as exc:
        if args.debug:
            _print_traceback()
        print(
            f"cbi: unexpected error: {type(exc).__name__}: "
            f"{redact((str(exc).splitlines() or [''])[0])}"
            + ("" if args.debug else " (run with --debug for the traceback)"),
            file=sys.stderr,
        )
        return 1


def _print_traceback() -> None:
    """`--debug`: the traceback of the exception being handled, chained causes included, with
    every key and webhook path masked (a URL in a cause can carry an api_key)."""
    print(redact(traceback.format_exc()), file=sys.stderr, end="")


if __name__ == "__main__":
    sys.exit(main())
