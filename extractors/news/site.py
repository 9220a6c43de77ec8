"""The two University of Illinois WordPress sites and their one raw table shape."""

from __future__ import annotations

from dataclasses import dataclass

from extractors.declaration import Column, Table

KEY = ("article_url",)


@dataclass(frozen=True)
class Site:
    """One University of Illinois WordPress site whose articles land in raw.<source>."""

    source: str  # raw table name and dbt source table, e.g. farm_policy_news
    command: str  # `cbi ingest <command>`
    title: str  # as the site names itself
    host: str  # the site's host name; a feed of another site is refused
    feed_url: str

    @property
    def table(self) -> str:
        return f"raw.{self.source}"

    @property
    def url_variable(self) -> str:
        """Environment variable overriding the feed URL (tests point it at a local server)."""
        return f"{self.source.upper()}_FEED_URL"

    @property
    def help(self) -> str:
        return f"{self.title} articles: the site's RSS feed (and article pages), or saved files"

    @property
    def description(self) -> str:
        return (
            f"Read the {self.title} RSS 2.0 feed ({self.feed_url}; --pages N or --since DATE "
            "follows ?paged=N for a backfill; --articles also reads each article page), or "
            "import saved feed XML (.xml, .rss) and article pages (.html) with --from-file "
            f"FILE or FOLDER. One row per article in {self.table}; undated articles are "
            "rejected."
        )


FARM_POLICY_NEWS = Site(
    source="farm_policy_news",
    command="farm-policy-news",
    title="Farm Policy News",
    host="farmpolicynews.illinois.edu",
    feed_url="https://farmpolicynews.illinois.edu/feed/",
)
FARMDOC_DAILY = Site(
    source="farmdoc_daily",
    command="farmdoc-daily",
    title="farmdoc daily",
    host="farmdocdaily.illinois.edu",
    feed_url="https://farmdocdaily.illinois.edu/feed",
)


def articles_table(site: Site) -> Table:
    """raw.<site>: one row per canonical article URL (both sites have the same columns)."""
    return Table(
        name=site.source,
        description="{{ doc('news_article_columns') }}",
        columns=(
            Column(
                "article_url", "varchar", "Canonical article URL (primary key).", nullable=False
            ),
            Column("guid", "varchar", "The feed item's guid, when it came from the feed."),
            Column("title", "varchar", "The article's title.", nullable=False),
            Column("summary", "varchar", "The excerpt (feed) or meta description (page)."),
            Column("body_text", "varchar", "The article's text, whitespace collapsed."),
            Column("authors", "varchar[]", "Authors, sorted.", nullable=False),
            Column("categories", "varchar[]", "Categories, sorted.", nullable=False),
            Column("tags", "varchar[]", "Tags (article pages only), sorted.", nullable=False),
            Column(
                "published_at",
                "timestamptz",
                "Publication instant the site gives (UTC).",
                nullable=False,
            ),
            Column("available_at", "timestamptz", "{{ doc('news_available_at') }}", nullable=False),
            Column("from_page", "boolean", "True once the article page was read.", nullable=False),
        ),
        key=KEY,
    )


# The raw columns a parser fills (the load columns follow at landing).
COLUMNS = tuple(c.name for c in articles_table(FARM_POLICY_NEWS).columns)
