{#- Databento's daily bars; empty offline (the snapshot has hourly bars only). -#}
with

source as (

    select * from {{ source('databento', 'databento_futures_ohlcv_1d') }}

),

renamed as (

    select
        -- identifiers
        symbol,
        split_part(symbol, '.', 1) as root_symbol,
        instrument_id,
        publisher_id,

        -- timestamps
        ts_event as bar_opened_at,
        ts_event + interval 1 day as bar_closed_at,

        -- prices (exchange units) and volume
        open as open_price,
        high as high_price,
        low as low_price,
        close as close_price,
        volume,

        -- metadata
        source as load_source,
        loaded_at

    from source

)

select * from renamed
