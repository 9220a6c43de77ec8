{%- set currencies = ['brl', 'eur', 'jpy'] -%}

with

panel as (

    select * from {{ ref('int_futures_sessions_pivoted_to_trading_days') }}

),

features as (

    select
        -- key
        trade_date,
        {%- for ccy in currencies %}

        -- {{ ccy | upper }}: US dollars per unit, roll-free returns, z-scores
            {{ ccy }}_close_price as {{ ccy }}_close_usd_per_unit,
            {{ feature_round(ccy ~ '_log_return_1d_roll_free') }} as {{ ccy }}_log_return_1d,
            {{ log_return_over_window(ccy ~ '_adj_close_price', 5) }} as {{ ccy }}_log_return_5d,
            {{ log_return_over_window(ccy ~ '_adj_close_price', 21) }} as {{ ccy }}_log_return_21d,
            {{ rolling_zscore(ccy ~ '_adj_close_price', 63) }} as {{ ccy }}_adj_close_zscore_63d,
            {{ rolling_zscore(ccy ~ '_adj_close_price', 252) }} as {{ ccy }}_adj_close_zscore_252d,
            {{ rolling_correlation('zl_log_return_1d_roll_free', ccy ~ '_log_return_1d_roll_free', 63) }}
                as zl_{{ ccy }}_return_correlation_63d,
            {{ ccy }}_age_days,
        {%- endfor %}

        -- provenance
        greatest(
            {%- for ccy in currencies %}{{ ccy }}_available_at, {% endfor -%}
            zl_available_at
        ) as available_at

    from panel

)

select * from features
