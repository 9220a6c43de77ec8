"""The risk picture `cbi forecast` prints and the report shows (read on the view model's
connection, cbi.view): the live seven-quantile fan, the chance the price ends above today's
close by more than the carry, the share of the coming months to cover now under the
cover-ahead rule (cbi.risk.rule) with the rule's record, and the calibration behind it
(hit rates for the reliability chart, PIT bins for the histogram)."""

from __future__ import annotations

from dataclasses import dataclass

import duckdb
import numpy as np
import pandas as pd

from cbi.risk.budget import exceed_probability
from cbi.risk.calibration import hit_rates, pit_bins
from cbi.risk.distribution import log_quantiles_by_days, trading_days_until
from cbi.risk.plan import DAYS_PER_MONTH
from cbi.risk.rule import budgets, cover_now, read_walk_forward, render_rule
from cbi.training.calendar import sessions
from common.project import dbt_var, horizons

CHANCE_HORIZONS = ("1m", "3m")
BUDGET_COLUMN = "budget"


@dataclass(frozen=True)
class Chance:
    """P(the close `horizon` ahead is above today's close plus carry to then)."""

    horizon: str
    threshold: float  # cents/lb: close x (1 + carry x trading days / 21)
    probability: float


@dataclass(frozen=True)
class CoverMonth:
    """A coming month under the rule today: its budget (the previous year's mean close) and
    the share of its need to buy forward now."""

    month: str
    budget: float
    share: float


@dataclass(frozen=True)
class RiskPicture:
    """The risk block; prices in cents/lb."""

    close: float
    carry: float  # the dbt var purchase_carry_per_month, fraction of close per month
    fan: pd.DataFrame  # horizon, target_date, quantile, price_cents_per_lb (live)
    chances: tuple[Chance, ...]
    tolerance: float | None  # the rule's, chosen on 2015-2019; None: not measured here
    rule: str  # the rule's choice and record, or the line saying why it is not measured
    cover: tuple[CoverMonth, ...]  # empty when the rule is not measured
    hits: pd.DataFrame  # cbi.risk.calibration.hit_rates (the reliability chart)
    pit: pd.DataFrame  # cbi.risk.calibration.pit_bins (the PIT histogram)

    @property
    def gains_nothing(self) -> bool:
        """The rule measured, and no period shows a significant gain on paying above budget."""
        return self.tolerance is not None and "significantly less often" not in self.rule


def coming_months(as_of: pd.Timestamp, last_day: int, yearly: pd.Series) -> pd.DataFrame:
    """month, days (trading days to its first session) and budget of each calendar month
    after the as-of month whose first session is within `last_day` trading days."""
    rows = []
    month = as_of.to_period("M") + 1
    while True:
        start = month.to_timestamp()
        first = pd.Timestamp(sessions(start, start + pd.Timedelta(days=10))[0])
        days = trading_days_until(as_of, first)
        if days > last_day:
            break
        budget = float(yearly.get(month.year, np.nan))
        rows.append({"month": str(month), "days": days, BUDGET_COLUMN: budget})
        month += 1
    return pd.DataFrame(rows, columns=["month", "days", BUDGET_COLUMN])


def read_risk(con: duckdb.DuckDBPyConnection, as_of: pd.Timestamp, close: float) -> RiskPicture:
    """The risk picture at the live forecast's as-of date and close, on an open connection."""
    days_of = horizons()
    fan = con.sql("select * from forecasts.zl_price_distribution").df()
    walk_forward, history = read_walk_forward(con)
    carry = float(dbt_var("purchase_carry_per_month"))
    by_days = log_quantiles_by_days(fan, close, days_of)
    chances = []
    for horizon in CHANCE_HORIZONS:
        days = days_of[horizon]
        if days in by_days:
            threshold = close * (1 + carry * days / DAYS_PER_MONTH)
            chances.append(
                Chance(horizon, threshold, exceed_probability(by_days, close, threshold, days))
            )
    rule, tolerance = render_rule(walk_forward, history, days_of, carry)
    cover: tuple[CoverMonth, ...] = ()
    if tolerance is not None and by_days:
        months = coming_months(as_of, max(by_days), budgets(history))
        shares = cover_now(months, by_days, close, carry, tolerance, BUDGET_COLUMN)
        cover = tuple(
            CoverMonth(str(m), float(b), float(s))
            for m, b, s in zip(months["month"], months[BUDGET_COLUMN], shares, strict=True)
        )
    hits = hit_rates(walk_forward, days_of)
    return RiskPicture(
        close=close,
        carry=carry,
        fan=fan,
        chances=tuple(chances),
        tolerance=tolerance,
        rule=rule,
        cover=cover,
        hits=hits,
        pit=pit_bins(hits),
    )


def guidance_lines(risk: RiskPicture) -> list[str]:
    """The risk guidance: per horizon the chance the close ends above today's plus carry, then
    today's share to cover under the cover-ahead rule, or plainly why the rule says nothing."""
    lines = [
        "Guidance from risk (cbi risk, cbi plan): the chance the price then is above buying now "
        f"plus carry ({risk.carry:.1%} of the close a month):"
    ]
    for chance in risk.chances:
        lines.append(
            f"  P({chance.horizon} close above {chance.threshold:.2f} c/lb) = "
            f"{chance.probability:.0%}"
        )
    if risk.tolerance is None:
        reason = risk.rule.removeprefix("rule: ")
        lines.append(f"Share to cover now under the cover-ahead rule: unmeasured here ({reason}).")
        return lines
    bought = ", ".join(f"{c.month} {c.share:.0%}" for c in risk.cover if c.share > 0)
    lines.append(
        f"Share to cover now under the rule (P(paying above budget) at most "
        f"{risk.tolerance:.0%}, budgets the previous year's mean close): {bought or 'nothing'}."
    )
    if risk.gains_nothing:
        lines.append(
            "The rule gains nothing significant over buying the same volume each month on its "
            "backtest: buying ratably is as good."
        )
    lines.append(risk.rule)
    return lines
