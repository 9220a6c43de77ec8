{#- Every vintage of EPA's RIN generation table, renamed. -#}
with

source as (

    {{ vintage_states('epa_rin', 'epa_rin_generation') }}

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
        loaded_at,

        -- knowledge state (macro vintage_states)
        known_from,
        known_until

    from source

)

select * from renamed
