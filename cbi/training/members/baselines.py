"""GBM baselines: direct LightGBM / CatBoost / XGBoost quantile models on every covered
bucket's features, walk-forward.

One regressor per quantile level, fixed boosting rounds and seed, fitted on the fold's purged
rows in time order (fit and tuning rows together: nothing is tuned). The models are pickled in
the folder the registry gives the fit and loaded back by a later run (`cbi.training.registry`).
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cbi.training import QUANTILE_COLUMNS, QUANTILES, SEED
from cbi.training.buckets import covered_buckets
from cbi.training.profiles import WalkForwardPlan
from cbi.training.tables import PREDICTION_COLUMNS
from cbi.training.walkforward import Fitter, Member, Predict, walk_forward_members

DIRECT_MODELS_FILE = "quantile_models.pkl"


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


def direct_fitter(kind: str, rounds: int) -> Fitter:
    """A direct GBM baseline learner (`fit_direct`), its models pickled in the fit's folder."""

    def fitter(fit: pd.DataFrame, tune: pd.DataFrame, features: list[str], path: Path) -> Predict:
        return fit_direct(kind, fit, tune, features, rounds, SEED, path)

    return fitter


def baseline_predictions(
    targets: pd.DataFrame,
    core: pd.DataFrame,
    buckets: dict[str, pd.DataFrame],
    coverage: pd.DataFrame,
    plan: WalkForwardPlan,
) -> pd.DataFrame:
    """The profile's baselines on all covered features, every horizon, walk-forward."""
    blocks = tuple(buckets[b] for b in covered_buckets(coverage, list(buckets)))
    rounds = plan.profile.baseline_rounds
    members = [
        Member(
            "baseline", kind, blocks, direct_fitter(kind, rounds), load_direct, {"rounds": rounds}
        )
        for kind in plan.profile.baselines
    ]
    out = []
    for member, horizon, preds in walk_forward_members(
        members, targets, core, plan, desc="baselines"
    ):
        preds["horizon"] = horizon
        preds["member"] = member.name
        out.append(preds[[*PREDICTION_COLUMNS, *QUANTILE_COLUMNS]])
    return pd.concat(out, ignore_index=True)
