"""Shared constructed frames for the training tests (synthetic, not market data)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest

from cbi.training.splitter import Fold
from cbi.training.walkforward import Fitter, walk_forward


@pytest.fixture
def constructed_panel() -> pd.DataFrame:
    """constructed_*: a synthetic one-horizon panel (h=5) on business days, with two features."""
    rng = np.random.default_rng(7)
    dates = pd.bdate_range("2018-01-01", "2021-12-31")
    h = 5
    frame = pd.DataFrame({"trade_date": dates})
    frame["target_date"] = frame["trade_date"].shift(-h)
    frame["f1"] = rng.normal(size=len(frame))
    frame["f2"] = rng.normal(size=len(frame))
    frame["y"] = 0.3 * frame["f1"] + rng.normal(size=len(frame))
    frame.loc[frame["target_date"].isna(), "y"] = np.nan
    frame["scale"] = 0.02
    return frame


@pytest.fixture
def walk_constructed(constructed_panel) -> Callable[..., pd.DataFrame]:
    """walk_forward on the constructed panel's two features, as a 1w test-level member."""

    def run(folds: list[Fold], fitter: Fitter, member: str, seed: int = 1) -> pd.DataFrame:
        return walk_forward(
            constructed_panel,
            ["f1", "f2"],
            folds,
            fitter,
            level="test",
            member=member,
            horizon="1w",
            hyperparameters={},
            seed=seed,
            profile="test",
        )

    return run


@pytest.fixture(autouse=True)
def constructed_artifacts(tmp_path, monkeypatch):
    """Registry records and models of test fits go to a temporary folder."""
    monkeypatch.setenv("CBI_ARTIFACTS", str(tmp_path / "artifacts"))
