"""dbt runs through `cbi`: a failed or refused run leaves the built tables as they were."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from cbi.cli import main
from cbi.dbt import restored_on_failure


def _built(tmp_path: Path) -> Path:
    """A database holding a table as a finished build would (constructed rows)."""
    db = tmp_path / "built.duckdb"
    with duckdb.connect(str(db)) as con:
        con.execute("create schema training")
        con.execute(
            "create table training.bucket_predictions as select range as fold from range(5)"
        )
    return db


def _rows(db: Path) -> int:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute("select count(*) from training.bucket_predictions").fetchone()[0]


@pytest.mark.parametrize(("code", "kept"), [(0, 0), (2, 5)])
def test_a_failed_step_puts_the_database_back(tmp_path: Path, code: int, kept: int) -> None:
    db = _built(tmp_path)
    # WHEN a step empties the table and then ends with `code`
    with restored_on_failure(db) as outcome:
        with duckdb.connect(str(db)) as con:
            con.execute("delete from training.bucket_predictions")
        outcome.code = code
    # THEN a failure restores the rows, a success keeps the change; no copy is left behind
    assert _rows(db) == kept
    assert sorted(p.name for p in tmp_path.iterdir()) == ["built.duckdb"]


@pytest.mark.parametrize(
    ("window", "expected"),
    [
        (["2024-01-01", "2023-01-01"], "--start 2024-01-01 must be on or before --end 2023-01-01"),
        (["2024-02-30", "2024-03-01"], "--start '2024-02-30' is not a date; use YYYY-MM-DD"),
    ],
)
def test_a_bad_backtest_window_is_refused_before_anything_runs(
    tmp_path: Path, capsys, window: list[str], expected: str
) -> None:
    db = _built(tmp_path)
    before = db.read_bytes()
    argv = ["--db", str(db), "-q", "backtest", "--start", window[0], "--end", window[1]]
    assert main(argv) == 1
    assert capsys.readouterr().err.strip().splitlines() == [f"cbi: error: {expected}"]
    assert db.read_bytes() == before


def test_a_failing_dbt_build_leaves_the_tables_as_they_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    # GIVEN a built table and no raw data, so the intermediate models cannot build
    db = _built(tmp_path)
    before = db.read_bytes()
    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))
    monkeypatch.setenv("DBT_LOG_PATH", str(tmp_path / "logs"))
    # WHEN dbt fails part-way
    code = main(["--db", str(db), "-q", "build", "build", "--select", "horizons+"])
    # THEN the command fails in one line and the database file is byte for byte as before
    assert code == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err[-1].startswith("cbi: error: cbi build (build): dbt failed with exit code")
    assert db.read_bytes() == before
    assert _rows(db) == 5


def test_dbt_output_can_go_to_a_file(tmp_path: Path, monkeypatch, capfd) -> None:
    from cbi.dbt import run_dbt

    monkeypatch.setenv("DBT_TARGET_PATH", str(tmp_path / "target"))
    monkeypatch.setenv("DBT_LOG_PATH", str(tmp_path / "logs"))
    output = tmp_path / "logs" / "daily_dbt.log"
    output.parent.mkdir()
    # WHEN a real dbt command runs with its output sent to a file
    assert run_dbt(tmp_path / "cbi.duckdb", ["parse"], log_file=output) == 0
    # THEN nothing reached the terminal and the file holds dbt's lines
    out, err = capfd.readouterr()
    assert out == "" and err == ""
    assert "Running with dbt" in output.read_text()
