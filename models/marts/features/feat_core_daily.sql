{%- set zl = var('calendar_symbol') -%}

with

zl_panel as (

    select * from {{ ref('int_futures_sessions_joined_asof') }}
    where symbol = '{{ zl }}'

),

price_changes as (

    select
        *,
        adj_close_price - lag(adj_close_price) over (order by trade_date) as adj_close_change,
        lag(adj_close_price) over (order by trade_date) as previous_adj_close_price
    from zl_panel

),

smoothing_inputs as (

    select
        *,
        case
            when adj_close_change > 0 then adj_close_change
            when adj_close_change <= 0 then 0.0
        end as gain,
        case
            when adj_close_change < 0 then -adj_close_change
            when adj_close_change >= 0 then 0.0
        end as loss,
        {{ true_range('adj_high_price', 'adj_low_price', 'previous_adj_close_price') }}
            as true_range
    from price_changes

),

smoothed as (

    select
        *,
        {{ wilder_average('gain', 14) }} as average_gain_14,  -- noqa: LT02
        {{ wilder_average('loss', 14) }} as average_loss_14,
        {{ wilder_average('true_range', 14) }} as average_true_range_14,
        {{ exponential_average('adj_close_price', 12) }} as ema_12,
        {{ exponential_average('adj_close_price', 26) }} as ema_26
    from smoothing_inputs

),

macd_lines as (

    select
        *,
        100 * (ema_12 - ema_26) / ema_26 as macd_line_pct
    from smoothed

),

macd_signals as (

    select
        *,
        {{ exponential_average('macd_line_pct', 9) }} as macd_signal_pct  -- noqa: LT02
    from macd_lines

),

features as (

    select
        -- key
        trade_date,

        -- level
        close_price as zl_close_cents_per_lb,

        -- roll-free log returns
        {{ feature_round('log_return_1d_roll_free') }} as zl_log_return_1d,
        {{ log_return_over_window('adj_close_price', 5) }} as zl_log_return_5d,
        {{ log_return_over_window('adj_close_price', 21) }} as zl_log_return_21d,
        {{ log_return_over_window('adj_close_price', 63) }} as zl_log_return_63d,

        -- trend
        {{ moving_average_distance('adj_close_price', 10) }} as zl_sma_distance_10d,
        {{ moving_average_distance('adj_close_price', 50) }} as zl_sma_distance_50d,
        {{ moving_average_distance('adj_close_price', 200) }} as zl_sma_distance_200d,
        {{ feature_round('macd_line_pct') }} as zl_macd_line_12_26_pct,
        {{ feature_round('macd_signal_pct') }} as zl_macd_signal_9_pct,
        {{ feature_round('macd_line_pct - macd_signal_pct') }} as zl_macd_histogram_pct,

        -- oscillators
        {{ relative_strength_index('average_gain_14', 'average_loss_14') }} as zl_rsi_wilder_14,
        {{ bollinger_percent_b('adj_close_price', 20, 2) }} as zl_bollinger_percent_b_20d,

        -- range and activity
        {{ feature_round('100 * average_true_range_14 / adj_close_price') }}
            as zl_atr_wilder_14_pct,
        {{ feature_round('average_true_range_14 / adj_close_price * close_price') }}
            as zl_atr_wilder_14_cents_per_lb,
        {{ rolling_zscore('ln(1 + volume)', 21) }} as zl_log_volume_zscore_21d,

        -- provenance
        age_days as zl_age_days,
        available_at

    from macd_signals

)

select * from features
