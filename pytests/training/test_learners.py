"""Quantile learners: one tiny AutoGluon fit and the direct GBM baselines (deterministic)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cbi.training.learners import DIRECT_BUILDERS, fit_autogluon, fit_direct
from cbi.training.splitter import make_folds, time_ordered_tuning_split


def test_tiny_autogluon_quantile_fit_predicts_three_levels(constructed_panel, tmp_path):
    train = constructed_panel.dropna(subset=["y"]).iloc[:400]
    fit, tune = time_ordered_tuning_split(train)
    predict = fit_autogluon(
        fit, tune, ["f1", "f2"], {"GBM": {"num_boost_round": 20}}, 30, tmp_path / "ag", 1
    )
    values = predict(constructed_panel.iloc[500:510])
    assert values.shape == (10, 3)
    assert np.isfinite(values).all()


@pytest.mark.parametrize("kind", sorted(DIRECT_BUILDERS))
def test_every_direct_baseline_fits_three_levels(constructed_panel, kind):
    fit, tune = time_ordered_tuning_split(constructed_panel.dropna(subset=["y"]).iloc[:400])
    values = fit_direct(kind, fit, tune, ["f1", "f2"], 30, 42)(constructed_panel.iloc[500:510])
    assert values.shape == (10, 3)
    assert np.isfinite(values).all()


def test_unknown_direct_baseline_is_named_in_the_error(constructed_panel):
    with pytest.raises(ValueError, match="unknown baseline 'ridge'"):
        fit_direct("ridge", constructed_panel, constructed_panel, ["f1"], 30, 42)


def test_direct_baseline_is_deterministic_and_ordered(constructed_panel, walk_constructed):
    folds = make_folds(constructed_panel["trade_date"], "2021-01-01", None, "YS")[:1]

    def fitter(fit, tune, features, path):
        return fit_direct("lightgbm", fit, tune, features, 30, 42)

    first, second = (walk_constructed(folds, fitter, member="lgb", seed=42) for _ in range(2))
    pd.testing.assert_frame_equal(first, second)
    assert (first["p10"] <= first["p50"]).all() and (first["p50"] <= first["p90"]).all()
