"""The command-line tool answers --help for every command without touching a database."""

from __future__ import annotations

import pytest

from cbi.cli import build_parser


@pytest.mark.parametrize(
    "argv",
    [[], ["ingest"], ["ingest", "databento"], ["build"], ["status"], ["backtest"], ["bench"]],
)
def test_help_exits_cleanly(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        build_parser().parse_args([*argv, "--help"])
    assert exit_info.value.code == 0
    assert "usage: cbi" in capsys.readouterr().out
