"""Walk-forward scores by member, horizon and as-of year (plus 'all'), in cents/lb."""

from cbi.training.metrics import summarize


def model(dbt, session):
    dbt.config(materialized="table")
    return summarize(dbt.ref("zl_backtest").df())
