"""Alerts reach a local Slack-like webhook and a local SMTP server, once per event per day."""

from __future__ import annotations

import datetime as dt
import socket
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from pytest_httpserver import HTTPServer

from cbi.alerts import Event, send_alerts

TODAY = dt.date(2026, 11, 27)
EVENTS = [
    Event("source_stale", "fred", "fred last loaded 2025-03-21, 10 days ago (warn after 4)"),
    Event("run_failed", "run", "dbt build failed at marts; the database is as before"),
]


class Inbox(Message):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list = []

    def handle_message(self, message) -> None:
        self.messages.append(message)


@pytest.fixture
def inbox(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    handler = Inbox()
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setenv("CBI_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("CBI_SMTP_PORT", str(port))
    monkeypatch.setenv("CBI_SMTP_SECURITY", "none")
    monkeypatch.setenv("CBI_ALERT_TO", "buyer@example.com, ops@example.com")
    yield handler
    controller.stop()


@pytest.fixture
def slack(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> HTTPServer:
    monkeypatch.setenv("CBI_SLACK_WEBHOOK_URL", httpserver.url_for("/services/T000/B000/secret"))
    return httpserver


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    connection = duckdb.connect(str(tmp_path / "alerts.duckdb"))
    yield connection
    connection.close()


def test_each_event_goes_out_once_a_day_on_both_channels(con, slack, inbox) -> None:
    slack.expect_request("/services/T000/B000/secret", method="POST").respond_with_data("ok")
    # WHEN two events are sent, THEN each reaches Slack and e-mail once
    assert send_alerts(con, EVENTS, TODAY) == (2, [])
    texts = [request.get_json()["text"] for request, _ in slack.log]
    assert texts == [
        "cbi source stale: fred last loaded 2025-03-21, 10 days ago (warn after 4)",
        "cbi run failed: dbt build failed at marts; the database is as before",
    ]
    assert [" ".join(m["Subject"].split()) for m in inbox.messages] == texts
    assert inbox.messages[0]["To"] == "buyer@example.com, ops@example.com"
    # AND a re-run the same day repeats nothing, while the next day alerts again
    assert send_alerts(con, EVENTS, TODAY) == (0, [])
    assert len(slack.log) == 2 and len(inbox.messages) == 2
    assert send_alerts(con, EVENTS[:1], TODAY + dt.timedelta(days=1)) == (1, [])
    assert len(slack.log) == 3 and len(inbox.messages) == 3


def test_an_undelivered_alert_is_retried_by_the_next_run(con, slack, monkeypatch) -> None:
    monkeypatch.delenv("CBI_SMTP_HOST", raising=False)
    slack.expect_oneshot_request("/services/T000/B000/secret").respond_with_data("", status=500)
    sent, failures = send_alerts(con, EVENTS[:1], TODAY)
    # THEN the failure is one line without the webhook's secret path, and nothing is recorded
    assert sent == 0 and len(failures) == 1
    assert "HTTP 500" in failures[0] and "secret" not in failures[0]
    slack.expect_request("/services/T000/B000/secret").respond_with_data("ok")
    assert send_alerts(con, EVENTS[:1], TODAY) == (1, [])


def test_without_a_channel_nothing_is_recorded(con, monkeypatch, caplog) -> None:
    monkeypatch.delenv("CBI_SLACK_WEBHOOK_URL", raising=False)
    monkeypatch.delenv("CBI_SMTP_HOST", raising=False)
    assert send_alerts(con, EVENTS, TODAY) == (0, [])
    assert "no channel is configured" in caplog.text
    assert con.execute("select count(*) from ops.alerts_sent").fetchone() == (0,)
