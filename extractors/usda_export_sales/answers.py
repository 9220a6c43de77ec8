"""ESR API answers into checked raw rows (an exports answer, a reference list) and the
release rule that dates a week (see extractors/usda_export_sales)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import numpy as np
import pandas as pd

from common import release
from common.errors import ExtractorError

SOURCE = "usda_export_sales"
# ESR commodity code -> (name, first month of its marketing year).
COMMODITIES = {801: ("soybeans", 9), 901: ("soybean meal", 10), 902: ("soybean oil", 10)}
CHINA = 5700
# unitId -> unit, the units this extractor lands (staging converts them; see the docs).
UNITS = {1: "metric tons"}
# Record field -> raw column; quantities are in the record's unit.
QUANTITIES = {
    "weeklyExports": "weekly_exports",
    "accumulatedExports": "accumulated_exports",
    "outstandingSales": "outstanding_sales",
    "grossNewSales": "gross_new_sales",
    "currentMYNetSales": "current_my_net_sales",
    "currentMYTotalCommitment": "current_my_total_commitment",
    "nextMYOutstandingSales": "next_my_outstanding_sales",
    "nextMYNetSales": "next_my_net_sales",
}
RECORD_FIELDS = ("commodityCode", "countryCode", "weekEndingDate", *QUANTITIES, "unitId")
EXPORTS_PATH = "/api/esr/exports/commodityCode/{code}/allCountries/marketYear/{year}"
# A saved answer's name: the request's commodity and year, after any prefix ending in `_`.
EXPORTS_FILE = re.compile(r"(?:.*_)?exports_(\d+)_(\d{4})\.json", re.IGNORECASE)
# list name -> (API path and file stem, code field, name field, parent field or None)
REFERENCE_LISTS = {
    "countries": ("countries", "countryCode", "countryName", "regionId"),
    "commodities": ("commodities", "commodityCode", "commodityName", "unitId"),
    "units": ("unitsOfMeasure", "unitId", "unitNames", None),
    "regions": ("regions", "regionId", "regionName", None),
}
RELEASE_TIME = dt.time(8, 30)  # US Eastern


def release_at(week_ending: pd.Series) -> pd.Series:
    """When the ESR report of each week (ending on Thursday `week_ending`) became public, UTC.

    The Thursday after at 08:30 New York; the next business day (Friday) when a federal
    holiday falls on the Monday to Thursday of that week.
    """
    if week_ending.empty:
        return pd.Series([], dtype="datetime64[ns, UTC]", index=week_ending.index)
    thursday = pd.to_datetime(week_ending) + pd.Timedelta(days=7)
    days = thursday.to_numpy(dtype="datetime64[D]")
    holidays = release.us_federal_holidays()
    workdays = np.busday_count(days - 3, days + 1, holidays=holidays)
    later = np.busday_offset(days, 1, roll="backward", holidays=holidays)
    day = pd.Series(pd.to_datetime(np.where(workdays < 4, later, days)), index=week_ending.index)
    return release.at_local_time(day, RELEASE_TIME)


def market_year_of(commodity_code: int, day: dt.date) -> int:
    """The ESR marketing year (its first calendar year) that `day` falls in."""
    first_month = COMMODITIES[commodity_code][1]
    return day.year if day.month >= first_month else day.year - 1


def _number(value: Any, where: str, number: int, field: str) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ExtractorError(
            f"{SOURCE}: {where}: field {field!r} of record {number} is {value!r}, not a number"
        )
    return float(value)


def _code(value: Any, where: str, number: int, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ExtractorError(
            f"{SOURCE}: {where}: field {field!r} of record {number} is {value!r}, "
            "not an integer code"
        )
    return value


def _records(document: Any, where: str, what: str) -> list[dict]:
    """The JSON list of records an answer must be; an empty list or anything else is refused."""
    if isinstance(document, dict) and ("error" in document or "message" in document):
        said = document.get("error") or document.get("message")
        raise ExtractorError(f"{SOURCE}: {where}: the API answered an error: {str(said)[:200]}")
    if not isinstance(document, list):
        raise ExtractorError(
            f"{SOURCE}: {where} is a JSON {type(document).__name__}, not the list of {what} "
            "expected"
        )
    if not document:
        raise ExtractorError(
            f"{SOURCE}: {where} is an empty list where {what} were expected "
            "(no data published for this request?)"
        )
    return document


def parse_exports(document: Any, where: str, commodity_code: int, market_year: int) -> pd.DataFrame:
    """One exports answer (commodity x marketing year, every destination) as raw rows."""
    if commodity_code not in COMMODITIES:
        raise ExtractorError(
            f"{SOURCE}: {where}: commodity {commodity_code} is not landed "
            f"(known: {', '.join(f'{c} {n}' for c, (n, _) in COMMODITIES.items())})"
        )
    rows = []
    for number, record in enumerate(_records(document, where, "export records")):
        missing = [f for f in RECORD_FIELDS if not isinstance(record, dict) or f not in record]
        if missing:
            raise ExtractorError(f"{SOURCE}: {where}: record {number} has no field {missing[0]!r}")
        if _code(record["commodityCode"], where, number, "commodityCode") != commodity_code:
            raise ExtractorError(
                f"{SOURCE}: {where}: field 'commodityCode' of record {number} is "
                f"{record['commodityCode']}, but the answer is for commodity {commodity_code}"
            )
        unit = _code(record["unitId"], where, number, "unitId")
        if unit not in UNITS:
            raise ExtractorError(
                f"{SOURCE}: {where}: field 'unitId' of record {number} is {unit}, a unit this "
                f"extractor does not convert (known: "
                f"{', '.join(f'{u} = {n}' for u, n in UNITS.items())}); see unitsOfMeasure"
            )
        week = _week(record["weekEndingDate"], where, number)
        row = {
            "commodity_code": commodity_code,
            "country_code": _code(record["countryCode"], where, number, "countryCode"),
            "market_year": market_year,
            "week_ending_date": week,
        }
        for field, column in QUANTITIES.items():
            row[column] = _number(record[field], where, number, field)
        row["unit_id"] = unit
        rows.append(row)
    frame = pd.DataFrame(rows)
    for column in QUANTITIES.values():
        frame[column] = frame[column].astype("float64")
    frame["available_at"] = release_at(pd.to_datetime(frame["week_ending_date"]))
    return frame


def _week(value: Any, where: str, number: int) -> dt.date:
    """A `weekEndingDate` ("2024-06-06T00:00:00"), which must be a Thursday."""
    text = value if isinstance(value, str) else ""
    try:
        week = dt.datetime.fromisoformat(text).date()
    except ValueError:
        raise ExtractorError(
            f"{SOURCE}: {where}: field 'weekEndingDate' of record {number} is {value!r}, "
            "not a date like 2024-06-06T00:00:00"
        ) from None
    if week.weekday() != 3:
        raise ExtractorError(
            f"{SOURCE}: {where}: field 'weekEndingDate' of record {number} is {week}, not a "
            "Thursday (ESR weeks end on Thursday)"
        )
    return week


def parse_reference(document: Any, where: str, list_name: str) -> pd.DataFrame:
    """One reference list as raw rows (names stripped of the API's space padding)."""
    _, code_field, name_field, parent_field = REFERENCE_LISTS[list_name]
    rows = []
    for number, record in enumerate(_records(document, where, f"{list_name} records")):
        fields = [code_field, name_field] + ([parent_field] if parent_field else [])
        missing = [f for f in fields if not isinstance(record, dict) or f not in record]
        if missing:
            raise ExtractorError(f"{SOURCE}: {where}: record {number} has no field {missing[0]!r}")
        parent = record[parent_field] if parent_field else None
        rows.append(
            {
                "list_name": list_name,
                "code": _code(record[code_field], where, number, code_field),
                "name": str(record[name_field] or "").strip(),
                "parent_code": None
                if not parent_field or parent is None
                else _code(parent, where, number, parent_field),
            }
        )
    frame = pd.DataFrame(rows)
    frame["parent_code"] = frame["parent_code"].astype("Int64")
    return frame


def check_units(units: pd.DataFrame, where: str) -> None:
    """The units list must name each unit of UNITS as this extractor reads it (singular or
    plural, any case)."""
    names = dict(zip(units["code"], units["name"].str.lower(), strict=True))
    for unit, expected in UNITS.items():
        if expected.rstrip("s") not in names.get(unit, ""):
            raise ExtractorError(
                f"{SOURCE}: {where}: unitId {unit} is {names.get(unit, 'missing')!r}, not "
                f"{expected!r}; the unit codes changed, check unitsOfMeasure"
            )
