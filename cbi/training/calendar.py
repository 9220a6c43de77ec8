"""CME trading days past the end of the data: weekdays minus the exchange's full-day holidays.

Inside the data the trading calendar comes from the marts. Beyond it (the live forecast's
target dates) this approximates CME Globex grains: weekends and the US holidays on which the
grain markets close (New Year, MLK, Presidents, Good Friday, Memorial, Juneteenth from 2022,
Independence, Labor, Thanksgiving, Christmas), with Saturday/Sunday observance shifts.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
from dateutil.easter import easter


def _observed(day: dt.date) -> dt.date:
    if day.weekday() == 5:
        return day - dt.timedelta(days=1)
    if day.weekday() == 6:
        return day + dt.timedelta(days=1)
    return day


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> dt.date:
    first = dt.date(year, month, 1)
    offset = (weekday - first.weekday()) % 7
    return first + dt.timedelta(days=offset + 7 * (n - 1))


def _last_weekday(year: int, month: int, weekday: int) -> dt.date:
    last = dt.date(year, month + 1, 1) - dt.timedelta(days=1)
    return last - dt.timedelta(days=(last.weekday() - weekday) % 7)


def cme_holidays(year: int) -> set[dt.date]:
    """Full-day CME grain holidays of one year (rule-based approximation, see module doc)."""
    days = {
        _observed(dt.date(year, 1, 1)),
        _nth_weekday(year, 1, 0, 3),
        _nth_weekday(year, 2, 0, 3),
        easter(year) - dt.timedelta(days=2),
        _last_weekday(year, 5, 0),
        _observed(dt.date(year, 7, 4)),
        _nth_weekday(year, 9, 0, 1),
        _nth_weekday(year, 11, 3, 4),
        _observed(dt.date(year, 12, 25)),
    }
    if year >= 2022:
        days.add(_observed(dt.date(year, 6, 19)))
    return days


def add_trading_days(start: dt.date | pd.Timestamp, n: int) -> pd.Timestamp:
    """The date n CME trading days after `start`."""
    day = pd.Timestamp(start).date()
    remaining = n
    while remaining > 0:
        day += dt.timedelta(days=1)
        if day.weekday() < 5 and day not in cme_holidays(day.year):
            remaining -= 1
    return pd.Timestamp(day)
