"""The live pull of a site's feed (and article pages), and the daily update."""

from __future__ import annotations

import datetime as dt
import os
from functools import partial

import duckdb
import requests

from common.db import scalar
from common.errors import UserError
from common.http import fetch, session
from common.validate import arguments_of
from extractors.news.land import Outcome, land_document
from extractors.news.parse import Parsed, _frame, parse_feed, parse_page
from extractors.news.site import Site, articles_table
from extractors.tabular import raise_failures

# Feed pages a backfill follows at most (WordPress serves 10 items a page by default).
MAX_PAGES = 100
# The daily pull goes back this far before the newest article landed (edits of recent posts
# land again); an empty table is backfilled this far.
UPDATE_OVERLAP_DAYS = 14
UPDATE_HISTORY_DAYS = 730


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
    articles_table(site).create(con)
    http = session()
    outcome = Outcome()
    seen: set[str] = set()
    for page in range(1, pages + 1):
        where = url if page == 1 else f"{url}?paged={page}"
        past_last: list[bool] = []

        parsed = land_document(
            con,
            site,
            where,
            partial(_read_feed, http, site, url, page, where, past_last),
            outcome,
            window=f"live:{where}",
        )
        if parsed is None or past_last:
            break
        links = set(parsed.rows["article_url"])
        for link in sorted(parsed.links[url] for url in links) if articles else []:
            shown = link.split("?", 1)[0]
            land_document(
                con,
                site,
                shown,
                partial(_read_page, http, site, link, shown),
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


def _read_feed(
    http: requests.Session, site: Site, url: str, page: int, where: str, past_last: list[bool]
) -> Parsed:
    """Feed page `page` of `url`; past the last page (HTTP 404 from WordPress) it is empty and
    `past_last` says so."""
    response = fetch(
        http,
        site.source,
        url,
        params={"paged": page} if page > 1 else None,
        accept=(404,) if page > 1 else (),
    )
    if response.status_code == 404:
        past_last.append(True)
        return Parsed(_frame([]), [])
    return parse_feed(response.content, site, where)


def _read_page(http: requests.Session, site: Site, link: str, shown: str) -> Parsed:
    return parse_page(fetch(http, site.source, link).content, site, shown, url=link)


def update(con: duckdb.DuckDBPyConnection, site: Site, today: dt.date | None = None) -> int:
    """The daily pull: feed pages back to UPDATE_OVERLAP_DAYS before the newest article
    landed (UPDATE_HISTORY_DAYS into an empty table), at most MAX_PAGES pages."""
    articles_table(site).create(con)
    newest = scalar(con, f"select max(published_at) from {site.table}")
    today = today or dt.datetime.now(dt.UTC).date()
    since = (
        newest.date() - dt.timedelta(days=UPDATE_OVERLAP_DAYS)
        if newest
        else today - dt.timedelta(days=UPDATE_HISTORY_DAYS)
    )
    return pull(con, site, pages=MAX_PAGES, since=since)
