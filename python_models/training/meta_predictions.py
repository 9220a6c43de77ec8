"""L1: walk-forward volatility-regime weighting of the L0 buckets (see cbi.training.meta)."""

from cbi.training.pipeline import meta_predictions
from cbi.training.profiles import get_profile
from cbi.training.tables import with_date_columns


def model(dbt, session):
    dbt.config(materialized="table")
    profile = get_profile(dbt.config.get("training_profile"))
    start = dbt.config.get("backtest_start") or profile.walk_forward_start
    end = dbt.config.get("backtest_end") or None
    return with_date_columns(
        meta_predictions(
            dbt.ref("bucket_predictions").df(),
            dbt.ref("zl_targets").df(),
            dbt.ref("feat_core_daily").df(),
            profile,
            start,
            end,
        )
    )
