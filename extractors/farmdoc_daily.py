"""farmdoc daily (farmdocdaily.illinois.edu, University of Illinois): agricultural economics
articles (policy, trade, biofuels, crush margins) from the site's WordPress RSS feed and
pages, landed in `raw.farmdoc_daily`. The parsers, the merge of repeated items and the dating
rules are extractors/news.py; this module binds them to the site."""

from extractors import news

SITE = news.Site(
    source="farmdoc_daily",
    command="farmdoc-daily",
    title="farmdoc daily",
    host="farmdocdaily.illinois.edu",
    feed_url="https://farmdocdaily.illinois.edu/feed",
)
SOURCE, COMMAND, TABLE, KEY = SITE.source, SITE.command, SITE.table, news.KEY
HELP, DESCRIPTION = SITE.help, SITE.description
CREDENTIAL = None  # a public feed: `cbi daily` always calls update()
add_arguments = news.add_arguments
ingest, import_path, update, cut_snapshot = news.bound(SITE)
