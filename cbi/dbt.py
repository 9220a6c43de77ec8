"""Run dbt on the project against the database the other commands use.

A dbt command that writes runs on a database nobody else holds (checked first, so a lock is
one line rather than dbt's traceback), and a failed one leaves the tables as they were: the
local database file is copied aside before and put back on failure. MotherDuck databases
cannot be copied that way; there a failed build keeps what dbt finished (logged).
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from common.db import check_writable
from common.errors import UserError
from common.paths import PROJECT_DIR, is_motherduck
from extractors import prepare_database

log = logging.getLogger(__name__)

# dbt commands that never open the database.
OFFLINE_COMMANDS = frozenset({"parse", "ls", "list", "clean", "deps", "debug", "init"})
# dbt commands that change relations in the database.
WRITING_COMMANDS = frozenset({"build", "run", "seed", "snapshot"})


def run_dbt(db_path: Path, args: list[str], *, log_file: Path | None = None) -> int:
    """Run `dbt ARGS` with the project's profiles and CBI_DB pointing at `db_path`.

    dbt prints to the terminal, or appends to `log_file` when one is given (`cbi daily`).
    Returns dbt's exit code; after a failed writing command the database is as it was before.
    """
    env = {**os.environ, "CBI_DB": str(db_path), "DBT_SEND_ANONYMOUS_USAGE_STATS": "false"}
    dbt = Path(sys.executable).with_name("dbt")
    project = ["--project-dir", str(PROJECT_DIR), "--profiles-dir", str(PROJECT_DIR)]
    command = [str(dbt), *args, *project]
    if args and args[0] not in OFFLINE_COMMANDS:
        check_writable(db_path, f"dbt {args[0]}")
    with ExitStack() as stack:
        handle = stack.enter_context(open(log_file, "a", encoding="utf-8")) if log_file else None

        def call() -> int:
            return subprocess.call(
                command,
                env=env,
                cwd=PROJECT_DIR,
                stdout=handle,
                stderr=subprocess.STDOUT if handle else None,
            )

        if not args or args[0] not in WRITING_COMMANDS:
            return call()
        with restored_on_failure(db_path) as outcome:
            prepare_database(db_path)  # every declared raw table exists before dbt reads it
            outcome.code = call()
        return outcome.code


class _Outcome:
    code: int = 0


@contextmanager
def restored_on_failure(db_path: Path) -> Iterator[_Outcome]:
    """Copy the local database aside; put it back if the block fails or sets a non-zero code."""
    outcome = _Outcome()
    if is_motherduck(db_path) or not db_path.exists():
        if is_motherduck(db_path):
            log.info("dbt: %s is on MotherDuck; a failed step is not rolled back", db_path)
        yield outcome
        return
    wal = db_path.with_name(db_path.name + ".wal")
    saved = [(path, path.with_name(path.name + ".before-dbt")) for path in (db_path, wal)]
    for path, copy in saved:
        if path.exists():
            shutil.copy2(path, copy)
    failed = True
    try:
        yield outcome
        failed = outcome.code != 0
    finally:
        for path, copy in saved:
            if failed:
                path.unlink(missing_ok=True)
                if copy.exists():
                    os.replace(copy, path)
            else:
                copy.unlink(missing_ok=True)
        if failed:
            log.warning("dbt failed: %s restored to its state before this command", db_path)


def require_success(code: int, command: str) -> None:
    """Turn a dbt exit code into the project's error: one line, pointing at the log."""
    if code != 0:
        raise UserError(
            f"{command}: dbt failed with exit code {code}; the database was left as it was "
            "before; see the dbt output above and logs/dbt.log"
        )
