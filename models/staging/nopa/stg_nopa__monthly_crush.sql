{#- One row per data month of NOPA's U.S. totals, in million bushels and million pounds.
-#}
with

source as (

    {{ vintage_states('nopa', 'nopa_crush') }}

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
        loaded_at,

        -- knowledge state (macro vintage_states)
        known_from,
        known_until

    from source

)

select * from renamed
