{#- Every vintage of EPA's RIN generation table, renamed. Optional raw table. -#}
with

source as (

    {{ source_or_empty('epa_rin', 'epa_rin_generation', [
        ['vintage_month', 'date'],
        ['rin_year', 'integer'],
        ['fuel_code', 'integer'],
        ['domestic_rins', 'bigint'],
        ['importer_rins', 'bigint'],
        ['foreign_generation_rins', 'bigint'],
        ['total_rins', 'bigint'],
        ['available_at', 'timestamptz'],
        ['source', 'varchar'],
        ['loaded_at', 'timestamptz'],
    ]) }}

),

renamed as (

    select
        -- keys
        vintage_month,
        rin_year,
        'D' || fuel_code as d_code,

        -- RIN counts generated in the RIN year, as known at the vintage
        domestic_rins,
        importer_rins,
        foreign_generation_rins,
        total_rins,

        -- timestamps and metadata
        available_at,
        source as load_source,
        loaded_at

    from source

)

select * from renamed
