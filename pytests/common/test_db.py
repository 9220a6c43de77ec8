"""Opening the database: one line for every way it can fail, and nothing created by mistake."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from cbi.cli import main
from common.db import one_row, scalar
from common.errors import UserError

HOLD = (
    "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); "
    "print('held', flush=True); time.sleep(60)"
)


@pytest.fixture
def held_db(tmp_path: Path) -> Iterator[tuple[Path, int]]:
    """A database another process has open for writing, as a running import or build has."""
    db = tmp_path / "held.duckdb"
    duckdb.connect(str(db)).close()
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(db)], stdout=subprocess.PIPE)
    assert holder.stdout is not None and holder.stdout.readline().strip() == b"held"
    yield db, holder.pid
    holder.kill()
    holder.wait()


@pytest.mark.parametrize(
    "argv",
    [
        ["status"],
        ["forecast"],
        ["ingest", "snapshot"],
        ["build"],
        ["backtest", "--start", "2024-01-01", "--end", "2024-02-01"],
    ],
)
def test_a_locked_database_is_one_line_with_the_pid(
    held_db: tuple[Path, int], argv: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    db, pid = held_db
    assert main(["--db", str(db), "-q", *argv]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert f"is in use by another process (PID {pid}" in err[0]


def test_a_file_that_is_not_duckdb_is_one_line(tmp_path: Path, capsys) -> None:
    notes = tmp_path / "notes.duckdb"
    notes.write_text("shopping list\n" * 100)
    for argv in (["status"], ["ingest", "snapshot"]):
        assert main(["--db", str(notes), "-q", *argv]) == 1
        err = capsys.readouterr().err.strip().splitlines()
        assert err == [
            f"cbi: error: {argv[0]}: {notes} is not a DuckDB database; check --db / CBI_DB"
        ]
    assert notes.read_text() == "shopping list\n" * 100


def test_reading_never_creates_and_writing_never_creates_folders(tmp_path: Path, capsys) -> None:
    # GIVEN a mistyped --db in a folder that does not exist
    typo = tmp_path / "dta" / "cbi.duckdb"
    # WHEN a read command runs, THEN it says so and creates nothing
    assert main(["--db", str(typo), "status"]) == 1
    # WHEN a write command runs, THEN it refuses to create the folder
    assert main(["--db", str(typo), "-q", "ingest", "snapshot"]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 2 and f"the folder {typo.parent} does not exist" in err[1]
    assert not typo.parent.exists()


def test_a_query_of_one_row_gives_its_values_and_no_row_is_one_line() -> None:
    con = duckdb.connect()
    con.execute("create table t as select * from (values (1, 'a'), (2, 'b')) as v(n, s)")
    assert scalar(con, "select max(n) from t") == 2
    assert one_row(con, "select n, s from t where n = ?", [1]) == (1, "a")
    with pytest.raises(
        UserError, match=r"^the query returned no row: select n from t where n > \?$"
    ):
        scalar(con, "select n\n  from t where n > ?", [5])
