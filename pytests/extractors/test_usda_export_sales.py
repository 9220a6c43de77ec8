"""USDA FAS export sales (ESR): saved answers and the live API, release rule, bad input.

No real ESR answer exists: every answer here is CONSTRUCTED in the published shape
(constructed_fundamentals.py says where the shape comes from). The live API is a local HTTP
server; the key travels in the header FAS names (X-API-KEY now, API_KEY on the old base URL).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from constructed_fundamentals import REFERENCE, exports, record, write_esr
from load_checks import load_log, refused, rows
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from common.errors import ExtractorError, MissingCredentialError
from extractors import fas_opendata, usda_export_sales
from extractors.usda_export_sales import answers as esr_answers

esr = usda_export_sales
KEY = "fas-test-key-not-real"
# Two weeks of soybeans to three destinations, marketing year 2024 (from September).
WEEKS = (dt.date(2024, 9, 5), dt.date(2024, 9, 12))


@pytest.fixture
def answers(tmp_path: Path) -> Path:
    folder = tmp_path / "esr"
    write_esr(folder, *WEEKS, codes=(801,))
    return folder


def test_saved_answers_land_every_destination_and_reload_writes_nothing(con, answers) -> None:
    # 4 reference lists (3 + 3 + 2 + 2 entries) and 2 weeks x 3 countries
    assert esr.import_path(con, answers) == 10 + 6
    china = con.execute(
        f"""select week_ending_date, weekly_exports, available_at from {esr.TABLE}
        where country_code = {esr_answers.CHINA} order by 1"""
    ).fetchall()
    assert [(w, pd.Timestamp(a)) for w, _, a in china] == [
        # Thursday 08:30 New York the week after
        (dt.date(2024, 9, 5), pd.Timestamp("2024-09-12 12:30", tz="UTC")),
        (dt.date(2024, 9, 12), pd.Timestamp("2024-09-19 12:30", tz="UTC")),
    ]
    assert con.execute(
        f"select name from {esr.REFERENCE_TABLE} where list_name = 'countries' and code = 5700"
    ).fetchone() == ("CHINA",)
    assert con.execute(f"select distinct market_year from {esr.TABLE}").fetchall() == [(2024,)]
    # a second identical import changes nothing
    assert esr.import_path(con, answers) == 0
    assert {row[1:3] for row in load_log(con)[-5:]} == {(0, "ok")}


def test_release_rule() -> None:
    weeks = pd.Series(pd.to_datetime(["2024-06-06", "2024-11-21", "2024-08-29", "2024-12-26"]))
    assert esr_answers.release_at(weeks).tolist() == [
        pd.Timestamp("2024-06-13 12:30", tz="UTC"),  # Thursday 08:30 EDT
        pd.Timestamp("2024-11-29 13:30", tz="UTC"),  # Thanksgiving: Friday 08:30 EST
        pd.Timestamp("2024-09-06 12:30", tz="UTC"),  # Labor Day Monday: Friday
        pd.Timestamp("2025-01-03 13:30", tz="UTC"),  # New Year's Day (Wednesday): Friday
    ]


def test_market_years_follow_each_commodity() -> None:
    assert esr.market_year_of(801, dt.date(2024, 9, 5)) == 2024  # soybeans: September
    assert esr.market_year_of(902, dt.date(2024, 9, 5)) == 2023  # soybean oil: October


def _bad(folder: Path, document: object, name: str = "constructed_exports_801_2024.json") -> Path:
    path = folder / "bad" / name
    path.parent.mkdir(exist_ok=True)
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return path


WEEK = WEEKS[0]


@pytest.mark.parametrize(
    ("document", "message"),
    [
        ("<!DOCTYPE html><html><body>Service Unavailable</body></html>", "is an HTML page"),
        ([], "is an empty list where export records were expected"),
        ({"message": "Bad API Key"}, "the API answered an error: Bad API Key"),
        ([record(801, 5700, WEEK, unitId=7)], "field 'unitId' of record 0 is 7, a unit"),
        (
            [{k: v for k, v in record(801, 5700, WEEK).items() if k != "weekEndingDate"}],
            "record 0 has no field 'weekEndingDate'",
        ),
        ([record(801, 5700, WEEK, weekEndingDate="2024-09-06T00:00:00")], "not a Thursday"),
        ([record(801, 5700, WEEK, weeklyExports="1,200")], "field 'weeklyExports' of record 0"),
        ([record(801, 5700, WEEK), record(902, 5700, WEEK)], "but the answer is for commodity"),
        (json.dumps(exports(801, [WEEK]))[:300], "is not valid JSON"),
        (
            [record(801, 5700, WEEK, weeklyExports=float("nan"))],
            "field '[0].weeklyExports' is NaN, not a number",
        ),
        (
            [record(801, 5700, WEEK, countryCode=12345678901234567890)],
            "field 'country_code' of the row commodity_code 801, market_year 2024",
        ),
    ],
    ids=[
        *("html", "empty", "error", "unit", "no week", "friday", "text", "commodity", "cut"),
        *("nan", "20 digits"),
    ],
)
def test_bad_answers_fail_by_name_and_leave_earlier_rows(
    con, answers: Path, document: object, message: str
) -> None:
    error = refused(con, esr, answers, _bad(answers, document))
    assert message in error


def test_a_file_that_is_no_saved_answer_is_named(con, answers: Path) -> None:
    error = refused(con, esr, answers, _bad(answers, [], "soybeans.json"))
    assert "expected exports_<code>_<marketYear>.json" in error


def test_a_units_list_that_renumbered_metric_tons_is_refused(con, answers: Path) -> None:
    units = [{"unitId": 1, "unitNames": "Running Bales"}]
    error = refused(con, esr, answers, _bad(answers, units, "unitsOfMeasure.json"))
    assert "unitId 1 is 'running bales', not 'metric tons'" in error


@pytest.fixture
def api(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> HTTPServer:
    monkeypatch.setenv("CBI_HTTP_BACKOFF", "0")
    monkeypatch.setenv(fas_opendata.API_KEY_VARIABLE, KEY)
    monkeypatch.setenv(fas_opendata.BASE_URL_VARIABLE, httpserver.url_for("/"))
    return httpserver


def _serve(api: HTTPServer, weeks: list[dt.date], header: str = "X-API-KEY") -> list[str]:
    """Serve the reference lists and soybean/meal/oil exports of `weeks`, answering only
    requests with the key in `header`; return the paths asked for."""
    seen: list[str] = []

    def handler(request: Request) -> Response:
        seen.append(request.path)
        if request.headers.get(header) != KEY:
            return Response('"Bad API Key"', status=401)
        stem = request.path.rsplit("/", 1)[-1]
        if stem in REFERENCE:
            return Response(json.dumps(REFERENCE[stem]), content_type="application/json")
        code = int(request.path.split("/")[5])
        return Response(json.dumps(exports(code, weeks)), content_type="application/json")

    api.expect_request(re.compile("/api/esr/.*")).respond_with_handler(handler)
    return seen


def test_pull_lands_each_commodity_and_never_stores_the_key(con, api: HTTPServer) -> None:
    seen = _serve(api, list(WEEKS))
    written = esr.pull(con, market_years=[2024])
    assert written == 10 + 3 * 6
    assert sorted(p for p in seen if "exports" in p) == [
        f"/api/esr/exports/commodityCode/{c}/allCountries/marketYear/2024" for c in (801, 901, 902)
    ]
    assert KEY not in str(load_log(con))
    assert esr.pull(con, market_years=[2024]) == 0


def test_the_key_header_is_a_setting(con, api: HTTPServer, monkeypatch) -> None:
    # the old base URL took API_KEY (the local server drops names with "_", so that one is
    # checked on the request sent); the new one X-API-KEY (every test above)
    monkeypatch.setenv(fas_opendata.HEADER_VARIABLE, "X-Other-Key")
    _serve(api, list(WEEKS), header="X-Other-Key")
    assert esr.pull(con, market_years=[2024]) == 28
    sent: list[dict] = []
    monkeypatch.setenv(fas_opendata.HEADER_VARIABLE, fas_opendata.LEGACY_HEADER)
    monkeypatch.setattr(
        fas_opendata, "fetch_json", lambda http, source, url, headers: sent.append(headers) or []
    )
    with pytest.raises(ExtractorError):
        esr.pull(con, market_years=[2024])
    assert {h["API_KEY"] for h in sent} == {KEY}


@pytest.mark.parametrize(
    ("status", "body", "message"),
    [
        (401, '"Bad API Key"', "HTTP 401 (the API key was refused"),
        (429, "{}", "HTTP 429"),
        (500, "{}", "HTTP 500"),
        (200, "<html><body>Maintenance</body></html>", "returned HTML where JSON was expected"),
        (200, "[]", "is an empty list where export records were expected"),
    ],
)
def test_api_errors_are_one_line_recorded_and_leave_earlier_rows(
    con, api: HTTPServer, answers: Path, status: int, body: str, message: str
) -> None:
    esr.import_path(con, answers)
    before = rows(con, esr.TABLE)
    api.expect_request(
        "/api/esr/exports/commodityCode/801/allCountries/marketYear/2024"
    ).respond_with_data(body, status=status)
    _serve(api, list(WEEKS))
    with pytest.raises(ExtractorError) as error:
        esr.pull(con, market_years=[2024])
    text = str(error.value)
    assert text.startswith("usda_export_sales: ") and message in text and KEY not in text
    failed = [row for row in load_log(con) if row[2] == "failed"]
    assert [row[0] for row in failed] == [
        "live:/api/esr/exports/commodityCode/801/allCountries/marketYear/2024"
    ]
    assert "/marketYear/2024" in text
    pd.testing.assert_frame_equal(
        before, rows(con, esr.TABLE).query("commodity_code == 801").reset_index(drop=True)
    )


def test_missing_key_names_the_variable_and_is_recorded(
    con, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(fas_opendata.API_KEY_VARIABLE, raising=False)
    with pytest.raises(MissingCredentialError, match=fas_opendata.API_KEY_VARIABLE):
        esr.pull(con, market_years=[2024])
    assert [row[2] for row in load_log(con)] == ["failed"]


def test_update_pulls_the_marketing_year_of_two_weeks_ago(con, api: HTTPServer) -> None:
    seen = _serve(api, [dt.date(2024, 9, 5)])
    esr.update(con, dt.date(2024, 10, 10))
    years = {(p.split("/")[5], p.rsplit("/", 1)[-1]) for p in seen if "exports" in p}
    # 2024-09-26: soybeans already in 2024/25, meal and oil still in 2023/24
    assert years == {("801", "2024"), ("901", "2023"), ("902", "2023")}


def test_nothing_constructed_goes_to_the_snapshot(tmp_path: Path) -> None:
    esr.cut_snapshot(tmp_path / "shared", tmp_path / "snapshot")
    assert not (tmp_path / "snapshot").exists()


def test_a_restated_week_is_a_new_vintage_beside_the_first(
    con: duckdb.DuckDBPyConnection, answers: Path
) -> None:
    esr.import_path(con, answers)
    restated = _bad(answers, [record(801, 5700, WEEK, weeklyExports=1)])
    assert esr.import_path(con, restated) == 1
    vintages = con.execute(
        f"select weekly_exports, available_at = loaded_at from {esr.TABLE} "
        "where country_code = 5700 and week_ending_date = ? order by available_at",
        [WEEK],
    ).fetchall()
    # the first figure keeps its Thursday release; the restatement is public from its load
    assert vintages == [(34000.0, False), (1.0, True)]
    assert esr.import_path(con, restated) == 0
