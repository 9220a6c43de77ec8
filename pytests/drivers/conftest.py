"""`drivers_db`: a copy of the session's snapshot load (`snapshot_db`) built up to
forecasts.zl_driver_attribution (marts and the attribution, no training), once per session."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pytests.dbt_session import DbtSession, copy_database


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
def drivers_db(
    tmp_path_factory: pytest.TempPathFactory, dbt_session: DbtSession, snapshot_db: Path
) -> tuple[Path, dict[str, str]]:
    db = copy_database(snapshot_db, tmp_path_factory.mktemp("drivers") / "cbi.duckdb")
    done = dbt_session.cbi(
        db,
        "build",
        "--select",
        "+zl_driver_attribution",
        "+path:models/marts/features",
        "--indirect-selection",
        "cautious",
    )
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-2000:]
    return db, dbt_session.env_for(db)
