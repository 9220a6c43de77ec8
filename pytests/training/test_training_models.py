"""One tiny AutoGluon fit, conformal bands from the past only, and the live forecast rows."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from cbi.training.ensemble import calibrate
from cbi.training.forecast import latest_forecast
from cbi.training.learners import fit_autogluon
from cbi.training.profiles import get_profile
from cbi.training.splitter import time_ordered_tuning_split


def test_tiny_autogluon_quantile_fit_predicts_three_levels(constructed_panel, tmp_path):
    train = constructed_panel.dropna(subset=["y"]).iloc[:400]
    fit, tune = time_ordered_tuning_split(train)
    predict = fit_autogluon(
        fit, tune, ["f1", "f2"], {"GBM": {"num_boost_round": 20}}, 30, tmp_path / "ag", 1
    )
    values = predict(constructed_panel.iloc[500:510])
    assert values.shape == (10, 3)
    assert np.isfinite(values).all()


def test_calibration_uses_only_outcomes_known_at_each_date():
    dates = pd.bdate_range("2020-01-01", periods=120)
    # constructed_member: a too-narrow band around zero, outcomes of +-0.05
    frame = pd.DataFrame(
        {
            "as_of_date": dates,
            "target_date": dates + pd.offsets.BDay(5),
            "p10": -0.01,
            "p50": 0.0,
            "p90": 0.01,
            "target_log_return": np.resize([0.05, -0.05], 120),
        }
    )
    out = calibrate(frame, window=252, min_history=10)
    assert (out["p90"].iloc[:14] == 0.01).all()  # fewer than 10 outcomes known yet
    assert out["p90"].iloc[-1] > 0.04
    later = frame.copy()
    later.loc[100:, "target_log_return"] = 9.0
    changed = calibrate(later, window=252, min_history=10)
    bands = ["p10", "p90"]
    pd.testing.assert_frame_equal(out.loc[:104, bands], changed.loc[:104, bands])


def test_latest_forecast_has_every_horizon_with_calendar_target_dates():
    as_of = pd.Timestamp("2024-12-31")
    # constructed_backtest: the ensemble and one bucket at the last date, targets unknown
    rows = []
    for horizon in ("1w", "6m"):
        for member, p50 in (("ensemble", 40.0), ("bucket_crush", 41.0), ("meta_l1", 40.5)):
            rows.append(
                {
                    "as_of_date": as_of,
                    "horizon": horizon,
                    "target_date": pd.NaT,
                    "member": member,
                    "p10": 38.0,
                    "p50": p50,
                    "p90": 42.0,
                    "actual": np.nan,
                    "close": 40.0,
                    "l2_weight": 0.5 if member == "meta_l1" else None,
                }
            )
    meta = pd.DataFrame(
        {"as_of_date": [as_of, as_of], "horizon": ["1w", "6m"], "contrib_crush": [0.01, -0.02]}
    )
    targets = pd.DataFrame({"horizon": ["1w", "6m"], "horizon_days": [5, 126]})
    out = latest_forecast(pd.DataFrame(rows), meta, targets, get_profile("fast")).set_index(
        "horizon"
    )
    assert out.loc["1w", "target_date"] == pd.Timestamp("2025-01-08")
    assert json.loads(out.loc["1w", "bucket_contributions_cents"]) == {"crush": 0.2}
    assert json.loads(out.loc["6m", "bucket_views_cents"]) == {"crush": 1.0}
    assert (out["p10"] <= out["p50"]).all() and (out["p50"] <= out["p90"]).all()
