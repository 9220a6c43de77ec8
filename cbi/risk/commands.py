"""`cbi risk` and `cbi plan`: what they read from the database and what they print."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from cbi.risk import LEVELS
from cbi.risk.budget import brier_table, exceed_probability, render_brier
from cbi.risk.calibration import hit_rates, render_hit_rates, render_skill, skill_table
from cbi.risk.distribution import log_quantiles_by_days, quantiles_at, trading_days_until
from cbi.risk.plan import BUDGET, budget_total, plan_risk, read_plan, render_plan
from cbi.risk.rule import cover_now, read_walk_forward, render_rule
from common.db import connect_read_only
from common.errors import UserError
from common.project import dbt_var, horizons


@dataclass(frozen=True)
class Live:
    """The live distribution as `cbi risk` and `cbi plan` use it."""

    as_of: pd.Timestamp
    close: float
    by_days: dict[int, np.ndarray]


def read_live(con: duckdb.DuckDBPyConnection, db_path: Path, command: str) -> Live:
    """The live distribution and today's close, or a UserError saying what to build."""
    try:
        rows = con.sql("select * from forecasts.zl_price_distribution").df()
        close = con.sql(
            "select max(close_cents_per_lb) as close, max(as_of_date) as as_of "
            "from forecasts.zl_predictions"
        ).df()
    except duckdb.CatalogException:
        raise UserError(
            f"{command}: {db_path} has no forecast distribution yet; run `cbi build` "
            "(or `cbi build --select zl_backtest_distribution zl_predictions "
            "zl_price_distribution` on a built database)"
        ) from None
    if rows.empty:
        raise UserError(f"{command}: forecasts.zl_price_distribution is empty; run `cbi build`")
    price = float(close["close"].iloc[0])
    return Live(
        pd.Timestamp(close["as_of"].iloc[0]),
        price,
        log_quantiles_by_days(rows, price, horizons()),
    )


def render_risk(db_path: Path, budget: float, by: str | None, horizon: str | None) -> str:
    """P(close above `budget` on the date or horizon), the distribution there, and the record
    of such probabilities (Brier vs the random walks) and of the quantiles."""
    if budget <= 0:
        raise UserError(f"risk: --budget must be a positive price in c/lb, got {budget:g}")
    days_of = horizons()
    con = connect_read_only(db_path, "risk")
    try:
        live = read_live(con, db_path, "risk")
        distribution = con.sql("select * from forecasts.zl_backtest_distribution").df()
        walks = con.sql(
            "select * from forecasts.zl_backtest where member in ('rw_empirical', 'rw_vol')"
        ).df()
    finally:
        con.close()
    if horizon is not None:
        if horizon not in days_of:
            raise UserError(f"risk: unknown horizon {horizon!r}; use one of {list(days_of)}")
        days = days_of[horizon]
        where = f"the {horizon} horizon"
    else:
        try:
            date = pd.Timestamp(str(by))
        except ValueError:
            raise UserError(f"risk: --by must be a date YYYY-MM-DD, got {by!r}") from None
        if date <= live.as_of:
            raise UserError(
                f"risk: --by {date:%Y-%m-%d} is not after the forecast's as-of date "
                f"{live.as_of:%Y-%m-%d}"
            )
        days = trading_days_until(live.as_of, date)
        if days < 1:
            raise UserError(
                f"risk: --by {date:%Y-%m-%d} has no CME trading day after the forecast's "
                f"as-of date {live.as_of:%Y-%m-%d}; give a later date"
            )
        where = f"{date:%Y-%m-%d}"
    probability = exceed_probability(live.by_days, live.close, budget, days)
    prices = live.close * np.exp(quantiles_at(live.by_days, days))
    quantiles = "  ".join(f"P{q * 100:.0f} {p:.2f}" for q, p in zip(LEVELS, prices, strict=True))
    nearest = min(days_of, key=lambda h: abs(days_of[h] - days))
    lines = [
        f"ZL as of {live.as_of:%Y-%m-%d}, close {live.close:.2f} c/lb",
        f"P(close above {budget:.2f} c/lb on {where}, {days} trading days ahead) = "
        f"{probability:.0%}",
        f"distribution there (c/lb): {quantiles}",
        "(between horizons each quantile's log price is linear in sqrt(trading days))",
        "",
        f"how such probabilities scored (Brier; {nearest}, the nearest horizon):",
        render_brier(brier_table(distribution, walks, days_of).query("horizon == @nearest")),
        "",
        "calibration of the quantiles (share of outcomes below each):",
        render_hit_rates(hit_rates(distribution, days_of)),
        "",
        "pinball over the seven quantiles against the random walks:",
        render_skill(skill_table(distribution, walks, days_of)),
    ]
    return "\n".join(lines)


def render_plan_command(db_path: Path, plan_path: Path) -> str:
    """`cbi plan`: the plan's cost distribution, then the cover-ahead rule's record."""
    plan = read_plan(plan_path)
    con = connect_read_only(db_path, "plan")
    try:
        live = read_live(con, db_path, "plan")
        distribution, history = read_walk_forward(con)
    finally:
        con.close()
    carry = float(dbt_var("purchase_carry_per_month"))
    risk = plan_risk(plan, live.by_days, live.as_of, live.close, carry)
    rule, tolerance = render_rule(distribution, history, horizons(), carry)
    lines = [render_plan(risk, budget_total(plan)), "", rule]
    if tolerance is not None and budget_total(plan) is not None:
        shares = cover_now(risk.months, live.by_days, live.close, carry, tolerance, BUDGET)
        today = ", ".join(
            f"{m} {s:.0%}" for m, s in zip(risk.months["month"], shares, strict=True) if s > 0
        )
        lines.append(f"rule today: buy forward now {today or 'nothing'} (share of each month)")
    return "\n".join(lines)
