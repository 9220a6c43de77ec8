"""Constructed walk-forward rows for the risk tests (no real sample has a known distribution).

CONSTRUCTED: outcomes are drawn from a known normal distribution of the log return, so the
true quantiles are known and calibration can be checked against them. Nothing here is data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from risk_constructed import CLOSE, SIGMA, constructed_outcomes
from scipy.stats import norm

from cbi.risk import LEVELS


@pytest.fixture
def known_distribution():
    """A function: CONSTRUCTED distribution rows at the true quantiles of the known normal
    (shifted by `shift` standard deviations: a planted miscalibration), with the actual."""

    def make(
        horizon: str = "1m", days: int = 21, shift: float = 0.0, overlapping: bool = False
    ) -> pd.DataFrame:
        frame = constructed_outcomes(days, overlapping)
        sd = SIGMA * np.sqrt(days)
        rows = []
        for level in LEVELS:
            rows.append(
                pd.DataFrame(
                    {
                        "as_of_date": frame["as_of_date"],
                        "horizon": horizon,
                        "target_date": frame["target_date"],
                        "quantile": level,
                        "price_cents_per_lb": CLOSE * np.exp(sd * (norm.ppf(level) + shift)),
                        "actual": CLOSE * np.exp(frame["y"]),
                    }
                )
            )
        return pd.concat(rows, ignore_index=True)

    return make
