"""Guidance from risk: cover the next months' need while the chance of paying above budget is
too high, backtested on the walk-forward against buying ratably.

The backtest buyer needs one unit every calendar month and buys what is still uncovered at the
close of the month's first trading day (ratable buying buys all of it there). Each month's
budget is the mean close of the previous calendar year (how a buyer commonly sets next
year's budget). On the first trading day d of every month, for each of the following months
j whose first trading day is within the forecast's last horizon, the rule buys forward the
smallest extra share x (steps of COVER_STEP) of month j's need at close x (1 + carry x months
ahead) that brings P(month j's average price above its budget) to at most `tolerance`, the
probability from the distribution at d (`distribution.quantiles_at`) of the spot price that
the uncovered rest will pay; when no share gets there, the share with the lowest probability.
Covered shares are never sold back.

The tolerance is the rule's one parameter, chosen on the 2015-2019 months only (lowest
frequency of paying above budget, ties to the lower mean price paid) and then reported on
2020-2024. Intervals: moving-block bootstrap over months (blocks of BLOCK_MONTHS months,
`cbi.training.metrics.block_samples`) of the rule's statistic minus the ratable one's.
"""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from cbi.record import REPORTED, SELECTION, Period
from cbi.risk.distribution import QuantileCurve, log_quantiles_by_days, quantiles_at
from cbi.risk.plan import DAYS_PER_MONTH
from cbi.training.metrics import MIN_BLOCKS, block_samples

TOLERANCES = (0.05, 0.1, 0.2, 0.3, 0.5)
COVER_STEP = 0.1
BLOCK_MONTHS = 6
# Fewest 2015-2019 months with a forecast before the tolerance may be chosen on them.
MIN_SELECTION_MONTHS = 36
STATISTICS = ("above_budget", "p90_paid", "mean_paid")


def read_walk_forward(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, pd.Series]:
    """What the rule's backtest reads: zl_backtest_distribution and the close by trade date.
    A missing table raises duckdb.CatalogException for the caller to word."""
    distribution = con.sql("select * from forecasts.zl_backtest_distribution").df()
    closes = con.sql(
        "select trade_date, any_value(close_cents_per_lb) as close "
        "from marts.zl_targets group by trade_date order by trade_date"
    ).df()
    return distribution, closes.set_index("trade_date")["close"]


def budgets(closes: pd.Series) -> pd.Series:
    """Budget per calendar year (cents/lb): the mean close of the previous year."""
    closes = closes.copy()
    closes.index = pd.to_datetime(closes.index)
    yearly = closes.groupby(closes.index.year).mean()
    yearly.index = yearly.index + 1
    return yearly


def _exceed(curve: QuantileCurve, close: float, threshold: float) -> float:
    """P(spot above threshold cents/lb) under `curve` (log return from `close`)."""
    if threshold <= 0:
        return 1.0
    return float(1 - curve.cdf(np.log(threshold / close)))


def cover_share(
    curve: QuantileCurve,
    close: float,
    forward: float,
    budget: float,
    covered: float,
    covered_cost: float,
    tolerance: float,
) -> float:
    """The extra share of a month's need to buy forward now (see the module docstring)."""
    best, best_probability = 0.0, 2.0
    for step in range(int(round((1.0 - covered) / COVER_STEP)) + 1):
        x = min(step * COVER_STEP, 1.0 - covered)
        rest = 1.0 - covered - x
        if rest > 1e-9:
            probability = _exceed(curve, close, (budget - covered_cost - x * forward) / rest)
        else:
            probability = float(covered_cost + x * forward > budget)
        if probability <= tolerance:
            return float(x)
        if probability < best_probability - 1e-12:
            best, best_probability = float(x), probability
    return best


def backtest_rule(
    distribution: pd.DataFrame,
    closes: pd.Series,
    horizon_days: dict[str, int],
    carry: float,
    tolerance: float,
) -> pd.DataFrame:
    """One row per month with a budget and a purchase: month, budget, paid_rule,
    paid_ratable (cents/lb) and covered_ahead (share of its need bought in earlier months).

    `distribution`: zl_backtest_distribution; `closes`: close by trade date (the whole
    history, for the budgets)."""
    closes = closes.sort_index()
    closes.index = pd.to_datetime(closes.index)
    dates = closes.index
    first_days = pd.Series(dates, index=dates).groupby(dates.to_period("M")).min()
    dist = distribution.assign(as_of_date=pd.to_datetime(distribution["as_of_date"]))
    by_date = {d: g for d, g in dist.groupby("as_of_date")}
    start = dist["as_of_date"].min().to_period("M")
    months = [m for m in first_days.index if m >= start]
    yearly = budgets(closes)
    position = {d: i for i, d in enumerate(dates)}
    last = max(horizon_days.values())
    covered = dict.fromkeys(months, 0.0)
    covered_cost = dict.fromkeys(months, 0.0)
    rows = []
    for k, month in enumerate(months):
        day = first_days[month]
        close = float(closes[day])
        budget = float(yearly.get(month.year, np.nan))
        if np.isfinite(budget):
            rows.append(
                {
                    "month": month,
                    "budget": budget,
                    "paid_rule": covered_cost[month] + (1 - covered[month]) * close,
                    "paid_ratable": close,
                    "covered_ahead": covered[month],
                }
            )
        if day not in by_date:
            continue
        by_days = log_quantiles_by_days(by_date[day], close, horizon_days)
        if len(by_days) < len(horizon_days):
            continue
        for later in months[k + 1 :]:
            days = position[first_days[later]] - position[day]
            later_budget = float(yearly.get(later.year, np.nan))
            if days > last:
                break
            if not np.isfinite(later_budget) or covered[later] >= 1 - 1e-9:
                continue
            forward = close * (1 + carry * days / DAYS_PER_MONTH)
            curve = QuantileCurve(quantiles_at(by_days, days))
            x = cover_share(
                curve,
                close,
                forward,
                later_budget,
                covered[later],
                covered_cost[later],
                tolerance,
            )
            covered[later] += x
            covered_cost[later] += x * forward
    return pd.DataFrame(rows)


def statistics(months: pd.DataFrame, paid: str) -> dict[str, float]:
    """Frequency of paying above budget, 90th percentile and mean of the price paid."""
    values = months[paid].to_numpy(dtype=float)
    return {
        "above_budget": float((values > months["budget"].to_numpy()).mean()),
        "p90_paid": float(np.quantile(values, 0.9)),
        "mean_paid": float(values.mean()),
    }


def in_period(months: pd.DataFrame, period: Period) -> pd.DataFrame:
    """The months inside a period."""
    stamps = months["month"].dt.to_timestamp()
    inside = (stamps >= pd.Timestamp(period.start)) & (stamps <= pd.Timestamp(period.end))
    return months[np.asarray(inside)]


@dataclass(frozen=True)
class Comparison:
    """The rule against ratable buying on one period: each statistic, and the difference
    with its interval (NaN with fewer than MIN_BLOCKS blocks of months)."""

    label: str
    months: int
    rule: dict[str, float]
    ratable: dict[str, float]
    low: dict[str, float]
    high: dict[str, float]


def compare(months: pd.DataFrame, label: str) -> Comparison:
    """Rule vs ratable on these months, with moving-block bootstrap intervals."""
    rule, ratable = statistics(months, "paid_rule"), statistics(months, "paid_ratable")
    low = dict.fromkeys(STATISTICS, np.nan)
    high = dict.fromkeys(STATISTICS, np.nan)
    if len(months) >= MIN_BLOCKS * BLOCK_MONTHS:
        samples = block_samples(len(months), BLOCK_MONTHS)
        diffs: dict[str, list[float]] = {s: [] for s in STATISTICS}
        for rows in samples:
            resampled = months.iloc[rows]
            a, b = statistics(resampled, "paid_rule"), statistics(resampled, "paid_ratable")
            for s in STATISTICS:
                diffs[s].append(a[s] - b[s])
        for s in STATISTICS:
            low[s], high[s] = (float(v) for v in np.quantile(diffs[s], [0.025, 0.975]))
    return Comparison(label, len(months), rule, ratable, low, high)


def selection_months(distribution: pd.DataFrame) -> int:
    """Months of 2015-2019 with a walk-forward distribution."""
    dates = pd.to_datetime(distribution["as_of_date"])
    inside = dates.between(pd.Timestamp(SELECTION.start), pd.Timestamp(SELECTION.end))
    return int(dates[inside].dt.to_period("M").nunique())


def choose_tolerance(
    distribution: pd.DataFrame, closes: pd.Series, horizon_days: dict[str, int], carry: float
) -> tuple[float, pd.DataFrame]:
    """(tolerance, per-tolerance selection scores) chosen on the 2015-2019 months only."""
    scores = []
    for tolerance in TOLERANCES:
        months = in_period(
            backtest_rule(distribution, closes, horizon_days, carry, tolerance), SELECTION
        )
        scores.append({"tolerance": tolerance, **statistics(months, "paid_rule")})
    table = pd.DataFrame(scores)
    best = table.sort_values(["above_budget", "mean_paid"], kind="stable").iloc[0]
    return float(best["tolerance"]), table


def render_comparison(c: Comparison) -> list[str]:
    """Lines of one period's comparison."""
    names = {
        "above_budget": "months paid above budget",
        "p90_paid": "90th percentile paid, c/lb",
        "mean_paid": "mean price paid, c/lb",
    }
    lines = [f"{c.label} ({c.months} months)     rule   ratable  rule - ratable (95% interval)"]
    for s in STATISTICS:
        percent = s == "above_budget"
        fmt = (lambda v: f"{v:6.1%}") if percent else (lambda v: f"{v:6.2f}")
        diff = c.rule[s] - c.ratable[s]
        interval = (
            "too few months"
            if np.isnan(c.low[s])
            else f"{fmt(c.low[s]).strip()} to {fmt(c.high[s]).strip()}"
        )
        lines.append(
            f"  {names[s]:<28} {fmt(c.rule[s])}  {fmt(c.ratable[s])}  {fmt(diff)} ({interval})"
        )
    gained = not np.isnan(c.high["above_budget"]) and c.high["above_budget"] < 0
    lines.append(
        "  the rule pays above budget significantly less often"
        if gained
        else "  the rule gains nothing significant on paying above budget"
    )
    return lines


def cover_now(
    months: pd.DataFrame,
    by_days: dict[int, np.ndarray],
    close: float,
    carry: float,
    tolerance: float,
    budget_column: str,
) -> pd.Series:
    """Today's rule for a plan: per month (`months` with month, days ahead and a budget), the
    share of its need to buy forward now, nothing covered yet."""
    shares = []
    ahead = months["days"].to_numpy(dtype=float)
    for days, budget in zip(ahead, months[budget_column].to_numpy(dtype=float), strict=True):
        if not np.isfinite(budget) or days > max(by_days):
            shares.append(0.0)
            continue
        forward = close * (1 + carry * days / DAYS_PER_MONTH)
        curve = QuantileCurve(quantiles_at(by_days, float(days)))
        shares.append(cover_share(curve, close, forward, budget, 0.0, 0.0, tolerance))
    return pd.Series(shares, index=months.index)


def not_chosen(distribution: pd.DataFrame) -> str | None:
    """The one line saying the database has no 2015-2019 walk-forward to choose on, or None."""
    have = selection_months(distribution)
    if have >= MIN_SELECTION_MONTHS:
        return None
    first = pd.to_datetime(distribution["as_of_date"]).min()
    return (
        f"rule: not chosen: the walk-forward here starts {first:%Y-%m-%d} and covers {have} "
        f"months of 2015-2019 (needs {MIN_SELECTION_MONTHS}); run `cbi backtest --start "
        "2015-01-01 --end 2024-12-31 --profile full` first"
    )


def render_rule(
    distribution: pd.DataFrame, closes: pd.Series, horizon_days: dict[str, int], carry: float
) -> tuple[str, float | None]:
    """(the rule's choice on 2015-2019 and its record on both periods, the tolerance), or the
    one line saying the database has no 2015-2019 walk-forward to choose on and None."""
    missing = not_chosen(distribution)
    if missing is not None:
        return missing, None
    tolerance, table = choose_tolerance(distribution, closes, horizon_days, carry)
    months = backtest_rule(distribution, closes, horizon_days, carry, tolerance)
    tried = ", ".join(f"{t.tolerance:.0%}: {t.above_budget:.1%}" for t in table.itertuples())
    lines = [
        f"rule: cover ahead while P(paying above budget) > {tolerance:.0%} (chosen on "
        f"2015-2019; months above budget by tolerance there: {tried})"
    ]
    for period in (SELECTION, REPORTED):
        held = in_period(months, period)
        if len(held):
            lines.extend(render_comparison(compare(held, period.label)))
    return "\n".join(lines), tolerance
