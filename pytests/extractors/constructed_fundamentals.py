"""CONSTRUCTED USDA export sales (ESR) answers and NOPA tables, for tests only.

No real ESR answer or NOPA table exists in our data (../shared/data/PROVENANCE.md, "Not
collected at all"), so these are built here, with made-up values, in the published shapes:

- ESR: the JSON list of `/api/esr/exports/commodityCode/{code}/allCountries/marketYear/{y}`
  with the record fields PROVENANCE lists from public code calling the API (`commodityCode,
  countryCode, weekEndingDate "YYYY-MM-DDT00:00:00", weeklyExports, accumulatedExports,
  outstandingSales, grossNewSales, currentMYNetSales, currentMYTotalCommitment,
  nextMYOutstandingSales, nextMYNetSales, unitId`), and the reference lists (countries with
  space-padded names, commodities, unitsOfMeasure, regions) with the fields public client code
  reads (countryCode/countryName/regionId, commodityCode/commodityName/unitId,
  unitId/unitNames, regionId/regionName). China is country 5700, metric tons unit 1.
- NOPA: the U.S. totals of the monthly press release in the CSV layout `cbi ingest nopa`
  reads (extractors/nopa.py).

Files are written as constructed_*; they are never bundled in the snapshot.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from extractors import nopa, usda_export_sales

COUNTRIES = [
    {"countryCode": 5700, "countryName": "CHINA   ", "countryDescription": "CHINA", "regionId": 7},
    {"countryCode": 2010, "countryName": "MEXICO  ", "countryDescription": "MEXICO", "regionId": 4},
    {"countryCode": 5880, "countryName": "JAPAN   ", "countryDescription": "JAPAN", "regionId": 7},
]
COMMODITIES = [
    {"commodityCode": 801, "commodityName": "Soybeans", "unitId": 1},
    {"commodityCode": 901, "commodityName": "Soybean cake & meal", "unitId": 1},
    {"commodityCode": 902, "commodityName": "Soybean oil", "unitId": 1},
]
UNITS = [{"unitId": 1, "unitNames": "Metric Tons"}, {"unitId": 2, "unitNames": "Running Bales"}]
REGIONS = [
    {"regionId": 4, "regionName": "NORTH AMERICA"},
    {"regionId": 7, "regionName": "EAST ASIA"},
]
REFERENCE = {
    "countries": COUNTRIES,
    "commodities": COMMODITIES,
    "unitsOfMeasure": UNITS,
    "regions": REGIONS,
}
# Made-up weekly scale per commodity and country, metric tons.
SCALE = {801: 40_000, 901: 15_000, 902: 2_000}
SHARE = {5700: 5, 2010: 3, 5880: 2}


def thursdays(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every Thursday from `first` to `last`."""
    start = first + dt.timedelta(days=(3 - first.weekday()) % 7)
    return [start + dt.timedelta(weeks=n) for n in range((last - start).days // 7 + 1)]


def record(code: int, country: int, week: dt.date, **changes: object) -> dict:
    """One made-up export record of `code` to `country` for the week ending `week`."""
    wave = (week.toordinal() * 37 + country * 11 + code) % 17  # 0..16, deterministic
    weekly = SCALE[code] * SHARE[country] // 10 * (wave + 4) // 10
    net = weekly + SCALE[code] // 20 * (wave - 8)
    fields = {
        "commodityCode": code,
        "countryCode": country,
        "weeklyExports": weekly,
        "accumulatedExports": weekly * 20,
        "outstandingSales": weekly * 6 + wave * 100,
        "grossNewSales": max(net, 0) + 500,
        "currentMYNetSales": net,
        "currentMYTotalCommitment": weekly * 26,
        "nextMYOutstandingSales": wave * 50,
        "nextMYNetSales": wave * 10,
        "unitId": 1,
        "weekEndingDate": f"{week.isoformat()}T00:00:00",
    }
    return fields | changes


def exports(code: int, weeks: list[dt.date]) -> list[dict]:
    """Every country's records of `code` for `weeks`."""
    return [record(code, country, week) for week in weeks for country in SHARE]


def write_esr(folder: Path, first: dt.date, last: dt.date, codes=(801, 902)) -> list[Path]:
    """Saved answers for the weeks ending `first`..`last` of each commodity, one file per
    commodity and marketing year (as the API serves them), plus the reference lists."""
    folder.mkdir(parents=True, exist_ok=True)
    files = []
    for stem, rows in REFERENCE.items():
        files.append(folder / f"constructed_{stem}.json")
        files[-1].write_text(json.dumps(rows))
    for code in codes:
        by_year: dict[int, list[dt.date]] = {}
        for week in thursdays(first, last):
            by_year.setdefault(usda_export_sales.market_year_of(code, week), []).append(week)
        for year, weeks in by_year.items():
            files.append(folder / f"constructed_exports_{code}_{year}.json")
            files[-1].write_text(json.dumps(exports(code, weeks)))
    return files


def nopa_table(first: dt.date, last: dt.date) -> str:
    """Made-up NOPA U.S. totals for the months `first`..`last`, release dates by the rule
    except every third month, which gives one explicitly (a day after the rule's)."""
    lines = [",".join(nopa.COLUMNS)]
    month = first.replace(day=1)
    n = 0
    while month <= last:
        wave = (month.year * 12 + month.month) % 7
        released = ""
        if n % 3 == 0:
            next_month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=16)
            released = next_month.isoformat()
        lines.append(
            f"{month:%Y-%m},{released},{170000 + 4000 * wave},{1700000 - 30000 * wave},"
            f"{11.5 + 0.05 * wave:.2f}"
        )
        month = (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        n += 1
    return "\n".join(lines) + "\n"


def write_nopa(folder: Path, first: dt.date, last: dt.date) -> Path:
    """`nopa_table` as constructed_nopa_<first>_<last>.csv in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"constructed_nopa_{first:%Y-%m}_{last:%Y-%m}.csv"
    path.write_text(nopa_table(first, last))
    return path
