"""EPA RIN prices and generation: parsing, available_at, idempotence, bad input, downloads.

Fixtures in fixtures/epa_rin/ are trimmed copies of the real files (a subset of their lines,
each line unchanged): three weeks of the RIN price export (LF) and the 2024-2026 RIN years of
two generationbreakout files (CRLF). Bad inputs are made from them by editing the text.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from pytest_httpserver import HTTPServer

from cbi.cli import build_parser, main
from common.errors import ExtractorError
from extractors import epa_rin

FIXTURES = Path(__file__).parent / "fixtures" / "epa_rin"
PRICES = FIXTURES / "rin_prices_2021-12-27_to_2022-01-10.csv"
GENERATION_2025 = FIXTURES / "generationbreakout_jan2025.csv"
GENERATION_2026 = FIXTURES / "generationbreakout_jan2026.csv"
PRICE_ROWS = 41


def _write(folder: Path, name: str, data: bytes) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(data)
    return path


def _log(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        "select target_table, load_window, rows_landed, status, error from ops.load_log "
        "order by load_id"
    ).fetchall()


def _prices(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        f"select * exclude (loaded_at, source) from {epa_rin.PRICES_TABLE} order by all"
    ).fetchall()


def test_price_export_lands_every_row_with_the_monthly_update_as_available_at(con) -> None:
    # GIVEN the real export of three weeks (every D-code, RIN year and QAP type)
    # WHEN it is imported
    rows = epa_rin.import_path(con, PRICES)
    # THEN every line is one row, prices in $/RIN without the dollar sign
    assert rows == PRICE_ROWS
    d4 = con.execute(
        f"""
        select rin_year, transfer_year, qap_service_type, price_usd_per_rin
        from {epa_rin.PRICES_TABLE}
        where week_start_date = '2021-12-27' and d_code = 'D4' order by all
        """
    ).fetchall()
    assert d4 == [
        (2020, 2021, "Q-RIN", 1.50),
        (2020, 2021, "Unverified", 1.51),
        (2021, 2021, "Q-RIN", 1.64),
        (2021, 2021, "Unverified", 1.54),
    ]
    # AND a week is public at the update after the month of its Sunday: the week of Monday
    # 2021-12-27 ends on 2022-01-02, so it waits for 2022-02-20 17:00 New York (22:00 UTC)
    public = dict(
        con.execute(
            f"select week_start_date, min(available_at) from {epa_rin.PRICES_TABLE} group by 1"
        ).fetchall()
    )
    expected = pd.Timestamp("2022-02-20 22:00", tz="UTC")
    assert {week: pd.Timestamp(at) for week, at in public.items()} == {
        dt.date(2021, 12, 27): expected,
        dt.date(2022, 1, 3): expected,
        dt.date(2022, 1, 10): expected,
    }


def test_generation_vintage_comes_from_the_file_name(con) -> None:
    # GIVEN the January 2025 file (RIN year 2025 holds about one month of generation)
    rows = epa_rin.import_path(con, GENERATION_2025)
    # THEN its rows carry vintage 2025-01, public at the February update
    assert rows == 10
    row = con.execute(
        f"""
        select vintage_month, total_rins, domestic_rins, importer_rins, foreign_generation_rins,
               available_at
        from {epa_rin.GENERATION_TABLE} where rin_year = 2025 and fuel_code = 4
        """
    ).fetchone()
    assert row[:5] == (dt.date(2025, 1, 1), 485993359, 468654785, 4703045, 12635529)
    assert pd.Timestamp(row[5]) == pd.Timestamp("2025-02-20 22:00", tz="UTC")


def test_a_folder_lands_both_formats_and_a_second_load_changes_nothing(con, tmp_path: Path) -> None:
    folder = tmp_path / "epa"
    for path in (PRICES, GENERATION_2025, GENERATION_2026):
        _write(folder, path.name, path.read_bytes())
    _write(folder, "available_RINS.csv", b'"RIN Year","Fuel (D Code)"\n"2026","D4"\n')
    # WHEN the folder is imported twice
    first = epa_rin.import_path(con, folder)
    before = _prices(con)
    second = epa_rin.import_path(con, folder)
    # THEN the other EPA file is skipped, and the second load writes nothing
    assert first == PRICE_ROWS + 10 + 15
    assert second == 0
    assert _prices(con) == before
    assert [row[2] for row in _log(con)] == [10, 15, PRICE_ROWS, 0, 0, 0]
    assert {row[3] for row in _log(con)} == {"ok"}


@pytest.mark.parametrize("path", [PRICES, GENERATION_2026], ids=["LF file", "CRLF file"])
def test_line_endings_do_not_matter(con, tmp_path: Path, path: Path) -> None:
    # GIVEN the same file with the other line ending
    data = path.read_bytes()
    other = data.replace(b"\r\n", b"\n") if b"\r\n" in data else data.replace(b"\n", b"\r\n")
    # WHEN both are imported
    first = epa_rin.import_path(con, path)
    second = epa_rin.import_path(con, _write(tmp_path, path.name, other))
    # THEN they are the same rows
    assert first > 0 and second == 0


def _edited(path: Path, old: bytes, new: bytes, count: int = 1) -> bytes:
    data = path.read_bytes()
    assert old in data
    return data.replace(old, new, count)


BAD_FILES = {
    "html": (PRICES, b"<!DOCTYPE html><html><body>Service unavailable</body></html>", "HTML page"),
    "renamed column": (
        PRICES,
        _edited(PRICES, b"RIN Price", b"Price"),
        "column 'RIN Price' is missing",
    ),
    "missing column": (
        PRICES,
        _edited(PRICES, b",QAP Service Type", b""),
        "column 'QAP Service Type' is missing",
    ),
    "price with a thousands separator": (
        PRICES,
        _edited(PRICES, b'"$1.64"', b'"$1,064.00"'),
        "field 'RIN Price' at line 11 is '$1,064.00'",
    ),
    "price without its dollar sign": (
        PRICES,
        _edited(PRICES, b'"$1.64"', b'"1.64"'),
        "field 'RIN Price' at line 11 is '1.64'",
    ),
    "cut off": (PRICES, PRICES.read_bytes()[:-20], "cut off"),
    "not a Monday": (
        PRICES,
        _edited(PRICES, b'"1/3/2022"', b'"1/4/2022"'),
        "'1/4/2022', not a Monday",
    ),
    "bad date": (PRICES, _edited(PRICES, b'"1/3/2022"', b'"2022-01-03"'), "not a date"),
    "count with thousands separators": (
        GENERATION_2025,
        _edited(GENERATION_2025, b",485993359", b',"485,993,359"'),
        "field 'Total RINs' at line 8 is '485,993,359'",
    ),
    "count with a dollar sign": (
        GENERATION_2025,
        _edited(GENERATION_2025, b",485993359", b",$485993359"),
        "field 'Total RINs' at line 8 is '$485993359'",
    ),
    "renamed generation column": (
        GENERATION_2025,
        _edited(GENERATION_2025, b"Fuel Code", b"D Code"),
        "column 'Fuel Code' is missing",
    ),
    "cut inside a number": (GENERATION_2025, GENERATION_2025.read_bytes()[:-6], "cut off"),
}


def _all_rows(con: duckdb.DuckDBPyConnection) -> tuple[list[tuple], list[tuple]]:
    generation = con.execute(
        f"select * exclude (loaded_at) from {epa_rin.GENERATION_TABLE} order by all"
    ).fetchall()
    return _prices(con), generation


@pytest.mark.parametrize("case", BAD_FILES, ids=list(BAD_FILES))
def test_bad_files_fail_by_name_and_leave_earlier_rows(con, tmp_path: Path, case: str) -> None:
    # GIVEN earlier rows from the good files
    epa_rin.import_path(con, PRICES)
    epa_rin.import_path(con, GENERATION_2026)
    before = _all_rows(con)
    good, data, message = BAD_FILES[case]
    bad = _write(tmp_path / "bad", good.name, data)
    # WHEN the bad file is imported
    with pytest.raises(ExtractorError) as error:
        epa_rin.import_path(con, bad)
    # THEN the error names the source, the file and the field; the load is recorded as failed
    text = str(error.value)
    assert text.startswith("epa_rin: ") and good.name in text and message in text
    assert _log(con)[-1][3] == "failed" and message in _log(con)[-1][4]
    assert _all_rows(con) == before


def test_a_file_of_neither_format_is_refused(con, tmp_path: Path) -> None:
    bad = _write(tmp_path, "fuelproduction_jan2025.csv", b"RIN Year,Fuel\n2025,x\n")
    with pytest.raises(ExtractorError, match="neither a RIN price export"):
        epa_rin.import_path(con, bad)


def test_cli_imports_a_file_and_fails_in_one_line(tmp_path: Path, capsys) -> None:
    db = tmp_path / "cli.duckdb"
    assert main(["--db", str(db), "ingest", "epa-rin", "--from-file", str(PRICES)]) == 0
    bad = _write(tmp_path / "bad", PRICES.name, b"<html>maintenance</html>")
    assert main(["--db", str(db), "ingest", "epa-rin", "--from-file", str(bad)]) == 1
    assert "epa_rin:" in capsys.readouterr().err


@pytest.fixture
def epa_server(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> HTTPServer:
    monkeypatch.setenv("CBI_HTTP_BACKOFF", "0")
    monkeypatch.setenv(epa_rin.BASE_URL_VARIABLE, httpserver.url_for("/rfs"))
    return httpserver


def test_month_download_lands_the_file_of_that_month(con, epa_server: HTTPServer) -> None:
    epa_server.expect_request("/rfs/generationbreakout_jan2025.csv").respond_with_data(
        GENERATION_2025.read_bytes(), content_type="text/csv"
    )
    rows = epa_rin.pull(con, [epa_rin.month_url("2025-01")])
    assert rows == 10
    window = _log(con)[-1][1]
    assert window.startswith("live:http://") and window.endswith("/generationbreakout_jan2025.csv")


def test_update_fetches_the_latest_published_month(con, epa_server: HTTPServer) -> None:
    # GIVEN 2025-02-19: the January file is not out until the 20th, so December's is fetched
    lines = GENERATION_2025.read_bytes().splitlines(keepends=True)
    served = b"".join(line for line in lines if not line.startswith(b"2025,"))
    epa_server.expect_request("/rfs/generationbreakout_dec2024.csv").respond_with_data(
        served, content_type="text/csv"
    )
    assert epa_rin.update(con, pd.Timestamp("2025-02-19 12:00", tz="UTC")) == 5


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (429, "slow down", "HTTP 429"),
        (500, "oops", "HTTP 500"),
        (404, "gone", "HTTP 404"),
        (200, "<html><body>Please sign in</body></html>", "HTML page"),
    ],
)
def test_download_errors_are_one_line_and_recorded(
    con, epa_server: HTTPServer, status: int, body: str, message: str
) -> None:
    epa_server.expect_request("/rfs/generationbreakout_jan2025.csv").respond_with_data(
        body, status=status
    )
    with pytest.raises(ExtractorError) as error:
        epa_rin.pull(con, [epa_rin.month_url("2025-01")])
    text = str(error.value)
    assert text.startswith("epa_rin: ") and "generationbreakout_jan2025.csv" in text
    assert message in text
    assert _log(con)[-1][3] == "failed"


def test_month_download_needs_the_base_url(con, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(epa_rin.BASE_URL_VARIABLE, raising=False)
    with pytest.raises(ExtractorError, match=epa_rin.BASE_URL_VARIABLE):
        epa_rin.month_url("2025-01")
    monkeypatch.setenv(epa_rin.BASE_URL_VARIABLE, "http://localhost:1")
    args, _ = build_parser().parse_known_args(["ingest", "epa-rin", "--month", "2025-13"])
    with pytest.raises(ExtractorError, match="--month '2025-13' is not a month"):
        epa_rin.ingest(con, args)


def test_cut_snapshot_keeps_d4_and_d6_lines_unchanged(tmp_path: Path) -> None:
    # GIVEN a shared-data layout holding the fixtures under the real names
    shared = tmp_path / "shared"
    _write(shared / "epa_rin" / "rin_prices", epa_rin.SNAPSHOT_PRICES, PRICES.read_bytes())
    for path in (GENERATION_2025, GENERATION_2026):
        _write(shared / "epa_rin" / "emts_public_data", path.name, path.read_bytes())
    # WHEN the snapshot is cut
    destination = tmp_path / "snapshot" / "epa-rin"
    epa_rin.cut_snapshot(shared, destination)
    # THEN each kept line is an unchanged line of the source, and only D4 / D6 remain
    for path in (PRICES, GENERATION_2026):
        name = epa_rin.SNAPSHOT_PRICES if path == PRICES else path.name
        cut = (destination / name).read_bytes().splitlines(keepends=True)
        original = path.read_bytes().splitlines(keepends=True)
        assert cut[0] == original[0] and set(cut) <= set(original)
        assert 1 < len(cut) < len(original)
        assert all(b"D3" not in line and b",3," not in line for line in cut[1:])
