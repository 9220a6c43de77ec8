{#- The feed the coverage map expects of the WASDE (its reports; a null period lists a feed)
    and the rows that show its publication. -#}
with

feeds as (

    select
        'usda_wasde' as source,
        'reports' as feed,
        cast(null as varchar) as bucket,
        cast(null as date) as period_date,
        cast(null as timestamptz) as available_at
    union all
    select
        'usda_wasde' as source,
        'reports' as feed,
        cast(null as varchar) as bucket,
        report_month as period_date,
        available_at
    from {{ ref('stg_usda_wasde__estimates') }}
    -- each key once, at its first publication (macro vintage_states)
    where known_from = '-infinity'

)

select * from feeds
