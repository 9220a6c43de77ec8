"""L0: walk-forward AutoGluon quantile specialists, one per covered bucket and horizon."""

from cbi.training.buckets import bucket_frames
from cbi.training.profiles import WalkForwardPlan
from cbi.training.specialists import bucket_predictions
from cbi.training.tables import with_date_columns


def model(dbt, session):
    dbt.config(materialized="table")
    plan = WalkForwardPlan.from_configs(
        dbt.config.get("training_profile"),
        dbt.config.get("backtest_start"),
        dbt.config.get("backtest_end"),
        dbt.config.get("refit"),
    )
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
    return with_date_columns(
        bucket_predictions(
            dbt.ref("zl_targets").df(),
            dbt.ref("feat_core_daily").df(),
            buckets,
            dbt.ref("bucket_coverage").df(),
            plan,
        )
    )
