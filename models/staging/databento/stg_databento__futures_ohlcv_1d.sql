{#- The daily table is optional (the offline snapshot has hourly bars only): when it has not
    been landed, this model is an empty relation with the same columns. -#}
{%- set raw_daily = source('databento', 'databento_futures_ohlcv_1d') -%}

with

{% if relation_exists(raw_daily.schema, raw_daily.identifier) -%}
source as (

    select * from {{ raw_daily }}

),
{%- else -%}
    source as (

        select
            cast(null as varchar) as symbol,
            cast(null as timestamptz) as ts_event,
            cast(null as bigint) as instrument_id,
            cast(null as integer) as publisher_id,
            cast(null as double) as open,
            cast(null as double) as high,
            cast(null as double) as low,
            cast(null as double) as close,
            cast(null as bigint) as volume,
            cast(null as varchar) as source,
            cast(null as timestamptz) as loaded_at
        where false

    ),
{%- endif %}

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
