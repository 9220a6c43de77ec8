{#- Weekly retail prices, renamed; every series is in $/gal (the extractor refuses others).
    Optional raw table. -#}
with

source as (

    {{ source_or_empty('eia', 'eia_weekly_prices', [
        ['series_id', 'varchar'],
        ['period_date', 'date'],
        ['value', 'double'],
        ['units', 'varchar'],
        ['available_at', 'timestamptz'],
        ['source', 'varchar'],
        ['loaded_at', 'timestamptz'],
    ]) }}

),

renamed as (

    select
        -- keys
        series_id,
        period_date as week_date,

        -- price
        value as price_usd_per_gal,
        units,

        -- timestamps and metadata
        available_at,
        source as load_source,
        loaded_at

    from source

)

select * from renamed
