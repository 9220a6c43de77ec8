"""Databento GLBX.MDP3 bars: import batch-download files or pull live, land them in raw.*.

Both modes go through the same parser: DBN bytes -> `DBNStore` -> one DataFrame per file, routed by
the schema in the file's own metadata. Futures bars (continuous symbols such as `ZL.v.0`) land
in `raw.databento_futures_ohlcv_1h` / `_1d`; bars requested by parent land joined with their
`definition` records: options (`ZL.OPT`) in `raw.databento_options_ohlcv_1d`, every futures
contract (`ZL.FUT`: the deferred months a term structure needs) in
`raw.databento_futures_contracts_ohlcv_1d`.

A file is checked before anything from it is written: every zstd frame must be complete, the
DBN body must be a whole number of records of the type its header names, and its last bar must
reach the end of the period its metadata claims (within a long market closure). `DBNStore`
alone accepts a file cut inside or between zstd frames and silently returns fewer bars. When
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
import zstandard
from tqdm import tqdm

from common.errors import ExtractorError, MissingCredentialError, UserError, network_errors
from common.project import market_symbols
from common.validate import arguments_of, date_window, non_negative_amount
from extractors.core import merge_rows, recorded_load

log = logging.getLogger(__name__)
T = TypeVar("T")

SOURCE = "databento"
COMMAND = "databento"
HELP = "Databento GLBX.MDP3 bars: import a batch folder or pull live"
DESCRIPTION = (
    "Import every *.dbn / *.dbn.zst file in a folder (--from-dir), or pull from the live API "
    "with DATABENTO_API_KEY (--schema --symbols --start --end)."
)
DATASET = "GLBX.MDP3"
API_KEY_VARIABLE = "DATABENTO_API_KEY"
CREDENTIAL = API_KEY_VARIABLE
# Most a daily update may spend, in US dollars (default 1.0).
MAX_COST_VARIABLE = "CBI_DATABENTO_MAX_COST"
# Base URL of the historical API; tests point it at a local server. Must be https.
GATEWAY_VARIABLE = "DATABENTO_GATEWAY"

FUTURES_TABLES = {
    "ohlcv-1h": "raw.databento_futures_ohlcv_1h",
    "ohlcv-1d": "raw.databento_futures_ohlcv_1d",
}
OPTIONS_TABLE = "raw.databento_options_ohlcv_1d"
# Every listed contract of a futures parent (ZL.FUT: outrights and calendar spreads), the
# deferred months a term structure needs, with their definitions (raw symbol, expiration).
CONTRACTS_TABLE = "raw.databento_futures_contracts_ohlcv_1d"
KEY = ("symbol", "ts_event")

_FUTURES_COLUMNS = """
    symbol        varchar not null,
    ts_event      timestamptz not null,
    instrument_id bigint not null,
    publisher_id  integer,
    open          double,
    high          double,
    low           double,
    close         double,
    volume        bigint,
    source        varchar not null,
    loaded_at     timestamptz not null,
    primary key (symbol, ts_event)
"""
_PARENT_COLUMNS = """
    symbol           varchar not null,
    parent           varchar not null,
    ts_event         timestamptz not null,
    instrument_id    bigint not null,
    open             double,
    high             double,
    low              double,
    close            double,
    volume           bigint,
    underlying       varchar,
    instrument_class varchar,
    strike_price     double,
    expiration       timestamptz,
    source           varchar not null,
    loaded_at        timestamptz not null,
    primary key (symbol, ts_event)
"""
DDL = f"""
create schema if not exists raw;
create table if not exists {FUTURES_TABLES["ohlcv-1h"]} ({_FUTURES_COLUMNS});
create table if not exists {FUTURES_TABLES["ohlcv-1d"]} ({_FUTURES_COLUMNS});
create table if not exists {OPTIONS_TABLE} ({_PARENT_COLUMNS});
create table if not exists {CONTRACTS_TABLE} ({_PARENT_COLUMNS});
"""

_BAR_SCHEMAS = ("ohlcv-1h", "ohlcv-1d")
_BAR_NS = {"ohlcv-1h": 3_600 * 10**9, "ohlcv-1d": 86_400 * 10**9}
# The longest CME closure (a holiday next to a weekend) is about 3.5 days; in the 175 files of
# the real batch the last bar is at most 52 hours before the end of the file's period. A file
# whose bars stop earlier than this (plus one bar) before that end was cut.
MAX_CLOSURE_NS = 4 * 86_400 * 10**9
MANIFEST = "manifest.json"
_PRICE_COLUMNS = ("open", "high", "low", "close")
_DBN_MAGIC = b"DBN"
_DBN_PREFIX = 8  # "DBN", version byte, u32 metadata length


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw Databento tables if they do not exist yet."""
    con.execute(DDL)


def to_price(fixed: pd.Series) -> pd.Series:
    """DBN fixed-point prices (units of 1e-9) as floats in exchange units; undefined -> NaN.

    The one place a DBN price becomes a float.
    """
    values = fixed.to_numpy(dtype=np.int64)
    prices = values / databento_dbn.FIXED_PRICE_SCALE
    prices[values == databento_dbn.UNDEF_PRICE] = np.nan
    return pd.Series(prices, index=fixed.index, name=fixed.name)


def read_dbn(path: Path) -> bytes:
    """The decompressed DBN bytes of a `.dbn` or `.dbn.zst` file, checked to be complete.

    Raises ExtractorError naming the file if a zstd frame is cut, the DBN header is missing or
    the body is not a whole number of records.
    """
    raw = path.read_bytes()
    data = _decompress_frames(raw, path.name) if path.name.endswith(".zst") else raw
    offsets = _check_records(data, path.name)
    _check_contents(data, offsets, path.name)
    return data


def _decompress_frames(raw: bytes, name: str) -> bytes:
    """Decompress every zstd frame; a frame without its end means the file is truncated."""
    if not raw:
        raise ExtractorError(f"databento: {name} is empty")
    decompressor = zstandard.ZstdDecompressor()
    chunks: list[bytes] = []
    rest = memoryview(raw)
    while len(rest):
        frame = decompressor.decompressobj()
        try:
            chunks.append(frame.decompress(rest))
        except zstandard.ZstdError as exc:
            raise ExtractorError(f"databento: {name} is not valid zstd ({exc})") from None
        if not frame.eof:
            done = len(raw) - len(rest)
            raise ExtractorError(
                f"databento: {name} is truncated: its last zstd frame (from byte {done:,} of "
                f"{len(raw):,}) is incomplete; download the file again"
            )
        rest = rest[len(rest) - len(frame.unused_data) :]
    return b"".join(chunks)


def body_offset(data: bytes) -> int:
    """Where the records start in decompressed DBN bytes: after the prefix and the metadata."""
    return _DBN_PREFIX + int.from_bytes(data[4:_DBN_PREFIX], "little")


def _check_records(data: bytes, name: str) -> np.ndarray:
    """The DBN header is present and the body after the metadata is whole records.

    Returns where each record starts, counted from the start of the body.
    """
    if len(data) < _DBN_PREFIX or data[:3] != _DBN_MAGIC:
        raise ExtractorError(f"databento: {name} is not a DBN file (no DBN header)")
    body_start = body_offset(data)
    if body_start > len(data):
        raise ExtractorError(f"databento: {name} is truncated inside its DBN metadata")
    body = np.frombuffer(data, dtype=np.uint8, offset=body_start)
    if body.size == 0:
        return np.zeros(0, dtype=np.int64)
    record_len = int(body[0]) * 4
    if record_len == 0:
        raise ExtractorError(f"databento: {name} is corrupt: a record of length 0 at the start")
    uniform = body.size % record_len == 0 and bool(np.all(body[::record_len] == body[0]))
    if uniform:
        return np.arange(0, body.size, record_len, dtype=np.int64)
    return _walk_records(body, name)


def _walk_records(body: np.ndarray, name: str) -> np.ndarray:
    """Follow record lengths one by one (files that mix record types); the last must end flush."""
    offsets = []
    pos = 0
    while pos < body.size:
        length = int(body[pos]) * 4
        if length == 0:
            raise ExtractorError(f"databento: {name} is corrupt: a record of length 0")
        offsets.append(pos)
        pos += length
    if pos != body.size:
        raise ExtractorError(
            f"databento: {name} is truncated: its last record is cut "
            f"({body.size - (pos - length):,} of {length} bytes)"
        )
    return np.asarray(offsets, dtype=np.int64)


def _check_contents(data: bytes, offsets: np.ndarray, name: str) -> None:
    """Bar records are of the schema the header names and reach the end of its period."""
    body_start = body_offset(data)
    metadata = databento_dbn.Metadata.decode(
        data[:body_start], upgrade_policy=databento_dbn.VersionUpgradePolicy.AS_IS
    )
    schema = str(metadata.schema) if metadata.schema is not None else ""
    if schema not in _BAR_SCHEMAS:
        return
    body = np.frombuffer(data, dtype=np.uint8, offset=body_start)
    expected = int(databento_dbn.RType.from_schema(metadata.schema).value)
    wrong = body[offsets + 1] != expected
    if wrong.any():
        raise ExtractorError(
            f"databento: {name} is inconsistent: its header says {schema} but "
            f"{int(wrong.sum()):,} of {len(offsets):,} records are of another type "
            f"(rtype {int(body[offsets[wrong][0] + 1])}); download the file again"
        )
    if metadata.end is None or metadata.end == databento_dbn.UNDEF_TIMESTAMP:
        return
    stamps = sum(body[offsets + 8 + i].astype(np.uint64) << np.uint64(8 * i) for i in range(8))
    last = int(stamps.max()) if len(offsets) else metadata.start
    if metadata.end - last > MAX_CLOSURE_NS + _BAR_NS[schema]:
        raise ExtractorError(
            f"databento: {name} stops early: its last bar is at {_utc(last)} but the file "
            f"covers up to {_utc(metadata.end)} ({(metadata.end - last) / 86_400e9:.1f} days "
            "without a bar); it was probably cut, download it again"
        )


def _utc(ns: int) -> str:
    return pd.Timestamp(ns, unit="ns", tz="UTC").strftime("%Y-%m-%d %H:%M UTC")


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
    if str(store.metadata.stype_in) == "parent":
        return parent_table(store.metadata.symbols)
    if schema == "definition":
        return OPTIONS_TABLE
    return FUTURES_TABLES.get(schema, "raw.databento_*")


def parent_table(symbols: list[str]) -> str:
    """The table bars requested by parent symbol land in: every contract of a futures parent
    (`ZL.FUT`) in CONTRACTS_TABLE, options (`ZL.OPT`) in OPTIONS_TABLE; not both at once."""
    futures = {str(symbol).upper().endswith(".FUT") for symbol in symbols}
    if len(futures) > 1:
        raise ExtractorError(
            "databento: pull futures parents (ZL.FUT) and option parents (ZL.OPT) separately"
        )
    return CONTRACTS_TABLE if futures == {True} else OPTIONS_TABLE


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
    if schema not in _BAR_SCHEMAS:
        raise ExtractorError(
            f"databento: {source} has schema {schema or 'unknown'}; only ohlcv-1h and ohlcv-1d "
            "bars (and definition records for options) can be imported"
        )
    bars = bars_frame(store, source)
    loaded_at = pd.Timestamp.now(tz="UTC")
    if str(store.metadata.stype_in) == "parent":
        if schema != "ohlcv-1d":
            raise ExtractorError(
                f"databento: {source}: bars by parent symbol are only taken as ohlcv-1d"
            )
        contracts = _join_definitions(bars, definitions, source)
        table = parent_table(sorted(set(bars["symbol"])))
        return merge_rows(con, table, contracts.assign(loaded_at=loaded_at), KEY)
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
            f"databento: {source} holds bars by parent symbol but no definition records were "
            "given; "
            "put the `definition` file of the same request in the folder"
        )
    joined = bars.join(definitions, on="instrument_id", how="left")
    missing = joined["raw_symbol"].isna()
    if missing.any():
        ids = sorted(joined.loc[missing, "instrument_id"].unique())[:5]
        raise ExtractorError(
            f"databento: {source}: {int(missing.sum()):,} bars have no definition "
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
    `metadata.get_cost` first and refused above `max_cost` US dollars. Parent symbols
    (`--stype-in parent`: ZL.OPT, the options; ZL.FUT, every futures contract, the curve) also
    fetch the `definition` records of the window.
    """
    with arguments_of(SOURCE):
        if schema not in _BAR_SCHEMAS:
            raise UserError(f"--schema must be one of {', '.join(_BAR_SCHEMAS)}")
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
    target = parent_table(symbols) if options else FUTURES_TABLES[schema]
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
    parser.add_argument("--schema", choices=_BAR_SCHEMAS, help="bar schema (live)")
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
