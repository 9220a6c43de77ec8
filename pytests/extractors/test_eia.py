"""EIA weekly retail prices: workbook and API v2 parsing, release rule, bad input, live pulls.

The workbook is the real `PET_PRI_GND_DCUS_NUS_W.xls` as EIA wrote it on 2026-03-02 (489 KB),
read from the bundled snapshot copy. No real API v2 response exists:
fixtures/eia/constructed_api_v2_*.json is built from the published schema (it says so in its
`_note`), with real diesel values from the workbook. The live API is a local HTTP server.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import xlrd
from load_checks import refused
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from common.errors import ExtractorError, MissingCredentialError
from common.paths import SNAPSHOT_DIR
from extractors import eia
from extractors.eia import parse as eia_parse

WORKBOOK = SNAPSHOT_DIR / "eia" / "PET_PRI_GND_DCUS_NUS_W_1990-2026-03-02.xls"
API_PAGE = (
    Path(__file__).parent
    / "fixtures"
    / "eia"
    / "constructed_api_v2_weekly_diesel_2021-08-23_to_2021-09-13.json"
)
WORKBOOK_ROWS = 22_864  # 15 series, 1990-08-20 .. 2026-03-02, blanks before each series starts
DIESEL_LAST_WEEKS = [
    (dt.date(2021, 8, 23), 3.324, pd.Timestamp("2021-08-23 21:00", tz="UTC")),
    (dt.date(2021, 8, 30), 3.339, pd.Timestamp("2021-08-30 21:00", tz="UTC")),
    # Labor Day: released on Tuesday
    (dt.date(2021, 9, 6), 3.373, pd.Timestamp("2021-09-07 21:00", tz="UTC")),
    (dt.date(2021, 9, 13), 3.372, pd.Timestamp("2021-09-13 21:00", tz="UTC")),
]
KEY = "eia-test-key-not-real"


def _rows(
    con: duckdb.DuckDBPyConnection,
    since: dt.date = dt.date(2021, 8, 23),
    until: dt.date = dt.date(2021, 9, 13),
) -> list[tuple]:
    return [
        (period, value, pd.Timestamp(at))
        for period, value, at in con.execute(
            f"""
            select period_date, value, available_at from {eia.TABLE}
            where series_id = ? and period_date between ? and ? order by period_date
            """,
            [eia.DIESEL_SERIES, since, until],
        ).fetchall()
    ]


def _log(con: duckdb.DuckDBPyConnection) -> list[tuple]:
    return con.execute(
        "select load_window, rows_landed, status, error from ops.load_log order by load_id"
    ).fetchall()


def test_workbook_lands_every_series_with_the_monday_release(con) -> None:
    rows = eia.import_path(con, WORKBOOK)
    assert rows == WORKBOOK_ROWS
    assert _rows(con) == DIESEL_LAST_WEEKS
    assert con.execute(f"select distinct units from {eia.TABLE}").fetchall() == [("$/GAL",)]
    first = con.execute(
        f"select min(period_date) from {eia.TABLE} where series_id = ?", [eia.DIESEL_SERIES]
    ).fetchone()[0]
    assert first == dt.date(1994, 3, 21)
    # a second identical load writes nothing
    assert eia.import_path(con, WORKBOOK) == 0
    assert [row[1:3] for row in _log(con)] == [(WORKBOOK_ROWS, "ok"), (0, "ok")]


def test_release_rule() -> None:
    periods = pd.Series(pd.to_datetime(["2021-09-13", "2021-09-06", "2025-09-29", "2025-01-20"]))
    assert eia_parse.release_at(periods).tolist() == [
        pd.Timestamp("2021-09-13 21:00", tz="UTC"),  # Monday 17:00 New York (EDT)
        pd.Timestamp("2021-09-07 21:00", tz="UTC"),  # Labor Day: Tuesday 17:00
        pd.Timestamp("2025-09-30 14:00", tz="UTC"),  # from 2025: Tuesday 10:00
        pd.Timestamp("2025-01-22 15:00", tz="UTC"),  # MLK day: Wednesday 10:00 (EST)
    ]


def _sheet() -> tuple[list[list[object]], int]:
    book = xlrd.open_workbook(file_contents=WORKBOOK.read_bytes(), on_demand=True)
    sheet = book.sheet_by_name("Data 1")
    return [sheet.row_values(i) for i in range(sheet.nrows)], book.datemode


def test_sheet_layout_errors_name_the_field() -> None:
    rows, datemode = _sheet()
    renamed = copy.deepcopy(rows)
    renamed[1][0] = "Series Key"
    with pytest.raises(ExtractorError, match="row 2 must start with 'Sourcekey'"):
        eia_parse.parse_sheet(renamed, datemode, "x.xls sheet 'Data 1'")
    text_value = copy.deepcopy(rows)
    text_value[-1][13] = "$3,372"
    with pytest.raises(
        ExtractorError, match="field EMD_EPD2D_PTE_NUS_DPG at row 1858 is '\\$3,372'"
    ):
        eia_parse.parse_sheet(text_value, datemode, "x.xls sheet 'Data 1'")
    other_series = copy.deepcopy(rows)
    other_series[1][13] = "EER_EPD2DXL0_PF4_Y35NY_DPG"
    with pytest.raises(ExtractorError, match="is not a weekly retail price series"):
        eia_parse.parse_sheet(other_series, datemode, "x.xls sheet 'Data 1'")
    unknown_unit = copy.deepcopy(rows)
    unknown_unit[2][13] = "Weekly U.S. No 2 Diesel Retail Prices  (Cents per Liter)"
    with pytest.raises(ExtractorError, match="no known unit"):
        eia_parse.parse_sheet(unknown_unit, datemode, "x.xls sheet 'Data 1'")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"<!DOCTYPE html><html><body>Not Found</body></html>", "is an HTML page"),
        (WORKBOOK.read_bytes()[:100_000], "not a readable .xls workbook"),
    ],
    ids=["html saved as xls", "cut off"],
)
def test_bad_workbooks_fail_by_name_and_leave_earlier_rows(
    con, tmp_path: Path, data: bytes, message: str
) -> None:
    bad = tmp_path / WORKBOOK.name
    bad.write_bytes(data)
    assert message in refused(con, eia, API_PAGE, bad)


def test_api_file_lands_the_same_rows_as_the_workbook(con) -> None:
    assert eia.import_path(con, API_PAGE) == 4
    assert _rows(con) == DIESEL_LAST_WEEKS
    # the workbook then rewrites nothing for those weeks
    eia.import_path(con, WORKBOOK)
    assert _rows(con) == DIESEL_LAST_WEEKS
    assert _log(con)[-1][1] == WORKBOOK_ROWS - 4


def _page(**changes: object) -> dict:
    page = json.loads(API_PAGE.read_text())
    for record in page["response"]["data"]:
        record.update(changes)
    return page


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (_page(value="$3.37"), "field 'value' of record 0 is '$3.37'"),
        (_page(value="3,372"), "field 'value' of record 0 is '3,372'"),
        (_page(period="09/13/2021"), "field 'period' of record 0"),
        ({"error": "invalid api_key"}, "no field 'response'"),
    ],
    ids=["dollar", "thousands separator", "period format", "error document"],
)
def test_bad_api_documents_name_the_field(con, tmp_path: Path, document, message) -> None:
    bad = tmp_path / "page.json"
    bad.write_text(json.dumps(document))
    assert message in refused(con, eia, API_PAGE, bad)


def test_a_missing_record_field_is_named(con, tmp_path: Path) -> None:
    page = json.loads(API_PAGE.read_text())
    del page["response"]["data"][2]["series"]
    bad = tmp_path / "page.json"
    bad.write_text(json.dumps(page))
    with pytest.raises(ExtractorError, match="record 2 has no field 'series'"):
        eia.import_path(con, bad)


@pytest.fixture
def api(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> HTTPServer:
    monkeypatch.setenv("CBI_HTTP_BACKOFF", "0")
    monkeypatch.setenv(eia.API_KEY_VARIABLE, KEY)
    monkeypatch.setenv(eia.API_URL_VARIABLE, httpserver.url_for("/v2"))
    return httpserver


DATA_PATH = "/v2/petroleum/pri/gnd/data/"


def test_pull_pages_through_the_api_and_never_stores_the_key(
    con, api: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN an API serving the four weeks two at a time
    monkeypatch.setattr(eia, "PAGE_LENGTH", 2)
    page = json.loads(API_PAGE.read_text())
    seen: list[dict[str, list[str]]] = []

    def handler(request: Request) -> Response:
        seen.append(request.args.to_dict(flat=False))
        offset = int(request.args["offset"])
        body = copy.deepcopy(page)
        body["response"]["data"] = page["response"]["data"][offset : offset + 2]
        return Response(json.dumps(body), content_type="application/json")

    api.expect_request(DATA_PATH).respond_with_handler(handler)
    # WHEN the window is pulled
    rows = eia.pull(con, start="2021-08-23", end="2021-09-13")
    # THEN both pages land, the request asks for the diesel series, and the key is only sent
    assert rows == 4 and _rows(con) == DIESEL_LAST_WEEKS
    assert [request["offset"] for request in seen] == [["0"], ["2"]]
    assert seen[0]["facets[series][]"] == [eia.DIESEL_SERIES]
    assert seen[0]["api_key"] == [KEY]
    assert KEY not in str(_log(con))


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (429, "{}", "HTTP 429"),
        (500, "{}", "HTTP 500"),
        (403, '{"error": "API_KEY_INVALID"}', "HTTP 403"),
        (200, "<html><body>Maintenance</body></html>", "returned HTML where JSON was expected"),
    ],
)
def test_api_errors_are_one_line_and_recorded(
    con, api: HTTPServer, status: int, body: str, message: str
) -> None:
    eia.import_path(con, API_PAGE)
    before = _rows(con)
    api.expect_request(DATA_PATH).respond_with_data(body, status=status)
    with pytest.raises(ExtractorError) as error:
        eia.pull(con, start="2021-08-23", end="2021-09-13")
    text = str(error.value)
    assert text.startswith("eia: ") and DATA_PATH in text and message in text
    assert KEY not in text and KEY not in str(_log(con))
    assert _log(con)[-1][2] == "failed"
    assert _rows(con) == before


def test_missing_key_names_the_variable_and_is_recorded(
    con, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(eia.API_KEY_VARIABLE, raising=False)
    with pytest.raises(MissingCredentialError, match=eia.API_KEY_VARIABLE):
        eia.pull(con, start="2021-08-23", end="2021-09-13")
    assert _log(con)[-1][2] == "failed"


def test_bad_arguments_are_refused_before_any_request(con) -> None:
    with pytest.raises(ExtractorError, match="eia: --start 2021-09-13 must be on or before"):
        eia.pull(con, start="2021-09-13", end="2021-08-23")
    with pytest.raises(ExtractorError, match="--series 'DCOILWTICO' is not a weekly retail"):
        eia.pull(con, start="2021-08-23", end="2021-09-13", series=["DCOILWTICO"])


def test_update_pulls_from_the_last_landed_week(con, api: HTTPServer) -> None:
    eia.import_path(con, API_PAGE)
    seen: list[tuple[str, str]] = []

    def handler(request: Request) -> Response:
        seen.append((request.args["start"], request.args["end"]))
        return Response(json.dumps({"response": {"total": 0, "data": []}}))

    api.expect_request(DATA_PATH).respond_with_handler(handler)
    assert eia.update(con, dt.date(2021, 9, 20)) == 0
    assert seen == [("2021-08-30", "2021-09-20")]  # two weeks of overlap for revisions


def test_cut_snapshot_copies_the_workbook_unchanged(tmp_path: Path) -> None:
    shared = tmp_path / "shared" / "eia"
    shared.mkdir(parents=True)
    (shared / WORKBOOK.name).write_bytes(WORKBOOK.read_bytes())
    eia.cut_snapshot(tmp_path / "shared", tmp_path / "eia")
    assert (tmp_path / "eia" / WORKBOOK.name).read_bytes() == WORKBOOK.read_bytes()
