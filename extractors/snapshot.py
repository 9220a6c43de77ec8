"""The bundled real snapshot: build it from a Databento batch folder, and load it.

The snapshot is a set of DBN files holding the unchanged hourly records of the continuous
symbols the buckets need, one file per year, with metadata (dataset, schema, symbols, symbol
mappings) cut down to those symbols. It is loaded by the same parser as a batch download.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import databento_dbn
import duckdb
import numpy as np
import zstandard
from databento_dbn.metadata import MappingInterval
from tqdm import tqdm

from common.errors import ExtractorError
from common.paths import SNAPSHOT_DIR
from common.project import market_symbols
from extractors import dbn

log = logging.getLogger(__name__)

SNAPSHOT_DATABENTO_DIR = SNAPSHOT_DIR / "databento"


# ROOT.v.0 continuous front months the Big 8 buckets and the target need.
SNAPSHOT_SYMBOLS = market_symbols()
ZSTD_LEVEL = 19

# Leading fields of every DBN record (the record header) plus the OHLCV body, as stored.
_HEADER_FIELDS = [
    ("length", "u1"),
    ("rtype", "u1"),
    ("publisher_id", "<u2"),
    ("instrument_id", "<u4"),
    ("ts_event", "<u8"),
]


def load_snapshot(con: duckdb.DuckDBPyConnection) -> int:
    """Import the bundled snapshot into raw.*: data/snapshot/<COMMAND>/ of every extractor.

    Returns the rows landed. The Databento folder is required (the prices are the target);
    a source whose folder is absent is skipped with a log line.
    """
    if not SNAPSHOT_DATABENTO_DIR.is_dir():
        raise ExtractorError(
            f"snapshot: {SNAPSHOT_DATABENTO_DIR} is missing; rebuild it with "
            "`python scripts/make_snapshot.py --source <Databento batch folder>`"
        )
    total = 0
    from extractors import declarations

    for source in declarations():
        folder = SNAPSHOT_DIR / source.command
        if not folder.is_dir():
            log.info("snapshot: no %s folder in %s; skipped", source.command, SNAPSHOT_DIR)
            continue
        total += source.import_path(con, folder)
    return total


@dataclass
class DbnPart:
    """Records kept from one DBN file, with the metadata they need."""

    metadata: databento_dbn.Metadata
    records: np.ndarray  # one row of raw bytes per record, unchanged
    mappings: dict[str, list[tuple[dt.date, dt.date, str]]]
    start: int  # UNIX ns, inclusive
    end: int  # UNIX ns, exclusive


def cut_file(
    path: Path,
    symbols: tuple[str, ...],
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> DbnPart:
    """The records of `path` that map to `symbols` (optionally within [start, end) UTC).

    A record belongs to a symbol when its instrument_id is that symbol's mapping on the UTC
    date of its ts_event, which is how the metadata's mapping intervals are defined. A window
    (whole UTC days) also clips the range and the mapping intervals.
    """
    data = dbn.read_dbn(path)
    body_start = dbn.body_offset(data)
    metadata = databento_dbn.Metadata.decode(
        data[:body_start], upgrade_policy=databento_dbn.VersionUpgradePolicy.AS_IS
    )
    body = np.frombuffer(data, dtype=np.uint8, offset=body_start)
    record_len = int(body[0]) * 4 if body.size else 0
    if not record_len or body.size % record_len:
        raise ExtractorError(f"snapshot: {path.name} does not hold fixed-size records")
    rows = body.reshape(-1, record_len)
    header = np.frombuffer(rows[:, :16].tobytes(), dtype=np.dtype(_HEADER_FIELDS), count=len(rows))
    days = (header["ts_event"] // 86_400_000_000_000).astype("datetime64[D]")
    keep = np.zeros(len(rows), dtype=bool)
    first_ns = max(metadata.start, _ns(start)) if start else metadata.start
    end_ns = min(metadata.end, _ns(end)) if end else metadata.end
    first_day, end_day = _utc_date(first_ns), _utc_date(end_ns - 1) + dt.timedelta(days=1)
    mappings: dict[str, list[tuple[dt.date, dt.date, str]]] = {}
    for symbol in symbols:
        intervals = [
            (max(i["start_date"], first_day), min(i["end_date"], end_day), i["symbol"])
            for i in metadata.mappings.get(symbol, [])
            if i["start_date"] < end_day and i["end_date"] > first_day
        ]
        mappings[symbol] = intervals
        for first, last, instrument in intervals:
            keep |= (
                (header["instrument_id"] == int(instrument))
                & (days >= np.datetime64(first))
                & (days < np.datetime64(last))
            )
    keep &= (header["ts_event"] >= first_ns) & (header["ts_event"] < end_ns)
    return DbnPart(metadata, rows[keep], mappings, first_ns, end_ns)


def _ns(moment: dt.datetime) -> int:
    return int(moment.replace(tzinfo=dt.UTC).timestamp()) * 1_000_000_000


def write_dbn(parts: list[DbnPart], symbols: tuple[str, ...], path: Path) -> int:
    """Write the records of `parts` (in order) as one zstd DBN file; return the record count.

    The metadata keeps the source's dataset, schema, symbology and DBN version; its range
    spans the parts and its symbol mappings are the parts' intervals, adjacent ones merged.
    """
    first = parts[0].metadata
    mappings = []
    for symbol in symbols:
        merged: list[list] = []
        for part in parts:
            for start, end, instrument in part.mappings.get(symbol, []):
                if merged and merged[-1][2] == instrument and merged[-1][1] == start:
                    merged[-1][1] = end
                else:
                    merged.append([start, end, instrument])
        mappings.append(SymbolMapping(symbol, [SymbolInterval(*interval) for interval in merged]))
    if first.schema is None:
        raise ExtractorError(f"snapshot: {path.name}: the source files mix record schemas")
    metadata = databento_dbn.Metadata(
        dataset=first.dataset,
        start=parts[0].start,
        end=parts[-1].end,
        stype_in=first.stype_in,
        stype_out=first.stype_out,
        schema=databento_dbn.Schema(first.schema),
        symbols=list(symbols),
        mappings=mappings,
        ts_out=first.ts_out,
        version=first.version,
    )
    records = np.concatenate([part.records for part in parts])
    payload = metadata.encode() + records.tobytes()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(zstandard.ZstdCompressor(level=ZSTD_LEVEL).compress(payload))
    return len(records)


@dataclass
class SymbolInterval:
    """One date range of a DBN symbol mapping (the shape `Metadata(mappings=...)` expects)."""

    start_date: dt.date
    end_date: dt.date
    symbol: str


@dataclass
class SymbolMapping:
    """A requested symbol and the instruments it resolved to over time."""

    raw_symbol: str
    intervals: Sequence[MappingInterval]


def build_snapshot(source: Path, destination: Path = SNAPSHOT_DATABENTO_DIR) -> dict[int, int]:
    """Cut the snapshot from a Databento batch folder: one file per year; return rows by year."""
    files = sorted(source.glob("*.ohlcv-1h.dbn.zst"))
    if not files:
        raise ExtractorError(f"snapshot: no *.ohlcv-1h.dbn.zst files in {source}")
    by_year: dict[int, list[DbnPart]] = {}
    for path in tqdm(files, desc="cutting", unit="file", disable=None):
        part = cut_file(path, SNAPSHOT_SYMBOLS)
        year = _utc_date(part.start).year
        by_year.setdefault(year, []).append(part)
    destination.mkdir(parents=True, exist_ok=True)
    for old in destination.glob("*.dbn.zst"):
        old.unlink()
    counts = {}
    for year, parts in sorted(by_year.items()):
        first = _utc_date(parts[0].start)
        last = _utc_date(parts[-1].end - 1)
        name = f"glbx-mdp3-{first:%Y%m%d}-{last:%Y%m%d}.ohlcv-1h.dbn.zst"
        counts[year] = write_dbn(parts, SNAPSHOT_SYMBOLS, destination / name)
        log.info("snapshot: %s holds %s records", name, f"{counts[year]:,}")
    return counts


def _utc_date(ns: int) -> dt.date:
    return dt.datetime.fromtimestamp(ns // 1_000_000_000, tz=dt.UTC).date()
