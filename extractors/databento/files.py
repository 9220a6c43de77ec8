"""DBN files into raw rows: a batch folder (manifest checked), each file routed by the
schema in its own metadata, bars requested by parent (options, every futures contract) joined
with their definitions, landed idempotently."""

from __future__ import annotations

import hashlib
import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import databento
import databento_dbn
import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
from tqdm import tqdm

from common.db import scalar
from common.errors import ExtractorError
from extractors.core import merge_rows, recorded_load
from extractors.databento.tables import (
    _PRICE_COLUMNS,
    FUTURES_TABLES,
    MANIFEST,
    OPTIONS_TABLE,
    SOURCE,
    ensure_tables,
    parent_table,
)
from extractors.dbn import BAR_SCHEMAS, read_dbn

log = logging.getLogger(__name__)

_NS_PER_DAY = 86_400 * 10**9


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


def _check_listed(path: Path, entry: dict[str, Any]) -> None:
    """The file has the size and sha256 hash the manifest lists (`entry`: its JSON object)."""
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
    threshold = scalar(con, "select current_setting('checkpoint_threshold')")
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
    bars = bars_table(store, source)
    loaded_at = pd.Timestamp.now(tz="UTC")
    if str(store.metadata.stype_in) == "parent":
        if schema != "ohlcv-1d":
            raise ExtractorError(
                f"databento: {source}: bars by parent symbol are only taken as ohlcv-1d"
            )
        frame = bars.to_pandas()
        contracts = _join_definitions(frame, definitions, source)
        table = parent_table(sorted(set(frame["symbol"])))
        return merge_rows(con, table, contracts.assign(loaded_at=loaded_at))
    stamps = pa.array([loaded_at], pa.timestamp("ns", "UTC")).take(np.zeros(len(bars), np.int32))
    return merge_rows(con, FUTURES_TABLES[schema], bars.append_column("loaded_at", stamps))


def bars_table(store: databento.DBNStore, source: str) -> pa.Table:
    """OHLCV records as rows: symbol as requested, ts_event (UTC), prices as floats.

    Vectorised from the decoded records (`to_ndarray`) to one Arrow table: no per-row Python.
    Symbols are resolved by the client's own `InstrumentMap` (instrument id and UTC date of
    ts_event, as `to_df(map_symbols=True)` does), once per distinct (instrument, day) pair.
    """
    records = store.to_ndarray()
    columns: dict[str, pa.Array] = {
        "symbol": _symbols(store, records, source),
        "ts_event": pa.array(
            records["ts_event"].astype(np.int64).view("datetime64[ns]"), pa.timestamp("ns", "UTC")
        ),
        "instrument_id": pa.array(records["instrument_id"].astype(np.int64)),
        "publisher_id": pa.array(records["publisher_id"].astype(np.int32)),
    }
    for column in _PRICE_COLUMNS:
        columns[column] = pa.array(to_price(pd.Series(records[column])), from_pandas=True)
    columns["volume"] = pa.array(records["volume"].astype(np.int64))
    columns["source"] = pa.array([source], pa.string()).take(np.zeros(len(records), np.int32))
    return pa.table(columns)


def _symbols(store: databento.DBNStore, records: np.ndarray, source: str) -> pa.Array:
    """Each record's symbol from the file's symbology mappings; every record must have one."""
    instruments = databento.InstrumentMap()
    instruments.insert_metadata(store.metadata)
    ids = records["instrument_id"].astype(np.uint64)
    days = records["ts_event"] // np.uint64(_NS_PER_DAY)
    pairs, rows = np.unique((ids << np.uint64(32)) | days, return_inverse=True)
    pair_ids = pairs >> np.uint64(32)
    pair_days = (pairs & np.uint64(0xFFFFFFFF)).astype(np.int64).astype("datetime64[D]")
    resolved = pa.array(instruments.resolve_many(pair_ids, pair_days), pa.string())
    unmapped = np.asarray(resolved.is_null())[rows]
    if unmapped.any():
        ids_unmapped = np.unique(records["instrument_id"][unmapped])[:5].tolist()
        raise ExtractorError(
            f"databento: {source}: {int(unmapped.sum()):,} records have an instrument_id with "
            f"no symbol mapping in the file's metadata (e.g. {ids_unmapped})"
        )
    return resolved.take(rows.astype(np.int32))


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
    """Bars requested by parent with their definition; every bar must find one."""
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
