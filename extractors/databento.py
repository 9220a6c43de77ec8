"""Databento GLBX.MDP3 bars: import batch-download files or pull live, land them in raw.*.

Both modes go through the same parser: DBN bytes -> `DBNStore` -> one DataFrame per file, routed by
the schema in the file's own metadata. Futures bars (continuous symbols such as `ZL.v.0`) land
in `raw.databento_futures_ohlcv_1h` / `_1d`; option bars requested by parent (`ZL.OPT`) land in
`raw.databento_options_ohlcv_1d`, joined with their `definition` records.

A file is checked before anything from it is written (extractors/dbn.py: complete zstd
frames, whole records of the header's type, bars reaching the end of the file's period). When
the folder holds the batch's `manifest.json` (the file list of Databento's batch API: filename,
size, `sha256:` hash), every file is also checked against its size and hash.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import logging
import os
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

import databento
import databento_dbn
import duckdb
import numpy as np
import pandas as pd
from tqdm import tqdm

from common.errors import ExtractorError, MissingCredentialError, UserError, network_errors
from common.project import market_symbols
from common.validate import arguments_of, date_window, non_negative_amount
from extractors.core import merge_rows, recorded_load
from extractors.dbn import BAR_SCHEMAS, read_dbn
from extractors.declaration import Column, Coverage, Freshness, Source, Table

log = logging.getLogger(__name__)
T = TypeVar("T")

SOURCE = "databento"
COMMAND = "databento"
DATASET = "GLBX.MDP3"
API_KEY_VARIABLE = "DATABENTO_API_KEY"
# Most a daily update may spend, in US dollars (default 1.0).
MAX_COST_VARIABLE = "CBI_DATABENTO_MAX_COST"
# Base URL of the historical API; tests point it at a local server. Must be https.
GATEWAY_VARIABLE = "DATABENTO_GATEWAY"

MANIFEST = "manifest.json"
_PRICE_COLUMNS = ("open", "high", "low", "close")


def _bar_columns(timestamp: str) -> tuple[Column, ...]:
    """The OHLCV columns of a bar table; `timestamp` describes ts_event."""
    return (
        Column("ts_event", "timestamptz", timestamp, nullable=False),
        Column(
            "instrument_id",
            "bigint",
            "Databento instrument id of the contract the bar belongs to.",
            nullable=False,
        ),
    )


_PRICE_DOC = "price in exchange units (cents per pound for ZL)."
_OHLCV = (
    *(Column(c, "double", f"{c.capitalize()} {_PRICE_DOC}", min_value=0) for c in _PRICE_COLUMNS),
    Column("volume", "bigint", "Contracts traded in the bar.", min_value=0),
)


def _futures_table(schema: str, description: str) -> Table:
    bar = "hourly" if schema == "ohlcv-1h" else "daily"
    return Table(
        name=f"databento_futures_{schema.replace('-', '_')}",
        description=description,
        columns=(
            Column(
                "symbol",
                "varchar",
                "Continuous symbol as requested, e.g. ZL.v.0 (front month by volume).",
                nullable=False,
            ),
            *_bar_columns(f"Bar open ({bar} bar), UTC."),
            Column("publisher_id", "integer", "Databento publisher (venue and dataset) id."),
            *_OHLCV,
        ),
        key=KEY,
        freshness_checked=schema == "ohlcv-1h",
    )


KEY = ("symbol", "ts_event")
FUTURES_1H = _futures_table(
    "ohlcv-1h",
    "One row per continuous symbol (e.g. ZL.v.0) and hourly bar open (ts_event, UTC). "
    "Freshness is measured on ts_event: the newest bar, not the newest load.",
)
FUTURES_1D = _futures_table(
    "ohlcv-1d",
    "One row per continuous symbol and daily bar (Databento's own UTC-day bars; same columns "
    "as the hourly table). The offline snapshot carries hourly bars only (empty offline), and "
    "the session bars are built from hourly bars. Freshness is not checked (nothing "
    "downstream depends on it).",
)
OPTIONS_1D = Table(
    name="databento_options_ohlcv_1d",
    description=(
        "One row per ZL option instrument and daily bar, with definition fields (strike, "
        "expiry, call/put). Empty offline: declared for lineage only; no required model "
        "depends on it, and freshness is not checked."
    ),
    columns=(
        Column(
            "symbol", "varchar", "The option's raw symbol (from its definition).", nullable=False
        ),
        Column("parent", "varchar", "Parent symbol requested, e.g. ZL.OPT.", nullable=False),
        *_bar_columns("Bar open (daily bar), UTC."),
        *_OHLCV,
        Column("underlying", "varchar", "Underlying futures contract."),
        Column("instrument_class", "varchar", "C (call) or P (put)."),
        Column("strike_price", "double", "Strike in exchange units.", min_value=0),
        Column("expiration", "timestamptz", "Expiry instant, UTC."),
    ),
    key=KEY,
    freshness_checked=False,
)
FUTURES_TABLES = {"ohlcv-1h": FUTURES_1H.qualified, "ohlcv-1d": FUTURES_1D.qualified}
OPTIONS_TABLE = OPTIONS_1D.qualified


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw Databento tables if they do not exist yet."""
    DECLARATION.create_tables(con)


def to_price(fixed: pd.Series) -> pd.Series:
    """DBN fixed-point prices (units of 1e-9) as floats in exchange units; undefined -> NaN.

    The one place a DBN price becomes a float.
    """
    values = fixed.to_numpy(dtype=np.int64)
    prices = values / databento_dbn.FIXED_PRICE_SCALE
    prices[values == databento_dbn.UNDEF_PRICE] = np.nan
    return pd.Series(prices, index=fixed.index, name=fixed.name)


def import_path(con: duckdb.DuckDBPyConnection, directory: Path) -> int:
    """Import every `*.dbn` / `*.dbn.zst` file in `directory`; return the rows landed.

    Each file is one recorded load (its file name is the window), routed by the schema in its
    metadata. Definition files are read first, so option bars in the same folder find their
    strike, expiry and call/put. A bad file does not stop the others: every good file lands,
    then one error lists each bad file and why (and `ops.load_log` has a row for each).
    """
    directory = Path(directory)
    if not directory.is_dir():
        raise ExtractorError(f"databento: {directory} is not a folder")
    files = sorted(
        (p for p in directory.iterdir() if p.is_file() and p.name.endswith((".dbn", ".dbn.zst"))),
        key=lambda p: (".definition." not in p.name, p.name),
    )
    manifest = read_manifest(directory)
    absent = sorted(set(manifest) - {p.name for p in files})
    if not files and not absent:
        raise ExtractorError(f"databento: no *.dbn or *.dbn.zst files in {directory}")
    ensure_tables(con)
    log.info("databento: importing %d files from %s", len(files), directory)
    definitions: list[pd.DataFrame] = []
    failures: list[str] = []
    total = 0
    with _deferred_checkpoint(con):
        for name in absent:
            failures.append(_record_absent(con, name))
        for path in tqdm(files, desc="databento files", unit="file", disable=None):
            try:
                total += _import_file(con, path, manifest.get(path.name), definitions)
            except Exception as exc:  # one bad file must not hide the files after it
                failures.append(
                    str(exc)
                    if isinstance(exc, ExtractorError)
                    else f"databento: {path.name}: {type(exc).__name__}: {exc}"
                )
    log.info("databento: %s rows landed from %d files", f"{total:,}", len(files) - len(failures))
    if failures:
        raise ExtractorError(
            f"databento: {len(failures)} of {len(files) + len(absent)} files in {directory} "
            f"failed (the others landed; see ops.load_log): " + " | ".join(failures)
        )
    return total


def _import_file(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    listed: dict[str, object] | None,
    definitions: list[pd.DataFrame],
) -> int:
    """One file as one recorded load; definition records are kept for later option bars."""
    with recorded_load(con, SOURCE, _guess_target(path.name), path.name) as load:
        if listed is not None:
            _check_listed(path, listed)
        store = databento.DBNStore.from_bytes(read_dbn(path))
        load.target_table = _target(store)
        if _schema(store) == "definition":
            definitions.append(definitions_frame(store))
            return 0
        known = _latest_definitions(pd.concat(definitions)) if definitions else None
        load.rows = land_store(con, store, source=path.name, definitions=known)
    return load.rows


def _record_absent(con: duckdb.DuckDBPyConnection, name: str) -> str:
    """A file the manifest lists but the folder lacks: a failed load in the log; the reason."""
    reason = f"databento: {name} is listed in {MANIFEST} but missing; download it"
    try:
        with recorded_load(con, SOURCE, _guess_target(name), name):
            raise ExtractorError(reason)
    except ExtractorError:
        return reason


def read_manifest(directory: Path) -> dict[str, dict[str, object]]:
    """The batch manifest's DBN entries by file name; empty when the folder has no manifest."""
    path = directory / MANIFEST
    if not path.exists():
        return {}
    try:
        entries = json.loads(path.read_text())
        if isinstance(entries, dict):
            entries = entries["files"]
        listed = {str(e["filename"]): e for e in entries}
        for entry in listed.values():
            int(entry["size"])
    except (ValueError, KeyError, TypeError) as exc:
        raise ExtractorError(
            f"databento: {path} is not a batch manifest (a list of filename, size, hash): {exc}"
        ) from None
    return {name: e for name, e in listed.items() if name.endswith((".dbn", ".dbn.zst"))}


def _check_listed(path: Path, entry: dict[str, object]) -> None:
    """The file has the size and sha256 hash the manifest lists."""
    size = path.stat().st_size
    if size != int(entry["size"]):
        raise ExtractorError(
            f"databento: {path.name} is {size:,} bytes but {MANIFEST} lists {int(entry['size']):,}"
            "; it is incomplete, download it again"
        )
    algorithm, _, digest = str(entry.get("hash", "")).partition(":")
    if algorithm == "sha256" and hashlib.sha256(path.read_bytes()).hexdigest() != digest:
        raise ExtractorError(
            f"databento: {path.name} does not match its sha256 hash in {MANIFEST}; "
            "download it again"
        )


@contextmanager
def _deferred_checkpoint(con: duckdb.DuckDBPyConnection) -> Iterator[None]:
    """Checkpoint once after many small loads instead of whenever the WAL passes 16 MB.

    Each checkpoint rewrites the primary-key index, so the default threshold makes a batch
    import quadratic (about twice as slow for the 175-file batch). The WAL is bounded by the
    batch size (about 1 GB of memory for the full batch).
    """
    threshold = con.execute("select current_setting('checkpoint_threshold')").fetchone()[0]
    con.execute("set checkpoint_threshold = '4GB'")
    try:
        yield
    finally:
        con.execute(f"set checkpoint_threshold = '{threshold}'")
        con.execute("checkpoint")


def _guess_target(name: str) -> str:
    """The table a file is expected to land in, from its name (until its metadata is read)."""
    if ".definition." in name:
        return OPTIONS_TABLE
    for schema, table in FUTURES_TABLES.items():
        if f".{schema}." in name:
            return table
    return "raw.databento_*"


def _target(store: databento.DBNStore) -> str:
    """The table a decoded file lands in, from its metadata."""
    schema = _schema(store)
    if schema == "definition" or str(store.metadata.stype_in) == "parent":
        return OPTIONS_TABLE
    return FUTURES_TABLES.get(schema, "raw.databento_*")


def _schema(store: databento.DBNStore) -> str:
    return str(store.schema) if store.schema is not None else ""


def land_store(
    con: duckdb.DuckDBPyConnection,
    store: databento.DBNStore,
    *,
    source: str,
    definitions: pd.DataFrame | None = None,
) -> int:
    """Land one decoded DBN store in its raw table; return the rows written (new or changed)."""
    schema = _schema(store)
    if schema not in BAR_SCHEMAS:
        raise ExtractorError(
            f"databento: {source} has schema {schema or 'unknown'}; only ohlcv-1h and ohlcv-1d "
            "bars (and definition records for options) can be imported"
        )
    bars = bars_frame(store, source)
    loaded_at = pd.Timestamp.now(tz="UTC")
    if str(store.metadata.stype_in) == "parent":
        if schema != "ohlcv-1d":
            raise ExtractorError(f"databento: {source}: option bars are only taken as ohlcv-1d")
        options = _join_definitions(bars, definitions, source)
        return merge_rows(con, OPTIONS_TABLE, options.assign(loaded_at=loaded_at), KEY)
    return merge_rows(con, FUTURES_TABLES[schema], bars.assign(loaded_at=loaded_at), KEY)


def bars_frame(store: databento.DBNStore, source: str) -> pd.DataFrame:
    """OHLCV records as rows: symbol as requested, ts_event (UTC), prices as floats."""
    frame = store.to_df(price_type="fixed", pretty_ts=True, map_symbols=True).reset_index()
    unmapped = frame["symbol"].isna()
    if unmapped.any():
        ids = sorted(frame.loc[unmapped, "instrument_id"].unique())[:5]
        raise ExtractorError(
            f"databento: {source}: {int(unmapped.sum()):,} records have an instrument_id with "
            f"no symbol mapping in the file's metadata (e.g. {ids})"
        )
    out = pd.DataFrame(
        {
            "symbol": frame["symbol"].astype(str),
            "ts_event": frame["ts_event"],
            "instrument_id": frame["instrument_id"].astype(np.int64),
            "publisher_id": frame["publisher_id"].astype(np.int32),
        }
    )
    for column in _PRICE_COLUMNS:
        out[column] = to_price(frame[column])
    out["volume"] = frame["volume"].astype(np.int64)
    out["source"] = source
    return out


def definitions_frame(store: databento.DBNStore) -> pd.DataFrame:
    """Instrument definitions: raw symbol, underlying, call/put, strike and expiry per id."""
    frame = store.to_df(price_type="fixed", pretty_ts=True, map_symbols=False).reset_index()
    out = pd.DataFrame(
        {
            "instrument_id": frame["instrument_id"].astype(np.int64),
            "ts_recv": frame["ts_recv"],
            "raw_symbol": frame["raw_symbol"].astype(str),
            "underlying": frame["underlying"].astype(str),
            "instrument_class": frame["instrument_class"].astype(str),
            "strike_price": to_price(frame["strike_price"]),
            "expiration": frame["expiration"],
        }
    )
    return out


def _empty_definitions() -> pd.DataFrame:
    return pd.DataFrame(
        columns=[
            "instrument_id",
            "ts_recv",
            "raw_symbol",
            "underlying",
            "instrument_class",
            "strike_price",
            "expiration",
        ]
    )


def _latest_definitions(frame: pd.DataFrame) -> pd.DataFrame:
    """One definition per instrument: the most recent one received."""
    return (
        frame.sort_values("ts_recv")
        .drop_duplicates("instrument_id", keep="last")
        .set_index("instrument_id")
    )


def _join_definitions(
    bars: pd.DataFrame, definitions: pd.DataFrame | None, source: str
) -> pd.DataFrame:
    """Option bars with their definition; every bar must find one."""
    if definitions is None or definitions.empty:
        raise ExtractorError(
            f"databento: {source} holds option bars but no definition records were given; "
            "put the `definition` file of the same request in the folder"
        )
    joined = bars.join(definitions, on="instrument_id", how="left")
    missing = joined["raw_symbol"].isna()
    if missing.any():
        ids = sorted(joined.loc[missing, "instrument_id"].unique())[:5]
        raise ExtractorError(
            f"databento: {source}: {int(missing.sum()):,} option bars have no definition "
            f"(instrument_id e.g. {ids}); include the definition records for the same window"
        )
    return pd.DataFrame(
        {
            "symbol": joined["raw_symbol"],
            "parent": joined["symbol"],
            "ts_event": joined["ts_event"],
            "instrument_id": joined["instrument_id"],
            **{column: joined[column] for column in (*_PRICE_COLUMNS, "volume")},
            "underlying": joined["underlying"],
            "instrument_class": joined["instrument_class"],
            "strike_price": joined["strike_price"],
            "expiration": joined["expiration"],
            "source": joined["source"],
        }
    )


def pull(
    con: duckdb.DuckDBPyConnection,
    *,
    schema: str,
    symbols: list[str],
    start: str,
    end: str,
    stype_in: str = "continuous",
    max_cost: float | str = 1.0,
    gateway: str | None = None,
) -> int:
    """Pull bars from the live historical API and land them; return the rows written.

    The key comes from DATABENTO_API_KEY and is never logged. The request is priced with
    `metadata.get_cost` first and refused above `max_cost` US dollars. Option symbols
    (`--stype-in parent`, e.g. ZL.OPT) also fetch the `definition` records of the window.
    """
    with arguments_of(SOURCE):
        if schema not in BAR_SCHEMAS:
            raise UserError(f"--schema must be one of {', '.join(BAR_SCHEMAS)}")
        date_window(start, end, end_exclusive=True)
        max_cost = non_negative_amount(max_cost, "--max-cost")
        if not symbols:
            raise UserError("--symbols is empty")
    key = os.environ.get(API_KEY_VARIABLE, "").strip()
    if not key:
        raise MissingCredentialError(API_KEY_VARIABLE, SOURCE)
    ensure_tables(con)
    client = databento.Historical(
        key=key,
        gateway=gateway or os.environ.get(GATEWAY_VARIABLE) or databento.HistoricalGateway.BO1,
    )
    options = stype_in == "parent"
    schemas = [schema, "definition"] if options else [schema]
    request = {"dataset": DATASET, "symbols": symbols, "start": start, "end": end}
    window = f"live:{schema}:{start}..{end}"
    target = OPTIONS_TABLE if options else FUTURES_TABLES[schema]
    with recorded_load(con, SOURCE, target, window) as load:
        cost = sum(
            _call(
                client.metadata.get_cost,
                "price the request",
                **request,
                schema=s,
                stype_in=stype_in,
            )
            for s in schemas
        )
        log.info("databento: %s for %s priced at $%.4f", window, ",".join(symbols), cost)
        if cost > max_cost:
            raise ExtractorError(
                f"databento: {window} for {','.join(symbols)} costs ${cost:.2f}, above "
                f"--max-cost ${max_cost:.2f}; narrow the request or raise --max-cost"
            )
        definitions = None
        with tempfile.TemporaryDirectory(prefix="cbi-databento-") as tmp:
            if options:
                definition_store = _fetch(client, Path(tmp), "definition", request, stype_in)
                definitions = _latest_definitions(definitions_frame(definition_store))
            store = _fetch(client, Path(tmp), schema, request, stype_in)
        load.rows = land_store(con, store, source=window, definitions=definitions)
    return load.rows


def _fetch(
    client: databento.Historical,
    folder: Path,
    schema: str,
    request: dict[str, object],
    stype_in: str,
) -> databento.DBNStore:
    """Stream one schema of the request to a file, then read it back through `read_dbn`.

    The download is checked like an imported file, so a response cut mid-stream is an error
    rather than fewer bars.
    """
    path = folder / f"live.{schema}.dbn.zst"
    _call(
        client.timeseries.get_range,
        f"fetch {schema}",
        **request,
        schema=schema,
        stype_in=stype_in,
        path=path,
    )
    return databento.DBNStore.from_bytes(read_dbn(path))


def _call(method: Callable[..., T], step: str, **kwargs: object) -> T:
    """Call the Databento client and turn its HTTP and network errors into one actionable line."""
    try:
        with network_errors(SOURCE, step):
            return method(**kwargs)
    except databento.BentoClientError as exc:
        hint = {
            401: "check DATABENTO_API_KEY",
            403: "the key has no access to this dataset or schema",
            429: "rate limited; wait a minute and retry",
        }.get(exc.http_status, "check the symbols, dates and schema")
        raise ExtractorError(
            f"databento: could not {step}: HTTP {exc.http_status} {exc.message or ''} ({hint})"
        ) from None
    except databento.BentoServerError as exc:
        raise ExtractorError(
            f"databento: could not {step}: server error HTTP {exc.http_status} "
            f"{exc.message or ''}; Databento is failing, retry later"
        ) from None
    except databento.BentoError as exc:
        raise ExtractorError(f"databento: could not {step}: {exc}") from None
    except databento_dbn.DBNError as exc:
        raise ExtractorError(
            f"databento: could not {step}: the response is not readable DBN ({exc}); "
            "it was probably cut off, retry"
        ) from None


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of `cbi ingest databento`."""
    parser.add_argument("--from-dir", metavar="DIR", help="a Databento batch download folder")
    parser.add_argument("--schema", choices=BAR_SCHEMAS, help="bar schema (live)")
    parser.add_argument("--symbols", help="comma-separated, e.g. ZL.v.0,ZS.v.0 or ZL.OPT")
    parser.add_argument("--start", help="first date, YYYY-MM-DD (live)")
    parser.add_argument("--end", help="end date, exclusive, YYYY-MM-DD (live)")
    parser.add_argument(
        "--stype-in",
        default="continuous",
        choices=["continuous", "parent", "raw_symbol"],
        help="symbology of --symbols (default continuous; ZL.OPT needs parent)",
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


def update(con: duckdb.DuckDBPyConnection, today: dt.date | None = None) -> int:
    """The daily pull: hourly bars of the market symbols from the last loaded day to today.

    The last loaded day is pulled again (its late bars may have been missing); re-landing
    unchanged bars changes nothing. Priced first and refused above $CBI_DATABENTO_MAX_COST.
    """
    ensure_tables(con)
    table = FUTURES_TABLES["ohlcv-1h"]
    last = con.execute(f"select max(ts_event) from {table}").fetchone()[0]
    if last is None:
        raise ExtractorError(
            f"databento: {table} is empty; load a history first (cbi ingest snapshot, or "
            "cbi ingest databento --from-dir DIR)"
        )
    end = today or dt.datetime.now(dt.UTC).date()
    start = last.astimezone(dt.UTC).date()
    if start >= end:
        return 0
    return pull(
        con,
        schema="ohlcv-1h",
        symbols=list(market_symbols()),
        start=start.isoformat(),
        end=end.isoformat(),
        max_cost=os.environ.get(MAX_COST_VARIABLE, "1.0"),
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
        "(extractors/databento.py), one row per symbol and bar. Prices are in the exchange's "
        "units (see _databento__docs.md)."
    ),
    tables=(FUTURES_1H, FUTURES_1D, OPTIONS_1D),
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
    parsers={"dbn": read_dbn, "bars": bars_frame, "definitions": definitions_frame},
    add_arguments=add_arguments,
    ingest=ingest,
    import_path=import_path,
    cut_snapshot=None,
    update=update,
)
