{#- One row per ZL trading day and Big 8 bucket: articles of both news sites tagged to the
    bucket (int_news_articles_tagged) published in the 7 and 30 days (168 and 720 hours)
    before the end of the trade date (17:00 CT), their count and mean tone. Joined on
    available_at only, never on a date, so a trade date sees only articles public by its end.
    Null, never zero, where there is no article data: a window's count is a number only when
    the sites were being read over the whole window (it starts after the first article landed
    and it holds at least one article of any bucket); tone is null when no article of the
    bucket is in the window. -#}
{%- set windows = [7, 30] -%}

with

trading_days as (

    select
        trade_date,
        trade_date_end_at
    from {{ ref('int_trading_days_enumerated') }}

),

buckets as (

    select bucket from {{ ref('buckets') }}

),

articles as (

    select * from {{ ref('int_news_articles_tagged') }}

),

first_article as (

    select min(available_at) as first_article_at from articles

),

articles_in_windows as (

    -- every article public by the end of the trade date and within the longest window
    select
        trading_days.trade_date,
        articles.article_url,
        articles.buckets,
        articles.tone_score,
        {% for days in windows -%}
            articles.available_at
            > trading_days.trade_date_end_at - to_days({{ days }}) as in_{{ days }}d,
        {% endfor -%}
        articles.available_at
    from trading_days
    inner join articles
        on
            trading_days.trade_date_end_at >= articles.available_at
            and trading_days.trade_date_end_at - to_days({{ windows | max }})
            < articles.available_at

),

read_windows as (

    -- whether the sites were read over each window, and the newest article used
    select
        trading_days.trade_date,
        {% for days in windows -%}
            trading_days.trade_date_end_at - to_days({{ days }})
            >= first_article.first_article_at
            and count(articles_in_windows.article_url)
            filter (where articles_in_windows.in_{{ days }}d) > 0 as is_read_{{ days }}d,
        {% endfor -%}
        max(articles_in_windows.available_at) as last_article_available_at
    from trading_days
    cross join first_article
    left join articles_in_windows on trading_days.trade_date = articles_in_windows.trade_date
    group by trading_days.trade_date, trading_days.trade_date_end_at, first_article.first_article_at

),

bucket_articles as (

    select
        {% for days in windows -%}
            count(*) filter (where articles_in_windows.in_{{ days }}d) as article_count_{{ days }}d,
            avg(articles_in_windows.tone_score) filter (where articles_in_windows.in_{{ days }}d)
                as tone_mean_{{ days }}d,
        {% endfor -%}
        articles_in_windows.trade_date,
        article_buckets.bucket
    from articles_in_windows
    cross join unnest(articles_in_windows.buckets) as article_buckets (bucket)
    group by articles_in_windows.trade_date, article_buckets.bucket

),

features as (

    select
        -- key
        read_windows.trade_date,
        buckets.bucket,
        {%- for days in windows %}

        -- {{ days }}-day window: articles of the bucket and their mean tone (-1..1)
            case
                when read_windows.is_read_{{ days }}d
                    then cast(coalesce(bucket_articles.article_count_{{ days }}d, 0) as integer)
            end as article_count_{{ days }}d,
            case
                when read_windows.is_read_{{ days }}d
                    then {{ feature_round('bucket_articles.tone_mean_' ~ days ~ 'd') }}
            end as tone_mean_{{ days }}d,
        {%- endfor %}

        -- provenance: the newest article public by the end of the trade date that was used
        -- (where any window above is read)
        case
            when read_windows.is_read_7d or read_windows.is_read_30d
                then read_windows.last_article_available_at
        end as available_at

    from read_windows
    cross join buckets
    left join bucket_articles
        on
            read_windows.trade_date = bucket_articles.trade_date
            and buckets.bucket = bucket_articles.bucket

)

select * from features
