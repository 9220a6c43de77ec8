"""`cbi status`: the bucket x source coverage states, read from `marts.bucket_coverage`.

The table is computed by dbt (one definition of coverage). `coverage_states` reads it into
states (dataclasses, in the bucket order of seed `buckets`, column bucket_order); the
text `cbi status` prints and the report page's coverage table are both drawn from those
states (`cells`, `summary_lines`, `render_status`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Literal

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

# How far a source or bucket is from fresh: nothing to do, a gap the forecast works around
# (a stale source, a partial bucket), or one it goes without (a source never landed, a missing
# bucket, a bucket not trained).
Level = Literal["ok", "partial", "gap"]


@dataclass(frozen=True)
class SourceState:
    """One source of one bucket: its last rows and whether they are fresh."""

    source: str
    required: bool
    last_date: dt.date | None  # the last period a row describes
    published: dt.date | None  # when the last row became public
    rows_in_window: int
    fresh: bool
    landed: bool  # at least one feed expected and a row landed
    stale_feeds: str | None  # which feeds are stale, when the source is landed but not fresh

    @property
    def level(self) -> Level:
        if self.fresh:
            return "ok"
        return "partial" if self.landed else "gap"


@dataclass(frozen=True)
class BucketState:
    """A bucket's coverage: `covered` only when all its sources are fresh."""

    bucket: str
    status: str  # covered, partial or missing
    pct: float  # share of its sources that are fresh, 0..100
    missing: str | None  # the sources that are not fresh, comma-separated
    trained: bool  # its required sources are fresh, so its models train

    @property
    def level(self) -> Level:
        if not self.trained or self.status == "missing":
            return "gap"
        return "partial" if self.status == "partial" else "ok"


@dataclass(frozen=True)
class CoverageRow:
    """One line of the table: a bucket and one of its sources."""

    bucket: BucketState
    source: SourceState


@dataclass(frozen=True)
class Coverage:
    """The whole table: its rows in print order and the date it was computed for."""

    as_of: dt.date | None  # the last ZL trade date
    rows: tuple[CoverageRow, ...]

    @property
    def buckets(self) -> list[BucketState]:
        """Each bucket once, in table order."""
        return list({row.bucket.bucket: row.bucket for row in self.rows}.values())


def coverage_states(con: duckdb.DuckDBPyConnection, db_path: Path, command: str) -> Coverage:
    """The coverage states of `db_path` (open on `con`), shared by `cbi status`, `cbi report`
    and `cbi forecast` (cbi.view).

    Raises UserError (shown as one line by the CLI) when the coverage model does not exist
    yet, saying which command creates it.
    """
    try:
        records = con.execute(COVERAGE_QUERY).fetchall()
    except (duckdb.CatalogException, duckdb.BinderException) as exc:
        # Binder: a table built by an older version of the project (a column is missing).
        raise UserError(
            f"{command}: {db_path} has no current marts.bucket_coverage; run `cbi build` first"
        ) from exc
    rows = tuple(
        CoverageRow(
            bucket=BucketState(bucket, status, float(pct), missing, bool(trained)),
            source=SourceState(
                source=source,
                required=bool(required),
                last_date=last_date,
                published=published,
                rows_in_window=int(rows_in_window),
                fresh=bool(fresh),
                landed=bool(feeds_expected) and last_date is not None,
                stale_feeds=stale_feeds,
            ),
        )
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
        ) in records
    )
    return Coverage(as_of=records[0][-1] if records else None, rows=rows)


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


def source_words(state: SourceState) -> str:
    """'fresh', 'STALE: <feeds>' or 'MISSING (not landed), <how to land it>'."""
    if state.fresh:
        return "fresh"
    if not state.landed:
        hint = landing_hints().get(state.source)
        return "MISSING (not landed)" + (f", {hint}" if hint else "")
    return f"STALE: {state.stale_feeds}"


def bucket_words(state: BucketState) -> str:
    """'partial 33 % (missing nopa, usda_wasde)', with ', not trained' when it is not."""
    text = f"{state.status} {state.pct:.0f} %" + (
        f" (missing {state.missing})" if state.missing else ""
    )
    return text + ("" if state.trained else ", not trained")


def cells(row: CoverageRow) -> tuple[str, ...]:
    """The row as text, in HEADERS order."""
    source = row.source
    return (
        row.bucket.bucket,
        source.source,
        "yes" if source.required else "optional",
        source.last_date.isoformat() if source.last_date else "-",
        source.published.isoformat() if source.published else "-",
        f"{source.rows_in_window:,}",
        source_words(source),
        bucket_words(row.bucket),
    )


def levels(row: CoverageRow) -> tuple[Level, ...]:
    """How far each cell of `cells(row)` is from fresh (only the last two can be)."""
    plain: list[Level] = ["ok"] * (len(HEADERS) - 2)
    return (*plain, row.source.level, row.bucket.level)


def summary_lines(coverage: Coverage) -> list[str]:
    """What the table means, then the buckets covered and trained, in three lines."""
    buckets = coverage.buckets
    by_status = {
        status: [f"{b.bucket} {b.pct:.0f} %" for b in buckets if b.status == status]
        for status in ("covered", "partial", "missing")
    }
    untrained = [b.bucket for b in buckets if not b.trained]
    as_of = coverage.as_of.isoformat() if coverage.as_of else "-"
    return [
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


def _format_table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in [HEADERS, *rows]) for i in range(len(HEADERS))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(HEADERS, widths, strict=True))]
    lines.append("  ".join("-" * width for width in widths))
    for row in rows:
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    return "\n".join(line.rstrip() for line in lines)


def format_status(coverage: Coverage) -> str:
    """The coverage table as text: one line per bucket and source, then a summary."""
    table = _format_table([cells(row) for row in coverage.rows])
    return "\n".join([table, "", *summary_lines(coverage)])


def render_status(db_path: Path) -> str:
    """`cbi status`: the coverage states of `db_path`, as text (a read-only connection, so it
    runs while nothing else holds the database for writing)."""
    con = connect_read_only(db_path, "status")
    try:
        return format_status(coverage_states(con, db_path, "status"))
    finally:
        con.close()
