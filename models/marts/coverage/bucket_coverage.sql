with

buckets as (

    select * from {{ ref('buckets') }}

),

bucket_sources as (

    select * from {{ ref('bucket_sources') }}

),

relations as (

    select * from {{ ref('int_source_relations_summarised') }}

),

sources as (

    select
        source,
        bool_or(relation_exists) as relation_exists,
        max(last_available_date) as last_available_date,
        sum(rows_last_window) as rows_last_30d,
        max(coverage_as_of) as coverage_as_of
    from relations
    group by source

),

source_coverage as (

    select
        bucket_sources.bucket,
        buckets.bucket_order,
        buckets.must_be_covered as bucket_must_be_covered,
        bucket_sources.source,
        bucket_sources.required_for_training,
        sources.last_available_date,
        coalesce(sources.rows_last_30d, 0) as rows_last_30d,
        coalesce(sources.relation_exists and sources.rows_last_30d > 0, false) as source_covered,
        sources.coverage_as_of
    from bucket_sources
    left join buckets on bucket_sources.bucket = buckets.bucket
    left join sources on bucket_sources.source = sources.source

),

bucket_coverage as (

    select
        bucket,
        bucket_order,
        source,
        required_for_training,
        last_available_date,
        cast(rows_last_30d as bigint) as rows_last_30d,
        source_covered,
        coalesce(
            bool_and(source_covered) filter (where required_for_training)
                over (partition by bucket),
            true
        ) as bucket_covered,
        bucket_must_be_covered,
        coverage_as_of
    from source_coverage

)

select * from bucket_coverage
