"""Where the project lives and which DuckDB database a command works on."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
SNAPSHOT_DIR = PROJECT_DIR / "data" / "snapshot"
DEFAULT_DB = PROJECT_DIR / "data" / "cbi.duckdb"


def resolve_db(db: str | os.PathLike[str] | None = None) -> Path:
    """The database path: `--db`, else `CBI_DB`, else `data/cbi.duckdb` in the project."""
    chosen = db or os.environ.get("CBI_DB") or DEFAULT_DB
    return Path(chosen).expanduser().resolve()
