"""L2 evidence weights and conformal bands: past outcomes only, thin evidence stays near equal."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from cbi.training import QUANTILE_COLUMNS
from cbi.training.ensemble import (
    band_scales,
    calibrate,
    calibrated_ensemble,
    calibrated_members,
    combine,
)
from cbi.training.evidence import evidence_window

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
                    "scale": 1.0,
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


def constructed_band(
    dates: pd.DatetimeIndex, days: int, half_width: float, outcomes, scale=1.0
) -> pd.DataFrame:
    """constructed_band: one member's fixed band around 0 and synthetic outcomes h days on."""
    return pd.DataFrame(
        {
            "as_of_date": dates,
            "target_date": dates + pd.offsets.BDay(days),
            "p10": -half_width,
            "p50": 0.0,
            "p90": half_width,
            "target_log_return": outcomes,
            "scale": scale,
        }
    )


def test_a_volatility_scaled_band_narrows_when_volatility_falls():
    # GIVEN constructed outcomes whose size follows the as-of volatility (3 % a day for a year,
    # then 1 %) and a member with a fixed, too-narrow band
    dates = pd.bdate_range("2020-01-01", periods=600)
    scale = np.where(np.arange(600) < 300, 0.03, 0.01)
    y = np.random.default_rng(3).normal(0, 1, 600) * scale
    frame = constructed_band(dates, 1, 0.001, y, scale)

    def calm_coverage(bands: pd.DataFrame) -> float:
        calm = bands.iloc[305:425]  # the first months of calm, the turbulent year in the window
        inside = calm["target_log_return"].between(calm["p10"], calm["p90"])
        return float(inside.mean())

    # WHEN calibrated on raw scores and on scores divided by the volatility
    raw = calibrate(frame.assign(scale=1.0), window=252, min_history=20)
    scaled = calibrate(frame, window=252, min_history=20)
    # THEN in the calm year the raw band (a trailing quantile of turbulent errors) covers
    # far more than 80 %, the scaled one about 80 %
    assert calm_coverage(raw) > 0.95
    assert 0.72 <= calm_coverage(scaled) <= 0.88


@pytest.mark.parametrize(
    ("weighting", "expected"),
    [
        ("equal", {"rw_vol": 1 / 3, "rw_empirical": 1 / 3, "model": 1 / 3}),
        ("yardsticks", {"rw_vol": 0.5, "rw_empirical": 0.5}),
    ],
)
def test_member_weighting_schemes(weighting: str, expected: dict[str, float]) -> None:
    _, weights = combine(
        constructed_members(5),
        {"h": 250},
        min_history=20,
        horizon_days={"h": 5},
        weighting=weighting,
    )
    last = weights[weights["as_of_date"] == weights["as_of_date"].max()]
    assert last.set_index("member")["weight"].to_dict() == pytest.approx(expected)


def test_the_yardstick_floor_keeps_the_random_walks_share_of_the_weight() -> None:
    # GIVEN the equal weighting (model, rw_vol, rw_empirical a third each) floored at 50 %,
    # THEN the walks hold (1 - 0.5) x 2/3 + 0.5 together, equally, and the weights add to 1
    _, weights = combine(
        constructed_members(5),
        {"h": 250},
        min_history=20,
        horizon_days={"h": 5},
        weighting="equal",
        yardstick_floor=0.5,
    )
    last = weights[weights["as_of_date"] == weights["as_of_date"].max()]
    expected = {"rw_vol": 5 / 12, "rw_empirical": 5 / 12, "model": 1 / 6}
    assert last.set_index("member")["weight"].to_dict() == pytest.approx(expected)


def test_a_yardstick_floor_outside_0_to_1_is_refused() -> None:
    with pytest.raises(ValueError, match="yardstick_floor must be within 0..1, got 1.5"):
        combine(
            constructed_members(5),
            {"h": 250},
            min_history=20,
            horizon_days={"h": 5},
            yardstick_floor=1.5,
        )


def test_an_unknown_member_weighting_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown member weighting 'best'"):
        combine(
            constructed_members(5),
            {"h": 250},
            min_history=20,
            horizon_days={"h": 5},
            weighting="best",
        )


def test_calibration_uses_only_outcomes_known_at_each_date():
    dates = pd.bdate_range("2020-01-01", periods=120)
    # constructed_member: a too-narrow band around zero, outcomes of +-0.05
    frame = constructed_band(dates, 5, 0.01, np.resize([0.05, -0.05], 120))
    out = calibrate(frame, window=252, min_history=10)
    assert (out["p90"].iloc[:14] == 0.01).all()  # fewer than 10 outcomes known yet
    assert out["p90"].iloc[-1] > 0.04
    later = frame.copy()
    later.loc[100:, "target_log_return"] = 9.0
    changed = calibrate(later, window=252, min_history=10)
    bands = ["p10", "p90"]
    pd.testing.assert_frame_equal(out.loc[:104, bands], changed.loc[:104, bands])


# The backtest assembly of cbi.training.ensemble (assemble_backtest): member bands, L2 weights,
# the ensemble and its last band, on a constructed pool of two horizons.
HORIZON_DAYS = {"1w": 5, "1m": 21}
ASSEMBLY = SimpleNamespace(
    min_history=20,
    ensemble_calibration_window=150,
    independent_outcomes=4,
    calibrate_yardsticks=True,
)


def constructed_pool(periods: int = 500, long_every: int = 0) -> tuple[pd.DataFrame, pd.DataFrame]:
    """constructed_pool: (members, facts) for 1w and 1m on business days: the two yardsticks,
    a biased `lightgbm`, a too-narrow `timeseries` and `meta_l1`, synthetic outcomes. With
    `long_every`, every such row's target date is 40 days out instead of h (target dates not
    in as-of order: what a selection by row position gets wrong)."""
    rng = np.random.default_rng(21)
    dates = pd.bdate_range("2019-01-01", periods=periods)
    members, facts = [], []
    for horizon, days in HORIZON_DAYS.items():
        scale = 0.01 * np.sqrt(days)
        target_dates = dates + pd.offsets.BDay(days)
        if long_every:
            target_dates = target_dates.where(
                np.arange(periods) % long_every != 0, dates + pd.offsets.BDay(40)
            )
        facts.append(
            pd.DataFrame(
                {
                    "as_of_date": dates,
                    "horizon": horizon,
                    "target_date": target_dates,
                    "target_log_return": rng.normal(0, scale, periods),
                    "scale": scale,
                }
            )
        )
        spec = (
            ("rw_vol", 0.0, 1.3),
            ("rw_empirical", 0.0, 2.0),
            ("lightgbm", 0.3, 1.0),
            ("timeseries", 0.0, 0.5),
            ("meta_l1", -0.1, 1.2),
        )
        for member, centre, spread in spec:
            members.append(
                pd.DataFrame(
                    {
                        "as_of_date": dates,
                        "target_date": target_dates,
                        "horizon": horizon,
                        "member": member,
                        "fold": -1 if member.startswith("rw_") else 0,
                        "cutoff": dates[0],
                        "fit_id": None,
                        "p10": (centre - spread) * scale,
                        "p50": centre * scale,
                        "p90": (centre + spread) * scale,
                    }
                )
            )
    return pd.concat(members, ignore_index=True), pd.concat(facts, ignore_index=True)


def assembled(members: pd.DataFrame, facts: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """The assembly's three outputs keyed by what they are: member bands, weights, ensemble."""
    windows = {
        h: evidence_window(120, d, ASSEMBLY.independent_outcomes) for h, d in HORIZON_DAYS.items()
    }
    model_members = members[members["member"] != "meta_l1"]
    meta = members[members["member"] == "meta_l1"]
    pool = calibrated_members(model_members, meta, facts, HORIZON_DAYS, windows, ASSEMBLY)
    ensemble, weights = combine(pool, windows, ASSEMBLY.min_history, HORIZON_DAYS)
    # the optional last band is covered too (profile.ensemble_band)
    ensemble = calibrated_ensemble(ensemble, facts, HORIZON_DAYS, ASSEMBLY)
    keys = ["member", "horizon", "as_of_date"]
    return {
        "member bands": pool[[*keys, *QUANTILE_COLUMNS]],
        "weights": weights[[*keys, "weight", "past_loss"]],
        "ensemble": ensemble[[*keys, *QUANTILE_COLUMNS]],
    }


def raised_after(facts: pd.DataFrame, cut: pd.Timestamp) -> pd.DataFrame:
    """Every outcome realised after `cut` raised by 0.5 (a 65 % price move)."""
    raised = facts.copy()
    later = raised["target_date"] > cut
    raised.loc[later, "target_log_return"] += 0.5
    return raised


def assert_unchanged_up_to(cut: pd.Timestamp, members: pd.DataFrame, facts: pd.DataFrame) -> None:
    before, after = assembled(members, facts), assembled(members, raised_after(facts, cut))
    for name, first in before.items():
        second = after[name]
        up_to = [
            frame[frame["as_of_date"] <= cut].sort_values(["member", "horizon", "as_of_date"])
            for frame in (first, second)
        ]
        assert len(up_to[0]) > 0, name
        pd.testing.assert_frame_equal(*(f.reset_index(drop=True) for f in up_to), obj=name)
        # not vacuous: later rows do move
        later = [frame[frame["as_of_date"] > cut] for frame in (first, second)]
        assert not later[0].reset_index(drop=True).equals(later[1].reset_index(drop=True)), name


@pytest.mark.parametrize("cut", ["2019-09-02", "2020-03-17", "2020-10-30"])
def test_assembly_up_to_t_ignores_every_outcome_realised_after_t(cut: str) -> None:
    # GIVEN the pool and its outcomes, WHEN every outcome realised after T is raised,
    # THEN no member band, L2 weight or ensemble row with as-of <= T changes
    members, facts = constructed_pool()
    assert_unchanged_up_to(pd.Timestamp(cut), members, facts)


def test_past_errors_are_selected_by_target_date_not_row_position() -> None:
    # GIVEN target dates not in as-of order (every 7th row's outcome 40 days out), a row
    # position's prefix would hold outcomes not yet realised; the mask target_date <= as-of
    # does not: raising outcomes after T still changes nothing up to T
    members, facts = constructed_pool(long_every=7)
    assert_unchanged_up_to(pd.Timestamp("2020-03-17"), members, facts)


def test_a_floored_band_scale_never_falls_below_the_usual_volatility() -> None:
    # GIVEN constructed daily returns: two turbulent years (2 %/day), then a calm one (0.5 %)
    dates = pd.bdate_range("2018-01-01", periods=780)
    rng = np.random.default_rng(4)
    returns = rng.normal(0, 1, 780) * np.where(np.arange(780) < 520, 0.02, 0.005)
    core = pd.DataFrame({"trade_date": dates, "zl_log_return_1d": returns})
    facts = pd.DataFrame({"as_of_date": dates, "horizon": "1w"})
    plain = band_scales(facts, core, {"1w": 5}, "volatility")["scale"]
    floored = band_scales(facts, core, {"1w": 5}, "volatility_floor")["scale"]
    # THEN the floor only ever widens, and in the calm year it holds the usual (turbulent) level
    assert (floored.fillna(0) >= plain.fillna(0)).all()
    assert floored.iloc[-1] > 2 * plain.iloc[-1]
    assert band_scales(facts, core, {"1w": 5}, "none")["scale"].eq(1.0).all()
    with pytest.raises(ValueError, match="unknown band_scale 'garch'"):
        band_scales(facts, core, {"1w": 5}, "garch")
