"""The live forecast rows: every horizon, target dates past the data, bucket drivers."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from cbi.training.forecast import latest_forecast
from cbi.training.profiles import get_profile


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
