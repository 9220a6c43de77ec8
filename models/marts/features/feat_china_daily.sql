{%- set export_sales_columns = [] -%}
{%- for commodity in ['soybean', 'soybean_oil'] -%}
    {%- for feature in [
        'net_sales_mt', 'net_sales_4w_mt', 'exports_4w_mt', 'exports_4w_share_pct',
        'exports_4w_vs_year_ago_mt', 'net_sales_4w_vs_year_ago_mt', 'outstanding_sales_share_pct'
    ] -%}
        {%- do export_sales_columns.append('china_' ~ commodity ~ '_' ~ feature) -%}
    {%- endfor -%}
{%- endfor -%}
{%- do export_sales_columns.append('export_sales_age_days') %}

with

panel as (

    select * from {{ ref('int_futures_sessions_pivoted_to_trading_days') }}

),

china_news as (

    select * from {{ ref('feat_news_buckets_daily') }}
    where bucket = 'china'

),

with_news as (

    select
        panel.*,
        china_news.article_count_7d as china_article_count_7d,
        china_news.article_count_30d as china_article_count_30d,
        china_news.tone_mean_7d as china_article_tone_7d,
        china_news.tone_mean_30d as china_article_tone_30d,
        china_news.available_at as china_news_available_at
    from panel
    left join china_news on panel.trade_date = china_news.trade_date

),

export_sales as (

    select * from {{ ref('int_export_sales_joined_asof') }}

),

with_export_sales as (

    select
        with_news.*,
        {%- for column in export_sales_columns %}
            export_sales.{{ column }},
        {%- endfor %}
        export_sales.export_sales_available_at
    from with_news
    left join export_sales on with_news.trade_date = export_sales.trade_date

),

wasde as (

    select * from {{ ref('int_wasde_estimates_joined_asof') }}

),

with_wasde as (

    select
        with_export_sales.*,
        wasde.china_soybean_imports_million_mt,
        wasde.china_soybean_imports_revision_million_mt,
        wasde.wasde_available_at
    from with_export_sales
    left join wasde on with_export_sales.trade_date = wasde.trade_date

),

features as (

    select
        -- key
        trade_date,

        -- copper level and momentum (roll-free)
        hg_close_price as hg_close_usd_per_lb,
        {{ log_return_over_window('hg_adj_close_price', 5) }} as hg_log_return_5d,
        {{ log_return_over_window('hg_adj_close_price', 21) }} as hg_log_return_21d,
        {{ log_return_over_window('hg_adj_close_price', 63) }} as hg_log_return_63d,
        {{ moving_average_distance('hg_adj_close_price', 50) }} as hg_sma_distance_50d,

        -- copper vs soybeans: daily roll-free returns
        {{ rolling_correlation('hg_log_return_1d_roll_free', 'zs_log_return_1d_roll_free', 63) }}
            as hg_zs_return_correlation_63d,
        {{ rolling_beta('zs_log_return_1d_roll_free', 'hg_log_return_1d_roll_free', 63) }}
            as zs_hg_return_beta_63d,

        -- China policy news (Farm Policy News, farmdoc daily): articles and tone (-1..1)
        china_article_count_7d,
        china_article_count_30d,
        china_article_tone_7d,
        china_article_tone_30d,

        -- USDA export sales to China (weekly): soybeans and soybean oil, metric tons, percent
        {%- for column in export_sales_columns %}
            {{ column }},
        {%- endfor %}

        -- USDA WASDE (monthly): China's soybean imports, newest marketing year, million t
        china_soybean_imports_million_mt,
        china_soybean_imports_revision_million_mt,

        -- provenance
        hg_age_days,
        greatest(
            hg_available_at,
            zs_available_at,
            china_news_available_at,
            export_sales_available_at,
            wasde_available_at
        ) as available_at

    from with_wasde

)

select * from features
