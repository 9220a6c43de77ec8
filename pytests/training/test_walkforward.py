"""The walk-forward never learns from an outcome that was unknown at the fold's cutoff."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from cbi.training.registry import read_records
from cbi.training.splitter import make_folds


def constant_band(rows: pd.DataFrame) -> np.ndarray:
    """constructed_predictions: -1 / 0 / +1 standardised quantiles for every row."""
    return np.tile([-1.0, 0.0, 1.0], (len(rows), 1))


def test_walk_forward_fits_only_on_purged_rows_and_registry_agrees(
    constructed_panel, walk_constructed
):
    seen: list[pd.Timestamp] = []

    def spy(fit, tune, features, path):
        seen.append(pd.concat([fit, tune])["target_date"].max())
        return constant_band

    folds = make_folds(constructed_panel["trade_date"], "2020-01-01", None, "YS")
    preds = walk_constructed(folds, spy, member="spy")
    assert [s <= f.cutoff for s, f in zip(seen, folds, strict=True)] == [True] * len(folds)
    assert (preds["as_of_date"] > preds["cutoff"]).all()
    registry = read_records(preds["fit_id"].unique().tolist())
    assert (registry["train_end"] <= registry["cutoff"]).all()
    assert (registry["train_target_end"] <= registry["cutoff"]).all()
    for row in registry.itertuples():
        rows = preds[preds["fit_id"] == row.fit_id]
        assert (rows["as_of_date"] > pd.Timestamp(row.cutoff)).all()


def test_registry_names_an_artifact_only_when_the_learner_saved_one(
    constructed_panel, walk_constructed
):
    folds = make_folds(constructed_panel["trade_date"], "2021-01-01", None, "YS")[:1]

    def run(saves: bool) -> pd.DataFrame:
        def fitter(fit, tune, features, path):
            if saves:
                path.mkdir(parents=True)
            return constant_band

        preds = walk_constructed(folds, fitter, member=f"saves_{saves}")
        return read_records(preds["fit_id"].unique().tolist())

    saved, unsaved = run(saves=True), run(saves=False)
    assert all(Path(p).is_dir() for p in saved["artifact_path"])
    assert (unsaved["artifact_path"] == "").all()
