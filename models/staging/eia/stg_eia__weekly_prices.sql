{#- Weekly retail prices, renamed; every series is in $/gal (the extractor refuses others).
-#}
with

source as (

    {{ vintage_states('eia', 'eia_weekly_prices') }}

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
        loaded_at,

        -- knowledge state (macro vintage_states)
        known_from,
        known_until

    from source

)

select * from renamed
