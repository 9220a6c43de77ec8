"""Farm Policy News and farmdoc daily: feeds and article pages, from files and a local server.

No real feed or page of either site exists in our data (../shared/data/news holds text
excerpts only), so the fixtures are constructed (fixtures/news/constructed_*) in the shape
WordPress serves: RSS 2.0 with content:encoded, dc:creator and category, and an article page
with its canonical link, article:published_time and rel="category tag" / rel="tag" links.
"""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import duckdb
import pandas as pd
import pytest
from load_checks import load_log, rows
from pytest_httpserver import HTTPServer

from cbi.cli import build_parser, main
from common.errors import ExtractorError
from extractors import farm_policy_news, farmdoc_daily
from extractors.news import fetch
from extractors.news.parse import canonical_url

FIXTURES = Path(__file__).parent / "fixtures" / "news"
FARMDOC_FEED = FIXTURES / "constructed_farmdoc_daily_feed.xml"
FARMDOC_PAGE_2 = FIXTURES / "constructed_farmdoc_daily_feed_paged2.xml"
FPN_FEED = FIXTURES / "constructed_farm_policy_news_feed.xml"
FPN_ARTICLE = FIXTURES / "constructed_farm_policy_news_article.html"
ERROR_PAGE = FIXTURES / "constructed_error_page.html"
TARIFF_ARTICLE = "https://farmpolicynews.illinois.edu/2021/06/constructed-section-301-tariffs"


def _saved(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _article(con: duckdb.DuckDBPyConnection, table: str, url: str) -> dict:
    return con.execute(f"select * from {table} where article_url = ?", [url]).df().iloc[0]


# --- files ---------------------------------------------------------------------------------


def test_feed_items_land_dated_with_their_authors_and_categories(con) -> None:
    assert farmdoc_daily.DECLARATION.import_path(con, FARMDOC_FEED) == 3
    row = _article(
        con,
        farmdoc_daily.TABLE,
        "https://farmdocdaily.illinois.edu/2021/06/constructed-soybean-oil-renewable-diesel.html",
    )
    # the link without its utm_* tracking query is the key
    assert row["title"] == "Constructed: Soybean Oil Demand from Renewable Diesel"
    assert list(row["authors"]) == ["Constructed Author A", "Constructed Author B"]
    assert list(row["categories"]) == ["Biofuels", "Energy"] and list(row["tags"]) == []
    assert row["published_at"] == pd.Timestamp("2021-06-17 11:00", tz="UTC")
    assert row["available_at"] == row["published_at"]
    assert row["body_text"].startswith("Constructed text. Renewable diesel plants expand")
    assert row["summary"].endswith("rises …") and not row["from_page"]
    assert row["guid"] == "https://farmdocdaily.illinois.edu/?p=90001"


def test_a_repeated_item_merges_and_a_second_load_writes_nothing(con) -> None:
    # page 2 repeats the last item of page 1: one row, not two
    assert farmdoc_daily.DECLARATION.import_path(con, FARMDOC_FEED) == 3
    assert farmdoc_daily.DECLARATION.import_path(con, FARMDOC_PAGE_2) == 3
    before = rows(con, farmdoc_daily.TABLE)
    assert len(before) == 6
    # a second identical load changes nothing, not even loaded_at
    assert farmdoc_daily.DECLARATION.import_path(con, FARMDOC_FEED) == 0
    assert farmdoc_daily.DECLARATION.import_path(con, FARMDOC_PAGE_2) == 0
    pd.testing.assert_frame_equal(before, rows(con, farmdoc_daily.TABLE))


def test_the_article_page_adds_body_and_tags_and_a_later_feed_read_keeps_them(con) -> None:
    farm_policy_news.DECLARATION.import_path(con, FPN_FEED)
    assert farm_policy_news.DECLARATION.import_path(con, FPN_ARTICLE) == 1
    row = _article(con, farm_policy_news.TABLE, TARIFF_ARTICLE)
    assert list(row["categories"]) == ["Trade"] and list(row["tags"]) == ["China", "tariffs"]
    assert "only on the page" in row["body_text"] and row["from_page"]
    assert row["guid"] == "https://farmpolicynews.illinois.edu/?p=70001"  # kept from the feed
    assert row["summary"].startswith("Constructed summary: the administration keeps")
    # the feed and the page again: nothing to write
    assert farm_policy_news.DECLARATION.import_path(con, FPN_FEED) == 0
    assert farm_policy_news.DECLARATION.import_path(con, FPN_ARTICLE) == 0
    assert len(rows(con, farm_policy_news.TABLE)) == 3


def test_a_folder_imports_feeds_then_pages(con, tmp_path: Path) -> None:
    folder = tmp_path / "saved"
    folder.mkdir()
    for fixture in (FPN_ARTICLE, FPN_FEED):
        _saved(folder, fixture.name, fixture.read_bytes())
    assert main(["--db", str(tmp_path / "cli.duckdb"), "ingest", "farm-policy-news",
                 "--from-file", str(folder)]) == 0  # fmt: skip
    with duckdb.connect(str(tmp_path / "cli.duckdb"), read_only=True) as cli:
        assert cli.execute(f"select count(*) from {farm_policy_news.TABLE}").fetchone() == (3,)
        tags = cli.execute(
            f"select tags from {farm_policy_news.TABLE} where article_url = ?", [TARIFF_ARTICLE]
        ).fetchone()
    assert tags == (["China", "tariffs"],)


def test_an_undated_item_is_rejected_and_logged_never_stamped_now(con, tmp_path: Path) -> None:
    # GIVEN the feed with the pubDate of its second item removed
    text = FPN_FEED.read_text()
    text = text.replace("<pubDate>Tue, 08 Jun 2021 23:30:00 +0000</pubDate>", "")
    undated = _saved(tmp_path, "undated.xml", text.encode())
    # WHEN it is imported THEN the dated items land and one error names the undated one
    with pytest.raises(ExtractorError) as caught:
        farm_policy_news.DECLARATION.import_path(con, undated)
    message = str(caught.value)
    assert "constructed-trade-representative" in message and "no pubDate" in message
    assert "never stamped with the load time" in message
    urls = set(rows(con, farm_policy_news.TABLE)["article_url"])
    assert len(urls) == 2 and not any("trade-representative" in url for url in urls)
    log = load_log(con)
    assert [(status, landed) for _, landed, status, _ in log] == [("ok", 2), ("failed", 0)]
    assert "constructed-trade-representative" in log[1][0] and log[1][3] in message


def test_an_item_without_a_link_is_rejected_alone(con, tmp_path: Path) -> None:
    text = FPN_FEED.read_text().replace(
        "<link>https://farmpolicynews.illinois.edu/2021/05/constructed-trade-deals/</link>", ""
    )
    with pytest.raises(ExtractorError, match=r"item 3 \(Constructed: Farm Groups.*no link"):
        farm_policy_news.DECLARATION.import_path(con, _saved(tmp_path, "nolink.xml", text.encode()))
    assert len(rows(con, farm_policy_news.TABLE)) == 2


def test_an_undated_article_page_is_rejected(con, tmp_path: Path) -> None:
    html = FPN_ARTICLE.read_text()
    html = html.replace('property="article:published_time"', "")
    html = html.replace('class="entry-date published" datetime="2021-06-16T09:00:00-05:00"', "")
    with pytest.raises(ExtractorError, match="no publication date"):
        farm_policy_news.DECLARATION.import_path(
            con, _saved(tmp_path, "undated.html", html.encode())
        )
    assert rows(con, farm_policy_news.TABLE).empty


def test_a_page_dated_by_its_time_element_only(con, tmp_path: Path) -> None:
    html = FPN_ARTICLE.read_text().replace("article:published_time", "article:other_time")
    farm_policy_news.DECLARATION.import_path(con, _saved(tmp_path, "page.html", html.encode()))
    published = _article(con, farm_policy_news.TABLE, TARIFF_ARTICLE)["published_at"]
    assert published == pd.Timestamp("2021-06-16 14:00", tz="UTC")  # 09:00 -05:00


def test_a_byte_that_is_not_utf8_is_read_as_windows_1252(con, tmp_path: Path, caplog) -> None:
    # a curly apostrophe pasted as the single Windows-1252 byte 0x92
    data = FARMDOC_FEED.read_bytes().replace(b"China&#8217;s", b"China\x92s")
    with caplog.at_level(logging.WARNING):
        assert farmdoc_daily.DECLARATION.import_path(con, _saved(tmp_path, "cp1252.xml", data)) == 3
    titles = set(rows(con, farmdoc_daily.TABLE)["title"])
    assert "Constructed: China\u2019s Soybean Purchases and the Phase One Agreement" in titles
    assert any("not valid utf-8; read as Windows-1252" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize(
    ("name", "data", "expected"),
    [
        ("cut.xml", FARMDOC_FEED.read_bytes()[:2500], "not well-formed XML"),
        ("error.xml", ERROR_PAGE.read_bytes(), "HTML page where an RSS feed was expected"),
        ("empty.xml", b"\n", "is empty"),
        ("atom.xml", b"<feed xmlns='http://www.w3.org/2005/Atom'><id>x</id></feed>", "not an RSS"),
        ("other.xml", FARMDOC_FEED.read_bytes(), "feed of farmdocdaily.illinois.edu"),
    ],
)  # fmt: skip
def test_a_bad_feed_is_one_error_and_loses_nothing(
    con, tmp_path: Path, name: str, data: bytes, expected: str
) -> None:
    farm_policy_news.DECLARATION.import_path(con, FPN_FEED)
    before = rows(con, farm_policy_news.TABLE)
    with pytest.raises(ExtractorError) as caught:
        farm_policy_news.DECLARATION.import_path(con, _saved(tmp_path, name, data))
    message = str(caught.value)
    assert message.startswith("farm_policy_news: ") and name in message and expected in message
    assert load_log(con)[-1] == (name, 0, "failed", message)
    pd.testing.assert_frame_equal(before, rows(con, farm_policy_news.TABLE))


# --- live feed -----------------------------------------------------------------------------


@pytest.fixture
def site(httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch) -> HTTPServer:
    monkeypatch.setenv("CBI_HTTP_BACKOFF", "0")
    monkeypatch.setenv(farmdoc_daily.SITE.url_variable, httpserver.url_for("/feed"))
    return httpserver


def _serve_feed(server: HTTPServer, last_page: int = 2) -> None:
    server.expect_request("/feed", query_string="paged=2").respond_with_data(
        FARMDOC_PAGE_2.read_bytes(), content_type="application/rss+xml; charset=UTF-8"
    )
    for page in range(3, last_page + 2):
        server.expect_request("/feed", query_string=f"paged={page}").respond_with_data(
            "<html>Page not found</html>", status=404, content_type="text/html"
        )
    server.expect_request("/feed", query_string="").respond_with_data(
        FARMDOC_FEED.read_bytes(), content_type="application/rss+xml; charset=UTF-8"
    )


def test_live_backfill_follows_pages_until_the_last(con, site: HTTPServer) -> None:
    _serve_feed(site)
    assert farmdoc_daily.SITE.source == "farmdoc_daily"
    assert fetch.pull(con, farmdoc_daily.SITE, pages=10) == 6
    asked = [request.query_string.decode() for request, _ in site.log]
    assert asked == ["", "paged=2", "paged=3"]  # page 3 answered 404: the end
    assert [status for _, _, status, _ in load_log(con)] == ["ok", "ok", "ok"]
    # the daily pull reads the same pages again and writes nothing
    assert fetch.update(con, farmdoc_daily.SITE, today=dt.date(2021, 6, 18)) == 0


def test_live_since_stops_at_older_articles(tmp_path: Path, site: HTTPServer) -> None:
    _serve_feed(site)
    # page 1 reaches back to 2021-06-10, before --since: page 2 is not asked for
    argv = ["--db", str(tmp_path / "cli.duckdb"), "ingest", "farmdoc-daily"]
    assert main([*argv, "--since", "2021-06-12"]) == 0
    assert [request.query_string.decode() for request, _ in site.log] == [""]


def test_live_article_pages_are_read_and_a_missing_one_is_reported(
    con, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    # GIVEN a feed whose item links point at the local server, one article page served, the
    # other two answering 404
    monkeypatch.setenv("CBI_HTTP_BACKOFF", "0")
    host = httpserver.url_for("/").rstrip("/")

    def served(fixture: Path) -> str:
        return fixture.read_text().replace("https://farmpolicynews.illinois.edu/20", f"{host}/20")

    httpserver.expect_request("/feed/").respond_with_data(served(FPN_FEED))
    httpserver.expect_request("/2021/06/constructed-section-301-tariffs/").respond_with_data(
        served(FPN_ARTICLE), content_type="text/html"
    )
    for missing in (
        "/2021/06/constructed-trade-representative/",
        "/2021/05/constructed-trade-deals/",
    ):
        httpserver.expect_request(missing).respond_with_data("<html>not found</html>", status=404)
    # WHEN the feed is read with its article pages
    with pytest.raises(ExtractorError) as caught:
        fetch.pull(con, farm_policy_news.SITE, articles=True, feed_url=httpserver.url_for("/feed/"))
    # THEN every item landed from the feed, the page merged into its row, and one error names
    # both missing pages
    message = str(caught.value)
    assert "2 of 4 loads" in message and message.count("HTTP 404") == 2
    stored = rows(con, farm_policy_news.TABLE).set_index("article_url")
    assert len(stored) == 3
    page = stored.loc[canonical_url(f"{host}/2021/06/constructed-section-301-tariffs/")]
    assert list(page["tags"]) == ["China", "tariffs"] and page["from_page"]


def test_live_retries_429_and_500_then_lands(con, site: HTTPServer) -> None:
    site.expect_ordered_request("/feed").respond_with_data("slow down", status=429)
    site.expect_ordered_request("/feed").respond_with_data("oops", status=500)
    site.expect_ordered_request("/feed").respond_with_data(FARMDOC_FEED.read_bytes())
    assert fetch.pull(con, farmdoc_daily.SITE) == 3


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (500, b"oops", "HTTP 500"),
        (429, b"slow down", "HTTP 429"),
        (404, b"<html>gone</html>", "HTTP 404"),
        (200, ERROR_PAGE.read_bytes(), "HTML page where an RSS feed was expected"),
        (200, FARMDOC_FEED.read_bytes()[:3000], "not well-formed XML"),
    ],
)
def test_live_errors_are_one_line_recorded_and_lose_nothing(
    con, site: HTTPServer, status: int, body: bytes, expected: str
) -> None:
    farmdoc_daily.DECLARATION.import_path(con, FARMDOC_PAGE_2)
    before = rows(con, farmdoc_daily.TABLE)
    site.expect_request("/feed").respond_with_data(body, status=status)
    with pytest.raises(ExtractorError) as caught:
        fetch.pull(con, farmdoc_daily.SITE)
    message = str(caught.value)
    assert expected in message and "/feed" in message and "\n" not in message
    assert load_log(con)[-1][2] == "failed"
    pd.testing.assert_frame_equal(before, rows(con, farmdoc_daily.TABLE))


def test_a_failed_second_page_keeps_the_first(con, site: HTTPServer) -> None:
    site.expect_request("/feed", query_string="paged=2").respond_with_data("oops", status=503)
    site.expect_request("/feed", query_string="").respond_with_data(FARMDOC_FEED.read_bytes())
    with pytest.raises(ExtractorError, match="HTTP 503"):
        fetch.pull(con, farmdoc_daily.SITE, pages=3)
    assert len(rows(con, farmdoc_daily.TABLE)) == 3
    assert [status for _, _, status, _ in load_log(con)] == ["ok", "failed"]


def test_bad_arguments_are_refused_before_any_request(con) -> None:
    args = build_parser().parse_args(["ingest", "farmdoc-daily", "--since", "June"])
    with pytest.raises(ExtractorError, match="--since 'June' is not a date"):
        farmdoc_daily.DECLARATION.ingest(con, args)
    with pytest.raises(ExtractorError, match="not an http"):
        fetch.pull(con, farmdoc_daily.SITE, feed_url="ftp://example")


def test_the_snapshot_gets_no_constructed_article(tmp_path: Path) -> None:
    # ../shared/data holds no real feed: nothing is bundled, and an old folder is removed
    destination = tmp_path / "snapshot" / farmdoc_daily.COMMAND
    destination.mkdir(parents=True)
    (destination / "stale.xml").write_text("<rss/>")
    farmdoc_daily.DECLARATION.cut_snapshot(tmp_path / "shared", destination)
    assert not destination.exists()
