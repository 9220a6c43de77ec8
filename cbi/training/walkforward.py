"""Run any quantile learner through the purged walk-forward and collect predictions + registry."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cbi.training import QUANTILE_COLUMNS
from cbi.training.learners import Predict
from cbi.training.registry import FitRecord, fit_record, model_folder, save_record
from cbi.training.splitter import Fold, predict_mask, time_ordered_tuning_split, train_mask

log = logging.getLogger(__name__)

MIN_TRAIN_ROWS = 250

PREDICTION_KEYS = ("as_of_date", "target_date", "fold", "cutoff", "fit_id")

Fitter = Callable[[pd.DataFrame, pd.DataFrame, list[str], Path], Predict]


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
    min_train_rows: int = MIN_TRAIN_ROWS,
) -> pd.DataFrame:
    """Refit `fitter` at each fold's cutoff and predict that fold's dates (log returns).

    Returns as_of_date, target_date, fold, cutoff, fit_id, p10, p50, p90, plus contrib_<name>
    columns when the predict function explains itself (`predict.contributions`). Folds with
    fewer than `min_train_rows` purged training rows are skipped with a log line.
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
        )
        predict, standardised = fit_and_predict(fitter, train, to_predict, features, record)
        out.append(fold_predictions(to_predict, standardised, predict, fold, record.fit_id))
    if not out:
        return pd.DataFrame(columns=[*PREDICTION_KEYS, *QUANTILE_COLUMNS])
    return pd.concat(out, ignore_index=True)


def fit_and_predict(
    fitter: Fitter,
    train: pd.DataFrame,
    to_predict: pd.DataFrame,
    features: list[str],
    record: FitRecord,
) -> tuple[Predict, np.ndarray]:
    """Fit on the fold's purged rows (earlier fit, later tuning rows), predict, record the fit.

    Returns the predict function and its ordered standardised quantiles for `to_predict`.
    """
    fit_rows, tune_rows = time_ordered_tuning_split(train)
    started = time.perf_counter()
    predict = fitter(fit_rows, tune_rows, features, model_folder(record))
    standardised = ordered(predict(to_predict))
    save_record(record, started)
    return predict, standardised


def fold_predictions(
    to_predict: pd.DataFrame,
    standardised: np.ndarray,
    predict: Predict,
    fold: Fold,
    fit_id: str,
) -> pd.DataFrame:
    """One fold's rows in log returns (standardised quantiles x scale), keyed, with contrib_*."""
    scale = to_predict["scale"].to_numpy()[:, None]
    frame = pd.DataFrame(standardised * scale, columns=list(QUANTILE_COLUMNS))
    frame.insert(0, "as_of_date", to_predict["trade_date"].to_numpy())
    frame.insert(1, "target_date", to_predict["target_date"].to_numpy())
    frame.insert(2, "fold", fold.fold)
    frame.insert(3, "cutoff", fold.cutoff)
    frame.insert(4, "fit_id", fit_id)
    explain = getattr(predict, "contributions", None)
    if explain is not None:
        parts = explain(to_predict)
        for name in parts.columns:
            frame[f"contrib_{name}"] = parts[name].to_numpy() * scale[:, 0]
    return frame
