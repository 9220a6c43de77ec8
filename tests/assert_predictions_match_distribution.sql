{#- zl_predictions publishes the distribution: its P10/P50/P90 and target date are exactly the
    10/50/90 % rows of zl_price_distribution for the same horizon, and the live distribution
    is the walk-forward distribution on that as-of date. One row per mismatch. -#}
with

published as (

    select
        horizon,
        as_of_date,
        target_date,
        0.1 as quantile,
        p10 as price_cents_per_lb
    from {{ ref('zl_predictions') }}
    union all
    select
        horizon,
        as_of_date,
        target_date,
        0.5 as quantile,
        p50 as price_cents_per_lb
    from {{ ref('zl_predictions') }}
    union all
    select
        horizon,
        as_of_date,
        target_date,
        0.9 as quantile,
        p90 as price_cents_per_lb
    from {{ ref('zl_predictions') }}

),

live_mismatches as (

    select
        'zl_predictions' as checked_table,
        published.horizon,
        published.quantile
    from published
    left join {{ ref('zl_price_distribution') }} as live
        on
            published.horizon = live.horizon
            and published.quantile = live.quantile
    where
        live.price_cents_per_lb is null
        or live.price_cents_per_lb != published.price_cents_per_lb
        or live.as_of_date != published.as_of_date
        or live.target_date != published.target_date

),

backtest_mismatches as (

    select
        'zl_backtest_distribution' as checked_table,
        live.horizon,
        live.quantile
    from {{ ref('zl_price_distribution') }} as live
    left join {{ ref('zl_backtest_distribution') }} as walk_forward
        on
            live.as_of_date = walk_forward.as_of_date
            and live.horizon = walk_forward.horizon
            and live.quantile = walk_forward.quantile
    where
        walk_forward.price_cents_per_lb is null
        or walk_forward.price_cents_per_lb != live.price_cents_per_lb

)

select * from live_mismatches
union all
select * from backtest_mismatches
