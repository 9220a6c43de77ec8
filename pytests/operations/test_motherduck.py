"""The MotherDuck path, checked offline: the dbt target renders, and every command follows CBI_DB.

Connecting to MotherDuck needs the network and a token, so these tests stop short of it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cbi.cli import main
from cbi.training.registry import artifact_root
from common.paths import PROJECT_DIR, resolve_db


def test_the_motherduck_target_renders_with_the_database_from_cbi_db(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "CBI_TARGET": "motherduck",
        "CBI_DB": "md:cbi_offline_check",
        "MOTHERDUCK_TOKEN": "not-a-real-token",
        "DBT_TARGET_PATH": str(tmp_path / "target"),
        "DBT_LOG_PATH": str(tmp_path / "logs"),
    }
    # WHEN dbt debug runs through cbi (it fails at the connection test, offline)
    done = subprocess.run(
        [sys.executable, "-m", "cbi.cli", "build", "debug"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    # THEN the profile rendered the MotherDuck database and plugin
    assert "path: md:cbi_offline_check" in done.stdout
    assert "database: cbi_offline_check" in done.stdout
    assert "'module': 'motherduck'" in done.stdout
    assert done.returncode == 1 and len(done.stderr.strip().splitlines()) == 1


def test_md_paths_are_kept_and_get_their_own_artifacts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CBI_DB", "md:cbi")
    monkeypatch.delenv("CBI_ARTIFACTS", raising=False)
    assert str(resolve_db()) == "md:cbi"
    assert artifact_root() == PROJECT_DIR / "data" / "artifacts" / "cbi"


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (["status"], "no database at {db}"),
        (["forecast"], "no database at {db}"),
        (["ingest", "snapshot"], "the folder {folder} does not exist"),
        (["build"], "the folder {folder} does not exist"),
        (["backtest", "--start", "2024-01-01", "--end", "2024-06-30"], "{folder} does not exist"),
        (["sync", "pull", "--shared", "{other}"], "the folder {folder} does not exist"),
    ],
)
def test_every_command_works_on_the_database_cbi_db_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, argv: list[str], says: str
) -> None:
    # GIVEN CBI_DB naming a database in a folder that does not exist, and no --db
    db = tmp_path / "elsewhere" / "cbi.duckdb"
    other = tmp_path / "shared.duckdb"
    other.write_bytes(b"")
    monkeypatch.setenv("CBI_DB", str(db))
    # WHEN the command runs, THEN its one-line error names that database or its folder
    assert main([a.format(other=other) for a in argv]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert says.format(db=db, folder=db.parent) in err[0]
