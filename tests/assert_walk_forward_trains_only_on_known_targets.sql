{#- Walk-forward, proven on what actually ran: no fit learned from a target realised after its
    cutoff, and no fitted model predicted an as-of date on or before its cutoff (those rows were
    its training data). Yardsticks are re-estimated each day from returns realised by that close
    and carry fold -1 with cutoff = as-of date. One row per violation. -#}
with

fits_past_cutoff as (

    select
        'model_registry' as checked_table,
        fit_id,
        cast(null as date) as as_of_date,
        cutoff,
        train_target_end as offending_date
    from {{ ref('model_registry') }}
    where train_target_end > cutoff

),

bucket_predictions_in_sample as (

    select
        'bucket_predictions' as checked_table,
        fit_id,
        as_of_date,
        cutoff,
        as_of_date as offending_date
    from {{ ref('bucket_predictions') }}
    where as_of_date <= cutoff

),

member_predictions_in_sample as (

    select
        'member_predictions' as checked_table,
        fit_id,
        as_of_date,
        cutoff,
        as_of_date as offending_date
    from {{ ref('member_predictions') }}
    where
        (fold >= 0 and as_of_date <= cutoff)
        or (fold < 0 and as_of_date < cutoff)

),

meta_predictions_in_sample as (

    select
        'meta_predictions' as checked_table,
        fit_id,
        as_of_date,
        cutoff,
        as_of_date as offending_date
    from {{ ref('meta_predictions') }}
    where as_of_date <= cutoff

),

violations as (

    select * from fits_past_cutoff
    union all
    select * from bucket_predictions_in_sample
    union all
    select * from member_predictions_in_sample
    union all
    select * from meta_predictions_in_sample

)

select * from violations
