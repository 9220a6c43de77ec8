"""Reusable fits: the same training rows and settings load the saved fit instead of refitting.

GIVEN the constructed panel and a learner that saves a file and counts its fits and loads,
WHEN the walk-forward runs again on the same rows (and on one more as-of date),
THEN nothing is refitted, saved predictions are read back, and only a new row loads the model;
a changed training row gives a new fit_id; `when_due` folds keep only the cadence boundaries.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd

from cbi.training.registry import artifact_root, read_records
from cbi.training.splitter import make_folds
from cbi.training.walkforward import walk_forward

FEATURES = ["f1", "f2"]


class CountingLearner:
    """constructed_learner: P50 = f1 x the mean y it was fitted on, saved as a file."""

    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()

    def fit(self, fit, tune, features, path: Path):
        self.calls["fit"] += 1
        path.mkdir(parents=True)
        slope = float(pd.concat([fit, tune])["y"].mean())
        (path / "slope.txt").write_text(repr(slope))
        return self._predict(slope)

    def load(self, features, path: Path):
        self.calls["load"] += 1
        return self._predict(float((path / "slope.txt").read_text()))

    def _predict(self, slope: float):
        def predict(rows: pd.DataFrame) -> np.ndarray:
            self.calls["rows"] += len(rows)
            centre = rows["f1"].to_numpy() * slope
            return np.column_stack([centre - 1, centre, centre + 1])

        return predict


def run(panel: pd.DataFrame, learner: CountingLearner, refit: str = "when_due") -> pd.DataFrame:
    folds = make_folds(panel["trade_date"], "2020-01-01", None, "YS", refit)
    return walk_forward(
        panel,
        FEATURES,
        folds,
        learner.fit,
        level="test",
        member="counting",
        horizon="1w",
        hyperparameters={"slope": "mean y"},
        seed=1,
        profile="test",
        loader=learner.load,
    )


def test_identical_inputs_load_the_saved_fit_and_refit_nothing(constructed_panel):
    # GIVEN yesterday's run, one day short of today's data
    yesterday, today = constructed_panel.iloc[:-1], constructed_panel
    first = CountingLearner()
    before = run(yesterday, first)
    assert first.calls["fit"] == 2 and first.calls["load"] == 0
    # WHEN the same data comes again
    again = CountingLearner()
    pd.testing.assert_frame_equal(run(yesterday, again), before)
    # THEN nothing was fitted, loaded or predicted: the saved predictions were read back
    assert again.calls == Counter()
    records = read_records(before["fit_id"].unique().tolist())
    assert records["reused"].all()
    # WHEN one new as-of date arrives (its target still unknown: no training row changes)
    daily = CountingLearner()
    after = run(today, daily)
    # THEN only the last fit was loaded, for the one new row, and the old rows are unchanged
    assert daily.calls == Counter({"load": 1, "rows": 1})
    assert after["fit_id"].nunique() == 2 and set(after["fit_id"]) == set(before["fit_id"])
    pd.testing.assert_frame_equal(after.iloc[:-1], before)
    assert after["as_of_date"].iloc[-1] == today["trade_date"].iloc[-1]
    assert after["as_of_date"].iloc[-1] > after["cutoff"].iloc[-1]


def test_a_changed_training_row_is_a_new_fit_and_a_lost_artifact_is_refitted(constructed_panel):
    base = run(constructed_panel, CountingLearner())
    first_fit, last_fit = base.groupby("fold")["fit_id"].first()
    # WHEN one outcome of the first fold's training rows is revised
    changed = constructed_panel.copy()
    changed.loc[10, "y"] += 0.5
    learner = CountingLearner()
    out = run(changed, learner)
    # THEN every fold that learned from it has a new fit_id and was fitted again
    assert first_fit not in set(out["fit_id"]) and last_fit not in set(out["fit_id"])
    assert learner.calls["fit"] == 2
    # WHEN a saved model folder is lost, that fit is made again under the same id
    for folder in (artifact_root() / "models").iterdir():
        if folder.name == out["fit_id"].iloc[-1]:
            for file in folder.iterdir():
                file.unlink()
            folder.rmdir()
    again = CountingLearner()
    pd.testing.assert_frame_equal(run(changed, again), out)
    assert again.calls["fit"] == 1


def test_when_due_folds_keep_only_the_cadence_boundaries(constructed_panel):
    dates = constructed_panel["trade_date"]
    always = make_folds(dates, "2019-01-01", None, "YS", "always")
    due = make_folds(dates, "2019-01-01", None, "YS", "when_due")
    # THEN when_due cuts on the last trading day before each year start, and nowhere else
    assert [f.cutoff for f in due] == [
        pd.Timestamp("2018-12-31"),
        *[dates[dates < f"{year}-01-01"].iloc[-1] for year in (2020, 2021)],
    ]
    assert [f.cutoff for f in always] == [*(f.cutoff for f in due), dates.iloc[-2]]
    assert due[-1].predict_to == dates.iloc[-1]
    # AND its folds do not move while days are appended between two boundaries
    for days in (1, 20, 120):
        shorter = make_folds(dates.iloc[:-days], "2019-01-01", None, "YS", "when_due")
        assert [f.cutoff for f in shorter] == [f.cutoff for f in due]


def test_a_zero_that_changes_sign_on_a_rebuild_keeps_the_fit(constructed_panel):
    # GIVEN a rebuild whose feature rounded to zero comes back as -0.0 (DuckDB sums in
    # another order): the same value to every learner, so the same fit
    zero = constructed_panel.assign(f2=0.0)
    first = run(zero, CountingLearner())
    again = CountingLearner()
    pd.testing.assert_frame_equal(run(zero.assign(f2=-0.0), again), first)
    assert again.calls == Counter()
