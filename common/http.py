"""HTTP for the live extractors: one session with timeouts and retries, one line per failure.

Every live source fetches through `fetch`: 429 and 5xx answers are retried with exponential
backoff (honouring Retry-After) before they become an error; a timeout, a refused connection,
an HTTP error, or HTML where JSON was expected becomes one ExtractorError line that names the
source and the URL without its query string. Importing this module installs the redaction of
every log record (`common.redact`), so urllib3's retry warnings, which print the full URL, show
no API key or webhook path either.

A deadline bounds all the requests of one source together (`deadline`, used by `cbi daily`):
each attempt's connect and read timeouts and each retry's wait are cut to the time left, no
retry starts once it has passed, and the request that meets it fails in one line naming the
deadline. Without one (a `cbi ingest` run someone watches) only the per-request timeouts apply:
10 s to connect, 120 s per read, 4 retries.
"""

from __future__ import annotations

import contextvars
import json
import logging
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry
from urllib3.util.timeout import Timeout

from common import redact
from common.errors import ExtractorError, UserError, network_errors

log = logging.getLogger(__name__)
redact.install()

TIMEOUT_S = (10, 120)  # connect, read
RETRY_STATUSES = (429, 500, 502, 503, 504)
# Seconds of the first backoff step (then 2x, 4x, ...); tests set CBI_HTTP_BACKOFF=0.
BACKOFF_VARIABLE = "CBI_HTTP_BACKOFF"
RETRIES = 4
# The overall deadline of one source's requests in `cbi daily`, in seconds.
DEADLINE_VARIABLE = "CBI_SOURCE_DEADLINE_S"
DEFAULT_DEADLINE_S = 300.0

_HINTS = {
    400: "the request was refused; check the series, dates and parameters",
    401: "the API key was refused; check the key's environment variable",
    403: "the API key has no access to this data",
    404: "not found; check the series or URL",
    429: "rate limited even after retries; wait and run again later",
}


class _Deadline:
    """The monotonic instant a source's requests must end by, and how it was set."""

    def __init__(self, seconds: float, variable: str) -> None:
        self.seconds, self.variable = seconds, variable
        self.end = time.monotonic() + seconds

    def left(self) -> float:
        return self.end - time.monotonic()


_DEADLINE: contextvars.ContextVar[_Deadline | None] = contextvars.ContextVar(
    "cbi_http_deadline", default=None
)


def deadline_seconds(variable: str, default: float) -> float:
    """A deadline setting: the variable's value in seconds, else `default`."""
    text = os.environ.get(variable, "").strip()
    try:
        seconds = float(text) if text else default
    except ValueError:
        raise UserError(f"{variable}={text!r} is not a number of seconds") from None
    if seconds <= 0:
        raise UserError(f"{variable}={text!r} must be more than 0 seconds")
    return seconds


@contextmanager
def deadline(seconds: float, variable: str = DEADLINE_VARIABLE) -> Iterator[None]:
    """Bound every request made in the block, retries and waits included, to `seconds`
    together; `variable` is the setting named when a request meets it."""
    token = _DEADLINE.set(_Deadline(seconds, variable))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


class _DeadlineTimeout(Timeout):
    """Connect and read timeouts cut, at each attempt, to the time the deadline leaves."""

    def __init__(self, limit: _Deadline, connect: float, read: float) -> None:
        super().__init__(connect=connect, read=read)
        self.limit, self.longest = limit, (connect, read)

    def clone(self) -> _DeadlineTimeout:
        return _DeadlineTimeout(self.limit, *self.longest)

    @property
    def connect_timeout(self) -> float:
        return max(min(self.longest[0], self.limit.left()), 0.001)

    @property
    def read_timeout(self) -> float:
        return max(min(self.longest[1], self.limit.left()), 0.001)


class _DeadlineRetry(Retry):
    """urllib3's retry, exhausted once the deadline has passed; its waits end by it."""

    def is_exhausted(self) -> bool:
        limit = _DEADLINE.get()
        return super().is_exhausted() or (limit is not None and limit.left() <= 0)

    def get_backoff_time(self) -> float:
        return _cut(super().get_backoff_time())

    def get_retry_after(self, response) -> float | None:
        after = super().get_retry_after(response)
        return None if after is None else _cut(after)


def _cut(seconds: float) -> float:
    limit = _DEADLINE.get()
    return seconds if limit is None else max(min(seconds, limit.left()), 0.0)


def session() -> requests.Session:
    """A session that retries 429/5xx with backoff on GET and returns the last answer."""
    retry = _DeadlineRetry(
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
    limit = _DEADLINE.get()
    timeout: Any = TIMEOUT_S  # requests takes a urllib3 Timeout too (its stubs do not say so)
    if limit is not None:
        _check_deadline(limit, source, verb, shown)
        timeout = _DeadlineTimeout(limit, *TIMEOUT_S)
    try:
        with network_errors(source, f"{verb} {shown}"):
            response = http.request(method, url, timeout=timeout, **kwargs)
    except ExtractorError:
        if limit is not None:
            _check_deadline(limit, source, verb, shown)
        raise
    if limit is not None and response.status_code in RETRY_STATUSES:
        _check_deadline(limit, source, verb, shown)
    if response.status_code < 400 or response.status_code in accept:
        return response
    hint = _HINTS.get(response.status_code)
    if hint is None:
        hint = "the server is failing; retry later" if response.status_code >= 500 else ""
    raise ExtractorError(
        f"{source}: {shown} answered HTTP {response.status_code}" + (f" ({hint})" if hint else "")
    )


def _check_deadline(limit: _Deadline, source: str, verb: str, shown: str) -> None:
    """The one-line error of a source whose deadline has passed."""
    if limit.left() <= 0:
        raise ExtractorError(
            f"{source}: could not {verb} {shown}: stopped at the deadline of {limit.seconds:g} s "
            f"for this source ({limit.variable}); the server is too slow, retry later"
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
    found: list[str] = []

    def non_finite(constant: str) -> _NonFinite:
        found.append(constant)
        return _NonFinite(constant)

    try:
        document = json.loads(text, parse_constant=non_finite)
    except json.JSONDecodeError as exc:
        raise ExtractorError(
            f"{source}: {where} is not valid JSON ({exc.msg} at character {exc.pos}); "
            "it may be cut off"
        ) from None
    if found:
        path, constant = _first_non_finite(document, "")
        raise ExtractorError(
            f"{source}: {where}: field {path!r} is {constant}, not a number (JSON has no "
            "NaN or Infinity); nothing landed"
        )
    return document


class _NonFinite(str):
    """A NaN, Infinity or -Infinity literal in a JSON document (refused by parse_json)."""


def _first_non_finite(node: Any, path: str) -> tuple[str, str]:
    """The path (e.g. response.data[1].value) and text of the first _NonFinite in `node`."""
    if isinstance(node, _NonFinite):
        return path, str(node)
    children = node.items() if isinstance(node, dict) else enumerate(node)
    for key, child in children:
        if isinstance(child, dict | list | _NonFinite):
            inner = f"{path}[{key}]" if isinstance(key, int) else f"{path}.{key}".lstrip(".")
            hit = _first_non_finite(child, inner)
            if hit[0]:
                return hit
    return "", ""
