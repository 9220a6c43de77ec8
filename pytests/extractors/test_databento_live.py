"""Live pulls with the official `databento` client against a local HTTPS server.

The client only talks https, so the server runs with a throw-away self-signed certificate
(made with the `openssl` command) that requests is told to trust. The bars it serves are the
real slice from the snapshot; option payloads are constructed (see dbn_payloads.py).
"""

from __future__ import annotations

import json
import shutil
import socket
import ssl
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
import zstandard
from dbn_payloads import (
    REAL_SLICE,
    REAL_SLICE_ROWS,
    constructed_definitions,
    constructed_future_bars,
    constructed_future_definitions,
    constructed_option_bars,
)
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from cbi.cli import main
from common.errors import ExtractorError, MissingCredentialError
from extractors import databento

pytestmark = pytest.mark.skipif(shutil.which("openssl") is None, reason="needs openssl")

COST_PATH = "/v0/metadata.get_cost"
RANGE_PATH = "/v0/timeseries.get_range"
WINDOW = {"start": "2024-06-19", "end": "2024-06-29"}


@pytest.fixture(scope="module")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("tls")
    subprocess.run(
        [
            "openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
            "-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem"),
            "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1",
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return folder


@pytest.fixture(scope="module")
def server(certificate: Path) -> Iterator[HTTPServer]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate / "cert.pem", certificate / "key.pem")
    https = HTTPServer(host="localhost", port=0, ssl_context=context)
    https.start()
    yield https
    https.clear()
    https.stop()


@pytest.fixture
def gateway(
    server: HTTPServer, certificate: Path, monkeypatch: pytest.MonkeyPatch
) -> Iterator[HTTPServer]:
    server.clear()
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(certificate / "cert.pem"))
    monkeypatch.setenv("DATABENTO_API_KEY", "db-test-key-not-real")
    monkeypatch.setenv(databento.GATEWAY_VARIABLE, f"https://localhost:{server.port}")
    yield server
    server.clear()


def _cost(dollars: float) -> Response:
    return Response(json.dumps(dollars), content_type="application/json")


def _pull(con, **overrides) -> int:
    request = {
        "schema": "ohlcv-1h",
        "symbols": ["ZL.v.0", "ZS.v.0"],
        "stype_in": "continuous",
        "max_cost": 1.0,
        **WINDOW,
        **overrides,
    }
    return databento.pull(con, **request)


def test_pull_lands_the_served_bars(con, gateway: HTTPServer) -> None:
    # GIVEN a gateway that prices the request at 5 cents and serves the real slice
    gateway.expect_request(COST_PATH, method="POST").respond_with_response(_cost(0.05))
    gateway.expect_request(RANGE_PATH, method="POST").respond_with_data(
        REAL_SLICE.read_bytes(), content_type="application/octet-stream"
    )
    # WHEN the pull runs
    rows = _pull(con)
    # THEN the bars land like an imported file, with the live window as their source
    assert rows == REAL_SLICE_ROWS
    sources = con.execute(
        f"select distinct source from {databento.FUTURES_TABLES['ohlcv-1h']}"
    ).fetchall()
    assert sources == [("live:ohlcv-1h:2024-06-19..2024-06-29",)]
    request = gateway.log[-1][0]
    assert request.form["symbols"] == "ZL.v.0,ZS.v.0"
    assert request.form["stype_in"] == "continuous"
    # AND a repeated pull changes nothing
    gateway.clear()
    gateway.expect_request(COST_PATH, method="POST").respond_with_response(_cost(0.05))
    gateway.expect_request(RANGE_PATH, method="POST").respond_with_data(REAL_SLICE.read_bytes())
    assert _pull(con) == 0


def test_a_pull_above_max_cost_is_refused_before_fetching(con, gateway: HTTPServer) -> None:
    gateway.expect_request(COST_PATH, method="POST").respond_with_response(_cost(12.5))
    with pytest.raises(ExtractorError, match=r"costs \$12.50, above --max-cost \$1.00"):
        _pull(con)
    assert [entry[0].path for entry in gateway.log] == [COST_PATH]
    status = con.execute("select status from ops.load_log").fetchall()
    assert status == [("failed",)]


@pytest.mark.parametrize(
    ("status", "expected"),
    [(429, r"HTTP 429 .*rate limited"), (500, r"server error HTTP 500 .*retry later")],
)
def test_http_errors_become_clear_errors(con, gateway: HTTPServer, status: int, expected) -> None:
    gateway.expect_request(COST_PATH, method="POST").respond_with_response(_cost(0.01))
    gateway.expect_request(RANGE_PATH, method="POST").respond_with_json(
        {"detail": "simulated failure"}, status=status
    )
    with pytest.raises(ExtractorError, match=expected):
        _pull(con)
    assert con.execute("select count(*) from raw.databento_futures_ohlcv_1h").fetchone() == (0,)


def test_missing_key_names_the_variable(con, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABENTO_API_KEY", raising=False)
    with pytest.raises(MissingCredentialError, match="DATABENTO_API_KEY"):
        _pull(con)


def test_cli_missing_key_prints_one_line(tmp_path: Path, monkeypatch, capsys) -> None:
    monkeypatch.delenv("DATABENTO_API_KEY", raising=False)
    argv = ["--db", str(tmp_path / "cli.duckdb"), "-q", "ingest", "databento"]
    argv += ["--schema", "ohlcv-1d", "--symbols", "ZL.v.0", "--start", "2024-01-02"]
    argv += ["--end", "2024-01-03"]
    assert main(argv) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [
        "cbi: error: databento: set the environment variable DATABENTO_API_KEY to use the live API"
    ]


def test_option_pull_joins_definitions(con, gateway: HTTPServer) -> None:
    # GIVEN a gateway serving constructed ZL option bars and their definitions by schema
    payloads = {"ohlcv-1d": constructed_option_bars(), "definition": constructed_definitions()}

    def serve(request: Request) -> Response:
        return Response(payloads[request.form["schema"]], content_type="application/octet-stream")

    gateway.expect_request(COST_PATH, method="POST").respond_with_response(_cost(0.02))
    gateway.expect_request(RANGE_PATH, method="POST").respond_with_handler(serve)
    # WHEN ZL.OPT is pulled by parent symbol
    rows = _pull(con, schema="ohlcv-1d", symbols=["ZL.OPT"], stype_in="parent")
    # THEN both schemas were priced and fetched, and the bars carry their definitions
    assert rows == 4
    schemas = [entry[0].form["schema"] for entry in gateway.log]
    assert schemas == ["ohlcv-1d", "definition", "definition", "ohlcv-1d"]
    landed = con.execute(
        f"select distinct parent, instrument_class, strike_price from {databento.OPTIONS_TABLE}"
        " order by instrument_class"
    ).fetchall()
    assert landed == [("ZL.OPT", "C", 45.0), ("ZL.OPT", "P", 45.0)]


def test_futures_parent_pull_lands_every_contract_with_its_expiry(con, gateway) -> None:
    # GIVEN a gateway serving constructed bars and definitions of two ZL contracts
    payloads = {
        "ohlcv-1d": constructed_future_bars(),
        "definition": constructed_future_definitions(),
    }

    def serve(request: Request) -> Response:
        assert request.form["stype_in"] == "parent" and request.form["symbols"] == "ZL.FUT"
        return Response(payloads[request.form["schema"]], content_type="application/octet-stream")

    gateway.expect_request(COST_PATH, method="POST").respond_with_response(_cost(0.02))
    gateway.expect_request(RANGE_PATH, method="POST").respond_with_handler(serve)
    # WHEN the parent symbol ZL.FUT is pulled (the deferred months of the curve)
    rows = _pull(con, schema="ohlcv-1d", symbols=["ZL.FUT"], stype_in="parent")
    # THEN each contract's bars land in the contracts table with its expiry; no option rows
    assert rows == 4
    landed = con.execute(
        f"""select symbol, parent, instrument_class, expiration::date::varchar, max(close)
        from {databento.CONTRACTS_TABLE} group by all order by symbol"""
    ).fetchall()
    assert landed == [
        ("ZLN4", "ZL.FUT", "F", "2024-07-12", 44.1),
        ("ZLZ4", "ZL.FUT", "F", "2024-12-13", 44.6),
    ]
    assert con.execute(f"select count(*) from {databento.OPTIONS_TABLE}").fetchone() == (0,)
    # a second identical pull changes nothing
    assert _pull(con, schema="ohlcv-1d", symbols=["ZL.FUT"], stype_in="parent") == 0


def test_futures_and_option_parents_are_pulled_separately(con, gateway) -> None:
    with pytest.raises(ExtractorError, match="pull futures parents"):
        _pull(con, schema="ohlcv-1d", symbols=["ZL.FUT", "ZL.OPT"], stype_in="parent")
    assert gateway.log == []


def _two_frames(payload: bytes) -> bytes:
    """The real slice re-encoded as two zstd frames, as a streamed response may arrive."""
    data = zstandard.ZstdDecompressor().decompress(payload)
    half = len(data) // 2
    compressor = zstandard.ZstdCompressor()
    return compressor.compress(data[:half]) + compressor.compress(data[half:])


@pytest.mark.parametrize(
    ("payload", "expected"),
    [
        # cut inside the second frame: the client decodes the first and returns fewer bars
        (_two_frames(REAL_SLICE.read_bytes())[:-20], "live.ohlcv-1h.dbn.zst is truncated"),
        # cut inside the only frame: the client itself cannot decode it
        (REAL_SLICE.read_bytes()[:-100], "not readable DBN"),
    ],
)
def test_a_response_cut_mid_stream_is_an_error(
    con, gateway: HTTPServer, payload: bytes, expected: str
) -> None:
    gateway.expect_request(COST_PATH, method="POST").respond_with_response(_cost(0.05))
    gateway.expect_request(RANGE_PATH, method="POST").respond_with_data(payload)
    # THEN the pull fails, and nothing lands
    with pytest.raises(ExtractorError, match=expected):
        _pull(con)
    assert con.execute("select count(*) from raw.databento_futures_ohlcv_1h").fetchone() == (0,)


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"max_cost": "nan"}, "--max-cost must be a finite number >= 0, not nan"),
        ({"max_cost": -0.5}, "--max-cost must be a finite number >= 0, not -0.5"),
        ({"max_cost": "inf"}, "--max-cost must be a finite number >= 0"),
        ({"start": "2025-13-01"}, "--start '2025-13-01' is not a date; use YYYY-MM-DD"),
        ({"start": "2024-07-01"}, "--start 2024-07-01 must be before --end 2024-06-29"),
        ({"end": "2024-06-19"}, "must be before --end 2024-06-19 .--end is exclusive"),
    ],
)
def test_bad_arguments_are_refused_before_any_request(
    con, gateway: HTTPServer, overrides: dict, expected: str
) -> None:
    # GIVEN a gateway that would price any request cheaply
    gateway.expect_request(COST_PATH, method="POST").respond_with_response(_cost(0.5))
    # WHEN a pull is asked with a guard-breaking cost or a bad window
    with pytest.raises(ExtractorError, match=expected):
        _pull(con, **overrides)
    # THEN no request was sent
    assert gateway.log == []


def test_a_connection_failure_is_one_line(tmp_path: Path, monkeypatch, capsys) -> None:
    # GIVEN a gateway address where nothing listens
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("DATABENTO_API_KEY", "db-test-key-not-real")
    monkeypatch.setenv(databento.GATEWAY_VARIABLE, f"https://127.0.0.1:{port}")
    argv = ["--db", str(tmp_path / "cli.duckdb"), "-q", "ingest", "databento"]
    argv += ["--schema", "ohlcv-1h", "--symbols", "ZL.v.0", "--start", "2024-06-19"]
    argv += ["--end", "2024-06-29"]
    # WHEN the pull runs, THEN it exits 1 with one line saying it could not connect
    assert main(argv) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1
    assert err[0].startswith("cbi: error: databento: could not price the request: cannot connect")
