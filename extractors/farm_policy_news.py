"""Farm Policy News (farmpolicynews.illinois.edu, University of Illinois): policy, trade and
tariff news articles from the site's WordPress RSS feed and pages, landed in
`raw.farm_policy_news`. The parsers, the merge of repeated items and the dating rules are
extractors/news.py; this module binds them to the site."""

from extractors import news

SITE = news.Site(
    source="farm_policy_news",
    command="farm-policy-news",
    title="Farm Policy News",
    host="farmpolicynews.illinois.edu",
    feed_url="https://farmpolicynews.illinois.edu/feed/",
)
SOURCE, COMMAND, TABLE, KEY = SITE.source, SITE.command, SITE.table, news.KEY
HELP, DESCRIPTION = SITE.help, SITE.description
CREDENTIAL = None  # a public feed: `cbi daily` always calls update()
add_arguments = news.add_arguments
ingest, import_path, update, cut_snapshot = news.bound(SITE)
