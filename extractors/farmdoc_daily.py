"""farmdoc daily (farmdocdaily.illinois.edu, University of Illinois): agricultural economics
articles (policy, trade, biofuels, crush margins) from the site's WordPress RSS feed and pages,
landed in `raw.farmdoc_daily`. The parsers, the merge of repeated items and the dating rules
are extractors/news.py; `news.bind` gives this module the extractor contract for the site."""

from extractors import news

SITE = news.Site(
    source="farmdoc_daily",
    command="farmdoc-daily",
    title="farmdoc daily",
    host="farmdocdaily.illinois.edu",
    feed_url="https://farmdocdaily.illinois.edu/feed",
)
news.bind(SITE, globals())
