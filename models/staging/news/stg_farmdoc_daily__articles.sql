{{ stg_news_articles('farmdoc_daily') }}
