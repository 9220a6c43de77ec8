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
import shutil
from pathlib import Path

import duckdb
import pandas as pd

from common.db import scalar
from common.errors import ExtractorError, MissingCredentialError, UserError
from common.http import fetch_json, parse_json, session
from common.validate import arguments_of, date_window
from extractors import tabular
from extractors.core import merge_rows, update_window
from extractors.declaration import Coverage, Freshness, Source
from extractors.eia.parse import RETAIL_SERIES, parse_api, parse_workbook
from extractors.eia.table import COMMAND, SOURCE, TABLE, WEEKLY_PRICES

log = logging.getLogger(__name__)

API_KEY_VARIABLE = "EIA_API_KEY"
# Base URL of API v2; tests point it at a local server.
API_URL_VARIABLE = "EIA_API_URL"
DEFAULT_API_URL = "https://api.eia.gov/v2"
ROUTE = "petroleum/pri/gnd"
PAGE_LENGTH = 5000

DIESEL_SERIES = "EMD_EPD2D_PTE_NUS_DPG"


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw EIA table if it does not exist yet."""
    DECLARATION.create_tables(con)


def land(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame, source: str) -> int:
    """Merge raw rows into raw.eia_weekly_prices; return the rows written."""
    ensure_tables(con)
    rows = rows.assign(source=source, loaded_at=pd.Timestamp.now(tz="UTC"))
    return merge_rows(con, TABLE, rows)


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
    last = scalar(con, f"select max(period_date) from {TABLE} where series_id = ?", [DIESEL_SERIES])
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


DECLARATION = Source(
    name=SOURCE,
    command=COMMAND,
    help="EIA weekly retail diesel and gasoline prices (spreadsheet or API v2)",
    description=(
        "Import EIA's weekly retail price workbook (PET_PRI_GND_DCUS_NUS_W.xls) or API v2 JSON "
        "(--from-file FILE or FOLDER), or pull API v2 with EIA_API_KEY (--start --end "
        "[--series])."
    ),
    docs=(
        "U.S. Energy Information Administration data landed by `cbi ingest eia` "
        "(extractors/eia): the weekly retail gasoline and diesel prices of the Gasoline and "
        "Diesel Fuel Update, from EIA's spreadsheet download or API v2. "
        "{{ doc('eia_weekly_available_at') }}"
    ),
    tables=(WEEKLY_PRICES,),
    credential=API_KEY_VARIABLE,
    cadence="weekly (Monday prices)",
    publication=(
        "the collection Monday (next business day after a holiday) at 17:00 ET; from 2025 "
        "the business day after at 10:00 ET"
    ),
    freshness=Freshness(warn_after_days=10, error_after_days=21),
    coverage=Coverage(window_days=30, buckets={"biofuel": False, "energy": False}),
    parsers={"workbook": parse_workbook, "api": parse_api},
    add_arguments=add_arguments,
    ingest=ingest,
    import_path=import_path,
    cut_snapshot=cut_snapshot,
    update=update,
)
