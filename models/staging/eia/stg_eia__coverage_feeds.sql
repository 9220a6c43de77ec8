{#- The feed the coverage map expects of EIA (the U.S. No 2 diesel retail price; a null
    period lists a feed) and the rows that show its publication. -#}
{%- set eia_diesel_series = 'EMD_EPD2D_PTE_NUS_DPG' -%}

with

feeds as (

    select
        'eia' as source,
        '{{ eia_diesel_series }}' as feed,
        cast(null as varchar) as bucket,
        cast(null as date) as period_date,
        cast(null as timestamptz) as available_at
    union all
    select
        'eia' as source,
        series_id as feed,
        cast(null as varchar) as bucket,
        week_date as period_date,
        available_at
    from {{ ref('stg_eia__weekly_prices') }}
    -- each key once, at its first publication (macro vintage_states)
    where series_id = '{{ eia_diesel_series }}' and known_from = '-infinity'

)

select * from feeds
