"""USDA FAS weekly export sales (ESR): soybeans, soybean meal and soybean oil, by destination.

Source: the FAS OpenData ESR API (key USDA_FAS_API_KEY; base URL and key header in
`extractors.fas_opendata`). Two kinds of answer, each read by one parser whether it comes from
the API or from a saved file:

- `/api/esr/exports/commodityCode/{code}/allCountries/marketYear/{year}`: a JSON list with one
  record per destination and week, fields `commodityCode, countryCode, weekEndingDate
  ("2024-06-06T00:00:00"), weeklyExports, accumulatedExports, outstandingSales, grossNewSales,
  currentMYNetSales, currentMYTotalCommitment, nextMYOutstandingSales, nextMYNetSales, unitId`
  (quantities in the unit of `unitId`; 1 = metric tons). Records do not carry their market
  year: it is the request's, so a saved answer is named `exports_<code>_<marketYear>.json`.
  Landed in `raw.usda_export_sales`, one row per commodity, destination, market year and week.
- the reference lists `/api/esr/countries` (countryCode, countryName (space-padded),
  regionId), `/api/esr/commodities` (commodityCode, commodityName, unitId),
  `/api/esr/unitsOfMeasure` (unitId, unitNames) and `/api/esr/regions` (regionId, regionName),
  saved as `countries.json`, `commodities.json`, `unitsOfMeasure.json`, `regions.json`; landed
  in `raw.usda_export_sales_reference`.

No real ESR answer exists in our data (see ../shared/data/PROVENANCE.md, "Not collected at
all"): the field names above come from public code that calls the API, and the test fixtures
built from them are named constructed_*. Nothing is bundled in the snapshot.

available_at: ESR publishes each week (Friday-Thursday, ending on the Thursday
`weekEndingDate`) on the following Thursday at 08:30 US Eastern; in a week with a federal
holiday on Monday to Thursday the report comes out one business day later (Friday). Reports
held back by a government shutdown are not modelled. A week restated by a later answer keeps
its first release instant (see models/staging/usda_export_sales/_usda_export_sales__docs.md).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
from pathlib import Path

import duckdb
import pandas as pd

from common.errors import ExtractorError, UserError
from common.http import parse_json, session
from common.validate import arguments_of
from extractors import fas_opendata, tabular
from extractors.core import merge_rows
from extractors.declaration import Column, Coverage, Freshness, Source, Table
from extractors.usda_export_sales.answers import (
    COMMODITIES,
    EXPORTS_FILE,
    EXPORTS_PATH,
    QUANTITIES,
    REFERENCE_LISTS,
    SOURCE,
    check_units,
    market_year_of,
    parse_exports,
    parse_reference,
)

log = logging.getLogger(__name__)

COMMAND = "usda-export-sales"
# Daily pulls fetch the marketing year of the week this many days ago: the first weeks of a
# new marketing year land once it is that old (an answer for a year with no week is an error).
UPDATE_LAG_DAYS = 14

EXPORTS = Table(
    name="usda_export_sales",
    description=(
        "The ESR exports answer of each commodity and marketing year, one row per commodity, "
        "destination (countryCode), marketing year and week (ending Thursday), quantities in "
        "the unit of unit_id."
    ),
    columns=(
        Column(
            "commodity_code",
            "integer",
            "ESR commodity code (801 soybeans, 901 soybean meal, 902 soybean oil).",
            nullable=False,
        ),
        Column("country_code", "integer", "ESR destination code (5700 China).", nullable=False),
        Column(
            "market_year",
            "integer",
            "Marketing year asked for (its first calendar year).",
            nullable=False,
        ),
        Column("week_ending_date", "date", "Thursday ending the reporting week.", nullable=False),
        *(
            # plausible: under a billion tons (more than the world's soybean crop) either way
            Column(
                column,
                "double",
                f"ESR {field}, in the unit of unit_id.",
                min_value=-1e9,
                max_value=1e9,
            )
            for field, column in QUANTITIES.items()
        ),
        Column(
            "unit_id",
            "integer",
            "ESR unit of the quantities (1 = metric tons).",
            nullable=False,
        ),
        Column(
            "available_at",
            "timestamptz",
            "{{ doc('usda_export_sales_available_at') }}",
            nullable=False,
        ),
    ),
    key=("commodity_code", "country_code", "market_year", "week_ending_date"),
    period_column="week_ending_date",
    published_column="available_at",
)
REFERENCE = Table(
    name="usda_export_sales_reference",
    description=(
        "The ESR reference lists (countries, commodities, units, regions), one row per list "
        "and code; parent_code is the region of a country and the unit of a commodity. Landed "
        "for reading the codes; no feature uses it, and it has no publication time (no "
        "freshness check)."
    ),
    columns=(
        Column("list_name", "varchar", "countries, commodities, units or regions.", nullable=False),
        Column(
            "code",
            "integer",
            "The list's code (countryCode, commodityCode, unitId, regionId).",
            nullable=False,
        ),
        Column("name", "varchar", "Its name, without the API's space padding.", nullable=False),
        Column(
            "parent_code",
            "integer",
            "The region of a country, the unit of a commodity; null otherwise.",
        ),
    ),
    key=("list_name", "code"),
    freshness_checked=False,
)
TABLE = EXPORTS.qualified
REFERENCE_TABLE = REFERENCE.qualified


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw export sales tables if they do not exist yet."""
    DECLARATION.create_tables(con)


def land(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame, table: str, source: str) -> int:
    """Merge parsed rows into `table` (exports or reference); return the rows written."""
    ensure_tables(con)
    rows = rows.assign(source=source, loaded_at=pd.Timestamp.now(tz="UTC"))
    return merge_rows(con, table, rows)


def _file_kind(name: str) -> tuple[str, str, tuple[int, int] | None]:
    """(table, list name or 'exports', (commodity, market year)) of a saved answer's name."""
    match = EXPORTS_FILE.fullmatch(name)
    if match:
        return TABLE, "exports", (int(match.group(1)), int(match.group(2)))
    stem = name.rsplit(".", 1)[0]
    for list_name, (file_stem, *_) in REFERENCE_LISTS.items():
        if stem.lower() == file_stem.lower() or stem.lower().endswith(f"_{file_stem.lower()}"):
            return REFERENCE_TABLE, list_name, None
    raise ExtractorError(
        f"{SOURCE}: {name} is not a saved ESR answer: expected exports_<code>_<marketYear>.json "
        f"or one of {', '.join(f'{s}.json' for s, *_ in REFERENCE_LISTS.values())}"
    )


def parse_file(path: Path) -> tuple[str, pd.DataFrame]:
    """A saved answer: its target table and raw rows."""
    table, list_name, request = _file_kind(path.name)
    text = tabular.decode_text(path.read_bytes(), SOURCE, path.name, "JSON")
    document = parse_json(text, SOURCE, path.name)
    if request is None:
        rows = parse_reference(document, path.name, list_name)
        if list_name == "units":
            check_units(rows, path.name)
        return table, rows
    return table, parse_exports(document, path.name, *request)


def import_path(con: duckdb.DuckDBPyConnection, path: Path) -> int:
    """Import a saved answer, or every one in a folder (reference lists first)."""
    files = tabular.files_to_import(Path(path), SOURCE, (".json",))
    target = {f: TABLE if EXPORTS_FILE.fullmatch(f.name) else REFERENCE_TABLE for f in files}
    ensure_tables(con)
    items = []
    for file in sorted(files, key=lambda f: (target[f] == TABLE, f.name)):

        def load(file: Path = file) -> int:
            table, rows = parse_file(file)
            return land(con, rows, table, file.name)

        items.append((file.name, target[file], load))
    return tabular.import_each(con, SOURCE, items, str(path))


def pull(
    con: duckdb.DuckDBPyConnection,
    *,
    market_years: list[int] | None = None,
    as_of: dt.date | None = None,
) -> int:
    """Pull the reference lists, then each commodity's export records of `market_years`
    (default: each commodity's marketing year of day `as_of`, default today); each is one
    recorded load. Returns the rows written."""
    as_of = as_of or dt.datetime.now(dt.UTC).date()
    with arguments_of(SOURCE):
        for year in market_years or []:
            if not 1990 <= year <= dt.date.today().year + 1:
                raise UserError(f"--market-year {year} is not a marketing year ESR can have")
    ensure_tables(con)
    fas_opendata.require_key(con, SOURCE, TABLE, f"live:{fas_opendata.url_of('/api/esr')}")
    http = session()
    items: list[tabular.Load] = []
    for list_name, (path_stem, *_) in REFERENCE_LISTS.items():
        path = f"/api/esr/{path_stem}"

        def load_list(path: str = path, list_name: str = list_name) -> int:
            where = fas_opendata.url_of(path)
            rows = parse_reference(fas_opendata.get_json(http, SOURCE, path), where, list_name)
            if list_name == "units":
                check_units(rows, where)
            return land(con, rows, REFERENCE_TABLE, f"live:{path}")

        items.append((f"live:{path}", REFERENCE_TABLE, load_list))
    for code in COMMODITIES:
        for year in market_years or [market_year_of(code, as_of)]:
            path = EXPORTS_PATH.format(code=code, year=year)

            def load_exports(path: str = path, code: int = code, year: int = year) -> int:
                document = fas_opendata.get_json(http, SOURCE, path)
                rows = parse_exports(document, fas_opendata.url_of(path), code, year)
                return land(con, rows, TABLE, f"live:{path}")

            items.append((f"live:{path}", TABLE, load_exports))
    return tabular.import_each(con, SOURCE, items, fas_opendata.url_of("/api/esr"))


def update(con: duckdb.DuckDBPyConnection, today: dt.date | None = None) -> int:
    """The daily pull: each commodity's marketing year of the day UPDATE_LAG_DAYS ago, all its
    weeks again (weeks already landed change nothing unless ESR restated them)."""
    today = today or dt.datetime.now(dt.UTC).date()
    return pull(con, as_of=today - dt.timedelta(days=UPDATE_LAG_DAYS))


# No real ESR answer exists in ../shared/data: the offline build has no export sales, China
# says so.
cut_snapshot = tabular.bundles_nothing(SOURCE, "ESR answer")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of `cbi ingest usda-export-sales`."""
    parser.add_argument(
        "--from-file", metavar="PATH", help="a saved ESR answer (.json), or a folder of them"
    )
    parser.add_argument(
        "--market-year",
        help="marketing year(s) to pull, e.g. 2024 or 2023,2024 (live; default: the current one)",
    )


def ingest(con: duckdb.DuckDBPyConnection, args: argparse.Namespace) -> int:
    """`cbi ingest usda-export-sales`: import files, or pull the API when none is given."""
    if args.from_file:
        return import_path(con, Path(args.from_file))
    years = None
    if args.market_year:
        with arguments_of(SOURCE):
            try:
                years = [int(y) for y in args.market_year.split(",") if y.strip()]
            except ValueError:
                raise UserError(f"--market-year {args.market_year!r} is not YYYY[,YYYY]") from None
    return pull(con, market_years=years)


DECLARATION = Source(
    name=SOURCE,
    command=COMMAND,
    help="USDA FAS weekly export sales (ESR API) of soybeans, meal and oil, by destination",
    description=(
        "Import saved ESR API answers (exports_<code>_<marketYear>.json and the reference "
        "lists countries.json, commodities.json, unitsOfMeasure.json, regions.json; "
        "--from-file FILE or FOLDER), or pull the ESR API with USDA_FAS_API_KEY "
        "(--market-year YEAR[,YEAR])."
    ),
    docs="{{ doc('usda_export_sales_source_note') }}",
    tables=(EXPORTS, REFERENCE),
    credential=fas_opendata.API_KEY_VARIABLE,
    cadence="weekly (Thursday, for the week ending the Thursday before)",
    publication=(
        "the Thursday after the week at 08:30 US Eastern; Friday in a week with a federal holiday"
    ),
    freshness=Freshness(warn_after_days=10, error_after_days=21),
    coverage=Coverage(window_days=30, buckets={"china": False}),
    parsers={"exports": parse_exports, "reference": parse_reference},
    add_arguments=add_arguments,
    ingest=ingest,
    import_path=import_path,
    cut_snapshot=cut_snapshot,
    update=update,
)
