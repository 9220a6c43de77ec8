with

panel as (

    select * from {{ ref('int_futures_sessions_pivoted_to_trading_days') }}

),

rates as (

    select
        *,
        100 - zq_close_price as zq_implied_rate_pct,
        ln(zq_adj_close_price / lag(zq_adj_close_price, 21) over (order by trade_date))
            as zq_log_return_21d,
        ln(zt_adj_close_price / lag(zt_adj_close_price, 21) over (order by trade_date))
            as zt_log_return_21d,
        ln(zn_adj_close_price / lag(zn_adj_close_price, 21) over (order by trade_date))
            as zn_log_return_21d
    from panel

),

features as (

    select
        -- key
        trade_date,

        -- fed funds futures: implied rate and its roll-free change
        {{ feature_round('zq_implied_rate_pct') }} as zq_implied_rate_pct,
        {{ feature_round('-zq_close_price * (1 - exp(-zq_log_return_21d))') }}
            as zq_implied_rate_change_21d_pp,

        -- treasury note futures: roll-free returns
        {{ feature_round('zt_log_return_1d_roll_free') }} as zt_log_return_1d,
        {{ log_return_over_window('zt_adj_close_price', 5) }} as zt_log_return_5d,
        {{ feature_round('zt_log_return_21d') }} as zt_log_return_21d,
        {{ feature_round('zn_log_return_1d_roll_free') }} as zn_log_return_1d,
        {{ log_return_over_window('zn_adj_close_price', 5) }} as zn_log_return_5d,
        {{ feature_round('zn_log_return_21d') }} as zn_log_return_21d,

        -- slope proxy: 2-year minus 10-year futures return (positive = curve steepened)
        {{ feature_round('zt_log_return_21d - zn_log_return_21d') }}
            as zt_minus_zn_log_return_21d,
        {{ rolling_zscore('zn_adj_close_price', 252) }} as zn_adj_close_zscore_252d,

        -- provenance
        greatest(zq_age_days, zt_age_days, zn_age_days) as rates_inputs_max_age_days,
        greatest(zq_available_at, zt_available_at, zn_available_at) as available_at

    from rates

)

select * from features
