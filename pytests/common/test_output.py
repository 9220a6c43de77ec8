"""What a user reads when something goes wrong: one line that names the thing to fix.

The bad files are constructed from real ones (a CFTC report with one value replaced, EIA's
real workbook cut in half, FRED error pages), named so below.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

import cbi.report
from cbi.cli import main
from common.paths import SNAPSHOT_DIR

FIXTURES = Path(__file__).parents[1] / "extractors" / "fixtures"
CFTC_REPORT = FIXTURES / "cftc" / "f_year_2021_through_0316.txt"


def _one_error_line(capfd) -> str:
    """Everything the command printed (stdout and stderr) must be a single line."""
    out, err = capfd.readouterr()
    lines = (out + err).strip().splitlines()
    assert len(lines) == 1, lines
    return lines[0]


def test_a_20_digit_integer_names_the_field_and_line(tmp_path: Path, capfd) -> None:
    # GIVEN the real 2021 CFTC report with the soybean oil open interest replaced by 20 digits
    lines = CFTC_REPORT.read_text().splitlines(keepends=True)
    row = next(i for i, line in enumerate(lines) if line.startswith('"SOYBEAN OIL'))
    lines[row] = lines[row].replace("  496726,", "12345678901234567890,", 1)
    report = tmp_path / "f_year_constructed_overflow.txt"
    report.write_text("".join(lines[: row + 1]))
    # WHEN imported
    code = main(
        ["-q", "--db", str(tmp_path / "cbi.duckdb"), "ingest", "cftc", "--from-file", str(report)]
    )
    # THEN one line names the field, the line and the value
    line = _one_error_line(capfd)
    assert code == 1
    assert "'Open_Interest_All'" in line and f"line {row + 1}" in line
    assert "12345678901234567890" in line


def test_loads_that_all_failed_are_not_said_to_have_landed(tmp_path: Path, capfd) -> None:
    # GIVEN a folder of two FRED "downloads" that are error pages (constructed)
    folder = tmp_path / "fred"
    folder.mkdir()
    for name in ("DGS2.csv", "DFF.csv"):
        (folder / name).write_text("<html>Service unavailable</html>")
    code = main(
        ["-q", "--db", str(tmp_path / "cbi.duckdb"), "ingest", "fred", "--from-file", str(folder)]
    )
    line = _one_error_line(capfd)
    assert code == 1 and "all 2 loads" in line and "landed" not in line
    # AND with one good file (real), the line says how many landed
    (folder / "DFF.csv").write_bytes((FIXTURES / "fred" / "DFF.csv").read_bytes())
    code = main(
        ["-q", "--db", str(tmp_path / "cbi.duckdb"), "ingest", "fred", "--from-file", str(folder)]
    )
    line = _one_error_line(capfd)
    assert code == 1 and "1 of 2 loads" in line and "the other 1 landed" in line


def test_an_unwritable_out_folder_is_one_line_naming_it(
    tmp_path: Path, capfd, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a page to write (stubbed: the page itself is tested in pytests/report) and an
    # --out folder that cannot be made (beneath a regular file)
    monkeypatch.setattr(cbi.report, "build_view", lambda db, command: None)
    monkeypatch.setattr(cbi.report, "render_report", lambda view: "<html></html>")
    blocker = tmp_path / "a_file"
    blocker.write_text("not a folder")
    out = blocker / "report"
    code = main(["--db", str(tmp_path / "cbi.duckdb"), "report", "--out", str(out)])
    line = _one_error_line(capfd)
    assert code == 1 and "unexpected" not in line and str(out) in line


def test_a_half_xls_is_one_line(tmp_path: Path) -> None:
    # GIVEN EIA's real weekly price workbook cut after 30,000 bytes (constructed truncation)
    workbook = next((SNAPSHOT_DIR / "eia").glob("*.xls"))
    half = tmp_path / "PET_PRI_GND_DCUS_NUS_W_cut.xls"
    half.write_bytes(workbook.read_bytes()[:30000])
    # WHEN imported by a real process (xlrd writes to the stdout it found at import)
    done = subprocess.run(
        [sys.executable, "-m", "cbi.cli", "-q", "--db", str(tmp_path / "cbi.duckdb")]
        + ["ingest", "eia", "--from-file", str(half)],
        capture_output=True,
        text=True,
        check=False,
    )
    # THEN all it printed is one line naming the file
    lines = (done.stdout + done.stderr).strip().splitlines()
    assert done.returncode == 1 and len(lines) == 1, lines
    assert half.name in lines[0]
