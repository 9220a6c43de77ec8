"""Fixtures shared across test folders.

`dbt_session`: one database path and one dbt target folder for every test build
(pytests/dbt_session.py), so dbt parses the project once per session.

`built_db`: one snapshot load and full `dbt build` (models, Python models, dbt tests) in a
temporary database, made once per test session and shared by every test that needs built
tables (the end-to-end tests, the report page), because a build takes minutes.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from pytests.dbt_session import DbtSession


@pytest.fixture(scope="session")
def dbt_session(tmp_path_factory: pytest.TempPathFactory) -> DbtSession:
    return DbtSession(tmp_path_factory.mktemp("dbt"))


@pytest.fixture(scope="session")
def built_db(
    tmp_path_factory: pytest.TempPathFactory, dbt_session: DbtSession
) -> tuple[Path, dict[str, str]]:
    """GIVEN the bundled snapshot loaded and built: the database and the environment used."""
    db = tmp_path_factory.mktemp("e2e") / "cbi.duckdb"
    for args in (["ingest", "snapshot"], ["build"]):
        done = dbt_session.cbi(db, *args)
        assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-2000:]
    return db, dbt_session.env_for(db)
