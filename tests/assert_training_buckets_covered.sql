{#- Fails the build when a bucket that seed `buckets` marks must_be_covered (the market-derived
    buckets, whose futures ship in the snapshot) would not be trained: a required source of it
    (seed bucket_sources) is not fresh, no source of it is fresh, or the bucket has no required
    source in the coverage map. A bucket that is only `partial` (e.g. Volatility without recent
    COT reports) still trains on its fresh sources and passes: partial coverage is reported by
    `cbi status`, never filled, and is not a build failure. One row per failing bucket and
    required source. -#}

with

coverage as (

    select * from {{ ref('bucket_coverage') }}

),

required_buckets as (

    select bucket from {{ ref('buckets') }}
    where must_be_covered

),

untrained as (

    select
        required_buckets.bucket,
        coverage.source,
        coverage.bucket_status,
        coverage.bucket_missing_sources,
        coverage.last_period_date,
        coverage.rows_in_window
    from required_buckets
    left join coverage
        on
            required_buckets.bucket = coverage.bucket
            and coverage.required_for_training
    where coverage.bucket is null or not coverage.bucket_trained

)

select * from untrained
