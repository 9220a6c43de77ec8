"""No API key or webhook path in anything a failing network call prints, logs, raises or stores.

The failing paths are driven for real against local servers: a refused connection (a port
nobody listens on), a dropped connection (a server that accepts and closes without an answer)
and HTTP 500 (pytest-httpserver), for FRED's and EIA's live pulls and the Slack alert. The keys
and the webhook path are constructed values.
"""

from __future__ import annotations

import datetime as dt
import logging
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest
from pytest_httpserver import HTTPServer

from cbi.alerts import Event, send_alerts
from cbi.cli import main
from common.redact import redact

FRED_KEY = "fredkey0123456789abcdef0123456789"
EIA_KEY = "eiakeyZYXWVUTSRQ9876543210"
WEBHOOK_PATH = "/services/T0CONSTR/B0CONSTR/webhooksecret42"
SECRETS = (FRED_KEY, EIA_KEY, "webhooksecret42", "B0CONSTR")


def _refused() -> str:
    """The base URL of a local port nobody listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@pytest.fixture
def dropping() -> Iterator[str]:
    """A local server that accepts every connection and closes it without an answer."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                client, _ = server.accept()
            except TimeoutError:
                continue
            client.recv(65536)
            client.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join()
    server.close()


@pytest.fixture
def failing(httpserver: HTTPServer) -> str:
    """A local server that answers every request with HTTP 500."""
    httpserver.expect_request("").respond_with_data("internal error", status=500)
    return httpserver.url_for("").rstrip("/")


@pytest.fixture(params=["refused", "dropped", "http500"])
def base(request: pytest.FixtureRequest) -> str:
    if request.param == "refused":
        return _refused()
    return request.getfixturevalue("dropping" if request.param == "dropped" else "failing")


@pytest.fixture(autouse=True)
def _env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CBI_HTTP_BACKOFF", "0")
    monkeypatch.setenv("FRED_API_KEY", FRED_KEY)
    monkeypatch.setenv("EIA_API_KEY", EIA_KEY)
    monkeypatch.delenv("CBI_SMTP_HOST", raising=False)


def _everything(caplog, capfd, *texts: str) -> str:
    """Every output of the run: log records (message and formatted), stdout, stderr, texts."""
    out, err = capfd.readouterr()
    records = [record.getMessage() for record in caplog.records]
    return "\n".join([caplog.text, *records, out, err, *texts])


def _load_log(db: Path) -> str:
    """The errors stored in ops.load_log (the CLI's connection may still be open: same config)."""
    with duckdb.connect(str(db)) as con:
        rows = con.execute("select error from ops.load_log").fetchall()
    assert rows  # the failed load was recorded
    return "\n".join(error or "" for (error,) in rows)


@pytest.mark.parametrize(
    ("source", "variable", "args"),
    [
        ("fred", "FRED_API_URL", ["--start", "2025-01-02", "--end", "2025-01-10"]),
        ("eia", "EIA_API_URL", ["--start", "2025-01-06", "--end", "2025-01-13"]),
    ],
)
@pytest.mark.parametrize("debug", [False, True], ids=["", "debug"])
def test_a_failing_live_pull_shows_no_key(
    tmp_path: Path, base: str, source, variable, args, debug, monkeypatch, caplog, capfd
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv(variable, f"{base}/api")
    db = tmp_path / "cbi.duckdb"
    extra = ["--series", "DGS10"] if source == "fred" else []
    flags = ["--debug"] if debug else []
    assert main([*flags, "--db", str(db), "ingest", source, *args, *extra]) == 1
    everything = _everything(caplog, capfd, _load_log(db))
    assert "Retrying" in everything or "HTTP 500" in everything  # the failing path ran
    assert "cbi: error:" in everything
    # --debug prints the traceback, chained causes (urllib3's, with the URL) included
    assert ("Traceback (most recent call last)" in everything) is debug
    for secret in SECRETS:
        assert secret not in everything


def test_a_logged_traceback_shows_no_key(caplog) -> None:
    caplog.set_level(logging.DEBUG)
    try:
        raise ConnectionError(f"GET http://127.0.0.1/api?api_key={FRED_KEY} refused")
    except ConnectionError:
        logging.getLogger("urllib3.connectionpool").exception("request failed")
    assert "api_key=***" in caplog.text
    assert FRED_KEY not in caplog.text


def test_a_failing_slack_alert_shows_no_webhook_path(
    tmp_path: Path, base: str, monkeypatch, caplog, capfd
) -> None:
    caplog.set_level(logging.DEBUG)
    monkeypatch.setenv("CBI_SLACK_WEBHOOK_URL", base + WEBHOOK_PATH)
    with duckdb.connect(str(tmp_path / "alerts.duckdb")) as con:
        sent, failures = send_alerts(
            con, [Event("run_failed", "run", "dbt failed")], dt.date(2026, 11, 27)
        )
    assert sent == 0 and len(failures) == 1
    everything = _everything(caplog, capfd, *failures)
    for secret in SECRETS:
        assert secret not in everything


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (
            "GET /fred/series/observations?series_id=DGS10&api_key=abc123&file_type=json",
            "GET /fred/series/observations?series_id=DGS10&api_key=***&file_type=json",
        ),
        ("url: /v2/data/?api_key=abc123", "url: /v2/data/?api_key=***"),
        (
            "x?token=t0k3n&apikey=k&key=z&access_token=y",
            "x?token=***&apikey=***&key=***&access_token=***",
        ),
        (
            "post to https://hooks.slack.com/services/T1/B2/abc failed",
            "post to https://hooks.slack.com/services/*** failed",
        ),
        ("'/services/T1/B2/abc'", "'/services/***'"),
        ("md:cbi?motherduck_token=ey.J", "md:cbi?motherduck_token=***"),
        ("series_id=DGS10&file_type=json", "series_id=DGS10&file_type=json"),
    ],
)
def test_redact(text: str, shown: str) -> None:
    assert redact(text) == shown
