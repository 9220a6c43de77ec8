"""`DbtSession`: every test build of the project runs dbt at one database path with one target
folder, so dbt parses the project once per session.

dbt's partial parsing is invalidated whenever the profile's database path changes ("profile
has changed"), and a full parse is most of a small build; so a database is moved (renamed, not
copied) to that path for its build and back afterwards. Builds in a session run one at a time.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path


class DbtSession:
    """One database path and one dbt target folder for every test build of the session."""

    def __init__(self, folder: Path) -> None:
        self.db = folder / "cbi.duckdb"
        self.env = {
            **os.environ,
            "DBT_TARGET_PATH": str(folder / "target"),
            "DBT_LOG_PATH": str(folder / "logs"),
        }

    def env_for(self, db: Path) -> dict[str, str]:
        """The session's dbt folders, with `db`'s own artifact folder (the default beside it)."""
        return {**self.env, "CBI_ARTIFACTS": str(db.parent / "artifacts" / db.stem)}

    @contextmanager
    def at_build_path(self, db: Path) -> Iterator[Path]:
        """`db` (and its WAL) renamed to the session's build path for the block, then back."""
        pairs = [
            (db, self.db),
            (db.with_name(db.name + ".wal"), self.db.with_name("cbi.duckdb.wal")),
        ]
        for own, shared in pairs:
            if own.exists():
                shutil.move(own, shared)
        try:
            yield self.db
        finally:
            for own, shared in pairs:
                if shared.exists():
                    shutil.move(shared, own)

    def cbi(self, db: Path, *args: str) -> subprocess.CompletedProcess[str]:
        """`cbi --db DB ARGS...` as a user runs it, at the session's build path; fitted models
        go where they would beside `db` (CBI_ARTIFACTS, see `env_for`)."""
        with self.at_build_path(db) as path:
            return subprocess.run(
                [sys.executable, "-m", "cbi.cli", "--db", str(path), *args],
                env=self.env_for(db),
                capture_output=True,
                text=True,
                check=False,
            )


def copy_database(source: Path, destination: Path) -> Path:
    """A copy of the database file `source` (and its WAL, if any) at `destination`."""
    shutil.copy(source, destination)
    wal = source.with_name(source.name + ".wal")
    if wal.exists():
        shutil.copy(wal, destination.with_name(destination.name + ".wal"))
    return destination
