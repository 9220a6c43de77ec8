"""Yardsticks (RW-empirical, RW-vol) and GBM baselines on all covered features, walk-forward."""

import pandas as pd

from cbi.training.pipeline import baseline_predictions, yardstick_predictions
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
    buckets = {
        "crush": dbt.ref("feat_crush_daily").df(),
        "china": dbt.ref("feat_china_daily").df(),
        "fx": dbt.ref("feat_fx_daily").df(),
        "fed": dbt.ref("feat_fed_daily").df(),
        "tariff": dbt.ref("feat_tariff_daily").df(),
        "biofuel": dbt.ref("feat_biofuel_daily").df(),
        "energy": dbt.ref("feat_energy_daily").df(),
        "volatility": dbt.ref("feat_volatility_daily").df(),
    }
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
