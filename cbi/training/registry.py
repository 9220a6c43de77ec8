"""Model registry: one JSON record per fit under the artifact folder, read back by dbt.

Fitting models return predictions carrying a `fit_id`; `training.model_registry` collects the
records of exactly those fits, so the registry always matches the tables built in the same run.

A fit's id is what it learned from: level, member, horizon, cutoff, profile, features,
hyperparameters, seed, a hash of its training rows and the versions of Python and the learning
libraries (an upgrade refits; deleting the artifact folder refits everything). Past feature rows and
known targets do not change when data is appended, so a later run asks for the same fit_id
again; when its model is still saved, `predict_reusing_fits` loads it instead of fitting (and
predicts only rows it has not predicted before: a model's outputs are kept beside it, keyed by
a hash of each row's inputs). A learner that saves nothing is always fitted.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import importlib.metadata
import json
import logging
import os
import platform
import shutil
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd

from cbi.training.splitter import Fold
from common.paths import PROJECT_DIR, is_motherduck, resolve_db

log = logging.getLogger(__name__)


def artifact_root() -> Path:
    """Where fitted models and registry records go: $CBI_ARTIFACTS, else beside the database.

    Each database gets its own folder (data/cbi.duckdb -> data/artifacts/cbi/), so a test or
    benchmark database never touches the artifacts behind the user's forecasts.
    """
    if os.environ.get("CBI_ARTIFACTS"):
        return Path(os.environ["CBI_ARTIFACTS"])
    db = resolve_db()
    if is_motherduck(db):
        return PROJECT_DIR / "data" / "artifacts" / str(db).removeprefix("md:")
    return db.parent / "artifacts" / db.stem


@dataclass
class FitRecord:
    """Everything needed to reproduce or audit one fit."""

    level: str
    member: str
    horizon: str
    fold: int
    cutoff: str
    train_start: str
    train_end: str
    train_target_end: str
    train_rows: int
    features: list[str]
    hyperparameters: dict[str, Any]
    seed: int
    profile: str
    # rows_hash of the training rows (inputs and target values), part of the fit's identity.
    train_hash: str = ""
    artifact_path: str = ""
    # Seconds the fit took, and when (UTC): the run that fitted it, also for a reused fit.
    duration_s: float = 0.0
    fitted_at: str = ""
    # True when this run loaded the fit saved by an earlier run instead of fitting it.
    reused: bool = False
    fit_id: str = field(default="")

    def __post_init__(self) -> None:
        """Name the fit by what it learned from (see the module docstring) unless given."""
        if not self.fit_id:
            identity = [
                self.level,
                self.member,
                self.horizon,
                self.cutoff,
                self.profile,
                self.features,
                self.hyperparameters,
                self.seed,
                self.train_hash,
                library_versions(),
            ]
            key = json.dumps(identity, sort_keys=True, default=str)
            self.fit_id = hashlib.sha1(key.encode()).hexdigest()[:16]


# Distributions whose version can change what a fit learns (those installed count).
LEARNING_LIBRARIES = (
    "autogluon.tabular",
    "autogluon.timeseries",
    "lightgbm",
    "catboost",
    "xgboost",
    "xgboost-cpu",
    "statsforecast",
)


@functools.cache
def library_versions() -> dict[str, str]:
    """Python's and the learning libraries' versions, part of every fit's identity."""
    versions = {"python": platform.python_version()}
    for name in LEARNING_LIBRARIES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            continue
    return versions


def row_keys(frame: pd.DataFrame) -> pd.Series:
    """One 64-bit hash per row of `frame`'s values (column order counts), index kept.

    -0.0 counts as 0.0: a rebuild may give a feature rounded to zero the other sign (the sum
    behind it differs in its last bits), and no learner tells the two apart.
    """
    floats = frame.columns[[pd.api.types.is_float_dtype(t) for t in frame.dtypes]]
    if len(floats):
        frame = frame.copy()
        frame[floats] = frame[floats] + 0.0
    return pd.util.hash_pandas_object(frame, index=False)


def rows_hash(frame: pd.DataFrame) -> str:
    """A digest of a frame's column names and values, in row order: a fit's training rows."""
    digest = hashlib.sha256(json.dumps([str(c) for c in frame.columns]).encode())
    digest.update(row_keys(frame).to_numpy().tobytes())
    return digest.hexdigest()[:16]


def fit_record(
    *,
    level: str,
    member: str,
    horizon: str,
    fold: Fold,
    as_of_dates: pd.Series,
    target_dates: pd.Series,
    rows: int,
    features: list[str],
    hyperparameters: dict[str, Any],
    seed: int,
    profile: str,
    train_hash: str,
) -> FitRecord:
    """The record of one fit at `fold`'s cutoff on rows with these as-of and target dates."""
    return FitRecord(
        level=level,
        member=member,
        horizon=horizon,
        fold=fold.fold,
        cutoff=str(fold.cutoff.date()),
        train_start=str(as_of_dates.min().date()),
        train_end=str(as_of_dates.max().date()),
        train_target_end=str(target_dates.max().date()),
        train_rows=rows,
        features=features,
        hyperparameters=hyperparameters,
        seed=seed,
        profile=profile,
        train_hash=train_hash,
    )


def model_folder(record: FitRecord) -> Path:
    """Where a fit's learner may save its model: models/<fit_id> under the artifact folder."""
    return artifact_root() / "models" / record.fit_id


def save_record(record: FitRecord, started: float) -> None:
    """Stamp the fit's time (since `started`, perf_counter), date and folder; write the record.

    Only learners that save a model leave a folder (every learner of the pipeline does; a
    learner that saves nothing has no path and is fitted again by every run).
    """
    record.duration_s = round(time.perf_counter() - started, 3)
    record.fitted_at = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    folder = model_folder(record)
    record.artifact_path = str(folder) if folder.exists() else ""
    write_record(record)


Model = TypeVar("Model")
PREDICTIONS_FILE = "predictions.parquet"


def fit_or_load(
    record: FitRecord, fit: Callable[[Path], Model], load: Callable[[Path], Model] | None
) -> Model:
    """The model of `record`: loaded when an identical fit is saved (same fit_id), else fitted.

    `fit(folder)` fits and saves the model in an empty folder; `load(folder)` reads it back
    (None: the learner saves nothing and is always fitted). The record is written either way;
    a loaded fit keeps the duration and date of the run that fitted it and says `reused`. A
    saved fit that cannot be loaded is fitted again (logged).
    """
    folder = model_folder(record)
    earlier = _saved_record(record) if load is not None else None
    if earlier is not None and load is not None:
        try:
            model = load(folder)
        except Exception as exc:  # a damaged artifact is refitted, never fatal
            log.warning("registry: fit %s could not be loaded (%s); refitting", record.fit_id, exc)
        else:
            _mark_reused(record, earlier)
            return model
    shutil.rmtree(folder, ignore_errors=True)
    started = time.perf_counter()
    model = fit(folder)
    save_record(record, started)
    return model


def predict_reusing_fits(
    record: FitRecord,
    keys: pd.Series,
    fit: Callable[[Path], Model],
    load: Callable[[Path], Model] | None,
    predict: Callable[[Model, np.ndarray], pd.DataFrame],
) -> pd.DataFrame:
    """The fit's outputs for every row to predict; only new rows meet the model (`fit_or_load`).

    `keys`: one hash per row of the inputs the model sees (`row_keys`); `predict(model, mask)`
    returns numeric outputs for the masked rows. A saved fit keeps its outputs beside it, so a
    later run reads the rows it predicted before and loads the model only for new ones (a new
    as-of date); with nothing new the model is not even loaded.
    """
    folder = model_folder(record)
    earlier = _saved_record(record) if load is not None else None
    saved = _saved_predictions(folder) if earlier is not None else None
    todo = ~keys.isin(saved.index).to_numpy() if saved is not None else np.ones(len(keys), bool)
    if saved is not None and earlier is not None and not todo.any():
        _mark_reused(record, earlier)
        return saved.loc[keys.to_numpy()].reset_index(drop=True)
    model = fit_or_load(record, fit, load)
    if not record.reused:
        saved, todo = None, np.ones(len(keys), bool)
    fresh = predict(model, todo).set_axis(keys[todo].to_numpy())
    saved = fresh if saved is None else pd.concat([saved, fresh])
    saved = saved[~saved.index.duplicated(keep="last")]
    if load is not None and folder.is_dir():
        saved.rename_axis("row_key").to_parquet(folder / PREDICTIONS_FILE)
    return saved.loc[keys.to_numpy()].reset_index(drop=True)


def _saved_record(record: FitRecord) -> dict[str, Any] | None:
    """The stored record of an identical earlier fit whose model folder is still on disk."""
    path = artifact_root() / "registry" / f"{record.fit_id}.json"
    if not path.exists() or not model_folder(record).is_dir():
        return None
    return json.loads(path.read_text())


def _mark_reused(record: FitRecord, earlier: dict[str, Any]) -> None:
    """Record that this run reuses the earlier fit (its duration and date are kept)."""
    record.duration_s, record.fitted_at = earlier["duration_s"], earlier.get("fitted_at", "")
    record.reused, record.artifact_path = True, str(model_folder(record))
    write_record(record)


def _saved_predictions(folder: Path) -> pd.DataFrame | None:
    """Outputs a saved fit already computed, indexed by row key (None if there are none)."""
    path = folder / PREDICTIONS_FILE
    return pd.read_parquet(path) if path.exists() else None


def write_record(record: FitRecord) -> None:
    """Store one fit's record as JSON (overwrites the same fit from an earlier run)."""
    folder = artifact_root() / "registry"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{record.fit_id}.json").write_text(json.dumps(asdict(record), sort_keys=True))


def read_records(fit_ids: list[str]) -> pd.DataFrame:
    """Registry rows for the given fits; a missing record is an error naming the folder."""
    folder = artifact_root() / "registry"
    rows = []
    for fit_id in sorted(set(fit_ids)):
        path = folder / f"{fit_id}.json"
        if not path.exists():
            raise FileNotFoundError(f"no registry record {path}; rebuild the training models")
        row = json.loads(path.read_text())
        row["features"] = json.dumps(row["features"])
        row["hyperparameters"] = json.dumps(row["hyperparameters"], sort_keys=True)
        rows.append(row)
    return pd.DataFrame(rows)


def prune_artifacts(keep: set[str]) -> int:
    """Delete the models and records of fits not in `keep`; returns how many were removed.

    With refit `always` the latest refit's cutoff moves each day, so without pruning daily runs
    would leave a few dozen stale model folders behind. What the registry table of this run
    lists is kept; anything else is reproducible by rebuilding (seeds are fixed).
    """
    root = artifact_root()
    stale = {
        path.stem
        for folder in (root / "registry", root / "models")
        if folder.exists()
        for path in folder.iterdir()
    } - keep
    for fit_id in stale:
        (root / "registry" / f"{fit_id}.json").unlink(missing_ok=True)
        shutil.rmtree(root / "models" / fit_id, ignore_errors=True)
    if stale:
        log.info("registry: removed %d artifacts of fits no longer in use (%s)", len(stale), root)
    return len(stale)
