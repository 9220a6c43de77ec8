"""Databento GLBX.MDP3 bars: import batch-download files or pull live, land them in raw.*.

Both modes go through the same parser: DBN bytes -> `DBNStore` -> one Arrow table per file,
routed by the schema in the file's own metadata. Futures bars (continuous symbols such as
`ZL.v.0`) land in `raw.databento_futures_ohlcv_1h` / `_1d`; bars requested by parent land
joined with their `definition` records: options (`ZL.OPT`) in `raw.databento_options_ohlcv_1d`,
every futures contract (`ZL.FUT`: the deferred months a term structure needs) in
`raw.databento_futures_contracts_ohlcv_1d`.

A file is checked before anything from it is written (extractors/dbn.py: complete zstd
frames, whole records of the header's type, bars reaching the end of the file's period). When
the folder holds the batch's `manifest.json` (the file list of Databento's batch API: filename,
size, `sha256:` hash), every file is also checked against its size and hash.

The package by job: `tables` (names, settings, raw tables), `files` (DBN files into raw rows),
`live` (the API pull and the daily update); this module declares the source and its
subcommand.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import duckdb

from common.errors import ExtractorError
from extractors.databento.files import bars_table, definitions_frame, import_path, to_price
from extractors.databento.live import pull, update
from extractors.databento.tables import (
    API_KEY_VARIABLE,
    COMMAND,
    CONTRACTS_TABLE,
    FUTURES_TABLES,
    GATEWAY_VARIABLE,
    MANIFEST,
    OPTIONS_TABLE,
    SOURCE,
    TABLES,
)
from extractors.dbn import BAR_SCHEMAS, read_dbn
from extractors.declaration import Coverage, Freshness, Source

__all__ = [
    "COMMAND",
    "CONTRACTS_TABLE",
    "DECLARATION",
    "FUTURES_TABLES",
    "GATEWAY_VARIABLE",
    "MANIFEST",
    "OPTIONS_TABLE",
    "SOURCE",
    "import_path",
    "pull",
    "to_price",
]


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of `cbi ingest databento`."""
    parser.add_argument("--from-dir", metavar="DIR", help="a Databento batch download folder")
    parser.add_argument("--schema", choices=BAR_SCHEMAS, help="bar schema (live)")
    parser.add_argument(
        "--symbols", help="comma-separated, e.g. ZL.v.0,ZS.v.0, or ZL.OPT / ZL.FUT (parent)"
    )
    parser.add_argument("--start", help="first date, YYYY-MM-DD (live)")
    parser.add_argument("--end", help="end date, exclusive, YYYY-MM-DD (live)")
    parser.add_argument(
        "--stype-in",
        default="continuous",
        choices=["continuous", "parent", "raw_symbol"],
        help="symbology of --symbols (default continuous; ZL.OPT and ZL.FUT need parent)",
    )
    parser.add_argument(
        "--max-cost",
        default="1.0",
        help="refuse a live pull priced above this many US dollars, a number >= 0 (default 1.0)",
    )


def ingest(con: duckdb.DuckDBPyConnection, args: argparse.Namespace) -> int:
    """`cbi ingest databento`: import a folder, or pull live when no folder is given."""
    if args.from_dir:
        return import_path(con, Path(args.from_dir))
    missing = [name for name in ("schema", "symbols", "start", "end") if not getattr(args, name)]
    if missing:
        flags = ", ".join(f"--{name}" for name in missing)
        raise ExtractorError(f"databento: give --from-dir DIR, or {flags} for a live pull")
    return pull(
        con,
        schema=args.schema,
        symbols=[s.strip() for s in args.symbols.split(",") if s.strip()],
        start=args.start,
        end=args.end,
        stype_in=args.stype_in,
        max_cost=args.max_cost,
    )


DECLARATION = Source(
    name=SOURCE,
    command=COMMAND,
    help="Databento GLBX.MDP3 bars: import a batch folder or pull live",
    description=(
        "Import every *.dbn / *.dbn.zst file in a folder (--from-dir), or pull from the live "
        "API with DATABENTO_API_KEY (--schema --symbols --start --end)."
    ),
    docs=(
        "Databento GLBX.MDP3 (CME Globex) bars landed by `cbi ingest databento` "
        "(extractors/databento), one row per symbol and bar. Prices are in the exchange's "
        "units (see _databento__docs.md)."
    ),
    tables=TABLES,
    credential=API_KEY_VARIABLE,
    cadence="hourly bars, CME Globex sessions",
    publication="a bar is public when it closes (ts_event + its length); staging derives it",
    freshness=Freshness(warn_after_days=3, error_after_days=7, loaded_at_field="ts_event"),
    coverage=Coverage(
        window_days=30,
        buckets={
            b: True for b in ("crush", "china", "fx", "fed", "biofuel", "energy", "volatility")
        },
    ),
    parsers={"dbn": read_dbn, "bars": bars_table, "definitions": definitions_frame},
    add_arguments=add_arguments,
    ingest=ingest,
    import_path=import_path,
    cut_snapshot=None,
    update=update,
)
