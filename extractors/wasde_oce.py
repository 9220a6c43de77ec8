"""USDA OCE's machine-readable WASDE archives: zipped CSVs of many reports
(`oce-wasde-report-data-2010-04-to-2015-12.zip`, `...-2016-01-to-2020-12.zip`).

Each member is the OCE CSV layout with its header line (every field quoted, CRLF), 56-64 MB
unzipped, all tables of every report. Only the lines of the soybean tables are handed to the
OCE CSV parser (`extractors.wasde.parse_oce`), so an archive lands exactly the rows the
monthly file of each of its reports would. Attribute spelling drifts over the years
(`Ending Stocks` / `Ending stocks`, `Biodiesel`, `Methyl Ester`): it lands as published and
staging names it once.
"""

from __future__ import annotations

import csv
import re
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from common.errors import ExtractorError
from extractors import tabular

SOURCE = "usda_wasde"
OCE_COLUMNS = (
    "WasdeNumber",
    "ReportDate",
    "ReportTitle",
    "Attribute",
    "ReliabilityProjection",
    "Commodity",
    "Region",
    "MarketYear",
    "ProjEstFlag",
    "AnnualQuarterFlag",
    "Value",
    "Unit",
    "ReleaseDate",
    "ReleaseTime",
    "ForecastYear",
    "ForecastMonth",
)
# A marketing year as OCE prints it, e.g. 2024/25.
_MARKET_YEAR = re.compile(r"(\d{4})/(\d{2})")


def soybean_lines(data: bytes, tables: tuple[str, ...]) -> list[bytes]:
    """The header and the lines of `tables` of an OCE CSV's bytes, unchanged."""
    lines = data.splitlines(keepends=True)
    needles = [f'"{title}"'.encode() for title in tables] + [t.encode() for t in tables]
    kept = [lines[0]]
    for line in lines[1:]:
        if any(needle in line for needle in needles):
            fields = next(csv.reader([line.decode("utf-8", "replace")]), [])
            if len(fields) > 2 and fields[2] in tables:
                kept.append(line)
    return kept


def parse_archive(
    path: Path, tables: tuple[str, ...], parse_oce: Callable[[str, str], pd.DataFrame]
) -> pd.DataFrame:
    """Every CSV member of an OCE archive, cut to `tables` and read by `parse_oce`."""
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if m.filename.lower().endswith(".csv")]
            if not members:
                raise ExtractorError(f"{SOURCE}: {path.name} holds no .csv member")
            frames = []
            for member in members:
                lines = soybean_lines(archive.read(member), tables)
                text = b"".join(lines).decode("utf-8-sig")
                frames.append(parse_oce(text, f"{path.name}:{member.filename}"))
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise ExtractorError(f"{SOURCE}: {path.name} is not a readable zip ({exc})") from None
    return pd.concat(frames, ignore_index=True)


def parse_oce_rows(text: str, where: str, tables: tuple[str, ...]) -> pd.DataFrame:
    """An OCE WASDE CSV (with or without its header line): the rows of `tables`, before
    extractors.wasde gives them the raw columns and available_at."""
    frame = _read_oce(text, where)
    frame = frame.loc[frame["ReportTitle"].isin(tables)]
    if frame.empty:
        raise ExtractorError(
            f"{SOURCE}: {where} holds none of the soybean tables ({'; '.join(tables)})"
        )
    released = tabular.parse_dates(frame, "ReleaseDate", SOURCE, where, "%Y-%m-%d")
    year = tabular.parse_numbers(frame, "ForecastYear", SOURCE, where, tabular.INTEGER)
    month = tabular.parse_numbers(frame, "ForecastMonth", SOURCE, where, tabular.INTEGER)
    outside = [
        (day.year, day.month) != (y, m)
        for day, y, m in zip(released, year.astype(int), month.astype(int), strict=True)
    ]
    if any(outside):
        bad = frame.loc[outside].iloc[0]
        raise ExtractorError(
            f"{SOURCE}: {where}: field 'ReleaseDate' at line {bad['_line']} is "
            f"{bad['ReleaseDate']!r}, not in the report month ForecastYear "
            f"{bad['ForecastYear']}, ForecastMonth {bad['ForecastMonth']}"
        )
    report = [day.replace(day=1) for day in released]
    tabular.require_values(frame, "MarketYear", SOURCE, where, _MARKET_YEAR)
    times = frame["ReleaseTime"].str.extract(r"^(\d{2}):(\d{2})")
    if times.isna().any(axis=None):
        bad = frame.loc[times.isna().any(axis=1)].iloc[0]
        raise ExtractorError(
            f"{SOURCE}: {where}: field 'ReleaseTime' at line {bad['_line']} is "
            f"{bad['ReleaseTime']!r}, not HH:MM:SS"
        )
    rows = pd.DataFrame(
        {
            "report_month": report,
            "table_name": frame["ReportTitle"],
            "region": frame["Region"],
            "commodity": frame["Commodity"],
            "attribute": frame["Attribute"],
            "market_year": frame["MarketYear"],
            "projection_flag": frame["ProjEstFlag"].replace("", None),
            "value": tabular.parse_numbers(frame, "Value", SOURCE, where),
            "unit": frame["Unit"],
            "release_date": released,
            "release_minutes": times[0].astype(int) * 60 + times[1].astype(int),
        }
    )
    return rows


def _read_oce(text: str, where: str) -> pd.DataFrame:
    """read_csv of an OCE CSV; one without its header is read as if it had it, and its line
    numbers (in errors and `_line`) still count the file's own lines."""
    first = tabular.header_of(text)
    if first[:1] == [OCE_COLUMNS[0]] or not tabular.INTEGER.fullmatch(first[0] if first else ""):
        return tabular.read_csv(text, SOURCE, where, OCE_COLUMNS)
    if len(first) != len(OCE_COLUMNS):
        raise ExtractorError(
            f"{SOURCE}: {where}: line 1 has {len(first)} fields; a WASDE CSV without its "
            f"header has the {len(OCE_COLUMNS)} columns {','.join(OCE_COLUMNS)}"
        )
    try:
        frame = tabular.read_csv(",".join(OCE_COLUMNS) + "\n" + text, SOURCE, where, OCE_COLUMNS)
    except ExtractorError as exc:
        shifted = re.sub(r"line (\d+)", lambda m: f"line {int(m[1]) - 1}", str(exc))
        raise ExtractorError(shifted) from None
    return frame.assign(_line=frame["_line"] - 1)
