"""FRED series (rates, dollar, VIX ...): import CSV or JSON downloads, or pull the live API.

Both modes go through the same parsers and land in `raw.fred_economic`, one row per series,
observation date and publication instant (`available_at`):

- API JSON `series/observations` (the whole answer, or only its `observations` list): every
  row carries `realtime_start`, the date FRED started showing that value (its vintage);
  `available_at` is the end of that date in New York. Live pulls ask for every vintage since
  `--start` (`realtime_end=9999-12-31`), so a revised value lands as a new row beside the
  first one and each keeps its vintage.
- CSV downloads, old style `DATE,<ID>` with `.` for missing values and new style
  `observation_date,<ID>` with blanks, CRLF or LF (FRED does not always end the last line
  with a line end, so a last line without one is dropped with a warning: it may be cut off,
  e.g. `2.7` of 2.79): no vintage, so `available_at` is the end of
  the series' release day, `release_lag_business_days` US business days after the
  observation date (seed `fred_series`). A copy re-written by fredapi/pandas (`date,value`)
  reads the same, its series named by the file name.

The series list (bucket, units, release lag) is seed `seeds/fred_series.csv`, shared with dbt.
A row is landed only when it says something new: a vintage whose value equals the vintage
before it is dropped, so overlapping pulls and re-imports change nothing. A CSV row that
changes a stored value of the same release day is a correction the file does not date: it
lands as a new vintage public at its load time, and the stored one keeps its available_at.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from common import release
from common.db import scalar
from common.errors import ExtractorError, MissingCredentialError, UserError
from common.http import fetch_json, parse_json, session
from common.project import read_seed
from common.validate import arguments_of, date_window
from extractors.core import merge_rows, recorded_load, update_window
from extractors.declaration import Column, Coverage, Freshness, Source, Table
from extractors.tabular import (
    NUMBER,
    decode_text,
    drop_unterminated_line,
    files_to_import,
    header_of,
    import_each,
    parse_dates,
    parse_numbers,
    read_csv,
)

log = logging.getLogger(__name__)

SOURCE = "fred"
COMMAND = "fred"
API_KEY_VARIABLE = "FRED_API_KEY"
# Base URL of the API; tests point it at a local server.
API_URL_VARIABLE = "FRED_API_URL"
DEFAULT_API_URL = "https://api.stlouisfed.org/fred"
DATE_COLUMNS = ("DATE", "observation_date")
# A FRED series re-written by fredapi/pandas (`date,value`, missing days dropped): the series
# is the file name up to its first `_` or `.`, as for a JSON file (DEXCHUS_1981-2025-09_...).
RESERIALISED_HEADER = ("date", "value")
SUFFIXES = (".csv", ".json", ".txt")
# Observations before this date are left out of the bundled snapshot (the futures start in
# 2010; three years of history before them fill the longest windows).
SNAPSHOT_FIRST_DATE = dt.date(2005, 1, 1)
# The real files in ../shared/data/fred the models use: one vintage per series, several files
# where one does not span 2005-2024 (overlapping files agree on every common date).
SNAPSHOT_FILES = (
    "DFF_1954-2025-10.csv",
    "DFEDTARU_2008-2025-12.csv",
    "DGS2_1976-2026-03.csv",
    "DGS10.csv",
    "DGS10_2010-2026.csv",
    "T10Y2Y_1976-2026.csv",
    "DTWEXBGS_2015-2026.csv",
    "DEXBZUS.csv",
    "DEXBZUS_2021-2026.csv",
    "DEXCHUS.csv",
    "DEXCHUS_2019-2024.csv",
    "third_party_processed/DEXCHUS_1981-2025-09_header_date_value.csv",
    "VIXCLS_1990-2026-03.csv",
)

ECONOMIC = Table(
    name="fred_economic",
    description=(
        "One row per series, observation date and publication instant (available_at): a "
        "revised value is a second row with its own vintage, never an overwrite."
    ),
    columns=(
        Column(
            "series_id", "varchar", "FRED series id, e.g. DGS10 (seed fred_series).", nullable=False
        ),
        Column("observation_date", "date", "The date the value describes.", nullable=False),
        Column(
            "value",
            "double",
            "The value, in the series' units (seed fred_series); null where FRED has none "
            "(`.` or blank).",
            # wide enough for every series of the seed (yen per dollar ~360, WTI -37 in 2020)
            min_value=-100,
            max_value=1000,
        ),
        Column(
            "vintage_date",
            "date",
            "FRED's realtime_start (the vintage) when the file gave one; null for CSV downloads.",
        ),
        Column("available_at", "timestamptz", "{{ doc('fred_available_at') }}", nullable=False),
    ),
    key=("series_id", "observation_date"),
    period_column="observation_date",
    published_column="available_at",
    dating_columns=("vintage_date",),
)
TABLE = ECONOMIC.qualified


@dataclass(frozen=True)
class Series:
    """One row of seed fred_series."""

    series_id: str
    bucket: str
    units: str
    release_lag_business_days: int


def series_config() -> dict[str, Series]:
    """The series FRED rows may carry, by id (seed fred_series)."""
    return {
        row["series_id"]: Series(
            row["series_id"], row["bucket"], row["units"], int(row["release_lag_business_days"])
        )
        for row in read_seed("fred_series")
    }


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create raw.fred_economic if it does not exist yet."""
    DECLARATION.create_tables(con)


def _known_series(series_id: str, where: str) -> Series:
    config = series_config()
    if series_id not in config:
        raise ExtractorError(
            f"fred: {where}: series {series_id!r} is not in seeds/fred_series.csv; add it "
            "with its bucket, units and release lag"
        )
    return config[series_id]


def parse_csv(text: str, where: str) -> pd.DataFrame:
    """A FRED CSV download: `DATE,<ID>` (`.` = missing) or `observation_date,<ID>` (blank)."""
    header = header_of(text)
    if header == list(RESERIALISED_HEADER):
        series_id = where.split("_")[0].split(".")[0]
    elif len(header) != 2 or header[0] not in DATE_COLUMNS:
        raise ExtractorError(
            f"fred: {where} has header {','.join(header)!r}; expected a FRED download, "
            "DATE,<SERIES> or observation_date,<SERIES>"
        )
    else:
        series_id = header[1]
    date_column, value_column = header
    _known_series(series_id, where)
    table = read_csv(drop_unterminated_line(text, SOURCE, where), SOURCE, where, header)
    table[value_column] = table[value_column].replace(".", "")
    return pd.DataFrame(
        {
            "series_id": series_id,
            "observation_date": parse_dates(table, date_column, SOURCE, where, "%Y-%m-%d"),
            "value": parse_numbers(table, value_column, SOURCE, where, NUMBER, blank_ok=True),
            "vintage_date": None,
            "_line": table["_line"],
        }
    )


def parse_observations(payload: Any, where: str, series_id: str) -> pd.DataFrame:
    """API JSON: the `series/observations` answer or its bare `observations` list."""
    _known_series(series_id, where)
    if isinstance(payload, dict):
        if "error_message" in payload:
            raise ExtractorError(f"fred: {where} answered an error: {payload['error_message']}")
        if "observations" not in payload:
            raise ExtractorError(f"fred: {where} has no field 'observations'")
        payload = payload["observations"]
    if not isinstance(payload, list):
        raise ExtractorError(f"fred: {where} is not a list of observations")
    fields = ("date", "value", "realtime_start")
    for position, observation in enumerate(payload, start=1):
        missing = [f for f in fields if not isinstance(observation, dict) or f not in observation]
        if missing:
            raise ExtractorError(
                f"fred: {where}: observation {position} has no field {missing[0]!r}"
            )
    table = pd.DataFrame(
        [[str(o[f]).strip() for f in fields] for o in payload], columns=list(fields)
    ).assign(_line=range(1, len(payload) + 1))
    table["value"] = table["value"].replace(".", "")
    return pd.DataFrame(
        {
            "series_id": series_id,
            "observation_date": parse_dates(table, "date", SOURCE, where, "%Y-%m-%d"),
            "value": parse_numbers(table, "value", SOURCE, where, NUMBER, blank_ok=True),
            "vintage_date": parse_dates(table, "realtime_start", SOURCE, where, "%Y-%m-%d"),
        }
    )


def with_available_at(frame: pd.DataFrame) -> pd.DataFrame:
    """Add available_at: the end (New York) of the vintage date when there is one, else of the
    release day `release_lag_business_days` US business days after the observation date."""
    frame = frame.copy()
    config = series_config()
    published = pd.Series(frame["vintage_date"], index=frame.index, dtype=object, copy=True)
    for series_id, rows in frame.groupby("series_id").groups.items():
        lag = config[str(series_id)].release_lag_business_days
        undated = published.loc[rows].isna()
        if undated.any():
            index = undated[undated].index
            published.loc[index] = release.business_days_after(
                frame.loc[index, "observation_date"], lag
            )
    frame["available_at"] = release.end_of_day(published)
    return frame


def land(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame, source: str) -> int:
    """Land parsed observations: new information only; return the rows written."""
    ensure_tables(con)
    frame = with_available_at(frame).assign(source=source, loaded_at=pd.Timestamp.now(tz="UTC"))
    frame["value"] = frame["value"].astype("float64")
    return merge_rows(con, TABLE, frame)


def parse_file(path: Path) -> pd.DataFrame:
    """One downloaded file: CSV by its header, JSON by its first character."""
    text = decode_text(path.read_bytes(), SOURCE, path.name)
    if text.lstrip()[:1] in ("[", "{"):
        series_id = path.name.split("_")[0].split(".")[0]
        return parse_observations(parse_json(text, SOURCE, path.name), path.name, series_id)
    return parse_csv(text, path.name)


def import_path(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Import a FRED file, or every *.csv / *.json file of a folder; return the rows written.

    The series of a CSV is its header's second column; of a JSON file, its name up to the
    first `_` or `.` (e.g. DGS10_observations.json). Each file is one recorded load.
    """
    files = files_to_import(path, SOURCE, SUFFIXES)
    ensure_tables(con)
    loads = [(f.name, TABLE, lambda f=f: land(con, parse_file(f), f.name)) for f in files]
    return import_each(con, SOURCE, loads, str(path))


def pull(
    con: duckdb.DuckDBPyConnection,
    *,
    start: str,
    end: str,
    series: list[str] | None = None,
    api_url: str | None = None,
) -> int:
    """Pull every vintage since `start` of each series from the live API; return rows written.

    The key comes from FRED_API_KEY; it travels as a query parameter, which `fetch` never
    prints or logs. Each series is one recorded load.
    """
    config = series_config()
    with arguments_of(SOURCE):
        first, last = date_window(start, end, end_exclusive=False)
        series = series or list(config)
        unknown = [s for s in series if s not in config]
        if unknown:
            raise UserError(
                f"--series {','.join(unknown)} not in seeds/fred_series.csv "
                f"(known: {','.join(config)})"
            )
    key = os.environ.get(API_KEY_VARIABLE, "").strip()
    if not key:
        raise MissingCredentialError(API_KEY_VARIABLE, SOURCE)
    ensure_tables(con)
    base = (api_url or os.environ.get(API_URL_VARIABLE) or DEFAULT_API_URL).rstrip("/")
    url = f"{base}/series/observations"
    http = session()
    total = 0
    for series_id in series:
        window = f"live:{series_id}:{first}..{last}"
        with recorded_load(con, SOURCE, TABLE, window) as load:
            payload = fetch_json(
                http,
                SOURCE,
                url,
                params={
                    "series_id": series_id,
                    "api_key": key,
                    "file_type": "json",
                    "observation_start": first.isoformat(),
                    "observation_end": last.isoformat(),
                    "realtime_start": first.isoformat(),
                    "realtime_end": "9999-12-31",
                },
            )
            frame = parse_observations(payload, f"{url} ({series_id})", series_id)
            load.rows = land(con, frame, window)
        total += load.rows
    return total


def update(con: duckdb.DuckDBPyConnection, today: dt.date | None = None) -> int:
    """The daily pull: every series of the seed, from two weeks before the last landed
    observation (revisions land as new vintages) to today; two years into an empty table."""
    ensure_tables(con)
    last = scalar(con, f"select max(observation_date) from {TABLE}")
    start, end = update_window(last, today)
    return pull(con, start=start, end=end)


def cut_snapshot(shared: Path, destination: Path) -> None:
    """Copy SNAPSHOT_FILES from `shared`/fred into `destination`, keeping the header and the
    lines dated from SNAPSHOT_FIRST_DATE, byte for byte (line endings included)."""
    used = {s.series_id for s in series_config().values() if s.bucket}
    if destination.exists():
        shutil.rmtree(destination)
    destination.mkdir(parents=True)
    for name in SNAPSHOT_FILES:
        lines = (shared / "fred" / name).read_bytes().splitlines(keepends=True)
        target = Path(name).name
        header = lines[0].decode().strip().split(",")
        series_id = target.split("_")[0] if tuple(header) == RESERIALISED_HEADER else header[1]
        if series_id not in used:
            raise ExtractorError(f"fred: snapshot file {target} holds {series_id}, not used")
        kept = [lines[0]] + [
            line for line in lines[1:] if line[:10].decode() >= SNAPSHOT_FIRST_DATE.isoformat()
        ]
        (destination / target).write_bytes(b"".join(kept))


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of `cbi ingest fred`."""
    parser.add_argument(
        "--from-file", metavar="PATH", help="a FRED CSV/JSON download, or a folder of them"
    )
    parser.add_argument("--series", help="comma-separated ids (live; default: the seed's list)")
    parser.add_argument("--start", help="first observation date, YYYY-MM-DD (live)")
    parser.add_argument("--end", help="last observation date, YYYY-MM-DD (live; default today)")


def ingest(con: duckdb.DuckDBPyConnection, args: argparse.Namespace) -> int:
    """`cbi ingest fred`: import a file or folder, or pull live when none is given."""
    if args.from_file:
        return import_path(con, Path(args.from_file))
    if not args.start:
        raise ExtractorError("fred: give --from-file PATH, or --start DATE for a live pull")
    return pull(
        con,
        start=args.start,
        end=args.end or dt.date.today().isoformat(),
        series=[s.strip() for s in args.series.split(",") if s.strip()] if args.series else None,
    )


DECLARATION = Source(
    name=SOURCE,
    command=COMMAND,
    help="FRED series: import CSV/JSON downloads or pull the live API",
    description=(
        "Import FRED CSV downloads (DATE,<ID> or observation_date,<ID>) or API JSON "
        "observations (--from-file FILE or FOLDER), or pull the series of seeds/fred_series.csv "
        "from the live API with FRED_API_KEY (--start, --end, --series)."
    ),
    docs=(
        "FRED series (rates, dollar, VIX) landed by `cbi ingest fred` (extractors/fred.py) from "
        "CSV downloads, API JSON, or the live API. The series list, units and release lags are "
        "seed fred_series. {{ doc('fred_available_at') }}"
    ),
    tables=(ECONOMIC,),
    credential=API_KEY_VARIABLE,
    cadence="daily (business days)",
    publication=(
        "the end (New York) of the vintage date; without a vintage, of the release day "
        "release_lag_business_days after the observation date (seed fred_series)"
    ),
    freshness=Freshness(warn_after_days=4, error_after_days=10),
    coverage=Coverage(window_days=30, buckets={"fx": False, "fed": False, "volatility": False}),
    parsers={"csv": parse_csv, "json": parse_observations},
    add_arguments=add_arguments,
    ingest=ingest,
    import_path=import_path,
    cut_snapshot=cut_snapshot,
    update=update,
)
