{#- One row per format (oce, psd, text, xls), report, table, region, commodity, attribute and marketing year, with
    the commodity and attribute named once for all three formats (commodity_key,
    attribute_key; null for attributes no feature uses) and quantities converted to million
    metric tons and million pounds (null for prices, areas, yields and rates). Soybeans weigh
    60 lb per bushel. -#}
{%- set kg_per_lb = 0.45359237 -%}
with

source as (

    {{ vintage_states('usda_wasde', 'usda_wasde') }}

),

named as (

    select
        *,
        case commodity
            when 'Oilseed, Soybean' then 'soybeans'
            when 'Oil, Soybean' then 'soybean_oil'
            when 'Soybean Oil' then 'soybean_oil'
            when 'Meal, Soybean' then 'soybean_meal'
            when 'Soybean Meal' then 'soybean_meal'
        end as commodity_key,
        case lower(attribute)
            when 'beginning stocks' then 'beginning_stocks'
            when 'production' then 'production'
            when 'imports' then 'imports'
            when 'exports' then 'exports'
            when 'crushings' then 'crush'
            when 'domestic crush' then 'crush'
            when 'crush' then 'crush'
            when 'domestic disappearance' then 'domestic_use'
            when 'domestic' then 'domestic_use'
            when 'domestic total' then 'domestic_use'
            when 'domestic consumption' then 'domestic_use'
            -- the same U.S. soybean oil line under its names over the years
            when 'biofuel' then 'biofuel_use'
            when 'biodiesel' then 'biofuel_use'
            when 'methyl ester' then 'biofuel_use'
            when 'for methyl ester' then 'biofuel_use'
            when 'use, total' then 'total_use'
            when 'ending stocks' then 'ending_stocks'
        end as attribute_key,
        case unit
            when 'Million Metric Tons' then 1.0
            when '(1000 MT)' then 0.001
            when 'Million Pounds' then {{ kg_per_lb }} / 1000
            when 'Thousand Short Tons' then 2000 * {{ kg_per_lb }} / 1e6
            when 'Million Bushels' then 60 * {{ kg_per_lb }} / 1000
        end as million_mt_per_unit
    from source

),

renamed as (

    select
        -- keys
        dataset,
        report_month,
        table_name,
        region,
        commodity,
        attribute,
        market_year,

        -- the same names for every format
        commodity_key,
        attribute_key,
        cast(left(market_year, 4) as integer) as market_year_start,
        projection_flag,

        -- value as published, and converted
        value,
        previous_value,
        unit,
        value * million_mt_per_unit as quantity_million_mt,
        previous_value * million_mt_per_unit as previous_quantity_million_mt,
        value * million_mt_per_unit * 1e3 / {{ kg_per_lb }} as quantity_million_lb,
        previous_value * million_mt_per_unit * 1e3 / {{ kg_per_lb }}
            as previous_quantity_million_lb,

        -- timestamps and metadata
        release_date,
        available_at,
        source as load_source,
        loaded_at,

        -- knowledge state (macro vintage_states)
        known_from,
        known_until

    from named

)

select * from renamed
