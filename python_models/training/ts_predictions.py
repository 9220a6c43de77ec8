"""Time-series member: walk-forward AutoGluon TimeSeriesPredictor with local models only."""

from cbi.training.profiles import get_profile
from cbi.training.tables import with_date_columns
from cbi.training.timeseries import ts_predictions


def model(dbt, session):
    dbt.config(materialized="table")
    profile = get_profile(dbt.config.get("training_profile"))
    start = dbt.config.get("backtest_start") or profile.walk_forward_start
    end = dbt.config.get("backtest_end") or None
    return with_date_columns(
        ts_predictions(
            dbt.ref("zl_targets").df(), dbt.ref("feat_core_daily").df(), profile, start, end
        )
    )
