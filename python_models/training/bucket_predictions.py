"""L0: walk-forward AutoGluon quantile specialists, one per covered bucket and horizon."""

from cbi.training.pipeline import bucket_predictions
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
    return with_date_columns(
        bucket_predictions(
            dbt.ref("zl_targets").df(),
            dbt.ref("feat_core_daily").df(),
            buckets,
            dbt.ref("bucket_coverage").df(),
            plan,
        )
    )
