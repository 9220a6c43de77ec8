"""Checks of command arguments, made before any request is sent or any table is touched."""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterator
from contextlib import contextmanager

from common.errors import ExtractorError, UserError


@contextmanager
def arguments_of(source: str) -> Iterator[None]:
    """Checks made in this block fail as the source's error, named for it."""
    try:
        yield
    except ExtractorError:
        raise
    except UserError as exc:
        raise ExtractorError(f"{source}: {exc}") from None


def iso_date(value: str, flag: str) -> dt.date:
    """`value` as a calendar date; anything else is a UserError naming the flag."""
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise UserError(f"{flag} {value!r} is not a date; use YYYY-MM-DD") from None


def year_month(value: str, flag: str = "--month") -> dt.date:
    """`value` (YYYY-MM) as the first day of that month; anything else names the flag."""
    match = re.fullmatch(r"(\d{4})-(\d{2})", value or "")
    if match is None or not 1 <= int(match.group(2)) <= 12:
        raise UserError(f"{flag} {value!r} is not a month; use YYYY-MM")
    return dt.date(int(match.group(1)), int(match.group(2)), 1)


def date_window(
    start: str, end: str, *, end_exclusive: bool, flags: tuple[str, str] = ("--start", "--end")
) -> tuple[dt.date, dt.date]:
    """A window of two dates in order: start < end when `end` is exclusive, else start <= end."""
    first, last = iso_date(start, flags[0]), iso_date(end, flags[1])
    if first > last or (end_exclusive and first == last):
        relation = "before" if end_exclusive else "on or before"
        raise UserError(
            f"{flags[0]} {first} must be {relation} {flags[1]} {last}"
            + (f" ({flags[1]} is exclusive)" if end_exclusive else "")
        )
    return first, last


def non_negative_amount(value: float | str, flag: str) -> float:
    """A finite number >= 0 (NaN, infinity and negatives would disable or invert a guard)."""
    try:
        amount = float(value)
    except (TypeError, ValueError):
        raise UserError(f"{flag} {value!r} is not a number") from None
    if not math.isfinite(amount) or amount < 0:
        raise UserError(f"{flag} must be a finite number >= 0, not {value}")
    return amount
