"""Time-series member: a saved fold fit and its forecasts are reused by the next run.

GIVEN a constructed roll-free return series (synthetic, not market data) and one ETS fit per
fold, WHEN the member runs again on the same data and then with one more trading day
(refit when_due), THEN the first rerun is identical and reuses every fit, and the new day is
forecast by the saved fit while the earlier rows stay exactly as they were.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cbi.training.members.timeseries import ts_predictions
from cbi.training.profiles import WalkForwardPlan, get_profile
from cbi.training.registry import read_records


def constructed_series(days: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """constructed_core / constructed_targets: random daily log returns on business days."""
    dates = pd.bdate_range("2020-06-01", periods=days)
    returns = np.random.default_rng(5).normal(0, 0.01, days)
    core = pd.DataFrame({"trade_date": dates, "zl_log_return_1d": returns})
    targets = pd.DataFrame(
        {"trade_date": dates, "horizon": "1w", "horizon_days": 5, "target_date": dates}
    )
    return core, targets


def test_ts_fits_and_forecasts_are_reused_and_a_new_day_is_forecast_by_the_saved_fit():
    plan = WalkForwardPlan(get_profile("fast"), start="2021-06-01", refit="when_due")
    core, targets = constructed_series(275)
    first = ts_predictions(targets, core, plan)
    assert read_records(first["fit_id"].unique().tolist())["reused"].eq(False).all()
    # WHEN the same data comes again: the same rows, every fit reused
    again = ts_predictions(targets, core, plan)
    pd.testing.assert_frame_equal(again, first)
    assert read_records(again["fit_id"].unique().tolist())["reused"].all()
    # WHEN one more trading day arrives: one more row, from the same (reused) fit
    core, targets = constructed_series(276)
    daily = ts_predictions(targets, core, plan)
    pd.testing.assert_frame_equal(daily.iloc[:-1], first)
    assert daily["as_of_date"].iloc[-1] == core["trade_date"].iloc[-1]
    assert daily["fit_id"].iloc[-1] == first["fit_id"].iloc[-1]
