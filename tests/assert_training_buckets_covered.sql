{#- Fails the build when a bucket the seed `buckets` marks must_be_covered (the market-derived
    buckets, whose data ships in the snapshot) is not covered: one of its required sources has
    no raw table or no rows in the coverage window, or the bucket has no required source in the
    coverage map (seed bucket_sources). One row per uncovered bucket and source. -#}

with

coverage as (

    select * from {{ ref('bucket_coverage') }}

),

required_buckets as (

    select bucket from {{ ref('buckets') }}
    where must_be_covered

),

uncovered as (

    select
        required_buckets.bucket,
        coverage.source,
        coverage.last_available_date,
        coverage.rows_last_30d
    from required_buckets
    left join coverage
        on
            required_buckets.bucket = coverage.bucket
            and coverage.required_for_training
    where coverage.bucket is null or not coverage.source_covered

)

select * from uncovered
