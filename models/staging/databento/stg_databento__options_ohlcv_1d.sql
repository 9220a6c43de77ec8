{#- ZL option bars; empty offline (no options sample; a live pull by parent lands them). -#}
with

source as (

    select * from {{ source('databento', 'databento_options_ohlcv_1d') }}

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
