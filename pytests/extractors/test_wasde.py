"""WASDE / PSD: the three real formats, release instants, bad input, live OCE downloads.

Fixtures (fixtures/usda_wasde/, README there) are real lines of ../shared/data/usda_wasde:
OCE rows of the July and August 2024 reports (U.S. soybean oil, Brazil and Argentina soybean
production), PSD lines of August 2024, and two WASDE text tables, each line unchanged.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from load_checks import load_log, refused, rows
from pytest_httpserver import HTTPServer

from common.errors import ExtractorError
from extractors import wasde, wasde_oce

FIXTURES = Path(__file__).parent / "fixtures" / "usda_wasde"
OCE = (
    FIXTURES
    / "oce_wasde_rows_2024-07_to_2024-08_us_soybean_oil_and_south_american_soybeans_headerless.csv"
)
PSD = FIXTURES / "psd_commodity_forecast_2024-08_us_soybean_oil_and_south_american_soybeans.csv"
TEXT = FIXTURES / "wasde_2019-11-08_us_soybeans_and_products.txt"
TEXT_DATED = FIXTURES / "wasde_2020-06-11_us_soybeans_and_products.txt"


def _values(con, dataset: str, attribute: str, market_year: str) -> list[tuple]:
    return con.execute(
        f"""select report_month, value, previous_value, unit, available_at from {wasde.TABLE}
        where dataset = ? and attribute = ? and market_year = ? and region = 'United States'
        and commodity = 'Oil, Soybean' order by report_month""",
        [dataset, attribute, market_year],
    ).fetchall()


def test_oce_rows_land_with_their_release_instant_and_reload_writes_nothing(con) -> None:
    assert wasde.import_path(con, OCE) == 78
    assert _values(con, "oce", "Ending stocks", "2024/25") == [
        (dt.date(2024, 7, 1), 1777.0, None, "Million Pounds", _noon_edt("2024-07-12")),
        (dt.date(2024, 8, 1), 1777.0, None, "Million Pounds", _noon_edt("2024-08-12")),
    ]
    assert _values(con, "oce", "Biofuel", "2023/24")[1][1] == 12900.0
    assert wasde.import_path(con, OCE) == 0
    assert [row[1:3] for row in load_log(con)] == [(78, "ok"), (0, "ok")]


def _noon_edt(day: str) -> pd.Timestamp:
    return pd.Timestamp(f"{day} 16:00", tz="UTC")


def test_an_oce_file_with_its_header_reads_the_same(con, tmp_path: Path) -> None:
    headed = tmp_path / "oce-wasde-report-data-2024-08.csv"
    headed.write_text(",".join(wasde_oce.OCE_COLUMNS) + "\n" + OCE.read_text())
    wasde.import_path(con, OCE)
    before = rows(con, wasde.TABLE).drop(columns="source")
    assert wasde.import_path(con, headed) == 0
    pd.testing.assert_frame_equal(before, rows(con, wasde.TABLE).drop(columns="source"))


def test_psd_rows_take_the_wasde_release_of_their_month(con, tmp_path: Path) -> None:
    assert wasde.import_path(con, PSD) == 22
    stocks = con.execute(
        f"""select market_year, value, unit, available_at from {wasde.TABLE}
        where dataset = 'psd' and attribute = 'Ending Stocks' and commodity = 'Oil, Soybean'"""
    ).fetchall()
    # August 2024 WASDE day (seed wasde_release_dates), 12:00 New York; 1000 MT as published
    assert stocks == [("2024/25", 806.0, "(1000 MT)", _noon_edt("2024-08-12"))]
    # a month without a known release date waits to the end of the month
    later = tmp_path / "psd_2025-09.csv"
    later.write_text(PSD.read_text().replace(",2024,2024,08,", ",2024,2025,09,"))
    wasde.import_path(con, later)
    assert con.execute(
        f"select distinct available_at from {wasde.TABLE} where report_month = '2025-09-01'"
    ).fetchall() == [(_noon_edt("2025-09-30"),)]


def test_text_tables_land_both_columns_and_their_date(con) -> None:
    assert wasde.import_path(con, TEXT) == 68
    assert _values(con, "text", "Ending stocks", "2019/20") == [
        (
            dt.date(2019, 11, 1),
            1446.0,
            1525.0,
            "Million Pounds",
            pd.Timestamp("2019-11-08 17:00", tz="UTC"),
        )
    ]
    # "Biodiesel 3/" is the row the OCE file calls Biofuel
    assert _values(con, "text", "Biofuel", "2019/20")[0][1:3] == (8500.0, 8500.0)
    # the copy with a " date 2020-06-11" prefix and '*' flags reads too
    assert wasde.import_path(con, TEXT_DATED) == 68
    planted = con.execute(
        f"""select value, previous_value from {wasde.TABLE} where dataset = 'text'
        and report_month = '2020-06-01' and attribute = 'Area Planted'
        and market_year = '2020/21'"""
    ).fetchall()
    assert planted == [(83.5, 83.5)]


def _bad(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / "bad" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("good", "make_bad", "message"),
    [
        (
            PSD,
            lambda t: t.replace("countryName", "country_name", 1),
            "column 'countryName' is missing",
        ),
        (PSD, lambda t: t.replace(",806\n", ",806 kMT\n"), "field 'value' at line"),
        (
            TEXT,
            lambda t: t.replace("Biodiesel 3/ 8,000 8,000 8,500 8,500\n", ""),
            "row 'Biodiesel' of section SOYBEAN OIL is missing",
        ),
        (
            TEXT,
            lambda t: t.replace("Million pounds\nSOYBEAN OIL", "Thousand metric tons\nSOYBEAN OIL"),
            "row 'Beginning stocks' of section SOYBEAN OIL stands under unit 'Million bushels'",
        ),
        (TEXT, lambda t: t[:900], "has no line end; the file is cut off"),
        (TEXT, lambda t: t[: t.index("\n", 900) + 1], "is missing"),
        (OCE, lambda t: t[:-40], "line 78 has no line end; the file is cut off"),
        (OCE, lambda t: t.replace("2024-08-12", "2024-09-12", 1), "field 'ReleaseDate' at line"),
        (
            OCE,
            lambda t: "<!DOCTYPE html><html><body>Access Denied</body></html>",
            "is an HTML page",
        ),
    ],
    ids=[
        "renamed column",
        "value",
        "missing row",
        "unit",
        "cut text",
        "text missing its end",
        "cut csv",
        "release",
        "html",
    ],
)
def test_bad_files_fail_by_name_and_leave_earlier_rows(
    con, tmp_path: Path, good: Path, make_bad, message: str
) -> None:
    bad = _bad(tmp_path, good.name, make_bad(good.read_text()))
    assert message in refused(con, wasde, good, bad)


def test_an_unknown_file_is_named(con, tmp_path: Path) -> None:
    bad = _bad(tmp_path, "notes.csv", "a,b\n1,2\n")
    assert "neither an OCE WASDE CSV" in refused(con, wasde, OCE, bad)


@pytest.fixture
def server(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> HTTPServer:
    monkeypatch.setenv("CBI_HTTP_BACKOFF", "0")
    monkeypatch.setenv(wasde.BASE_URL_VARIABLE, httpserver.url_for("/files"))
    return httpserver


def test_month_download_lands_the_oce_file(con, server: HTTPServer) -> None:
    server.expect_request("/files/oce-wasde-report-data-2024-08.csv").respond_with_data(
        ",".join(wasde_oce.OCE_COLUMNS) + "\n" + OCE.read_text()
    )
    assert wasde.pull(con, [wasde.month_url(dt.date(2024, 8, 1))]) == 78
    assert load_log(con)[-1][0].endswith("/files/oce-wasde-report-data-2024-08.csv")


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (404, "Not Found", "HTTP 404"),
        (429, "", "HTTP 429"),
        (500, "", "HTTP 500"),
        (200, "<html><body>Please enable JavaScript</body></html>", "is an HTML page"),
    ],
)
def test_download_errors_are_one_line_and_recorded(
    con, server: HTTPServer, status: int, body: str, message: str
) -> None:
    wasde.import_path(con, OCE)
    before = rows(con, wasde.TABLE)
    server.expect_request("/files/oce-wasde-report-data-2024-09.csv").respond_with_data(
        body, status=status
    )
    with pytest.raises(ExtractorError) as error:
        wasde.pull(con, [wasde.month_url(dt.date(2024, 9, 1))])
    assert str(error.value).startswith("usda_wasde: ") and message in str(error.value)
    assert load_log(con)[-1][2] == "failed"
    pd.testing.assert_frame_equal(before, rows(con, wasde.TABLE))


def test_update_asks_for_each_month_after_the_last_once_due(con, monkeypatch) -> None:
    asked: list[str] = []
    monkeypatch.setattr(wasde, "pull", lambda con, urls: asked.extend(urls) or 0)
    wasde.import_path(con, OCE)  # reports up to 2024-08
    wasde.update(con, dt.date(2024, 10, 12))  # October's not due before the 13th
    assert [url.rsplit("-", 2)[-2:] for url in asked] == [["2024", "09.csv"]]
    asked.clear()
    wasde.update(con, dt.date(2024, 10, 13))
    assert len(asked) == 2 and asked[-1].endswith("2024-10.csv")


def test_arguments_are_checked_before_any_request(con) -> None:
    with pytest.raises(ExtractorError, match="--month '2024-13' is not a month"):
        wasde.ingest(con, _args(month=["2024-13"]))
    with pytest.raises(ExtractorError, match="give --from-file PATH"):
        wasde.ingest(con, _args())


def _args(**values):
    import argparse

    return argparse.Namespace(**({"from_file": None, "month": [], "url": []} | values))


def test_cut_snapshot_keeps_the_soybean_lines_unchanged(tmp_path: Path) -> None:
    shared = tmp_path / "shared" / "usda_wasde"
    (shared / "text_tables").mkdir(parents=True)
    first = OCE.read_bytes().splitlines(keepends=True)[0]
    wheat = first.replace(wasde.US_TABLE.encode(), b"U.S. Wheat Supply and Use")
    (shared / OCE.name).write_bytes(wheat + OCE.read_bytes())
    header, *lines = PSD.read_bytes().splitlines(keepends=True)
    (shared / PSD.name).write_bytes(b"".join([header, b"0410000" + lines[0][7:], *lines]))
    (shared / "text_tables" / TEXT.name).write_bytes(TEXT.read_bytes())
    wasde.cut_snapshot(tmp_path / "shared", tmp_path / "snapshot")
    out = tmp_path / "snapshot"
    # the lines the marts read (U.S. soybean oil use and stocks, the regions' world rows)
    lines = OCE.read_bytes().splitlines(keepends=True)
    kept = [line for line in lines if wasde._oce_line(line)]
    assert 0 < len(kept) < len(lines)
    assert all(b"Production" not in line for line in kept if b'"United States"' in line[:200])
    assert (out / OCE.name).read_bytes() == b"".join(kept)
    assert (out / PSD.name).read_bytes() == PSD.read_bytes()
    assert (out / TEXT.name).read_bytes() == TEXT.read_bytes()
