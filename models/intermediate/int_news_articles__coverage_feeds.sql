{#- The feeds the coverage map expects of news: a bucket's feed is its tagged articles
    (either site), so it is fresh exactly when articles tagged to it were published in the
    window (a null period lists a feed); and the tagged articles that show each one's
    publication. -#}
{{ config(materialized='view') }}

with

feeds as (

    select
        'news' as source,
        bucket || '-tagged articles' as feed,
        bucket,
        cast(null as date) as period_date,
        cast(null as timestamptz) as available_at
    from {{ ref('bucket_sources') }}
    where source = 'news'
    union all
    select
        'news' as source,
        article_buckets.bucket || '-tagged articles' as feed,
        cast(null as varchar) as bucket,
        cast(article_buckets.published_at as date) as period_date,
        article_buckets.available_at
    from (
        select
            unnest(buckets) as bucket,
            published_at,
            available_at
        from {{ ref('int_news_articles_tagged') }}
    ) as article_buckets

)

select * from feeds
