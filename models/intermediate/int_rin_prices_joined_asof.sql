{#- Point-in-time EPA RIN prices per ZL trading day: the newest week public by the end of the
    trade date (available_at <= trade_date_end_at), with D4 and D6 side by side. A week whose
    Monday is more than max_age_days before the trade date is too old to use (e.g. after the
    last export): its values are null, never carried forward. Up to ~80 days is normal: a
    month's weeks are published around the 20th of the month after. -#}
{%- set max_age_days = 100 -%}

with

trading_days as (

    select * from {{ ref('int_trading_days_enumerated') }}

),

prices as (

    select * from {{ ref('stg_epa_rin__rin_prices') }}

),

weeks as (

    select
        week_start_date,
        any_value(price_usd_per_rin) filter (where d_code = 'D4') as d4_price_usd_per_rin,
        any_value(price_usd_per_rin) filter (where d_code = 'D6') as d6_price_usd_per_rin,
        max(available_at) as available_at
    from prices
    where d_code in ('D4', 'D6')
    group by week_start_date

),

with_changes as (

    select
        *,
        case
            when lag(week_start_date, 4) over by_week = week_start_date - interval 28 day
                then d4_price_usd_per_rin - lag(d4_price_usd_per_rin, 4) over by_week
        end as d4_price_change_4w_usd_per_rin,
        case
            when lag(week_start_date, 4) over by_week = week_start_date - interval 28 day
                then d6_price_usd_per_rin - lag(d6_price_usd_per_rin, 4) over by_week
        end as d6_price_change_4w_usd_per_rin
    from weeks
    window by_week as (order by week_start_date)

),

releases as (

    -- each publication instant and the newest week it made public
    select
        available_at,
        max(week_start_date) as week_start_date
    from with_changes
    group by available_at

),

latest_public_week as (

    select
        trading_days.trade_date,
        releases.week_start_date
    from trading_days
    asof left join releases
        on trading_days.trade_date_end_at >= releases.available_at

),

joined as (

    select
        latest_public_week.trade_date,
        with_changes.week_start_date,
        date_diff('day', with_changes.week_start_date, latest_public_week.trade_date)
        <= {{ max_age_days }} as is_recent,
        with_changes.d4_price_usd_per_rin,
        with_changes.d6_price_usd_per_rin,
        with_changes.d4_price_change_4w_usd_per_rin,
        with_changes.d6_price_change_4w_usd_per_rin,
        with_changes.available_at
    from latest_public_week
    left join with_changes
        on latest_public_week.week_start_date = with_changes.week_start_date

),

final as (

    select
        -- key
        trade_date,

        -- the week used and its age
        case when is_recent then week_start_date end as rin_price_week_start_date,
        case
            when is_recent then date_diff('day', week_start_date, trade_date)
        end as rin_price_age_days,

        -- prices, US dollars per RIN
        case when is_recent then d4_price_usd_per_rin end as d4_rin_price_usd_per_rin,
        case when is_recent then d6_price_usd_per_rin end as d6_rin_price_usd_per_rin,
        case
            when is_recent then d4_price_change_4w_usd_per_rin
        end as d4_rin_price_change_4w_usd_per_rin,
        case
            when is_recent then d6_price_change_4w_usd_per_rin
        end as d6_rin_price_change_4w_usd_per_rin,

        -- when the values used became public
        case when is_recent then available_at end as rin_prices_available_at

    from joined

)

select * from final
