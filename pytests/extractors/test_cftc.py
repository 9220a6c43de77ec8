"""CFTC COT: both layouts, market codes, available_at, idempotence, bad input, live downloads.

Fixtures in fixtures/cftc/ are trimmed copies of real CFTC files from ../shared/data/cftc_cot
(see the README there): the header and a subset of the data lines, each unchanged (CRLF),
zipped again under the original member name where the original was a zip. Bad inputs are made
from them by editing the bytes. The live downloads are served by a local HTTP server.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from load_checks import load_log, refused, rows
from pytest_httpserver import HTTPServer

from cbi.cli import main
from common.errors import ExtractorError
from extractors import cftc

FIXTURES = Path(__file__).parent / "fixtures" / "cftc"
DISAGG_2023 = FIXTURES / "fut_disagg_txt_2023.zip"
DISAGG_2018 = FIXTURES / "fut_disagg_txt_2018.zip"
F_YEAR_2021 = FIXTURES / "f_year_2021_through_0316.txt"
LEGACY_2021 = FIXTURES / "deacot2021_legacy_futures_only_through_1221.zip"
LEGACY_COMBINED = FIXTURES / "annualof_legacy_futopt_2026_through_0303.txt"


def _rows(con: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return rows(con, cftc.TABLE)


def _member(path: Path) -> tuple[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        info = archive.infolist()[0]
        return info.filename, archive.read(info)


def _zip(name: str, data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(name, data)
    return buffer.getvalue()


def _ny(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="America/New_York").tz_convert("UTC")


# --- formats -------------------------------------------------------------------------------


def test_disaggregated_zip_keeps_the_configured_markets_by_code(con) -> None:
    # GIVEN the real 2023 annual zip (soybean oil, soybeans and corn rows)
    assert cftc.import_path(con, DISAGG_2023) == 8
    rows = _rows(con)
    # THEN corn (002602, not in seed cftc_markets) is left out; codes keep their zeros
    assert sorted(set(rows["market_code"])) == ["005602", "007601"]
    oil = rows[rows["market_code"] == "007601"].set_index("as_of_date")
    latest = oil.loc[pd.Timestamp("2023-10-10")]
    assert latest["report_type"] == "disaggregated" and latest["futures_only"]
    # the padded numbers of the real line: "  416271,   92270,  231321,  100408, ..."
    amounts = ["open_interest", "producer_merchant_long", "producer_merchant_short"]
    assert latest[amounts].tolist() == [416271, 92270, 231321]
    assert latest["managed_money_long"] == 61194 and latest["managed_money_short"] == 33733
    assert pd.isna(latest["noncommercial_long"])  # a legacy-only column
    # public Friday 13 October 2023 at 15:30 New York
    assert latest["available_at"] == _ny("2023-10-13 15:30")


def test_unzipped_f_year_and_crlf_or_lf_read_the_same(con) -> None:
    data = F_YEAR_2021.read_bytes()
    assert b"\r\n" in data
    crlf = cftc.parse_bytes(data, "f_year.txt")
    lf = cftc.parse_bytes(data.replace(b"\r\n", b"\n"), "f_year.txt")
    pd.testing.assert_frame_equal(crlf, lf)
    assert len(crlf) == 11 and set(crlf["market_code"]) == {"007601"}


def test_legacy_layouts_and_their_futures_only_flag(con) -> None:
    cftc.import_path(con, LEGACY_2021)
    cftc.import_path(con, LEGACY_COMBINED)
    rows = _rows(con)
    assert set(rows["report_type"]) == {"legacy"}
    # both files hold a real DJIA Consolidated line (code `12460+`): skipped, not refused
    assert set(rows["market_code"]) == {"007601", "026603"}
    by_flag = rows.groupby("futures_only")["as_of_date"].agg(["count", "max"])
    assert by_flag.loc[True, "count"] == 6  # annual.txt in deacot2021: futures only
    assert by_flag.loc[False, "max"] == pd.Timestamp("2026-03-03")  # annualof.txt: combined
    oil = rows[(rows["market_code"] == "007601") & rows["futures_only"]]
    last = oil[oil["as_of_date"] == pd.Timestamp("2021-12-21")].iloc[0]
    # "  406225,   95112,   54714,   65851,  217559,  256839,  378522,  377404, ..."
    assert [int(last[c]) for c in ("open_interest", "noncommercial_long", "commercial_short")] == [
        406225,
        95112,
        256839,
    ]
    assert last["total_reportable_long"] == 378522  # header " Total Reportable ..." (space)
    assert pd.isna(last["managed_money_long"])


def test_holiday_weeks_and_held_back_reports_are_public_later(con) -> None:
    # GIVEN the real 2018 soybean oil rows around July 4, Thanksgiving and the shutdown
    cftc.import_path(con, DISAGG_2018)
    at = _rows(con).set_index("as_of_date")["available_at"]
    assert at[pd.Timestamp("2018-07-03")] == _ny("2018-07-09 15:30")  # July 4 on Wednesday
    assert at[pd.Timestamp("2018-11-20")] == _ny("2018-11-26 15:30")  # Thanksgiving
    assert at[pd.Timestamp("2018-12-18")] == _ny("2018-12-21 15:30")  # a normal Friday
    # the 2018-19 shutdown: seed cftc_release_delays
    assert at[pd.Timestamp("2018-12-24")] == _ny("2019-03-08 15:30")
    assert at[pd.Timestamp("2018-12-31")] == _ny("2019-03-08 15:30")


@pytest.mark.parametrize(
    ("as_of", "released"),
    [
        # CFTC's published 2024 release schedule: delayed after Wednesday-Friday holidays ...
        ("2024-06-18", "2024-06-24"),
        ("2024-07-02", "2024-07-08"),
        ("2024-11-26", "2024-12-02"),
        ("2024-12-24", "2024-12-30"),
        # ... and on Friday in weeks with a Monday holiday
        ("2024-01-16", "2024-01-19"),
        ("2024-09-03", "2024-09-06"),
        ("2024-11-12", "2024-11-15"),
        # a Monday as-of date (Tuesday holiday): Friday (2025-11-10 before the shutdown delay)
        ("2025-11-10", "2025-11-14"),
    ],
)
def test_release_day_follows_the_cftc_schedule(as_of: str, released: str) -> None:
    day = cftc.release_day(dt.date.fromisoformat(as_of), delays={})
    assert day == dt.date.fromisoformat(released)


def test_import_is_idempotent(con) -> None:
    first = cftc.import_path(con, FIXTURES)
    before = _rows(con)
    assert first == len(before) == 8 + 7 + 11 + 6 + 3
    assert cftc.import_path(con, FIXTURES) == 0
    pd.testing.assert_frame_equal(before, _rows(con))


def test_market_code_stored_as_a_number_is_repadded(con, tmp_path: Path) -> None:
    # GIVEN the 2021 f_year.txt re-saved with the code as a number (7601, zeros lost)
    data = F_YEAR_2021.read_bytes().replace(b",007601,", b",7601,")
    path = tmp_path / "f_year.txt"
    path.write_bytes(data)
    # THEN the rows land under 007601, exactly as from the original
    cftc.import_path(con, path)
    assert set(_rows(con)["market_code"]) == {"007601"} and len(_rows(con)) == 11


# --- bad input -----------------------------------------------------------------------------


def _bad(con, tmp_path: Path, name: str, data: bytes) -> str:
    """Import a bad file after a good one; return the error. Earlier rows must be untouched."""
    path = tmp_path / name
    path.write_bytes(data)
    return refused(con, cftc, DISAGG_2023, path)


def test_truncated_zip(con, tmp_path: Path) -> None:
    data = DISAGG_2018.read_bytes()
    message = _bad(con, tmp_path, "fut_disagg_txt_2018.zip", data[: len(data) // 2])
    assert "not a complete zip archive" in message


def test_html_where_a_zip_was_expected(con, tmp_path: Path) -> None:
    html = b"<!DOCTYPE html><html><body>Page not found</body></html>"
    assert "HTML" in _bad(con, tmp_path, "fut_disagg_txt_2024.zip", html)


def test_renamed_column(con, tmp_path: Path) -> None:
    name, data = _member(DISAGG_2018)
    renamed = data.replace(b'"M_Money_Positions_Long_All"', b'"MM_Positions_Long_All"', 1)
    message = _bad(con, tmp_path, "fut_disagg_txt_2018.zip", _zip(name, renamed))
    assert "'M_Money_Positions_Long_All'" in message


def test_code_that_is_not_a_code(con, tmp_path: Path) -> None:
    data = F_YEAR_2021.read_bytes().replace(b",007601,", b",7601.0,")
    assert "'CFTC_Contract_Market_Code'" in _bad(con, tmp_path, "f_year.txt", data)


def test_thousands_separator_in_a_number(con, tmp_path: Path) -> None:
    data = F_YEAR_2021.read_bytes()
    first_row = data.split(b"\r\n")[1]
    oi = first_row.split(b",")[7]
    changed = data.replace(first_row, first_row.replace(b"," + oi + b",", b',"1,234",', 1))
    message = _bad(con, tmp_path, "f_year.txt", changed)
    assert "'Open_Interest_All' at line 2" in message and "1,234" in message


def test_dot_is_null(con, tmp_path: Path) -> None:
    data = F_YEAR_2021.read_bytes()
    first_row = data.split(b"\r\n")[1]
    oi = first_row.split(b",")[7]
    path = tmp_path / "f_year.txt"
    path.write_bytes(data.replace(first_row, first_row.replace(b"," + oi + b",", b",.,", 1)))
    cftc.import_path(con, path)
    assert _rows(con)["open_interest"].isna().sum() == 1


def test_cut_last_line(con, tmp_path: Path) -> None:
    data = F_YEAR_2021.read_bytes()
    assert "cut off" in _bad(con, tmp_path, "f_year.txt", data[:-300])


# --- live downloads ------------------------------------------------------------------------


@pytest.fixture
def site(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> HTTPServer:
    monkeypatch.setenv("CBI_HTTP_BACKOFF", "0")
    monkeypatch.setenv(cftc.BASE_URL_VARIABLE, httpserver.url_for("/files/dea/history"))
    return httpserver


ZIP_PATH = "/files/dea/history/fut_disagg_txt_2023.zip"


def test_live_download_lands_the_window(con, site: HTTPServer) -> None:
    site.expect_request(ZIP_PATH).respond_with_data(
        DISAGG_2023.read_bytes(), content_type="application/zip"
    )
    # soybean oil 5 September .. 3 October, soybeans 3 October (10 October is after the window)
    assert cftc.pull(con, start="2023-09-01", end="2023-10-05") == 6
    assert cftc.pull(con, start="2023-09-01", end="2023-10-05") == 0


def test_live_retries_429(con, site: HTTPServer) -> None:
    site.expect_ordered_request(ZIP_PATH).respond_with_data("busy", status=429)
    site.expect_ordered_request(ZIP_PATH).respond_with_data(DISAGG_2023.read_bytes())
    assert cftc.pull(con, start="2023-01-01", end="2023-12-31") == 8


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (500, b"oops", "HTTP 500"),
        (200, b"<html><body>Maintenance</body></html>", "HTML"),
        (200, b"PK\x03\x04 cut", "not a complete zip archive"),
    ],
)
def test_live_errors_are_recorded(
    con, site: HTTPServer, status: int, body: bytes, expected: str
) -> None:
    cftc.import_path(con, DISAGG_2018)
    before = _rows(con)
    site.expect_request(ZIP_PATH).respond_with_data(body, status=status)
    with pytest.raises(ExtractorError) as caught:
        cftc.pull(con, start="2023-01-01", end="2023-12-31")
    assert expected in str(caught.value) and "fut_disagg_txt_2023.zip" in str(caught.value)
    assert load_log(con)[-1][2] == "failed"
    pd.testing.assert_frame_equal(before, _rows(con))


def test_cli_imports_a_folder(tmp_path: Path) -> None:
    db = tmp_path / "cli.duckdb"
    assert main(["--db", str(db), "ingest", "cftc", "--from-file", str(FIXTURES)]) == 0
    with duckdb.connect(str(db), read_only=True) as check:
        assert check.execute(f"select count(*) from {cftc.TABLE}").fetchone()[0] == 35


def test_daily_update_downloads_the_years_since_the_last_report(con, site: HTTPServer) -> None:
    cftc.import_path(con, DISAGG_2023)  # last report 2023-10-10
    site.expect_request(ZIP_PATH).respond_with_data(DISAGG_2023.read_bytes())
    site.expect_request(ZIP_PATH.replace("2023", "2024")).respond_with_data(
        DISAGG_2023.read_bytes()  # the 2023 file again: no report in 2024
    )
    assert cftc.update(con, today=dt.date(2024, 1, 5)) == 0
    assert [request.path.rsplit("/", 1)[1] for request, _ in site.log] == [
        "fut_disagg_txt_2023.zip",
        "fut_disagg_txt_2024.zip",
    ]
