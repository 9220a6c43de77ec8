{#- The feed the coverage map expects of NOPA (its monthly crush; a null period lists a feed)
    and the rows that show its publication. -#}
with

feeds as (

    select
        'nopa' as source,
        'monthly_crush' as feed,
        cast(null as varchar) as bucket,
        cast(null as date) as period_date,
        cast(null as timestamptz) as available_at
    union all
    select
        'nopa' as source,
        'monthly_crush' as feed,
        cast(null as varchar) as bucket,
        report_month as period_date,
        available_at
    from {{ ref('stg_nopa__monthly_crush') }}
    -- each key once, at its first publication (macro vintage_states)
    where known_from = '-infinity'

)

select * from feeds
