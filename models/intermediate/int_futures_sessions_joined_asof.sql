with

trading_days as (

    select * from {{ ref('int_trading_days_enumerated') }}

),

sessions as (

    select * from {{ ref('int_futures_sessions_roll_adjusted') }}

),

symbols as (

    select distinct symbol from sessions

),

grid as (

    select
        trading_days.trade_date,
        trading_days.trading_day_index,
        trading_days.trade_date_end_at,
        symbols.symbol
    from trading_days
    cross join symbols

),

latest_public_session as (

    select
        grid.trade_date,
        grid.trading_day_index,
        grid.symbol,
        sessions.trade_date as session_trade_date,
        sessions.instrument_id,
        sessions.is_roll,
        sessions.open_price,
        sessions.high_price,
        sessions.low_price,
        sessions.close_price,
        sessions.volume,
        sessions.log_return_1d_roll_free as session_log_return_roll_free,
        sessions.adj_open_price,
        sessions.adj_high_price,
        sessions.adj_low_price,
        sessions.adj_close_price,
        sessions.available_at
    from grid
    asof left join sessions
        on
            grid.symbol = sessions.symbol
            and grid.trade_date_end_at >= sessions.available_at

),

with_panel_returns as (

    select
        *,
        date_diff('day', session_trade_date, trade_date) as age_days,
        case
            when session_trade_date = lag(session_trade_date) over by_symbol then 0.0
            when session_log_return_roll_free is null then null
            else ln(adj_close_price / lag(adj_close_price) over by_symbol)
        end as log_return_1d_roll_free
    from latest_public_session
    window by_symbol as (partition by symbol order by trade_date)

),

final as (

    select
        -- keys
        trade_date,
        symbol,
        trading_day_index,

        -- the session the value comes from and when it became public
        session_trade_date,
        available_at,
        age_days,
        instrument_id,
        is_roll,

        -- session bar, exchange units
        open_price,
        high_price,
        low_price,
        close_price,
        volume,

        -- roll-free series
        log_return_1d_roll_free,
        adj_open_price,
        adj_high_price,
        adj_low_price,
        adj_close_price

    from with_panel_returns

)

select * from final
