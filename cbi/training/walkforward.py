"""Run any quantile learner through the purged walk-forward and collect predictions + registry.

`walk_forward` runs one learner on one horizon's panel; `walk_forward_members` runs a list of
`Member`s (the L0 bucket specialists, the GBM baselines) over every horizon. A fold whose
training rows, features and settings match a fit saved by an earlier run reuses it
(`cbi.training.registry.predict_reusing_fits`): only as-of dates that fit has not predicted
before are predicted, and nothing is refitted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from cbi.training import QUANTILE_COLUMNS, SEED
from cbi.training.data import daily_sigma, horizon_rows, horizons, join_features
from cbi.training.profiles import WalkForwardPlan
from cbi.training.registry import FitRecord, fit_record, predict_reusing_fits, row_keys, rows_hash
from cbi.training.splitter import Fold, predict_mask, time_ordered_tuning_split, train_mask

log = logging.getLogger(__name__)

MIN_TRAIN_ROWS = 250

PREDICTION_KEYS = ("as_of_date", "target_date", "fold", "cutoff", "fit_id")

# A fitted learner: feature rows -> standardised p10, p50, p90 (one row each).
Predict = Callable[[pd.DataFrame], np.ndarray]
# fit(fit rows, tuning rows, features, folder) -> predict; saves its model in the folder.
Fitter = Callable[[pd.DataFrame, pd.DataFrame, list[str], Path], Predict]
# load(features, folder) -> predict, from what the fitter saved there.
Loader = Callable[[list[str], Path], Predict]


def ordered(values: np.ndarray) -> np.ndarray:
    """Quantiles sorted along each row, so p10 <= p50 <= p90 always holds."""
    return np.sort(values, axis=1)


def walk_forward(
    panel: pd.DataFrame,
    features: list[str],
    folds: list[Fold],
    fitter: Fitter,
    *,
    level: str,
    member: str,
    horizon: str,
    hyperparameters: dict[str, Any],
    seed: int,
    profile: str,
    loader: Loader | None = None,
    min_train_rows: int = MIN_TRAIN_ROWS,
) -> pd.DataFrame:
    """Refit `fitter` at each fold's cutoff and predict that fold's dates (log returns).

    Returns as_of_date, target_date, fold, cutoff, fit_id, p10, p50, p90, plus contrib_<name>
    columns when the predict function explains itself (`predict.contributions`). Folds with
    fewer than `min_train_rows` purged training rows are skipped with a log line. With a
    `loader`, a fit saved by an earlier run on the same rows is loaded instead of refitted.
    """
    label = f"{level} {member} {horizon}"
    out = []
    for fold in folds:
        to_predict = panel[predict_mask(panel, fold)]
        if to_predict.empty:
            continue
        train = panel[train_mask(panel, fold)].dropna(subset=["y"])
        if len(train) < min_train_rows:
            log.info("%s fold %d: %d training rows, skipped", label, fold.fold, len(train))
            continue
        record = fit_record(
            level=level,
            member=member,
            horizon=horizon,
            fold=fold,
            as_of_dates=train["trade_date"],
            target_dates=train["target_date"],
            rows=len(train),
            features=features,
            hyperparameters=hyperparameters,
            seed=seed,
            profile=profile,
            train_hash=rows_hash(train[["trade_date", "target_date", *features, "y"]]),
        )
        outputs = fit_and_predict(fitter, loader, train, to_predict, features, record)
        out.append(fold_predictions(to_predict, outputs, fold, record.fit_id))
    if not out:
        return pd.DataFrame(columns=[*PREDICTION_KEYS, *QUANTILE_COLUMNS])
    return pd.concat(out, ignore_index=True)


def fit_and_predict(
    fitter: Fitter,
    loader: Loader | None,
    train: pd.DataFrame,
    to_predict: pd.DataFrame,
    features: list[str],
    record: FitRecord,
) -> pd.DataFrame:
    """Fit on the fold's purged rows (earlier fit, later tuning rows) or reuse the saved fit.

    Returns one row per `to_predict` row: the ordered standardised p10, p50, p90 and the
    standardised contrib_<name> columns when the predict function explains itself.
    """
    fit_rows, tune_rows = time_ordered_tuning_split(train)

    def predict(model: Predict, mask: np.ndarray) -> pd.DataFrame:
        rows = to_predict[mask]
        frame = pd.DataFrame(ordered(model(rows)), columns=list(QUANTILE_COLUMNS))
        explain = getattr(model, "contributions", None)
        if explain is not None:
            parts = explain(rows)
            for name in parts.columns:
                frame[f"contrib_{name}"] = parts[name].to_numpy()
        return frame

    return predict_reusing_fits(
        record,
        row_keys(to_predict[features]),
        lambda folder: fitter(fit_rows, tune_rows, features, folder),
        None if loader is None else lambda folder: loader(features, folder),
        predict,
    )


def fold_predictions(
    to_predict: pd.DataFrame, outputs: pd.DataFrame, fold: Fold, fit_id: str
) -> pd.DataFrame:
    """One fold's rows in log returns (standardised outputs x scale), keyed, with contrib_*."""
    scale = to_predict["scale"].to_numpy()[:, None]
    frame = pd.DataFrame(
        outputs[list(QUANTILE_COLUMNS)].to_numpy() * scale, columns=list(QUANTILE_COLUMNS)
    )
    frame.insert(0, "as_of_date", to_predict["trade_date"].to_numpy())
    frame.insert(1, "target_date", to_predict["target_date"].to_numpy())
    frame.insert(2, "fold", fold.fold)
    frame.insert(3, "cutoff", fold.cutoff)
    frame.insert(4, "fit_id", fit_id)
    for name in outputs.columns:
        if name.startswith("contrib_"):
            frame[name] = outputs[name].to_numpy() * scale[:, 0]
    return frame


@dataclass(frozen=True)
class Member:
    """One walk-forward member: registry level and name, extra feature blocks, learner (fit
    and load)."""

    level: str
    name: str
    blocks: tuple[pd.DataFrame, ...]
    fitter: Fitter
    loader: Loader
    hyperparameters: dict[str, Any]


def walk_forward_members(
    members: list[Member],
    targets: pd.DataFrame,
    core: pd.DataFrame,
    plan: WalkForwardPlan,
    desc: str,
) -> list[tuple[Member, str, pd.DataFrame]]:
    """Each member x horizon through the walk-forward on the core block plus its own blocks.

    Returns (member, horizon, predictions) in member order, shortest horizon first.
    """
    sigma = daily_sigma(core)
    folds = plan.folds(targets["trade_date"])
    log.info("%s: %d folds, cutoffs %s", desc, len(folds), [str(f.cutoff.date()) for f in folds])
    jobs = [(m, h) for m in members for h, _ in horizons(targets)]
    out = []
    for member, horizon in tqdm(jobs, desc=desc):
        rows = horizon_rows(targets, horizon, sigma)
        panel, features = join_features(rows, core, *member.blocks)
        preds = walk_forward(
            panel,
            features,
            folds,
            member.fitter,
            level=member.level,
            member=member.name,
            horizon=horizon,
            hyperparameters=member.hyperparameters,
            seed=SEED,
            profile=plan.profile.name,
            loader=member.loader,
        )
        out.append((member, horizon, preds))
    return out
