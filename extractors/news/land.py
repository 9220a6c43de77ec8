"""Landing article rows: an article seen again is merged into its row, each feed or page is
one recorded load, and a rejected (e.g. undated) article is a failed load of its own."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import duckdb
import pandas as pd

from common.errors import ExtractorError
from extractors.core import merge_rows
from extractors.news.parse import Parsed, _frame, parse_feed, parse_page
from extractors.news.site import COLUMNS, Site, articles_table
from extractors.tabular import Load, files_to_import, land_each, raise_failures

FEED_SUFFIXES = (".xml", ".rss")
PAGE_SUFFIXES = (".html", ".htm")
# What an article says: the page's version wins over the feed's (a feed read after the page
# changes none of it); between two reads of the same kind, the newer wins.
CONTENT_FIELDS = ("title", "summary", "body_text", "authors", "categories", "tags")


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
    articles_table(site).create(con)
    if parsed.rows.empty:
        return 0
    rows = merged_rows(con, site, parsed.rows)
    rows["source"] = where
    rows["loaded_at"] = pd.Timestamp.now(tz="UTC")
    return merge_rows(con, site.table, rows)


@dataclass
class Outcome:
    """What a run of loads landed, how many it tried and which failed."""

    rows: int = 0
    loads: int = 0
    failures: list[ExtractorError] = field(default_factory=list)

    def run(self, con: duckdb.DuckDBPyConnection, source: str, items: Sequence[Load]) -> bool:
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
        (f"rejected: {name}", site.table, partial(_reject, message))
        for name, message in parsed[0].rejected
    ]
    outcome.run(con, site.source, rejected)
    return parsed[0]


def _read_file(path: Path, site: Site) -> Parsed:
    """A saved article page (by its suffix) or feed."""
    parse = parse_page if path.name.lower().endswith(PAGE_SUFFIXES) else parse_feed
    return parse(path.read_bytes(), site, path.name)


def import_path(con: duckdb.DuckDBPyConnection, site: Site, path: Path) -> int:
    """Import saved feed XML (.xml, .rss) and article pages (.html, .htm): a file or a folder
    of them, feeds first. Each file is one recorded load; every dated article lands, then one
    error names each bad file and each rejected (e.g. undated) article."""
    articles_table(site).create(con)
    files = files_to_import(path, site.source, FEED_SUFFIXES + PAGE_SUFFIXES)
    files.sort(key=lambda f: (f.name.lower().endswith(PAGE_SUFFIXES), f.name))
    outcome = Outcome()
    for file in files:
        land_document(con, site, file.name, partial(_read_file, file, site), outcome)
    raise_failures(site.source, outcome.failures, outcome.loads, str(path))
    return outcome.rows
