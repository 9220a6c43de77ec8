{#- One price per week and D-code; see doc epa_rin_prices_aggregation. -#}
with

source as (

    {{ vintage_states('epa_rin', 'epa_rin_prices') }}

),

vintages as (

    select
        week_start_date,
        d_code,
        coalesce(
            max(rin_year) filter (where rin_year = year(week_start_date)),
            max(rin_year) filter (where rin_year = year(week_start_date) - 1)
        ) as rin_year,
        known_from
    from source
    group by week_start_date, d_code, known_from

),

aggregated as (

    select
        -- keys
        source.week_start_date,
        source.d_code,

        -- the vintage priced and how
        source.rin_year,
        count(*) as price_rows,
        string_agg(distinct source.qap_service_type, ',' order by source.qap_service_type)
            as qap_service_types,

        -- price
        round(avg(source.price_usd_per_rin), 6) as price_usd_per_rin,

        -- timestamps
        max(source.available_at) as available_at,
        max(source.loaded_at) as loaded_at,

        -- knowledge state (macro vintage_states)
        source.known_from,
        source.known_until

    from source
    inner join vintages
        on
            source.week_start_date = vintages.week_start_date
            and source.d_code = vintages.d_code
            and source.rin_year = vintages.rin_year
            and source.known_from = vintages.known_from
    group by
        source.week_start_date,
        source.d_code,
        source.rin_year,
        source.known_from,
        source.known_until

)

select * from aggregated
