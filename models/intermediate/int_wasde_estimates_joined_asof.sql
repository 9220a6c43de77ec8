{#- Point-in-time USDA supply and use estimates per ZL trading day, from the newest report
    public by the end of the trade date (macro latest_public_period on report_month): U.S.
    soybean oil stocks-to-use and biofuel use, Brazil and Argentina soybean production, China's
    soybean imports, each
    for the newest marketing year that report estimates, and its revision from the report
    before (the same marketing year one report month earlier; for a text table its `prev`
    column; for a workbook its previous-month column). Where formats overlap, one row per
    estimate is kept: the U.S. table (OCE, text or workbook), then a world table (OCE or
    workbook), then PSD. Stocks-to-use = ending stocks / total use (or
    domestic use + exports where no total is published), percent. A report more than
    max_age_days after the first day of its month is null (one missed WASDE). -#}
{%- set max_age_days = 50 -%}
{%- set series = {
    'us_soybean_oil': ('United States', 'soybean_oil'),
    'brazil_soybean': ('Brazil', 'soybeans'),
    'argentina_soybean': ('Argentina', 'soybeans'),
    'china_soybean': ('China', 'soybeans'),
} -%}
{%- set attributes = {
    'ending_stocks': 'quantity_million_lb', 'total_use': 'quantity_million_lb',
    'domestic_use': 'quantity_million_lb', 'exports': 'quantity_million_lb',
    'biofuel_use': 'quantity_million_lb', 'production': 'quantity_million_mt',
    'imports': 'quantity_million_mt'
} -%}
{%- set measures = [
    'stocks_to_use_pct', 'biofuel_use_million_lb', 'production_million_mt', 'imports_million_mt'
] -%}
{%- set series_filters, pivot_columns, measure_columns = [], [], [] -%}
{%- set revision_columns, newest_columns, report_columns, joins = [], [], [], [] -%}
{%- for prefix, (region, commodity) in series.items() -%}
    {%- set in_series = "region = '" ~ region ~ "' and commodity_key = '" ~ commodity ~ "'" -%}
    {%- do series_filters.append('(' ~ in_series ~ ')') -%}
    {%- for attribute, column in attributes.items() -%}
        {%- set unit = column.replace('quantity', '') -%}
        {%- for vintage in ['', 'previous_'] -%}
            {%- do pivot_columns.append(
                'any_value(' ~ vintage ~ column ~ ') filter (where ' ~ in_series
                ~ " and attribute_key = '" ~ attribute ~ "') as " ~ vintage ~ prefix ~ '_'
                ~ attribute ~ unit
            ) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- do pivot_columns.append(
        'max(available_at) filter (where ' ~ in_series ~ ') as ' ~ prefix ~ '_available_at'
    ) -%}
    {%- do measure_columns.append(prefix ~ '_available_at') -%}
    {%- for vintage in ['', 'previous_'] -%}
        {%- set p = vintage ~ prefix -%}
        {%- do measure_columns.extend([
            '100 * ' ~ p ~ '_ending_stocks_million_lb / nullif(coalesce(' ~ p
            ~ '_total_use_million_lb, ' ~ p ~ '_domestic_use_million_lb + ' ~ p
            ~ '_exports_million_lb), 0) as ' ~ p ~ '_stocks_to_use_pct',
            p ~ '_biofuel_use_million_lb',
            p ~ '_production_million_mt',
            p ~ '_imports_million_mt',
        ]) -%}
    {%- endfor -%}
    {%- for measure in measures -%}
        {%- do revision_columns.append(
            'this_report.' ~ prefix ~ '_' ~ measure ~ ' - coalesce(prior_report.' ~ prefix ~ '_'
            ~ measure ~ ', this_report.previous_' ~ prefix ~ '_' ~ measure ~ ') as ' ~ prefix
            ~ '_' ~ measure ~ '_revision'
        ) -%}
        {%- do report_columns.append(prefix ~ '.' ~ prefix ~ '_' ~ measure) -%}
        {%- do report_columns.append(prefix ~ '.' ~ prefix ~ '_' ~ measure ~ '_revision') -%}
    {%- endfor -%}
    {%- do newest_columns.append(
        'max(market_year_start) filter (where ' ~ prefix ~ '_available_at is not null) as '
        ~ prefix ~ '_market_year_start'
    ) -%}
    {%- do report_columns.append('newest_market_year.' ~ prefix ~ '_market_year_start') -%}
    {%- do joins.append(
        'left join revised as ' ~ prefix ~ ' on newest_market_year.report_month = ' ~ prefix
        ~ '.report_month and newest_market_year.' ~ prefix ~ '_market_year_start = ' ~ prefix
        ~ '.market_year_start and newest_market_year.known_from = ' ~ prefix ~ '.known_from'
    ) -%}
{%- endfor %}

with

estimates as (

    select
        report_month,
        region,
        commodity_key,
        attribute_key,
        market_year_start,
        quantity_million_mt,
        previous_quantity_million_mt,
        quantity_million_lb,
        previous_quantity_million_lb,
        available_at,
        known_from,
        known_until
    from {{ ref('stg_usda_wasde__estimates') }}
    where attribute_key is not null and ({{ series_filters | join(' or ') }})
    qualify
        row_number() over (
            partition by
                report_month, region, commodity_key, attribute_key, market_year_start, known_from
            order by
                case
                    when dataset in ('oce', 'text', 'xls') and table_name like 'U.S.%' then 1
                    when dataset in ('oce', 'xls') then 2
                    else 3
                end,
                dataset
        ) = 1

),

by_market_year as (

    select
        report_month,
        market_year_start,
        {{ pivot_columns | join(',\n        ') }},
        max(available_at) as available_at,
        known_from,
        known_until
    from estimates
    group by report_month, market_year_start, known_from, known_until

),

measures as (

    select
        report_month,
        market_year_start,
        {{ measure_columns | join(',\n        ') }},
        available_at,
        known_from,
        known_until
    from by_market_year

),

revised as (

    select
        this_report.*,
        {{ revision_columns | join(',\n        ') }}
    from measures as this_report
    left join measures as prior_report
        on
            this_report.report_month - interval 1 month = prior_report.report_month
            and this_report.market_year_start = prior_report.market_year_start
            and this_report.known_from = prior_report.known_from

),

newest_market_year as (

    select
        report_month,
        {{ newest_columns | join(',\n        ') }},
        max(available_at) as available_at,
        known_from,
        known_until
    from measures
    group by report_month, known_from, known_until

),

reports as (

    select
        newest_market_year.report_month,
        {{ report_columns | join(',\n        ') }},
        newest_market_year.available_at,
        newest_market_year.known_from,
        newest_market_year.known_until
    from newest_market_year
    {{ joins | join('\n    ') }}

),

latest_public_report as (

    {{ latest_public_period('reports', 'report_month', max_age_days, vintaged=true) }}

),

final as (

    select
        -- key
        latest_public_report.trade_date,

        -- the report used and the marketing years it estimates
        reports.report_month as wasde_report_month,
        reports.us_soybean_oil_market_year_start,
        reports.brazil_soybean_market_year_start,
        reports.argentina_soybean_market_year_start,
        reports.china_soybean_market_year_start,

        -- U.S. soybean oil: stocks-to-use (percent; revision in percentage points), biofuel use
        {{ feature_round('reports.us_soybean_oil_stocks_to_use_pct') }}
            as us_soybean_oil_stocks_to_use_pct,
        {{ feature_round('reports.us_soybean_oil_stocks_to_use_pct_revision') }}
            as us_soybean_oil_stocks_to_use_revision_pp,
        {{ feature_round('reports.us_soybean_oil_biofuel_use_million_lb') }}
            as us_soybean_oil_biofuel_use_million_lb,
        {{ feature_round('reports.us_soybean_oil_biofuel_use_million_lb_revision') }}
            as us_soybean_oil_biofuel_use_revision_million_lb,

        -- South American soybean crops, million metric tons
        {{ feature_round('reports.brazil_soybean_production_million_mt') }}
            as brazil_soybean_production_million_mt,
        {{ feature_round('reports.brazil_soybean_production_million_mt_revision') }}
            as brazil_soybean_production_revision_million_mt,
        {{ feature_round('reports.argentina_soybean_production_million_mt') }}
            as argentina_soybean_production_million_mt,
        {{ feature_round('reports.argentina_soybean_production_million_mt_revision') }}
            as argentina_soybean_production_revision_million_mt,

        -- China's soybean imports (the China bucket), million metric tons
        {{ feature_round('reports.china_soybean_imports_million_mt') }}
            as china_soybean_imports_million_mt,
        {{ feature_round('reports.china_soybean_imports_million_mt_revision') }}
            as china_soybean_imports_revision_million_mt,

        -- when the report used became public
        reports.available_at as wasde_available_at

    from latest_public_report
    left join reports
        on
            latest_public_report.report_month = reports.report_month
            and latest_public_report.known_from = reports.known_from

)

select * from final
