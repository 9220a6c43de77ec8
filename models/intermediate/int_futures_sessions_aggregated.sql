with

hourly_bars as (

    select * from {{ ref('stg_databento__futures_ohlcv_1h') }}
    where isodow(trade_date) <= 5

),

closing_contracts as (

    select
        symbol,
        trade_date,
        arg_max(instrument_id, bar_opened_at) as instrument_id
    from hourly_bars
    group by symbol, trade_date

),

bars_tagged as (

    select
        hourly_bars.*,
        hourly_bars.instrument_id = closing_contracts.instrument_id as is_closing_contract
    from hourly_bars
    inner join closing_contracts
        on
            hourly_bars.symbol = closing_contracts.symbol
            and hourly_bars.trade_date = closing_contracts.trade_date

),

sessions as (

    select
        -- identifiers
        symbol,
        any_value(root_symbol) as root_symbol,
        trade_date,
        arg_max(instrument_id, bar_opened_at) as instrument_id,

        -- bar of the closing contract
        arg_min(open_price, bar_opened_at) filter (where is_closing_contract) as open_price,
        max(high_price) filter (where is_closing_contract) as high_price,
        min(low_price) filter (where is_closing_contract) as low_price,
        arg_max(close_price, bar_opened_at) as close_price,
        sum(volume) filter (where is_closing_contract) as volume,

        -- the contract before a roll inside the session
        arg_max(instrument_id, bar_opened_at) filter (
            where not is_closing_contract
        ) as prior_contract_instrument_id,
        arg_max(close_price, bar_opened_at) filter (
            where not is_closing_contract
        ) as prior_contract_close_price,

        -- timing
        count(*) as bar_count,
        min(bar_opened_at) as first_bar_opened_at,
        max(bar_opened_at) as last_bar_opened_at,
        max(bar_opened_at) + interval 1 hour as available_at,
        max(loaded_at) as loaded_at

    from bars_tagged
    group by symbol, trade_date

)

select * from sessions
