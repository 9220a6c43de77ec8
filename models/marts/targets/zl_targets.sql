with

trading_days as (

    select * from {{ ref('int_trading_days_enumerated') }}

),

horizons as (

    select * from {{ ref('horizons') }}

),

zl_closes as (

    select
        trade_date,
        close_price as close_cents_per_lb
    from {{ ref('int_futures_sessions_aggregated') }}
    where symbol = '{{ var("calendar_symbol") }}'

),

as_of_dates as (

    select
        trading_days.trade_date,
        trading_days.trading_day_index,
        zl_closes.close_cents_per_lb
    from trading_days
    inner join zl_closes on trading_days.trade_date = zl_closes.trade_date

),

target_dates as (

    select
        as_of_dates.trade_date,
        horizons.horizon,
        cast(horizons.trading_days as integer) as horizon_days,
        as_of_dates.close_cents_per_lb,
        as_of_dates.trading_day_index + horizons.trading_days as target_day_index
    from as_of_dates
    cross join horizons

),

targets as (

    select
        target_dates.trade_date,
        target_dates.horizon,
        target_dates.horizon_days,
        future.trade_date as target_date,
        target_dates.close_cents_per_lb,
        future.close_cents_per_lb as target_close_cents_per_lb,
        ln(future.close_cents_per_lb / target_dates.close_cents_per_lb) as target_log_return
    from target_dates
    left join as_of_dates as future
        on target_dates.target_day_index = future.trading_day_index

)

select * from targets
