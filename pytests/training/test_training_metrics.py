"""Scores against hand-computed values, yardsticks past-only, CME calendar, L2 ordering."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cbi.training.calendar import add_trading_days
from cbi.training.ensemble import combine
from cbi.training.metrics import pinball, score
from cbi.training.yardsticks import rw_empirical


def test_pinball_and_scores_match_hand_computation():
    assert pinball(np.array([10.0]), np.array([8.0]), 0.1)[0] == pytest.approx(0.2)
    assert pinball(np.array([10.0]), np.array([12.0]), 0.1)[0] == pytest.approx(1.8)
    # constructed_rows: two forecasts, actual 10 and 14, band 8..12 around P50 10.
    rows = pd.DataFrame(
        {
            "p10": [8.0, 8.0],
            "p50": [10.0, 10.0],
            "p90": [12.0, 12.0],
            "actual": [10.0, 14.0],
            "close": [9.0, 9.0],
        }
    )
    result = score(rows)
    # row 1: (0.2 + 0 + 0.2) / 3; row 2: (0.1 x 6 + 0.5 x 4 + 0.9 x 2) / 3
    assert result["pinball"] == pytest.approx(((0.4 / 3) + (4.4 / 3)) / 2)
    assert result["coverage_80"] == pytest.approx(0.5)
    assert result["mae_p50"] == pytest.approx(2.0)
    assert result["hit_rate"] == pytest.approx(1.0)
    assert result["n"] == 2


def test_rw_empirical_ignores_returns_not_yet_realised():
    rng = np.random.default_rng(3)
    # constructed_rows: synthetic h=5 returns on business days
    rows = pd.DataFrame(
        {
            "trade_date": pd.bdate_range("2015-01-01", periods=900),
            "target_log_return": rng.normal(0, 0.02, 900),
        }
    )
    base = rw_empirical(rows, 5)
    changed = rows.copy()
    changed.loc[700:, "target_log_return"] = 5.0  # outcomes of rows 700+ realise at 705+
    after = rw_empirical(changed, 5)
    pd.testing.assert_frame_equal(base.iloc[:705], after.iloc[:705])
    assert not base.iloc[705:].equals(after.iloc[705:])


def test_trading_days_skip_weekends_and_cme_holidays():
    assert add_trading_days(pd.Timestamp("2025-12-24"), 1) == pd.Timestamp("2025-12-26")
    assert add_trading_days(pd.Timestamp("2025-04-17"), 1) == pd.Timestamp("2025-04-21")
    assert add_trading_days(pd.Timestamp("2024-12-31"), 5) == pd.Timestamp("2025-01-08")


def test_l2_prefers_the_member_with_lower_past_loss_and_keeps_order():
    dates = pd.bdate_range("2020-01-01", periods=200)
    rng = np.random.default_rng(5)
    y = rng.normal(0, 0.01, len(dates))
    frames = []
    for member, spread in (("rw_vol", 0.013), ("rw_empirical", 0.02), ("noisy", 0.05)):
        frames.append(
            pd.DataFrame(
                {
                    "as_of_date": dates,
                    "target_date": dates + pd.offsets.BDay(5),
                    "horizon": "1w",
                    "member": member,
                    "p10": -spread,
                    "p50": 0.0,
                    "p90": spread,
                    "target_log_return": y,
                }
            )
        )
    ensemble, weights = combine(
        pd.concat(frames), windows={"1w": 100}, min_history=20, horizon_days={"1w": 1}
    )
    last = weights[weights["as_of_date"] == dates[-1]].set_index("member")["weight"]
    assert last["rw_vol"] > last["rw_empirical"]
    assert last.get("noisy", 0.0) < 0.01
    assert (ensemble["p10"] <= ensemble["p50"]).all() and (ensemble["p50"] <= ensemble["p90"]).all()
    early = weights[weights["as_of_date"] == dates[0]]
    assert set(early["member"]) == {"rw_vol", "rw_empirical"}
