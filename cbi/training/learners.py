"""Quantile learners used inside the walk-forward: AutoGluon tabular and direct GBM baselines.

Every learner fits on time-ordered rows only: AutoGluon gets an explicit later-in-time tuning
set, no bagging and no stacking, so it never draws a shuffled validation split.
"""

from __future__ import annotations

import logging
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
    time_limit_s: int,
    path: Path,
    seed: int,
) -> Predict:
    """AutoGluon TabularPredictor (problem_type='quantile') on y; returns a predict function."""
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
        time_limit=time_limit_s,
        num_bag_folds=0,
        num_stack_levels=0,
        fit_weighted_ensemble=False,
        ag_args_fit={"num_cpus": 2, "seed": seed},
    )

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
) -> Predict:
    """One LightGBM / CatBoost / XGBoost quantile model per level, fixed rounds, fixed seed."""
    build = DIRECT_BUILDERS.get(kind)
    if build is None:
        raise ValueError(f"unknown baseline {kind!r}; use one of {sorted(DIRECT_BUILDERS)}")
    rows = pd.concat([fit, tune])
    x, y = rows[features], rows["y"]
    models = [build(q, rounds, seed).fit(x, y) for q in QUANTILES]

    def predict(frame: pd.DataFrame) -> np.ndarray:
        return np.column_stack([m.predict(frame[features]) for m in models])

    return predict
