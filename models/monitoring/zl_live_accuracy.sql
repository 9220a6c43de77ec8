with

forecast_log as (

    select * from {{ ref('zl_forecast_log') }}

),

targets as (

    select * from {{ ref('zl_targets') }}

),

record as (

    select * from {{ ref('zl_backtest_metrics') }}
    where member = 'ensemble' and year = 'all'

),

horizons as (

    select * from {{ ref('horizons') }}

),

scored as (

    select
        forecast_log.as_of_date,
        forecast_log.horizon,
        targets.target_close_cents_per_lb as actual,
        (
            {{ pinball_loss('targets.target_close_cents_per_lb', 'forecast_log.p10', 0.1) }}
            + {{ pinball_loss('targets.target_close_cents_per_lb', 'forecast_log.p50', 0.5) }}
            + {{ pinball_loss('targets.target_close_cents_per_lb', 'forecast_log.p90', 0.9) }}
        ) / 3 as pinball,
        case
            when targets.target_close_cents_per_lb between forecast_log.p10 and forecast_log.p90
                then 1.0
            else 0.0
        end as inside_80,
        row_number() over (
            partition by forecast_log.horizon order by forecast_log.as_of_date desc
        ) as recency
    from forecast_log
    inner join targets
        on
            forecast_log.as_of_date = targets.trade_date
            and forecast_log.horizon = targets.horizon
    where targets.target_close_cents_per_lb is not null

),

windows as (

    select
        horizon,
        'all' as scoring_window,
        count(*) as n_scored,
        avg(pinball) as pinball_live,
        avg(inside_80) as coverage_live
    from scored
    group by horizon

    union all

    select
        horizon,
        'last_{{ var("live_accuracy_window") }}' as scoring_window,
        count(*) as n_scored,
        avg(pinball) as pinball_live,
        avg(inside_80) as coverage_live
    from scored
    where recency <= {{ var('live_accuracy_window') }}
    group by horizon

)

select
    horizons.horizon,
    windows.scoring_window,
    coalesce(windows.n_scored, 0) as n_scored,
    windows.pinball_live,
    windows.coverage_live,
    record.pinball as pinball_record,
    record.coverage_80 as coverage_record,
    coalesce(
        windows.n_scored >= {{ var('live_accuracy_min_scored') }}
        and windows.pinball_live
        > record.pinball * (1 + {{ var('live_accuracy_tolerance') }}),
        false
    ) as worse_than_record
from horizons
inner join windows on horizons.horizon = windows.horizon
left join record on horizons.horizon = record.horizon
