"""`cbi bench ingest`: import a whole Databento batch into a fresh database and time it against
its decode floor, measured in the same run.

The decode floor is what no import of these files can beat: the databento client decoding
every file to its records (`DBNStore.from_file(...).to_ndarray()`) and loading them through
Arrow into a scratch DuckDB table without keys or checks. The import adds the file checks
(extractors/dbn.py), symbol mapping, the keyed merge into raw.* and the load log. The files are
read once before either is timed, so both find them in the page cache.

Prints files, rows, symbols, the floor, the import's seconds and ratio, and its peak memory
against the targets (<= 2.5x the floor, <= 1 GB RSS), then one summary line, e.g.
`import 6.1 s = 2.3x the decode floor (2.6 s), peak 0.8 GB`. For the default batch it also
checks the expected totals: 4,607,013 hourly bars of 84 symbols.
"""

from __future__ import annotations

import resource
import tempfile
import time
from pathlib import Path

import databento
import duckdb
import pyarrow as pa

from common.db import one_row
from common.errors import ExtractorError
from common.paths import PROJECT_DIR
from extractors import databento as databento_source
from extractors.core import connect

DEFAULT_BATCH = PROJECT_DIR.parent / "shared" / "data" / "databento" / "GLBX-20251216-WEJLAFALCV"
EXPECTED = {"rows": 4_607_013, "symbols": 84}
TARGET_RATIO = 2.5
TARGET_RSS_MB = 1024.0


def run(db: str | None = None, source_dir: str | None = None) -> int:
    """Run the benchmark; return 0 when totals and targets are met, else 1."""
    source = Path(source_dir).expanduser().resolve() if source_dir else DEFAULT_BATCH
    if not source.is_dir():
        if source_dir:
            raise ExtractorError(f"bench ingest: {source} is not a folder")
        raise ExtractorError(
            f"bench ingest: the default Databento batch {source} is absent (it is not part of "
            "the project); pass --from-dir DIR, e.g. --from-dir data/snapshot/databento"
        )
    if db and Path(db).exists():
        raise ExtractorError(f"bench ingest: {db} exists; the benchmark needs a new database")
    files = sorted(p for p in source.iterdir() if p.name.endswith((".dbn", ".dbn.zst")))
    for path in files:
        path.read_bytes()  # into the page cache, for the floor and the import alike
    floor = decode_floor(files)
    with tempfile.TemporaryDirectory(prefix="cbi-bench-") as tmp:
        path = Path(db) if db else Path(tmp) / "bench.duckdb"
        con = connect(path)
        started = time.perf_counter()
        databento_source.import_path(con, source)
        seconds = time.perf_counter() - started
        rows, symbols = 0, 0
        for table in databento_source.FUTURES_TABLES.values():
            count, distinct = one_row(con, f"select count(*), count(distinct symbol) from {table}")
            rows, symbols = rows + count, symbols + distinct
        con.close()
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    ratio = seconds / floor
    known = source == DEFAULT_BATCH  # totals are known only for the default batch
    checks = [
        ("files", f"{len(files)}", "", True),
        (
            "rows",
            f"{rows:,}",
            f"{EXPECTED['rows']:,}" if known else "",
            not known or rows == EXPECTED["rows"],
        ),
        (
            "symbols",
            f"{symbols}",
            f"{EXPECTED['symbols']}" if known else "",
            not known or symbols == EXPECTED["symbols"],
        ),
        ("floor s", f"{floor:.1f}", "", True),
        ("import s", f"{seconds:.1f}", "", True),
        ("x floor", f"{ratio:.1f}", f"<= {TARGET_RATIO}", ratio <= TARGET_RATIO),
        ("peak RSS MB", f"{peak_mb:.0f}", f"<= {TARGET_RSS_MB:.0f}", peak_mb <= TARGET_RSS_MB),
    ]
    print(f"bench ingest: {source}")
    print(f"{'measure':<12} {'value':>12} {'target':>12}  ok")
    for name, value, target, ok in checks:
        print(f"{name:<12} {value:>12} {target:>12}  {'yes' if ok else 'NO'}")
    print(
        f"import {seconds:.1f} s = {ratio:.1f}x the decode floor ({floor:.1f} s), "
        f"peak {peak_mb / 1024:.1f} GB"
    )
    return 0 if all(ok for *_, ok in checks) else 1


def decode_floor(files: list[Path]) -> float:
    """Seconds to decode `files` with the databento client and load their records through
    Arrow into a scratch DuckDB table (no key, no checks, no symbol mapping)."""
    with tempfile.TemporaryDirectory(prefix="cbi-floor-") as tmp:
        con = duckdb.connect(str(Path(tmp) / "floor.duckdb"))
        started = time.perf_counter()
        for number, path in enumerate(files):
            records = databento.DBNStore.from_file(path).to_ndarray()
            arrow = pa.table({name: records[name] for name in records.dtype.names})
            con.register("_records", arrow)
            con.execute(f"create table records_{number} as select * from _records")
            con.unregister("_records")
        con.execute("checkpoint")
        seconds = time.perf_counter() - started
        con.close()
    return seconds
