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
from cbi.training.registry import FitRecord, artifact_root, write_record
from cbi.training.splitter import Fold, predict_mask, time_ordered_tuning_split, train_mask

log = logging.getLogger(__name__)

MIN_TRAIN_ROWS = 250

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
    out = []
    for fold in folds:
        to_predict = panel[predict_mask(panel, fold)]
        if to_predict.empty:
            continue
        train = panel[train_mask(panel, fold)].dropna(subset=["y"])
        if len(train) < min_train_rows:
            log.info(
                "%s %s %s fold %d: %d training rows, skipped",
                level,
                member,
                horizon,
                fold.fold,
                len(train),
            )
            continue
        fit_rows, tune_rows = time_ordered_tuning_split(train)
        record = FitRecord(
            level=level,
            member=member,
            horizon=horizon,
            fold=fold.fold,
            cutoff=str(fold.cutoff.date()),
            train_start=str(train["trade_date"].min().date()),
            train_end=str(train["trade_date"].max().date()),
            train_target_end=str(train["target_date"].max().date()),
            train_rows=len(train),
            features=features,
            hyperparameters=hyperparameters,
            seed=seed,
            profile=profile,
        )
        path = artifact_root() / "models" / record.fit_id
        started = time.perf_counter()
        predict = fitter(fit_rows, tune_rows, features, path)
        standardised = ordered(predict(to_predict))
        record.duration_s = round(time.perf_counter() - started, 3)
        # Only learners that save a model (AutoGluon) leave a folder; the direct GBM baselines
        # keep nothing on disk (the record and fixed seed reproduce them): no path to point at.
        record.artifact_path = str(path) if path.exists() else ""
        write_record(record)
        scale = to_predict["scale"].to_numpy()[:, None]
        frame = pd.DataFrame(standardised * scale, columns=list(QUANTILE_COLUMNS))
        frame.insert(0, "as_of_date", to_predict["trade_date"].to_numpy())
        frame.insert(1, "target_date", to_predict["target_date"].to_numpy())
        frame.insert(2, "fold", fold.fold)
        frame.insert(3, "cutoff", fold.cutoff)
        frame.insert(4, "fit_id", record.fit_id)
        explain = getattr(predict, "contributions", None)
        if explain is not None:
            parts = explain(to_predict)
            for name in parts.columns:
                frame[f"contrib_{name}"] = parts[name].to_numpy() * scale[:, 0]
        out.append(frame)
    if not out:
        columns = ["as_of_date", "target_date", "fold", "cutoff", "fit_id", *QUANTILE_COLUMNS]
        return pd.DataFrame(columns=columns)
    return pd.concat(out, ignore_index=True)
