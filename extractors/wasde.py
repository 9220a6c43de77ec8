"""USDA WASDE and PSD supply and use estimates for soybeans, soybean oil and soybean meal.

Four formats land in one table, `raw.usda_wasde`, one row per format (`dataset`), report
month, table, region, commodity, attribute and marketing year, each value in the unit the
publisher prints (`unit`; staging converts):

- `xls`: the monthly WASDE Excel workbook (extractors.wasde_xls: Page 15 and the world soybean
  pages, this month's value and the previous month's projection);
- `oce`: the USDA OCE machine-readable WASDE CSV (also inside USDA's zipped archives of many
  reports, extractors.wasde_oce) `oce-wasde-report-data-YYYY-MM.csv`
  (`WasdeNumber,ReportDate,ReportTitle,Attribute,ReliabilityProjection,Commodity,Region,
  MarketYear,ProjEstFlag,AnnualQuarterFlag,Value,Unit,ReleaseDate,ReleaseTime,ForecastYear,
  ForecastMonth`; a file without its header line, as one of our samples is, is read by column
  position). Only the four soybean tables are landed (SOY_TABLES): the U.S. table in million
  bushels / million pounds / thousand short tons, the world tables in million metric tons.
- `psd`: the FAS PSD CSV (`commodityCode,countryCode,marketYear,calendarYear,month,
  attributeId,unitId,commodityName,attributeName,unitDescription,countryName,regionName,
  value`), the commodities of PSD_COMMODITIES, values in `unitDescription` (1000 MT).
- `text`: the WASDE text table "U.S. Soybeans and Products Supply and Use (Domestic Measure)"
  (extractors.wasde_text: a .txt copy of the release, read into the OCE names of that table).

available_at is the WASDE release, never the month the estimate is about: OCE rows carry
their ReleaseDate and ReleaseTime (US Eastern); a text table its date (12:00 Eastern, the
WASDE release time); a PSD file only its month, released with that month's WASDE: the date of
seed `wasde_release_dates`, or, for a month not listed there, the last day of the month at
12:00 Eastern (never earlier than the release; see models/staging/usda_wasde/).

Live: `--month YYYY-MM` downloads the OCE CSV of that report from WASDE_BASE_URL (no key).
The FAS PSD API (USDA_FAS_API_KEY) is not pulled: no sample of its JSON answer exists, and the
OCE CSV carries the same world estimates.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import logging
import os
import re
import shutil
import zipfile
from functools import partial
from pathlib import Path

import duckdb
import pandas as pd

from common import release
from common.db import scalar
from common.errors import ExtractorError
from common.project import read_seed
from common.validate import arguments_of, year_month
from extractors import tabular, wasde_oce, wasde_text, wasde_xls
from extractors.core import merge_rows
from extractors.declaration import Column, Coverage, Freshness, Source, Table

log = logging.getLogger(__name__)

SOURCE = "usda_wasde"
COMMAND = "wasde"
BASE_URL_VARIABLE = "WASDE_BASE_URL"
DEFAULT_BASE_URL = "https://www.usda.gov/sites/default/files/documents"
OCE_FILE = "oce-wasde-report-data-{month:%Y-%m}.csv"

PSD_COLUMNS = (
    "commodityCode",
    "countryCode",
    "marketYear",
    "calendarYear",
    "month",
    "attributeId",
    "unitId",
    "commodityName",
    "attributeName",
    "unitDescription",
    "countryName",
    "regionName",
    "value",
)
US_TABLE = "U.S. Soybeans and Products Supply and Use (Domestic Measure)"
SOY_TABLES = (
    US_TABLE,
    "World Soybean Supply and Use",
    "World Soybean Oil Supply and Use",
    "World Soybean Meal Supply and Use",
)
PSD_TABLE = "PSD"
PSD_COMMODITIES = {
    "2222000": "Oilseed, Soybean",
    "4232000": "Oil, Soybean",
    "0813100": "Meal, Soybean",
}
RELEASE_TIME = dt.time(12, 0)  # US Eastern, every WASDE
_PSD_CODE = re.compile(r"\d{7}")


ESTIMATES = Table(
    name="usda_wasde",
    description=(
        "One row per format (dataset), report month, table, region, commodity, attribute and "
        "marketing year, the value in the unit the publisher prints."
    ),
    columns=(
        Column("dataset", "varchar", "xls, oce, psd or text.", nullable=False),
        Column(
            "report_month",
            "date",
            "First day of the month of the WASDE (or PSD update) the row is from.",
            nullable=False,
        ),
        Column("table_name", "varchar", "The published table the row is from.", nullable=False),
        Column("region", "varchar", "Region or country, as published.", nullable=False),
        Column("commodity", "varchar", "Commodity, as published.", nullable=False),
        Column("attribute", "varchar", "Line item, e.g. Ending Stocks.", nullable=False),
        Column(
            "market_year",
            "varchar",
            "Marketing year the estimate is about, e.g. 2024/25.",
            nullable=False,
        ),
        Column("projection_flag", "varchar", "Est. or Proj. where the publisher flags it."),
        # plausible: under ten million of any published unit (world totals are in 1000 MT)
        Column(
            "value",
            "double",
            "The estimate, in unit.",
            nullable=False,
            min_value=-1e7,
            max_value=1e7,
        ),
        Column(
            "previous_value",
            "double",
            "The previous month's figure where printed.",
            min_value=-1e7,
            max_value=1e7,
        ),
        Column(
            "unit",
            "varchar",
            "The unit as published (Million Pounds, Million Bushels, Million Metric Tons, "
            "(1000 MT), ...).",
            nullable=False,
        ),
        Column("release_date", "date", "The day the report was released.", nullable=False),
        Column(
            "available_at", "timestamptz", "{{ doc('usda_wasde_available_at') }}", nullable=False
        ),
    ),
    key=(
        "dataset",
        "report_month",
        "table_name",
        "region",
        "commodity",
        "attribute",
        "market_year",
    ),
    period_column="report_month",
    published_column="available_at",
    dating_columns=("release_date",),
)
TABLE, KEY = ESTIMATES.qualified, ESTIMATES.key


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create raw.usda_wasde if it does not exist yet."""
    DECLARATION.create_tables(con)


def release_dates() -> dict[dt.date, dt.date]:
    """Report month (first day) -> WASDE release date, from seed wasde_release_dates."""
    return {
        dt.date.fromisoformat(row["report_month"]): dt.date.fromisoformat(row["release_date"])
        for row in read_seed("wasde_release_dates")
    }


def _market_year(start: int) -> str:
    return f"{start}/{(start + 1) % 100:02d}"


def _frame(rows: pd.DataFrame, dataset: str) -> pd.DataFrame:
    """Rows in the raw column order; available_at = release_date at `release_minutes` after
    midnight New York when the rows give it, else at the WASDE release time (12:00)."""
    minutes = rows.pop("release_minutes") if "release_minutes" in rows else None
    if minutes is None:
        rows["available_at"] = release.at_local_time(rows["release_date"], RELEASE_TIME)
    else:
        local = pd.to_datetime(rows["release_date"]) + pd.to_timedelta(minutes, unit="min")
        rows["available_at"] = local.dt.tz_localize(release.NEW_YORK).dt.tz_convert("UTC")
    rows = rows.assign(dataset=dataset)
    for column in ("projection_flag", "previous_value"):
        if column not in rows:
            rows[column] = None
    rows["previous_value"] = rows["previous_value"].astype("float64")
    columns = [*KEY, "projection_flag", "value", "previous_value", "unit", "release_date"]
    return rows[[*columns, "available_at"]].reset_index(drop=True)


def parse_oce(text: str, where: str) -> pd.DataFrame:
    """An OCE WASDE CSV (with or without its header line): the rows of SOY_TABLES."""
    return _frame(wasde_oce.parse_oce_rows(text, where, SOY_TABLES), "oce")


def parse_psd(text: str, where: str) -> pd.DataFrame:
    """A PSD CSV: the rows of PSD_COMMODITIES, released with the WASDE of their month."""
    frame = tabular.read_csv(text, SOURCE, where, PSD_COLUMNS)
    tabular.require_values(frame, "commodityCode", SOURCE, where, _PSD_CODE)
    frame = frame.loc[frame["commodityCode"].isin(PSD_COMMODITIES)]
    if frame.empty:
        raise ExtractorError(
            f"{SOURCE}: {where} holds none of the PSD commodities {', '.join(PSD_COMMODITIES)}"
        )
    start = tabular.parse_numbers(frame, "marketYear", SOURCE, where, tabular.INTEGER)
    year = tabular.parse_numbers(frame, "calendarYear", SOURCE, where, tabular.INTEGER)
    month = tabular.parse_numbers(frame, "month", SOURCE, where, tabular.INTEGER)
    bad_month = ~month.between(1, 12)
    if bad_month.any():
        bad = frame.loc[bad_month].iloc[0]
        raise ExtractorError(
            f"{SOURCE}: {where}: field 'month' at line {bad['_line']} is {bad['month']!r}, "
            "not a month 01-12"
        )
    report = [dt.date(int(y), int(m), 1) for y, m in zip(year, month, strict=True)]
    known = release_dates()
    released = [known.get(r) or _month_end(r) for r in report]
    rows = pd.DataFrame(
        {
            "report_month": report,
            "table_name": PSD_TABLE,
            "region": frame["countryName"],
            "commodity": frame["commodityName"],
            "attribute": frame["attributeName"],
            "market_year": [_market_year(int(y)) for y in start],
            "value": tabular.parse_numbers(frame, "value", SOURCE, where),
            "unit": frame["unitDescription"],
            "release_date": released,
        },
        index=frame.index,
    )
    return _frame(rows, "psd")


def _month_end(month: dt.date) -> dt.date:
    return (pd.Timestamp(month) + pd.offsets.MonthEnd(0)).date()


def parse_text_table(text: str, where: str) -> pd.DataFrame:
    """The WASDE text table "U.S. Soybeans and Products Supply and Use" as raw rows."""
    return _frame(wasde_text.parse_text_rows(text, where), "text")


def kind_of(name: str, text: str) -> str | None:
    """'oce', 'psd' or 'text' for a file this extractor reads (by header or title); else None."""
    first = tabular.header_of(text)
    if first[:1] == [PSD_COLUMNS[0]]:
        return "psd"
    if first[:1] == [wasde_oce.OCE_COLUMNS[0]] or (
        len(first) == len(wasde_oce.OCE_COLUMNS) and tabular.INTEGER.fullmatch(first[0] or "x")
    ):
        return "oce"
    if US_TABLE.split(" (")[0] in text[:300]:
        return "text"
    return None


PARSERS = {"oce": parse_oce, "psd": parse_psd, "text": parse_text_table}


def land_text(con: duckdb.DuckDBPyConnection, text: str, where: str, name: str) -> int:
    """Parse one file's text (format from its header or title) and land it; rows written."""
    kind = kind_of(name, text)
    if kind is None:
        raise ExtractorError(
            f"{SOURCE}: {where} is neither an OCE WASDE CSV "
            f"(header {wasde_oce.OCE_COLUMNS[0]},...), a "
            f"PSD CSV (header {PSD_COLUMNS[0]},...) nor the WASDE text table {US_TABLE!r}"
        )
    tabular.require_line_end(text, SOURCE, where)  # a cut text report too, not only a CSV
    ensure_tables(con)
    rows = PARSERS[kind](text, where).assign(source=name, loaded_at=pd.Timestamp.now(tz="UTC"))
    return merge_rows(con, TABLE, rows)


def parse_workbook(path: Path) -> pd.DataFrame:
    """A monthly WASDE Excel workbook (extractors.wasde_xls) as raw rows, dataset `xls`."""
    return _frame(wasde_xls.parse_workbook(path, release_dates()), "xls")


def parse_archive(path: Path) -> pd.DataFrame:
    """An OCE archive zip of many reports (extractors.wasde_oce) as raw rows, dataset `oce`."""
    return wasde_oce.parse_archive(path, SOY_TABLES, parse_oce)


FILE_PARSERS = {".xls": parse_workbook, ".zip": parse_archive}


def land_file(con: duckdb.DuckDBPyConnection, file: Path) -> int:
    """Parse one file (a workbook, an archive, or a CSV/text file) and land it; rows written."""
    parser = FILE_PARSERS.get(file.suffix.lower())
    if parser is None:
        text = tabular.decode_text(file.read_bytes(), SOURCE, str(file), "CSV or text")
        return land_text(con, text, file.name, file.name)
    rows = parser(file).assign(source=file.name, loaded_at=pd.Timestamp.now(tz="UTC"))
    return merge_rows(con, TABLE, rows)


def import_path(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Import a WASDE/PSD file, or every .csv, .txt, .xls and .zip file in a folder; each is
    one load."""
    ensure_tables(con)
    items = []
    for file in tabular.files_to_import(Path(path), SOURCE, (".csv", ".txt", *FILE_PARSERS)):

        def load(file: Path = file) -> int:
            return land_file(con, file)

        items.append((file.name, TABLE, load))
    return tabular.import_each(con, SOURCE, items, str(path))


def month_url(month: dt.date) -> str:
    """The download URL of the OCE WASDE CSV of report `month`."""
    base = os.environ.get(BASE_URL_VARIABLE, "").strip() or DEFAULT_BASE_URL
    return f"{base.rstrip('/')}/{OCE_FILE.format(month=month)}"


def pull(con: duckdb.DuckDBPyConnection, urls: list[str]) -> int:
    """Download each OCE WASDE CSV and land it; each is one recorded load. Rows written."""
    ensure_tables(con)
    return tabular.download_each(con, SOURCE, urls, partial(land_text, con), lambda name: TABLE)


# WASDE comes out between the 8th and the 12th; a daily run asks for a month's file from this
# day of the month on.
DUE_DAY = 13


def update(con: duckdb.DuckDBPyConnection, today: dt.date | None = None) -> int:
    """The daily pull: the OCE CSV of each report month after the last one landed, up to the
    current month once it is due (DUE_DAY); the last two months into an empty table."""
    ensure_tables(con)
    today = today or dt.datetime.now(dt.UTC).date()
    current = today.replace(day=1)
    last = scalar(con, f"select max(report_month) from {TABLE} where dataset = 'oce'")
    first = (pd.Timestamp(last) + pd.offsets.MonthBegin(1)).date() if last else None
    first = first or (pd.Timestamp(current) - pd.offsets.MonthBegin(2)).date()
    due = (
        current
        if today.day >= DUE_DAY
        else (pd.Timestamp(current) - pd.offsets.MonthBegin(1)).date()
    )
    months = [m.date() for m in pd.date_range(first, due, freq="MS")]
    if not months:
        return 0
    return pull(con, [month_url(month) for month in months])


# What the snapshot keeps of the OCE files: the lines the marts read, i.e. the U.S. soybean
# oil rows of SNAPSHOT_OCE_ATTRIBUTES and the world tables' rows of the regions the Crush and
# China buckets use (wasde_xls.SNAPSHOT_REGIONS), every line unchanged.
SNAPSHOT_OCE_ATTRIBUTES = (
    "domestic disappearance",
    "domestic",
    "biofuel",
    "biodiesel",
    "methyl ester",
    "for methyl ester",
    "exports",
    "use, total",
    "ending stocks",
)


def cut_snapshot(shared: Path, destination: Path) -> None:
    """Copy the real WASDE/PSD files of `shared`/usda_wasde into `destination`: the OCE CSVs
    (loose and the zipped archives) cut to the lines the marts read (header kept; an archive
    zipped again under its member's name and date), the PSD CSV to the soybean commodities
    of those regions, the text tables unchanged, and each monthly workbook of wasde_xls/ cut
    to the rows the marts read (wasde_xls.cut_workbook; a `v2` re-post only where no first
    post exists); every kept line and cell as published."""
    folder = Path(shared) / "usda_wasde"
    if destination.exists():
        shutil.rmtree(destination)
    destination.mkdir(parents=True)
    for source_file in sorted(folder.glob("*.csv")):
        lines = source_file.read_bytes().splitlines(keepends=True)
        head = lines[0].decode("utf-8-sig")
        kind = kind_of(source_file.name, head)
        keep = _psd_line if kind == "psd" else _oce_line
        body = lines[1:] if kind == "psd" or head.startswith(wasde_oce.OCE_COLUMNS[0]) else lines
        kept = lines[: len(lines) - len(body)] + [line for line in body if keep(line)]
        (destination / source_file.name).write_bytes(b"".join(kept))
        log.info("snapshot: %s: %d of %d lines", source_file.name, len(kept), len(lines))
    for archive in sorted((folder / "oce_csv").glob("*.zip")):
        with (
            zipfile.ZipFile(archive) as source,
            zipfile.ZipFile(destination / archive.name, "w", zipfile.ZIP_DEFLATED) as target,
        ):
            for info in source.infolist():
                header, *body = wasde_oce.soybean_lines(source.read(info), SOY_TABLES)
                member = zipfile.ZipInfo(info.filename, info.date_time)
                member.compress_type = zipfile.ZIP_DEFLATED
                target.writestr(member, header + b"".join(b for b in body if _oce_line(b)))
    for text_file in sorted((folder / "text_tables").glob("*.txt")):
        shutil.copyfile(text_file, destination / text_file.name)
    workbooks = sorted((folder / "wasde_xls").glob("*.xls"))
    names = {workbook.name for workbook in workbooks}
    for workbook in workbooks:
        if workbook.stem.endswith("v2") and f"{workbook.stem[:-2]}.xls" in names:
            continue
        rows = wasde_xls.snapshot_rows(workbook)
        wasde_xls.cut_workbook(workbook, destination / workbook.name, rows)


def _psd_line(line: bytes) -> bool:
    fields = next(csv.reader([line.decode("utf-8", "replace")]), [])
    return (
        len(fields) == len(PSD_COLUMNS)
        and fields[0] in PSD_COMMODITIES
        and fields[PSD_COLUMNS.index("countryName")] in wasde_xls.SNAPSHOT_REGIONS
    )


def _oce_line(line: bytes) -> bool:
    fields = next(csv.reader([line.decode("utf-8", "replace")]), [])
    if len(fields) < len(wasde_oce.OCE_COLUMNS) or fields[2] not in SOY_TABLES:
        return False
    if fields[2] == US_TABLE:
        return fields[5] == "Oil, Soybean" and fields[3].lower() in SNAPSHOT_OCE_ATTRIBUTES
    return fields[6] in wasde_xls.SNAPSHOT_REGIONS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of `cbi ingest wasde`."""
    parser.add_argument(
        "--from-file",
        metavar="PATH",
        help="a WASDE workbook, OCE CSV or archive, PSD CSV or WASDE text table, or a folder",
    )
    parser.add_argument(
        "--month",
        action="append",
        default=[],
        help=f"download the OCE WASDE CSV of report YYYY-MM from ${BASE_URL_VARIABLE} (live)",
    )
    parser.add_argument(
        "--url", action="append", default=[], help="download this OCE WASDE CSV (live)"
    )


def ingest(con: duckdb.DuckDBPyConnection, args: argparse.Namespace) -> int:
    """`cbi ingest wasde`: import a file or folder, or download the given report months."""
    if args.from_file:
        return import_path(con, Path(args.from_file))
    with arguments_of(SOURCE):
        urls = list(args.url) + [month_url(year_month(month)) for month in args.month]
    if not urls:
        raise ExtractorError(f"{SOURCE}: give --from-file PATH, or --month YYYY-MM / --url URL")
    return pull(con, urls)


DECLARATION = Source(
    name=SOURCE,
    command=COMMAND,
    help="USDA WASDE / PSD supply and use of soybeans, soybean oil and meal",
    description=(
        "Import WASDE workbooks (wasdeMMYY.xls), OCE WASDE CSVs "
        "(oce-wasde-report-data-YYYY-MM.csv) and their zipped archives, FAS PSD CSVs and WASDE "
        "text tables 'U.S. Soybeans and Products Supply and Use' (--from-file FILE or FOLDER), "
        "or download the OCE CSV of a report (--month YYYY-MM; no key)."
    ),
    docs="{{ doc('usda_wasde_source_note') }} {{ doc('usda_wasde_available_at') }}",
    tables=(ESTIMATES,),
    credential=None,
    cadence="monthly (the WASDE, about the 12th)",
    publication=(
        "the WASDE release date at 12:00 US Eastern (PSD rows: seed wasde_release_dates, else "
        "the end of the month)"
    ),
    freshness=Freshness(warn_after_days=40, error_after_days=70),
    # One missed monthly report makes it stale.
    coverage=Coverage(window_days=45, buckets={"crush": False, "china": False}),
    parsers=PARSERS,
    add_arguments=add_arguments,
    ingest=ingest,
    import_path=import_path,
    cut_snapshot=cut_snapshot,
    update=update,
)
