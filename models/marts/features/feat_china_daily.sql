with

panel as (

    select * from {{ ref('int_futures_sessions_pivoted_to_trading_days') }}

),

features as (

    select
        -- key
        trade_date,

        -- copper level and momentum (roll-free)
        hg_close_price as hg_close_usd_per_lb,
        {{ log_return_over_window('hg_adj_close_price', 5) }} as hg_log_return_5d,
        {{ log_return_over_window('hg_adj_close_price', 21) }} as hg_log_return_21d,
        {{ log_return_over_window('hg_adj_close_price', 63) }} as hg_log_return_63d,
        {{ moving_average_distance('hg_adj_close_price', 50) }} as hg_sma_distance_50d,

        -- copper vs soybeans: daily roll-free returns
        {{ rolling_correlation('hg_log_return_1d_roll_free', 'zs_log_return_1d_roll_free', 63) }}
            as hg_zs_return_correlation_63d,
        {{ rolling_beta('zs_log_return_1d_roll_free', 'hg_log_return_1d_roll_free', 63) }}
            as zs_hg_return_beta_63d,

        -- provenance
        hg_age_days,
        greatest(hg_available_at, zs_available_at) as available_at

    from panel

)

select * from features
