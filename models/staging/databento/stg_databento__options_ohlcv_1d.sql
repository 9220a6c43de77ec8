{#- ZL options are optional (no options sample offline; a live pull by parent lands them):
    when the raw table has not been landed, this model is an empty relation with the same
    columns. -#}
{%- set raw_options = source('databento', 'databento_options_ohlcv_1d') -%}

with

{% if relation_exists(raw_options.schema, raw_options.identifier) -%}
source as (

    select * from {{ raw_options }}

),
{%- else -%}
    source as (

        select
            cast(null as varchar) as symbol,
            cast(null as varchar) as parent,
            cast(null as timestamptz) as ts_event,
            cast(null as bigint) as instrument_id,
            cast(null as double) as open,
            cast(null as double) as high,
            cast(null as double) as low,
            cast(null as double) as close,
            cast(null as bigint) as volume,
            cast(null as varchar) as underlying,
            cast(null as varchar) as instrument_class,
            cast(null as double) as strike_price,
            cast(null as timestamptz) as expiration,
            cast(null as varchar) as source,
            cast(null as timestamptz) as loaded_at
        where false

    ),
{%- endif %}

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
