"""Quantile learners used inside the walk-forward: AutoGluon tabular and direct GBM baselines.

Every learner fits on time-ordered rows only: AutoGluon gets an explicit later-in-time tuning
set, no bagging and no stacking, so it never draws a shuffled validation split. Each saves its
model in the folder it is given and has a loader, so a later run can reuse the fit.
"""

from __future__ import annotations

import logging
import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cbi.training import QUANTILES

log = logging.getLogger(__name__)

Predict = Callable[[pd.DataFrame], np.ndarray]


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
        ag_args_fit={"num_cpus": 2, "seed": seed},
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


def _lightgbm(q: float, rounds: int, seed: int) -> Any:
    """LightGBM quantile regressor for level q."""
    import lightgbm as lgb

    return lgb.LGBMRegressor(
        objective="quantile",
        alpha=q,
        n_estimators=rounds,
        learning_rate=0.05,
        num_leaves=15,
        min_child_samples=40,
        subsample=0.8,
        subsample_freq=1,
        colsample_bytree=0.8,
        random_state=seed,
        n_jobs=2,
        verbose=-1,
    )


def _catboost(q: float, rounds: int, seed: int) -> Any:
    """CatBoost quantile regressor for level q."""
    from catboost import CatBoostRegressor

    return CatBoostRegressor(
        loss_function=f"Quantile:alpha={q}",
        iterations=rounds,
        depth=4,
        random_seed=seed,
        thread_count=2,
        verbose=False,
    )


def _xgboost(q: float, rounds: int, seed: int) -> Any:
    """XGBoost quantile regressor for level q."""
    import xgboost as xgb

    return xgb.XGBRegressor(
        objective="reg:quantileerror",
        quantile_alpha=q,
        n_estimators=rounds,
        max_depth=4,
        learning_rate=0.05,
        subsample=0.8,
        random_state=seed,
        n_jobs=2,
    )


# Direct baselines: name -> builder(quantile level, boosting rounds, seed) of one regressor.
DIRECT_BUILDERS: dict[str, Callable[[float, int, int], Any]] = {
    "lightgbm": _lightgbm,
    "catboost": _catboost,
    "xgboost": _xgboost,
}


def fit_direct(
    kind: str,
    fit: pd.DataFrame,
    tune: pd.DataFrame,
    features: list[str],
    rounds: int,
    seed: int,
    path: Path | None = None,
) -> Predict:
    """One LightGBM / CatBoost / XGBoost quantile model per level, fixed rounds, fixed seed.

    With `path`, the fitted models are pickled there (`load_direct` reads them back).
    """
    build = DIRECT_BUILDERS.get(kind)
    if build is None:
        raise ValueError(f"unknown baseline {kind!r}; use one of {sorted(DIRECT_BUILDERS)}")
    rows = pd.concat([fit, tune])
    x, y = rows[features], rows["y"]
    models = [build(q, rounds, seed).fit(x, y) for q in QUANTILES]
    if path is not None:
        path.mkdir(parents=True, exist_ok=True)
        (path / DIRECT_MODELS_FILE).write_bytes(pickle.dumps(models))
    return _direct_predict(models, features)


DIRECT_MODELS_FILE = "quantile_models.pkl"


def load_direct(features: list[str], path: Path) -> Predict:
    """The predict function of the baseline models `fit_direct` pickled in `path`.

    Only this pipeline's own artifacts are unpickled (the artifact folder it wrote).
    """
    models = pickle.loads((path / DIRECT_MODELS_FILE).read_bytes())
    return _direct_predict(models, features)


def _direct_predict(models: list[Any], features: list[str]) -> Predict:
    def predict(frame: pd.DataFrame) -> np.ndarray:
        return np.column_stack([m.predict(frame[features]) for m in models])

    return predict
