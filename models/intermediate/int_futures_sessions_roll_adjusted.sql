with

sessions as (

    select * from {{ ref('int_futures_sessions_aggregated') }}

),

previous_session as (

    select
        *,
        lag(instrument_id) over by_symbol as previous_instrument_id,
        lag(close_price) over by_symbol as previous_close_price
    from sessions
    window by_symbol as (partition by symbol order by trade_date)

),

roll_free_returns as (

    select
        *,
        previous_instrument_id is not null
        and instrument_id <> previous_instrument_id as is_roll,
        case
            when instrument_id = previous_instrument_id
                then ln(close_price / previous_close_price)
            when prior_contract_instrument_id = previous_instrument_id
                then
                    ln(prior_contract_close_price / previous_close_price)
                    + ln(close_price / open_price)
        end as log_return_1d_roll_free
    from previous_session

),

adjusted as (

    select
        *,
        first(close_price) over cumulative
        * exp(sum(coalesce(log_return_1d_roll_free, 0)) over cumulative) as adj_close_price
    from roll_free_returns
    window cumulative as (
        partition by symbol order by trade_date
        rows between unbounded preceding and current row
    )

),

final as (

    select
        -- identifiers
        symbol,
        root_symbol,
        trade_date,
        instrument_id,
        previous_instrument_id,
        is_roll,

        -- session bar, exchange units
        open_price,
        high_price,
        low_price,
        close_price,
        volume,

        -- roll-free
        log_return_1d_roll_free,
        open_price * adj_close_price / close_price as adj_open_price,
        high_price * adj_close_price / close_price as adj_high_price,
        low_price * adj_close_price / close_price as adj_low_price,
        adj_close_price,

        -- timing
        bar_count,
        available_at,
        loaded_at

    from adjusted

)

select * from final
