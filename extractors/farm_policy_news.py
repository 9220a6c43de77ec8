"""Farm Policy News (farmpolicynews.illinois.edu, University of Illinois): policy, trade and
tariff news articles from the site's WordPress RSS feed and pages, landed in
`raw.farm_policy_news`. The parsers, the merge of repeated items and the dating rules are
extractors/news.py; `news.bind` gives this module the extractor contract for the site
(SOURCE, COMMAND, TABLE, ..., ingest, import_path, update, cut_snapshot)."""

from extractors import news

SITE = news.Site(
    source="farm_policy_news",
    command="farm-policy-news",
    title="Farm Policy News",
    host="farmpolicynews.illinois.edu",
    feed_url="https://farmpolicynews.illinois.edu/feed/",
)
news.bind(SITE, globals())
