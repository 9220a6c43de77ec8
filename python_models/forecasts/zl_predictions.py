"""The live forecast: the ensemble at the latest as-of date, per horizon, with bucket drivers."""

from cbi.training.forecast import latest_forecast
from cbi.training.profiles import get_profile
from cbi.training.tables import with_date_columns


def model(dbt, session):
    dbt.config(materialized="table")
    profile = get_profile(dbt.config.get("training_profile"))
    return with_date_columns(
        latest_forecast(
            dbt.ref("zl_backtest").df(),
            dbt.ref("meta_predictions").df(),
            dbt.ref("zl_targets").df(),
            profile,
        )
    )
