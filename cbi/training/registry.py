"""Model registry: one JSON record per fit under the artifact folder, read back by dbt.

Fitting models return predictions carrying a `fit_id`; `training.model_registry` collects the
records of exactly those fits, so the registry always matches the tables built in the same run.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from cbi.paths import PROJECT_DIR


def artifact_root() -> Path:
    """Where fitted models and registry records go: $CBI_ARTIFACTS, else data/artifacts."""
    return Path(os.environ.get("CBI_ARTIFACTS") or PROJECT_DIR / "data" / "artifacts")


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
        if not self.fit_id:
            key = f"{self.level}|{self.member}|{self.horizon}|{self.cutoff}|{self.profile}"
            self.fit_id = hashlib.sha1(key.encode()).hexdigest()[:16]


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
