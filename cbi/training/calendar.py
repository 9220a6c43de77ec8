"""CME trading days past the end of the data, from a maintained exchange calendar.

Inside the data the trading calendar comes from the marts (the sessions ZL actually traded).
Beyond it (the live forecast's target dates) the sessions are weekdays minus the regular
full-day holidays of CBOT grains and oilseeds in `pandas_market_calendars` ("CBOT_Agriculture":
New Year, MLK, Presidents, Good Friday, Memorial, Juneteenth from 2022, Independence, Labor,
Thanksgiving, Christmas, with the exchange's observance rules).

The package's ad-hoc closures (US national days of mourning) are left out on purpose: on those
days the grain markets traded with an early close (the bundled data has a full ZL session on
2018-12-05, and CME's notice for 2025-01-09 closed agriculture at 12:15 CT), so each was a
trade date. `pytests/training/test_calendar.py` checks these sessions against every ZL session
in the bundled data.
"""

from __future__ import annotations

import datetime as dt
from functools import cache

import pandas as pd

CALENDAR = "CBOT_Agriculture"


@cache
def _holiday_rules():
    """The exchange calendar's regular holiday rules for CBOT grains (loaded once)."""
    import pandas_market_calendars as mcal

    return mcal.get_calendar(CALENDAR).regular_holidays


def sessions(start: dt.date | pd.Timestamp | str, end: dt.date | pd.Timestamp | str):
    """CME grain trade dates from `start` to `end`, both included (a DatetimeIndex)."""
    start, end = pd.Timestamp(start), pd.Timestamp(end)
    holidays = _holiday_rules().holidays(start, end)
    return pd.bdate_range(start, end, freq="C", holidays=holidays)


def add_trading_days(start: dt.date | pd.Timestamp, n: int) -> pd.Timestamp:
    """The date n CME trading days after `start` (`start` itself for n = 0)."""
    if n <= 0:
        return pd.Timestamp(pd.Timestamp(start).date())
    first = pd.Timestamp(start).normalize() + pd.Timedelta(days=1)
    ahead = sessions(first, first + pd.Timedelta(days=2 * n + 14))
    return ahead[n - 1]
