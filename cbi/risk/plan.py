"""A purchase plan's cost at risk: `cbi plan PLAN.csv`.

PLAN.csv has a header with `month` (YYYY-MM) and `pounds`, and optionally
`budget_cents_per_lb` (on every line or on none). Each month's pounds are bought on the 15th of
the month (the next CME trading day when the 15th is not one; the next trading day after the
as-of date when the 15th has passed), so a month is a number of trading days ahead.

Price paths (`simulate`): a Gaussian copula on the log price. A standard Brownian motion W is
drawn on the purchase days; the price on day t is close x exp(F_t^-1(Phi(W(t) / sqrt(t)))),
F_t the published distribution at t trading days (`distribution.quantiles_at`: linear in
sqrt(days) between horizons). Each purchase date's price therefore has exactly the published
marginal distribution, and two dates s < t are correlated like a random walk's log prices,
corr = sqrt(s / t), so horizons are joined the way a random walk joins them.

Buying forward a share now pays today's front close plus carry: close x (1 + carry x months
ahead), months ahead = trading days / 21 and carry the dbt var purchase_carry_per_month (no
deferred contracts are loaded, so the front price plus carry stands in for their prices).
Cost at risk = P90 - P50 of the plan's total cost.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.stats import norm

from cbi.risk.distribution import QuantileCurve, quantiles_at, trading_days_until
from cbi.training import SEED
from cbi.training.calendar import sessions
from common.errors import UserError

REQUIRED = ("month", "pounds")
MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")
BUDGET = "budget_cents_per_lb"
PURCHASE_DAY = 15
DAYS_PER_MONTH = 21
PATHS = 20000
SHARES = (0.0, 0.25, 0.5, 0.75, 1.0)


def read_plan(path: Path) -> pd.DataFrame:
    """month (Period), pounds, budget_cents_per_lb (NaN without one) and line, one row a month.

    A wrong file is one UserError naming the file and line: a missing column, a month that is
    not YYYY-MM or appears twice, pounds that are not a number >= 0, a budget that is not a
    positive number or is given on some lines only.
    """
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except OSError as exc:
        raise UserError(f"plan: cannot read {path}: {exc.strerror}") from None
    reader = csv.DictReader(text.splitlines())
    header = [name.strip() for name in reader.fieldnames or []]
    for column in REQUIRED:
        if column not in header:
            raise UserError(
                f"plan: {path}: line 1: missing column '{column}' "
                f"(the header is month,pounds[,{BUDGET}])"
            )
    rows = []
    for line, raw in enumerate(reader, start=2):
        record = {(k or "").strip(): (v or "").strip() for k, v in raw.items()}
        if not any(record.values()):
            continue
        rows.append({**_parse_line(path, line, record), "line": line})
    if not rows:
        raise UserError(f"plan: {path}: no months in the plan")
    plan = pd.DataFrame(rows)
    duplicated = plan[plan["month"].duplicated()]
    if len(duplicated):
        first = duplicated.iloc[0]
        raise UserError(f"plan: {path}: line {first.line}: month {first.month} appears twice")
    budgeted = plan[BUDGET].notna()
    if budgeted.any() and not budgeted.all():
        line = plan.loc[~budgeted, "line"].iloc[0]
        raise UserError(
            f"plan: {path}: line {line}: no {BUDGET}; give a budget on every line or on none"
        )
    return plan.sort_values("month").reset_index(drop=True)


def _parse_line(path: Path, line: int, record: dict[str, str]) -> dict[str, object]:
    """One plan line's month, pounds and budget, or a UserError naming the line."""
    try:
        if not MONTH.fullmatch(record["month"]):
            raise ValueError
        month = pd.Period(record["month"], freq="M")
    except ValueError:
        raise UserError(
            f"plan: {path}: line {line}: bad month '{record['month']}' (use YYYY-MM)"
        ) from None
    pounds = _number(record["pounds"])
    if pounds is None or pounds < 0:
        raise UserError(
            f"plan: {path}: line {line}: pounds must be a number >= 0, got '{record['pounds']}'"
        )
    budget = _number(record.get(BUDGET, "")) if record.get(BUDGET, "") else np.nan
    if budget is None or budget <= 0:
        raise UserError(
            f"plan: {path}: line {line}: {BUDGET} must be a positive number, "
            f"got '{record.get(BUDGET)}'"
        )
    return {"month": month, "pounds": pounds, BUDGET: budget}


def _number(text: str) -> float | None:
    """A finite float from text (thousands separators allowed), else None."""
    try:
        value = float(text.replace(",", "").replace("_", ""))
    except ValueError:
        return None
    return value if np.isfinite(value) else None


def purchase_date(month: pd.Period, as_of: pd.Timestamp) -> pd.Timestamp:
    """The trading day a month's pounds are bought: the 15th or the next trading day, and
    never on or before the as-of date."""
    start = max(
        month.to_timestamp() + pd.Timedelta(days=PURCHASE_DAY - 1), as_of + pd.Timedelta(days=1)
    )
    return pd.Timestamp(sessions(start, start + pd.Timedelta(days=10))[0])


def simulate(
    by_days: dict[int, np.ndarray], days: np.ndarray, paths: int = PATHS, seed: int = SEED
) -> np.ndarray:
    """(paths, len(days)) log returns on the purchase days: the Gaussian copula of a random
    walk with the published marginal at each day (see the module docstring)."""
    days = np.asarray(days, dtype=float)
    order = np.argsort(days)
    steps = np.diff(np.concatenate([[0.0], days[order]]))
    rng = np.random.default_rng(seed)
    walk = np.cumsum(rng.standard_normal((paths, len(days))) * np.sqrt(steps), axis=1)
    z = np.empty_like(walk)
    z[:, order] = walk / np.sqrt(np.maximum(days[order], 1e-12))
    out = np.empty_like(z)
    for j, d in enumerate(days):
        out[:, j] = QuantileCurve(quantiles_at(by_days, d)).ppf(norm.cdf(z[:, j]))
    return out


@dataclass(frozen=True)
class PlanRisk:
    """A plan's cost distribution for each share bought forward now (dollars)."""

    as_of: pd.Timestamp
    close: float
    months: pd.DataFrame  # month, pounds, budget, purchase_date, days, forward, p10, p50, p90
    shares: pd.DataFrame  # share, p10, p50, p90, cost_at_risk, removed, exceed


def plan_risk(
    plan: pd.DataFrame,
    by_days: dict[int, np.ndarray],
    as_of: pd.Timestamp,
    close: float,
    carry: float,
    shares: tuple[float, ...] = SHARES,
) -> PlanRisk:
    """The plan's total cost P10/P50/P90, cost at risk and P(cost above the plan's budget)
    for each share bought forward now. A month before the as-of month or past the last
    horizon is a UserError naming its line."""
    months = plan.copy()
    as_of = pd.Timestamp(as_of)
    for line, month in zip(months["line"], months["month"], strict=True):
        if month < as_of.to_period("M"):
            raise UserError(
                f"plan: line {line}: month {month} is before the forecast's as-of "
                f"date {as_of:%Y-%m-%d}"
            )
    months["purchase_date"] = [purchase_date(m, as_of) for m in months["month"]]
    months["days"] = [trading_days_until(as_of, d) for d in months["purchase_date"]]
    last = max(by_days)
    beyond = months[months["days"] > last]
    if len(beyond):
        row = beyond.iloc[0]
        raise UserError(
            f"plan: line {row.line}: month {row.month} is bought {row.days} trading days "
            f"ahead; the forecast reaches {last}"
        )
    prices = close * np.exp(simulate(by_days, months["days"].to_numpy()))
    months["forward"] = close * (1 + carry * months["days"] / DAYS_PER_MONTH)
    months[["p10", "p50", "p90"]] = np.quantile(prices, [0.1, 0.5, 0.9], axis=0).T
    pounds = months["pounds"].to_numpy(dtype=float)
    spot_cost = prices @ pounds / 100
    forward_cost = float(months["forward"].to_numpy() @ pounds / 100)
    budget = (
        float(months[BUDGET].to_numpy() @ pounds / 100) if months[BUDGET].notna().all() else np.nan
    )
    rows = []
    for share in shares:
        total = share * forward_cost + (1 - share) * spot_cost
        p10, p50, p90 = np.quantile(total, [0.1, 0.5, 0.9])
        rows.append(
            {
                "share": share,
                "p10": p10,
                "p50": p50,
                "p90": p90,
                "cost_at_risk": p90 - p50,
                "exceed": float((total > budget).mean()) if np.isfinite(budget) else np.nan,
            }
        )
    table = pd.DataFrame(rows)
    table["removed"] = table["cost_at_risk"].iloc[0] - table["cost_at_risk"]
    return PlanRisk(as_of, close, months, table)


def render_plan(risk: PlanRisk, budget_total: float | None) -> str:
    """What `cbi plan` prints: the months, then the total cost per share bought forward."""
    m = risk.months
    pounds = m["pounds"].sum()
    lines = [
        f"purchase plan: {pounds:,.0f} lb over {len(m)} months, forecast as of "
        f"{risk.as_of:%Y-%m-%d} (close {risk.close:.2f} c/lb)",
        "month    buy on       pounds   P10    P50    P90  forward now (c/lb)",
    ]
    for r in m.itertuples():
        lines.append(
            f"{r.month}  {r.purchase_date:%Y-%m-%d} {r.pounds:>10,.0f} {r.p10:6.2f} {r.p50:6.2f} "
            f"{r.p90:6.2f}  {r.forward:6.2f}"
        )
    budget_note = f"; budget ${budget_total:,.0f}" if budget_total is not None else ""
    lines.append(f"total cost (dollars{budget_note}), by share bought forward now:")
    lines.append(
        "forward        P10          P50          P90   cost at risk   removed"
        + ("   P(above budget)" if budget_total is not None else "")
    )
    for r in risk.shares.itertuples():
        exceed = f"   {r.exceed:>14.0%}" if budget_total is not None else ""
        lines.append(
            f"{r.share:>6.0%} {r.p10:>12,.0f} {r.p50:>12,.0f} {r.p90:>12,.0f} "
            f"{r.cost_at_risk:>13,.0f} {r.removed:>9,.0f}{exceed}"
        )
    lines.append(
        "(cost at risk = P90 - P50 of the total; forward = today's close plus carry per month; "
        "paths: Gaussian copula of a random walk on the published quantiles)"
    )
    return "\n".join(lines)


def budget_total(plan: pd.DataFrame) -> float | None:
    """The plan's budget in dollars (pounds x budget c/lb / 100), None without budgets."""
    if plan[BUDGET].isna().all():
        return None
    return float((plan["pounds"] * plan[BUDGET]).sum() / 100)
