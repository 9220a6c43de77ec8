{#- Point-in-time EIA weekly U.S. No 2 diesel retail price per ZL trading day: the newest week
    public by the end of the trade date (macro latest_public_period). A week more than
    max_age_days before the trade date (two missed releases) is null, never carried forward. -#}
{%- set diesel_series = 'EMD_EPD2D_PTE_NUS_DPG' -%}
{%- set max_age_days = 14 -%}

with

diesel as (

    select
        week_date,
        price_usd_per_gal,
        available_at,
        known_from,
        known_until
    from {{ ref('stg_eia__weekly_prices') }}
    where series_id = '{{ diesel_series }}'

),

with_changes as (

    select
        *,
        {{ weekly_change('price_usd_per_gal', 'week_date', 4, 'known_from') }} as price_change_4w_usd_per_gal
    from diesel

),

latest_public_week as (

    {{ latest_public_period('with_changes', 'week_date', max_age_days, vintaged=true) }}

),

final as (

    select
        -- key
        latest_public_week.trade_date,

        -- the week used and its age
        with_changes.week_date as diesel_retail_week_date,
        date_diff('day', with_changes.week_date, latest_public_week.trade_date)
            as diesel_retail_age_days,

        -- U.S. No 2 diesel retail price incl. taxes, US dollars per gallon
        with_changes.price_usd_per_gal as diesel_retail_usd_per_gal,
        with_changes.price_change_4w_usd_per_gal as diesel_retail_change_4w_usd_per_gal,

        -- when the value used became public
        with_changes.available_at as diesel_retail_available_at

    from latest_public_week
    left join with_changes
        on
            latest_public_week.week_date = with_changes.week_date
            and latest_public_week.known_from = with_changes.known_from

)

select * from final
