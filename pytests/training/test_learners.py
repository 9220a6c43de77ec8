"""Quantile learners: one tiny AutoGluon fit and the direct GBM baselines (deterministic)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cbi.training.members.baselines import DIRECT_BUILDERS, fit_direct, load_direct
from cbi.training.specialists import fit_autogluon, load_autogluon
from cbi.training.splitter import make_folds, time_ordered_tuning_split


def test_tiny_autogluon_quantile_fit_predicts_three_levels_and_loads_back(
    constructed_panel, tmp_path
):
    train = constructed_panel.dropna(subset=["y"]).iloc[:400]
    fit, tune = time_ordered_tuning_split(train)
    features, path = ["f1", "f2"], tmp_path / "ag"
    predict = fit_autogluon(fit, tune, features, {"GBM": {"num_boost_round": 20}}, path, 1)
    values = predict(constructed_panel.iloc[500:510])
    assert values.shape == (10, 3)
    assert np.isfinite(values).all()
    np.testing.assert_array_equal(
        load_autogluon(features, path)(constructed_panel.iloc[500:510]), values
    )


@pytest.mark.parametrize("kind", sorted(DIRECT_BUILDERS))
def test_every_direct_baseline_fits_three_levels_and_loads_back(constructed_panel, kind, tmp_path):
    fit, tune = time_ordered_tuning_split(constructed_panel.dropna(subset=["y"]).iloc[:400])
    features, rows = ["f1", "f2"], constructed_panel.iloc[500:510]
    values = fit_direct(kind, fit, tune, features, 30, 42, tmp_path / kind)(rows)
    assert values.shape == (10, 3)
    assert np.isfinite(values).all()
    np.testing.assert_array_equal(load_direct(features, tmp_path / kind)(rows), values)


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
