"""Model registry: one JSON record per fit under the artifact folder, read back by dbt.

Fitting models return predictions carrying a `fit_id`; `training.model_registry` collects the
records of exactly those fits, so the registry always matches the tables built in the same run.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

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
    artifact_path: str = ""
    duration_s: float = 0.0
    fit_id: str = field(default="")

    def __post_init__(self) -> None:
        """Name the fit by what it is (level, member, horizon, cutoff, profile) unless given."""
        if not self.fit_id:
            key = f"{self.level}|{self.member}|{self.horizon}|{self.cutoff}|{self.profile}"
            self.fit_id = hashlib.sha1(key.encode()).hexdigest()[:16]


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
    )


def model_folder(record: FitRecord) -> Path:
    """Where a fit's learner may save its model: models/<fit_id> under the artifact folder."""
    return artifact_root() / "models" / record.fit_id


def save_record(record: FitRecord, started: float) -> None:
    """Stamp the time since `started` (perf_counter) and the model folder, then write the record.

    Only learners that save a model (AutoGluon, L1's weights) leave a folder; the direct GBM
    baselines keep nothing on disk (the record and fixed seed reproduce them): no path then.
    """
    record.duration_s = round(time.perf_counter() - started, 3)
    folder = model_folder(record)
    record.artifact_path = str(folder) if folder.exists() else ""
    write_record(record)


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

    Every run refits (the latest refit's cutoff moves each day), so without pruning a daily run
    would leave a few dozen stale model folders behind every morning. What the registry table
    of this run lists is kept; anything else is reproducible by rebuilding (seeds are fixed).
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
