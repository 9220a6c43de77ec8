"""Fixtures shared across test folders.

`dbt_session`: one database path and one dbt target folder for every test build
(pytests/dbt_session.py), so dbt parses the project once per session.

`snapshot_db`: the bundled snapshot loaded once per session (`cbi ingest snapshot`); read it
only, or build on a copy (`copy_database`), as `built_db` and `drivers_db` do.

`built_db`: one snapshot load and full `dbt build` (models, Python models, dbt tests) in a
temporary database, made once per test session and shared by every test that needs built
tables (the end-to-end tests, the report page), because a build takes minutes.

The suite runs on two pytest-xdist workers (`-n 2 --dist loadgroup`, pyproject.toml). A
session fixture is made once per worker, so `pytest_collection_modifyitems` puts the tests of
one file, and every test that needs `built_db` or `drivers_db`, in one xdist group, meaning to
keep each on one worker. In the run measured on 5ddd9f3 `built_db` was still built on both
workers (docs/performance.md; issue 22).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from pytests.dbt_session import DbtSession, copy_database

# Session fixtures that build for minutes and serve tests in several files.
SHARED_BUILDS = ("built_db", "drivers_db")


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """One xdist group per shared build, else per file (meant to build each once)."""
    for item in items:
        shared = [name for name in SHARED_BUILDS if name in getattr(item, "fixturenames", ())]
        group = shared[0] if shared else item.nodeid.split("::")[0]
        item.add_marker(pytest.mark.xdist_group(group))


@pytest.fixture(scope="session")
def dbt_session(tmp_path_factory: pytest.TempPathFactory) -> DbtSession:
    return DbtSession(tmp_path_factory.mktemp("dbt"))


@pytest.fixture(scope="session")
def snapshot_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """GIVEN the bundled snapshot loaded by the real command line: the database (read only)."""
    db = tmp_path_factory.mktemp("snapshot") / "snapshot.duckdb"
    done = subprocess.run(
        [sys.executable, "-m", "cbi.cli", "--db", str(db), "ingest", "snapshot"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-2000:]
    return db


@pytest.fixture(scope="session")
def built_db(
    tmp_path_factory: pytest.TempPathFactory, dbt_session: DbtSession, snapshot_db: Path
) -> tuple[Path, dict[str, str]]:
    """GIVEN the bundled snapshot loaded and built: the database and the environment used."""
    db = copy_database(snapshot_db, tmp_path_factory.mktemp("e2e") / "cbi.duckdb")
    done = dbt_session.cbi(db, "build")
    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-2000:]
    return db, dbt_session.env_for(db)
