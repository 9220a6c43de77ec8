"""What moved the price: ZL's 1w/1m/3m move split into the eight buckets and a remainder."""

from cbi.drivers.attribution import attribution_table, input_frame
from cbi.training.tables import with_date_columns


def model(dbt, session):
    dbt.config(materialized="table")
    relations = {
        "int_futures_sessions_pivoted_to_trading_days": dbt.ref(
            "int_futures_sessions_pivoted_to_trading_days"
        ),
        "feat_china_daily": dbt.ref("feat_china_daily"),
        "feat_fx_daily": dbt.ref("feat_fx_daily"),
        "feat_fed_daily": dbt.ref("feat_fed_daily"),
        "feat_tariff_daily": dbt.ref("feat_tariff_daily"),
        "feat_biofuel_daily": dbt.ref("feat_biofuel_daily"),
        "feat_volatility_daily": dbt.ref("feat_volatility_daily"),
    }
    return with_date_columns(attribution_table(input_frame(relations)))
