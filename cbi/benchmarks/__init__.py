"""Benchmarks: each module has `run(db, source_dir) -> int` and prints a table."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def run_cbi(db: Path, args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """Run `cbi --db DB ARGS` in a child process with `env`, output captured, never raising."""
    return subprocess.run(
        [sys.executable, "-m", "cbi.cli", "--db", str(db), *args],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
