{#- One row per ZL trading day: the last ZL front-month roll (int_zl_rolls_carried) public by
    the end of the trade date, while at most max_roll_age_days old (the front month rolls four
    to six times a year, up to five months apart), with its calendar spread and carry. -#}
{%- set max_roll_age_days = 160 -%}

with

zl_rolls as (

    select
        trade_date as roll_date,
        calendar_spread_cents_per_lb,
        carry_pct_per_month,
        carry_annualised_pct,
        available_at
    from {{ ref('int_zl_rolls_carried') }}

),

latest_zl_roll as (

    {{ latest_public_period('zl_rolls', 'roll_date', max_roll_age_days) }}

),

final as (

    select
        -- key
        latest_zl_roll.trade_date,

        -- the roll used
        zl_rolls.roll_date,
        zl_rolls.calendar_spread_cents_per_lb,
        zl_rolls.carry_pct_per_month,
        zl_rolls.carry_annualised_pct,

        -- when it became public
        zl_rolls.available_at

    from latest_zl_roll
    left join zl_rolls on latest_zl_roll.roll_date = zl_rolls.roll_date

)

select * from final
