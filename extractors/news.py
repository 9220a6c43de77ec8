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
import calendar
import codecs
import datetime as dt
import logging
import os
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import duckdb
import feedparser
import pandas as pd
import requests
from bs4 import BeautifulSoup

from common.errors import ExtractorError, UserError
from common.http import fetch, session
from common.validate import arguments_of, iso_date
from extractors.core import merge_rows
from extractors.tabular import files_to_import, land_each, raise_failures

log = logging.getLogger(__name__)

KEY = ("article_url",)
FEED_SUFFIXES = (".xml", ".rss")
PAGE_SUFFIXES = (".html", ".htm")
# Feed pages a backfill follows at most (WordPress serves 10 items a page by default).
MAX_PAGES = 100
# The daily pull goes back this far before the newest article landed (edits of recent posts
# land again); an empty table is backfilled this far.
UPDATE_OVERLAP_DAYS = 14
UPDATE_HISTORY_DAYS = 730
# Where a page gives a date without a time, the article counts as public at the end of that
# day in the sites' time zone (Urbana, Illinois), never earlier.
SITE_ZONE = "America/Chicago"
# What an article says: the page's version wins over the feed's (a feed read after the page
# changes none of it); between two reads of the same kind, the newer wins.
CONTENT_FIELDS = ("title", "summary", "body_text", "authors", "categories", "tags")
# The footer Yoast SEO appends to WordPress feed excerpts.
_FEED_FOOTER = re.compile(r"\s*The post .* appeared first on .*\.$")
COLUMNS = (
    "article_url",
    "guid",
    "title",
    "summary",
    "body_text",
    "authors",
    "categories",
    "tags",
    "published_at",
    "available_at",
    "from_page",
)


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


def ddl(site: Site) -> str:
    return f"""
create schema if not exists raw;
create table if not exists {site.table} (
    article_url  varchar not null primary key,
    guid         varchar,
    title        varchar not null,
    summary      varchar,
    body_text    varchar,
    authors      varchar[] not null,
    categories   varchar[] not null,
    tags         varchar[] not null,
    published_at timestamptz not null,
    available_at timestamptz not null,
    from_page    boolean not null,
    source       varchar not null,
    loaded_at    timestamptz not null
);
"""


def ensure_tables(con: duckdb.DuckDBPyConnection, site: Site) -> None:
    con.execute(ddl(site))


# --- decoding ------------------------------------------------------------------------------

_DECLARED = re.compile(rb"""(?:encoding|charset)\s*=\s*["']?([A-Za-z0-9._-]+)""")


def _windows_1252(error: UnicodeDecodeError) -> tuple[str, int]:
    """Read a byte that is not valid UTF-8 as Windows-1252 (a pasted curly quote or dash)."""
    bad = error.object[error.start : error.start + 1]
    return bad.decode("cp1252", errors="replace"), error.start + 1


codecs.register_error("cbi_news_cp1252", _windows_1252)


def decode(data: bytes, source: str, where: str, expected: str) -> str:
    """The text of a feed or page: its declared encoding (UTF-8 by default). A byte that is
    not valid in it is read as Windows-1252 with a warning: one stray character must not
    lose a whole feed. An empty body is an error."""
    if not data.strip():
        raise ExtractorError(f"{source}: {where} is empty (expected {expected})")
    declared = _DECLARED.search(data[:1024])
    encoding = declared.group(1).decode("ascii").lower() if declared else "utf-8"
    try:
        codecs.lookup(encoding)
    except LookupError:
        encoding = "utf-8"
    try:
        return data.decode(encoding).lstrip("\ufeff")
    except UnicodeDecodeError as exc:
        log.warning(
            "%s: %s: byte %d (0x%02x) is not valid %s; read as Windows-1252",
            source,
            where,
            exc.start,
            data[exc.start],
            encoding,
        )
        return data.decode(encoding, errors="cbi_news_cp1252").lstrip("\ufeff")


def _is_html(text: str) -> bool:
    head = text.lstrip()[:500].lower()
    return head.startswith(("<!doctype html", "<html")) or ("<html" in head and "<rss" not in head)


# --- rows ----------------------------------------------------------------------------------


def canonical_url(link: str) -> str:
    """The row key of an article link: https, lower-case host, no query (utm_* tracking),
    fragment or trailing slash."""
    parts = urlsplit(link.strip())
    path = parts.path.rstrip("/") or "/"
    return urlunsplit(("https", parts.netloc.lower(), path, "", ""))


def _text(html: str | None) -> str | None:
    """Visible text of an HTML fragment, whitespace collapsed; None when there is none."""
    if not html:
        return None
    text = " ".join(BeautifulSoup(html, "html.parser").get_text(" ").split())
    return text or None


def _names(values: list[str]) -> list[str]:
    """Distinct non-empty names, sorted (a stable order, so a re-load compares equal)."""
    return sorted({" ".join(v.split()) for v in values if v and v.strip()})


@dataclass
class Parsed:
    """Dated rows of one feed or page, and the articles rejected (no date, link or title)."""

    rows: pd.DataFrame
    rejected: list[tuple[str, str]]  # (which article, why): undated, or no link or title
    links: dict[str, str] = field(default_factory=dict)  # article_url -> the link as given


def _frame(records: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(records, columns=list(COLUMNS))
    frame["published_at"] = pd.to_datetime(frame["published_at"], utc=True)
    frame["available_at"] = frame["published_at"]
    return frame


def parse_feed(data: bytes, site: Site, where: str) -> Parsed:
    """One page of a WordPress RSS 2.0 feed as article rows (see the module docstring)."""
    text = decode(data, site.source, where, "an RSS feed")
    if _is_html(text):
        raise ExtractorError(
            f"{site.source}: {where} is an HTML page where an RSS feed was expected "
            "(an error or login page?)"
        )
    feed = feedparser.parse(text)
    problem = feed.get("bozo_exception")
    if feed.get("bozo") and problem is not None:
        raise ExtractorError(
            f"{site.source}: {where} is not well-formed XML ({problem}); the feed may be cut "
            "off, nothing of it was landed"
        )
    if not str(feed.get("version", "")).startswith("rss"):
        raise ExtractorError(
            f"{site.source}: {where} is not an RSS feed (format {feed.get('version') or 'unknown'})"
        )
    channel_host = urlsplit(feed.feed.get("link", "")).netloc.lower()
    if channel_host and channel_host != site.host:
        raise ExtractorError(
            f"{site.source}: {where} is the feed of {channel_host}, not of {site.host}"
        )
    records, rejected, links = [], [], {}
    for position, entry in enumerate(feed.entries, start=1):
        link = entry.get("link", "").strip()
        title = " ".join(entry.get("title", "").split())
        name = f"item {position} ({link or title or 'no link'})"
        stamp, shown = entry.get("published_parsed"), entry.get("published")
        reason = None
        if not link or not title:
            reason = "no link or no title"
        elif stamp is None:
            reason = f"pubDate {shown!r}, not a date" if shown else "no pubDate"
        if reason:
            rejected.append((f"{where}: {name}", _rejected(site, f"{where}: {name} has {reason}")))
            continue
        content = entry.get("content") or []
        links[canonical_url(link)] = link
        records.append(
            {
                "article_url": canonical_url(link),
                "guid": entry.get("id") or None,
                "title": title,
                "summary": _FEED_FOOTER.sub("", _text(entry.get("summary")) or "") or None,
                "body_text": _text(content[0].get("value")) if content else None,
                "authors": _names([a.get("name", "") for a in entry.get("authors", [])]),
                "categories": _names([t.get("term", "") for t in entry.get("tags", [])]),
                "tags": [],
                "published_at": pd.Timestamp(calendar.timegm(stamp), unit="s", tz="UTC"),
                "from_page": False,
            }
        )
    return Parsed(_frame(records), rejected, links)


def _rejected(site: Site, what: str) -> str:
    return (
        f"{site.source}: {what}; rejected, not landed (an article is never stamped with the "
        "load time)"
    )


def _meta(soup: BeautifulSoup, key: str, value: str) -> str | None:
    tag = soup.find("meta", attrs={key: value})
    content = tag.get("content") if tag else None
    return content.strip() if content and content.strip() else None


def _page_published(soup: BeautifulSoup) -> pd.Timestamp | None:
    """article:published_time, else the post's `<time class="published" datetime>`; a date
    without a time counts from the end of that day in the sites' time zone."""
    value = _meta(soup, "property", "article:published_time")
    if value is None:
        tag = soup.select_one("time.published[datetime], time.entry-date[datetime]")
        value = tag.get("datetime") if tag else None
    if not value:
        return None
    stamp = pd.to_datetime(value, errors="coerce")
    if pd.isna(stamp):
        return None
    if stamp.tzinfo is None:
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            stamp += pd.Timedelta(days=1)
        stamp = stamp.tz_localize(SITE_ZONE)
    return stamp.tz_convert("UTC")


# Where a WordPress theme puts the article's text, most specific first.
BODY_SELECTORS = (".entry-content", "[itemprop=articleBody]", "article", "main")


def parse_page(data: bytes, site: Site, where: str, url: str | None = None) -> Parsed:
    """One article page (WordPress HTML) as a row; `url` is where it was fetched, used when
    the page names no canonical URL."""
    text = decode(data, site.source, where, "an article page")
    soup = BeautifulSoup(text, "html.parser")
    if soup.find("rss") is not None or soup.find("html") is None:
        raise ExtractorError(f"{site.source}: {where} is not an HTML page (expected an article)")
    canonical = soup.find("link", rel="canonical")
    link = (canonical.get("href") if canonical else None) or _meta(soup, "property", "og:url")
    link = link or url
    if not link:
        raise ExtractorError(
            f"{site.source}: {where} names no URL (link rel=canonical or og:url); "
            "not an article page?"
        )
    heading = soup.select_one("h1.entry-title") or soup.find("h1")
    title = heading.get_text(" ") if heading else _meta(soup, "property", "og:title")
    title = " ".join((title or "").split())
    if not title:
        raise ExtractorError(f"{site.source}: {where} has no title (h1 or og:title)")
    published = _page_published(soup)
    if published is None:
        name = f"{where} ({canonical_url(link)})"
        reason = "no publication date (article:published_time or time.published)"
        return Parsed(_frame([]), [(name, _rejected(site, f"{name} has {reason}"))])
    body = next(
        (soup.select_one(s) for s in BODY_SELECTORS if soup.select_one(s) is not None), soup.body
    )
    authors = [a.get_text(" ") for a in soup.select("a[rel~=author], .byline .author .fn")]
    meta_author = _meta(soup, "name", "author")
    if meta_author:
        authors += re.split(r",\s*|\s+and\s+", meta_author)
    rels = [(a, a.get("rel") or []) for a in soup.select("a[rel]")]
    record = {
        "article_url": canonical_url(link),
        "guid": None,
        "title": title,
        "summary": _meta(soup, "name", "description") or _meta(soup, "property", "og:description"),
        "body_text": _text(str(body)) if body else None,
        "authors": _names(authors),
        "categories": _names([a.get_text(" ") for a, rel in rels if "category" in rel]),
        "tags": _names([a.get_text(" ") for a, rel in rels if rel == ["tag"]]),
        "published_at": published,
        "from_page": True,
    }
    return Parsed(_frame([record]), [])


# --- landing -------------------------------------------------------------------------------


def _combine(old: dict, new: dict) -> dict:
    """One article seen twice: what the page says wins over the feed (else the newer read
    wins), a field the newer read lacks keeps its value, the earliest publication instant is
    kept."""
    merged = dict(old)
    for column in COLUMNS:
        value = new[column]
        if column in CONTENT_FIELDS:
            if (new["from_page"] or not old["from_page"]) and _present(value):
                merged[column] = value
        elif column == "published_at":
            merged[column] = min(old[column], value)
        elif column == "from_page":
            merged[column] = old[column] or value
        elif _present(value):
            merged[column] = value
    merged["available_at"] = merged["published_at"]
    return merged


def _present(value: object) -> bool:
    return value is not None and not (isinstance(value, float) and pd.isna(value))


def merged_rows(con: duckdb.DuckDBPyConnection, site: Site, frame: pd.DataFrame) -> pd.DataFrame:
    """`frame` merged, article by article, into what is stored and into itself."""
    urls = frame["article_url"].drop_duplicates().tolist()
    stored = con.execute(
        f"select {', '.join(COLUMNS)} from {site.table} where article_url in "
        "(select unnest(?::varchar[]))",
        [urls],
    ).df()
    by_url: dict[str, dict] = {}
    for record in stored.to_dict("records") + frame.to_dict("records"):
        record = {
            c: (list(v) if c in ("authors", "categories", "tags") else v) for c, v in record.items()
        }
        record["published_at"] = pd.Timestamp(record["published_at"]).tz_convert("UTC")
        url = record["article_url"]
        by_url[url] = _combine(by_url[url], record) if url in by_url else record
    return _frame(list(by_url.values()))


def land(con: duckdb.DuckDBPyConnection, site: Site, parsed: Parsed, where: str) -> int:
    """Merge the dated rows into raw.<site>; return the rows written."""
    ensure_tables(con, site)
    if parsed.rows.empty:
        return 0
    rows = merged_rows(con, site, parsed.rows)
    rows["source"] = where
    rows["loaded_at"] = pd.Timestamp.now(tz="UTC")
    return merge_rows(con, site.table, rows, KEY)


Item = tuple[str, str, Callable[[], int]]


@dataclass
class Outcome:
    """What a run of loads landed, how many it tried and which failed."""

    rows: int = 0
    loads: int = 0
    failures: list[ExtractorError] = field(default_factory=list)

    def run(self, con: duckdb.DuckDBPyConnection, source: str, items: list[Item]) -> bool:
        """Land `items` (each one recorded load); True when none failed."""
        rows, failed = land_each(con, source, items)
        self.rows, self.loads = self.rows + rows, self.loads + len(items)
        self.failures += failed
        return not failed


def _reject(message: str) -> int:
    raise ExtractorError(message)


def land_document(
    con: duckdb.DuckDBPyConnection,
    site: Site,
    where: str,
    read: Callable[[], Parsed],
    outcome: Outcome,
    window: str | None = None,
) -> Parsed | None:
    """Read and land one feed page or article page as one recorded load, then record each
    rejected article of it (undated, or without link or title) as a failed load of its own
    (the reason in ops.load_log). Returns
    what was read, or None when the document itself failed (nothing of it landed)."""
    parsed: list[Parsed] = []

    def land_it() -> int:
        parsed.append(read())
        return land(con, site, parsed[0], where)

    if not outcome.run(con, site.source, [(window or where, site.table, land_it)]):
        return None
    rejected = [
        (f"rejected: {name}", site.table, lambda m=message: _reject(m))
        for name, message in parsed[0].rejected
    ]
    outcome.run(con, site.source, rejected)
    return parsed[0]


def _parser(path: Path) -> Callable[[bytes, Site, str], Parsed]:
    return parse_page if path.name.lower().endswith(PAGE_SUFFIXES) else parse_feed


def import_path(con: duckdb.DuckDBPyConnection, site: Site, path: Path) -> int:
    """Import saved feed XML (.xml, .rss) and article pages (.html, .htm): a file or a folder
    of them, feeds first. Each file is one recorded load; every dated article lands, then one
    error names each bad file and each rejected (e.g. undated) article."""
    ensure_tables(con, site)
    files = files_to_import(path, site.source, FEED_SUFFIXES + PAGE_SUFFIXES)
    files.sort(key=lambda f: (f.name.lower().endswith(PAGE_SUFFIXES), f.name))
    outcome = Outcome()
    for file in files:
        land_document(
            con, site, file.name, lambda f=file: _parser(f)(f.read_bytes(), site, f.name), outcome
        )
    raise_failures(site.source, outcome.failures, outcome.loads, str(path))
    return outcome.rows


def pull(
    con: duckdb.DuckDBPyConnection,
    site: Site,
    *,
    pages: int = 1,
    since: dt.date | None = None,
    articles: bool = False,
    feed_url: str | None = None,
) -> int:
    """Read the live feed: page 1, then `?paged=2..pages` (a backfill) until a page is past
    the last (HTTP 404), brings no new article, or reaches articles published before
    `since`. With `articles`, each item's page is read too. Each feed page and each article
    page is one recorded load; a failed feed page stops the paging (the pages before it stay
    landed), a failed article page or a rejected item does not. Then one error names every
    failure."""
    url = (feed_url or os.environ.get(site.url_variable) or site.feed_url).strip()
    with arguments_of(site.source):
        if not url.startswith(("http://", "https://")):
            raise UserError(f"feed URL {url!r} is not an http(s) URL")
        if pages < 1:
            raise UserError(f"--pages must be at least 1, not {pages}")
    ensure_tables(con, site)
    http = session()
    outcome, seen = Outcome(), set()
    for page in range(1, pages + 1):
        where = url if page == 1 else f"{url}?paged={page}"
        past_last: list[bool] = []

        def read_feed(
            page: int = page, where: str = where, url: str = url, past_last: list = past_last
        ) -> Parsed:
            response = fetch(
                http,
                site.source,
                url,
                params={"paged": page} if page > 1 else None,
                accept=(404,) if page > 1 else (),
            )
            if response.status_code == 404:  # WordPress: past the last page
                past_last.append(True)
                return Parsed(_frame([]), [])
            return parse_feed(response.content, site, where)

        parsed = land_document(con, site, where, read_feed, outcome, window=f"live:{where}")
        if parsed is None or past_last:
            break
        links = set(parsed.rows["article_url"])
        for link in sorted(parsed.links[url] for url in links) if articles else []:
            shown = link.split("?", 1)[0]
            land_document(
                con,
                site,
                shown,
                lambda link=link, shown=shown: _read_page(http, site, link, shown),
                outcome,
                window=f"live:{shown}",
            )
        if not links - seen:
            break
        seen |= links
        if since is not None and parsed.rows["published_at"].min().date() < since:
            break
    raise_failures(site.source, outcome.failures, outcome.loads, url)
    return outcome.rows


def _read_page(http: requests.Session, site: Site, link: str, shown: str) -> Parsed:
    return parse_page(fetch(http, site.source, link).content, site, shown, url=link)


def update(con: duckdb.DuckDBPyConnection, site: Site, today: dt.date | None = None) -> int:
    """The daily pull: feed pages back to UPDATE_OVERLAP_DAYS before the newest article
    landed (UPDATE_HISTORY_DAYS into an empty table), at most MAX_PAGES pages."""
    ensure_tables(con, site)
    newest = con.execute(f"select max(published_at) from {site.table}").fetchone()[0]
    today = today or dt.datetime.now(dt.UTC).date()
    since = (
        newest.date() - dt.timedelta(days=UPDATE_OVERLAP_DAYS)
        if newest
        else today - dt.timedelta(days=UPDATE_HISTORY_DAYS)
    )
    return pull(con, site, pages=MAX_PAGES, since=since)


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


def bind(site: Site, namespace: dict) -> None:
    """Give a site's module the extractor contract of extractors/__init__.py: its names
    (SOURCE, COMMAND, TABLE, KEY, HELP, DESCRIPTION, CREDENTIAL) and functions bound to
    `site`. The feeds are public: CREDENTIAL None, so `cbi daily` always calls update().
    COVERAGE_SOURCE: both sites are source `news` of seed bucket_sources."""

    def ingest_site(con: duckdb.DuckDBPyConnection, args: argparse.Namespace) -> int:
        return ingest(con, site, args)

    def import_site(con: duckdb.DuckDBPyConnection, path: Path) -> int:
        return import_path(con, site, path)

    def update_site(con: duckdb.DuckDBPyConnection, today: dt.date | None = None) -> int:
        return update(con, site, today)

    def cut_site(shared: Path, destination: Path) -> None:
        cut_snapshot(site, shared, destination)

    namespace.update(
        SITE=site,
        SOURCE=site.source,
        COMMAND=site.command,
        TABLE=site.table,
        KEY=KEY,
        HELP=site.help,
        DESCRIPTION=site.description,
        CREDENTIAL=None,
        COVERAGE_SOURCE="news",
        add_arguments=add_arguments,
        ingest=ingest_site,
        import_path=import_site,
        update=update_site,
        cut_snapshot=cut_site,
    )
