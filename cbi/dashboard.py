"""`cbi report --out DIR`: the forecast as a static web page a buyer opens without a server.

DIR gets `index.html` and `plotly.min.js` (the charting library shipped inside the Plotly
Python package, written beside the page): nothing is fetched from the internet when the page
is opened. `load_dashboard` reads every number on read-only connections and fails in one line
before a build; `render_dashboard` turns them into HTML (Plotly charts, a Jinja2 template);
`write_report` writes the files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

import duckdb
import jinja2
import pandas as pd
import plotly.graph_objects as go
import plotly.offline

from cbi.guidance import Backtest, backtest_by_year, guidance
from cbi.record import gain_table, with_losses
from cbi.report import (
    GUIDANCE_QUERY,
    NO_DRIVERS,
    SCORED_QUERY,
    YARDSTICKS,
    bucket_label,
    driver_pushes,
    pushes_in_words,
)
from cbi.status import HEADERS as COVERAGE_HEADERS
from cbi.status import coverage_table
from common.db import connect_read_only
from common.errors import UserError
from common.project import horizon_days

COMMAND = "report"
PLOTLY_JS = "plotly.min.js"
HISTORY_DAYS = 550  # calendar days of price history in the first view (the rest is a zoom away)
NO_LIVE = "No live forecasts have reached their target date yet."
# How `cbi status` cells start when a source or bucket is not fresh: a gap the forecast goes
# without (red; so is a bucket "not trained") or one it works around (amber).
COVERAGE_ALARMS = {"gap": ("MISSING", "missing"), "partial": ("STALE", "partial")}

FORECAST_QUERY = """
select p.*, h.label, h.trading_days
from forecasts.zl_predictions p
join reference.horizons h using (horizon)
order by h.trading_days
"""
HISTORY_QUERY = """
select trade_date, any_value(close_cents_per_lb) as close
from marts.zl_targets
group by trade_date
order by trade_date
"""
# Per horizon, the ensemble forecast whose target date is the latest with a known close: the
# forecast made one horizon before the last trade date, beside what happened.
LOOK_BACK_QUERY = """
select horizon, as_of_date, target_date, p10, p50, p90, close, actual
from forecasts.zl_backtest
where member = 'ensemble' and actual is not null
qualify row_number() over (partition by horizon order by target_date desc, as_of_date desc) = 1
"""
RECORD_QUERY = f"""
select horizon, year, member, pinball, coverage_80, n
from forecasts.zl_backtest_metrics
where member in ('ensemble', {", ".join(f"'{m}'" for m in YARDSTICKS)})
"""
LIVE_TABLE_QUERY = """
select count(*) from information_schema.tables
where table_schema = 'forecasts' and table_name = 'zl_live_accuracy'
"""


@dataclass
class Dashboard:
    """Everything the page shows, read from the database; prices in cents/lb."""

    as_of: date
    close: float
    model_version: str
    history: pd.DataFrame  # trade_date, close: the ZL front-month close per trade date
    forecast: pd.DataFrame  # forecasts.zl_predictions + horizon label, by horizon length
    look_back: pd.DataFrame  # the ensemble forecast one horizon ago and the realised close
    record: pd.DataFrame  # ensemble vs both random walks by horizon and year
    coverage_rows: list[tuple[str, ...]]  # as `cbi status` prints them
    coverage_summary: list[str]
    live_accuracy: pd.DataFrame | None  # forecasts.zl_live_accuracy rows with scores, if any
    decisions: pd.DataFrame  # forecasts.zl_purchase_decisions: the buy-or-wait rule per date


def load_dashboard(db_path: Path) -> Dashboard:
    """Read the page's data; a database without forecast tables is a one-line UserError."""
    con = connect_read_only(db_path, COMMAND)
    try:
        forecast = con.sql(FORECAST_QUERY).df()
        history = con.sql(HISTORY_QUERY).df()
        look_back = con.sql(LOOK_BACK_QUERY).df()
        metrics = con.sql(RECORD_QUERY).df()
        scored = con.sql(SCORED_QUERY).df()
        decisions = con.sql(GUIDANCE_QUERY).df()
        live = _live_accuracy(con)
    except (duckdb.CatalogException, duckdb.BinderException) as exc:
        raise UserError(
            f"{COMMAND}: {db_path} has no forecast tables yet; run `cbi build` (it trains models)"
        ) from exc
    finally:
        con.close()
    if forecast.empty:
        raise UserError(
            f"{COMMAND}: {db_path} has an empty forecasts.zl_predictions; run `cbi build`"
        )
    coverage_rows, coverage_summary = coverage_table(db_path, COMMAND)
    order = list(forecast["horizon"])
    return Dashboard(
        as_of=forecast["as_of_date"].max().date(),
        close=float(forecast["close_cents_per_lb"].iloc[0]),
        model_version=str(forecast["model_version"].iloc[0]),
        history=history,
        forecast=forecast,
        look_back=_by_horizon(look_back, order),
        record=_record(metrics, scored, order),
        coverage_rows=coverage_rows,
        coverage_summary=coverage_summary,
        live_accuracy=live,
        decisions=decisions,
    )


def _by_horizon(frame: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    rank = {horizon: i for i, horizon in enumerate(order)}
    ordered = frame.sort_values("horizon", key=lambda s: s.map(rank), kind="stable")
    return ordered.reset_index(drop=True)


def _live_accuracy(con: duckdb.DuckDBPyConnection) -> pd.DataFrame | None:
    """The live scores, or None while the table is missing or no forecast has been scored."""
    if not con.execute(LIVE_TABLE_QUERY).fetchone()[0]:
        return None
    live = con.sql("select * from forecasts.zl_live_accuracy").df()
    live = live.rename(columns={"scoring_window": "window"})
    live = live[live["n_scored"].fillna(0) > 0]
    return None if live.empty else live


def _record(metrics: pd.DataFrame, scored: pd.DataFrame, order: list[str]) -> pd.DataFrame:
    """One row per horizon and year (and `all`): pinball of the ensemble and both yardsticks,
    the ensemble's gain on the better yardstick with its 95 % moving-block interval and verdict
    (`gain_table`, as `cbi forecast` and `cbi bench forecast`), 80 % coverage and row count.
    `verdict` is the row's style: better or worse only when the interval excludes 0."""
    pinball = metrics.pivot_table(index=["horizon", "year"], columns="member", values="pinball")
    ensemble = metrics[metrics["member"] == "ensemble"].set_index(["horizon", "year"])
    record = pinball.join(ensemble[["coverage_80", "n"]]).reset_index()
    for member in ("ensemble", *YARDSTICKS):
        if member not in record:
            record[member] = float("nan")
    gains = [
        gain_table(with_losses(rows), horizon_days(horizon)).assign(horizon=horizon)
        for horizon, rows in scored.groupby("horizon")
    ]
    gains = pd.concat(gains, ignore_index=True) if gains else pd.DataFrame(columns=GAIN_COLUMNS)
    record = record.merge(gains[GAIN_COLUMNS], on=["horizon", "year"], how="left")
    record = record.rename(columns={"gain": "vs_best_rw"})
    record["interval"] = [
        "" if pd.isna(low) else f"[{low:+.1%}, {high:+.1%}]"
        for low, high in zip(record["low"], record["high"], strict=True)
    ]
    record["label"] = record["label"].fillna("")
    record["verdict"] = record["label"].map(VERDICT_STYLE).fillna("")
    record["year_order"] = record["year"].map(lambda y: (y == "all", y))
    record = _by_horizon(record.sort_values("year_order", kind="stable"), order)
    return record.drop(columns="year_order")


GAIN_COLUMNS = ["horizon", "year", "gain", "low", "high", "label"]
VERDICT_STYLE = {"significant gain": "better", "significantly worse": "worse"}


def _cents(value: float) -> str:
    return f"{abs(value):.2f} c/lb"


def drivers(row: pd.Series) -> dict[str, object]:
    """The drivers of one horizon's median in plain words, largest push first.

    Only buckets that earned weight in the ensemble (through the meta-learner) are named, and
    only where their push rounds to at least 0.01 c/lb; the bucket models' own views are not
    shown, since they did not move the forecast.
    """
    pushes = driver_pushes(row["bucket_contributions_cents"])
    move = row["p50"] - row["close_cents_per_lb"]
    median = (
        f"The {row['label']} median, {row['p50']:.2f}, is {_cents(move)} "
        f"{'above' if move >= 0 else 'below'} today's close."
    )
    weight = float(row["meta_l1_weight"] or 0)
    if pushes:
        said = (
            f"The driver buckets carry {weight:.0%} of the forecast (the random walks and "
            f"other models the rest): {pushes_in_words(pushes)}."
        )
    elif weight > 0:
        said = (
            f"The driver buckets carry {weight:.0%} of the forecast but move the median by "
            "less than 0.01 c/lb."
        )
    else:
        said = f"{NO_DRIVERS[0].upper()}{NO_DRIVERS[1:]}."
    return {"horizon": row["horizon"], "text": f"{median} {said}", "pushes": dict(pushes)}


def _figure_html(fig: go.Figure, div_id: str, height: int) -> str:
    fig.update_layout(
        template="plotly_white",
        height=height,
        margin={"l": 60, "r": 20, "t": 40, "b": 40},
        legend={"orientation": "h", "y": -0.15},
    )
    return fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=div_id,
        config={"displaylogo": False, "responsive": True},
    )


def price_chart(data: Dashboard) -> str:
    """ZL close history and the P10-P50-P90 fan to each horizon's target date."""
    fig = go.Figure()
    fig.add_scatter(
        x=data.history["trade_date"],
        y=data.history["close"],
        name="ZL close",
        line={"color": "#1f3b57", "width": 1.5},
    )
    start = {"as_of_date": data.as_of, "p10": data.close, "p50": data.close, "p90": data.close}
    fan = pd.concat(
        [pd.DataFrame([start]), data.forecast.assign(as_of_date=data.forecast["target_date"])]
    )
    x = fan["as_of_date"]
    fig.add_scatter(x=x, y=fan["p90"], name="P90", line={"color": "#e07b39", "dash": "dot"})
    fig.add_scatter(
        x=x,
        y=fan["p10"],
        name="P10",
        fill="tonexty",
        fillcolor="rgba(224,123,57,0.18)",
        line={"color": "#e07b39", "dash": "dot"},
    )
    fig.add_scatter(
        x=x,
        y=fan["p50"],
        name="P50 (median)",
        mode="lines+markers",
        line={"color": "#c0392b", "width": 2},
        text=["today", *data.forecast["label"]],
        hovertemplate="%{text}: %{y:.2f} c/lb<extra>P50</extra>",
    )
    last = pd.Timestamp(data.forecast["target_date"].max())
    fig.update_xaxes(range=[pd.Timestamp(data.as_of) - pd.Timedelta(days=HISTORY_DAYS), last])
    fig.update_yaxes(title_text="cents per lb")
    fig.update_layout(title="ZL soybean oil: price history and forecast fan (P10-P50-P90)")
    return _figure_html(fig, "chart-price", 460)


def look_back_chart(data: Dashboard) -> str:
    """Per horizon: the band forecast one horizon ago, its median and the realised close."""
    back = data.look_back
    labels = [f"{r.horizon} (made {r.as_of_date:%Y-%m-%d})" for r in back.itertuples()]
    fig = go.Figure()
    fig.add_bar(
        x=labels,
        y=back["p90"] - back["p10"],
        base=back["p10"],
        name="P10-P90 band",
        marker_color="rgba(224,123,57,0.35)",
        customdata=back["p90"],
        hovertemplate="P10 %{base:.2f} to P90 %{customdata:.2f}<extra></extra>",
    )
    markers = {
        "close": ("close when forecast", {"size": 40, "symbol": "line-ew", "line": {"width": 3}}),
        "p50": ("P50 forecast", {"size": 12, "color": "#c0392b"}),
        "actual": ("what happened", {"size": 14, "symbol": "star", "color": "#1f3b57"}),
    }
    for column, (name, marker) in markers.items():
        fig.add_scatter(x=labels, y=back[column], mode="markers", name=name, marker=marker)
    fig.update_yaxes(title_text="cents per lb")
    fig.update_layout(title=f"Forecasts for {data.as_of:%Y-%m-%d}, made one horizon earlier")
    return _figure_html(fig, "chart-look-back", 380)


def drivers_chart(driver_rows: list[dict[str, object]]) -> str:
    """Each bucket's push on the median, per horizon (cents/lb)."""
    fig = go.Figure()
    for row in driver_rows:
        pushes = row["pushes"]
        fig.add_bar(
            y=[bucket_label(b) for b in pushes],
            x=list(pushes.values()),
            name=str(row["horizon"]),
            orientation="h",
        )
    fig.update_xaxes(title_text="push on P50, cents per lb (+ up, - down)")
    fig.update_layout(title="What moves the median, by bucket", barmode="group")
    return _figure_html(fig, "chart-drivers", 420)


def record_chart(data: Dashboard) -> str:
    """Ensemble pinball against the better random walk, by horizon and year (below 0 = better)."""
    years = data.record[data.record["year"] != "all"]
    fig = go.Figure()
    for horizon, rows in years.groupby("horizon", sort=False):
        fig.add_bar(x=rows["year"], y=rows["vs_best_rw"] * 100, name=horizon)
    fig.update_yaxes(title_text="% vs better random walk (below 0 = better)")
    fig.update_layout(
        title="Walk-forward record: ensemble vs the better random walk", barmode="group"
    )
    return _figure_html(fig, "chart-record", 380)


TEMPLATE = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined).from_string(
    """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>ZL soybean oil forecast, {{ d.as_of }}</title>
<script src="{{ plotly_js }}"></script>
<style>
body { font-family: system-ui, sans-serif; margin: 0 auto; max-width: 1100px; padding: 1rem 2rem;
       color: #222; line-height: 1.45; }
h1 { margin-bottom: .2rem; } h2 { margin-top: 2.2rem; border-bottom: 1px solid #ddd; }
.sub { color: #555; margin-top: 0; }
table { border-collapse: collapse; margin: .6rem 0; font-size: .92rem; }
th, td { padding: .25rem .7rem; border-bottom: 1px solid #eee; text-align: left; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
tr.all td { font-weight: 600; border-top: 1px solid #aaa; }
.gap { color: #b03a2e; font-weight: 600; } .partial { color: #a0522d; }
#coverage td:nth-child(-n+6) { white-space: nowrap; }
.better { color: #1e7b34; } .worse { color: #b03a2e; }
.note { color: #555; font-size: .92rem; }
</style>
</head>
<body>
<h1>ZL soybean oil forecast</h1>
<p class="sub">As of the close of <b>{{ d.as_of }}</b>: ZL {{ "%.2f"|format(d.close) }} cents/lb
(front month). Model {{ d.model_version }}.</p>

<h2>The forecast</h2>
<table id="forecast">
<tr><th>horizon</th><th>target date</th><th class="num">P10</th><th class="num">P50</th>
<th class="num">P90</th></tr>
{% for r in forecast %}
<tr data-horizon="{{ r.horizon }}"><td>{{ r.label }} ({{ r.horizon }})</td>
<td>{{ r.target_date }}</td>
{% for q in ("p10", "p50", "p90") %}
<td class="num" data-{{ q }}="{{ r[q] }}">{{ "%.2f"|format(r[q]) }}</td>
{% endfor %}
</tr>
{% endfor %}
</table>
<p class="note">Cents per lb. There is a 10 % chance the close on the target date is below P10
and a 10 % chance it is above P90; P50 is the median. Plan against the P10-P90 range, not P50
as a price target.</p>
{{ charts.price|safe }}

<h2>Buy now or wait a month?</h2>
<p id="guidance"><b>{{ guide.today }}</b></p>
<p class="note">{{ guide.rule }}</p>
<table id="guidance-record">
<tr><th>as-of year</th><th class="num">planned purchases</th><th class="num">deferred</th>
<th class="num">paid, rule</th><th class="num">paid, on schedule</th>
<th class="num">saving, c/lb</th><th class="num">saving, % of price</th>
<th class="num">rule vs schedule [95 % interval]</th><th>verdict</th></tr>
{% for r in guide.record %}
<tr{% if loop.last %} class="all"{% endif %}><td>{{ r.period }}</td>
<td class="num">{{ r.n }}</td><td class="num">{{ r.wait_share }}</td>
<td class="num">{{ r.paid_rule }}</td><td class="num">{{ r.paid_schedule }}</td>
<td class="num">{{ r.saving_cents }}</td><td class="num">{{ r.saving_pct }}</td>
<td class="num">{{ r.gain }}</td><td>{{ r.label }}</td></tr>
{% endfor %}
</table>
<p class="note">{{ guide.summary }} Saving above 0 and "rule vs schedule" below 0 both mean
the rule paid less.</p>

<h2>The forecast made one horizon ago, and what happened</h2>
<table id="look-back">
<tr><th>horizon</th><th>made on</th><th>for</th><th class="num">close then</th>
<th class="num">P10</th><th class="num">P50</th><th class="num">P90</th>
<th class="num">actual</th><th>outcome</th></tr>
{% for r in look_back %}
<tr><td>{{ r.horizon }}</td><td>{{ r.as_of_date }}</td><td>{{ r.target_date }}</td>
<td class="num">{{ "%.2f"|format(r.close) }}</td><td class="num">{{ "%.2f"|format(r.p10) }}</td>
<td class="num">{{ "%.2f"|format(r.p50) }}</td><td class="num">{{ "%.2f"|format(r.p90) }}</td>
<td class="num">{{ "%.2f"|format(r.actual) }}</td><td>{{ r.outcome }}</td></tr>
{% endfor %}
</table>
{{ charts.look_back|safe }}

<h2>What drives the median</h2>
{% for r in drivers %}
<p><b>{{ r.horizon }}.</b> {{ r.text }}</p>
{% endfor %}
<p class="note">A push is the bucket's contribution to the median in cents/lb, against a
no-change forecast (a linear approximation), through the meta-learner's weight in the
ensemble: a bucket is named only once that weight is earned, and only when its push is at least
0.01 c/lb. A bucket whose required sources are not fresh is not trained and does not appear
(see coverage below).</p>
{{ charts.drivers|safe }}

<h2>Data coverage and freshness</h2>
<table id="coverage">
<tr>{% for h in coverage_headers %}<th>{{ h }}</th>{% endfor %}</tr>
{% for row in d.coverage_rows %}
<tr>{% for cell in row %}
<td class="{{ alarm(cell) }}">{{ cell }}</td>
{% endfor %}</tr>
{% endfor %}
</table>
{% for line in d.coverage_summary %}<p class="note">{{ line }}</p>{% endfor %}

<h2>Walk-forward record against the random walks</h2>
<p class="note">Every forecast below was made by a model refit only on data before its date
(walk-forward) and scored once the outcome was known. Pinball loss in cents/lb, lower is better;
"vs better RW" below 0 % means the ensemble beat the better of the two random walks; the 95 %
interval is a moving-block bootstrap (daily outcomes overlap), and a gain whose interval
includes 0 is no gain.
The 80 % band should hold about 80 % of outcomes.</p>
<table id="record">
<tr><th>horizon</th><th>year</th><th class="num">ensemble</th><th class="num">RW-empirical</th>
<th class="num">RW-vol</th><th class="num">vs better RW [95 % interval]</th><th>verdict</th>
<th class="num">inside P10-P90</th>
<th class="num">forecasts</th></tr>
{% for r in record %}
<tr{% if r.year == "all" %} class="all"{% endif %}><td>{{ r.horizon }}</td><td>{{ r.year }}</td>
<td class="num">{{ r.ensemble }}</td><td class="num">{{ r.rw_empirical }}</td>
<td class="num">{{ r.rw_vol }}</td>
<td class="num {{ r.verdict }}">{{ r.vs_best_rw }} {{ r.interval }}</td><td>{{ r.label }}</td>
<td class="num">{{ r.coverage_80 }}</td><td class="num">{{ r.n }}</td></tr>
{% endfor %}
</table>
{{ charts.record|safe }}

<h2>Live accuracy</h2>
{% if live %}
<table id="live-accuracy">
<tr><th>horizon</th><th>window</th><th class="num">scored</th><th class="num">pinball live</th>
<th class="num">pinball record</th><th class="num">inside P10-P90 live</th>
<th class="num">record</th></tr>
{% for r in live %}
<tr><td>{{ r.horizon }}</td><td>{{ r.window }}</td><td class="num">{{ r.n_scored }}</td>
<td class="num">{{ r.pinball_live }}</td><td class="num">{{ r.pinball_record }}</td>
<td class="num">{{ r.coverage_live }}</td><td class="num">{{ r.coverage_record }}</td></tr>
{% endfor %}
</table>
<p class="note">Forecasts published by earlier runs, scored against the close on their target
date, beside the walk-forward record above.</p>
{% else %}
<p id="live-accuracy">{{ no_live }}</p>
{% endif %}
</body>
</html>
"""
)


RECORD_FORMATS = {
    "ensemble": ".3f",
    "rw_empirical": ".3f",
    "rw_vol": ".3f",
    "vs_best_rw": "+.1%",
    "coverage_80": ".0%",
    "n": ",.0f",
}
LIVE_FORMATS = {
    "n_scored": ",.0f",
    "pinball_live": ".3f",
    "pinball_record": ".3f",
    "coverage_live": ".0%",
    "coverage_record": ".0%",
}


def _formatted(frame: pd.DataFrame, formats: dict[str, str]) -> list[dict[str, object]]:
    """The rows of `frame` with the columns named in `formats` as text ('-' when missing)."""
    return [
        {
            **row,
            **{
                column: "-" if pd.isna(row[column]) else format(row[column], spec)
                for column, spec in formats.items()
            },
        }
        for row in frame.to_dict("records")
    ]


def _outcome(r: pd.Series) -> str:
    miss = r["actual"] - r["p50"]
    side = f"{_cents(miss)} {'above' if miss >= 0 else 'below'} the median"
    if r["actual"] < r["p10"]:
        return f"below P10 ({side})"
    if r["actual"] > r["p90"]:
        return f"above P90 ({side})"
    return f"inside the band, {side}"


def _coverage_alarm(cell: str) -> str:
    """The CSS class of a coverage cell: 'gap', 'partial' or '' (fresh, covered)."""
    if "not trained" in cell:
        return "gap"
    return next((level for level, starts in COVERAGE_ALARMS.items() if cell.startswith(starts)), "")


def _guide(data: Dashboard) -> dict[str, object]:
    """The buy-or-wait section: today's sentence, the rule in words, its record by year."""
    decisions = data.decisions
    today = decisions[pd.to_datetime(decisions["as_of_date"]) == pd.Timestamp(data.as_of)]
    first = decisions.iloc[0] if len(decisions) else None
    rule = (
        "The rule, fixed before any backtest: a purchase planned at today's close waits one "
        "month (buys at the close of the 1-month target date) when the 1-month median is below "
        "today's close by more than the carry and P90 is at most the risk limit above it; "
        "otherwise it buys now. Waiting costs the carry (financing the decision for a month; a "
        "futures buyer stores nothing), added to the price it pays."
    )
    if first is not None:
        rule += (
            f" Carry {first['carry_per_month'] * 100:.1f} % per month, risk limit "
            f"{first['risk_limit'] * 100:.0f} % (dbt vars purchase_carry_per_month, "
            "purchase_risk_limit)."
        )
    record = backtest_by_year(decisions)
    return {
        "today": guidance(today.iloc[-1]) if len(today) else "No 1-month forecast today.",
        "rule": rule,
        "record": [_record_cells(row) for row in record],
        "summary": record[-1].line()
        + ". Each as-of date with a known outcome is one planned purchase; the interval is a "
        "moving-block bootstrap (blocks of 21 trading days), and one that includes 0 means "
        "the rule's saving cannot be told from luck.",
    }


def _record_cells(row: Backtest) -> dict[str, str]:
    g = row.gain
    interval = "" if pd.isna(g.low) else f" [{g.low * 100:+.1f}, {g.high * 100:+.1f}]"
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


def render_dashboard(data: Dashboard) -> str:
    """The page as one HTML string; it loads Plotly from PLOTLY_JS beside it."""
    driver_rows = [drivers(row) for _, row in data.forecast.iterrows()]
    record = _formatted(data.record, RECORD_FORMATS)
    live = None if data.live_accuracy is None else _formatted(data.live_accuracy, LIVE_FORMATS)
    forecast = [
        {**r, "target_date": pd.Timestamp(r["target_date"]).date()}
        for r in data.forecast.to_dict("records")
    ]
    look_back = [
        {
            **r,
            "as_of_date": r["as_of_date"].date(),
            "target_date": r["target_date"].date(),
            "outcome": _outcome(pd.Series(r)),
        }
        for r in data.look_back.to_dict("records")
    ]
    charts = {
        "price": price_chart(data),
        "look_back": look_back_chart(data),
        "drivers": drivers_chart(driver_rows),
        "record": record_chart(data),
    }
    return TEMPLATE.render(
        d=data,
        plotly_js=PLOTLY_JS,
        forecast=forecast,
        look_back=look_back,
        drivers=driver_rows,
        coverage_headers=COVERAGE_HEADERS,
        alarm=_coverage_alarm,
        record=record,
        live=live,
        no_live=NO_LIVE,
        guide=_guide(data),
        charts=charts,
    )


def write_report(db_path: Path, out_dir: Path) -> Path:
    """Read, render, then write DIR/index.html and DIR/plotly.min.js; returns the page's path.

    Nothing is written when reading fails, so a report before a build leaves no files.
    """
    html = render_dashboard(load_dashboard(db_path))
    if out_dir.exists() and not out_dir.is_dir():
        raise UserError(f"{COMMAND}: --out {out_dir} is a file; give a folder")
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / PLOTLY_JS).write_text(plotly.offline.get_plotlyjs(), encoding="utf-8")
    page = out_dir / "index.html"
    page.write_text(html, encoding="utf-8")
    return page
