{#- Tariff bucket: tariff and trade-policy articles of Farm Policy News and farmdoc daily
    (feat_news_buckets_daily, tagged by seed news_bucket_terms), their count and tone over 7
    and 30 days, public by the end of the trade date. Null, never zero, where no article data
    exists (offline: the snapshot has no articles); bucket_coverage then reports the bucket
    uncovered (source `news`), so training leaves it out. -#}

with

tariff_news as (

    select * from {{ ref('feat_news_buckets_daily') }}
    where bucket = 'tariff'

),

features as (

    select
        -- key
        trade_date,

        -- article counts and tone (-1..1) of tariff and trade-policy news
        article_count_7d as tariff_article_count_7d,
        article_count_30d as tariff_article_count_30d,
        tone_mean_7d as tariff_article_tone_7d,
        tone_mean_30d as tariff_article_tone_30d,

        -- provenance
        available_at

    from tariff_news

)

select * from features
