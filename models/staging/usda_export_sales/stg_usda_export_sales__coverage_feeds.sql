{#- The feeds the coverage map expects of USDA export sales (soybeans and soybean oil; a
    null period lists a feed) and the rows that show each one's publication. -#}
{%- set export_sales_commodities = ['soybeans', 'soybean_oil'] -%}

with

feeds as (

    {% for commodity in export_sales_commodities -%}
        select
            'usda_export_sales' as source,
            '{{ commodity }}' as feed,
            cast(null as varchar) as bucket,
            cast(null as date) as period_date,
            cast(null as timestamptz) as available_at
        union all
    {% endfor -%}
    select
        'usda_export_sales' as source,
        commodity as feed,
        cast(null as varchar) as bucket,
        week_ending_date as period_date,
        available_at
    from {{ ref('stg_usda_export_sales__weekly_exports') }}
    -- each key once, at its first publication (macro vintage_states)
    where known_from = '-infinity'

)

select * from feeds
