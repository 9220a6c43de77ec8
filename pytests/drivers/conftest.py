"""`drivers_db`: the bundled snapshot loaded and built up to forecasts.zl_driver_attribution
(marts and the attribution, no training) in a temporary database, once per session."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def run_cbi(db: Path, env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    """`cbi --db DB ARGS...` as a user runs it."""
    return subprocess.run(
        [sys.executable, "-m", "cbi.cli", "--db", str(db), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.fixture(scope="session")
def drivers_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    work = tmp_path_factory.mktemp("drivers")
    db = work / "cbi.duckdb"
    env = {
        **os.environ,
        "DBT_TARGET_PATH": str(work / "target"),
        "DBT_LOG_PATH": str(work / "logs"),
    }
    steps = (
        ["ingest", "snapshot"],
        [
            "build",
            "--select",
            "+zl_driver_attribution",
            "+path:models/marts/features",
            "--indirect-selection",
            "cautious",
        ],
    )
    for args in steps:
        done = run_cbi(db, env, *args)
        assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-2000:]
    return db, env
