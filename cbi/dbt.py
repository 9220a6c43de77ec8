"""Run dbt on the project against the database the other commands use."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from cbi.paths import PROJECT_DIR


def run_dbt(db_path: Path, args: list[str]) -> int:
    """Run `dbt ARGS` with the project's profiles and CBI_DB pointing at `db_path`."""
    env = {**os.environ, "CBI_DB": str(db_path), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    dbt = Path(sys.executable).with_name("dbt")
    project = ["--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)]
    command = [str(dbt), *args, *project]
    return subprocess.call(command, env=env, cwd=PROJECT_DIR)
