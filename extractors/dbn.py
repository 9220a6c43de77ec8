"""DBN files checked before anything from them is written, shared by the Databento import and
the snapshot cutter (extractors/snapshot.py).

Every zstd frame must be complete, the DBN body must be a whole number of records of the type
its header names, and its last bar must reach the end of the period its metadata claims
(within a long market closure). `DBNStore` alone accepts a file cut inside or between zstd
frames and silently returns fewer bars.
"""

from __future__ import annotations

from pathlib import Path

import databento_dbn
import numpy as np
import pandas as pd
import zstandard

from common.errors import ExtractorError

BAR_SCHEMAS = ("ohlcv-1h", "ohlcv-1d")
_BAR_NS = {"ohlcv-1h": 3_600 * 10**9, "ohlcv-1d": 86_400 * 10**9}
# The longest CME closure (a holiday next to a weekend) is about 3.5 days; in the 175 files of
# the real batch the last bar is at most 52 hours before the end of the file's period. A file
# whose bars stop earlier than this (plus one bar) before that end was cut.
MAX_CLOSURE_NS = 4 * 86_400 * 10**9
_DBN_MAGIC = b"DBN"
_DBN_PREFIX = 8  # "DBN", version byte, u32 metadata length


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
    if schema not in BAR_SCHEMAS:
        return
    body = np.frombuffer(data, dtype=np.uint8, offset=body_start)
    expected = int(databento_dbn.RType.from_schema(databento_dbn.Schema(schema)).value)
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
