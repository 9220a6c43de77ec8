with

panel as (

    select * from {{ ref('int_futures_sessions_pivoted_to_trading_days') }}

),

fred as (

    select * from {{ ref('int_fred_series_pivoted_to_trading_days') }}

),

zl_cot as (

    select * from {{ ref('int_cot_reports_joined_asof') }}
    where market_prefix = 'zl'

),

realised as (

    select
        panel.*,
        {{ realised_volatility('panel.zl_log_return_1d_roll_free', 21, 'panel.trade_date') }}
            as zl_realised_vol_21d,
        fred.vixcls_value as vix_index_points,
        fred.vixcls_age_days as vix_age_days,
        fred.vixcls_available_at as vix_available_at,
        zl_cot.managed_money_net_contracts as zl_cot_managed_money_net_contracts,
        zl_cot.managed_money_net_pct_oi as zl_cot_managed_money_net_pct_oi,
        zl_cot.managed_money_net_pct_oi_percentile_3y
            as zl_cot_managed_money_net_pct_oi_percentile_3y,
        zl_cot.managed_money_net_change_1w_contracts
            as zl_cot_managed_money_net_change_1w_contracts,
        zl_cot.producer_merchant_net_contracts as zl_cot_producer_merchant_net_contracts,
        zl_cot.producer_merchant_net_pct_oi as zl_cot_producer_merchant_net_pct_oi,
        zl_cot.report_age_days as zl_cot_report_age_days,
        zl_cot.available_at as zl_cot_available_at
    from panel
    left join fred on panel.trade_date = fred.trade_date
    left join zl_cot on panel.trade_date = zl_cot.trade_date

),

features as (

    select
        -- key
        trade_date,

        -- close-to-close realised volatility, annualised
        {{ realised_volatility('zl_log_return_1d_roll_free', 5) }} as zl_realised_vol_5d,
        zl_realised_vol_21d,
        {{ realised_volatility('zl_log_return_1d_roll_free', 63) }} as zl_realised_vol_63d,
        {{ realised_volatility('zl_log_return_1d_roll_free', 252) }} as zl_realised_vol_252d,

        -- range-based (Parkinson) volatility, annualised
        {{ parkinson_volatility('zl_adj_high_price', 'zl_adj_low_price', 21) }}
            as zl_parkinson_vol_21d,
        {{ parkinson_volatility('zl_adj_high_price', 'zl_adj_low_price', 63) }}
            as zl_parkinson_vol_63d,

        -- volatility of volatility and regime
        {{ rolling_standard_deviation('zl_realised_vol_21d', 63) }} as zl_vol_of_vol_63d,
        {{ rolling_zscore('zl_realised_vol_21d', 252) }} as zl_realised_vol_21d_zscore_252d,

        -- VIX close (FRED VIXCLS), index points
        vix_index_points,
        {{ feature_round(
            'vix_index_points - lag(vix_index_points, 5) over (order by trade_date)'
        ) }} as vix_change_5d_points,
        {{ rolling_zscore('vix_index_points', 252) }} as vix_zscore_252d,
        vix_age_days,

        -- CFTC COT (disaggregated futures-only) positioning in soybean oil
        zl_cot_managed_money_net_contracts,
        zl_cot_managed_money_net_pct_oi,
        zl_cot_managed_money_net_pct_oi_percentile_3y,
        zl_cot_managed_money_net_change_1w_contracts,
        zl_cot_producer_merchant_net_contracts,
        zl_cot_producer_merchant_net_pct_oi,
        zl_cot_report_age_days,

        -- provenance
        greatest(zl_available_at, vix_available_at, zl_cot_available_at) as available_at

    from realised

)

select * from features
