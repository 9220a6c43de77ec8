{#- One row per source and feed (a market symbol, FRED series, COT market, EPA or EIA dataset,
    USDA export sales commodity, the WASDE reports, NOPA's monthly crush,
    a bucket's tagged news articles)
    that the coverage map expects: its last period, its last publication and its rows public
    in the source's freshness window before coverage_as_of (the end of the last ZL trade
    date). Plain SQL over the staging models of the sources declared in models/staging: a
    source not landed yet has empty staging models, so its feeds have no rows. `bucket` tags
    the feeds a bucket's features use (seeds fred_series, cftc_markets); null = every bucket
    listing the source. Adding a source: one `expected` block and one `observed` block. -#}
{%- set window_days = var('coverage_window_days') -%}
{#- EPA publishes monthly, around the 20th of the month after: two months between updates. -#}
{%- set monthly_window_days = 75 -%}
{%- set eia_diesel_series = 'EMD_EPD2D_PTE_NUS_DPG' -%}
{#- WASDE (about the 12th) and NOPA (about the 15th) publish monthly: one missed release
    makes them stale. -#}
{%- set usda_monthly_window_days = 45 -%}
{%- set export_sales_commodities = ['soybeans', 'soybean_oil'] -%}

with

coverage_anchor as (

    select
        max(trade_date) as coverage_as_of,
        max(trade_date_end_at) as coverage_as_of_end_at
    from {{ ref('int_trading_days_enumerated') }}

),

expected as (

    {% for symbol in var('market_symbols') -%}
        select
            'databento' as source,
            '{{ symbol }}' as feed,
            cast(null as varchar) as bucket,
            {{ window_days }} as fresh_within_days
        union all
    {% endfor -%}
    select
        'fred' as source,
        series_id as feed,
        bucket,
        {{ window_days }} as fresh_within_days
    from {{ ref('fred_series') }}
    where bucket is not null
    union all
    select
        'cftc' as source,
        market_code as feed,
        bucket,
        {{ window_days }} as fresh_within_days
    from {{ ref('cftc_markets') }}
    where bucket is not null
    union all
    select
        'epa_rin' as source,
        epa_feeds.feed,
        cast(null as varchar) as bucket,
        {{ monthly_window_days }} as fresh_within_days
    from (values ('rin_prices'), ('rin_generation')) as epa_feeds (feed)
    union all
    {% for commodity in export_sales_commodities -%}
        select
            'usda_export_sales' as source,
            '{{ commodity }}' as feed,
            cast(null as varchar) as bucket,
            {{ window_days }} as fresh_within_days
        union all
    {% endfor -%}
    select
        'usda_wasde' as source,
        'reports' as feed,
        cast(null as varchar) as bucket,
        {{ usda_monthly_window_days }} as fresh_within_days
    union all
    select
        'nopa' as source,
        'monthly_crush' as feed,
        cast(null as varchar) as bucket,
        {{ usda_monthly_window_days }} as fresh_within_days
    union all
    select
        'eia' as source,
        '{{ eia_diesel_series }}' as feed,
        cast(null as varchar) as bucket,
        {{ window_days }} as fresh_within_days
    union all
    -- news: a bucket's feed is its tagged articles (either site), so it is fresh exactly when
    -- articles tagged to it were published in the window
    select
        'news' as source,
        bucket || '-tagged articles' as feed,
        bucket,
        {{ window_days }} as fresh_within_days
    from {{ ref('bucket_sources') }}
    where source = 'news'

),

observed as (

    select
        'databento' as source,
        symbol as feed,
        trade_date as period_date,
        bar_closed_at as available_at
    from {{ ref('stg_databento__futures_ohlcv_1h') }}
    union all
    select
        'fred' as source,
        series_id as feed,
        observation_date as period_date,
        available_at
    from {{ ref('stg_fred__observations') }}
    where value is not null
    union all
    select
        'cftc' as source,
        market_code as feed,
        as_of_date as period_date,
        available_at
    from {{ ref('stg_cftc__cot_reports') }}
    where report_type = 'disaggregated' and futures_only
    union all
    select
        'epa_rin' as source,
        'rin_prices' as feed,
        week_start_date as period_date,
        available_at
    from {{ ref('stg_epa_rin__rin_prices') }}
    union all
    select
        'epa_rin' as source,
        'rin_generation' as feed,
        vintage_month as period_date,
        available_at
    from {{ ref('stg_epa_rin__rin_generation') }}
    union all
    select
        'usda_export_sales' as source,
        commodity as feed,
        week_ending_date as period_date,
        available_at
    from {{ ref('stg_usda_export_sales__weekly_exports') }}
    union all
    select
        'usda_wasde' as source,
        'reports' as feed,
        report_month as period_date,
        available_at
    from {{ ref('stg_usda_wasde__estimates') }}
    union all
    select
        'nopa' as source,
        'monthly_crush' as feed,
        report_month as period_date,
        available_at
    from {{ ref('stg_nopa__monthly_crush') }}
    union all
    select
        'eia' as source,
        series_id as feed,
        week_date as period_date,
        available_at
    from {{ ref('stg_eia__weekly_prices') }}
    where series_id = '{{ eia_diesel_series }}'
    union all
    select
        'news' as source,
        article_buckets.bucket || '-tagged articles' as feed,
        cast(article_buckets.published_at as date) as period_date,
        article_buckets.available_at
    from (
        select
            unnest(buckets) as bucket,
            published_at,
            available_at
        from {{ ref('int_news_articles_tagged') }}
    ) as article_buckets

),

observed_feeds as (

    select
        source,
        feed,
        max(period_date) as last_period_date,
        max(available_at) as last_available_at
    from observed
    group by source, feed

),

recent_rows as (

    select
        observed.source,
        observed.feed,
        count(*) as rows_in_window
    from observed
    inner join expected
        on observed.source = expected.source and observed.feed = expected.feed
    cross join coverage_anchor
    where
        observed.available_at <= coverage_anchor.coverage_as_of_end_at
        and observed.available_at
        > coverage_anchor.coverage_as_of_end_at - to_days(expected.fresh_within_days)
    group by observed.source, observed.feed

),

summarised as (

    select
        expected.source,
        expected.feed,
        expected.bucket,
        expected.fresh_within_days,
        observed_feeds.last_period_date,
        cast(observed_feeds.last_available_at as date) as last_available_date,
        coalesce(recent_rows.rows_in_window, 0) as rows_in_window,
        coalesce(recent_rows.rows_in_window, 0) > 0 as is_fresh,
        coverage_anchor.coverage_as_of
    from expected
    cross join coverage_anchor
    left join observed_feeds
        on expected.source = observed_feeds.source and expected.feed = observed_feeds.feed
    left join recent_rows
        on expected.source = recent_rows.source and expected.feed = recent_rows.feed

)

select * from summarised
