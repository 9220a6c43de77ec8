"""The live forecast distribution: the walk-forward distribution at the live forecast's as-of
date, with its target dates (cbi.risk.distribution)."""

from cbi.risk.distribution import live_distribution
from cbi.training.tables import with_date_columns


def model(dbt, session):
    dbt.config(materialized="table")
    return with_date_columns(
        live_distribution(dbt.ref("zl_backtest_distribution").df(), dbt.ref("zl_predictions").df())
    )
