{#- The feeds the coverage map expects of FRED (each series of seed fred_series with a
    bucket; a null period lists a feed) and the rows that show each one's publication. -#}
with

feeds as (

    select
        'fred' as source,
        series_id as feed,
        bucket,
        cast(null as date) as period_date,
        cast(null as timestamptz) as available_at
    from {{ ref('fred_series') }}
    where bucket is not null
    union all
    select
        'fred' as source,
        series_id as feed,
        cast(null as varchar) as bucket,
        observation_date as period_date,
        available_at
    from {{ ref('stg_fred__observations') }}
    where value is not null

)

select * from feeds
