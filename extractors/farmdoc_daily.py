"""farmdoc daily (farmdocdaily.illinois.edu, University of Illinois): agricultural economics
articles (policy, trade, biofuels, crush margins) from the site's WordPress RSS feed and pages,
landed in `raw.farmdoc_daily`. The site, the parsers, the merge of repeated items and the
dating rules are the package extractors/news; `news.declare` gives this source its
declaration."""

from extractors import news

SITE = news.FARMDOC_DAILY
COMMAND = SITE.command
TABLE = SITE.table
DECLARATION = news.declare(
    SITE,
    docs=(
        "farmdoc daily (farmdocdaily.illinois.edu): agricultural economics articles (policy, "
        "trade, biofuels, crush and farm finance). {{ doc('news_source_note') }}"
    ),
)
# The import of saved files, as every extractor module offers it (pytests/features uses it).
import_path = DECLARATION.import_path
