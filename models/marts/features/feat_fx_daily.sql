{%- set currencies = ['brl', 'eur', 'jpy'] -%}

with

panel as (

    select * from {{ ref('int_futures_sessions_pivoted_to_trading_days') }}

),

fred as (

    select * from {{ ref('int_fred_series_pivoted_to_trading_days') }}

),

with_fred as (

    select
        panel.*,
        fred.dexbzus_value as brl_per_usd,
        fred.dexchus_value as cny_per_usd,
        fred.dtwexbgs_value as broad_dollar_index,
        greatest(fred.dexbzus_age_days, fred.dexchus_age_days, fred.dtwexbgs_age_days)
            as fred_fx_max_age_days,
        greatest(
            fred.dexbzus_available_at, fred.dexchus_available_at, fred.dtwexbgs_available_at
        ) as fred_fx_available_at
    from panel
    left join fred on panel.trade_date = fred.trade_date

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

        -- FRED (H.10, published weekly): units of foreign currency per US dollar, the broad
        -- dollar index (January 2006 = 100); a rise means a stronger dollar
        {%- for level in ['brl_per_usd', 'cny_per_usd', 'broad_dollar_index'] %}
            {{ level }},
            {{ log_return_over_window(level, 21) }} as {{ level }}_log_return_21d,
        {%- endfor %}
        {{ rolling_zscore('broad_dollar_index', 252) }} as broad_dollar_index_zscore_252d,
        fred_fx_max_age_days,

        -- provenance
        greatest(
            {%- for ccy in currencies %}{{ ccy }}_available_at, {% endfor -%}
            zl_available_at, fred_fx_available_at
        ) as available_at

    from with_fred

)

select * from features
