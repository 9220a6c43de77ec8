with

panel as (

    select * from {{ ref('int_futures_sessions_pivoted_to_trading_days') }}

),

realised as (

    select
        *,
        {{ realised_volatility('zl_log_return_1d_roll_free', 21) }} as zl_realised_vol_21d
    from panel

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

        -- provenance
        zl_available_at as available_at

    from realised

)

select * from features
