"""NOPA monthly soybean crush: soybeans crushed, soybean oil stocks and oil yield of members.

NOPA (National Oilseed Processors Association) publishes its members' U.S. totals in a monthly
press release (a PDF table, about the 15th of the month after) and no machine-readable file,
and no real copy of the table exists in our data (../shared/data/PROVENANCE.md, "Not
collected at all"). `cbi ingest nopa` reads the release's U.S. totals transcribed to one CSV
layout, one line per data month, in the units the release prints:

    month,release_date,soybeans_crushed_1000_bu,soybean_oil_stocks_1000_lb,oil_yield_lb_per_bu
    2024-10,2024-11-15,199959,1068826,11.86

`release_date` may be blank: the release is then taken as NOPA's rule, the 15th of the month
after (the next business day when the 15th is not one). available_at = the release date at
12:00 US Eastern (NOPA releases at 11:00 Central). A month restated by a later release takes
that later release's instant (never earlier than the figures it holds were public). Test
fixtures in this layout are named constructed_*; nothing is bundled in the snapshot.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import re
from functools import partial
from pathlib import Path

import duckdb
import pandas as pd

from common import release
from common.errors import ExtractorError
from extractors import tabular
from extractors.core import merge_rows
from extractors.declaration import Column, Coverage, Freshness, Source, Table

log = logging.getLogger(__name__)

SOURCE = "nopa"
COMMAND = "nopa"
URL_VARIABLE = "NOPA_URL"

COLUMNS = (
    "month",
    "release_date",
    "soybeans_crushed_1000_bu",
    "soybean_oil_stocks_1000_lb",
    "oil_yield_lb_per_bu",
)
RELEASE_DAY = 15
RELEASE_TIME = dt.time(12, 0)  # US Eastern
# A release this many days after the end of its month or later is not the monthly report.
MAX_RELEASE_DELAY_DAYS = 45
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


CRUSH = Table(
    name="nopa_crush",
    description="One row per data month of NOPA's U.S. totals, in the units NOPA prints.",
    columns=(
        Column(
            "report_month", "date", "First day of the month the figures describe.", nullable=False
        ),
        Column(
            "soybeans_crushed_1000_bu",
            "double",
            "Soybeans crushed by members in the month, thousand bushels.",
            nullable=False,
            min_value=0,
            max_value=400_000,
        ),
        Column(
            "soybean_oil_stocks_1000_lb",
            "double",
            "Members' soybean oil stocks at the end of the month, thousand pounds.",
            nullable=False,
            min_value=0,
            max_value=5_000_000,
        ),
        Column(
            "oil_yield_lb_per_bu",
            "double",
            "Soybean oil produced per bushel crushed, pounds.",
            nullable=False,
            min_value=9,
            max_value=14,
        ),
        Column(
            "release_date",
            "date",
            "The day of the release that published the month (given, or NOPA's rule).",
            nullable=False,
        ),
        Column("available_at", "timestamptz", "{{ doc('nopa_available_at') }}", nullable=False),
    ),
    key=("report_month",),
    period_column="report_month",
    published_column="available_at",
    dating_columns=("release_date",),
)
TABLE = CRUSH.qualified


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create raw.nopa_crush if it does not exist yet."""
    DECLARATION.create_tables(con)


def rule_release(months: pd.Series) -> pd.Series:
    """NOPA's release day of each data month: the 15th of the month after, or the next
    business day when that is a weekend or federal holiday."""
    fifteenth = (
        pd.to_datetime(months) + pd.offsets.MonthBegin(1) + pd.Timedelta(days=RELEASE_DAY - 1)
    )
    return release.business_days_after(pd.Series(fifteenth.dt.date, index=months.index), 0)


def parse_csv(text: str, where: str) -> pd.DataFrame:
    """The transcribed table as raw rows; a release date outside the month after is refused."""
    frame = tabular.read_csv(text, SOURCE, where, COLUMNS)
    tabular.require_values(frame, "month", SOURCE, where, _MONTH)
    months = pd.Series(pd.to_datetime(frame["month"] + "-01").dt.date, index=frame.index)
    given = frame["release_date"] != ""
    released = rule_release(months)
    if given.any():
        released.loc[given] = tabular.parse_dates(
            frame.loc[given], "release_date", SOURCE, where, "%Y-%m-%d"
        )
    month_end = pd.to_datetime(months) + pd.offsets.MonthEnd(0)
    delay = (pd.to_datetime(released) - month_end).dt.days
    bad = (delay <= 0) | (delay >= MAX_RELEASE_DELAY_DAYS)
    if bad.any():
        row = frame.loc[bad].iloc[0]
        raise ExtractorError(
            f"{SOURCE}: {where}: field 'release_date' at line {row['_line']} is "
            f"{row['release_date']!r}, not after the end of month {row['month']} (within "
            f"{MAX_RELEASE_DELAY_DAYS} days): a month's figures are released the month after"
        )
    rows = pd.DataFrame(
        {
            "report_month": months,
            **{
                column: tabular.parse_numbers(frame, column, SOURCE, where)
                for column in COLUMNS[2:]
            },
            "release_date": released,
        }
    )
    rows["available_at"] = release.at_local_time(rows["release_date"], RELEASE_TIME)
    return rows


def land_text(con: duckdb.DuckDBPyConnection, text: str, where: str, name: str) -> int:
    """Parse one file's text and land it; return the rows written."""
    ensure_tables(con)
    rows = parse_csv(text, where).assign(source=name, loaded_at=pd.Timestamp.now(tz="UTC"))
    return merge_rows(con, TABLE, rows)


def import_path(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Import a transcribed NOPA CSV, or every .csv file of a folder; each is one load."""
    ensure_tables(con)
    items = []
    for file in tabular.files_to_import(Path(path), SOURCE, (".csv",)):

        def load(file: Path = file) -> int:
            text = tabular.decode_text(file.read_bytes(), SOURCE, str(file))
            return land_text(con, text, file.name, file.name)

        items.append((file.name, TABLE, load))
    return tabular.import_each(con, SOURCE, items, str(path))


def pull(con: duckdb.DuckDBPyConnection, url: str) -> int:
    """Download a file in the transcribed layout and land it (one recorded load)."""
    ensure_tables(con)
    return tabular.download_each(con, SOURCE, [url], partial(land_text, con), lambda name: TABLE)


def update(con: duckdb.DuckDBPyConnection) -> int:
    """The daily pull: the file NOPA_URL serves (months already landed change nothing)."""
    url = os.environ.get(URL_VARIABLE, "").strip()
    if not url:
        raise ExtractorError(f"{SOURCE}: set {URL_VARIABLE} to the URL of the NOPA table file")
    return pull(con, url)


# No real NOPA table exists in ../shared/data: the offline build has no NOPA rows, Crush says so.
cut_snapshot = tabular.bundles_nothing(SOURCE, "NOPA table")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of `cbi ingest nopa`."""
    parser.add_argument(
        "--from-file", metavar="PATH", help="a transcribed NOPA table (.csv), or a folder"
    )
    parser.add_argument(
        "--url", help=f"download a file in that layout (live; default ${URL_VARIABLE})"
    )


def ingest(con: duckdb.DuckDBPyConnection, args: argparse.Namespace) -> int:
    """`cbi ingest nopa`: import a file or folder, or download --url / NOPA_URL."""
    if args.from_file:
        return import_path(con, Path(args.from_file))
    url = args.url or os.environ.get(URL_VARIABLE, "").strip()
    if not url:
        raise ExtractorError(
            f"{SOURCE}: give --from-file PATH, or --url URL (or set {URL_VARIABLE})"
        )
    return pull(con, url)


DECLARATION = Source(
    name=SOURCE,
    command=COMMAND,
    help="NOPA monthly soybean crush, soybean oil stocks and oil yield (press-release table)",
    description=(
        "Import NOPA's monthly U.S. totals transcribed to CSV (month,release_date,"
        "soybeans_crushed_1000_bu,soybean_oil_stocks_1000_lb,oil_yield_lb_per_bu; --from-file "
        "FILE or FOLDER), or download such a file (--url URL, or NOPA_URL)."
    ),
    docs="{{ doc('nopa_source_note') }}",
    tables=(CRUSH,),
    # No public file: `cbi daily` pulls only when a URL is configured.
    credential=URL_VARIABLE,
    cadence="monthly (about the 15th of the month after)",
    publication="the release date (given, else the 15th of the month after) at 12:00 US Eastern",
    freshness=Freshness(warn_after_days=40, error_after_days=70),
    # One missed monthly release makes it stale.
    coverage=Coverage(window_days=45, buckets={"crush": False}),
    parsers={"csv": parse_csv},
    add_arguments=add_arguments,
    ingest=ingest,
    import_path=import_path,
    cut_snapshot=cut_snapshot,
    update=update,
)
