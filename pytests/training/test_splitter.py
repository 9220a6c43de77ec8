"""Folds cover the window and end with a refit before the last date; training rows are purged."""

from __future__ import annotations

import pandas as pd

from cbi.training.splitter import make_folds, predict_mask, time_ordered_tuning_split, train_mask


def test_folds_cover_window_and_end_with_a_refit_before_the_last_date(constructed_panel):
    folds = make_folds(constructed_panel["trade_date"], "2020-01-01", None, "YS")
    cutoffs = [f.cutoff for f in folds]
    assert cutoffs[0] == pd.Timestamp("2019-12-31")
    assert cutoffs[-1] == constructed_panel["trade_date"].iloc[-2]
    assert all(a < b for a, b in zip(cutoffs, cutoffs[1:], strict=False))
    assert folds[-1].predict_to == constructed_panel["trade_date"].iloc[-1]


def test_training_rows_have_targets_known_at_cutoff_and_predictions_are_after_it(
    constructed_panel,
):
    for fold in make_folds(constructed_panel["trade_date"], "2019-07-01", None, "QS"):
        train = constructed_panel[train_mask(constructed_panel, fold)]
        predicted = constructed_panel[predict_mask(constructed_panel, fold)]
        assert (train["target_date"] <= fold.cutoff).all()
        assert (predicted["trade_date"] > fold.cutoff).all()
        fit, tune = time_ordered_tuning_split(train)
        assert fit["target_date"].max() < tune["trade_date"].min()
