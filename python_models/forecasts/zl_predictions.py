"""The live forecast: the ensemble at the latest as-of date, per horizon, with bucket drivers;
P10/P50/P90 are the calibrated distribution's 10/50/90 % rows (cbi.risk.distribution)."""

from cbi.risk.distribution import published_quantiles
from cbi.training.forecast import latest_forecast
from cbi.training.profiles import get_profile
from cbi.training.tables import with_date_columns


def model(dbt, session):
    dbt.config(materialized="table")
    profile = get_profile(dbt.config.get("training_profile"))
    forecast = latest_forecast(
        dbt.ref("zl_backtest").df(),
        dbt.ref("meta_predictions").df(),
        dbt.ref("zl_targets").df(),
        profile,
    )
    return with_date_columns(
        published_quantiles(forecast, dbt.ref("zl_backtest_distribution").df())
    )
