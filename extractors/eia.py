"""EIA weekly retail gasoline and diesel prices: import the spreadsheet or pull API v2.

Dataset `weekly_prices` = EIA's "Gasoline and Diesel Fuel Update" (retail prices including
taxes, series `EMM_*_PTE_*` / `EMD_*_PTE_*`), landed in `raw.eia_weekly_prices`, one row per
series and week (the Monday the prices were collected). The Energy bucket uses the U.S. No 2
diesel retail price `EMD_EPD2D_PTE_NUS_DPG` in $/gal. Two formats, one row shape:

- the spreadsheet download (`PET_PRI_GND_DCUS_NUS_W.xls`: sheet `Contents` with the frequency,
  sheets `Data N` with a title row, a `Sourcekey` row of series ids, a row of long names, then
  Excel date serials in column A and one column per series, blank before a series starts);
- API v2 JSON (`/v2/petroleum/pri/gnd/data/`, key EIA_API_KEY, base URL EIA_API_URL):
  `{"response": {"total": .., "data": [{"period": "2024-01-01", "series": .., "value": ..,
  "units": "$/GAL", ..}]}}`, paged by offset.

available_at (see models/staging/eia/_eia__docs.md): EIA publishes the Monday price around
17:00 ET that Monday, or on Tuesday when Monday is a federal holiday. From 2025 EIA moved the
release to Tuesday about 10:00 ET; the exact week of the change is not known to us, so every
week from 2025-01-01 on takes the later rule (a later, never an earlier, instant).

Not built: EIA's monthly biodiesel / renewable diesel feedstock tables (no real sample of
their API response or release dates; see the staging docs).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import re
import shutil
from pathlib import Path

import duckdb
import pandas as pd
import xlrd

from common import release
from common.errors import ExtractorError, MissingCredentialError, UserError
from common.http import fetch_json, parse_json, session
from common.validate import arguments_of, date_window
from extractors import tabular
from extractors.core import merge_rows, update_window

log = logging.getLogger(__name__)

SOURCE = "eia"
COMMAND = "eia"
HELP = "EIA weekly retail diesel and gasoline prices (spreadsheet or API v2)"
DESCRIPTION = (
    "Import EIA's weekly retail price workbook (PET_PRI_GND_DCUS_NUS_W.xls) or API v2 JSON "
    "(--from-file FILE or FOLDER), or pull API v2 with EIA_API_KEY (--start --end [--series])."
)
API_KEY_VARIABLE = "EIA_API_KEY"
CREDENTIAL = API_KEY_VARIABLE  # `cbi daily` calls update() only when it is set
# Base URL of API v2; tests point it at a local server.
API_URL_VARIABLE = "EIA_API_URL"
DEFAULT_API_URL = "https://api.eia.gov/v2"
ROUTE = "petroleum/pri/gnd"
PAGE_LENGTH = 5000

TABLE = "raw.eia_weekly_prices"
KEY = ("series_id", "period_date")
DIESEL_SERIES = "EMD_EPD2D_PTE_NUS_DPG"
# Retail (pump) price series of the Gasoline and Diesel Fuel Update: the release rule below is
# theirs, so no other series may land in this table.
RETAIL_SERIES = re.compile(r"EM[MD]_[A-Z0-9]+_PTE_[A-Z0-9]+_[A-Z0-9]+")
UNITS = {"dollars per gallon": "$/GAL"}

MONDAY_RELEASE_TIME = dt.time(17, 0)
# From this period on, the price is released the business day after collection, about 10:00.
TUESDAY_RELEASE_FROM = dt.date(2025, 1, 1)
TUESDAY_RELEASE_TIME = dt.time(10, 0)

DDL = f"""
create schema if not exists raw;
create table if not exists {TABLE} (
    series_id    varchar not null,
    period_date  date not null,
    value        double not null,
    units        varchar not null,
    available_at timestamptz not null,
    source       varchar not null,
    loaded_at    timestamptz not null,
    primary key (series_id, period_date)
);
"""


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw EIA table if it does not exist yet."""
    con.execute(DDL)


def release_at(periods: pd.Series) -> pd.Series:
    """When the weekly retail prices of each Monday `periods` became public, UTC.

    The collection day is the Monday, or the next business day when it is a federal holiday;
    until TUESDAY_RELEASE_FROM the release is that day at 17:00 ET, from then on the next
    business day at 10:00 ET.
    """
    if periods.empty:
        return pd.Series([], dtype="datetime64[ns, UTC]", index=periods.index)
    collected = release.business_days_after(periods, 0)
    late = pd.to_datetime(periods) >= pd.Timestamp(TUESDAY_RELEASE_FROM)
    day = release.business_days_after(collected, 1).where(late, collected)
    time = late.map(
        {
            True: _since_midnight(TUESDAY_RELEASE_TIME),
            False: _since_midnight(MONDAY_RELEASE_TIME),
        }
    )
    local = pd.to_datetime(day) + pd.to_timedelta(time)
    return local.dt.tz_localize(release.NEW_YORK).dt.tz_convert("UTC")


def _since_midnight(time: dt.time) -> dt.timedelta:
    return dt.timedelta(hours=time.hour, minutes=time.minute)


def _frame(
    series: list[str], periods: list[dt.date], values: list[float], units: list[str], where: str
) -> pd.DataFrame:
    """Checked raw rows: retail series only, Monday periods, available_at from the rule."""
    rows = pd.DataFrame(
        {
            "series_id": series,
            "period_date": periods,
            "value": pd.Series(values, dtype="float64"),
            "units": units,
        }
    )
    bad = rows.loc[~rows["series_id"].map(lambda s: RETAIL_SERIES.fullmatch(s) is not None)]
    if not bad.empty:
        raise ExtractorError(
            f"{SOURCE}: {where}: series {bad['series_id'].iloc[0]!r} is not a weekly retail "
            f"price series ({RETAIL_SERIES.pattern}); {TABLE} holds the Gasoline and Diesel "
            "Fuel Update only, whose release rule it applies"
        )
    not_monday = rows.loc[[d.weekday() != 0 for d in rows["period_date"]]]
    if not not_monday.empty:
        raise ExtractorError(
            f"{SOURCE}: {where}: field period {not_monday['period_date'].iloc[0]} is not a "
            "Monday (weekly retail prices are collected on Mondays)"
        )
    rows["available_at"] = release_at(rows["period_date"])
    return rows


def parse_workbook(data: bytes, where: str) -> pd.DataFrame:
    """The weekly retail price workbook (.xls) as raw rows; every `Data N` sheet is read."""
    try:
        book = xlrd.open_workbook(file_contents=data, on_demand=True)
    except Exception as exc:  # xlrd raises many types for a file that is not a whole .xls
        kind = "an HTML page" if tabular.looks_like_html(data[:200].decode("latin-1")) else ""
        raise ExtractorError(
            f"{SOURCE}: {where} is {kind or 'not a readable .xls workbook'} "
            f"({type(exc).__name__}: {str(exc)[:80]}); it may be cut off or an error page"
        ) from None
    _check_weekly(book, where)
    sheets = [name for name in book.sheet_names() if re.fullmatch(r"Data \d+", name)]
    if not sheets:
        raise ExtractorError(f"{SOURCE}: {where} has no 'Data 1' sheet")
    frames = [
        parse_sheet(
            [book.sheet_by_name(name).row_values(i) for i in range(book.sheet_by_name(name).nrows)],
            book.datemode,
            f"{where} sheet '{name}'",
        )
        for name in sheets
    ]
    return pd.concat(frames, ignore_index=True)


def _check_weekly(book: xlrd.Book, where: str) -> None:
    """The Contents sheet lists every data sheet as Weekly (the release rule is weekly)."""
    if "Contents" not in book.sheet_names():
        raise ExtractorError(f"{SOURCE}: {where} has no 'Contents' sheet; not an EIA workbook")
    contents = book.sheet_by_name("Contents")
    rows = [contents.row_values(i) for i in range(contents.nrows)]
    header = next((r for r in rows if "Frequency" in r and "Worksheet Name" in r), None)
    if header is None:
        raise ExtractorError(f"{SOURCE}: {where}: its Contents sheet has no 'Frequency' column")
    name_at, frequency_at = header.index("Worksheet Name"), header.index("Frequency")
    for row in rows:
        if str(row[name_at]).startswith("Data ") and row[frequency_at] != "Weekly":
            raise ExtractorError(
                f"{SOURCE}: {where}: sheet {row[name_at]!r} has frequency "
                f"{row[frequency_at]!r}; only weekly workbooks are read"
            )


def parse_sheet(rows: list[list[object]], datemode: int, where: str) -> pd.DataFrame:
    """One `Data N` sheet (its cell values, row by row) as raw rows; blank cells are skipped."""
    if len(rows) < 4 or not rows[1] or rows[1][0] != "Sourcekey":
        found = rows[1][0] if len(rows) > 1 and rows[1] else "nothing"
        raise ExtractorError(
            f"{SOURCE}: {where}: row 2 must start with 'Sourcekey' (the series ids); "
            f"found {found!r}"
        )
    if rows[2][0] != "Date":
        raise ExtractorError(
            f"{SOURCE}: {where}: row 3 must start with 'Date' (the series names); "
            f"found {rows[2][0]!r}"
        )
    keys, names = rows[1], rows[2]
    series, periods, values, units = [], [], [], []
    for column in range(1, len(keys)):
        if not keys[column]:
            continue
        unit = _unit_of(str(names[column]), where, str(keys[column]))
        for number, row in enumerate(rows[3:], start=4):
            cell = row[column] if column < len(row) else ""
            if cell == "":
                continue
            if not isinstance(cell, float):
                raise ExtractorError(
                    f"{SOURCE}: {where}: field {keys[column]} at row {number} is {cell!r}, "
                    "not a number"
                )
            serial = row[0]
            if not isinstance(serial, float):
                raise ExtractorError(
                    f"{SOURCE}: {where}: field Date at row {number} is {serial!r}, "
                    "not an Excel date"
                )
            series.append(str(keys[column]))
            periods.append(xlrd.xldate_as_datetime(serial, datemode).date())
            values.append(cell)
            units.append(unit)
    if not series:
        raise ExtractorError(f"{SOURCE}: {where} holds no values")
    return _frame(series, periods, values, units, where)


def _unit_of(name: str, where: str, key: str) -> str:
    """The unit in a long series name's trailing parentheses, e.g. '(Dollars per Gallon)'."""
    match = re.search(r"\(([^()]+)\)\s*$", name)
    unit = UNITS.get(match.group(1).strip().lower()) if match else None
    if unit is None:
        raise ExtractorError(
            f"{SOURCE}: {where}: series {key} has no known unit in its name {name!r} "
            f"(known: {', '.join(UNITS)})"
        )
    return unit


def parse_api(document: object, where: str) -> tuple[pd.DataFrame, int]:
    """One API v2 page as raw rows, and the total row count the API reports."""
    if not isinstance(document, dict) or not isinstance(document.get("response"), dict):
        error = document.get("error") if isinstance(document, dict) else None
        raise ExtractorError(
            f"{SOURCE}: {where}: no field 'response' in the answer"
            + (f" (the API says: {str(error)[:200]})" if error else "")
        )
    response = document["response"]
    records = response.get("data")
    if not isinstance(records, list):
        raise ExtractorError(f"{SOURCE}: {where}: field 'response.data' is missing")
    try:
        total = int(response.get("total", len(records)))
    except (TypeError, ValueError):
        raise ExtractorError(
            f"{SOURCE}: {where}: field 'response.total' is {response.get('total')!r}"
        ) from None
    series, periods, values, units = [], [], [], []
    for number, record in enumerate(records):
        for field in ("period", "series", "value", "units"):
            if not isinstance(record, dict) or field not in record:
                raise ExtractorError(f"{SOURCE}: {where}: record {number} has no field {field!r}")
        if record["value"] is None:
            continue
        value = record["value"]
        if isinstance(value, str) and tabular.NUMBER.fullmatch(value.strip()):
            value = float(value)
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ExtractorError(
                f"{SOURCE}: {where}: field 'value' of record {number} is {record['value']!r}, "
                "not a number"
            )
        try:
            period = dt.date.fromisoformat(str(record["period"]))
        except ValueError:
            raise ExtractorError(
                f"{SOURCE}: {where}: field 'period' of record {number} is "
                f"{record['period']!r}, not YYYY-MM-DD"
            ) from None
        series.append(str(record["series"]))
        periods.append(period)
        values.append(float(value))
        units.append(str(record["units"]))
    if not series:
        return pd.DataFrame(columns=[*KEY, "value", "units", "available_at"]), total
    return _frame(series, periods, values, units, where), total


def land(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame, source: str) -> int:
    """Merge raw rows into raw.eia_weekly_prices; return the rows written."""
    ensure_tables(con)
    rows = rows.assign(source=source, loaded_at=pd.Timestamp.now(tz="UTC"))
    return merge_rows(con, TABLE, rows, KEY)


def import_path(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Import a workbook (.xls) or API v2 JSON file, or every such file in a folder."""
    ensure_tables(con)
    items = []
    for file in tabular.files_to_import(Path(path), SOURCE, (".xls", ".json")):

        def load(file: Path = file) -> int:
            data = file.read_bytes()
            if file.name.lower().endswith(".json"):
                text = tabular.decode_text(data, SOURCE, str(file), "JSON")
                rows, _ = parse_api(parse_json(text, SOURCE, str(file)), file.name)
            else:
                rows = parse_workbook(data, file.name)
            return land(con, rows, file.name)

        items.append((file.name, TABLE, load))
    return tabular.import_each(con, SOURCE, items, str(path))


def pull(
    con: duckdb.DuckDBPyConnection,
    *,
    start: str,
    end: str,
    series: list[str] | None = None,
) -> int:
    """Pull weekly retail prices of `series` (default diesel) for [start, end] from API v2.

    The key comes from EIA_API_KEY, is sent as the api_key parameter and never logged (errors
    name the URL without its query string).
    """
    series = series or [DIESEL_SERIES]
    with arguments_of(SOURCE):
        first, last = date_window(start, end, end_exclusive=False)
        for name in series:
            if RETAIL_SERIES.fullmatch(name) is None:
                raise UserError(f"--series {name!r} is not a weekly retail price series")
    ensure_tables(con)
    base = os.environ.get(API_URL_VARIABLE, DEFAULT_API_URL).rstrip("/")
    url = f"{base}/{ROUTE}/data/"
    window = f"live:{','.join(series)}:{first}..{last}"

    def load() -> int:
        key = os.environ.get(API_KEY_VARIABLE, "").strip()
        if not key:
            raise MissingCredentialError(API_KEY_VARIABLE, SOURCE)
        http = session()
        frames, offset = [], 0
        while True:
            params = {
                "api_key": key,
                "frequency": "weekly",
                "data[0]": "value",
                "facets[series][]": series,
                "start": first.isoformat(),
                "end": last.isoformat(),
                "sort[0][column]": "period",
                "sort[0][direction]": "asc",
                "offset": offset,
                "length": PAGE_LENGTH,
            }
            page, total = parse_api(fetch_json(http, SOURCE, url, params=params), url)
            frames.append(page)
            offset += PAGE_LENGTH
            if offset >= total or page.empty:
                break
        rows = pd.concat([f for f in frames if not f.empty] or frames, ignore_index=True)
        return land(con, rows, window) if not rows.empty else 0

    return tabular.import_each(con, SOURCE, [(window, TABLE, load)], url)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of `cbi ingest eia`."""
    parser.add_argument(
        "--from-file", metavar="PATH", help="a weekly price .xls or API v2 .json file, or a folder"
    )
    parser.add_argument("--start", help="first week (Monday), YYYY-MM-DD (live)")
    parser.add_argument("--end", help="last week, inclusive, YYYY-MM-DD (live)")
    parser.add_argument(
        "--series",
        default=DIESEL_SERIES,
        help=f"comma-separated retail price series ids (live; default {DIESEL_SERIES})",
    )


def ingest(con: duckdb.DuckDBPyConnection, args: argparse.Namespace) -> int:
    """`cbi ingest eia`: import a file or folder, or pull the API when no file is given."""
    if args.from_file:
        return import_path(con, Path(args.from_file))
    missing = [name for name in ("start", "end") if not getattr(args, name)]
    if missing:
        flags = ", ".join(f"--{name}" for name in missing)
        raise ExtractorError(f"{SOURCE}: give --from-file PATH, or {flags} for a live pull")
    return pull(
        con,
        start=args.start,
        end=args.end,
        series=[s.strip() for s in args.series.split(",") if s.strip()],
    )


def update(con: duckdb.DuckDBPyConnection, today: dt.date | None = None) -> int:
    """The daily pull of the diesel price: the weeks since shortly before the last one landed
    (revised weeks land again), or two years into an empty table (core.update_window)."""
    ensure_tables(con)
    last = con.execute(
        f"select max(period_date) from {TABLE} where series_id = ?", [DIESEL_SERIES]
    ).fetchone()[0]
    start, end = update_window(last, today)
    return pull(con, start=start, end=end, series=[DIESEL_SERIES])


SNAPSHOT_FILES = ("PET_PRI_GND_DCUS_NUS_W_1990-2026-03-02.xls",)


def cut_snapshot(shared: Path, destination: Path) -> None:
    """Copy EIA's weekly retail price workbook unchanged (an .xls cannot be trimmed in place)."""
    if destination.exists():
        shutil.rmtree(destination)
    destination.mkdir(parents=True)
    for name in SNAPSHOT_FILES:
        (destination / name).write_bytes((Path(shared) / "eia" / name).read_bytes())
        log.info("snapshot: %s copied", name)
