"""Every walk-forward prediction of every member and the L2 ensemble, in cents/lb."""

import pandas as pd

from cbi.training.ensemble import assemble_backtest
from cbi.training.profiles import WalkForwardPlan
from cbi.training.tables import with_date_columns


def model(dbt, session):
    dbt.config(materialized="table")
    plan = WalkForwardPlan.from_configs(
        dbt.config.get("training_profile"),
        dbt.config.get("backtest_start"),
        dbt.config.get("backtest_end"),
    )
    members = dbt.ref("member_predictions").df()
    series = dbt.ref("ts_predictions").df()
    return with_date_columns(
        assemble_backtest(
            dbt.ref("bucket_predictions").df(),
            pd.concat([members, series], ignore_index=True),
            dbt.ref("meta_predictions").df(),
            dbt.ref("zl_targets").df(),
            dbt.ref("feat_core_daily").df(),
            plan,
        )
    )
