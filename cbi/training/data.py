"""Turn the feature marts and `marts.zl_targets` into per-horizon training panels and facts.

Models learn the volatility-standardised log return y = r / (sigma_t x sqrt(h)), where sigma_t
is the EWMA daily volatility known at the as-of close; predictions are scaled back to log
returns before they leave the library.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

KEY_COLUMNS = ("trade_date",)
EWMA_LAMBDA = 0.94  # RiskMetrics daily decay


def horizons(targets: pd.DataFrame) -> list[tuple[str, int]]:
    """(horizon, horizon_days) pairs from `marts.zl_targets`, shortest first: the one source."""
    pairs = targets[["horizon", "horizon_days"]].drop_duplicates().sort_values("horizon_days")
    return [(str(h), int(d)) for h, d in pairs.itertuples(index=False)]


def feature_columns(frame: pd.DataFrame) -> list[str]:
    """Numeric feature columns: not the key, not `*_available_at` metadata."""
    return [
        c
        for c in frame.columns
        if c not in KEY_COLUMNS
        and not c.endswith("_available_at")
        and pd.api.types.is_numeric_dtype(frame[c])
        and not pd.api.types.is_bool_dtype(frame[c])
    ]


def ewma_vol(daily_log_returns: pd.Series, lam: float = EWMA_LAMBDA) -> pd.Series:
    """EWMA daily volatility known at each date's close (uses that day's return, none later)."""
    squared = daily_log_returns.fillna(0.0) ** 2
    variance = squared.ewm(alpha=1.0 - lam, adjust=False, min_periods=20).mean()
    return np.sqrt(variance)


def daily_sigma(core: pd.DataFrame) -> pd.DataFrame:
    """trade_date and sigma_daily (EWMA vol of the roll-free ZL daily log return)."""
    ordered = core.sort_values("trade_date")
    return pd.DataFrame(
        {
            "trade_date": pd.to_datetime(ordered["trade_date"]).to_numpy(),
            "sigma_daily": ewma_vol(ordered["zl_log_return_1d"].reset_index(drop=True)).to_numpy(),
        }
    )


def horizon_rows(targets: pd.DataFrame, horizon: str, sigma: pd.DataFrame) -> pd.DataFrame:
    """One horizon's target rows, in date order, with sigma, scale and the standardised y."""
    rows = targets[targets["horizon"] == horizon].copy()
    rows["trade_date"] = pd.to_datetime(rows["trade_date"])
    rows["target_date"] = pd.to_datetime(rows["target_date"])
    rows = rows.merge(sigma, on="trade_date", how="left").sort_values("trade_date")
    days = int(rows["horizon_days"].iloc[0])
    rows["scale"] = rows["sigma_daily"] * np.sqrt(days)
    rows["y"] = rows["target_log_return"] / rows["scale"]
    return rows.reset_index(drop=True)


def join_features(rows: pd.DataFrame, *blocks: pd.DataFrame) -> tuple[pd.DataFrame, list[str]]:
    """Left-join feature blocks on trade_date; returns the panel and its feature names.

    A column already present from an earlier block (e.g. the core block) is kept once.
    """
    panel = rows
    names: list[str] = []
    for block in blocks:
        block = block.copy()
        block["trade_date"] = pd.to_datetime(block["trade_date"])
        new = [c for c in feature_columns(block) if c not in names and c not in panel.columns]
        panel = panel.merge(block[["trade_date", *new]], on="trade_date", how="left")
        names.extend(new)
    panel[names] = panel[names].astype("float64")
    return panel, names


def realised(targets: pd.DataFrame) -> pd.DataFrame:
    """as_of_date, horizon, close, actual (cents/lb), target_date, target_log_return."""
    frame = targets.rename(
        columns={
            "trade_date": "as_of_date",
            "close_cents_per_lb": "close",
            "target_close_cents_per_lb": "actual",
        }
    )[["as_of_date", "horizon", "target_date", "close", "actual", "target_log_return"]].copy()
    frame["as_of_date"] = pd.to_datetime(frame["as_of_date"])
    frame["target_date"] = pd.to_datetime(frame["target_date"])
    return frame
