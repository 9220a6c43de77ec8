"""Reading a WordPress RSS 2.0 feed page or article page into article rows (one parser per
format, whether the bytes come from the site or from `--from-file`; see extractors/news)."""

from __future__ import annotations

import calendar
import codecs
import logging
import re
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

import feedparser
import pandas as pd
from bs4 import BeautifulSoup, Tag

from common.errors import ExtractorError
from extractors.news.site import COLUMNS, Site

log = logging.getLogger(__name__)

# Where a page gives a date without a time, the article counts as public at the end of that
# day in the sites' time zone (Urbana, Illinois), never earlier.
SITE_ZONE = "America/Chicago"
# The footer Yoast SEO appends to WordPress feed excerpts.
_FEED_FOOTER = re.compile(r"\s*The post .* appeared first on .*\.$")


# --- decoding ------------------------------------------------------------------------------

_DECLARED = re.compile(rb"""(?:encoding|charset)\s*=\s*["']?([A-Za-z0-9._-]+)""")


def _windows_1252(error: UnicodeError) -> tuple[str, int]:
    """Read a byte that is not valid UTF-8 as Windows-1252 (a pasted curly quote or dash)."""
    if not isinstance(error, UnicodeDecodeError):  # registered for decoding only
        raise error
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


def _attribute(tag: Tag | None, name: str) -> str | None:
    """A single-valued attribute of `tag`; None when the tag or the attribute is missing."""
    value = tag.get(name) if tag else None
    return value if isinstance(value, str) else None


def _meta(soup: BeautifulSoup, key: str, value: str) -> str | None:
    content = _attribute(soup.find("meta", attrs={key: value}), "content")
    return content.strip() if content and content.strip() else None


def _page_published(soup: BeautifulSoup) -> pd.Timestamp | None:
    """article:published_time, else the post's `<time class="published" datetime>`; a date
    without a time counts from the end of that day in the sites' time zone."""
    value = _meta(soup, "property", "article:published_time")
    if value is None:
        tag = soup.select_one("time.published[datetime], time.entry-date[datetime]")
        value = _attribute(tag, "datetime")
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
    link = _attribute(canonical, "href") or _meta(soup, "property", "og:url")
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
    rels = [(a, a.get_attribute_list("rel")) for a in soup.select("a[rel]")]
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
