"""EIA's two formats into checked raw rows, and the release rule that dates them: the weekly
retail price workbook (.xls) and API v2 JSON pages (see extractors/eia)."""

from __future__ import annotations

import datetime as dt
import io
import re

import pandas as pd
import xlrd

from common import release
from common.errors import ExtractorError
from extractors import tabular
from extractors.eia.table import KEY, SOURCE, TABLE

# Retail (pump) price series of the Gasoline and Diesel Fuel Update: the release rule below is
# theirs, so no other series may land in this table.
RETAIL_SERIES = re.compile(r"EM[MD]_[A-Z0-9]+_PTE_[A-Z0-9]+_[A-Z0-9]+")
UNITS = {"dollars per gallon": "$/GAL"}

MONDAY_RELEASE_TIME = dt.time(17, 0)
# From this period on, the price is released the business day after collection, about 10:00.
TUESDAY_RELEASE_FROM = dt.date(2025, 1, 1)
TUESDAY_RELEASE_TIME = dt.time(10, 0)


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
        # xlrd prints its warnings to stdout: kept out of the output, the error says it all
        book = xlrd.open_workbook(file_contents=data, on_demand=True, logfile=io.StringIO())
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
