{#- Fails the build when a bucket listed in var training_buckets (default: the market-derived
    buckets) is not covered: one of its required sources has no raw table or no rows in the
    coverage window. Also fails when a listed bucket is missing from the coverage map. -#}

with

coverage as (

    select * from {{ ref('bucket_coverage') }}

),

training_buckets as (

    select unnest([
        {%- for bucket in var('training_buckets', [
            'crush', 'china', 'fx', 'fed', 'biofuel', 'energy', 'volatility'
        ]) %}'{{ bucket }}'{{ ', ' if not loop.last }}{% endfor -%}
    ]) as bucket

),

uncovered as (

    select
        training_buckets.bucket,
        coverage.source,
        coverage.last_available_date,
        coverage.rows_last_30d
    from training_buckets
    left join coverage
        on
            training_buckets.bucket = coverage.bucket
            and coverage.required_for_training
    where coverage.bucket is null or not coverage.source_covered

)

select * from uncovered
