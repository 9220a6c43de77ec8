"""`cbi bench features`: time a rebuild of the feature layer on the full history.

Loads the bundled snapshot (or a Databento batch folder given with --from-dir) into a fresh
temporary database, then times `dbt build` of everything from staging to the marts (models,
seeds, data and unit tests; the training models are excluded) and prints a table. Target on
2 cores: <= 30 s for the build. The user's own database is never touched.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from pathlib import Path

import duckdb

from cbi.dbt import run_dbt
from common.db import one_row
from common.paths import SNAPSHOT_DIR
from extractors import databento
from extractors.core import connect

log = logging.getLogger(__name__)

TARGET_SECONDS = 30.0
FEATURE_LAYER_ARGS = ["build", "--select", "+path:models/marts", "--exclude", "path:python_models"]
MARTS_QUERY = """
select table_name, estimated_size
from duckdb_tables()
where schema_name = 'marts'
order by table_name
"""


def run(db: str | None = None, source_dir: str | None = None) -> int:
    """Build the feature layer on a fresh copy of the full history and print the timings.

    `db` is ignored on purpose (the benchmark never writes the user's database); it is
    accepted because every `cbi bench` takes the same arguments. Returns dbt's exit code.
    """
    if db:
        log.info("bench features: builds a temporary database; --db %s is left untouched", db)
    source = Path(source_dir) if source_dir else SNAPSHOT_DIR / "databento"
    with tempfile.TemporaryDirectory(prefix="cbi_bench_features_") as tmp:
        bench_db = Path(tmp) / "bench.duckdb"
        os.environ.setdefault("DBT_TARGET_PATH", str(Path(tmp) / "target"))
        os.environ.setdefault("DBT_LOG_PATH", str(Path(tmp) / "logs"))

        started = time.perf_counter()
        con = connect(bench_db)
        raw_rows = databento.import_path(con, source)
        con.close()
        load_seconds = time.perf_counter() - started
        log.info("bench features: loaded %s raw rows from %s", f"{raw_rows:,}", source)

        started = time.perf_counter()
        code = run_dbt(bench_db, [*FEATURE_LAYER_ARGS, "--quiet"])
        build_seconds = time.perf_counter() - started

        with duckdb.connect(str(bench_db), read_only=True) as check:
            marts = check.execute(MARTS_QUERY).fetchall()
            sessions = one_row(
                check,
                "select count(*), min(trade_date), max(trade_date) "
                "from intermediate.int_trading_days_enumerated",
            )

    verdict = "ok" if code == 0 and build_seconds <= TARGET_SECONDS else "OVER TARGET"
    if code != 0:
        verdict = f"dbt failed (exit {code})"
    lines = [
        f"{'step':<34}{'seconds':>9}  detail",
        f"{'load raw bars (setup)':<34}{load_seconds:>9.1f}  {raw_rows:,} rows",
        f"{'dbt build staging -> marts':<34}{build_seconds:>9.1f}  "
        f"target <= {TARGET_SECONDS:.0f} s: {verdict}",
        f"{'trading days':<34}{'':>9}  {sessions[0]:,} ({sessions[1]} .. {sessions[2]})",
        *(f"{'  marts.' + name:<34}{'':>9}  ~{rows:,} rows" for name, rows in marts),
    ]
    print("\n".join(lines))
    return code
