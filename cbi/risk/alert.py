"""The budget alert of the daily run: the probability that ZL closes above the buyer's budget
crossing the alert threshold.

Configured by environment variables (both needed, else no alert):

| variable | meaning |
|---|---|
| `CBI_BUDGET_CENTS_PER_LB` | the budget, c/lb |
| `CBI_BUDGET_ALERT_PROB` | alert when P(close above budget) reaches this (0..1) at some horizon |

The alert fires when the largest probability over the published horizons is at or above the
threshold today and was below it on the previous as-of date of the walk-forward distribution
(a crossing, so a persistent risk is not repeated every day; with no previous date, being
above is enough).
"""

from __future__ import annotations

import os
from collections.abc import Mapping

import duckdb
import pandas as pd

from cbi.alerts import Event
from cbi.risk.budget import exceed_probability
from cbi.risk.distribution import log_quantiles_by_days
from common.errors import UserError
from common.project import horizons

BUDGET_VARIABLE = "CBI_BUDGET_CENTS_PER_LB"
PROBABILITY_VARIABLE = "CBI_BUDGET_ALERT_PROB"


def budget_settings(env: Mapping[str, str]) -> tuple[float, float] | None:
    """(budget c/lb, threshold) from the environment; None when either is unset; a UserError
    naming the variable when one is not a number in range."""
    budget_text, threshold_text = env.get(BUDGET_VARIABLE), env.get(PROBABILITY_VARIABLE)
    if not budget_text or not threshold_text:
        return None
    try:
        budget = float(budget_text)
        threshold = float(threshold_text)
    except ValueError:
        raise UserError(
            f"budget alert: {BUDGET_VARIABLE} and {PROBABILITY_VARIABLE} must be numbers, "
            f"got {budget_text!r} and {threshold_text!r}"
        ) from None
    if budget <= 0:
        raise UserError(f"budget alert: {BUDGET_VARIABLE} must be above 0, got {budget_text}")
    if not 0 < threshold < 1:
        raise UserError(
            f"budget alert: {PROBABILITY_VARIABLE} must be between 0 and 1, got {threshold_text}"
        )
    return budget, threshold


def largest_exceed(rows: pd.DataFrame, close: float, budget: float) -> tuple[float, str]:
    """(largest P(close above budget) over the horizons, its horizon) of one as-of date's
    distribution rows."""
    days_of = horizons()
    by_days = log_quantiles_by_days(rows, close, days_of)
    probabilities = {
        h: exceed_probability(by_days, close, budget, d) for h, d in days_of.items() if d in by_days
    }
    horizon = max(probabilities, key=lambda h: probabilities[h])
    return probabilities[horizon], horizon


def budget_event(
    today: tuple[float, str],
    previous: float | None,
    budget: float,
    threshold: float,
    as_of: pd.Timestamp,
) -> Event | None:
    """The alert when today's probability crossed the threshold (see the module docstring)."""
    probability, horizon = today
    if probability < threshold or (previous is not None and previous >= threshold):
        return None
    return Event(
        "budget_risk",
        f"{budget:g}",
        f"ZL budget risk as of {as_of:%Y-%m-%d}: P(close above {budget:.2f} c/lb) = "
        f"{probability:.0%} at {horizon}, at or above the alert level {threshold:.0%}",
    )


def budget_alert(
    con: duckdb.DuckDBPyConnection, env: Mapping[str, str] = os.environ
) -> Event | None:
    """What `cbi daily` calls after the build: the budget alert event, or None."""
    settings = budget_settings(env)
    if settings is None:
        return None
    budget, threshold = settings
    live = con.sql("select * from forecasts.zl_price_distribution").df()
    found = con.sql("select max(close_cents_per_lb) from forecasts.zl_predictions").fetchone()
    if found is None or found[0] is None or live.empty:
        raise UserError("budget alert: no live forecast distribution yet; run `cbi build`")
    close = float(found[0])
    as_of = pd.Timestamp(live["as_of_date"].max())
    earlier = con.execute(
        "select d.*, b.close from forecasts.zl_backtest_distribution d "
        "join forecasts.zl_backtest b using (as_of_date, horizon) "
        "where b.member = 'ensemble' and d.as_of_date = ("
        "  select max(as_of_date) from forecasts.zl_backtest_distribution where as_of_date < ?)",
        [as_of.date()],
    ).df()
    previous = None
    if len(earlier):
        previous, _ = largest_exceed(earlier, float(earlier["close"].iloc[0]), budget)
    today = largest_exceed(live, close, budget)
    return budget_event(today, previous, budget, threshold, as_of)
