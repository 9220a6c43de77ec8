{{ stg_news_articles('farm_policy_news') }}
