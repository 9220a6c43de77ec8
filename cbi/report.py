"""`cbi forecast`: the latest forecast, its bucket drivers in words, and the backtest record."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pandas as pd

from cbi.guidance import backtest, guidance
from cbi.record import gain_table, with_losses
from cbi.training.ensemble import YARDSTICKS
from common.db import connect_read_only
from common.errors import UserError
from common.project import horizon_days

# What the drivers say when the meta-learner, the only way a bucket reaches the ensemble, has
# no L2 weight: no bucket moved the median, whatever the bucket models think on their own.
NO_DRIVERS = (
    "no driver bucket has earned weight yet: the median is the random walks' and the other models'"
)
DRIVERS_SHOWN = 2  # buckets named per horizon in `cbi forecast` (the report names them all)
GUIDANCE_QUERY = "select * from forecasts.zl_purchase_decisions order by as_of_date"


def bucket_label(bucket: str) -> str:
    """A bucket's name as the README writes it: FX, Fed, Biofuel, ..."""
    return bucket.upper() if len(bucket) <= 2 else bucket.capitalize()


def driver_pushes(contributions: str | None) -> list[tuple[str, float]]:
    """The buckets that moved the ensemble median, largest first: (bucket, cents/lb).

    `contributions` is zl_predictions.bucket_contributions_cents (L2 weight of the
    meta-learner x each bucket's L1 contribution x close), so a bucket appears only when it
    earned weight; pushes that round to 0.00 c/lb are left out.
    """
    parts = json.loads(contributions or "{}")
    pushes = [(bucket, float(cents)) for bucket, cents in parts.items() if round(cents, 2) != 0]
    return sorted(pushes, key=lambda kv: abs(kv[1]), reverse=True)


def pushes_in_words(pushes: list[tuple[str, float]]) -> str:
    """'Biofuel pushes the median up 0.42 c/lb, Energy down 0.10 c/lb'."""
    words = [
        f"{bucket_label(bucket)}{' pushes the median' if i == 0 else ''} "
        f"{'up' if cents > 0 else 'down'} {abs(cents):.2f} c/lb"
        for i, (bucket, cents) in enumerate(pushes)
    ]
    return ", ".join(words)


def _drivers(contributions: str | None) -> str:
    """Plain words for the largest bucket pushes on P50 (cents/lb), or why there are none."""
    pushes = driver_pushes(contributions)
    if not pushes:
        if json.loads(contributions or "{}"):
            return "driver buckets move the median by less than 0.01 c/lb"
        return NO_DRIVERS
    more = len(pushes) - DRIVERS_SHOWN
    return pushes_in_words(pushes[:DRIVERS_SHOWN]) + (f" (+{more} smaller)" if more > 0 else "")


def render_forecast(db_path: Path) -> str:
    """The forecast table and backtest summary, read with a read-only connection."""
    con = connect_read_only(db_path, "forecast")
    try:
        forecast = con.sql("select * from forecasts.zl_predictions order by target_date").df()
        metrics = con.sql("select * from forecasts.zl_backtest_metrics where year = 'all'").df()
        scored = con.sql(SCORED_QUERY).df()
        decisions = con.sql(GUIDANCE_QUERY).df()
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
            f"{row.p90:8.2f}  {_drivers(row.bucket_contributions_cents)}"
        )
    lines += ["", "P10-P90: 80 % of outcomes should fall inside; prices in cents/lb.", ""]
    lines += [*_guidance_lines(decisions, forecast["as_of_date"].max()), ""]
    lines.append(_backtest_summary(metrics, scored, list(forecast["horizon"])))
    return "\n".join(lines)


def _guidance_lines(decisions: pd.DataFrame, as_of: pd.Timestamp) -> list[str]:
    """Today's buy-or-wait sentence and the rule's backtest line (cbi.guidance)."""
    today = decisions[pd.to_datetime(decisions["as_of_date"]) == pd.Timestamp(as_of)]
    if today.empty:
        return ["Guidance for a purchase planned today: none (no 1-month forecast today)."]
    return [guidance(today.iloc[-1]), backtest(decisions).line()]


SCORED_QUERY = f"""
select as_of_date, target_date, horizon, member, p10, p50, p90, actual, close
from forecasts.zl_backtest
where actual is not null and member in ('ensemble', {", ".join(repr(m) for m in YARDSTICKS)})
"""


def _backtest_summary(metrics: pd.DataFrame, scored: pd.DataFrame, horizons: list[str]) -> str:
    """Ensemble vs the better yardstick per horizon, with its 95 % interval and verdict (the
    moving-block bootstrap of `cbi bench forecast`: an interval that includes 0 is no gain)."""
    lines = [
        "Walk-forward backtest (out-of-sample only), mean pinball in c/lb:",
        f"{'horizon':<8}{'ensemble':>9}{'rw_emp':>8}{'rw_vol':>8}{'cover80':>9}{'n':>6}"
        "  vs the better random walk, 95 % interval",
    ]
    for horizon in horizons:
        by_member = metrics[metrics["horizon"] == horizon].set_index("member")
        rows = scored[scored["horizon"] == horizon]
        if "ensemble" not in by_member.index or rows.empty:
            continue
        ens = by_member.loc["ensemble"]
        rw_cells = "".join(
            f"{by_member.loc[m, 'pinball']:8.3f}" if m in by_member.index else f"{'-':>8}"
            for m in YARDSTICKS
        )
        overall = gain_table(with_losses(rows), horizon_days(horizon)).iloc[-1]
        interval = (
            "" if pd.isna(overall["low"]) else f" [{overall['low']:+.1%}, {overall['high']:+.1%}]"
        )
        lines.append(
            f"{horizon:<8}{ens['pinball']:9.3f}{rw_cells}{ens['coverage_80']:9.1%}"
            f"{int(ens['n']):6d}  {overall['gain']:+.1%}{interval}: {overall['label']}"
        )
    lines.append(
        "Below 0 the ensemble beat the better random walk on dates it never trained on; a gain "
        "whose interval includes 0 is no gain (daily outcomes overlap, so the interval is a "
        "moving-block bootstrap)."
    )
    return "\n".join(lines)
