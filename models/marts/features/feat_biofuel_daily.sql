with

panel as (

    select * from {{ ref('int_futures_sessions_pivoted_to_trading_days') }}

),

spreads as (

    select
        *,
        zl_close_price / 100 * 7.5 - ho_close_price as boho_spread_usd_per_gal
    from panel

),

features as (

    select
        -- key
        trade_date,

        -- BOHO: soybean oil (7.5 lb/gal) minus heating oil
        ho_close_price as ho_close_usd_per_gal,
        {{ feature_round('boho_spread_usd_per_gal') }} as boho_spread_usd_per_gal,
        {{ feature_round(
            'boho_spread_usd_per_gal - lag(boho_spread_usd_per_gal, 5) over (order by trade_date)'
        ) }} as boho_spread_change_5d_usd_per_gal,
        {{ feature_round(
            'boho_spread_usd_per_gal - lag(boho_spread_usd_per_gal, 21) over (order by trade_date)'
        ) }} as boho_spread_change_21d_usd_per_gal,
        {{ rolling_zscore('boho_spread_usd_per_gal', 63) }} as boho_spread_zscore_63d,
        {{ rolling_zscore('boho_spread_usd_per_gal', 252) }} as boho_spread_zscore_252d,

        -- soybean oil vs heating oil returns
        {{ rolling_correlation('zl_log_return_1d_roll_free', 'ho_log_return_1d_roll_free', 63) }}
            as zl_ho_return_correlation_63d,

        -- provenance
        greatest(zl_age_days, ho_age_days) as boho_inputs_max_age_days,
        greatest(zl_available_at, ho_available_at) as available_at

    from spreads

)

select * from features
