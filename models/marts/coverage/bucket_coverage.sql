with

buckets as (

    select * from {{ ref('buckets') }}

),

bucket_sources as (

    select * from {{ ref('bucket_sources') }}

),

feeds as (

    select * from {{ ref('int_source_feeds_summarised') }}

),

source_gaps as (

    select * from {{ ref('source_gaps') }}

),

coverage_anchor as (

    select max(trade_date) as coverage_as_of
    from {{ ref('int_trading_days_enumerated') }}

),

source_coverage as (

    -- each listed source, judged on the feeds this bucket uses
    select
        bucket_sources.bucket,
        bucket_sources.source,
        bucket_sources.required_for_training,
        count(feeds.feed) as feeds_expected,
        count(feeds.feed) filter (where feeds.is_fresh) as feeds_fresh,
        string_agg(
            feeds.feed || ' (last ' || coalesce(cast(feeds.last_period_date as varchar), 'none')
            || coalesce('; ' || source_gaps.reason, '') || ')',
            ', ' order by feeds.feed
        ) filter (where not feeds.is_fresh) as stale_feeds,
        max(feeds.last_period_date) as last_period_date,
        max(feeds.last_available_date) as last_available_date,
        coalesce(sum(feeds.rows_in_window), 0) as rows_in_window
    from bucket_sources
    left join feeds
        on
            bucket_sources.source = feeds.source
            and (bucket_sources.bucket = feeds.bucket or feeds.bucket is null)
    left join source_gaps
        on feeds.source = source_gaps.source and feeds.feed = source_gaps.feed
    group by bucket_sources.bucket, bucket_sources.source, bucket_sources.required_for_training

),

judged as (

    select
        *,
        feeds_expected > 0 and feeds_fresh = feeds_expected as source_fresh
    from source_coverage

),

by_bucket as (

    select
        bucket,
        count(*) as sources_listed,
        count(*) filter (where source_fresh) as sources_fresh,
        string_agg(source, ', ' order by source) filter (where not source_fresh)
            as missing_sources,
        coalesce(bool_and(source_fresh) filter (where required_for_training), true)
            as required_sources_fresh
    from judged
    group by bucket

),

bucket_coverage as (

    select
        judged.bucket,
        buckets.bucket_order,
        judged.source,
        judged.required_for_training,
        judged.last_period_date,
        judged.last_available_date,
        cast(judged.rows_in_window as bigint) as rows_in_window,
        judged.feeds_expected,
        judged.feeds_fresh,
        judged.stale_feeds,
        judged.source_fresh,
        by_bucket.sources_listed as bucket_sources_listed,
        by_bucket.sources_fresh as bucket_sources_fresh,
        round(100.0 * by_bucket.sources_fresh / by_bucket.sources_listed, 0)
            as bucket_coverage_pct,
        case
            when by_bucket.sources_fresh = by_bucket.sources_listed then 'covered'
            when by_bucket.sources_fresh > 0 then 'partial'
            else 'missing'
        end as bucket_status,
        by_bucket.sources_fresh = by_bucket.sources_listed as bucket_covered,
        by_bucket.missing_sources as bucket_missing_sources,
        by_bucket.required_sources_fresh and by_bucket.sources_fresh > 0 as bucket_trained,
        buckets.must_be_covered as bucket_must_be_covered,
        coverage_anchor.coverage_as_of
    from judged
    inner join by_bucket on judged.bucket = by_bucket.bucket
    left join buckets on judged.bucket = buckets.bucket
    cross join coverage_anchor

)

select * from bucket_coverage
