"""Farm Policy News (farmpolicynews.illinois.edu, University of Illinois): policy, trade and
tariff news articles from the site's WordPress RSS feed and pages, landed in
`raw.farm_policy_news`. The site (news.FARM_POLICY_NEWS), the parsers, the merge of repeated
items and the dating rules are extractors/news.py; `news.bind` gives this module the extractor
contract for the site (SOURCE, COMMAND, TABLE, ..., ingest, import_path, update,
cut_snapshot)."""

from extractors import news

news.bind(news.FARM_POLICY_NEWS, globals())
