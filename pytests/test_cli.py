"""The command-line tool answers --help for every command without touching a database."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from cbi.cli import build_parser, main


@pytest.mark.parametrize(
    "argv",
    [[], ["ingest"], ["ingest", "databento"], ["build"], ["status"], ["backtest"], ["bench"]],
)
def test_help_exits_cleanly(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args([*argv, "--help"])
    assert exit_info.value.code == 0
    assert "usage: cbi" in capsys.readouterr().out


@pytest.mark.parametrize(
    "argv", [["status"], ["forecast"], ["bench", "forecast"], ["bench", "selection"]]
)
def test_read_commands_fail_in_one_line_before_a_build(
    argv: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN no database, WHEN a read-only command runs, THEN it exits 1 saying what to run
    missing = tmp_path / "missing.duckdb"
    assert main(["--db", str(missing), *argv]) == 1
    error = capsys.readouterr().err.strip()
    assert str(missing) in error and "cbi build" in error
    assert len(error.splitlines()) == 1
    # GIVEN a database that exists but has never been built, THEN the same kind of message
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    assert main(["--db", str(empty), *argv]) == 1
    error = capsys.readouterr().err.strip()
    assert str(empty) in error and len(error.splitlines()) == 1
    assert "cbi build" in error or "make bench-forecast" in error


@pytest.mark.parametrize(
    ("exc", "code", "expected"),
    [
        (KeyboardInterrupt(), 130, "cbi: interrupted; finished loads are kept"),
        (ValueError("bad\nmore"), 1, "cbi: unexpected error: ValueError: bad (run with --debug"),
    ],
)
def test_interrupts_and_bugs_are_one_line_unless_debugging(
    monkeypatch: pytest.MonkeyPatch, capsys, exc: BaseException, code: int, expected: str
) -> None:
    import cbi.status

    def interrupted(db_path: Path) -> str:
        raise exc

    monkeypatch.setattr(cbi.status, "render_status", interrupted)
    # WHEN the command is interrupted or hits a bug, THEN one line and a non-zero exit
    assert main(["status"]) == code
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith(expected)
    # AND with --debug its traceback (redacted) comes first, then the same line
    assert main(["--debug", "status"]) == code
    err = capsys.readouterr().err.strip().splitlines()
    assert err[0] == "Traceback (most recent call last):"
    assert err[-1].startswith(expected.removesuffix(" (run with --debug"))
