{#- No article source (Farm Policy News, farmdoc daily) is landed yet: the mart keeps its
    shape and every feature is null, never zero. bucket_coverage reports the bucket uncovered
    (source `news`), so training leaves it out. -#}

with

trading_days as (

    select * from {{ ref('int_trading_days_enumerated') }}

),

features as (

    select
        -- key
        trade_date,

        -- article counts and tone (null until a news source lands)
        cast(null as integer) as tariff_article_count_7d,
        cast(null as integer) as china_trade_article_count_7d,
        cast(null as double) as tariff_article_tone_7d,

        -- provenance
        cast(null as timestamptz) as available_at

    from trading_days

)

select * from features
