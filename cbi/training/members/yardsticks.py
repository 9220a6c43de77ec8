"""Random-walk yardsticks: RW-empirical and RW-vol, re-estimated every day from the past only.

Both work on one horizon's rows of `marts.zl_targets` in trade-date order. The h-day return of
row i becomes known on its target date, which is row i + h; so shifting the return column by h
rows gives, at each as-of date, exactly the returns already realised by that date. They are
the benchmark every other member is scored against (L2 weights, `cbi.record`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cbi.training import QUANTILE_COLUMNS, QUANTILES
from cbi.training.data import daily_sigma, horizon_rows, horizons
from cbi.training.tables import PREDICTION_COLUMNS

TRAILING_DAYS = 756  # three years of trading days
MIN_HISTORY_DAYS = 250
YARDSTICKS = ("rw_empirical", "rw_vol")


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


METHODS = dict(zip(YARDSTICKS, (rw_empirical, rw_vol), strict=True))


def yardstick_predictions(targets: pd.DataFrame, core: pd.DataFrame) -> pd.DataFrame:
    """RW-empirical and RW-vol for every date with three years of history, every horizon.

    They are re-estimated each day from returns realised by that day's close, so their cutoff
    is the as-of date itself.
    """
    sigma = daily_sigma(core)
    out = []
    for horizon, days in horizons(targets):
        rows = horizon_rows(targets, horizon, sigma)
        for member, method in METHODS.items():
            preds = method(rows, days).dropna()
            preds["target_date"] = (
                rows.set_index("trade_date").loc[preds["trade_date"], "target_date"].to_numpy()
            )
            preds = preds.rename(columns={"trade_date": "as_of_date"})
            preds["horizon"] = horizon
            preds["member"] = member
            preds["fold"] = -1
            preds["cutoff"] = preds["as_of_date"]
            preds["fit_id"] = None
            out.append(preds[[*PREDICTION_COLUMNS, *QUANTILE_COLUMNS]])
    return pd.concat(out, ignore_index=True)
