"""L0: one AutoGluon quantile specialist per covered bucket and horizon, walk-forward.

Each specialist learns the standardised h-day return from the core block plus its bucket's
mart. AutoGluon fits on time-ordered rows only: an explicit later-in-time tuning set, no
bagging and no stacking, so it never draws a shuffled validation split. The fit is saved in
the folder the registry gives it and loaded back by a later run (`cbi.training.registry`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cbi.training import QUANTILES, SEED
from cbi.training.buckets import covered_buckets
from cbi.training.profiles import Profile, WalkForwardPlan
from cbi.training.walkforward import Fitter, Member, Predict, walk_forward_members


def fit_autogluon(
    fit: pd.DataFrame,
    tune: pd.DataFrame,
    features: list[str],
    hyperparameters: dict[str, Any],
    path: Path,
    seed: int,
) -> Predict:
    """AutoGluon TabularPredictor (problem_type='quantile') on y; returns a predict function.

    No time limit: the boosting rounds in `hyperparameters` bound the fit, so a fit on a busy
    machine is the same model as on an idle one (a binding time limit would stop it earlier).
    One thread per fit: dbt's second thread trains the other members beside L0, and with two
    LightGBM threads on two cores the fits spun against them (L0 439 s -> 270 s in `make run`,
    the predictions bit-identical; docs/performance.md).
    """
    from autogluon.tabular import TabularPredictor

    predictor = TabularPredictor(
        label="y",
        problem_type="quantile",
        quantile_levels=list(QUANTILES),
        path=str(path),
        verbosity=0,
    ).fit(
        fit[[*features, "y"]],
        tuning_data=tune[[*features, "y"]],
        hyperparameters=hyperparameters,
        num_bag_folds=0,
        num_stack_levels=0,
        fit_weighted_ensemble=False,
        ag_args_fit={"num_cpus": 1, "seed": seed},
    )
    return _autogluon_predict(predictor, features)


def load_autogluon(features: list[str], path: Path) -> Predict:
    """The predict function of a TabularPredictor `fit_autogluon` saved in `path`.

    Read with the loader behind `TabularPredictor.load`, whose checks re-read the metadata of
    every installed package on each call (~0.2 s, most of a daily run's L0 time): a reused
    fit's id already pins the AutoGluon and Python versions it was saved with.
    """
    from autogluon.tabular import TabularPredictor

    return _autogluon_predict(TabularPredictor._load(str(path)), features)


def _autogluon_predict(predictor: Any, features: list[str]) -> Predict:
    def predict(rows: pd.DataFrame) -> np.ndarray:
        return predictor.predict(rows[features]).to_numpy(dtype=float)

    return predict


def autogluon_fitter(profile: Profile) -> Fitter:
    """The L0 learner: the profile's AutoGluon quantile models, saved in the fit's folder."""

    def fitter(fit: pd.DataFrame, tune: pd.DataFrame, features: list[str], path: Path) -> Predict:
        return fit_autogluon(fit, tune, features, profile.l0_hyperparameters, path, SEED)

    return fitter


def bucket_predictions(
    targets: pd.DataFrame,
    core: pd.DataFrame,
    buckets: dict[str, pd.DataFrame],
    coverage: pd.DataFrame,
    plan: WalkForwardPlan,
) -> pd.DataFrame:
    """L0: an AutoGluon quantile specialist per covered bucket x horizon, walk-forward."""
    learner, hyperparameters = autogluon_fitter(plan.profile), plan.profile.l0_hyperparameters
    members = [
        Member("L0", f"bucket_{b}", (buckets[b],), learner, load_autogluon, hyperparameters)
        for b in covered_buckets(coverage, list(buckets))
    ]
    out = []
    for member, horizon, preds in walk_forward_members(
        members, targets, core, plan, desc="L0 bucket specialists"
    ):
        preds.insert(0, "bucket", member.name.removeprefix("bucket_"))
        preds.insert(1, "horizon", horizon)
        out.append(preds)
    return pd.concat(out, ignore_index=True)
