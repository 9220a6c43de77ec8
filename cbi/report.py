"""`cbi report --out DIR`: the forecast as a static web page a buyer opens without a server.

DIR gets `index.html` and `plotly.min.js` (the charting library shipped inside the Plotly
Python package, written beside the page): nothing is fetched from the internet when the page
is opened. The numbers come from the view model (cbi.view, read once on a read-only
connection; it fails in one line before a build); `render_report` turns a View into HTML
(Plotly charts from cbi.charts, the Jinja2 template `cbi/templates/report.html.j2`, one
partial per section in `templates/sections/`); `write_report` writes the files.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from pathlib import Path

import jinja2
import plotly.offline

from cbi import charts
from cbi.drivers.figures import bucket_figures, waterfall_figure
from cbi.drivers.view import SUMMARY_WINDOW
from cbi.risk.view import guidance_lines
from cbi.status import HEADERS as COVERAGE_HEADERS
from cbi.status import Coverage, Level, cells, levels, summary_lines
from cbi.view import (
    NO_DRIVERS,
    ForecastRow,
    LiveRow,
    LookBackRow,
    Record,
    View,
    build_view,
    pushes_in_words,
)
from common.errors import UserError

COMMAND = "report"
PLOTLY_JS = "plotly.min.js"
NO_LIVE = "No live forecasts have reached their target date yet."
TEMPLATES = jinja2.Environment(
    loader=jinja2.PackageLoader("cbi", "templates"),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)
VERDICT_STYLE = {"significant gain": "better", "significantly worse": "worse"}


def _cents(value: float) -> str:
    return f"{abs(value):.2f} c/lb"


def _number(value: float, spec: str) -> str:
    return "-" if math.isnan(value) else format(value, spec)


@dataclass(frozen=True)
class DriverWords:
    """One horizon's drivers on the page: a paragraph and the pushes its chart draws."""

    horizon: str
    text: str
    pushes: dict[str, float]  # bucket -> push on P50, cents/lb, largest first


def drivers(row: ForecastRow) -> DriverWords:
    """The drivers of one horizon's median in plain words, largest push first.

    Only buckets that earned weight in the ensemble (through the meta-learner) are named, and
    only where their push rounds to at least 0.01 c/lb; the bucket models' own views are not
    shown, since they did not move the forecast.
    """
    pushes = row.pushes
    move = row.p50 - row.close
    median = (
        f"The {row.label} median, {row.p50:.2f}, is {_cents(move)} "
        f"{'above' if move >= 0 else 'below'} today's close."
    )
    if pushes:
        said = (
            f"The driver buckets carry {row.meta_l1_weight:.0%} of the forecast (the random "
            f"walks and other models the rest): {pushes_in_words(pushes)}."
        )
    elif row.meta_l1_weight > 0:
        said = (
            f"The driver buckets carry {row.meta_l1_weight:.0%} of the forecast but move the "
            "median by less than 0.01 c/lb."
        )
    else:
        said = f"{NO_DRIVERS[0].upper()}{NO_DRIVERS[1:]}."
    return DriverWords(row.horizon, f"{median} {said}", dict(pushes))


def outcome(row: LookBackRow) -> str:
    """Where the close fell against the band forecast one horizon earlier."""
    miss = row.actual - row.p50
    side = f"{_cents(miss)} {'above' if miss >= 0 else 'below'} the median"
    if row.actual < row.p10:
        return f"below P10 ({side})"
    if row.actual > row.p90:
        return f"above P90 ({side})"
    return f"inside the band, {side}"


def css_class(level: Level) -> str:
    """The CSS class of a coverage cell: 'gap' (red), 'partial' (amber) or '' (fresh)."""
    return "" if level == "ok" else level


def coverage_rows(coverage: Coverage) -> list[list[tuple[str, str]]]:
    """Each row of `cbi status` as (cell text, CSS class) pairs."""
    return [
        [(cell, css_class(level)) for cell, level in zip(cells(row), levels(row), strict=True)]
        for row in coverage.rows
    ]


def record_cells(record: Record) -> list[dict[str, str]]:
    """The record's rows as the page's table cells ('-' where a number is missing)."""
    out = []
    for row in record.rows:
        gain = row.gain
        label = gain.label if gain else ""
        out.append(
            {
                "horizon": row.horizon,
                "year": row.year,
                "ensemble": _number(row.pinball["ensemble"], ".3f"),
                "rw_empirical": _number(row.pinball["rw_empirical"], ".3f"),
                "rw_vol": _number(row.pinball["rw_vol"], ".3f"),
                "vs_best_rw": _number(gain.gain if gain else math.nan, "+.1%"),
                "interval": ""
                if gain is None or math.isnan(gain.low)
                else f"[{gain.low:+.1%}, {gain.high:+.1%}]",
                "label": label,
                "verdict": VERDICT_STYLE.get(label, ""),
                "coverage_80": _number(row.coverage_80, ".0%"),
                "n": _number(row.n, ",.0f"),
            }
        )
    return out


def live_cells(live: tuple[LiveRow, ...]) -> list[dict[str, str]]:
    return [
        {
            "horizon": row.horizon,
            "window": row.window,
            "n_scored": _number(row.n_scored, ",.0f"),
            "pinball_live": _number(row.pinball_live, ".3f"),
            "pinball_record": _number(row.pinball_record, ".3f"),
            "coverage_live": _number(row.coverage_live, ".0%"),
            "coverage_record": _number(row.coverage_record, ".0%"),
        }
        for row in live
    ]


def moved_charts(view: View) -> dict[str, str]:
    """The waterfall of the last month's move and one chart per bucket's headline indicator
    (cbi.drivers.figures), as page fragments; none without the attribution."""
    if view.drivers is None:
        return {}
    out = {
        "waterfall": charts.figure_html(
            waterfall_figure(view.drivers.moves[SUMMARY_WINDOW]), "chart-waterfall", 420
        )
    }
    for bucket, figure in bucket_figures(view.drivers.indicators).items():
        out[bucket] = charts.figure_html(figure, f"chart-bucket-{bucket}", 300)
    return out


def risk_section(view: View) -> dict[str, object]:
    """The risk guidance in words (the same lines `cbi forecast` prints) and its charts."""
    return {
        "lines": guidance_lines(view.risk),
        "fan": charts.risk_fan_chart(view),
        "pit": charts.pit_chart(view),
        "reliability": charts.reliability_chart(view),
    }


def render_report(view: View) -> str:
    """The page as one HTML string; it loads Plotly from PLOTLY_JS beside it."""
    driver_rows = [drivers(row) for row in view.forecast.rows]
    return TEMPLATES.get_template("report.html.j2").render(
        view=view,
        plotly_js=PLOTLY_JS,
        look_back=[{**asdict(row), "outcome": outcome(row)} for row in view.look_back],
        drivers=driver_rows,
        coverage_headers=COVERAGE_HEADERS,
        coverage_rows=coverage_rows(view.coverage),
        coverage_summary=summary_lines(view.coverage),
        record=record_cells(view.record),
        live=live_cells(view.live),
        no_live=NO_LIVE,
        risk=risk_section(view),
        moved=moved_charts(view),
        charts={
            "price": charts.price_chart(view),
            "look_back": charts.look_back_chart(view),
            "drivers": charts.drivers_chart({d.horizon: d.pushes for d in driver_rows}),
            "record": charts.record_chart(view),
        },
    )


def write_report(db_path: Path, out_dir: Path) -> Path:
    """Read, render, then write DIR/index.html and DIR/plotly.min.js; returns the page's path.

    Nothing is written when reading fails, so a report before a build leaves no files.
    """
    html = render_report(build_view(db_path, COMMAND))
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"{COMMAND}: --out {out_dir} is a file; give a folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / PLOTLY_JS).write_text(plotly.offline.get_plotlyjs(), encoding="utf-8")
    page = out_dir / "index.html"
    page.write_text(html, encoding="utf-8")
    return page
