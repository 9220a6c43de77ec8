"""CONSTRUCTED outcomes for the risk tests (no real sample has a known distribution).

CONSTRUCTED: realised log returns are drawn from a known normal distribution, so the true
quantiles are known and calibration can be checked against them. Nothing here is data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

CLOSE = 40.0
SIGMA = 0.02  # constructed daily volatility of the log price


def constructed_outcomes(
    days: int, overlapping: bool = False, start: str = "2015-01-01", end: str = "2024-12-31"
) -> pd.DataFrame:
    """CONSTRUCTED as-of dates (business days), target dates `days` rows later, and realised
    log returns from N(0, SIGMA x sqrt(days)): independent draws, or (`overlapping`) the
    `days`-day changes of one random walk, which overlap like real daily h-day outcomes."""
    dates = pd.bdate_range(start, end)
    rng = np.random.default_rng(1)
    if overlapping:
        walk = np.cumsum(rng.normal(0.0, SIGMA, len(dates) + days))
        y = walk[days:][: len(dates)] - walk[: len(dates)]
    else:
        y = rng.normal(0.0, SIGMA * np.sqrt(days), len(dates))
    targets = pd.Series(dates).shift(-days)
    return pd.DataFrame({"as_of_date": dates, "target_date": targets, "y": y}).dropna()
