{#- Point-in-time USDA export sales to China per ZL trading day: soybeans and soybean oil, from
    the newest week public by the end of the trade date (macro latest_public_period). Net
    sales = current plus next marketing year; outstanding = the same. A destination without a
    row in a published week had no activity (0); a week answered for two marketing years
    counts once, from the later year. 4-week sums need four consecutive weeks; "year ago" is
    the 4-week sum ending 52 weeks earlier. A week more than max_age_days old is null. -#}
{%- set commodities = {'soybean': 'soybeans', 'soybean_oil': 'soybean_oil'} -%}
{%- set china = 5700 -%}
{%- set max_age_days = 21 -%}
{%- set measures = {
    'exports': 'weekly_exports_mt', 'net_sales': 'net_sales_mt',
    'outstanding_sales': 'outstanding_sales_mt'
} -%}
{%- set weekly_columns, four_week_columns, feature_columns = [], [], [] -%}
{#- (expression, name) of each feature, for the features and final CTEs -#}
{%- for prefix, commodity in commodities.items() -%}
    {%- for measure, column in measures.items() -%}
        {%- do weekly_columns.append(
            'sum(' ~ column ~ ") filter (where commodity = '" ~ commodity ~ "') as total_"
            ~ prefix ~ '_' ~ measure ~ '_mt'
        ) -%}
        {%- do weekly_columns.append(
            "case when count(*) filter (where commodity = '" ~ commodity ~ "') > 0 then coalesce("
            ~ 'sum(' ~ column ~ ") filter (where commodity = '" ~ commodity
            ~ "' and country_code = " ~ china ~ '), 0) end as china_' ~ prefix ~ '_' ~ measure
            ~ '_mt'
        ) -%}
    {%- endfor -%}
    {%- for scope in ['total', 'china'] -%}
        {%- for measure in ['exports', 'net_sales'] -%}
            {%- set name = scope ~ '_' ~ prefix ~ '_' ~ measure -%}
            {%- do four_week_columns.append(
                'case when lag(week_ending_date, 3) over by_week = week_ending_date - interval 21'
                ~ ' day then sum(' ~ name ~ '_mt) over last_four_weeks end as ' ~ name ~ '_4w_mt'
            ) -%}
        {%- endfor -%}
    {%- endfor -%}
    {%- set china = 'this_week.china_' ~ prefix -%}
    {%- set total = 'this_week.total_' ~ prefix -%}
    {%- set year_ago = 'year_ago.china_' ~ prefix -%}
    {%- set expressions = {
        'net_sales_mt': china ~ '_net_sales_mt',
        'net_sales_4w_mt': china ~ '_net_sales_4w_mt',
        'exports_4w_mt': china ~ '_exports_4w_mt',
        'exports_4w_share_pct': feature_round(
            '100 * ' ~ china ~ '_exports_4w_mt / nullif(' ~ total ~ '_exports_4w_mt, 0)'
        ),
        'exports_4w_vs_year_ago_mt': china ~ '_exports_4w_mt - ' ~ year_ago ~ '_exports_4w_mt',
        'net_sales_4w_vs_year_ago_mt':
            china ~ '_net_sales_4w_mt - ' ~ year_ago ~ '_net_sales_4w_mt',
        'outstanding_sales_share_pct': feature_round(
            '100 * ' ~ china ~ '_outstanding_sales_mt / nullif(' ~ total
            ~ '_outstanding_sales_mt, 0)'
        ),
    } -%}
    {%- for name, expression in expressions.items() -%}
        {%- do feature_columns.append((expression, 'china_' ~ prefix ~ '_' ~ name)) -%}
    {%- endfor -%}
{%- endfor %}

with

exports as (

    select
        commodity,
        country_code,
        week_ending_date,
        weekly_exports_mt,
        current_my_net_sales_mt + coalesce(next_my_net_sales_mt, 0) as net_sales_mt,
        outstanding_sales_mt + coalesce(next_my_outstanding_sales_mt, 0) as outstanding_sales_mt,
        available_at,
        known_from,
        known_until
    from {{ ref('stg_usda_export_sales__weekly_exports') }}
    where commodity in ('{{ commodities.values() | join("', '") }}')
    qualify
        row_number() over (
            partition by commodity, country_code, week_ending_date, known_from
            order by market_year desc
        ) = 1

),

weeks as (

    select
        week_ending_date,
        {{ weekly_columns | join(',\n        ') }},
        max(available_at) as available_at,
        known_from,
        known_until
    from exports
    group by week_ending_date, known_from, known_until

),

four_weeks as (

    select
        *,
        {{ four_week_columns | join(',\n        ') }}
    from weeks
    window
        by_week as (partition by known_from order by week_ending_date),
        last_four_weeks as (
            partition by known_from
            order by week_ending_date rows between 3 preceding and current row
        )

),

features as (

    select
        this_week.week_ending_date,
        {%- for expression, name in feature_columns %}
            {{ expression }} as {{ name }},
        {%- endfor %}
        this_week.available_at,
        this_week.known_from,
        this_week.known_until
    from four_weeks as this_week
    left join four_weeks as year_ago
        on
            this_week.week_ending_date - interval 364 day = year_ago.week_ending_date
            and this_week.known_from = year_ago.known_from

),

latest_public_week as (

    {{ latest_public_period('features', 'week_ending_date', max_age_days, vintaged=true) }}

),

final as (

    select
        -- key
        latest_public_week.trade_date,

        -- the week used and its age
        features.week_ending_date as export_sales_week_ending_date,
        date_diff('day', features.week_ending_date, latest_public_week.trade_date)
            as export_sales_age_days,

        -- sales and shipments to China, metric tons and percent of all destinations
        {%- for _, name in feature_columns %}
            features.{{ name }},
        {%- endfor %}

        -- when the week used became public
        features.available_at as export_sales_available_at

    from latest_public_week
    left join features
        on
            latest_public_week.week_ending_date = features.week_ending_date
            and latest_public_week.known_from = features.known_from

)

select * from final
