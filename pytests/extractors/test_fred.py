"""FRED: every distributed format, available_at, idempotence, bad input, the live API.

Fixtures in fixtures/fred/ are trimmed copies of real files from ../shared/data/fred (see the
README there): a subset of their lines (of the JSON array, of its observation objects), each
unchanged, so both CSV layouts, both line endings, `.` and blank missing values and the API
observations are the real ones. Bad inputs are made from them by editing the text. The live
API is a local HTTP server answering with those real observations inside the API's envelope
(the envelope's fields are constructed; no real envelope was recorded).
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from load_checks import load_log, refused, rows
from pytest_httpserver import HTTPServer
from werkzeug import Response

from cbi.cli import main
from common.errors import ExtractorError, MissingCredentialError
from common.paths import SNAPSHOT_DIR
from extractors import fred

FIXTURES = Path(__file__).parent / "fixtures" / "fred"
KEY = "fred-test-key-not-real"


def _rows(con: duckdb.DuckDBPyConnection, series_id: str | None = None) -> pd.DataFrame:
    frame = rows(con, fred.TABLE)
    return frame[frame["series_id"] == series_id] if series_id else frame


def _copy(tmp_path: Path, name: str, text: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode() if isinstance(text, str) else text)
    return path


def _utc(text: str) -> pd.Timestamp:
    return pd.Timestamp(text, tz="UTC")


# --- formats -------------------------------------------------------------------------------


def test_old_style_csv_with_dots_lands_nulls(con) -> None:
    # GIVEN the old `DATE,DGS10` download (LF) with `.` on holidays
    assert fred.import_path(con, FIXTURES / "DGS10.csv") == 44
    rows = _rows(con, "DGS10")
    # THEN `.` is null, values are percent, and there is no vintage
    assert rows["value"].isna().sum() == 2
    assert rows.loc[rows["observation_date"] == pd.Timestamp("1962-01-02"), "value"].item() == 4.06
    assert rows["vintage_date"].isna().all()


def test_new_style_csv_with_blanks_and_crlf_without_final_newline(con) -> None:
    # GIVEN `observation_date,<ID>` files: blanks for missing (LF), and CRLF with no last newline
    fred.import_path(con, FIXTURES / "DTWEXBGS_2015-2026.csv")
    fred.import_path(con, FIXTURES / "T10Y2Y_1976-2026.csv")
    broad, slope = _rows(con, "DTWEXBGS"), _rows(con, "T10Y2Y")
    assert (len(broad), int(broad["value"].isna().sum())) == (39, 3)
    # THEN the last line, with no line end, is dropped (it may be cut off): 2026-06-05 0.38
    assert len(slope) == 14
    assert slope["observation_date"].max() == pd.Timestamp("2026-06-04")
    assert slope["value"].iloc[-1] == 0.42


def test_crlf_and_lf_give_the_same_rows(con, tmp_path: Path) -> None:
    # GIVEN the same old-style CRLF file (DCOILWTICO) and its LF copy
    crlf = (FIXTURES / "DCOILWTICO.csv").read_bytes()
    assert b"\r\n" in crlf
    one = fred.parse_csv(crlf.decode(), "crlf")
    other = fred.parse_csv(crlf.replace(b"\r\n", b"\n").decode(), "lf")
    pd.testing.assert_frame_equal(one, other)
    assert one["value"].isna().sum() == 2


def test_api_observations_keep_their_vintage(con) -> None:
    # GIVEN the API's observations array (values as strings, `.` missing, realtime_start)
    assert fred.import_path(con, FIXTURES / "DGS10_observations_array.json") == 30
    rows = _rows(con, "DGS10")
    # THEN vintage_date is realtime_start and available_at the end of that day in New York
    assert set(rows["vintage_date"]) == {pd.Timestamp("2024-12-13")}
    assert set(rows["available_at"]) == {_utc("2024-12-14 05:00")}
    assert rows["value"].isna().sum() == 2  # Veterans Day and Thanksgiving


def test_csv_available_at_is_the_release_lag_in_business_days(con) -> None:
    # GIVEN daily DFF (weekends included) around the 4 July 2024 holiday; lag 1 business day
    fred.import_path(con, FIXTURES / "DFF.csv")
    at = _rows(con, "DFF").set_index("observation_date")["available_at"]
    # THEN Wednesday 3 July is public at the end of Friday 5 July (Thursday is a holiday),
    # Saturday 29 June at the end of Monday 1 July; midnight New York = 04:00 UTC in summer
    assert at[pd.Timestamp("2024-07-03")] == _utc("2024-07-06 04:00")
    assert at[pd.Timestamp("2024-06-29")] == _utc("2024-07-02 04:00")
    assert at[pd.Timestamp("2024-07-08")] == _utc("2024-07-10 04:00")


def test_folder_import_is_idempotent(con) -> None:
    # GIVEN every fixture imported once
    first = fred.import_path(con, FIXTURES)
    before = _rows(con)
    # WHEN the folder is imported again
    second = fred.import_path(con, FIXTURES)
    # THEN nothing is written, the rows are unchanged, and every load is logged ok
    assert first == len(before) == 44 + 39 + 14 + 69 + 11 + 30
    assert second == 0
    pd.testing.assert_frame_equal(before, _rows(con))
    assert {status for _, _, status, _ in load_log(con)} == {"ok"}


def test_a_vintage_equal_to_the_one_before_is_not_landed(con, tmp_path: Path) -> None:
    # GIVEN a CSV of DGS10 and then the API vintage of the same observations
    text = (FIXTURES / "DGS10_observations_array.json").read_text()
    observations = json.loads(text)
    csv = "DATE,DGS10\n" + "".join(f"{o['date']},{o['value']}\n" for o in observations)
    fred.import_path(con, _copy(tmp_path, "DGS10_late.csv", csv))
    # WHEN a later vintage says the same values, and one revised value
    for observation in observations:
        observation["realtime_start"] = "2024-12-20"
    observations[-1]["value"] = "4.33"
    revised = _copy(tmp_path, "DGS10_vintage.json", json.dumps(observations))
    # THEN only the revision lands, beside the first value
    assert fred.import_path(con, revised) == 1
    rows = _rows(con, "DGS10")
    last = rows[rows["observation_date"] == pd.Timestamp("2024-12-12")]
    assert list(last["value"]) == [4.32, 4.33]


# --- bad input -----------------------------------------------------------------------------


def _bad(con, tmp_path: Path, name: str, data: str | bytes) -> str:
    """Import a bad file after a good one; return the error. Earlier rows must be untouched."""
    return refused(con, fred, FIXTURES / "DGS10.csv", _copy(tmp_path, name, data))


def test_html_where_csv_was_expected(con, tmp_path: Path) -> None:
    message = _bad(con, tmp_path, "DGS2.csv", "<!DOCTYPE html><html><body>Error</body></html>")
    assert "HTML" in message


def test_renamed_date_column(con, tmp_path: Path) -> None:
    text = (FIXTURES / "DGS10.csv").read_text().replace("DATE,", "DAY,", 1)
    assert "DAY,DGS10" in _bad(con, tmp_path, "DGS10_renamed.csv", text)


def test_series_not_in_the_seed(con, tmp_path: Path) -> None:
    text = (FIXTURES / "DGS10.csv").read_text().replace("DATE,DGS10", "DATE,XYZ10", 1)
    assert "XYZ10" in _bad(con, tmp_path, "XYZ10.csv", text)


@pytest.mark.parametrize("value", ['"4,060.00"', "$4.06", "four"])
def test_numbers_with_separators_or_signs(con, tmp_path: Path, value: str) -> None:
    text = (FIXTURES / "DGS10.csv").read_text().replace("1962-01-03,4.03", f"1962-01-03,{value}")
    message = _bad(con, tmp_path, "DGS10_bad.csv", text)
    assert "field 'DGS10' at line 3" in message


def test_json_cut_off_or_missing_a_field(con, tmp_path: Path) -> None:
    text = (FIXTURES / "DGS10_observations_array.json").read_text()
    assert "not valid JSON" in _bad(con, tmp_path, "DGS10_cut.json", text[:1000])
    renamed = text.replace('"realtime_start"', '"vintage"', 1)
    assert "'realtime_start'" in _bad(con, tmp_path, "DGS10_renamed.json", renamed)


def test_a_bad_file_in_a_folder_does_not_stop_the_others(con, tmp_path: Path) -> None:
    folder = tmp_path / "batch"
    folder.mkdir()
    (folder / "DFF.csv").write_bytes((FIXTURES / "DFF.csv").read_bytes())
    (folder / "DGS2.csv").write_text("<html>Service unavailable</html>")
    with pytest.raises(ExtractorError, match="1 of 2 loads"):
        fred.import_path(con, folder)
    assert len(_rows(con, "DFF")) == 11
    assert [status for _, _, status, _ in load_log(con)] == ["ok", "failed"]


# --- live API ------------------------------------------------------------------------------


@pytest.fixture
def api(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> HTTPServer:
    monkeypatch.setenv("CBI_HTTP_BACKOFF", "0")
    monkeypatch.setenv(fred.API_KEY_VARIABLE, KEY)
    monkeypatch.setenv(fred.API_URL_VARIABLE, httpserver.url_for("/fred"))
    return httpserver


def _envelope() -> str:
    observations = json.loads((FIXTURES / "DGS10_observations_array.json").read_text())
    return json.dumps(
        {
            "realtime_start": "2024-11-01",
            "realtime_end": "9999-12-31",
            "observation_start": "2024-11-01",
            "observation_end": "2024-12-12",
            "units": "lin",
            "count": len(observations),
            "offset": 0,
            "limit": 100000,
            "observations": observations,
        }
    )


PATH = "/fred/series/observations"
WINDOW = {"start": "2024-11-01", "end": "2024-12-12", "series": ["DGS10"]}


def test_live_pull_lands_vintages_and_never_shows_the_key(con, api: HTTPServer, caplog) -> None:
    caplog.set_level("INFO")  # what `cbi` logs
    api.expect_request(PATH).respond_with_data(_envelope(), content_type="application/json")
    assert fred.pull(con, **WINDOW) == 30
    request = api.log[0][0]
    assert request.args["series_id"] == "DGS10" and request.args["api_key"] == KEY
    assert request.args["realtime_end"] == "9999-12-31"
    assert fred.pull(con, **WINDOW) == 0  # the same answer again changes nothing
    ours = [r.getMessage() for r in caplog.records if not r.name.startswith("werkzeug")]
    logged = " ".join(str(row) for row in load_log(con)) + " ".join(ours)
    assert KEY not in logged


def test_live_retries_429_then_lands(con, api: HTTPServer) -> None:
    api.expect_ordered_request(PATH).respond_with_data("slow down", status=429)
    api.expect_ordered_request(PATH).respond_with_data(_envelope(), content_type="application/json")
    assert fred.pull(con, **WINDOW) == 30


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (500, "oops", "HTTP 500"),
        (429, "slow down", "HTTP 429"),
        (200, "<html><body>Maintenance</body></html>", "HTML"),
    ],
)
def test_live_errors_are_one_line_and_recorded(
    con, api: HTTPServer, status: int, body: str, expected: str
) -> None:
    fred.import_path(con, FIXTURES / "DFF.csv")
    before = _rows(con)
    api.expect_request(PATH).respond_with_handler(
        lambda request: Response(body, status=status, content_type="text/html")
    )
    with pytest.raises(ExtractorError) as caught:
        fred.pull(con, **WINDOW)
    message = str(caught.value)
    assert expected in message and "/fred/series/observations" in message and KEY not in message
    assert load_log(con)[-1][2] == "failed"
    pd.testing.assert_frame_equal(before, _rows(con))


def test_missing_key_is_named(con, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(fred.API_KEY_VARIABLE, raising=False)
    with pytest.raises(MissingCredentialError, match="FRED_API_KEY"):
        fred.pull(con, **WINDOW)


def test_cli_refuses_bad_dates_before_any_request(tmp_path: Path, capsys) -> None:
    code = main(["--db", str(tmp_path / "x.duckdb"), "ingest", "fred", "--start", "2024-13-01"])
    assert code == 1
    assert "fred: --start '2024-13-01' is not a date" in capsys.readouterr().err


def test_cli_imports_a_file(tmp_path: Path) -> None:
    db = tmp_path / "cli.duckdb"
    assert main(["--db", str(db), "ingest", "fred", "--from-file", str(FIXTURES / "DFF.csv")]) == 0
    with duckdb.connect(str(db), read_only=True) as check:
        assert check.execute(f"select count(*) from {fred.TABLE}").fetchone()[0] == 11


def test_release_lag_counts_us_business_days() -> None:
    days = pd.Series([dt.date(2024, 11, 8), dt.date(2024, 11, 9), dt.date(2024, 12, 24)])
    # Friday + 1 skips Veterans Day (Monday 11 Nov), Saturday + 1 too; 24 Dec + 1 skips
    # Christmas
    assert list(fred.release.business_days_after(days, 1)) == [
        dt.date(2024, 11, 12),
        dt.date(2024, 11, 12),
        dt.date(2024, 12, 26),
    ]


def test_daily_update_pulls_every_series_from_shortly_before_the_last_one(
    con, api: HTTPServer
) -> None:
    fred.import_path(con, FIXTURES / "DFF.csv")  # last observation 2024-07-08
    api.expect_request(PATH).respond_with_data(_envelope(), content_type="application/json")
    fred.update(con, today=dt.date(2024, 7, 20))
    asked = [request.args for request, _ in api.log]
    assert {a["series_id"] for a in asked} == set(fred.series_config())
    assert {(a["observation_start"], a["realtime_start"], a["observation_end"]) for a in asked} == {
        ("2024-06-24", "2024-06-24", "2024-07-20")
    }


def test_a_fredapi_copy_reads_by_its_name_with_the_official_values() -> None:
    """The snapshot's DEXCHUS re-written by fredapi/pandas (`date,value`, missing days dropped)
    is named by its file; on every common date it equals the official download."""
    folder = SNAPSHOT_DIR / "fred"
    copy = fred.parse_file(folder / "DEXCHUS_1981-2025-09_header_date_value.csv")
    official = fred.parse_file(folder / "DEXCHUS_2019-2024.csv").dropna(subset=["value"])
    assert set(copy["series_id"]) == {"DEXCHUS"}
    assert copy["observation_date"].max() == dt.date(2025, 9, 26)
    both = official.merge(copy, on="observation_date", suffixes=("", "_copy"))
    assert len(both) == len(official) and (both["value"] == both["value_copy"]).all()
