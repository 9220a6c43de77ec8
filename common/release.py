"""When a publisher's value becomes public: US business days and publication instants.

Business days are weekdays that are not US federal holidays (observed dates, as pandas'
`USFederalHolidayCalendar` lists them), the calendar the Federal Reserve, Treasury, EIA and
CFTC publish on. Instants are returned in UTC, the way every `available_at` is stored.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from typing import Literal

import numpy as np
import pandas as pd
from pandas.tseries.holiday import USFederalHolidayCalendar

NEW_YORK = "America/New_York"


@lru_cache(maxsize=1)
def us_federal_holidays() -> np.ndarray:
    """Observed US federal holidays 1950-2100, as numpy dates (for np.busday_*)."""
    days = USFederalHolidayCalendar().holidays(
        pd.Timestamp("1950-01-01"), pd.Timestamp("2100-12-31")
    )
    return days.to_numpy(dtype="datetime64[D]")


def is_business_day(day: dt.date) -> bool:
    """A weekday that is not a US federal holiday."""
    return bool(np.is_busday(np.datetime64(day, "D"), holidays=us_federal_holidays()))


def business_days_after(days: pd.Series, count: int) -> pd.Series:
    """The `count`-th US business day after each date (count 0: the date itself, or the next
    business day when it is not one). A weekend or holiday date counts from the business day
    before it, so Saturday + 1 is Monday."""
    values = pd.to_datetime(days).to_numpy(dtype="datetime64[D]")
    roll: Literal["forward", "backward"] = "forward" if count == 0 else "backward"
    shifted = np.busday_offset(values, count, roll=roll, holidays=us_federal_holidays())
    return pd.Series(pd.to_datetime(shifted).date, index=days.index)


def next_business_day(day: dt.date) -> dt.date:
    """The first US business day strictly after `day`."""
    shifted = np.busday_offset(
        np.datetime64(day, "D"), 1, roll="backward", holidays=us_federal_holidays()
    )
    return pd.Timestamp(shifted).date()


def end_of_day(days: pd.Series, tz: str = NEW_YORK) -> pd.Series:
    """Midnight at the end of each date in `tz`, as UTC timestamps.

    A value published at any time on a date is public by then, whatever its hour.
    """
    return at_local_time(pd.to_datetime(days) + pd.Timedelta(days=1), dt.time(0), tz)


def local_instant(day: dt.date, hour: int, minute: int, tz: str = NEW_YORK) -> pd.Timestamp:
    """`day` at hour:minute wall-clock time in `tz`, as a UTC timestamp."""
    return (
        pd.Timestamp(dt.datetime.combine(day, dt.time(hour, minute)))
        .tz_localize(tz)
        .tz_convert("UTC")
    )


def at_local_time(days: pd.Series, time: dt.time, tz: str = NEW_YORK) -> pd.Series:
    """Each date at the wall-clock `time` in `tz`, as UTC timestamps (a publication instant)."""
    local = pd.to_datetime(days) + pd.Timedelta(hours=time.hour, minutes=time.minute)
    return pd.Series(pd.DatetimeIndex(local).tz_localize(tz).tz_convert("UTC"), index=days.index)
