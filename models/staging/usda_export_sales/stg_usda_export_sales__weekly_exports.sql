{#- One row per commodity, destination, marketing year and week, quantities converted to
    metric tons by unit (unit 1 = metric tons; the extractor lands no other unit). Optional
    raw table. -#}
with

source as (

    {{ source_or_empty('usda_export_sales', 'usda_export_sales', [
        ['commodity_code', 'integer'],
        ['country_code', 'integer'],
        ['market_year', 'integer'],
        ['week_ending_date', 'date'],
        ['weekly_exports', 'double'],
        ['accumulated_exports', 'double'],
        ['outstanding_sales', 'double'],
        ['gross_new_sales', 'double'],
        ['current_my_net_sales', 'double'],
        ['current_my_total_commitment', 'double'],
        ['next_my_outstanding_sales', 'double'],
        ['next_my_net_sales', 'double'],
        ['unit_id', 'integer'],
        ['available_at', 'timestamptz'],
        ['source', 'varchar'],
        ['loaded_at', 'timestamptz'],
    ]) }}

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
        loaded_at

    from converted

)

select * from renamed
