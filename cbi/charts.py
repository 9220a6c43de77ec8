"""The report page's Plotly charts, drawn from the view model (cbi.view) as HTML fragments
that load Plotly from the file written beside the page."""

from __future__ import annotations

import math
from dataclasses import asdict

import pandas as pd
import plotly.graph_objects as go

from cbi.view import View, bucket_label

HISTORY_DAYS = 550  # calendar days of price history in the first view (the rest is a zoom away)


def figure_html(fig: go.Figure, div_id: str, height: int) -> str:
    """A figure (here or from cbi.drivers.figures) as a page fragment, styled like the rest."""
    fig.update_layout(
        template="plotly_white",
        height=height,
        margin={"l": 60, "r": 20, "t": 40, "b": 40},
        legend={"orientation": "h", "y": -0.15},
    )
    html: str = fig.to_html(
        full_html=False,
        include_plotlyjs=False,
        div_id=div_id,
        config={"displaylogo": False, "responsive": True},
    )
    return html


def price_chart(view: View) -> str:
    """ZL close history and the P10-P50-P90 fan to each horizon's target date."""
    forecast = view.forecast
    fig = go.Figure()
    fig.add_scatter(
        x=view.history["trade_date"],
        y=view.history["close"],
        name="ZL close",
        line={"color": "#1f3b57", "width": 1.5},
    )
    start = {"as_of_date": forecast.as_of, **dict.fromkeys(("p10", "p50", "p90"), forecast.close)}
    ahead = [
        {"as_of_date": pd.Timestamp(r.target_date), "p10": r.p10, "p50": r.p50, "p90": r.p90}
        for r in forecast.rows
    ]
    fan = pd.concat([pd.DataFrame([start]), pd.DataFrame(ahead)])
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
        text=["today", *(r.label for r in forecast.rows)],
        hovertemplate="%{text}: %{y:.2f} c/lb<extra>P50</extra>",
    )
    last = max(pd.Timestamp(r.target_date) for r in forecast.rows)
    fig.update_xaxes(range=[pd.Timestamp(forecast.as_of) - pd.Timedelta(days=HISTORY_DAYS), last])
    fig.update_yaxes(title_text="cents per lb")
    fig.update_layout(title="ZL soybean oil: price history and forecast fan (P10-P50-P90)")
    return figure_html(fig, "chart-price", 460)


def look_back_chart(view: View) -> str:
    """Per horizon: the band forecast one horizon ago, its median and the realised close."""
    back = pd.DataFrame(
        [asdict(r) for r in view.look_back],
        columns=["horizon", "as_of_date", "target_date", "close", "p10", "p50", "p90", "actual"],
    )
    labels = [f"{r.horizon} (made {r.as_of_date:%Y-%m-%d})" for r in view.look_back]
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
    fig.update_layout(
        title=f"Forecasts for {view.forecast.as_of:%Y-%m-%d}, made one horizon earlier"
    )
    return figure_html(fig, "chart-look-back", 380)


def drivers_chart(pushes: dict[str, dict[str, float]]) -> str:
    """Each bucket's push on the median (cents/lb), per horizon: {horizon: {bucket: push}}."""
    fig = go.Figure()
    for horizon, by_bucket in pushes.items():
        fig.add_bar(
            y=[bucket_label(b) for b in by_bucket],
            x=list(by_bucket.values()),
            name=horizon,
            orientation="h",
        )
    fig.update_xaxes(title_text="push on P50, cents per lb (+ up, - down)")
    fig.update_layout(title="What moves the median, by bucket", barmode="group")
    return figure_html(fig, "chart-drivers", 420)


def record_chart(view: View) -> str:
    """Ensemble pinball against the better random walk, by horizon and year (below 0 = better)."""
    years = pd.DataFrame(
        [
            {
                "horizon": r.horizon,
                "year": r.year,
                "vs_best_rw": r.gain.gain if r.gain else math.nan,
            }
            for r in view.record.rows
            if r.year != "all"
        ],
        columns=["horizon", "year", "vs_best_rw"],
    )
    fig = go.Figure()
    for horizon, rows in years.groupby("horizon", sort=False):
        fig.add_bar(x=rows["year"], y=rows["vs_best_rw"] * 100, name=horizon)
    fig.update_yaxes(title_text="% vs better random walk (below 0 = better)")
    fig.update_layout(
        title="Walk-forward record: ensemble vs the better random walk", barmode="group"
    )
    return figure_html(fig, "chart-record", 380)


def risk_fan_chart(view: View) -> str:
    """The live seven-quantile distribution to each target date: 5-95 % and 25-75 % bands
    around the median, from today's close."""
    fan = view.risk.fan.assign(target_date=lambda f: pd.to_datetime(f["target_date"]))
    wide = fan.pivot_table(index="target_date", columns="quantile", values="price_cents_per_lb")
    today = pd.DataFrame(
        {q: [view.forecast.close] for q in wide.columns},
        index=[pd.Timestamp(view.forecast.as_of)],
    )
    wide = pd.concat([today, wide.sort_index()])
    fig = go.Figure()
    colors = {(0.05, 0.95): "rgba(31,78,121,0.15)", (0.25, 0.75): "rgba(31,78,121,0.35)"}
    for (low, high), color in colors.items():
        fig.add_scatter(x=wide.index, y=wide[high], name=f"P{high * 100:.0f}", line={"width": 0.5})
        fig.add_scatter(
            x=wide.index,
            y=wide[low],
            name=f"P{low * 100:.0f}-P{high * 100:.0f}",
            fill="tonexty",
            fillcolor=color,
            line={"width": 0.5},
        )
    fig.add_scatter(
        x=wide.index, y=wide[0.5], name="P50", mode="lines+markers", line={"color": "#c0392b"}
    )
    fig.update_yaxes(title_text="cents per lb")
    fig.update_layout(title="The forecast distribution: 5, 10, 25, 50, 75, 90, 95 % quantiles")
    return figure_html(fig, "chart-risk-fan", 400)


def pit_chart(view: View) -> str:
    """The PIT histogram per horizon (all periods' outcomes): the share of outcomes between two
    neighbouring quantiles divided by the bin's width (1 everywhere when calibrated)."""
    pit = view.risk.pit
    fig = go.Figure()
    for (horizon, period), rows in pit.groupby(["horizon", "period"], sort=False):
        bins = zip(rows["low"], rows["high"], strict=True)
        labels = [f"{lo * 100:.0f}-{hi * 100:.0f} %" for lo, hi in bins]
        fig.add_bar(x=labels, y=rows["share"] / rows["expected"], name=f"{horizon} {period}")
    fig.add_hline(y=1.0, line_dash="dot", line_color="#555")
    fig.update_yaxes(title_text="share / expected (1 = calibrated)")
    fig.update_layout(title="PIT histogram: where outcomes fell in the distribution")
    return figure_html(fig, "chart-pit", 380)


def reliability_chart(view: View) -> str:
    """Per horizon and period, the share of outcomes below each quantile against its level."""
    hits = view.risk.hits
    fig = go.Figure()
    fig.add_scatter(
        x=[0, 1], y=[0, 1], name="calibrated", mode="lines", line={"dash": "dot", "color": "#555"}
    )
    for (horizon, period), rows in hits.groupby(["horizon", "period"], sort=False):
        fig.add_scatter(
            x=rows["quantile"],
            y=rows["hit_rate"],
            name=f"{horizon} {period}",
            mode="lines+markers",
        )
    fig.update_xaxes(title_text="quantile level", range=[0, 1])
    fig.update_yaxes(title_text="share of outcomes below it", range=[0, 1])
    fig.update_layout(title="Reliability: hit rate against quantile level")
    return figure_html(fig, "chart-reliability", 420)
