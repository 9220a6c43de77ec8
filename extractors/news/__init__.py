"""University of Illinois policy news: the WordPress RSS 2.0 feeds and article pages of Farm
Policy News and farmdoc daily, one raw table per site (extractors/farm_policy_news.py and
extractors/farmdoc_daily.py bind this module to their site).

Two formats, each read by one parser whether it comes from the site or from `--from-file`:

- the RSS 2.0 feed WordPress serves at `/feed/` (`?paged=N` for older items), read with
  feedparser: per `<item>` the title, `<link>`, `<guid>`, `<dc:creator>` (one or more),
  `<pubDate>`, `<category>` (WordPress lists categories and tags alike there),
  `<description>` (the excerpt) and `<content:encoded>` (the article's HTML);
- the article page (HTML, read with BeautifulSoup): `<link rel="canonical">`,
  `article:published_time` (or `<time class="published" datetime>`), `h1.entry-title`, the
  `entry-content` text, authors (`meta name=author`, `a rel=author`), categories
  (`a rel="category tag"`) and tags (`a rel="tag"`), which the page tells apart.

One row per canonical article URL (https, lower-case host, no query, fragment or trailing
slash): an item seen again (the next day's feed, an overlapping page, its article page) is
merged into its row (the page's body, authors, categories and tags win over the feed's; the
earliest publication instant is kept), so a second identical load writes nothing.

`published_at` is the source's own date (pubDate, article:published_time), in UTC.
`available_at` = published_at: WordPress shows a post in its feed and on its page from that
instant on (a back-dated post would be earlier than it really was public; see
models/staging/news/_news__docs.md). An article without a publication date is rejected: it is
recorded as a failed load in `ops.load_log` and named in the command's error, never stamped
with the load time; the dated items of the same feed land.
"""

from __future__ import annotations

import argparse
import logging
import shutil
from pathlib import Path

import duckdb

from common.validate import arguments_of, iso_date
from extractors.declaration import Coverage, Freshness, Source
from extractors.news.fetch import MAX_PAGES, pull, update
from extractors.news.land import FEED_SUFFIXES, PAGE_SUFFIXES, import_path
from extractors.news.parse import parse_feed, parse_page
from extractors.news.site import FARM_POLICY_NEWS, FARMDOC_DAILY, Site, articles_table

__all__ = ["FARMDOC_DAILY", "FARM_POLICY_NEWS", "declare"]

log = logging.getLogger(__name__)


def cut_snapshot(site: Site, shared: Path, destination: Path) -> None:
    """Bundle the real saved feeds and pages of `shared`/news/<source>/, if any.

    ../shared/data holds no feed or article page of either site (only text excerpts), so
    today this leaves no folder: the snapshot has no articles and the Tariff bucket stays
    uncovered offline. Constructed test articles never go into the snapshot.
    """
    if destination.exists():
        shutil.rmtree(destination)
    folder = Path(shared) / "news" / site.source
    files = (
        [
            f
            for f in sorted(folder.iterdir())
            if f.name.lower().endswith(FEED_SUFFIXES + PAGE_SUFFIXES)
        ]
        if folder.is_dir()
        else []
    )
    if not files:
        log.info("snapshot: no saved %s feed or page in %s; none bundled", site.title, folder)
        return
    destination.mkdir(parents=True)
    for file in files:
        shutil.copy2(file, destination / file.name)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The flags of `cbi ingest farm-policy-news` and `cbi ingest farmdoc-daily`."""
    parser.add_argument(
        "--from-file",
        metavar="PATH",
        help="saved feed XML (.xml, .rss) or article page (.html), or a folder of them",
    )
    parser.add_argument(
        "--pages",
        type=int,
        help="read up to N feed pages (?paged=N; default 1, or 100 with --since)",
    )
    parser.add_argument(
        "--since", help="follow the feed's pages back to this publication date, YYYY-MM-DD"
    )
    parser.add_argument(
        "--articles", action="store_true", help="also read each article's page (body, tags)"
    )
    parser.add_argument("--feed-url", help="the feed to read (default: the site's /feed/)")


def ingest(con: duckdb.DuckDBPyConnection, site: Site, args: argparse.Namespace) -> int:
    """`cbi ingest <site>`: import a file or folder, or read the live feed."""
    if args.from_file:
        return import_path(con, site, Path(args.from_file))
    with arguments_of(site.source):
        since = iso_date(args.since, "--since") if args.since else None
    pages = args.pages or (MAX_PAGES if since else 1)
    return pull(con, site, pages=pages, since=since, articles=args.articles, feed_url=args.feed_url)


def declare(site: Site, docs: str) -> Source:
    """The declaration of one site's source: its table, the public feed (no credential, so
    `cbi daily` always calls update), and the functions bound to `site`. Both sites are
    source `news` of seed bucket_sources, with one staging folder (models/staging/news)."""

    def ingest_site(con: duckdb.DuckDBPyConnection, args: argparse.Namespace) -> int:
        return ingest(con, site, args)

    def import_site(con: duckdb.DuckDBPyConnection, path: Path) -> int:
        return import_path(con, site, path)

    def update_site(con: duckdb.DuckDBPyConnection) -> int:
        return update(con, site)

    def cut_site(shared: Path, destination: Path) -> None:
        cut_snapshot(site, shared, destination)

    return Source(
        name=site.source,
        command=site.command,
        help=site.help,
        description=site.description,
        docs=docs,
        tables=(articles_table(site),),
        credential=None,
        cadence="daily (articles as the site posts them)",
        publication="published_at: the instant the site gives (pubDate, article:published_time)",
        freshness=Freshness(warn_after_days=4, error_after_days=10),
        coverage=Coverage(
            window_days=30,
            buckets={"china": False, "tariff": True},
            model="int_news_articles__coverage_feeds",
        ),
        parsers={"feed": parse_feed, "page": parse_page},
        add_arguments=add_arguments,
        ingest=ingest_site,
        import_path=import_site,
        cut_snapshot=cut_site,
        update=update_site,
        coverage_source="news",
        staging_folder="news",
    )
