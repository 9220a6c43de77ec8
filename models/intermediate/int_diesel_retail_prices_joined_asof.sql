{#- Point-in-time EIA weekly U.S. No 2 diesel retail price per ZL trading day: the newest week
    public by the end of the trade date (available_at <= trade_date_end_at). A week more than
    max_age_days before the trade date (two missed releases) is null, never carried forward. -#}
{%- set diesel_series = 'EMD_EPD2D_PTE_NUS_DPG' -%}
{%- set max_age_days = 14 -%}

with

trading_days as (

    select * from {{ ref('int_trading_days_enumerated') }}

),

diesel as (

    select
        week_date,
        price_usd_per_gal,
        available_at
    from {{ ref('stg_eia__weekly_prices') }}
    where series_id = '{{ diesel_series }}'

),

with_changes as (

    select
        *,
        case
            when lag(week_date, 4) over by_week = week_date - interval 28 day
                then price_usd_per_gal - lag(price_usd_per_gal, 4) over by_week
        end as price_change_4w_usd_per_gal
    from diesel
    window by_week as (order by week_date)

),

latest_public_week as (

    select
        trading_days.trade_date,
        date_diff('day', with_changes.week_date, trading_days.trade_date)
        <= {{ max_age_days }} as is_recent,
        with_changes.week_date,
        with_changes.price_usd_per_gal,
        with_changes.price_change_4w_usd_per_gal,
        with_changes.available_at
    from trading_days
    asof left join with_changes
        on trading_days.trade_date_end_at >= with_changes.available_at

),

final as (

    select
        -- key
        trade_date,

        -- the week used and its age
        case when is_recent then week_date end as diesel_retail_week_date,
        case
            when is_recent then date_diff('day', week_date, trade_date)
        end as diesel_retail_age_days,

        -- U.S. No 2 diesel retail price incl. taxes, US dollars per gallon
        case when is_recent then price_usd_per_gal end as diesel_retail_usd_per_gal,
        case
            when is_recent then price_change_4w_usd_per_gal
        end as diesel_retail_change_4w_usd_per_gal,

        -- when the value used became public
        case when is_recent then available_at end as diesel_retail_available_at

    from latest_public_week

)

select * from final
