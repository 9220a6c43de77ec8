"""Where the project lives and which DuckDB database a command works on."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
SNAPSHOT_DIR = PROJECT_DIR / "data" / "snapshot"
DEFAULT_DB = PROJECT_DIR / "data" / "cbi.duckdb"


def is_motherduck(db: str | os.PathLike[str]) -> bool:
    """True for a MotherDuck database (`md:NAME`), which DuckDB opens over the network."""
    return str(db).startswith("md:")


def resolve_db(db: str | os.PathLike[str] | None = None) -> Path:
    """The database: `--db`, else `CBI_DB`, else `data/cbi.duckdb` in the project.

    Local paths come back absolute; `md:NAME` (MotherDuck) comes back unchanged.
    """
    chosen = db or os.environ.get("CBI_DB") or DEFAULT_DB
    if is_motherduck(chosen):
        return Path(str(chosen))
    return Path(chosen).expanduser().resolve()
