"""`cbi status`: the bucket x source coverage table, read from `marts.bucket_coverage`.

The table is computed by dbt (one definition of coverage); this module only prints it, in the
bucket order of seed `buckets` (column bucket_order), on a read-only connection so it can run
while nothing else holds the database for writing.
"""

from __future__ import annotations

from pathlib import Path

import duckdb

from common.db import connect_read_only
from common.errors import UserError

COVERAGE_QUERY = """
select
    bucket,
    source,
    required_for_training,
    last_available_date,
    rows_last_30d,
    source_covered,
    bucket_covered,
    coverage_as_of
from marts.bucket_coverage
order by bucket_order, required_for_training desc, source
"""

HEADERS = ("bucket", "source", "required", "last date", "rows 30d", "source is", "bucket is")


def _mark(flag: bool) -> str:
    return "covered" if flag else "MISSING"


def _format_table(rows: list[tuple[str, ...]]) -> str:
    widths = [max(len(row[i]) for row in [HEADERS, *rows]) for i in range(len(HEADERS))]
    lines = ["  ".join(cell.ljust(width) for cell, width in zip(HEADERS, widths, strict=True))]
    lines.append("  ".join("-" * width for width in widths))
    for row in rows:
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
    return "\n".join(line.rstrip() for line in lines)


def render_status(db_path: Path) -> str:
    """The coverage table of `db_path` as text: one line per bucket and source, then a summary.

    Raises UserError (shown as one line by the CLI) when the database or the coverage model
    does not exist yet, saying which command creates it.
    """
    con = connect_read_only(db_path, "status")
    try:
        records = con.execute(COVERAGE_QUERY).fetchall()
    except (duckdb.CatalogException, duckdb.BinderException) as exc:
        # Binder: a table built by an older version of the project (a column is missing).
        raise UserError(
            f"status: {db_path} has no current marts.bucket_coverage; run `cbi build` first"
        ) from exc
    finally:
        con.close()

    rows = [
        (
            bucket,
            source,
            "yes" if required else "optional",
            last_date.isoformat() if last_date else "-",
            f"{rows_30d:,}",
            _mark(source_covered),
            _mark(bucket_covered) + ("" if bucket_covered else " (not trained)"),
        )
        for (
            bucket,
            source,
            required,
            last_date,
            rows_30d,
            source_covered,
            bucket_covered,
            _,
        ) in records
    ]
    buckets = {record[0]: record[6] for record in records}
    covered = sorted(bucket for bucket, flag in buckets.items() if flag)
    uncovered = sorted(bucket for bucket, flag in buckets.items() if not flag)
    as_of = records[0][7].isoformat() if records and records[0][7] else "-"
    summary = [
        f"Coverage as of {as_of} (last ZL trade date; window 30 days before it)",
        f"Buckets covered: {len(covered)}/{len(buckets)}"
        + (f"; uncovered: {', '.join(uncovered)}" if uncovered else ""),
    ]
    return "\n".join([_format_table(rows), "", *summary])
