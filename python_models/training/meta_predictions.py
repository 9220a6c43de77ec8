"""L1: walk-forward volatility-regime weighting of the L0 buckets (see cbi.training.meta)."""

from cbi.training.meta import meta_predictions
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
    return with_date_columns(
        meta_predictions(
            dbt.ref("bucket_predictions").df(),
            dbt.ref("zl_targets").df(),
            dbt.ref("feat_core_daily").df(),
            plan,
        )
    )
