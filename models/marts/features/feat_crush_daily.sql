{%- set wasde_columns = [
    'us_soybean_oil_stocks_to_use_pct', 'us_soybean_oil_stocks_to_use_revision_pp',
    'us_soybean_oil_biofuel_use_million_lb', 'us_soybean_oil_biofuel_use_revision_million_lb',
    'brazil_soybean_production_million_mt', 'brazil_soybean_production_revision_million_mt',
    'argentina_soybean_production_million_mt', 'argentina_soybean_production_revision_million_mt'
] -%}
{%- set nopa_columns = [
    'nopa_crush_million_bu', 'nopa_crush_yoy_pct', 'nopa_soybean_oil_stocks_million_lb',
    'nopa_soybean_oil_stocks_yoy_pct', 'nopa_oil_yield_lb_per_bu'
] -%}

with

panel as (

    select * from {{ ref('int_futures_sessions_pivoted_to_trading_days') }}

),

crush_values as (

    select
        trade_date,
        zl_close_price as zl_close_cents_per_lb,
        zm_close_price as zm_close_usd_per_short_ton,
        zs_close_price as zs_close_cents_per_bu,
        zm_close_price * 2.2 + zl_close_price * 11 - zs_close_price as board_crush_cents_per_bu,
        zl_close_price * 11 / (zl_close_price * 11 + zm_close_price * 2.2) as oil_share,
        greatest(zl_age_days, zm_age_days, zs_age_days) as crush_inputs_max_age_days,
        greatest(zl_available_at, zm_available_at, zs_available_at) as available_at
    from panel

),

wasde as (

    select * from {{ ref('int_wasde_estimates_joined_asof') }}

),

nopa as (

    select * from {{ ref('int_nopa_crush_joined_asof') }}

),

zl_carry as (

    select * from {{ ref('int_zl_rolls_joined_asof') }}

),

with_fundamentals as (

    select
        crush_values.* exclude (available_at),
        {%- for column in wasde_columns %}
            wasde.{{ column }},
        {%- endfor %}
        {%- for column in nopa_columns %}
            nopa.{{ column }},
        {%- endfor %}
        wasde.wasde_available_at,
        zl_carry.calendar_spread_cents_per_lb as zl_roll_calendar_spread_cents_per_lb,
        zl_carry.carry_pct_per_month as zl_roll_carry_pct_per_month,
        zl_carry.carry_annualised_pct as zl_roll_carry_annualised_pct,
        date_diff('day', zl_carry.roll_date, crush_values.trade_date) as zl_roll_age_days,
        zl_carry.available_at as zl_roll_available_at,
        greatest(
            crush_values.available_at,
            wasde.wasde_available_at,
            nopa.nopa_available_at,
            zl_carry.available_at
        ) as available_at
    from crush_values
    left join wasde on crush_values.trade_date = wasde.trade_date
    left join nopa on crush_values.trade_date = nopa.trade_date
    left join zl_carry on crush_values.trade_date = zl_carry.trade_date

),

features as (

    select
        -- key
        trade_date,

        -- levels
        zl_close_cents_per_lb,
        zm_close_usd_per_short_ton,
        zs_close_cents_per_bu,
        {{ feature_round('board_crush_cents_per_bu') }} as board_crush_cents_per_bu,
        {{ feature_round('oil_share') }} as oil_share,

        -- changes
        {{ feature_round(
            'board_crush_cents_per_bu - lag(board_crush_cents_per_bu, 5) over (order by trade_date)'
        ) }} as board_crush_change_5d_cents_per_bu,
        {{ feature_round(
            'board_crush_cents_per_bu - lag(board_crush_cents_per_bu, 21) over (order by trade_date)'
        ) }} as board_crush_change_21d_cents_per_bu,
        {{ feature_round('oil_share - lag(oil_share, 5) over (order by trade_date)') }}
            as oil_share_change_5d,
        {{ feature_round('oil_share - lag(oil_share, 21) over (order by trade_date)') }}
            as oil_share_change_21d,

        -- z-scores
        {{ rolling_zscore('board_crush_cents_per_bu', 63) }} as board_crush_zscore_63d,
        {{ rolling_zscore('board_crush_cents_per_bu', 252) }} as board_crush_zscore_252d,
        {{ rolling_zscore('oil_share', 63) }} as oil_share_zscore_63d,
        {{ rolling_zscore('oil_share', 252) }} as oil_share_zscore_252d,

        -- USDA WASDE / PSD (monthly): U.S. soybean oil balance, South American soybean crops;
        -- NOPA members' monthly crush and soybean oil stocks
        {%- for column in wasde_columns + nopa_columns %}
            {{ column }},
        {%- endfor %}

        -- term structure at the last ZL roll: the spread of the contract entered over the one
        -- left, per month of maturity gap (positive = contango, negative = backwardation)
        zl_roll_calendar_spread_cents_per_lb,
        zl_roll_carry_pct_per_month,
        zl_roll_carry_annualised_pct,
        zl_roll_age_days,

        -- provenance
        crush_inputs_max_age_days,
        wasde_available_at,
        zl_roll_available_at,
        available_at

    from with_fundamentals

)

select * from features
