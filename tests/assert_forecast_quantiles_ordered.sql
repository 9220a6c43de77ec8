{#- Every published quantile set is ordered, P10 <= P50 <= P90, and priced above zero, in the
    live forecast and in every backtest row of every member. One row per violation. -#}
with

forecast_rows as (

    select
        'zl_predictions' as checked_table,
        'ensemble' as member,
        horizon,
        as_of_date,
        p10,
        p50,
        p90
    from {{ ref('zl_predictions') }}

),

backtest_rows as (

    select
        'zl_backtest' as checked_table,
        member,
        horizon,
        as_of_date,
        p10,
        p50,
        p90
    from {{ ref('zl_backtest') }}

),

unordered as (

    select * from forecast_rows
    where not (p10 > 0 and p10 <= p50 and p50 <= p90)
    union all
    select * from backtest_rows
    where not (p10 > 0 and p10 <= p50 and p50 <= p90)

)

select * from unordered
