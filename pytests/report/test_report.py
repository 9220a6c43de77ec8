"""`cbi report --out DIR`: the static forecast page, opened in a real headless browser.

GIVEN the session's built database (conftest `built_db`)
WHEN `cbi report --out DIR` writes the page and Debian's chromium opens DIR/index.html
THEN nothing but local files is requested, no console error is logged, every Plotly chart is
drawn, and the P10/P50/P90 shown for the latest forecast are those of forecasts.zl_predictions.
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pytest

import cbi.report
from cbi.cli import main
from cbi.report import NO_LIVE, coverage_rows, render_report
from cbi.status import BucketState, Coverage, CoverageRow, SourceState
from cbi.view import build_view

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CHARTS = (
    "chart-price",
    "chart-look-back",
    "chart-drivers",
    "chart-record",
    "chart-waterfall",
    "chart-risk-fan",
    "chart-pit",
    "chart-reliability",
)

try:
    from playwright.sync_api import Page, sync_playwright
except ImportError:  # pragma: no cover - the dev extras install it
    sync_playwright = None

needs_browser = pytest.mark.skipif(
    sync_playwright is None or not CHROMIUM.exists(),
    reason=f"needs {CHROMIUM} (apt-get install chromium) and the playwright package",
)


@pytest.fixture(scope="module")
def site(built_db: tuple[Path, dict[str, str]], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The page written by the real command line, as a user runs it."""
    db, env = built_db
    out = tmp_path_factory.mktemp("report") / "site"
    done = subprocess.run(
        [sys.executable, "-m", "cbi.cli", "--db", str(db), "report", "--out", str(out)],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return out


@dataclass
class OpenedPage:
    page: Page
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def opened(site: Path) -> Iterator[OpenedPage]:
    """index.html opened from disk in chromium, with every request and console error kept."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        seen = OpenedPage(page)
        page.on("request", lambda request: seen.requests.append(request.url))
        page.on("console", lambda msg: msg.type == "error" and seen.errors.append(msg.text))
        page.on("pageerror", lambda exc: seen.errors.append(str(exc)))
        page.goto((site / "index.html").as_uri(), wait_until="load")
        page.wait_for_function(
            f"document.querySelectorAll('.js-plotly-plot').length >= {len(CHARTS)}"
        )
        yield seen
        browser.close()


def _forecast_rows(db: Path) -> dict[str, tuple[float, float, float]]:
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("select horizon, p10, p50, p90 from forecasts.zl_predictions").fetchall()
    return {horizon: (p10, p50, p90) for horizon, p10, p50, p90 in rows}


@pytest.mark.parametrize("state", ["missing", "empty"])
def test_report_fails_in_one_line_before_a_build(
    state: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN no database, or one never built
    db = tmp_path / f"{state}.duckdb"
    if state == "empty":
        duckdb.connect(str(db)).close()
    out = tmp_path / "site"
    # WHEN the report is asked for, THEN one line saying what to run, and no page written
    assert main(["--db", str(db), "report", "--out", str(out)]) == 1
    error = capsys.readouterr().err.strip()
    assert len(error.splitlines()) == 1
    assert str(db) in error and "cbi build" in error
    assert not out.exists()


def _source(fresh: bool, landed: bool) -> SourceState:
    """constructed: one source state as marts.bucket_coverage gives it."""
    day = dt.date(2024, 12, 31) if landed else None
    return SourceState("fred", True, day, day, 10 if landed else 0, fresh, landed, "DEXBZUS")


@pytest.mark.parametrize(
    ("source", "bucket", "alarms"),
    [
        (_source(True, True), BucketState("fx", "covered", 100, None, True), ("", "")),
        (
            _source(False, True),
            BucketState("crush", "partial", 33, "nopa, usda_wasde", True),
            ("partial", "partial"),
        ),
        (
            _source(False, False),
            BucketState("tariff", "missing", 0, "news", False),
            ("gap", "gap"),
        ),
        (_source(True, True), BucketState("fed", "covered", 100, None, False), ("", "gap")),
    ],
)
def test_coverage_cells_are_flagged_from_the_states(
    source: SourceState, bucket: BucketState, alarms: tuple[str, str]
) -> None:
    # GIVEN constructed coverage states, WHEN the page draws the `cbi status` table,
    # THEN only the two state cells carry a class: red for a gap, amber for a partial one
    [row] = coverage_rows(Coverage(dt.date(2024, 12, 31), (CoverageRow(bucket, source),)))
    css = [cls for _, cls in row]
    assert css[:-2] == [""] * 6
    assert tuple(css[-2:]) == alarms
    words = [cell for cell, _ in row]
    assert words[-2].startswith({"": "fresh", "partial": "STALE", "gap": "MISSING"}[alarms[0]])


def test_every_template_file_is_package_data() -> None:
    # a template the pyproject globs miss would be left out of an installed package
    package = Path(cbi.report.__file__).parent
    with (package.parent / "pyproject.toml").open("rb") as handle:
        globs = tomllib.load(handle)["tool"]["setuptools"]["package-data"]["cbi"]
    shipped = {path for pattern in globs for path in package.glob(pattern)}
    files = {path for path in (package / "templates").rglob("*") if path.is_file()}
    assert files and files == shipped


def test_site_is_one_page_and_its_local_plotly(site: Path) -> None:
    assert sorted(p.name for p in site.iterdir()) == ["index.html", "plotly.min.js"]
    html = (site / "index.html").read_text(encoding="utf-8")
    assert '<script src="plotly.min.js"></script>' in html
    assert "cdn" not in html.lower()


@needs_browser
def test_page_requests_only_local_files_and_logs_no_error(opened: OpenedPage) -> None:
    assert opened.requests, "the page made no request at all"
    assert [url for url in opened.requests if not url.startswith("file://")] == []
    assert opened.errors == []


@needs_browser
def test_every_chart_is_drawn(opened: OpenedPage) -> None:
    for chart in CHARTS:
        paths = opened.page.locator(f"#{chart}.js-plotly-plot svg path")
        assert paths.count() > 10, chart


@needs_browser
def test_forecast_numbers_on_the_page_are_the_table(
    opened: OpenedPage, built_db: tuple[Path, dict[str, str]]
) -> None:
    expected = _forecast_rows(built_db[0])
    shown = {}
    for row in opened.page.locator("#forecast tr[data-horizon]").all():
        values = []
        for q in ("p10", "p50", "p90"):
            cell = row.locator(f"td[data-{q}]")
            values.append(float(cell.get_attribute(f"data-{q}")))
            assert cell.inner_text() == f"{values[-1]:.2f}"
        shown[row.get_attribute("data-horizon")] = tuple(values)
    assert shown == expected


@needs_browser
def test_risk_section_replaces_buy_or_wait(opened: OpenedPage) -> None:
    # the chance of a higher price than buying now plus carry, and the rule's share (or why not)
    guidance = opened.page.locator("#risk-guidance")
    assert guidance.is_visible()
    text = guidance.inner_text()
    assert "P(1m close above " in text and "P(3m close above " in text
    assert "Share to cover now under the" in text
    assert "BUY NOW" not in opened.page.content()


@needs_browser
def test_drivers_section_draws_the_last_months_move_and_each_bucket(opened: OpenedPage) -> None:
    assert opened.page.locator("#moved").inner_text().startswith("ZL ")
    buckets = opened.page.locator("#bucket-charts .js-plotly-plot").all()
    assert len(buckets) >= 4
    drawn = 0
    for chart in buckets:
        title = chart.locator(".gtitle").text_content() or ""
        # every indicator with a value today draws its two-year line (an SVG path of points)
        lines = chart.locator(".scatterlayer path.js-line").all()
        longest = max((len(line.get_attribute("d") or "") for line in lines), default=0)
        if not title.endswith(": stale"):
            assert longest > 50, title
            drawn += 1
    assert drawn >= 4


@needs_browser
def test_the_record_gives_each_gain_its_interval_and_verdict(opened: OpenedPage) -> None:
    verdicts = {"significant gain", "no significant gain", "significantly worse"}
    overall = opened.page.locator("#record tr.all").all()
    assert len(overall) == 4  # one `all` row per horizon
    for row in overall:
        cells = row.locator("td").all_inner_texts()
        # horizon, year, three pinballs, the gain with its interval, its verdict, ...
        assert cells[1] == "all"
        assert "[" in cells[5] or cells[6] == "too few outcomes", cells
        assert cells[6] in {*verdicts, "too few outcomes"}, cells


def test_live_accuracy_is_shown_once_forecasts_are_scored(
    built_db: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    # GIVEN a copy of the built database without any scored live forecast
    db = tmp_path / "copy.duckdb"
    shutil.copy(built_db[0], db)
    with duckdb.connect(str(db)) as con:
        con.execute("drop table if exists forecasts.zl_live_accuracy")
    assert NO_LIVE in render_report(build_view(db, "report"))
    # WHEN the monitoring table has a scored horizon, THEN the page shows it instead
    with duckdb.connect(str(db)) as con:
        con.execute(
            "create table forecasts.zl_live_accuracy as select '1m' as horizon, "
            "'all' as scoring_window, 25 as n_scored, 0.912 as pinball_live, "
            "0.76 as coverage_live, 0.85 as pinball_record, 0.8 as coverage_record"
        )
    html = render_report(build_view(db, "report"))
    assert NO_LIVE not in html
    assert "0.912" in html and "76%" in html
