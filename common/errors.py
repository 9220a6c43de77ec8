"""The errors a user can act on, and the one place other errors are turned into them.

The CLI prints a `UserError` as one line and exits 1 (`--debug` shows the traceback), so a
scheduled run fails visibly without a Python traceback in the log.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import requests

from common.redact import redact


class UserError(RuntimeError):
    """A command failed for a reason the user can act on; the message says what to do next."""


class ExtractorError(UserError):
    """A load failed; the message names the source, the file or URL, and what to do."""


class MissingCredentialError(ExtractorError):
    """An API key is not set; the message names the environment variable."""

    def __init__(self, variable: str, source: str) -> None:
        super().__init__(f"{source}: set the environment variable {variable} to use the live API")
        self.variable = variable


@contextmanager
def network_errors(source: str, step: str) -> Iterator[None]:
    """Turn a connection failure, timeout or broken response into one ExtractorError line.

    HTTP status errors are the client's to explain (each source knows what 401 or 429 means
    for it); this covers what happens before a status arrives. The line is redacted
    (`common.redact`): no key or webhook path in it.
    """
    try:
        yield
    except requests.exceptions.Timeout:
        raise ExtractorError(
            redact(f"{source}: could not {step}: the server did not answer in time; retry later")
        ) from None
    except requests.exceptions.ConnectionError as exc:
        reason = _innermost(exc)
        raise ExtractorError(
            redact(f"{source}: could not {step}: cannot connect ({reason}); check the network")
        ) from None
    except requests.exceptions.RequestException as exc:
        raise ExtractorError(redact(f"{source}: could not {step}: {_innermost(exc)}")) from None


def _innermost(exc: BaseException) -> str:
    """The deepest cause of a chained network error, which is the readable one."""
    inner = exc.__cause__ or exc.__context__
    while inner is not None:
        exc = inner
        inner = exc.__cause__ or exc.__context__
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return text.split(": ", 1)[-1] if text.startswith("<") else text
