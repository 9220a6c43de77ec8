{#- The daily table is optional (the offline snapshot has hourly bars only): when it has not
    been landed, this model is an empty relation with the same columns. -#}
with

source as (

    {{ source_or_empty('databento', 'databento_futures_ohlcv_1d', [
        ['symbol', 'varchar'],
        ['ts_event', 'timestamptz'],
        ['instrument_id', 'bigint'],
        ['publisher_id', 'integer'],
        ['open', 'double'],
        ['high', 'double'],
        ['low', 'double'],
        ['close', 'double'],
        ['volume', 'bigint'],
        ['source', 'varchar'],
        ['loaded_at', 'timestamptz'],
    ]) }}

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
