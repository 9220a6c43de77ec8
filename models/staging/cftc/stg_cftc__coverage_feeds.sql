{#- The feeds the coverage map expects of CFTC (each market of seed cftc_markets with a
    bucket; a null period lists a feed) and the disaggregated futures-only reports that show
    each one's publication. -#}
with

feeds as (

    select
        'cftc' as source,
        market_code as feed,
        bucket,
        cast(null as date) as period_date,
        cast(null as timestamptz) as available_at
    from {{ ref('cftc_markets') }}
    where bucket is not null
    union all
    select
        'cftc' as source,
        market_code as feed,
        cast(null as varchar) as bucket,
        as_of_date as period_date,
        available_at
    from {{ ref('stg_cftc__cot_reports') }}
    -- each key once, at its first publication (macro vintage_states)
    where report_type = 'disaggregated' and futures_only and known_from = '-infinity'

)

select * from feeds
