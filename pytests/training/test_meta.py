"""L1 regime bucket weights: exact sums, thin evidence, regimes from training rows only."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from cbi.training.meta import regime_boundaries, regime_weighted_l1
from cbi.training.registry import read_records
from cbi.training.splitter import make_folds


def constructed_l0(periods: int = 1000, days: int = 5) -> tuple[pd.DataFrame, pd.DataFrame]:
    """constructed_l0 / constructed_sigma: synthetic L0 rows of three buckets on business days,
    with alternating 60-day calm (sigma ~1 %) and turbulent (~3 %) spells. crush's P50 is the
    outcome itself in calm spells; the others (and crush when turbulent) are 2 sigma off."""
    dates = pd.bdate_range("2015-01-01", periods=periods)
    rng = np.random.default_rng(3)
    sigma = np.where((np.arange(periods) // 60) % 2 == 0, 0.01, 0.03) * rng.uniform(1, 1.1, periods)
    y = rng.normal(0, 1, periods) * sigma
    frames = []
    for offset, bucket in enumerate(("crush", "energy", "fx")):
        centre = y + (-1) ** offset * 2 * sigma
        if bucket == "crush":
            centre = np.where(sigma < 0.02, y, centre)
        frames.append(
            pd.DataFrame(
                {
                    "bucket": bucket,
                    "as_of_date": dates,
                    "target_date": dates + pd.offsets.BDay(days),
                    "p10": centre - 1.3 * sigma,
                    "p50": centre,
                    "p90": centre + 1.3 * sigma,
                    "target_log_return": y,
                }
            )
        )
    return pd.concat(frames, ignore_index=True), pd.DataFrame(
        {"trade_date": dates, "sigma_daily": sigma}
    )


def run_l1(
    l0: pd.DataFrame,
    sigma: pd.DataFrame,
    window: int = 600,
    min_history: int = 20,
    regimes: int = 2,
):
    folds = make_folds(sigma["trade_date"], "2016-01-01", None, "YS")
    return regime_weighted_l1(
        l0,
        sigma,
        folds,
        horizon="1w",
        horizon_days=5,
        window=window,
        min_history=min_history,
        profile="test",
        regimes=regimes,
    )


def test_l1_weights_are_equal_on_thin_evidence():
    l0, sigma = constructed_l0()
    out = run_l1(l0, sigma, min_history=10_000)  # no regime has enough scored rows
    means = l0.groupby("as_of_date")[["p10", "p50", "p90"]].mean()
    np.testing.assert_allclose(
        out[["p10", "p50", "p90"]].to_numpy(), means.loc[out["as_of_date"]].to_numpy()
    )


def test_l1_concentrates_on_the_bucket_consistently_better_in_one_regime():
    l0, sigma = constructed_l0()
    out = run_l1(l0, sigma)
    learned = out[out["fit_id"].notna()]
    calm = learned[learned["regime"] == 0]
    crush = l0[l0["bucket"] == "crush"].set_index("as_of_date")["p50"]
    np.testing.assert_allclose(calm["p50"], crush.loc[calm["as_of_date"]], atol=1e-4)
    records = read_records(learned["fit_id"].unique().tolist())
    for path in records["artifact_path"]:
        weights = json.loads((Path(path) / "l1_weights.json").read_text())["weights"]
        assert weights["0"]["crush"] > 0.99
        # in turbulent spells crush is no better (only calm rows near the median boundary
        # favour it), so the high-volatility weights stay far from concentrated
        assert max(weights["1"].values()) < 0.9


def test_one_regime_learns_one_set_of_weights_for_every_day():
    # GIVEN crush better in calm spells only, WHEN L1 learns with one regime
    l0, sigma = constructed_l0()
    out = run_l1(l0, sigma, regimes=1)
    learned = out[out["fit_id"].notna()]
    # THEN every day is regime 0: no volatility boundary, one set of weights per fit
    assert (learned["regime"] == 0).all()
    for path in read_records(learned["fit_id"].unique().tolist())["artifact_path"]:
        fitted = json.loads((Path(path) / "l1_weights.json").read_text())
        assert fitted["regime_boundaries"] == [] and set(fitted["weights"]) == {"0"}


def test_l1_contributions_add_up_to_p50_and_quantiles_stay_ordered():
    l0, sigma = constructed_l0()
    out = run_l1(l0, sigma)
    total = out.filter(like="contrib_").sum(axis=1)
    np.testing.assert_allclose(total.to_numpy(), out["p50"].to_numpy(), atol=1e-12)
    assert (out["p10"] <= out["p50"]).all() and (out["p50"] <= out["p90"]).all()
    assert (out["as_of_date"] > out["cutoff"]).all()


def test_l1_predictions_ignore_outcomes_realised_after_their_cutoff():
    l0, sigma = constructed_l0()
    out = run_l1(l0, sigma).set_index("as_of_date")
    cut = pd.Timestamp("2017-06-01")
    changed = l0.copy()
    changed.loc[changed["target_date"] > cut, "target_log_return"] = 0.5
    changed.loc[changed["as_of_date"] > cut, ["p10", "p50", "p90"]] += 0.1
    out2 = run_l1(changed, sigma).set_index("as_of_date")
    fixed = out[out["cutoff"] <= cut].index
    pd.testing.assert_frame_equal(
        out.loc[fixed, ["regime", "fit_id"]], out2.loc[fixed, ["regime", "fit_id"]]
    )
    before = fixed[fixed <= cut]
    pd.testing.assert_frame_equal(out.loc[before], out2.loc[before])


def test_l1_regime_boundaries_use_training_rows_only_and_fits_are_registered():
    l0, sigma = constructed_l0()
    out = run_l1(l0, sigma)
    later = sigma.copy()
    later.loc[later["trade_date"] > pd.Timestamp("2017-01-01"), "sigma_daily"] *= 10
    regimes = run_l1(l0, later).set_index("as_of_date")["regime"]
    early = out[out["as_of_date"] <= pd.Timestamp("2017-01-01")]
    assert (regimes.loc[early["as_of_date"]].to_numpy() == early["regime"].to_numpy()).all()
    assert regime_boundaries(np.array([1.0, 2.0, 3.0, 4.0])).tolist() == [2.5]
    records = read_records(out["fit_id"].dropna().tolist())
    assert (records["level"] == "L1").all()
    assert (pd.to_datetime(records["train_target_end"]) <= pd.to_datetime(records["cutoff"])).all()
    # an L1 fold before any L0 outcome is known fits nothing: equal weights, no fit_id
    fresh = run_l1(l0[l0["as_of_date"] >= pd.Timestamp("2016-01-01")], sigma)
    assert fresh.loc[fresh["fold"] == 0, "fit_id"].isna().all()
    assert fresh.loc[fresh["fold"] > 0, "fit_id"].notna().all()


def test_l1_weights_saved_by_an_earlier_run_are_read_back_exactly():
    l0, sigma = constructed_l0()
    first = run_l1(l0, sigma)
    again = run_l1(l0, sigma)
    pd.testing.assert_frame_equal(again, first)
    records = read_records(again["fit_id"].dropna().tolist())
    assert records["reused"].all() and (records["fitted_at"] != "").all()
