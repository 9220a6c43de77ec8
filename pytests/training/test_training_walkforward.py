"""The walk-forward never learns from an outcome that was unknown at the fold's cutoff."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cbi.training.learners import fit_direct
from cbi.training.registry import read_records
from cbi.training.splitter import make_folds, predict_mask, time_ordered_tuning_split, train_mask
from cbi.training.walkforward import walk_forward


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


def test_walk_forward_fits_only_on_purged_rows_and_registry_agrees(constructed_panel):
    seen: list[pd.Timestamp] = []

    def spy(fit, tune, features, path):
        seen.append(pd.concat([fit, tune])["target_date"].max())
        return lambda rows: np.tile([-1.0, 0.0, 1.0], (len(rows), 1))

    folds = make_folds(constructed_panel["trade_date"], "2020-01-01", None, "YS")
    preds = walk_forward(
        constructed_panel,
        ["f1", "f2"],
        folds,
        spy,
        level="test",
        member="spy",
        horizon="1w",
        hyperparameters={},
        seed=1,
        profile="test",
    )
    assert [s <= f.cutoff for s, f in zip(seen, folds, strict=True)] == [True] * len(folds)
    assert (preds["as_of_date"] > preds["cutoff"]).all()
    registry = read_records(preds["fit_id"].unique().tolist())
    assert (registry["train_end"] <= registry["cutoff"]).all()
    assert (registry["train_target_end"] <= registry["cutoff"]).all()
    for row in registry.itertuples():
        rows = preds[preds["fit_id"] == row.fit_id]
        assert (rows["as_of_date"] > pd.Timestamp(row.cutoff)).all()


def test_direct_baseline_is_deterministic_and_ordered(constructed_panel):
    folds = make_folds(constructed_panel["trade_date"], "2021-01-01", None, "YS")[:1]

    def run():
        def fitter(fit, tune, features, path):
            return fit_direct("lightgbm", fit, tune, features, 30, 42)

        return walk_forward(
            constructed_panel,
            ["f1", "f2"],
            folds,
            fitter,
            level="test",
            member="lgb",
            horizon="1w",
            hyperparameters={},
            seed=42,
            profile="test",
        )

    first, second = run(), run()
    pd.testing.assert_frame_equal(first, second)
    assert (first["p10"] <= first["p50"]).all() and (first["p50"] <= first["p90"]).all()


def test_registry_names_an_artifact_only_when_the_learner_saved_one(constructed_panel):
    folds = make_folds(constructed_panel["trade_date"], "2021-01-01", None, "YS")[:1]

    def run(saves: bool) -> pd.DataFrame:
        def fitter(fit, tune, features, path):
            if saves:
                path.mkdir(parents=True)
            return lambda rows: np.tile([-1.0, 0.0, 1.0], (len(rows), 1))

        preds = walk_forward(
            constructed_panel,
            ["f1", "f2"],
            folds,
            fitter,
            level="test",
            member=f"saves_{saves}",
            horizon="1w",
            hyperparameters={},
            seed=1,
            profile="test",
        )
        return read_records(preds["fit_id"].unique().tolist())

    saved, unsaved = run(saves=True), run(saves=False)
    assert all(Path(p).is_dir() for p in saved["artifact_path"])
    assert (unsaved["artifact_path"] == "").all()
