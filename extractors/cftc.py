"""CFTC Commitments of Traders: import annual files, or pull the public annual zips live.

Both modes read the files CFTC distributes through the same parser and land in
`raw.cftc_cot`, one row per report type, futures-only flag, market and as-of date:

- Disaggregated futures-only `fut_disagg_txt_YYYY.zip` / `f_year.txt` (191 columns: producer/
  merchant, swap dealer, managed money, other reportable, non-reportable positions);
- the legacy layout `deacotYYYY.zip` / `annual.txt` (futures only) and `annualof.txt`
  (futures and options combined), whose headers use spaces and parentheses (non-commercial,
  commercial positions). Legacy files do not say which of the two they are: the name does.

Markets are chosen by `CFTC_Contract_Market_Code`, a 6-character code kept as text (seed
`cftc_markets`: soybean oil 007601, soybeans 005602, soybean meal 026603), never by name. A
code that lost its leading zeros (the file went through a spreadsheet) is re-padded when it is
all digits; other codes (CFTC's own `12460+` for DJIA Consolidated) belong to markets we do not
read and are skipped with them, so only the rows of our markets are checked. Numbers are
left-padded with spaces; a bare `.` is null.

`available_at`: the as-of date is a Tuesday (a Monday when Tuesday is a holiday); the report is
public on the Friday of that week at 15:30 America/New_York, on the next business day when a
federal holiday falls on the Wednesday, Thursday or Friday of that week (CFTC's published
schedule), and never before the date seed `cftc_release_delays` gives for reports held back by
a government shutdown or the 2023 ION incident.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import logging
import os
import shutil
import zipfile
import zlib
from pathlib import Path

import duckdb
import pandas as pd

from common import release
from common.db import scalar
from common.errors import ExtractorError
from common.http import fetch, session
from common.project import read_seed
from common.validate import arguments_of, date_window
from extractors.core import merge_rows, recorded_load, update_window
from extractors.declaration import Column, Coverage, Freshness, Source, Table
from extractors.tabular import (
    INTEGER,
    decode_text,
    files_to_import,
    header_of,
    import_each,
    parse_dates,
    parse_numbers,
    read_csv,
)

log = logging.getLogger(__name__)

SOURCE = "cftc"
COMMAND = "cftc"
# Where CFTC publishes the annual files; tests point it at a local server.
BASE_URL_VARIABLE = "CFTC_BASE_URL"
DEFAULT_BASE_URL = "https://www.cftc.gov/files/dea/history"
LIVE_FILES = {"disaggregated": "fut_disagg_txt_{year}.zip", "legacy": "deacot{year}.zip"}
SUFFIXES = (".zip", ".txt", ".csv")
CODE_FIELD = {"disaggregated": "CFTC_Contract_Market_Code", "legacy": "CFTC Contract Market Code"}
RELEASE_HOUR, RELEASE_MINUTE = 15, 30  # America/New_York

# raw column -> publisher column, per layout (the legacy header is stripped of its spaces).
_COMMON = ("market_name", "as_of_date", "market_code", "open_interest")
LAYOUTS = {
    "disaggregated": {
        "market_name": "Market_and_Exchange_Names",
        "as_of_date": "Report_Date_as_YYYY-MM-DD",
        "market_code": "CFTC_Contract_Market_Code",
        "open_interest": "Open_Interest_All",
        "producer_merchant_long": "Prod_Merc_Positions_Long_All",
        "producer_merchant_short": "Prod_Merc_Positions_Short_All",
        "swap_long": "Swap_Positions_Long_All",
        "swap_short": "Swap__Positions_Short_All",
        "swap_spread": "Swap__Positions_Spread_All",
        "managed_money_long": "M_Money_Positions_Long_All",
        "managed_money_short": "M_Money_Positions_Short_All",
        "managed_money_spread": "M_Money_Positions_Spread_All",
        "other_reportable_long": "Other_Rept_Positions_Long_All",
        "other_reportable_short": "Other_Rept_Positions_Short_All",
        "other_reportable_spread": "Other_Rept_Positions_Spread_All",
        "total_reportable_long": "Tot_Rept_Positions_Long_All",
        "total_reportable_short": "Tot_Rept_Positions_Short_All",
        "nonreportable_long": "NonRept_Positions_Long_All",
        "nonreportable_short": "NonRept_Positions_Short_All",
        "futures_only": "FutOnly_or_Combined",
    },
    "legacy": {
        "market_name": "Market and Exchange Names",
        "as_of_date": "As of Date in Form YYYY-MM-DD",
        "market_code": "CFTC Contract Market Code",
        "open_interest": "Open Interest (All)",
        "noncommercial_long": "Noncommercial Positions-Long (All)",
        "noncommercial_short": "Noncommercial Positions-Short (All)",
        "noncommercial_spread": "Noncommercial Positions-Spreading (All)",
        "commercial_long": "Commercial Positions-Long (All)",
        "commercial_short": "Commercial Positions-Short (All)",
        "total_reportable_long": "Total Reportable Positions-Long (All)",
        "total_reportable_short": "Total Reportable Positions-Short (All)",
        "nonreportable_long": "Nonreportable Positions-Long (All)",
        "nonreportable_short": "Nonreportable Positions-Short (All)",
    },
}
POSITION_COLUMNS = tuple(
    dict.fromkeys(
        column
        for layout in LAYOUTS.values()
        for column in layout
        if column not in _COMMON and column != "futures_only"
    )
)


COT = Table(
    name="cftc_cot",
    description=(
        "One row per report type (disaggregated / legacy), futures-only flag, contract market "
        "and as-of date (the Tuesday the positions were counted): open interest and positions "
        "by trader category, in contracts."
    ),
    columns=(
        Column("report_type", "varchar", "disaggregated or legacy.", nullable=False),
        Column(
            "futures_only",
            "boolean",
            "True for futures-only reports, false for futures-and-options combined.",
            nullable=False,
        ),
        Column(
            "market_code",
            "varchar",
            "CFTC_Contract_Market_Code, 6 characters with leading zeros (007601 = soybean oil).",
            nullable=False,
        ),
        Column(
            "as_of_date",
            "date",
            "The date the positions were counted (Tuesday; Monday when Tuesday is a holiday).",
            nullable=False,
        ),
        Column("available_at", "timestamptz", "{{ doc('cftc_available_at') }}", nullable=False),
        Column("market_name", "varchar", "Market_and_Exchange_Names as CFTC prints it."),
        Column("open_interest", "bigint", "Open interest, contracts.", min_value=0),
        *(
            Column(column, "bigint", "Positions of the trader category, contracts.", min_value=0)
            for column in POSITION_COLUMNS
        ),
    ),
    key=("report_type", "futures_only", "market_code", "as_of_date"),
    period_column="as_of_date",
    published_column="available_at",
)
TABLE = COT.qualified
KEY = COT.key


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create raw.cftc_cot if it does not exist yet."""
    DECLARATION.create_tables(con)


def markets() -> dict[str, str]:
    """Market code -> name of the markets landed (seed cftc_markets)."""
    return {row["market_code"]: row["market"] for row in read_seed("cftc_markets")}


def release_delays() -> dict[dt.date, dt.date]:
    """As-of date -> the date its report was actually published (seed cftc_release_delays)."""
    return {
        dt.date.fromisoformat(row["as_of_date"]): dt.date.fromisoformat(row["released_on"])
        for row in read_seed("cftc_release_delays")
    }


def release_day(as_of: dt.date, delays: dict[dt.date, dt.date] | None = None) -> dt.date:
    """The day the report as of `as_of` was public (see the module docstring)."""
    friday = as_of + dt.timedelta(days=(4 - as_of.weekday()) % 7)
    holiday_week = any(
        not release.is_business_day(friday - dt.timedelta(days=back)) for back in (0, 1, 2)
    )
    day = release.next_business_day(friday) if holiday_week else friday
    delayed = (release_delays() if delays is None else delays).get(as_of)
    return max(day, delayed) if delayed else day


def available_at(as_of_dates: pd.Series) -> pd.Series:
    """The publication instant (UTC) of each report: its release day at 15:30 New York."""
    delays = release_delays()
    days = {day: release_day(day, delays) for day in set(as_of_dates)}
    return as_of_dates.map(
        lambda day: release.local_instant(days[day], RELEASE_HOUR, RELEASE_MINUTE)
    )


def _layout(header: list[str], where: str) -> str:
    for layout, code_field in CODE_FIELD.items():
        if code_field in header:
            return layout
    raise ExtractorError(
        f"cftc: {where} has neither column {CODE_FIELD['disaggregated']!r} (disaggregated) nor "
        f"{CODE_FIELD['legacy']!r} (legacy): not a COT annual file, or the column was renamed"
    )


def _legacy_futures_only(name: str) -> bool:
    """Legacy files say futures-only vs combined only in their name (annual vs annualof)."""
    lower = Path(name).name.lower()
    if "annualof" in lower or "deahistfo" in lower or "futopt" in lower:
        return False
    if lower.startswith(("annual", "deacot")):
        return True
    raise ExtractorError(
        f"cftc: {name}: a legacy COT file must be named annual.txt / deacotYYYY (futures only) "
        "or annualof.txt / deahistfoYYYY (futures and options combined)"
    )


def market_codes(values: pd.Series, where: str) -> pd.Series:
    """Contract market codes as text; all-digit codes that lost their zeros are re-padded to 6
    characters. Other codes are kept as printed: CFTC lists markets we do not read whose code
    is not 6 characters (DJIA Consolidated, `12460+`), and those never stop a file."""
    codes = values.str.strip()
    short = codes.str.fullmatch(r"\d{1,5}")
    if short.any():
        log.warning(
            "cftc: %s: %d market codes lost their leading zeros (stored as numbers); re-padded",
            where,
            int(short.sum()),
        )
        codes = codes.where(~short, codes.str.zfill(6))
    return codes


def parse_report(text: str, where: str, name: str) -> pd.DataFrame:
    """The rows of one COT annual table for the markets of seed cftc_markets."""
    header = header_of(text)
    layout = _layout(header, where)
    columns = LAYOUTS[layout]
    missing = [c for c in columns.values() if c not in header]
    if missing:
        raise ExtractorError(
            f"cftc: {where} ({layout} layout) has no column {missing[0]!r} (renamed or missing)"
        )
    table = read_csv(text, SOURCE, where, header)
    codes = market_codes(table[columns["market_code"]], where)
    wanted = markets()
    table = table.assign(**{columns["market_code"]: codes})[codes.isin(wanted)]
    if table.empty:
        numeric = codes[codes.str.fullmatch(r"\d+\.\d*|\d(?:\.\d+)?E\+\d+")]
        hint = (
            f"; field {columns['market_code']!r} holds numbers such as {numeric.iloc[0]!r}, not "
            "6-character codes (e.g. 007601): the file was probably re-saved by a spreadsheet"
            if len(numeric)
            else ""
        )
        raise ExtractorError(
            f"cftc: {where} has no rows for the markets of seeds/cftc_markets.csv "
            f"({', '.join(wanted)}){hint}"
        )
    frame = pd.DataFrame(
        {
            "report_type": layout,
            "market_code": table[columns["market_code"]],
            "as_of_date": parse_dates(table, columns["as_of_date"], SOURCE, where, "%Y-%m-%d"),
            "market_name": table[columns["market_name"]],
        }
    )
    if layout == "legacy":
        frame["futures_only"] = _legacy_futures_only(name)
    else:
        scope = table[columns["futures_only"]]
        unknown = ~scope.isin(["FutOnly", "Combined"])
        if unknown.any():
            raise ExtractorError(
                f"cftc: {where}: field {columns['futures_only']!r} is "
                f"{scope[unknown].iloc[0]!r}, expected FutOnly or Combined"
            )
        frame["futures_only"] = scope == "FutOnly"
    for column in ("open_interest", *POSITION_COLUMNS):
        if column in columns:
            published = columns[column]
            table[published] = table[published].replace(".", "")
            numbers = parse_numbers(table, published, SOURCE, where, INTEGER, blank_ok=True)
            frame[column] = numbers.astype("Int64")
        else:
            frame[column] = pd.array([pd.NA] * len(frame), dtype="Int64")
    frame["available_at"] = available_at(frame["as_of_date"])
    return frame.reset_index(drop=True)


def _zip_members(data: bytes, where: str) -> list[tuple[str, bytes]]:
    """(name, bytes) of each file in a zip archive; a cut or corrupt archive is an error."""
    if not data.startswith(b"PK\x03\x04"):
        decode_text(data[:512], SOURCE, where, "a zip archive")  # an HTML page says so
        raise ExtractorError(f"cftc: {where} is not a zip archive")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return [(i.filename, archive.read(i)) for i in archive.infolist() if not i.is_dir()]
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise ExtractorError(
            f"cftc: {where} is not a complete zip archive ({exc}); it was probably cut off, "
            "download it again"
        ) from None


def parse_bytes(data: bytes, name: str) -> pd.DataFrame:
    """A downloaded or stored COT file: a zip of annual tables, or one table as text."""
    if name.lower().endswith(".zip"):
        tables = [
            parse_report(decode_text(body, SOURCE, f"{name}/{member}"), f"{name}/{member}", member)
            for member, body in _zip_members(data, name)
        ]
        if not tables:
            raise ExtractorError(f"cftc: {name} is an empty zip archive")
        return pd.concat(tables, ignore_index=True)
    return parse_report(decode_text(data, SOURCE, name), name, name)


def land(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, source: str) -> int:
    """Land parsed report rows; return the rows written (new or changed)."""
    ensure_tables(con)
    columns = [*KEY, "available_at", "market_name", "open_interest", *POSITION_COLUMNS]
    frame = frame[columns].assign(source=source, loaded_at=pd.Timestamp.now(tz="UTC"))
    return merge_rows(con, TABLE, frame)


def import_path(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Import a COT file, or every *.zip / *.txt / *.csv file of a folder; return rows written.

    Each file is one recorded load; a bad file does not stop the others.
    """
    files = files_to_import(path, SOURCE, SUFFIXES)
    ensure_tables(con)
    loads = [
        (f.name, TABLE, lambda f=f: land(con, parse_bytes(f.read_bytes(), f.name), f.name))
        for f in files
    ]
    return import_each(con, SOURCE, loads, str(path))


def pull(
    con: duckdb.DuckDBPyConnection,
    *,
    start: str,
    end: str,
    report: str = "disaggregated",
    base_url: str | None = None,
) -> int:
    """Download the annual zip of each year of [start, end] and land its reports in the window.

    No key is needed. Each year is one recorded load; the current year's file grows weekly,
    so pulling it again lands only the new reports.
    """
    with arguments_of(SOURCE):
        first, last = date_window(start, end, end_exclusive=False)
        if report not in LIVE_FILES:
            raise ExtractorError(f"cftc: --report must be one of {', '.join(LIVE_FILES)}")
    ensure_tables(con)
    base = (base_url or os.environ.get(BASE_URL_VARIABLE) or DEFAULT_BASE_URL).rstrip("/")
    http = session()
    total = 0
    for year in range(first.year, last.year + 1):
        url = f"{base}/{LIVE_FILES[report].format(year=year)}"
        with recorded_load(con, SOURCE, TABLE, f"live:{url}") as load:
            data = fetch(http, SOURCE, url).content
            frame = parse_bytes(data, url)
            in_window = frame["as_of_date"].between(first, last)
            load.rows = land(con, frame[in_window], url)
        total += load.rows
    return total


def update(con: duckdb.DuckDBPyConnection, today: dt.date | None = None) -> int:
    """The daily pull: the disaggregated annual zip(s) from two weeks before the last report
    landed to today; two years into an empty table."""
    ensure_tables(con)
    last = scalar(con, f"select max(as_of_date) from {TABLE} where report_type = 'disaggregated'")
    start, end = update_window(last, today)
    return pull(con, start=start, end=end)


def cut_snapshot(shared: Path, destination: Path) -> None:
    """Copy every disaggregated futures-only annual zip in `shared`/cftc_cot into
    `destination`: the header and the lines of the markets of seed cftc_markets, byte for byte
    (CRLF kept), zipped under the original member name and date."""
    codes = set(markets())
    folder = shared / "cftc_cot"
    files = sorted(folder.glob("fut_disagg_txt_*.zip")) + sorted(
        (folder / "disaggregated_futures_only").glob("fut_disagg_txt_*.zip")
    )
    if destination.exists():
        shutil.rmtree(destination)
    destination.mkdir(parents=True)
    for path in files:
        with (
            zipfile.ZipFile(path) as source,
            zipfile.ZipFile(
                destination / path.name, "w", compression=zipfile.ZIP_DEFLATED
            ) as target,
        ):
            for info in source.infolist():
                lines = source.read(info).splitlines(keepends=True)
                code_column = header_of(lines[0].decode("latin-1")).index(
                    CODE_FIELD["disaggregated"]
                )
                kept = [lines[0]] + [
                    line
                    for line in lines[1:]
                    if header_of(line.decode("latin-1"))[code_column] in codes
                ]
                member = zipfile.ZipInfo(info.filename, info.date_time)
                member.compress_type = zipfile.ZIP_DEFLATED
                target.writestr(member, b"".join(kept))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of `cbi ingest cftc`."""
    parser.add_argument("--from-file", metavar="PATH", help="a COT annual file or a folder")
    parser.add_argument("--start", help="first as-of date, YYYY-MM-DD (live)")
    parser.add_argument("--end", help="last as-of date, YYYY-MM-DD (live; default today)")
    parser.add_argument(
        "--report",
        default="disaggregated",
        choices=list(LIVE_FILES),
        help="which annual file to download (live; default disaggregated futures-only)",
    )


def ingest(con: duckdb.DuckDBPyConnection, args: argparse.Namespace) -> int:
    """`cbi ingest cftc`: import a file or folder, or download the annual zips."""
    if args.from_file:
        return import_path(con, Path(args.from_file))
    if not args.start:
        raise ExtractorError("cftc: give --from-file PATH, or --start DATE for a live pull")
    return pull(
        con,
        start=args.start,
        end=args.end or dt.date.today().isoformat(),
        report=args.report,
    )


DECLARATION = Source(
    name=SOURCE,
    command=COMMAND,
    help="CFTC Commitments of Traders: import annual files or pull the public zips",
    description=(
        "Import COT annual files (fut_disagg_txt_YYYY.zip, f_year.txt, deacotYYYY.zip, "
        "annual.txt, annualof.txt; --from-file FILE or FOLDER), or download the public annual "
        "zips for the years of --start..--end (no key)."
    ),
    docs=(
        "CFTC Commitments of Traders reports landed by `cbi ingest cftc` (extractors/cftc.py) "
        "from the annual files CFTC publishes (disaggregated futures-only, legacy), for the "
        "markets of seed cftc_markets. {{ doc('cftc_available_at') }}"
    ),
    tables=(COT,),
    credential=None,
    cadence="weekly (Friday, positions as of Tuesday)",
    publication="the release day (Friday, or seed cftc_release_delays) at 15:30 New York",
    freshness=Freshness(warn_after_days=10, error_after_days=21),
    coverage=Coverage(window_days=30, buckets={"volatility": False}),
    parsers={"report": parse_report, "file": parse_bytes},
    add_arguments=add_arguments,
    ingest=ingest,
    import_path=import_path,
    cut_snapshot=cut_snapshot,
    update=update,
)
