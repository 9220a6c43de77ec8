"""The report page's Plotly charts, drawn from the view model (cbi.view) as HTML fragments
that load Plotly from the file written beside the page."""

from __future__ import annotations

import math
from dataclasses import asdict

import pandas as pd
import plotly.graph_objects as go

from cbi.view import View, bucket_label

HISTORY_DAYS = 550  # calendar days of price history in the first view (the rest is a zoom away)


def _figure_html(fig: go.Figure, div_id: str, height: int) -> str:
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
    return _figure_html(fig, "chart-price", 460)


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
    return _figure_html(fig, "chart-look-back", 380)


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
    return _figure_html(fig, "chart-drivers", 420)


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
    return _figure_html(fig, "chart-record", 380)
