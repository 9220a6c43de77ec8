"""`cbi forecast`: the latest forecast, its bucket drivers in words, and the backtest record."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd

from common.db import connect_read_only
from common.errors import UserError

YARDSTICKS = ("rw_empirical", "rw_vol")


def _top(parts: dict[str, float]) -> str:
    top = sorted(parts.items(), key=lambda kv: abs(kv[1]), reverse=True)[:2]
    return ", ".join(f"{name} {'up' if v > 0 else 'down'} {abs(v):.2f}" for name, v in top)


def _drivers(contributions: str, views: str) -> str:
    """Plain words for the largest bucket pushes on P50 (cents/lb).

    When the ensemble gives the meta-learner weight, its per-bucket contributions drive P50;
    otherwise the bucket models' own views are shown, marked as not used by the ensemble.
    """
    parts = json.loads(contributions or "{}")
    if parts:
        return "pushing P50: " + _top(parts)
    own = json.loads(views or "{}")
    if not own:
        return "random-walk yardsticks only"
    return "meta-learner unweighted so far; bucket models alone say " + _top(own)


def render_forecast(db_path: Path) -> str:
    """The forecast table and backtest summary, read with a read-only connection."""
    con = connect_read_only(db_path, "forecast")
    try:
        forecast = con.sql("select * from forecasts.zl_predictions order by target_date").df()
        metrics = con.sql("select * from forecasts.zl_backtest_metrics where year = 'all'").df()
    except duckdb.CatalogException as exc:
        raise UserError(
            f"forecast: {db_path} has no forecast tables yet; run `cbi build` (it trains models)"
        ) from exc
    finally:
        con.close()
    lines = [
        f"ZL soybean oil forecast, as of {forecast['as_of_date'].max():%Y-%m-%d} "
        f"(close {forecast['close_cents_per_lb'].iloc[0]:.2f} c/lb), "
        f"model {forecast['model_version'].iloc[0]}",
        "",
    ]
    lines.append(f"{'horizon':<8}{'target date':<13}{'P10':>8}{'P50':>8}{'P90':>8}  drivers")
    for row in forecast.itertuples():
        lines.append(
            f"{row.horizon:<8}{row.target_date:%Y-%m-%d}   {row.p10:8.2f}{row.p50:8.2f}"
            f"{row.p90:8.2f}  {_drivers(row.bucket_contributions_cents, row.bucket_views_cents)}"
        )
    lines += ["", "P10-P90: 80 % of outcomes should fall inside; prices in cents/lb.", ""]
    lines.append(_backtest_summary(metrics, list(forecast["horizon"])))
    return "\n".join(lines)


def _backtest_summary(metrics: pd.DataFrame, horizons: list[str]) -> str:
    """Ensemble vs the better yardstick per horizon, with an honest verdict per row."""
    lines = [
        "Walk-forward backtest (out-of-sample only), mean pinball in c/lb:",
        f"{'horizon':<8}{'ensemble':>9}{'rw_emp':>8}{'rw_vol':>8}{'vs best RW':>11}"
        f"{'cover80':>9}{'n':>6}",
    ]
    for horizon in horizons:
        by_member = metrics[metrics["horizon"] == horizon].set_index("member")
        if "ensemble" not in by_member.index:
            continue
        ens = by_member.loc["ensemble"]
        rw = [by_member.loc[m, "pinball"] for m in YARDSTICKS if m in by_member.index]
        best = min(rw) if rw else float("nan")
        rel = ens["pinball"] / best - 1 if rw else float("nan")
        rw_cells = "".join(
            f"{by_member.loc[m, 'pinball']:8.3f}" if m in by_member.index else f"{'-':>8}"
            for m in YARDSTICKS
        )
        lines.append(
            f"{horizon:<8}{ens['pinball']:9.3f}{rw_cells}{rel:+10.1%} "
            f"{ens['coverage_80']:8.1%}{int(ens['n']):6d}"
        )
    lines.append(
        "Negative 'vs best RW' means the ensemble beat the better random walk on dates "
        "it never trained on; positive means it did not."
    )
    return "\n".join(lines)
