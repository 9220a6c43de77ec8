{#- One row per commodity, destination, marketing year and week, quantities converted to
    metric tons by unit (unit 1 = metric tons; the extractor lands no other unit).
-#}
with

source as (

    {{ vintage_states('usda_export_sales', 'usda_export_sales') }}

),

converted as (

    select
        *,
        case unit_id when 1 then 1.0 end as metric_tons_per_unit
    from source

),

renamed as (

    select
        -- keys
        commodity_code,
        case commodity_code
            when 801 then 'soybeans'
            when 901 then 'soybean_meal'
            when 902 then 'soybean_oil'
        end as commodity,
        country_code,
        market_year,
        week_ending_date,

        -- quantities, metric tons
        weekly_exports * metric_tons_per_unit as weekly_exports_mt,
        accumulated_exports * metric_tons_per_unit as accumulated_exports_mt,
        outstanding_sales * metric_tons_per_unit as outstanding_sales_mt,
        gross_new_sales * metric_tons_per_unit as gross_new_sales_mt,
        current_my_net_sales * metric_tons_per_unit as current_my_net_sales_mt,
        current_my_total_commitment * metric_tons_per_unit as current_my_total_commitment_mt,
        next_my_outstanding_sales * metric_tons_per_unit as next_my_outstanding_sales_mt,
        next_my_net_sales * metric_tons_per_unit as next_my_net_sales_mt,
        unit_id,

        -- timestamps and metadata
        available_at,
        source as load_source,
        loaded_at,

        -- knowledge state (macro vintage_states)
        known_from,
        known_until

    from converted

)

select * from renamed
