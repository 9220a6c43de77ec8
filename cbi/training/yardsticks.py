"""Random-walk yardsticks: RW-empirical and RW-vol, re-estimated every day from the past only.

Both work on one horizon's rows of `marts.zl_targets` in trade-date order. The h-day return of
row i becomes known on its target date, which is row i + h; so shifting the return column by h
rows gives, at each as-of date, exactly the returns already realised by that date.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cbi.training import QUANTILE_COLUMNS, QUANTILES

TRAILING_DAYS = 756  # three years of trading days
MIN_HISTORY_DAYS = 250
EWMA_LAMBDA = 0.94  # RiskMetrics daily decay


def ewma_vol(daily_log_returns: pd.Series, lam: float = EWMA_LAMBDA) -> pd.Series:
    """EWMA daily volatility known at each date's close (uses that day's return, none later)."""
    squared = daily_log_returns.fillna(0.0) ** 2
    variance = squared.ewm(alpha=1.0 - lam, adjust=False, min_periods=20).mean()
    return np.sqrt(variance)


def _realised_by_asof(returns: pd.Series, horizon_days: int) -> pd.Series:
    """At each row, the h-day return whose target date is that row's date (known at its close)."""
    return returns.shift(horizon_days)


def rw_empirical(rows: pd.DataFrame, horizon_days: int) -> pd.DataFrame:
    """Quantiles of the trailing three years of realised h-day log returns.

    `rows`: one horizon, sorted by trade_date, columns trade_date and target_log_return.
    Returns trade_date, p10, p50, p90 (log returns).
    """
    realised = _realised_by_asof(rows["target_log_return"], horizon_days)
    rolling = realised.rolling(TRAILING_DAYS, min_periods=MIN_HISTORY_DAYS)
    out = pd.DataFrame({"trade_date": rows["trade_date"].to_numpy()})
    for column, q in zip(QUANTILE_COLUMNS, QUANTILES, strict=True):
        out[column] = rolling.quantile(q).to_numpy()
    return out


def rw_vol(rows: pd.DataFrame, horizon_days: int) -> pd.DataFrame:
    """Trailing quantiles of vol-standardised h-day returns x today's EWMA vol x sqrt(h).

    `rows` also needs `sigma_daily`: the EWMA daily volatility at each row's close.
    """
    scale = rows["sigma_daily"] * np.sqrt(horizon_days)
    standardised = rows["target_log_return"] / scale
    realised = _realised_by_asof(standardised, horizon_days)
    rolling = realised.rolling(TRAILING_DAYS, min_periods=MIN_HISTORY_DAYS)
    out = pd.DataFrame({"trade_date": rows["trade_date"].to_numpy()})
    for column, q in zip(QUANTILE_COLUMNS, QUANTILES, strict=True):
        out[column] = (rolling.quantile(q) * scale).to_numpy()
    return out
