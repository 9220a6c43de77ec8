"""CONSTRUCTED inputs for the driver attribution (no real sample has a known answer): daily
returns drawn at random, ZL built as half heating oil plus noise. Not market data."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cbi.drivers.attribution import FACTORS, PANEL, ZL_CLOSE, ZL_RETURN

DAYS = 2000
DAILY_SD = 0.015
STALE_FROM = 1400  # the D4 RIN has no value from this day on


def constructed_inputs(seed: int = 7, days: int = DAYS) -> pd.DataFrame:
    """The columns `attribution.input_frame` returns, constructed: every futures factor a
    random roll-free return (fresh, age 0); ZL's return = 0.5 x heating oil's + independent
    noise of the same variance as that half, so half of ZL's variance is Energy's. The D4 RIN
    is a random walk that goes stale (null) from day STALE_FROM, the dollar a random walk
    throughout; export sales, the 2-year yield, VIX and news have no data (null)."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame({"trade_date": pd.bdate_range("2019-01-01", periods=days)})
    for factor in FACTORS:
        if factor.relation == PANEL:
            frame[factor.column] = rng.normal(0, DAILY_SD, days)
            frame[factor.age_column] = 0
        else:
            frame[factor.column] = np.nan
    frame["broad_dollar_index"] = 120 * np.exp(np.cumsum(rng.normal(0, 0.004, days)))
    rin = 1.2 * np.exp(np.cumsum(rng.normal(0, 0.03, days)))
    frame["d4_rin_price_usd_per_rin"] = np.where(np.arange(days) < STALE_FROM, rin, np.nan)
    half_ho = 0.5 * frame["ho_log_return_1d_roll_free"]
    frame[ZL_RETURN] = half_ho + rng.normal(0, 0.5 * DAILY_SD, days)
    frame[ZL_CLOSE] = 45 * np.exp(frame[ZL_RETURN].cumsum())
    frame["zl_age_days"] = 0
    return frame
