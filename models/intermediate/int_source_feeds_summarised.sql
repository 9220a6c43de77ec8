{#- One row per source and feed (a market symbol, FRED series, COT market, EPA or EIA dataset,
    USDA export sales commodity, the WASDE reports, NOPA's monthly crush,
    a bucket's tagged news articles)
    that the coverage map expects: its last period, its last publication and its rows public
    in the source's coverage window (seed source_windows, from the source declarations)
    before coverage_as_of (the end of the last ZL trade date). The feeds come from each
    source's coverage feeds model (int_source_feeds_listed): rows with a null period list the
    expected feeds, the others show when each feed's rows were published. A source not landed
    yet has empty staging models, so its feeds have no rows. `bucket` tags the feeds a
    bucket's features use (seeds fred_series, cftc_markets); null = every bucket listing the
    source. -#}
with

coverage_anchor as (

    select
        max(trade_date) as coverage_as_of,
        max(trade_date_end_at) as coverage_as_of_end_at
    from {{ ref('int_trading_days_enumerated') }}

),

listed as (

    select * from {{ ref('int_source_feeds_listed') }}

),

expected as (

    select distinct
        listed.source,
        listed.feed,
        listed.bucket,
        source_windows.coverage_window_days as fresh_within_days
    from listed
    inner join {{ ref('source_windows') }} as source_windows
        on listed.source = source_windows.source
    where listed.period_date is null

),

observed as (

    select
        source,
        feed,
        period_date,
        available_at
    from listed
    where period_date is not null

),

observed_feeds as (

    select
        source,
        feed,
        max(period_date) as last_period_date,
        max(available_at) as last_available_at
    from observed
    group by source, feed

),

recent_rows as (

    select
        observed.source,
        observed.feed,
        count(*) as rows_in_window
    from observed
    inner join expected
        on observed.source = expected.source and observed.feed = expected.feed
    cross join coverage_anchor
    where
        observed.available_at <= coverage_anchor.coverage_as_of_end_at
        and observed.available_at
        > coverage_anchor.coverage_as_of_end_at - to_days(expected.fresh_within_days)
    group by observed.source, observed.feed

),

summarised as (

    select
        expected.source,
        expected.feed,
        expected.bucket,
        expected.fresh_within_days,
        observed_feeds.last_period_date,
        cast(observed_feeds.last_available_at as date) as last_available_date,
        coalesce(recent_rows.rows_in_window, 0) as rows_in_window,
        coalesce(recent_rows.rows_in_window, 0) > 0 as is_fresh,
        coverage_anchor.coverage_as_of
    from expected
    cross join coverage_anchor
    left join observed_feeds
        on expected.source = observed_feeds.source and expected.feed = observed_feeds.feed
    left join recent_rows
        on expected.source = recent_rows.source and expected.feed = recent_rows.feed

)

select * from summarised
