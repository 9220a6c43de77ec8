"""Plotly figures of the drivers (offline: the page ships plotly.min.js beside it): the
waterfall of a window's move by bucket, and a small chart per bucket of its headline
indicator over two years with its five-year range."""

from __future__ import annotations

import plotly.graph_objects as go

from cbi.drivers.standing import HISTORY_YEARS, Indicator
from cbi.drivers.view import WINDOW_WORDS, Move


def waterfall_figure(move: Move) -> go.Figure:
    """The window's move as a waterfall: each covered bucket's contribution, `unexplained`,
    and the total (the actual move), in cents/lb. Uncovered buckets are named in the title,
    not drawn as zeros."""
    rows = [r for r in move.rows if r.contribution_cents is not None]
    labels = [r.label for r in rows] + ["actual move"]
    values = [r.contribution_cents or 0.0 for r in rows] + [move.actual_move_cents]
    figure = go.Figure(
        go.Waterfall(
            x=labels,
            y=values,
            measure=["relative"] * len(rows) + ["total"],
            text=[f"{v:+.2f}" for v in values],
            textposition="outside",
            connector={"line": {"color": "#999"}},
            hovertemplate="%{x}: %{y:+.2f} c/lb<extra></extra>",
        )
    )
    uncovered = f"; not covered: {', '.join(move.uncovered)}" if move.uncovered else ""
    figure.update_layout(
        title=f"What moved ZL in the last {WINDOW_WORDS[move.window]} (c/lb, R² "
        f"{move.r_squared:.2f}){uncovered}",
        yaxis_title="c/lb",
        showlegend=False,
    )
    return figure


def indicator_figure(indicator: Indicator) -> go.Figure:
    """The indicator over the last two years, with its five-year low-high range shaded."""
    figure = go.Figure()
    if indicator.range_5y is not None:
        low, high = indicator.range_5y
        figure.add_hrect(
            y0=low, y1=high, fillcolor="#cfe0f3", opacity=0.5, line_width=0, layer="below"
        )
        figure.add_trace(
            go.Scatter(
                x=[None],
                y=[None],
                mode="markers",
                marker={"color": "#cfe0f3", "size": 10, "symbol": "square"},
                name="5-year range",
            )
        )
    figure.add_trace(
        go.Scatter(
            x=list(indicator.history_dates),
            y=list(indicator.history_values),
            mode="lines",
            line={"color": "#1f4e79"},
            name=f"last {HISTORY_YEARS} years",
            hovertemplate="%{x|%Y-%m-%d}: %{y:.4g}<extra></extra>",
        )
    )
    state = "stale" if indicator.stale else f"{indicator.value:.4g} {indicator.unit}"
    figure.update_layout(
        title=f"{indicator.name} ({indicator.unit}): {state}",
        yaxis_title=indicator.unit,
        showlegend=True,
    )
    # A date axis, always: the first trace (the range's legend marker) has no x to infer it
    # from, and on a numeric axis the dates are not drawn.
    figure.update_xaxes(type="date")
    return figure


def bucket_figures(indicators: list[Indicator]) -> dict[str, go.Figure]:
    """One chart per bucket: its first headline indicator with a value today, else its first."""
    chosen: dict[str, Indicator] = {}
    for ind in indicators:
        current = chosen.get(ind.bucket)
        if current is None or (current.stale and not ind.stale):
            chosen[ind.bucket] = ind
    return {bucket: indicator_figure(ind) for bucket, ind in chosen.items()}
