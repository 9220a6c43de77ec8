"""HTTP for the live extractors: one session with timeouts and retries, one line per failure.

Every live source fetches through `fetch`: 429 and 5xx answers are retried with exponential
backoff (honouring Retry-After) before they become an error; a timeout, a refused connection,
an HTTP error, or HTML where JSON was expected becomes one ExtractorError line that names the
source and the URL without its query string. Importing this module installs the redaction of
every log record (`common.redact`), so urllib3's retry warnings, which print the full URL, show
no API key or webhook path either.
"""

from __future__ import annotations

import json
import logging
import os
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from common import redact
from common.errors import ExtractorError, network_errors

log = logging.getLogger(__name__)
redact.install()

TIMEOUT_S = (10, 120)  # connect, read
RETRY_STATUSES = (429, 500, 502, 503, 504)
# Seconds of the first backoff step (then 2x, 4x, ...); tests set CBI_HTTP_BACKOFF=0.
BACKOFF_VARIABLE = "CBI_HTTP_BACKOFF"
RETRIES = 4

_HINTS = {
    400: "the request was refused; check the series, dates and parameters",
    401: "the API key was refused; check the key's environment variable",
    403: "the API key has no access to this data",
    404: "not found; check the series or URL",
    429: "rate limited even after retries; wait and run again later",
}


def session() -> requests.Session:
    """A session that retries 429/5xx with backoff on GET and returns the last answer."""
    retry = Retry(
        total=RETRIES,
        status_forcelist=RETRY_STATUSES,
        backoff_factor=float(os.environ.get(BACKOFF_VARIABLE, "1.0")),
        respect_retry_after_header=True,
        allowed_methods=frozenset({"GET"}),
        raise_on_status=False,
    )
    http = requests.Session()
    http.mount("https://", HTTPAdapter(max_retries=retry))
    http.mount("http://", HTTPAdapter(max_retries=retry))
    return http


def fetch(
    http: requests.Session,
    source: str,
    url: str,
    *,
    params: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
    accept: tuple[int, ...] = (),
) -> requests.Response:
    """GET `url`; any answer but 2xx (or a status in `accept`, e.g. 404 past the last page of
    a paged feed) is an ExtractorError naming the source and the URL."""
    return _request(http, "GET", source, url, params=params, headers=headers, accept=accept)


def _request(
    http: requests.Session,
    method: str,
    source: str,
    url: str,
    shown: str | None = None,
    accept: tuple[int, ...] = (),
    **kwargs,
) -> requests.Response:
    """Send one request; a network failure or an answer >= 400 (not in `accept`) is one
    ExtractorError line."""
    shown = shown or url.split("?", 1)[0]
    verb = "fetch" if method == "GET" else f"{method.lower()} to"
    with network_errors(source, f"{verb} {shown}"):
        response = http.request(method, url, timeout=TIMEOUT_S, **kwargs)
    if response.status_code < 400 or response.status_code in accept:
        return response
    hint = _HINTS.get(response.status_code)
    if hint is None:
        hint = "the server is failing; retry later" if response.status_code >= 500 else ""
    raise ExtractorError(
        f"{source}: {shown} answered HTTP {response.status_code}" + (f" ({hint})" if hint else "")
    )


def post_json(
    http: requests.Session, source: str, url: str, payload: Any, *, shown: str | None = None
) -> requests.Response:
    """POST `payload` as JSON (not retried: a repeated POST may act twice); errors as `fetch`.

    `shown` names the URL in errors when the URL itself is a secret (a webhook).
    """
    return _request(http, "POST", source, url, shown, json=payload)


def fetch_json(
    http: requests.Session,
    source: str,
    url: str,
    *,
    params: dict[str, Any] | None = None,
    headers: dict[str, str] | None = None,
) -> Any:
    """GET `url` and decode its JSON; an HTML page or a cut body is an error, not data."""
    response = fetch(http, source, url, params=params, headers=headers)
    return parse_json(response.text, source, url.split("?", 1)[0])


def parse_json(text: str, source: str, where: str) -> Any:
    """Decode JSON text from `where` (a URL or file); HTML or a cut document is an error."""
    if text.lstrip()[:1] == "<":
        raise ExtractorError(
            f"{source}: {where} returned HTML where JSON was expected (an error or login page?)"
        )
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ExtractorError(
            f"{source}: {where} is not valid JSON ({exc.msg} at character {exc.pos}); "
            "it may be cut off"
        ) from None
