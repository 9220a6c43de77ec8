"""The probability that ZL closes above a budget on a date, and how well such probabilities
have scored over the walk-forward record.

The probability is 1 - F(log(budget / close)), F the distribution's curve at that many
trading days ahead (`distribution.quantiles_at`, `QuantileCurve`). The record (`brier_table`):
on every as-of date, a budget at each of the distribution's seven quantiles; the
distribution's probability of closing above the budget at quantile q is 1 - q, a random
walk's is 1 - its split-normal CDF (through its own P10/P50/P90) at that budget. The Brier
score is the mean squared gap between the probability and the outcome (1 above, 0 not), over
the seven budgets and the as-of dates; the ratio to each walk's has a moving-block bootstrap
interval (blocks of h rows, overlapping outcomes).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import norm

from cbi.record import Period
from cbi.risk import LEVELS
from cbi.risk.calibration import PERIODS, period_rows, scored
from cbi.risk.distribution import Z_90, QuantileCurve, quantiles_at
from cbi.training.members.yardsticks import YARDSTICKS
from cbi.training.metrics import block_bootstrap_gain


def exceed_probability(
    by_days: dict[int, np.ndarray], close: float, budget: float, days: float
) -> float:
    """P(close above `budget` cents/lb `days` trading days ahead)."""
    curve = QuantileCurve(quantiles_at(by_days, days))
    return float(1 - curve.cdf(np.log(budget / close)))


def split_normal_exceed(
    r: np.ndarray, r10: np.ndarray, r50: np.ndarray, r90: np.ndarray
) -> np.ndarray:
    """P(log return above r) under the split normal through P10/P50/P90 (log returns)."""
    scale = np.where(r < r50, (r50 - r10) / Z_90, (r90 - r50) / Z_90)
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(scale > 0, (r - r50) / scale, np.sign(r - r50) * np.inf)
    return 1 - norm.cdf(z)


def brier_rows(distribution: pd.DataFrame, backtest: pd.DataFrame) -> pd.DataFrame:
    """Per as-of date and horizon: the Brier score over the seven quantile budgets of the
    distribution and of each random walk (rows scored by all)."""
    rows = scored(distribution)
    keys = ["as_of_date", "horizon"]
    rows["above"] = (rows["actual"] > rows["price_cents_per_lb"]).astype(float)
    rows["distribution"] = (1 - rows["quantile"] - rows["above"]) ** 2
    out = rows.groupby([*keys, "target_date"], as_index=False).agg(
        distribution=("distribution", "mean")
    )
    walks = scored(backtest[backtest["member"].isin(YARDSTICKS)])
    for member, group in walks.groupby("member"):
        merged = rows.merge(group[[*keys, "close", "p10", "p50", "p90"]], on=keys, how="inner")
        close = merged["close"].to_numpy(dtype=float)
        logs = [np.log(merged[c].to_numpy(dtype=float) / close) for c in ("p10", "p50", "p90")]
        r = np.log(merged["price_cents_per_lb"].to_numpy(dtype=float) / close)
        merged[member] = (split_normal_exceed(r, *logs) - merged["above"]) ** 2
        out = out.merge(merged.groupby(keys, as_index=False)[member].mean(), on=keys)
    return out.sort_values(keys).reset_index(drop=True)


def brier_table(
    distribution: pd.DataFrame, backtest: pd.DataFrame, horizon_days: dict[str, int]
) -> pd.DataFrame:
    """Per horizon, period and random walk: both Brier scores and their ratio (below 1: the
    distribution's probabilities were better) with its block-bootstrap interval."""
    briers = brier_rows(distribution, backtest)
    out = []
    for horizon, by_horizon in briers.groupby("horizon", sort=False):
        periods: list[Period | None] = [p for p in PERIODS if len(period_rows(by_horizon, p))]
        periods = periods or [None]
        for period in periods:
            held = period_rows(by_horizon, period).sort_values("as_of_date")
            for walk in [w for w in YARDSTICKS if w in held]:
                gain = block_bootstrap_gain(
                    held["distribution"].to_numpy(),
                    held[walk].to_numpy(),
                    horizon_days[str(horizon)],
                )
                out.append(
                    {
                        "horizon": horizon,
                        "period": period.label if period else "all",
                        "yardstick": walk,
                        "n": gain.n,
                        "brier": float(held["distribution"].mean()),
                        "yardstick_brier": float(held[walk].mean()),
                        "ratio": 1 + gain.gain,
                        "low": 1 + gain.low,
                        "high": 1 + gain.high,
                    }
                )
    frame = pd.DataFrame(out)
    frame["days"] = frame["horizon"].map(horizon_days)
    return frame.sort_values(["days", "period"], kind="stable").drop(columns=["days"])


def render_brier(table: pd.DataFrame) -> str:
    """The Brier record, one line per horizon, period and random walk."""
    lines = ["horizon  period                 yardstick     Brier  theirs  ratio  95% interval"]
    for r in table.to_dict("records"):
        interval = "too few outcomes" if pd.isna(r["low"]) else f"{r['low']:.3f}-{r['high']:.3f}"
        lines.append(
            f"{r['horizon']:<8} {r['period']:<22} {r['yardstick']:<12} {r['brier']:.4f}  "
            f"{r['yardstick_brier']:.4f} {r['ratio']:6.3f}  {interval}"
        )
    lines.append(
        f"(budgets at the distribution's {len(LEVELS)} quantiles on every as-of date; "
        "ratio below 1 = its probabilities scored better)"
    )
    return "\n".join(lines)
