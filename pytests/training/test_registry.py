"""The artifact folder: one per database, and pruned to the fits that back current predictions."""

from __future__ import annotations

from pathlib import Path

import pytest

from cbi.training.registry import FitRecord, artifact_root, prune_artifacts, write_record


def _record(cutoff: str) -> FitRecord:
    """constructed_*: a registry record for a fit that never ran (only its bookkeeping)."""
    return FitRecord(
        level="L0",
        member="bucket_crush",
        horizon="1w",
        fold=0,
        cutoff=cutoff,
        train_start="2020-01-02",
        train_end=cutoff,
        train_target_end=cutoff,
        train_rows=10,
        features=["f1"],
        hyperparameters={},
        seed=1,
        profile="fast",
    )


def test_artifacts_sit_beside_the_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CBI_ARTIFACTS", raising=False)
    monkeypatch.setenv("CBI_DB", str(tmp_path / "bench.duckdb"))
    assert artifact_root() == tmp_path / "artifacts" / "bench"


def test_prune_keeps_only_fits_in_use() -> None:
    # GIVEN yesterday's and today's final refits on disk
    old, new = _record("2024-12-27"), _record("2024-12-30")
    for record in (old, new):
        write_record(record)
        (artifact_root() / "models" / record.fit_id).mkdir(parents=True)
    # WHEN the registry of today's run keeps only today's fit
    removed = prune_artifacts({new.fit_id})
    # THEN yesterday's model folder and record are gone and today's are intact
    assert removed == 1
    assert not (artifact_root() / "models" / old.fit_id).exists()
    assert not (artifact_root() / "registry" / f"{old.fit_id}.json").exists()
    assert (artifact_root() / "models" / new.fit_id).exists()
    assert (artifact_root() / "registry" / f"{new.fit_id}.json").exists()
