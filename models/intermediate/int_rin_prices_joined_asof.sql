{#- Point-in-time EPA RIN prices per ZL trading day: the newest week public by the end of the
    trade date (macro latest_public_period), with D4 and D6 side by side. A week whose Monday
    is more than max_age_days before the trade date is too old to use (e.g. after the last
    export): null. Up to ~60 days is normal: a month's weeks are published around the 20th of
    the month after. -#}
{%- set max_age_days = 100 -%}

with

prices as (

    select * from {{ ref('stg_epa_rin__rin_prices') }}

),

weeks as (

    select
        week_start_date,
        any_value(price_usd_per_rin) filter (where d_code = 'D4') as d4_price_usd_per_rin,
        any_value(price_usd_per_rin) filter (where d_code = 'D6') as d6_price_usd_per_rin,
        max(available_at) as available_at,
        known_from,
        known_until
    from prices
    where d_code in ('D4', 'D6')
    group by week_start_date, known_from, known_until

),

with_changes as (

    select
        *,
        {{ weekly_change('d4_price_usd_per_rin', 'week_start_date', 4, 'known_from') }}
            as d4_price_change_4w_usd_per_rin,
        {{ weekly_change('d6_price_usd_per_rin', 'week_start_date', 4, 'known_from') }}
            as d6_price_change_4w_usd_per_rin
    from weeks

),

latest_public_week as (

    {{ latest_public_period('with_changes', 'week_start_date', max_age_days, vintaged=true) }}

),

final as (

    select
        -- key
        latest_public_week.trade_date,

        -- the week used and its age
        with_changes.week_start_date as rin_price_week_start_date,
        date_diff('day', with_changes.week_start_date, latest_public_week.trade_date)
            as rin_price_age_days,

        -- prices, US dollars per RIN
        with_changes.d4_price_usd_per_rin as d4_rin_price_usd_per_rin,
        with_changes.d6_price_usd_per_rin as d6_rin_price_usd_per_rin,
        with_changes.d4_price_change_4w_usd_per_rin as d4_rin_price_change_4w_usd_per_rin,
        with_changes.d6_price_change_4w_usd_per_rin as d6_rin_price_change_4w_usd_per_rin,

        -- when the values used became public
        with_changes.available_at as rin_prices_available_at

    from latest_public_week
    left join with_changes
        on
            latest_public_week.week_start_date = with_changes.week_start_date
            and latest_public_week.known_from = with_changes.known_from

)

select * from final
