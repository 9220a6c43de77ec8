with

panel as (

    select * from {{ ref('int_futures_sessions_pivoted_to_trading_days') }}

),

rin_prices as (

    select * from {{ ref('int_rin_prices_joined_asof') }}

),

rin_generation as (

    select * from {{ ref('int_rin_generation_joined_asof') }}

),

spreads as (

    select
        panel.*,
        panel.zl_close_price / 100 * 7.5 - panel.ho_close_price as boho_spread_usd_per_gal,
        rin_prices.d4_rin_price_usd_per_rin,
        rin_prices.d6_rin_price_usd_per_rin,
        rin_prices.d4_rin_price_change_4w_usd_per_rin,
        rin_prices.d6_rin_price_change_4w_usd_per_rin,
        rin_prices.rin_price_age_days,
        rin_prices.rin_prices_available_at,
        rin_generation.d4_rin_generation_ytd_yoy_pct,
        rin_generation.d6_rin_generation_ytd_yoy_pct,
        rin_generation.rin_generation_available_at
    from panel
    left join rin_prices on panel.trade_date = rin_prices.trade_date
    left join rin_generation on panel.trade_date = rin_generation.trade_date

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

        -- EPA RIN prices (weekly, published monthly), US dollars per RIN
        d4_rin_price_usd_per_rin,
        d6_rin_price_usd_per_rin,
        {{ feature_round('d4_rin_price_usd_per_rin - d6_rin_price_usd_per_rin') }}
            as d4_minus_d6_rin_price_usd_per_rin,
        {{ feature_round('d4_rin_price_change_4w_usd_per_rin') }}
            as d4_rin_price_change_4w_usd_per_rin,
        {{ feature_round('d6_rin_price_change_4w_usd_per_rin') }}
            as d6_rin_price_change_4w_usd_per_rin,
        rin_price_age_days,

        -- EPA RIN generation, year to date vs a year earlier (monthly vintages)
        d4_rin_generation_ytd_yoy_pct,
        d6_rin_generation_ytd_yoy_pct,

        -- provenance
        greatest(zl_age_days, ho_age_days) as boho_inputs_max_age_days,
        greatest(
            zl_available_at, ho_available_at, rin_prices_available_at, rin_generation_available_at
        ) as available_at

    from spreads

)

select * from features
