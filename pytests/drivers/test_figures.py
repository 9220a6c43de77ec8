"""The drivers' figures (cbi.drivers.figures) on the bundled snapshot.

GIVEN the drivers of the snapshot's last date THEN the waterfall's bars add up to the actual
move and leave uncovered buckets out; every bucket has a chart of its headline indicator with
its five-year range; and a test page holding them, opened from disk in headless chromium,
requests only local files, logs no console error and draws every chart.
"""

from __future__ import annotations

from pathlib import Path

import plotly.offline
import pytest

from cbi.drivers.attribution import buckets
from cbi.drivers.figures import bucket_figures, waterfall_figure
from cbi.drivers.view import Drivers, load_drivers
from pytests.report.test_report import CHROMIUM, CHROMIUM_ARGS, needs_browser

try:
    from playwright.sync_api import sync_playwright
except ImportError:  # pragma: no cover - the dev extras install it
    sync_playwright = None


@pytest.fixture(scope="module")
def drivers(drivers_db: tuple[Path, dict[str, str]]) -> Drivers:
    return load_drivers(drivers_db[0])


def test_waterfall_adds_up_to_the_move_and_skips_uncovered_buckets(drivers: Drivers) -> None:
    move = drivers.moves["1m"]
    bars = waterfall_figure(move).data[0]
    assert list(bars.measure) == ["relative"] * (len(bars.x) - 1) + ["total"]
    assert abs(sum(bars.y[:-1]) - bars.y[-1]) < 1e-9
    assert bars.y[-1] == pytest.approx(move.actual_move_cents)
    assert "Tariff" not in bars.x and "unexplained" in bars.x  # offline: no news
    assert "not covered: Tariff" in waterfall_figure(move).layout.title.text


def test_every_bucket_has_its_indicator_chart_with_the_five_year_range(drivers: Drivers) -> None:
    figures = bucket_figures(drivers.indicators)
    assert list(figures) == buckets()
    energy = figures["energy"]
    assert energy.layout.shapes[0].y0 <= min(energy.data[-1].y)
    assert energy.layout.shapes[0].y1 >= max(energy.data[-1].y)
    assert "stale" in figures["tariff"].layout.title.text


def _page(drivers: Drivers, out: Path) -> Path:
    """A test page: the waterfall and the bucket charts, Plotly written beside it."""
    out.mkdir()
    (out / "plotly.min.js").write_text(plotly.offline.get_plotlyjs(), encoding="utf-8")
    figures = {"drivers-waterfall": waterfall_figure(drivers.moves["1m"])}
    figures |= {f"drivers-{b}": f for b, f in bucket_figures(drivers.indicators).items()}
    divs = "\n".join(
        fig.to_html(full_html=False, include_plotlyjs=False, div_id=div_id)
        for div_id, fig in figures.items()
    )
    page = out / "index.html"
    page.write_text(
        f'<!doctype html><html><head><meta charset="utf-8"><script src="plotly.min.js">'
        f"</script></head><body><p>{drivers.summary}</p>{divs}</body></html>",
        encoding="utf-8",
    )
    return page


@needs_browser
def test_the_charts_render_offline_in_chromium_without_errors(
    drivers: Drivers, tmp_path: Path
) -> None:
    page_path = _page(drivers, tmp_path / "site")
    requests: list[str] = []
    errors: list[str] = []
    assert sync_playwright is not None
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.on("request", lambda request: requests.append(request.url))
        page.on("console", lambda msg: msg.type == "error" and errors.append(msg.text))
        page.on("pageerror", lambda exc: errors.append(str(exc)))
        page.goto(page_path.as_uri(), wait_until="load")
        charts = 1 + len(buckets())
        page.wait_for_function(
            f"document.querySelectorAll('.js-plotly-plot .main-svg').length >= {charts}"
        )
        drawn = page.eval_on_selector_all(".js-plotly-plot", "nodes => nodes.length")
        bars = page.eval_on_selector_all(
            "#drivers-waterfall .waterfalllayer .point", "n => n.length"
        )
        browser.close()
    assert errors == []
    assert requests and all(url.startswith("file://") for url in requests), requests
    assert drawn == charts
    assert (
        bars == len([r for r in drivers.moves["1m"].rows if r.contribution_cents is not None]) + 1
    )
