{#- One row per data month of NOPA's U.S. totals, in million bushels and million pounds.
    Optional raw table. -#}
with

source as (

    {{ source_or_empty('nopa', 'nopa_crush', [
        ['report_month', 'date'],
        ['soybeans_crushed_1000_bu', 'double'],
        ['soybean_oil_stocks_1000_lb', 'double'],
        ['oil_yield_lb_per_bu', 'double'],
        ['release_date', 'date'],
        ['available_at', 'timestamptz'],
        ['source', 'varchar'],
        ['loaded_at', 'timestamptz'],
    ]) }}

),

renamed as (

    select
        -- key
        report_month,

        -- figures, converted from thousands
        soybeans_crushed_1000_bu / 1000 as soybeans_crushed_million_bu,
        soybean_oil_stocks_1000_lb / 1000 as soybean_oil_stocks_million_lb,
        oil_yield_lb_per_bu,

        -- timestamps and metadata
        release_date,
        available_at,
        source as load_source,
        loaded_at

    from source

)

select * from renamed
