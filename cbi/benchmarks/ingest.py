"""`cbi bench ingest`: import a whole Databento batch into a fresh database and time it.

Prints files, rows, symbols, seconds and peak memory against the targets (60 s, 2 GB RSS on
2 cores). For the default batch it also checks the expected totals: 4,607,013 hourly bars of
84 symbols.
"""

from __future__ import annotations

import logging
import resource
import tempfile
import time
from pathlib import Path

from common.db import one_row
from common.errors import ExtractorError
from common.paths import PROJECT_DIR
from extractors import databento
from extractors.core import connect

log = logging.getLogger(__name__)

DEFAULT_BATCH = PROJECT_DIR.parent / "shared" / "data" / "databento" / "GLBX-20251216-WEJLAFALCV"
EXPECTED = {"rows": 4_607_013, "symbols": 84}
TARGET_SECONDS = 60.0
TARGET_RSS_MB = 2048.0


def run(db: str | None = None, source_dir: str | None = None) -> int:
    """Run the benchmark; return 0 when totals and targets are met, else 1."""
    source = Path(source_dir).expanduser().resolve() if source_dir else DEFAULT_BATCH
    if not source.is_dir():
        raise ExtractorError(f"bench ingest: {source} is not a folder; pass --from-dir DIR")
    if db and Path(db).exists():
        raise ExtractorError(f"bench ingest: {db} exists; the benchmark needs a new database")
    with tempfile.TemporaryDirectory(prefix="cbi-bench-") as tmp:
        path = Path(db) if db else Path(tmp) / "bench.duckdb"
        con = connect(path)
        started = time.perf_counter()
        databento.import_path(con, source)
        seconds = time.perf_counter() - started
        rows, symbols = 0, 0
        for table in databento.FUTURES_TABLES.values():
            count, distinct = one_row(con, f"select count(*), count(distinct symbol) from {table}")
            rows, symbols = rows + count, symbols + distinct
        con.close()
    files = sum(1 for p in source.iterdir() if p.name.endswith((".dbn", ".dbn.zst")))
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    known = source == DEFAULT_BATCH  # totals are known only for the default batch
    checks = [
        ("files", f"{files}", "", True),
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
        ("seconds", f"{seconds:.1f}", f"<= {TARGET_SECONDS:.0f}", seconds <= TARGET_SECONDS),
        ("peak RSS MB", f"{peak_mb:.0f}", f"<= {TARGET_RSS_MB:.0f}", peak_mb <= TARGET_RSS_MB),
    ]
    print(f"bench ingest: {source}")
    print(f"{'measure':<12} {'value':>12} {'target':>12}  ok")
    for name, value, target, ok in checks:
        print(f"{name:<12} {value:>12} {target:>12}  {'yes' if ok else 'NO'}")
    return 0 if all(ok for *_, ok in checks) else 1
