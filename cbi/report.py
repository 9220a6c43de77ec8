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
from cbi.guidance import Backtest
from cbi.status import HEADERS as COVERAGE_HEADERS
from cbi.status import Coverage, Level, cells, levels, summary_lines
from cbi.view import (
    NO_DRIVERS,
    ForecastRow,
    Guidance,
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


def guidance_section(guide: Guidance) -> dict[str, object]:
    """The buy-or-wait section: today's sentence, the rule in words, its record by year."""
    rule = (
        "The rule, fixed before any backtest: a purchase planned at today's close waits one "
        "month (buys at the close of the 1-month target date) when the 1-month median is below "
        "today's close by more than the carry and P90 is at most the risk limit above it; "
        "otherwise it buys now. Waiting costs the carry (financing the decision for a month; a "
        "futures buyer stores nothing), added to the price it pays."
    )
    if guide.carry is not None and guide.risk_limit is not None:
        rule += (
            f" Carry {guide.carry * 100:.1f} % per month, risk limit "
            f"{guide.risk_limit * 100:.0f} % (dbt vars purchase_carry_per_month, "
            "purchase_risk_limit)."
        )
    return {
        "today": guide.today or "No 1-month forecast today.",
        "rule": rule,
        "record": [_backtest_cells(row) for row in guide.by_year],
        "summary": guide.overall.line()
        + ". Each as-of date with a known outcome is one planned purchase; the interval is a "
        "moving-block bootstrap (blocks of 21 trading days), and one that includes 0 means "
        "the rule's saving cannot be told from luck.",
    }


def _backtest_cells(row: Backtest) -> dict[str, str]:
    g = row.gain
    interval = "" if math.isnan(g.low) else f" [{g.low * 100:+.1f}, {g.high * 100:+.1f}]"
    return {
        "period": "all" if ".." in row.period else row.period,
        "n": f"{row.n:,}",
        "wait_share": f"{row.wait_share:.0%}",
        "paid_rule": f"{row.paid_rule:.2f}",
        "paid_schedule": f"{row.paid_schedule:.2f}",
        "saving_cents": f"{row.saving_cents:+.2f}",
        "saving_pct": f"{row.saving_pct * 100:+.2f} %",
        "gain": f"{g.gain * 100:+.1f} %{interval}",
        "label": g.label,
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
        guide=guidance_section(view.guidance),
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
