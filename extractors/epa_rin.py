"""EPA EMTS public data (Renewable Fuel Standard): weekly RIN prices and monthly RIN generation.

These are EPA data (EPA Moderated Transaction System), not EIA data: the earlier system filed
them under `raw.eia_petroleum`. Two formats, each read by one parser whether the file comes
from `--from-file` or from a download:

- the "RIN Trades and Price Information" dashboard's Export Table CSV (header
  `Transfer Date by Week,Transfer Year,RIN Year,Fuel (D Code),QAP Service Type,RIN Price`,
  every field quoted, `M/D/YYYY` Monday dates, prices like `"$1.64"`): every row is kept, one
  per week x transfer year x RIN year x D-code x QAP type, in `raw.epa_rin_prices` (staging
  picks one price per week and D-code);
- the monthly `generationbreakout_<mon><yyyy>.csv` (`RIN_YEAR,Fuel Code,DOMESTIC,IMPORTER,
  Foreign Generation,Total RINs`, RIN counts): each file restates every RIN year, so every
  vintage is kept, keyed by the month in the file name, in `raw.epa_rin_generation`.

available_at: EPA updates these data once a month. A month's data (RIN generation through that
month; prices of the weeks ending in it) count as public at the update in the month after,
assumed on day UPDATE_DAY at 17:00 US Eastern; see models/staging/epa_rin/_epa_rin__docs.md.
A file named `generationbreakout_jan2025.csv` holds RIN year 2025 generation of about one
month, so its month is the last month of data, published in the month after.

Live mode downloads files by URL (`--url`, or `--month` with EPA_RIN_BASE_URL, the folder that
serves `generationbreakout_<mon><yyyy>.csv`). EPA publishes no stable download URL for either
file (the price export is a dashboard button), so no default is built in.
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
from common.validate import arguments_of, year_month
from extractors import tabular
from extractors.core import merge_rows
from extractors.declaration import Column, Coverage, Freshness, Source, Table

log = logging.getLogger(__name__)

SOURCE = "epa_rin"
COMMAND = "epa-rin"
BASE_URL_VARIABLE = "EPA_RIN_BASE_URL"


PRICE_COLUMNS = (
    "Transfer Date by Week",
    "Transfer Year",
    "RIN Year",
    "Fuel (D Code)",
    "QAP Service Type",
    "RIN Price",
)
GENERATION_COLUMNS = (
    "RIN_YEAR",
    "Fuel Code",
    "DOMESTIC",
    "IMPORTER",
    "Foreign Generation",
    "Total RINs",
)
GENERATION_NAME = re.compile(r"generationbreakout_([a-z]{3})(\d{4})\.csv", re.IGNORECASE)
_YEAR = re.compile(r"\d{4}")
_D_CODE = re.compile(r"D[3-7]")
_FUEL_CODE = re.compile(r"[3-7]")
_QAP = re.compile(r"\S.*")

# The monthly EMTS update: day of the month and local time it is assumed public by.
UPDATE_DAY = 20
UPDATE_TIME = dt.time(17, 0)
UPDATE_ZONE = release.NEW_YORK


_AVAILABLE_AT = Column(
    "available_at", "timestamptz", "{{ doc('epa_rin_available_at') }}", nullable=False
)
PRICES = Table(
    name="epa_rin_prices",
    description=(
        'EPA\'s "RIN Trades and Price Information" export as published: one row per week '
        "(Monday), transfer year, RIN year (vintage), D-code and QAP service type. Weekly "
        "volume-weighted average price of separated RINs, US dollars per RIN. The export has "
        "no vintage: a later export that restates a week overwrites it."
    ),
    columns=(
        Column(
            "week_start_date",
            "date",
            'Monday of the transfer week ("Transfer Date by Week").',
            nullable=False,
        ),
        Column(
            "transfer_year",
            "integer",
            "Calendar year of the transfers (a week spanning New Year has both).",
            nullable=False,
        ),
        Column("rin_year", "integer", "RIN year (the vintage of the RINs traded).", nullable=False),
        Column(
            "d_code",
            "varchar",
            "RIN type, D3 cellulosic, D4 biomass-based diesel, D5 advanced, D6 renewable "
            "(ethanol), D7 cellulosic diesel.",
            nullable=False,
        ),
        Column(
            "qap_service_type",
            "varchar",
            "Q-RIN (verified under a Quality Assurance Plan) or Unverified.",
            nullable=False,
        ),
        Column(
            "price_usd_per_rin",
            "double",
            "Weekly average price, US dollars per RIN.",
            nullable=False,
            min_value=0,
            max_value=10,
        ),
        _AVAILABLE_AT,
    ),
    key=("week_start_date", "transfer_year", "rin_year", "d_code", "qap_service_type"),
    period_column="week_start_date",
    published_column="available_at",
)
_RINS = "RINs generated in the RIN year, as known at the vintage"
GENERATION = Table(
    name="epa_rin_generation",
    description=(
        "EPA's monthly generationbreakout_<mon><yyyy>.csv files, every vintage kept: one row "
        "per vintage month (from the file name; the file holds data through that month), RIN "
        "year and D-code (fuel_code 3..7). Each file restates every RIN year."
    ),
    columns=(
        Column(
            "vintage_month",
            "date",
            "First day of the month in the file name, the last month of data.",
            nullable=False,
        ),
        Column("rin_year", "integer", "RIN year (the vintage of the RINs).", nullable=False),
        Column(
            "fuel_code", "integer", "D-code digit, 3..7.", nullable=False, min_value=3, max_value=7
        ),
        Column("domestic_rins", "bigint", f"{_RINS}: domestic producers.", nullable=False),
        Column("importer_rins", "bigint", f"{_RINS}: importers.", nullable=False),
        Column(
            "foreign_generation_rins", "bigint", f"{_RINS}: foreign generation.", nullable=False
        ),
        Column("total_rins", "bigint", f"{_RINS}.", nullable=False),
        _AVAILABLE_AT,
    ),
    key=("vintage_month", "rin_year", "fuel_code"),
    period_column="vintage_month",
    published_column="available_at",
)
PRICES_TABLE = PRICES.qualified
GENERATION_TABLE = GENERATION.qualified


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw EPA tables if they do not exist yet."""
    DECLARATION.create_tables(con)


def update_after(month: pd.Series) -> pd.Series:
    """The EMTS update that first publishes data of `month` (any date in it): UTC instants.

    Day UPDATE_DAY of the following month at UPDATE_TIME US Eastern.
    """
    first_day = pd.to_datetime(month).dt.to_period("M").dt.start_time
    local = (
        first_day
        + pd.DateOffset(months=1)
        + pd.Timedelta(days=UPDATE_DAY - 1, hours=UPDATE_TIME.hour, minutes=UPDATE_TIME.minute)
    )
    return local.dt.tz_localize(UPDATE_ZONE).dt.tz_convert("UTC")


def parse_prices(text: str, where: str) -> pd.DataFrame:
    """The RIN price export as raw.epa_rin_prices rows (every row kept, nothing aggregated).

    A week's available_at is the update after the month of its last day (Sunday), so a week
    that straddles two months waits for the later month's update.
    """
    frame = tabular.read_csv(text, SOURCE, where, PRICE_COLUMNS)
    week = tabular.parse_dates(frame, "Transfer Date by Week", SOURCE, where, "%m/%d/%Y")
    not_monday = pd.Series([d.weekday() != 0 for d in week], index=frame.index)
    if not_monday.any():
        bad = frame.loc[not_monday].iloc[0]
        raise ExtractorError(
            f"{SOURCE}: {where}: field 'Transfer Date by Week' at line {bad['_line']} is "
            f"{bad['Transfer Date by Week']!r}, not a Monday (weeks start on Monday)"
        )
    rows = pd.DataFrame(
        {
            "week_start_date": week,
            "transfer_year": tabular.parse_numbers(
                frame, "Transfer Year", SOURCE, where, _YEAR
            ).astype("int32"),
            "rin_year": tabular.parse_numbers(frame, "RIN Year", SOURCE, where, _YEAR).astype(
                "int32"
            ),
            "d_code": tabular.require_values(frame, "Fuel (D Code)", SOURCE, where, _D_CODE),
            "qap_service_type": tabular.require_values(
                frame, "QAP Service Type", SOURCE, where, _QAP
            ),
            "price_usd_per_rin": tabular.parse_numbers(
                frame, "RIN Price", SOURCE, where, tabular.DOLLARS
            ),
        }
    )
    rows["available_at"] = update_after(
        pd.to_datetime(rows["week_start_date"]) + pd.Timedelta(6, "D")
    )
    return rows


def parse_generation(text: str, where: str, name: str) -> pd.DataFrame:
    """A generationbreakout_<mon><yyyy>.csv as raw.epa_rin_generation rows of that vintage."""
    vintage = tabular.month_in_name(name, GENERATION_NAME, SOURCE)
    frame = tabular.read_csv(text, SOURCE, where, GENERATION_COLUMNS)
    rows = pd.DataFrame(
        {
            "vintage_month": vintage,
            "rin_year": tabular.parse_numbers(frame, "RIN_YEAR", SOURCE, where, _YEAR),
            "fuel_code": tabular.parse_numbers(frame, "Fuel Code", SOURCE, where, _FUEL_CODE),
            "domestic_rins": tabular.parse_numbers(
                frame, "DOMESTIC", SOURCE, where, tabular.INTEGER
            ),
            "importer_rins": tabular.parse_numbers(
                frame, "IMPORTER", SOURCE, where, tabular.INTEGER
            ),
            "foreign_generation_rins": tabular.parse_numbers(
                frame, "Foreign Generation", SOURCE, where, tabular.INTEGER
            ),
            "total_rins": tabular.parse_numbers(
                frame, "Total RINs", SOURCE, where, tabular.INTEGER
            ),
        }
    )
    for column in ("rin_year", "fuel_code"):
        rows[column] = rows[column].astype("int32")
    for column in ("domestic_rins", "importer_rins", "foreign_generation_rins", "total_rins"):
        rows[column] = rows[column].astype("int64")
    late = rows["rin_year"] > vintage.year
    if late.any():
        raise ExtractorError(
            f"{SOURCE}: {where}: RIN year {int(rows.loc[late, 'rin_year'].iloc[0])} is after "
            f"the file's month {vintage:%Y-%m}; is the file name right?"
        )
    rows["available_at"] = update_after(pd.Series([vintage] * len(rows)))
    return rows


def kind_of(name: str, text: str) -> str | None:
    """'generation' or 'prices' for a file epa-rin reads, by name then by header; else None."""
    if GENERATION_NAME.fullmatch(name):
        return "generation"
    if tabular.header_of(text)[:1] == [PRICE_COLUMNS[0]]:
        return "prices"
    return None


def land_text(con: duckdb.DuckDBPyConnection, text: str, where: str, name: str) -> int:
    """Parse one file's text (kind from its name or header) and land it; return rows written."""
    kind = kind_of(name, text)
    if kind is None:
        raise ExtractorError(
            f"{SOURCE}: {where} is neither a RIN price export (header starting "
            f"'{PRICE_COLUMNS[0]}') nor a generationbreakout_<mon><yyyy>.csv file"
        )
    ensure_tables(con)
    if kind == "generation":
        rows, table = parse_generation(text, where, name), GENERATION_TABLE
    else:
        rows, table = parse_prices(text, where), PRICES_TABLE
    rows["source"] = name
    rows["loaded_at"] = pd.Timestamp.now(tz="UTC")
    return merge_rows(con, table, rows)


def _target(name: str) -> str:
    return GENERATION_TABLE if GENERATION_NAME.fullmatch(name) else PRICES_TABLE


def import_path(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Import a file, or every price export and generationbreakout file in a folder.

    Other CSV files in a folder (fuelproduction_*, available_RINS.csv) are skipped with a log
    line; a file given by name must be one of the two formats. Each file is one recorded load.
    """
    path = Path(path)
    ensure_tables(con)
    items = []
    for file in tabular.files_to_import(path, SOURCE, (".csv",)):
        data = file.read_bytes()
        if path.is_dir() and not GENERATION_NAME.fullmatch(file.name):
            head = data[:200].decode("utf-8-sig", errors="replace")
            if tabular.header_of(head)[:1] != [PRICE_COLUMNS[0]]:
                log.info("%s: %s is not a format epa-rin lands; skipped", SOURCE, file.name)
                continue

        def land(file: Path = file, data: bytes = data) -> int:
            text = tabular.decode_text(data, SOURCE, str(file))
            return land_text(con, text, file.name, file.name)

        items.append((file.name, _target(file.name), land))
    if not items:
        raise ExtractorError(f"{SOURCE}: no RIN price export or generationbreakout file in {path}")
    return tabular.import_each(con, SOURCE, items, str(path))


def month_url(month: str) -> str:
    """The download URL of the generationbreakout file of `month` (YYYY-MM)."""
    first = year_month(month)
    base = os.environ.get(BASE_URL_VARIABLE, "").strip().rstrip("/")
    if not base:
        raise ExtractorError(
            f"{SOURCE}: set {BASE_URL_VARIABLE} to the folder that serves "
            "generationbreakout_<mon><yyyy>.csv (EPA publishes no stable URL), or pass --url"
        )
    return f"{base}/generationbreakout_{tabular.MONTHS[first.month - 1]}{first.year}.csv"


def pull(con: duckdb.DuckDBPyConnection, urls: list[str]) -> int:
    """Download each URL and land it through the file parsers; return the rows written.

    The file name (for the generation vintage) is the last part of the URL's path.
    """
    ensure_tables(con)
    return tabular.download_each(con, SOURCE, urls, partial(land_text, con), _target)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of `cbi ingest epa-rin`."""
    parser.add_argument(
        "--from-file",
        metavar="PATH",
        help="a RIN price export / generationbreakout CSV, or a folder",
    )
    parser.add_argument(
        "--url", action="append", default=[], help="download this EPA CSV (repeatable; live)"
    )
    parser.add_argument(
        "--month",
        action="append",
        default=[],
        help=f"download generationbreakout_<mon><yyyy>.csv of YYYY-MM from ${BASE_URL_VARIABLE}",
    )


def ingest(con: duckdb.DuckDBPyConnection, args: argparse.Namespace) -> int:
    """`cbi ingest epa-rin`: import a file or folder, or download the given URLs / months."""
    if args.from_file:
        return import_path(con, Path(args.from_file))
    with arguments_of(SOURCE):
        urls = list(args.url) + [month_url(month) for month in args.month]
    if not urls:
        raise ExtractorError(f"{SOURCE}: give --from-file PATH, or --url URL / --month YYYY-MM")
    return pull(con, urls)


def update(con: duckdb.DuckDBPyConnection, now: pd.Timestamp | None = None) -> int:
    """The daily pull: the generationbreakout file of the latest month EPA has published.

    That is the last month whose update (UPDATE_DAY of the month after) has passed; a month
    already landed lands again with no change. RIN prices have no download URL to follow.
    """
    now = now or pd.Timestamp.now(tz="UTC")
    month = (now.tz_convert(UPDATE_ZONE).tz_localize(None).to_period("M") - 1).to_timestamp()
    if update_after(pd.Series([month])).iloc[0] > now:
        month = (month.to_period("M") - 1).to_timestamp()
    return pull(con, [month_url(f"{month:%Y-%m}")])


SNAPSHOT_D_CODES = ("D4", "D6")
SNAPSHOT_PRICES = "RIN_prices_2016-12-26_to_2022-11-21_complete.csv"


def cut_snapshot(shared: Path, destination: Path) -> None:
    """Copy the real EPA files the models use into `destination`, trimmed to D4 and D6 lines.

    The complete RIN price export and every generationbreakout_<mon><yyyy>.csv; lines of
    other D-codes are dropped, every kept line is unchanged (bytes, quotes, CRLF/LF).
    """
    folder = Path(shared) / "epa_rin"
    sources = [folder / "rin_prices" / SNAPSHOT_PRICES]
    sources += sorted((folder / "emts_public_data").glob("generationbreakout_*.csv"))
    destination.mkdir(parents=True, exist_ok=True)
    for old in destination.glob("*.csv"):
        old.unlink()
    for source_file in sources:
        lines = source_file.read_bytes().splitlines(keepends=True)
        generation = GENERATION_NAME.fullmatch(source_file.name) is not None
        kept = [lines[0]] + [line for line in lines[1:] if _snapshot_line(line, generation)]
        (destination / source_file.name).write_bytes(b"".join(kept))
        log.info("snapshot: %s: %d of %d lines", source_file.name, len(kept), len(lines))


def _snapshot_line(line: bytes, generation: bool) -> bool:
    fields = line.decode("ascii").strip().split(",")
    if generation:
        return f"D{fields[1]}" in SNAPSHOT_D_CODES
    return fields[3].strip('"') in SNAPSHOT_D_CODES


DECLARATION = Source(
    name=SOURCE,
    command=COMMAND,
    help="EPA RFS (EMTS) weekly RIN prices and monthly RIN generation",
    description=(
        "Import EPA's RIN price export CSV and generationbreakout_<mon><yyyy>.csv files "
        "(--from-file FILE or FOLDER), or download them (--url URL, or --month YYYY-MM with "
        "EPA_RIN_BASE_URL)."
    ),
    docs=(
        "EPA Renewable Fuel Standard public data from the EPA Moderated Transaction System "
        "(EMTS), landed by `cbi ingest epa-rin` (extractors/epa_rin.py). These are EPA data, "
        "not EIA data: the earlier system filed them under raw.eia_petroleum. "
        "{{ doc('epa_rin_available_at') }}"
    ),
    tables=(PRICES, GENERATION),
    # No key: `cbi daily` calls update() only when the download folder is configured.
    credential=BASE_URL_VARIABLE,
    cadence="monthly (the EMTS update, about the 20th)",
    publication=(
        f"day {UPDATE_DAY} of the month after the data's month at {UPDATE_TIME:%H:%M} US Eastern"
    ),
    freshness=Freshness(warn_after_days=45, error_after_days=90),
    # Monthly updates, around the 20th of the month after: two months between updates.
    coverage=Coverage(window_days=75, buckets={"biofuel": False}),
    parsers={"prices": parse_prices, "generation": parse_generation},
    add_arguments=add_arguments,
    ingest=ingest,
    import_path=import_path,
    cut_snapshot=cut_snapshot,
    update=update,
)
