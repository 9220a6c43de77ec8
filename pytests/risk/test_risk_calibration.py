"""Calibration check on CONSTRUCTED outcomes from a known normal distribution (conftest)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cbi.risk.calibration import (
    diebold_mariano,
    hit_rates,
    meets_target,
    pit_bins,
    render_hit_rates,
)

DAYS = {"1w": 5, "1m": 21, "3m": 63, "6m": 126}


def test_true_quantiles_of_a_known_distribution_meet_the_target(known_distribution):
    """GIVEN quantiles at the true quantiles of the known normal the outcomes are drawn from
    WHEN the hit rates are measured on both periods THEN every level is within tolerance."""
    hits = hit_rates(known_distribution("1m", 21), DAYS)
    assert set(hits["period"]) == {"2015-2019 selection", "2020-2024 reported"}
    assert meets_target(hits), render_hit_rates(hits)
    assert (hits["low"] <= hits["quantile"]).all() and (hits["quantile"] <= hits["high"]).all()


def test_a_planted_shift_of_all_quantiles_fails_the_target(known_distribution):
    """GIVEN every quantile shifted up by a quarter of a standard deviation (planted defect)
    THEN the calibration target fails and the middle levels are flagged."""
    hits = hit_rates(known_distribution("1m", 21, shift=0.25), DAYS)
    assert not meets_target(hits)
    middle = hits[hits["quantile"] == 0.5]
    assert (~middle["within"]).all()
    assert (middle["hit_rate"] > 0.55).all()


def test_block_intervals_widen_with_the_horizon(known_distribution):
    """Overlapping 3m outcomes (one constructed random walk) get wider intervals than
    overlapping 1w ones: each holds fewer independent outcomes."""
    short = hit_rates(known_distribution("1w", 5, overlapping=True), DAYS)
    long = hit_rates(known_distribution("3m", 63, overlapping=True), DAYS)
    assert (long["high"] - long["low"]).mean() > (short["high"] - short["low"]).mean()


def test_diebold_mariano_sign_and_significance():
    """CONSTRUCTED losses: one clearly lower is significant with a negative statistic; equal
    ones are not significant."""
    rng = np.random.default_rng(3)
    theirs = rng.gamma(2.0, 1.0, 2000)
    stat, p = diebold_mariano(theirs * 0.8, theirs, 21)
    assert stat < 0 and p < 0.01
    stat, p = diebold_mariano(theirs + rng.normal(0, 0.1, 2000), theirs, 21)
    assert p > 0.01
    assert np.isnan(diebold_mariano(theirs, theirs, 5)[0])
    assert pd.notna(stat)


def test_pit_bins_add_up_and_show_a_shift(known_distribution):
    """The PIT bins of each horizon and period add up to 1; under the planted shift the
    outcomes pile up in the lower bins."""
    calibrated = pit_bins(hit_rates(known_distribution("1m", 21), DAYS))
    shifted = pit_bins(hit_rates(known_distribution("1m", 21, shift=0.25), DAYS))
    for bins in (calibrated, shifted):
        assert np.allclose(bins.groupby(["horizon", "period"])["share"].sum(), 1.0)
    lower = shifted["high"] <= 0.5
    assert shifted.loc[lower, "share"].sum() > calibrated.loc[lower, "share"].sum() + 0.1
