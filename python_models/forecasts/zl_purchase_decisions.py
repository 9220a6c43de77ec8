"""Buy-or-wait decisions on every as-of date of the ensemble's 1m forecast, and what each paid."""

from cbi.guidance import HORIZON, Rule, purchase_decisions
from cbi.training.tables import with_date_columns


def model(dbt, session):
    dbt.config(materialized="table")
    rule = Rule(
        carry=float(dbt.config.get("purchase_carry_per_month")),
        risk_limit=float(dbt.config.get("purchase_risk_limit")),
    )
    ensemble = dbt.ref("zl_backtest").filter(f"member = 'ensemble' and horizon = '{HORIZON}'")
    live = dbt.ref("zl_predictions").filter(f"horizon = '{HORIZON}'")
    return with_date_columns(purchase_decisions(ensemble.df(), live.df(), rule))
