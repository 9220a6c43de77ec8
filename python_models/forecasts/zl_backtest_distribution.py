"""The walk-forward forecast distribution: seven calibrated quantiles per as-of date and
horizon, with the realised price (cbi.risk.distribution)."""

from cbi.risk.distribution import backtest_distribution
from cbi.training.profiles import get_profile
from cbi.training.tables import with_date_columns


def model(dbt, session):
    dbt.config(materialized="table")
    return with_date_columns(
        backtest_distribution(
            dbt.ref("zl_backtest").filter("member = 'ensemble'").df(),
            dbt.ref("zl_targets").df(),
            dbt.ref("feat_core_daily").df(),
            get_profile(dbt.config.get("training_profile")),
        )
    )
