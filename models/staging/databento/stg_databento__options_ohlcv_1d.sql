{#- ZL options are optional (no options sample offline; a live pull by parent lands them):
    when the raw table has not been landed, this model is an empty relation with the same
    columns. -#}
with

source as (

    {{ source_or_empty('databento', 'databento_options_ohlcv_1d', [
        ['symbol', 'varchar'],
        ['parent', 'varchar'],
        ['ts_event', 'timestamptz'],
        ['instrument_id', 'bigint'],
        ['open', 'double'],
        ['high', 'double'],
        ['low', 'double'],
        ['close', 'double'],
        ['volume', 'bigint'],
        ['underlying', 'varchar'],
        ['instrument_class', 'varchar'],
        ['strike_price', 'double'],
        ['expiration', 'timestamptz'],
        ['source', 'varchar'],
        ['loaded_at', 'timestamptz'],
    ]) }}

),

renamed as (

    select
        -- identifiers
        symbol as option_symbol,
        parent as parent_symbol,
        underlying as underlying_symbol,
        instrument_id,

        -- contract terms
        case instrument_class
            when 'C' then 'call'
            when 'P' then 'put'
        end as option_type,
        strike_price,
        expiration as expires_at,

        -- timestamps
        ts_event as bar_opened_at,
        ts_event + interval 1 day as bar_closed_at,

        -- prices (exchange units of the underlying) and volume
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
