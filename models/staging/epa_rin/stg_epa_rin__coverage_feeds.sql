{#- The feeds the coverage map expects of EPA (RIN prices and RIN generation; a null period
    lists a feed) and the rows that show each one's publication. -#}
with

feeds as (

    select
        'epa_rin' as source,
        epa_feeds.feed,
        cast(null as varchar) as bucket,
        cast(null as date) as period_date,
        cast(null as timestamptz) as available_at
    from (values ('rin_prices'), ('rin_generation')) as epa_feeds (feed)
    union all
    select
        'epa_rin' as source,
        'rin_prices' as feed,
        cast(null as varchar) as bucket,
        week_start_date as period_date,
        available_at
    from {{ ref('stg_epa_rin__rin_prices') }}
    -- each key once, at its first publication (macro vintage_states)
    where known_from = '-infinity'
    union all
    select
        'epa_rin' as source,
        'rin_generation' as feed,
        cast(null as varchar) as bucket,
        vintage_month as period_date,
        available_at
    from {{ ref('stg_epa_rin__rin_generation') }}
    -- each key once, at its first publication (macro vintage_states)
    where known_from = '-infinity'

)

select * from feeds
