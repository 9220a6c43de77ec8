{#- The forecast distribution's quantiles strictly increase with the level per as-of date and
    horizon, each set has all seven levels, and every price is above zero, in the live table
    and the walk-forward one. One row per violation. -#}
with

quantile_rows as (

    select
        'zl_price_distribution' as checked_table,
        as_of_date,
        horizon,
        quantile,
        price_cents_per_lb
    from {{ ref('zl_price_distribution') }}
    union all
    select
        'zl_backtest_distribution' as checked_table,
        as_of_date,
        horizon,
        quantile,
        price_cents_per_lb
    from {{ ref('zl_backtest_distribution') }}

),

with_previous as (

    select
        checked_table,
        as_of_date,
        horizon,
        quantile,
        price_cents_per_lb,
        lag(price_cents_per_lb) over (
            partition by checked_table, as_of_date, horizon order by quantile
        ) as previous_price,
        count(*) over (partition by checked_table, as_of_date, horizon) as levels
    from quantile_rows

)

select * from with_previous
where
    price_cents_per_lb <= 0
    or price_cents_per_lb <= previous_price
    or levels != 7
