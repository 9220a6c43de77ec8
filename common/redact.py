"""No secret in what the project prints, logs, raises or stores: one redaction for every text.

API keys travel as query parameters (FRED's and EIA's `api_key`, api.data.gov's), the path of a
Slack incoming webhook is its token, and a MotherDuck token can sit in an `md:` name. `redact`
masks, in any text:

- the value of a query parameter whose name ends in key, token, secret, password or signature
  (`api_key`, `apikey`, `key`, `token`, `access_token`, `motherduck_token`, ...);
- the path after `/services/` of a webhook URL (`hooks.slack.com/services/T../B../...`);
- the exact value of every environment variable that holds a secret (its name ends in _KEY,
  _TOKEN, _PASSWORD, _SECRET or _WEBHOOK_URL), wherever it appears.

`install()` passes every log record through `redact` when it is made, its traceback included
(a log record factory:
one place for every logger, urllib3's retry warnings and debug lines included, whatever handler
prints or captures them; a filter on a logger would miss the records of its child loggers).
`common.http` installs it on import, so any process that can reach the network has it; the
errors raised through `common.errors.network_errors` are redacted there.
"""

from __future__ import annotations

import logging
import os
import re
import traceback

MASK = "***"
_QUERY_SECRET = re.compile(
    r"(?i)([?&;](?:[a-z_]*(?:key|token|secret|password|signature)|sig)=)[^&;\s'\"#)]+"
)
_WEBHOOK_PATH = re.compile(r"(/services/)[A-Za-z0-9_-]+/[^\s'\"?#)]+")
_SECRET_VARIABLE = re.compile(r"(?:_KEY|_TOKEN|_PASSWORD|_SECRET|_WEBHOOK_URL)$")
# Shorter values are not masked wherever they appear (they would mask ordinary text).
_MIN_SECRET_LENGTH = 8

_installed = False


def redact(text: str) -> str:
    """`text` with every key, token and webhook path in it replaced by ***."""
    for name, value in os.environ.items():
        if _SECRET_VARIABLE.search(name) and len(value) >= _MIN_SECRET_LENGTH and value in text:
            text = text.replace(value, MASK)
    text = _QUERY_SECRET.sub(rf"\1{MASK}", text)
    return _WEBHOOK_PATH.sub(rf"\1{MASK}", text)


def install() -> None:
    """Redact every log record of this process from now on (idempotent)."""
    global _installed
    if _installed:
        return
    make_record = logging.getLogRecordFactory()

    def redacted_record(*args, **kwargs) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        try:
            message = record.getMessage()
        except (TypeError, ValueError):  # arguments that do not fit the format
            message = f"{record.msg} {record.args}"
        shown = redact(message)
        if shown != message:
            record.msg, record.args = shown, ()
        if record.exc_info and record.exc_info[0] is not None:
            # formatted here, masked: a handler's Formatter uses exc_text when it is set
            record.exc_text = redact("".join(traceback.format_exception(*record.exc_info)))
        return record

    logging.setLogRecordFactory(redacted_record)
    _installed = True
