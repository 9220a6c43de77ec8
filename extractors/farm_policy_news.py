"""Farm Policy News (farmpolicynews.illinois.edu, University of Illinois): policy, trade and
tariff news articles from the site's WordPress RSS feed and pages, landed in
`raw.farm_policy_news`. The site, the parsers, the merge of repeated items and the dating
rules are the package extractors/news; `news.declare` gives this source its declaration."""

from extractors import news

SITE = news.FARM_POLICY_NEWS
COMMAND = SITE.command
TABLE = SITE.table
DECLARATION = news.declare(
    SITE,
    docs=(
        "Farm Policy News (farmpolicynews.illinois.edu): daily news summaries on farm, trade "
        "and biofuel policy. {{ doc('news_source_note') }}"
    ),
)
# The import of saved files, as every extractor module offers it (pytests/features uses it).
import_path = DECLARATION.import_path
