"""`cbi status`: the bucket x source coverage table, read from `marts.bucket_coverage`.

The table is computed by dbt (one definition of coverage); this module only prints it, in the
bucket order of seed `buckets` (column bucket_order), on a read-only connection so it can run
while nothing else holds the database for writing.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import duckdb

from common.db import connect_read_only
from common.errors import UserError
from extractors import coverage_windows, declarations

COVERAGE_QUERY = """
select
    bucket,
    source,
    required_for_training,
    last_period_date,
    last_available_date,
    rows_in_window,
    feeds_expected,
    stale_feeds,
    source_fresh,
    bucket_status,
    bucket_coverage_pct,
    bucket_missing_sources,
    bucket_trained,
    coverage_as_of
from marts.bucket_coverage
order by bucket_order, required_for_training desc, source
"""

HEADERS = (
    "bucket",
    "source",
    "required",
    "last date",
    "published",
    "rows in window",
    "source is",
    "bucket is",
)


@cache
def landing_hints() -> dict[str, str]:
    """Source name -> how to land it: set the variable its live pull needs (extractor
    CREDENTIAL), or run its ingest command when it needs none."""
    hints: dict[str, list[str]] = {}
    for source in declarations():
        variable = source.credential
        hint = f"set {variable}" if variable else f"run `cbi ingest {source.command}`"
        # the coverage map may name one source for several extractors (news: both sites)
        hints.setdefault(source.coverage_source, []).append(hint)
    return {source: " or ".join(hint) for source, hint in hints.items()}


def windows_text() -> str:
    """The declared coverage windows, e.g. '30 days; nopa and usda_wasde 45, epa_rin 75'."""
    by_days: dict[int, list[str]] = {}
    for source, days in coverage_windows().items():
        by_days.setdefault(days, []).append(source)
    common = max(by_days, key=lambda days: len(by_days[days]))
    others = [f"{' and '.join(sorted(by_days[d]))} {d}" for d in sorted(by_days) if d != common]
    return "; ".join([f"{common} days", *others])


def _source_state(
    source: str, fresh: bool, feeds_expected: int, stale_feeds: str | None, landed: bool
) -> str:
    if fresh:
        return "fresh"
    if not feeds_expected or not landed:
        hint = landing_hints().get(source)
        return "MISSING (not landed)" + (f", {hint}" if hint else "")
    return f"STALE: {stale_feeds}"


def _bucket_state(status: str, pct: float, missing: str | None, trained: bool) -> str:
    text = f"{status} {pct:.0f} %" + (f" (missing {missing})" if missing else "")
    return text + ("" if trained else ", not trained")


def _format_table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in [HEADERS, *rows]) for i in range(len(HEADERS))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(HEADERS, widths, strict=True))]
    lines.append("  ".join("-" * width for width in widths))
    for row in rows:
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    return "\n".join(line.rstrip() for line in lines)


def render_status(db_path: Path) -> str:
    """The coverage table of `db_path` as text: one line per bucket and source, then a summary."""
    rows, summary = coverage_table(db_path)
    return "\n".join([_format_table(rows), "", *summary])


def coverage_table(
    db_path: Path, command: str = "status"
) -> tuple[list[tuple[str, ...]], list[str]]:
    """The rows of the coverage table (cells as text, in HEADERS order) and its summary lines.

    Shared by `cbi status` and the `cbi report` page. Raises UserError (shown as one line by
    the CLI) when the database or the coverage model does not exist yet, saying which command
    creates it.
    """
    con = connect_read_only(db_path, command)
    try:
        records = con.execute(COVERAGE_QUERY).fetchall()
    except (duckdb.CatalogException, duckdb.BinderException) as exc:
        # Binder: a table built by an older version of the project (a column is missing).
        raise UserError(
            f"{command}: {db_path} has no current marts.bucket_coverage; run `cbi build` first"
        ) from exc
    finally:
        con.close()

    rows = []
    buckets: dict[str, tuple[str, float, bool]] = {}
    for (
        bucket,
        source,
        required,
        last_date,
        published,
        rows_in_window,
        feeds_expected,
        stale_feeds,
        fresh,
        status,
        pct,
        missing,
        trained,
        _,
    ) in records:
        rows.append(
            (
                bucket,
                source,
                "yes" if required else "optional",
                last_date.isoformat() if last_date else "-",
                published.isoformat() if published else "-",
                f"{rows_in_window:,}",
                _source_state(source, fresh, feeds_expected, stale_feeds, last_date is not None),
                _bucket_state(status, pct, missing, trained),
            )
        )
        buckets[bucket] = (status, pct, trained)
    by_status = {
        status: [f"{b} {p:.0f} %" for b, (s, p, _) in buckets.items() if s == status]
        for status in ("covered", "partial", "missing")
    }
    untrained = [bucket for bucket, (_, _, trained) in buckets.items() if not trained]
    as_of = records[0][-1].isoformat() if records and records[0][-1] else "-"
    summary = [
        f"Coverage as of {as_of} (last ZL trade date): a source is fresh with rows published in "
        f"its window before it ({windows_text()}); a bucket is covered only when all its "
        "sources are",
        f"Buckets covered: {len(by_status['covered'])}/{len(buckets)}"
        + "".join(
            f"; {status}: {', '.join(names)}"
            for status, names in by_status.items()
            if status != "covered" and names
        ),
        f"Trained (required sources fresh): {len(buckets) - len(untrained)}/{len(buckets)}"
        + (f"; not trained: {', '.join(untrained)}" if untrained else ""),
    ]
    return rows, summary
