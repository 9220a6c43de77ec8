{%- set panel_columns = [
    'close_price', 'adj_close_price', 'adj_high_price', 'adj_low_price', 'volume',
    'log_return_1d_roll_free', 'available_at', 'age_days'
] -%}
{%- set symbol_columns = [] -%}
{%- for symbol, prefix in var('market_symbols').items() -%}
    {%- for column in panel_columns -%}
        {%- do symbol_columns.append(
            'any_value(panel.' ~ column ~ ") filter (where panel.symbol = '" ~ symbol ~ "') as "
            ~ prefix ~ '_' ~ column
        ) -%}
    {%- endfor -%}
{%- endfor %}

with

panel as (

    select * from {{ ref('int_futures_sessions_joined_asof') }}

),

trading_days as (

    select * from {{ ref('int_trading_days_enumerated') }}

),

pivoted as (

    select
        trading_days.trade_date,
        trading_days.trading_day_index,
        {{ symbol_columns | join(',\n        ') }}
    from trading_days
    left join panel on trading_days.trade_date = panel.trade_date
    group by trading_days.trade_date, trading_days.trading_day_index

)

select * from pivoted
