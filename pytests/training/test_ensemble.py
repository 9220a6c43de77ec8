"""L2 evidence weights and conformal bands: past outcomes only, thin evidence stays near equal."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cbi.training.ensemble import calibrate, combine, evidence_window

MEMBERS = (("rw_vol", 0.0, 0.013), ("rw_empirical", 0.0, 0.03), ("model", 0.01, 0.013))


def constructed_members(
    days: int,
    periods: int = 300,
    members: tuple[tuple[str, float, float], ...] = MEMBERS,
    horizon: str = "h",
    seed: int = 11,
) -> pd.DataFrame:
    """constructed_members: synthetic N(0, 1 %) outcomes and constant bands (member, centre,
    half-width). By default rw_vol's band fits, rw_empirical's is too wide and `model` is
    biased, so their past losses differ by a fixed, known ordering."""
    dates = pd.bdate_range("2020-01-01", periods=periods)
    y = np.random.default_rng(seed).normal(0, 0.01, periods)
    frames = []
    for member, centre, spread in members:
        frames.append(
            pd.DataFrame(
                {
                    "as_of_date": dates,
                    "target_date": dates + pd.offsets.BDay(days),
                    "horizon": horizon,
                    "member": member,
                    "p10": centre - spread,
                    "p50": centre,
                    "p90": centre + spread,
                    "target_log_return": y,
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


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


def test_l2_prefers_the_member_with_lower_past_loss_and_keeps_order():
    spreads = (("rw_vol", 0.0, 0.013), ("rw_empirical", 0.0, 0.02), ("noisy", 0.0, 0.05))
    members = constructed_members(5, periods=200, members=spreads, horizon="1w", seed=5)
    ensemble, weights = combine(
        members, windows={"1w": 100}, min_history=20, horizon_days={"1w": 1}
    )
    dates = members["as_of_date"].drop_duplicates()
    last = weights[weights["as_of_date"] == dates.iloc[-1]].set_index("member")["weight"]
    assert last["rw_vol"] > last["rw_empirical"]
    assert last.get("noisy", 0.0) < 0.01
    assert (ensemble["p10"] <= ensemble["p50"]).all() and (ensemble["p50"] <= ensemble["p90"]).all()
    early = weights[weights["as_of_date"] == dates.iloc[0]]
    assert set(early["member"]) == {"rw_vol", "rw_empirical"}


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
