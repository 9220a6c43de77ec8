"""farmdoc daily (farmdocdaily.illinois.edu, University of Illinois): agricultural economics
articles (policy, trade, biofuels, crush margins) from the site's WordPress RSS feed and pages,
landed in `raw.farmdoc_daily`. The site (news.FARMDOC_DAILY), the parsers, the merge of
repeated items and the dating rules are extractors/news.py; `news.bind` gives this module the
extractor contract for the site."""

from extractors import news

news.bind(news.FARMDOC_DAILY, globals())
