{#- FRED observations, renamed, every vintage kept. Optional raw table: before the first
    `cbi ingest fred` this is an empty relation with the same columns. -#}
with

source as (

    {{ source_or_empty('fred', 'fred_economic', [
        ['series_id', 'varchar'],
        ['observation_date', 'date'],
        ['value', 'double'],
        ['vintage_date', 'date'],
        ['available_at', 'timestamptz'],
        ['source', 'varchar'],
        ['loaded_at', 'timestamptz'],
    ]) }}

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
