"""USDA FAS OpenData (ESR export sales, PSD): one key, a configurable base URL and key header.

Not a source of its own (it is not in `extractors.SOURCES`): the export sales and WASDE/PSD
extractors fetch through it. FAS moved the API in 2026: the current base URL
`https://api.fas.usda.gov` takes the key in an `X-API-KEY` header; the older
`https://apps.fas.usda.gov/OpenData` took it in an `API_KEY` header. Both serve the same
paths (`/api/esr/...`, `/api/psd/...`), so the base URL and the header name are settings
(USDA_FAS_API_URL, USDA_FAS_API_KEY_HEADER), and tests point them at a local server. The key
(an api.data.gov key, USDA_FAS_API_KEY) travels only in the header: errors name the URL and
never the key.
"""

from __future__ import annotations

import os
from typing import Any

import duckdb
import requests

from common.errors import MissingCredentialError
from common.http import fetch_json
from extractors.core import recorded_load

API_KEY_VARIABLE = "USDA_FAS_API_KEY"
BASE_URL_VARIABLE = "USDA_FAS_API_URL"
HEADER_VARIABLE = "USDA_FAS_API_KEY_HEADER"
DEFAULT_BASE_URL = "https://api.fas.usda.gov"
DEFAULT_HEADER = "X-API-KEY"
# The pre-2026 service, for reference: USDA_FAS_API_URL=LEGACY_BASE_URL with header API_KEY.
LEGACY_BASE_URL = "https://apps.fas.usda.gov/OpenData"
LEGACY_HEADER = "API_KEY"


def api_key(source: str) -> str:
    """The key from USDA_FAS_API_KEY; MissingCredentialError (naming it) when unset."""
    key = os.environ.get(API_KEY_VARIABLE, "").strip()
    if not key:
        raise MissingCredentialError(API_KEY_VARIABLE, source)
    return key


def require_key(con: duckdb.DuckDBPyConnection, source: str, table: str, window: str) -> None:
    """Before any request: an unset key is a MissingCredentialError, recorded as a failed load."""
    if os.environ.get(API_KEY_VARIABLE, "").strip():
        return
    with recorded_load(con, source, table, window):
        raise MissingCredentialError(API_KEY_VARIABLE, source)


def url_of(path: str) -> str:
    """The full URL of an API path such as `/api/esr/countries`."""
    base = os.environ.get(BASE_URL_VARIABLE, "").strip() or DEFAULT_BASE_URL
    return f"{base.rstrip('/')}{path}"


def get_json(http: requests.Session, source: str, path: str) -> Any:
    """GET an API path with the key in its header and decode the JSON answer.

    HTTP errors (401/403 for a refused key, 429 and 5xx after retries) and HTML where JSON was
    expected are one ExtractorError line naming the source and the URL.
    """
    header = os.environ.get(HEADER_VARIABLE, "").strip() or DEFAULT_HEADER
    headers = {header: api_key(source), "Accept": "application/json"}
    return fetch_json(http, source, url_of(path), headers=headers)
