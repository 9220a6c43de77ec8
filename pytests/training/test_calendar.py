"""The exchange calendar behind forecast target dates, checked against every ZL session we hold.

The bundled snapshot (2010-06 to 2024-12) as `cbi ingest snapshot` loads it (the session's
`snapshot_db`); a session is a trade date with a ZL.v.0 bar (trade date: the Chicago date of
the bar's open plus 7 hours, as `macros/calendar/cme_trade_date.sql`).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from cbi.training.calendar import add_trading_days, sessions

# Calendar sessions with no ZL bar: gaps in the bundled Databento batch, not closures. Neither
# ZS nor ZM has a bar either (and on 2020-02-28 nothing but FX does), while other CME products
# trade normally, and ZL's previous session (2020-02-27) stops at 11:00 CT.
NO_BARS_IN_SNAPSHOT = {dt.date(2014, 6, 11), dt.date(2014, 10, 3), dt.date(2020, 2, 28)}
# Weekend trade dates with a ZL bar: one stray bar at Sunday 16:00 CT before the Memorial Day
# and Labor Day Mondays. Not sessions: the marts keep weekdays only.
STRAY_SUNDAY_BARS = {dt.date(2014, 5, 25), dt.date(2014, 8, 31)}

TRADE_DATES_SQL = """
    select distinct cast(timezone('America/Chicago', ts_event) + interval 7 hour as date)
    from raw.databento_futures_ohlcv_1h
    where symbol = 'ZL.v.0'
"""


@pytest.fixture(scope="module")
def zl_trade_dates(snapshot_db: Path) -> set[dt.date]:
    """Every trade date with a ZL.v.0 bar in the bundled snapshot (the session's load)."""
    with duckdb.connect(str(snapshot_db), read_only=True) as con:
        return {day for (day,) in con.execute(TRADE_DATES_SQL).fetchall()}


def test_calendar_matches_every_zl_session_in_the_snapshot(zl_trade_dates: set[dt.date]) -> None:
    weekdays = {d for d in zl_trade_dates if d.weekday() < 5}
    assert zl_trade_dates - weekdays == STRAY_SUNDAY_BARS
    calendar = set(sessions(min(weekdays), max(weekdays)).date)
    assert len(weekdays) > 3600
    assert sorted(weekdays - calendar) == []
    assert sorted(calendar - weekdays) == sorted(NO_BARS_IN_SNAPSHOT)


def test_trading_days_skip_weekends_and_cme_holidays() -> None:
    assert add_trading_days(pd.Timestamp("2025-12-24"), 1) == pd.Timestamp("2025-12-26")
    assert add_trading_days(pd.Timestamp("2025-04-17"), 1) == pd.Timestamp("2025-04-21")
    assert add_trading_days(pd.Timestamp("2024-12-31"), 5) == pd.Timestamp("2025-01-08")
    assert add_trading_days(pd.Timestamp("2025-06-18"), 1) == pd.Timestamp("2025-06-20")
    assert add_trading_days(pd.Timestamp("2025-06-18"), 0) == pd.Timestamp("2025-06-18")


def test_mourning_days_and_saturday_new_year_are_grain_sessions() -> None:
    # National day of mourning: CME closed agriculture early (12:15 CT), it did not close it.
    assert add_trading_days(pd.Timestamp("2025-01-08"), 1) == pd.Timestamp("2025-01-09")
    # New Year on a Saturday is not observed on the Friday (2021-12-31 is a session above).
    assert add_trading_days(pd.Timestamp("2027-12-30"), 1) == pd.Timestamp("2027-12-31")
