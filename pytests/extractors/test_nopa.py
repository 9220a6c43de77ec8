"""NOPA monthly crush: the transcribed press-release table, release rule, bad input, live URL.

No real NOPA table exists: the tables here are CONSTRUCTED (constructed_fundamentals.py).
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from constructed_fundamentals import nopa_table, write_nopa
from load_checks import load_log, refused
from pytest_httpserver import HTTPServer

from common.errors import ExtractorError
from extractors import nopa

FIRST, LAST = dt.date(2023, 1, 1), dt.date(2024, 6, 1)


@pytest.fixture
def table(tmp_path: Path) -> Path:
    return write_nopa(tmp_path / "nopa", FIRST, LAST)


def test_months_land_with_their_release_and_reload_writes_nothing(con, table: Path) -> None:
    assert nopa.import_path(con, table) == 18
    released = con.execute(
        f"""select report_month, release_date, available_at from {nopa.TABLE}
        where report_month in ('2023-01-01', '2023-03-01', '2024-05-01') order by 1"""
    ).fetchall()
    assert [(m, d, pd.Timestamp(a)) for m, d, a in released] == [
        # given in the file (the 16th)
        (dt.date(2023, 1, 1), dt.date(2023, 2, 16), pd.Timestamp("2023-02-16 17:00", tz="UTC")),
        # the rule: the 15th, here a Saturday -> Monday 17 April, 12:00 New York (EDT)
        (dt.date(2023, 3, 1), dt.date(2023, 4, 17), pd.Timestamp("2023-04-17 16:00", tz="UTC")),
        # June 15, 2024 is a Saturday, too
        (dt.date(2024, 5, 1), dt.date(2024, 6, 17), pd.Timestamp("2024-06-17 16:00", tz="UTC")),
    ]
    assert nopa.import_path(con, table) == 0
    assert [row[1:3] for row in load_log(con)] == [(18, "ok"), (0, "ok")]


def _bad(table: Path, text: str) -> Path:
    path = table.parent / "bad" / table.name
    path.parent.mkdir(exist_ok=True)
    path.write_text(text)
    return path


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda t: t.replace("oil_yield_lb_per_bu", "yield"), "column 'oil_yield_lb_per_bu'"),
        (lambda t: t.replace("2023-02,", "2023-14,"), "field 'month' at line 3"),
        (lambda t: t.replace("2023-01,2023-02-16", "2023-01,2023-01-20"), "not after the end"),
        (lambda t: t.replace(",11.", ",11,5."), "line 2 has 6 fields"),
        (lambda t: t[:-3], "has no line end; the file is cut off"),
        (lambda t: "<html><body>Members only</body></html>", "is an HTML page"),
    ],
    ids=["renamed column", "month", "release", "extra field", "cut", "html"],
)
def test_bad_tables_fail_by_name_and_leave_earlier_rows(con, table: Path, change, message) -> None:
    assert message in refused(con, nopa, table, _bad(table, change(table.read_text())))


@pytest.fixture
def server(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> HTTPServer:
    monkeypatch.setenv("CBI_HTTP_BACKOFF", "0")
    monkeypatch.setenv(nopa.URL_VARIABLE, httpserver.url_for("/nopa/crush.csv"))
    return httpserver


def test_update_downloads_the_configured_url(con, server: HTTPServer) -> None:
    server.expect_request("/nopa/crush.csv").respond_with_data(nopa_table(FIRST, LAST))
    assert nopa.update(con) == 18
    assert load_log(con)[-1][0].endswith("/nopa/crush.csv")


@pytest.mark.parametrize("status", [404, 429, 500])
def test_download_errors_are_one_line_and_recorded(con, server: HTTPServer, status: int) -> None:
    server.expect_request("/nopa/crush.csv").respond_with_data("", status=status)
    with pytest.raises(ExtractorError, match=f"^nopa: .*/nopa/crush.csv answered HTTP {status}"):
        nopa.update(con)
    assert load_log(con)[-1][2] == "failed"


def test_without_a_file_or_url_the_command_says_what_to_give(con, monkeypatch) -> None:
    monkeypatch.delenv(nopa.URL_VARIABLE, raising=False)
    with pytest.raises(ExtractorError, match="give --from-file PATH, or --url URL"):
        nopa.ingest(con, argparse.Namespace(from_file=None, url=None))


def test_nothing_constructed_goes_to_the_snapshot(tmp_path: Path) -> None:
    nopa.cut_snapshot(tmp_path / "shared", tmp_path / "snapshot")
    assert not (tmp_path / "snapshot").exists()
