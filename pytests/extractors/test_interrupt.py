"""Ctrl-C (KeyboardInterrupt) during a folder import: `cbi ingest` stops at once and exits 130;
the files landed before stay landed and are never reported as failed; `ops.load_log` has a row
for every file it touched, the interrupted one as failed (interrupted). The interrupt is raised
by a patched parser on the second real FRED file, as Python raises it (KeyboardInterrupt) and as
DuckDB does when Ctrl-C arrives during a query (duckdb.InterruptException, an Exception that a
folder import used to treat as one bad file and go on to the next)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest

from cbi.cli import main
from extractors import fred

FIXTURES = Path(__file__).parent / "fixtures" / "fred"
FILES = ("DCOILWTICO.csv", "DFF.csv", "DGS10.csv")


@pytest.mark.parametrize("interrupt", [KeyboardInterrupt, duckdb.InterruptException])
def test_ctrl_c_during_a_folder_import_stops_at_once_and_logs_every_file(
    tmp_path: Path, monkeypatch, capsys, interrupt: type[BaseException]
) -> None:
    folder = tmp_path / "fred"
    folder.mkdir()
    for name in FILES:
        shutil.copy(FIXTURES / name, folder / name)
    parsed: list[str] = []
    parse_csv = fred.parse_csv

    def interrupted_on_the_second(text: str, where: str):
        parsed.append(where)
        if len(parsed) == 2:
            raise interrupt
        return parse_csv(text, where)

    monkeypatch.setattr(fred, "parse_csv", interrupted_on_the_second)
    db = tmp_path / "cbi.duckdb"
    assert main(["--db", str(db), "ingest", "fred", "--from-file", str(folder)]) == 130
    assert parsed == list(FILES[:2])
    err = capsys.readouterr().err
    assert "interrupted" in err and FILES[0] not in err
    with duckdb.connect(str(db), read_only=True) as con:
        logged = con.execute(
            "select load_window, rows_landed, status, error from ops.load_log order by load_id"
        ).fetchall()
        landed = con.execute(f"select count(*) from {fred.TABLE}").fetchone()[0]
    assert logged == [
        (FILES[0], landed, "ok", None),
        (FILES[1], 0, "failed", "interrupted (Ctrl-C): rolled back"),
    ]
    assert landed > 0
