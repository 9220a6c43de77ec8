"""The old buy-or-wait rule, read off the 1-month forecast, and its backtest against buying on
schedule: no longer the guidance (`cbi forecast` and the report give the risk guidance of
cbi.risk), kept for the benchmarks that still print and choose it (`cbi bench forecast`,
`cbi bench selection`).

The rule, written before looking at any result, its risk limit then chosen on 2015-2019 by
`cbi bench selection` among 5, 10, 15, 20 % and none (the tightest, as none was significantly
cheaper than the schedule there; its two parameters are dbt vars in dbt_project.yml): a buyer
planning to buy at the close of as-of date t WAITs one horizon (buys at the close of the
1-month target date instead) when

    P50_1m < close_t x (1 - carry)   and   P90_1m <= close_t x (1 + risk_limit),

else BUYs NOW. The median must fall by more than what waiting costs (carry: financing the
decision for a month, ~5 %/yr; a futures buyer stores nothing), and the bad tail must stay
within risk_limit of today. Waiting pays the target-date close plus carry x close_t; buying on
schedule pays close_t. The backtest replays the rule on every walk-forward as-of date with a
known outcome, one planned purchase per date.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from cbi.training.metrics import Gain, block_bootstrap_gain
from common.project import dbt_var, horizon_days

HORIZON = "1m"  # the forecast the rule reads: 21 CME trading days, about one month
HORIZON_DAYS = horizon_days(HORIZON)  # the bootstrap block: outcomes overlap over ~21 rows
WAIT, BUY = "WAIT", "BUY"
COLUMNS = [
    "as_of_date",
    "target_date",
    "close_cents_per_lb",
    "p50_1m_cents_per_lb",
    "p90_1m_cents_per_lb",
    "target_close_cents_per_lb",
    "decision",
    "paid_rule_cents_per_lb",
    "paid_schedule_cents_per_lb",
    "carry_per_month",
    "risk_limit",
]


@dataclass(frozen=True)
class Rule:
    """The rule's two parameters, as fractions of today's close (0.005 = 0.5 %)."""

    carry: float
    risk_limit: float


def decide(close: ArrayLike, p50: ArrayLike, p90: ArrayLike, rule: Rule) -> np.ndarray:
    """WAIT where the 1m median is below today's close by more than the carry and P90 is
    within risk_limit above it; BUY elsewhere (element-wise; also where a number is missing)."""
    today, median, tail = (np.asarray(a, dtype=float) for a in (close, p50, p90))
    wait = (median < today * (1 - rule.carry)) & (tail <= today * (1 + rule.risk_limit))
    return np.where(wait, WAIT, BUY)


def paid_prices(
    close: ArrayLike, target_close: ArrayLike, decision: ArrayLike, rule: Rule
) -> np.ndarray:
    """Price paid under the rule: close_t on BUY, target-date close + carry x close_t on WAIT
    (NaN while that close is unknown)."""
    today, later = np.asarray(close, dtype=float), np.asarray(target_close, dtype=float)
    return np.where(np.asarray(decision) == WAIT, later + rule.carry * today, today)


def purchase_decisions(
    ensemble_1m: pd.DataFrame, live_1m: pd.DataFrame | None, rule: Rule
) -> pd.DataFrame:
    """One row per as-of date: the rule's decision and the price each way pays (cents/lb).

    `ensemble_1m`: the ensemble's 1m rows of zl_backtest (as_of_date, target_date, close, p50,
    p90, actual). `live_1m`: the 1m row of zl_predictions, which replaces the backtest row of its
    as-of date, so today's guidance is the published forecast's (None: the backtest alone).
    """
    if live_1m is None:
        live_1m = ensemble_1m.iloc[:0].rename(columns={"close": "close_cents_per_lb"})
    live = live_1m.rename(columns={"close_cents_per_lb": "close"}).assign(actual=np.nan)
    live_dates = set(pd.to_datetime(live["as_of_date"]))
    past = ensemble_1m[~pd.to_datetime(ensemble_1m["as_of_date"]).isin(live_dates)]
    rows = pd.concat([f for f in (past, live) if len(f)], ignore_index=True)
    rows = rows.assign(as_of_date=pd.to_datetime(rows["as_of_date"])).sort_values("as_of_date")
    decision = decide(rows["close"], rows["p50"], rows["p90"], rule)
    known = rows["actual"].notna()  # unscored while the target close is unknown
    paid_rule = paid_prices(rows["close"], rows["actual"], decision, rule)
    out = pd.DataFrame(
        {
            "as_of_date": rows["as_of_date"],
            "target_date": pd.to_datetime(rows["target_date"]),
            "close_cents_per_lb": rows["close"].astype(float),
            "p50_1m_cents_per_lb": rows["p50"].astype(float),
            "p90_1m_cents_per_lb": rows["p90"].astype(float),
            "target_close_cents_per_lb": rows["actual"].astype(float),
            "decision": decision,
            "paid_rule_cents_per_lb": pd.Series(paid_rule, index=rows.index).where(known),
            "paid_schedule_cents_per_lb": rows["close"].astype(float).where(known),
            "carry_per_month": rule.carry,
            "risk_limit": rule.risk_limit,
        }
    )
    return out[COLUMNS].reset_index(drop=True)


@dataclass(frozen=True)
class Backtest:
    """The rule against buying on schedule over one period of planned purchases (cents/lb)."""

    period: str  # first..last as-of month, e.g. 2022-01..2024-12, or a year
    n: int  # planned purchases with a known outcome
    wait_share: float  # share of them deferred (0..1)
    paid_rule: float  # mean price paid under the rule
    paid_schedule: float  # mean price paid buying at the close of each as-of date
    saving_cents: float  # mean of schedule - rule per purchase (above 0: the rule paid less)
    saving_pct: float  # mean of (schedule - rule) / schedule per purchase
    gain: Gain  # mean(rule) / mean(schedule) - 1 (below 0: cheaper) and its 95 % interval

    def line(self) -> str:
        """One plain sentence: counts, both average prices, the change and its verdict."""
        g = self.gain
        interval = "" if np.isnan(g.low) else f" [{g.low * 100:+.1f}, {g.high * 100:+.1f}]"
        return (
            f"Rule backtest {self.period} ({self.n} planned purchases, "
            f"{self.wait_share * 100:.0f} % deferred): average price paid {self.paid_rule:.2f} "
            f"vs {self.paid_schedule:.2f} c/lb buying on schedule, "
            f"{g.gain * 100:+.1f} %{interval}: {g.label}"
        )


def backtest(decisions: pd.DataFrame, period: str | None = None) -> Backtest:
    """The rule's record on the rows of `decisions` with a known outcome (as-of order).

    The interval is the moving-block bootstrap of cbi.training.metrics with blocks of 21 rows:
    purchases planned on neighbouring days share most of their month, so they are not
    independent; with fewer than 10 blocks of rows there is no interval.
    """
    known = decisions[decisions["paid_rule_cents_per_lb"].notna()].sort_values("as_of_date")
    rule = known["paid_rule_cents_per_lb"].to_numpy(dtype=float)
    schedule = known["paid_schedule_cents_per_lb"].to_numpy(dtype=float)
    if period is None:
        dates = pd.to_datetime(known["as_of_date"])
        period = f"{dates.min():%Y-%m}..{dates.max():%Y-%m}" if len(known) else "-"
    saving = schedule - rule
    return Backtest(
        period=period,
        n=len(known),
        wait_share=float((known["decision"] == WAIT).mean()) if len(known) else np.nan,
        paid_rule=float(rule.mean()) if len(known) else np.nan,
        paid_schedule=float(schedule.mean()) if len(known) else np.nan,
        saving_cents=float(saving.mean()) if len(known) else np.nan,
        saving_pct=float((saving / schedule).mean()) if len(known) else np.nan,
        gain=block_bootstrap_gain(rule, schedule, HORIZON_DAYS),
    )


def backtest_by_year(decisions: pd.DataFrame) -> list[Backtest]:
    """The record per as-of year, then over all years (the last element)."""
    known = decisions[decisions["paid_rule_cents_per_lb"].notna()]
    years = pd.to_datetime(known["as_of_date"]).dt.year
    by_year = [backtest(rows, str(year)) for year, rows in known.groupby(years, sort=True)]
    return [*by_year, backtest(known)]


def configured_rule() -> Rule:
    """The buy-or-wait rule as dbt_project.yml sets it (what `cbi build` publishes)."""
    return Rule(
        carry=float(dbt_var("purchase_carry_per_month")),
        risk_limit=float(dbt_var("purchase_risk_limit")),
    )
