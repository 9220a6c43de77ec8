"""The Python training chain on data cut at T: L0, the GBM baseline, the yardsticks, L1 and
the L2 assembly give every as-of date before T the prediction they give on the full data.

The marts are covered by `pytests/features/test_feature_truncation.py`; here the marts of the
session database are cut as a rebuild at T would leave them (rows up to T, an outcome or
target date after T unknown) and the chain runs on both. Kept small to stay fast: the Fed
bucket (covered offline), 1w and 1m, ten boosting rounds, refits from 2023. The time-series
member is left out (it forecasts the index series; its folds are checked by the dbt
walk-forward test). A leaky training mask planted by monkeypatch makes it fail.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pandas as pd
import pytest

from cbi.training import QUANTILE_COLUMNS
from cbi.training.ensemble import assemble_backtest
from cbi.training.members.baselines import baseline_predictions
from cbi.training.members.yardsticks import yardstick_predictions
from cbi.training.meta import meta_predictions
from cbi.training.profiles import WalkForwardPlan, get_profile
from cbi.training.specialists import bucket_predictions
from cbi.training.splitter import Fold
from common.db import connect_read_only

BUCKET = "fed"
HORIZONS = ("1w", "1m")
PROFILE = dataclasses.replace(
    get_profile("fast"),
    name="truncation-test",
    walk_forward_start="2023-01-01",
    l0_hyperparameters={"GBM": {"num_boost_round": 10}},
    baseline_rounds=10,
)


def read_marts(db: Path) -> dict[str, pd.DataFrame]:
    con = connect_read_only(db, "test")
    try:
        targets = con.sql(f"select * from marts.zl_targets where horizon in {HORIZONS!r}").df()
        return {
            "targets": targets,
            "core": con.sql("select * from marts.feat_core_daily").df(),
            "bucket": con.sql(f"select * from marts.feat_{BUCKET}_daily").df(),
        }
    finally:
        con.close()


def cut_at(marts: dict[str, pd.DataFrame], cut: pd.Timestamp) -> dict[str, pd.DataFrame]:
    """The marts as a rebuild on data up to `cut` leaves them: no row after it, and a target
    whose date is after it has neither a date (the calendar ends at the cut) nor an outcome."""
    out = {
        name: frame[pd.to_datetime(frame["trade_date"]) <= cut].copy()
        for name, frame in marts.items()
    }
    targets = out["targets"]
    unknown = pd.to_datetime(targets["target_date"]) > cut
    outcome = [c for c in targets.columns if c.startswith("target_") and c != "target_date"]
    targets.loc[unknown, outcome] = None
    targets["target_date"] = pd.to_datetime(targets["target_date"]).mask(unknown)
    return out


def chain(marts: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """L0, members (yardsticks + baseline), L1 and the L2 backtest on these marts."""
    plan = WalkForwardPlan(PROFILE, PROFILE.walk_forward_start)
    targets, core = marts["targets"], marts["core"]
    buckets = {BUCKET: marts["bucket"]}
    coverage = pd.DataFrame({"bucket": [BUCKET], "bucket_trained": [True]})
    l0 = bucket_predictions(targets, core, buckets, coverage, plan)
    members = pd.concat(
        [
            yardstick_predictions(targets, core),
            baseline_predictions(targets, core, buckets, coverage, plan),
        ],
        ignore_index=True,
    )
    meta = meta_predictions(l0, targets, core, plan)
    backtest = assemble_backtest(l0, members, meta, targets, core, plan)
    return {
        "L0": l0.drop(columns=["target_date"]),
        "members": members.drop(columns=["target_date"]),
        "L1": meta.drop(columns=["target_date"]),
        "L2": backtest[["as_of_date", "horizon", "member", *QUANTILE_COLUMNS, "l2_weight"]],
    }


def before(frame: pd.DataFrame, cut: pd.Timestamp) -> pd.DataFrame:
    rows = frame[pd.to_datetime(frame["as_of_date"]) < cut]
    keys = [c for c in ("bucket", "member", "horizon", "as_of_date") if c in rows.columns]
    return rows.sort_values(keys).reset_index(drop=True)


def differences(full: dict[str, pd.DataFrame], cut: dict[str, pd.DataFrame], at) -> list[str]:
    """The tables whose rows before `at` differ between the two runs."""
    changed = []
    for name, first in full.items():
        a, b = before(first, at), before(cut[name], at)
        assert len(a) > 0, name
        assert len(first) > len(a), f"{name}: nothing after the cut, the test would be vacuous"
        try:
            pd.testing.assert_frame_equal(a, b, check_dtype=False)
        except AssertionError:
            changed.append(name)
    return changed


@pytest.fixture(scope="module")
def marts(built_db) -> dict[str, pd.DataFrame]:
    return read_marts(built_db[0])


# Two weeks after the 2023 year-end refit (its training window ends at the cutoff), and
# mid-2024 between refits; the L1 and L2 windows span both.
CUTS = ["2024-01-12", "2024-06-14"]


@pytest.mark.parametrize("cut", CUTS)
def test_the_chain_before_t_does_not_change_when_the_data_stop_at_t(marts, cut) -> None:
    at = pd.Timestamp(cut)
    assert differences(chain(marts), chain(cut_at(marts, at)), at) == []


def test_a_leaky_training_window_is_caught(marts, monkeypatch) -> None:
    # GIVEN a planted defect: every fold also learns from outcomes of the 21 days after its
    # cutoff (what a target-date filter on the as-of date instead would do)
    from cbi.training import walkforward

    def leaky(frame: pd.DataFrame, fold: Fold) -> pd.Series:
        late = fold.cutoff + pd.Timedelta(days=21)
        return (frame["trade_date"] <= fold.cutoff) & (frame["target_date"] <= late)

    monkeypatch.setattr(walkforward, "train_mask", leaky)
    at = pd.Timestamp(CUTS[0])
    # THEN the cut run, which cannot see those outcomes, disagrees before T
    assert "L0" in differences(chain(marts), chain(cut_at(marts, at)), at)
