"""Yardsticks (RW-empirical, RW-vol) and GBM baselines on all covered features, walk-forward."""

import pandas as pd

from cbi.training.buckets import bucket_frames
from cbi.training.members.baselines import baseline_predictions
from cbi.training.members.yardsticks import yardstick_predictions
from cbi.training.profiles import WalkForwardPlan
from cbi.training.tables import with_date_columns


def model(dbt, session):
    dbt.config(materialized="table")
    plan = WalkForwardPlan.from_configs(
        dbt.config.get("training_profile"),
        dbt.config.get("backtest_start"),
        dbt.config.get("backtest_end"),
        dbt.config.get("refit"),
    )
    targets = dbt.ref("zl_targets").df()
    core = dbt.ref("feat_core_daily").df()
    # Every bucket's mart in seed `buckets` order, each named so dbt sees it (cbi.training.buckets).
    buckets = bucket_frames(
        (
            dbt.ref("feat_crush_daily"),
            dbt.ref("feat_china_daily"),
            dbt.ref("feat_fx_daily"),
            dbt.ref("feat_fed_daily"),
            dbt.ref("feat_tariff_daily"),
            dbt.ref("feat_biofuel_daily"),
            dbt.ref("feat_energy_daily"),
            dbt.ref("feat_volatility_daily"),
        )
    )
    coverage = dbt.ref("bucket_coverage").df()
    return with_date_columns(
        pd.concat(
            [
                yardstick_predictions(targets, core),
                baseline_predictions(targets, core, buckets, coverage, plan),
            ],
            ignore_index=True,
        )
    )
