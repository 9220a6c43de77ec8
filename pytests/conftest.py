"""Fixtures shared across test folders.

`built_db`: one snapshot load and full `dbt build` (models, Python models, dbt tests) in a
temporary database, made once per test session and shared by every test that needs built
tables (the end-to-end tests, the report page), because a build takes minutes.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def built_db(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """GIVEN the bundled snapshot loaded and built: the database and the environment used."""
    work = tmp_path_factory.mktemp("e2e")
    db = work / "cbi.duckdb"
    env = {
        **os.environ,
        "DBT_TARGET_PATH": str(work / "target"),
        "DBT_LOG_PATH": str(work / "logs"),
    }
    for args in (["ingest", "snapshot"], ["build"]):
        done = subprocess.run(
            [sys.executable, "-m", "cbi.cli", "--db", str(db), *args],
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-2000:]
    return db, env
