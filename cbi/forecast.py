"""`cbi forecast`: the latest forecast, its bucket drivers in words, what moved the price in
the last month, the risk guidance (cbi.risk: the chance of a higher price than buying now
plus carry, the share to cover now under the cover-ahead rule) and the backtest record, as
text (from the view model, cbi.view)."""

from __future__ import annotations

import math
from pathlib import Path

from cbi.risk.view import guidance_lines
from cbi.training.ensemble import YARDSTICKS
from cbi.view import NO_DRIVERS, ForecastRow, Record, View, build_view, pushes_in_words

COMMAND = "forecast"
DRIVERS_SHOWN = 2  # buckets named per horizon in `cbi forecast` (the report names them all)


def drivers_line(row: ForecastRow) -> str:
    """Plain words for the largest bucket pushes on P50 (cents/lb), or why there are none."""
    pushes = row.pushes
    if not pushes:
        if row.contributions:
            return "driver buckets move the median by less than 0.01 c/lb"
        return NO_DRIVERS
    more = len(pushes) - DRIVERS_SHOWN
    return pushes_in_words(pushes[:DRIVERS_SHOWN]) + (f" (+{more} smaller)" if more > 0 else "")


def render_forecast(db_path: Path) -> str:
    """`cbi forecast`: the view of `db_path` (read-only), as text."""
    return format_forecast(build_view(db_path, COMMAND))


def format_forecast(view: View) -> str:
    """The forecast table, the last month's move, the risk guidance and the backtest summary."""
    forecast = view.forecast
    lines = [
        f"ZL soybean oil forecast, as of {forecast.as_of:%Y-%m-%d} "
        f"(close {forecast.close:.2f} c/lb), model {forecast.model_version}",
        "",
        f"{'horizon':<8}{'target date':<13}{'P10':>8}{'P50':>8}{'P90':>8}  drivers",
    ]
    for row in forecast.rows:
        lines.append(
            f"{row.horizon:<8}{row.target_date:%Y-%m-%d}   {row.p10:8.2f}{row.p50:8.2f}"
            f"{row.p90:8.2f}  {drivers_line(row)}"
        )
    lines += ["", "P10-P90: 80 % of outcomes should fall inside; prices in cents/lb.", ""]
    lines += [*_moved_lines(view), "", *guidance_lines(view.risk), ""]
    lines.append(_backtest_summary(view.record, forecast.horizons))
    return "\n".join(lines)


def _moved_lines(view: View) -> list[str]:
    """The one-sentence summary of the last month's move (cbi.drivers), or why there is none."""
    if view.drivers is None:
        return [f"What moved the price: not available ({view.drivers_missing})."]
    return [
        f"What moved the price (the past, not a forecast): {view.drivers.summary}.",
        "(`cbi drivers` splits the last week, month and quarter by bucket.)",
    ]


def _backtest_summary(record: Record, horizons: list[str]) -> str:
    """Ensemble vs the better yardstick per horizon, with its 95 % interval and verdict (the
    moving-block bootstrap of `cbi bench forecast`: an interval that includes 0 is no gain)."""
    lines = [
        "Walk-forward backtest (out-of-sample only), mean pinball in c/lb:",
        f"{'horizon':<8}{'ensemble':>9}{'rw_emp':>8}{'rw_vol':>8}{'cover80':>9}{'n':>6}"
        "  vs the better random walk, 95 % interval",
    ]
    for horizon in horizons:
        overall = record.overall(horizon)
        if overall is None or math.isnan(overall.pinball["ensemble"]) or overall.gain is None:
            continue
        rw_cells = "".join(
            f"{'-':>8}" if math.isnan(overall.pinball[m]) else f"{overall.pinball[m]:8.3f}"
            for m in YARDSTICKS
        )
        gain = overall.gain
        interval = "" if math.isnan(gain.low) else f" [{gain.low:+.1%}, {gain.high:+.1%}]"
        lines.append(
            f"{horizon:<8}{overall.pinball['ensemble']:9.3f}{rw_cells}{overall.coverage_80:9.1%}"
            f"{int(overall.n):6d}  {gain.gain:+.1%}{interval}: {gain.label}"
        )
    lines.append(
        "Below 0 the ensemble beat the better random walk on dates it never trained on; a gain "
        "whose interval includes 0 is no gain (daily outcomes overlap, so the interval is a "
        "moving-block bootstrap)."
    )
    return "\n".join(lines)
