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

        -- provenance
        hg_age_days,
        greatest(hg_available_at, zs_available_at, china_news_available_at) as available_at

    from with_news

)

select * from features
