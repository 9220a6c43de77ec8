"""L1 bucket average and L2 evidence weights: exact sums, thin-evidence shrinkage, past only."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cbi.training.ensemble import combine, evidence_window
from cbi.training.meta import bucket_average


def constructed_members(days: int, periods: int = 300) -> pd.DataFrame:
    """constructed_members: synthetic N(0, 1 %) outcomes; rw_vol's band fits, rw_empirical's is
    too wide and `model` is biased, so their past losses differ by a fixed, known ordering."""
    dates = pd.bdate_range("2020-01-01", periods=periods)
    y = np.random.default_rng(11).normal(0, 0.01, periods)
    frames = []
    for member, centre, spread in (
        ("rw_vol", 0.0, 0.013),
        ("rw_empirical", 0.0, 0.03),
        ("model", 0.01, 0.013),
    ):
        frames.append(
            pd.DataFrame(
                {
                    "as_of_date": dates,
                    "target_date": dates + pd.offsets.BDay(days),
                    "horizon": "h",
                    "member": member,
                    "p10": centre - spread,
                    "p50": centre,
                    "p90": centre + spread,
                    "target_log_return": y,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def test_bucket_average_is_the_mean_and_contributions_add_up_to_p50():
    # constructed_l0: two buckets on day 1, only one on day 2 (its fold was skipped elsewhere)
    l0 = pd.DataFrame(
        {
            "bucket": ["crush", "energy", "crush"],
            "horizon": ["1m", "1m", "1m"],
            "as_of_date": pd.to_datetime(["2024-01-02", "2024-01-02", "2024-01-03"]),
            "target_date": pd.to_datetime(["2024-02-01", "2024-02-01", "2024-02-02"]),
            "fold": [3, 3, 3],
            "cutoff": pd.to_datetime(["2023-12-29"] * 3),
            "p10": [-0.04, -0.02, -0.05],
            "p50": [0.01, 0.03, -0.01],
            "p90": [0.05, 0.06, 0.03],
        }
    )
    out = bucket_average(l0).set_index("as_of_date")
    first = out.loc[pd.Timestamp("2024-01-02")]
    assert first[["p10", "p50", "p90"]].tolist() == pytest.approx([-0.03, 0.02, 0.055])
    assert first["contrib_crush"] == pytest.approx(0.005)
    assert first["contrib_energy"] == pytest.approx(0.015)
    contrib = out.filter(like="contrib_").sum(axis=1, min_count=1)
    np.testing.assert_allclose(contrib.to_numpy(), out["p50"].to_numpy())
    assert (out["p10"] <= out["p50"]).all() and (out["p50"] <= out["p90"]).all()
    assert (out.index > out["cutoff"]).all()


def test_evidence_window_holds_enough_independent_outcomes():
    assert evidence_window(252, 5, 20) == 252
    assert evidence_window(252, 126, 20) == 2520


def test_l2_weights_stay_near_equal_on_thin_evidence_and_concentrate_on_strong():
    def last_weights(days: int) -> pd.Series:
        _, weights = combine(
            constructed_members(days), {"h": 250}, min_history=20, horizon_days={"h": days}
        )
        last = weights[weights["as_of_date"] == weights["as_of_date"].max()]
        return last.set_index("member")["weight"]

    strong, thin = last_weights(1), last_weights(60)
    assert strong["rw_vol"] > 0.95
    assert thin.min() > 0.1  # ~4 independent outcomes: no member is written off
    assert thin["rw_vol"] == thin.max()


def test_l2_weights_at_a_date_ignore_outcomes_realised_after_it():
    members = constructed_members(5)
    ensemble, weights = combine(members, {"h": 250}, min_history=20, horizon_days={"h": 5})
    cut = pd.Timestamp("2020-09-01")
    changed = members.copy()
    changed.loc[changed["target_date"] > cut, "target_log_return"] = 0.5
    ensemble2, weights2 = combine(changed, {"h": 250}, min_history=20, horizon_days={"h": 5})
    for first, second in ((weights, weights2), (ensemble, ensemble2)):
        pd.testing.assert_frame_equal(
            first[first["as_of_date"] <= cut].reset_index(drop=True),
            second[second["as_of_date"] <= cut].reset_index(drop=True),
        )
    assert not weights.equals(weights2)
