{#- FRED observations, renamed, every vintage kept. -#}
with

source as (

    select * from {{ source('fred', 'fred_economic') }}

),

renamed as (

    select
        -- keys
        series_id,
        observation_date,

        -- value, in the series' units (seed fred_series)
        value,

        -- vintage and publication
        vintage_date,
        available_at,

        -- metadata
        source as load_source,
        loaded_at

    from source

)

select * from renamed
