"""Calibration you can check: per horizon and quantile, the share of outcomes below it, and the
pinball over all seven quantiles against both random walks.

Intervals respect overlapping outcomes: daily rows of an h-day horizon share most of their
outcome window, so every interval is a moving-block bootstrap with blocks of h rows
(`cbi.training.metrics.block_samples`, the project's one bootstrap), and the Diebold-Mariano
test of the loss difference uses a HAC (Newey-West) variance with h - 1 lags (statsmodels).
The periods are the project's (`cbi.record`: 2015-2019 selection, 2020-2024 reported; an
as-of date counts in a period only when its outcome was known by the period's end).

Target: every quantile's hit rate within 3 points of its level at 1w and 1m, within 5 at 3m
and 6m (TOLERANCE).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm

from cbi.record import REPORTED, SELECTION, Period
from cbi.risk import LEVELS
from cbi.risk.distribution import base_quantiles
from cbi.training.members.yardsticks import YARDSTICKS
from cbi.training.metrics import MIN_BLOCKS, block_bootstrap_gain, block_samples, pinball

TOLERANCE = {"1w": 0.03, "1m": 0.03, "3m": 0.05, "6m": 0.05}
PERIODS = (SELECTION, REPORTED)


def scored(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows with a known actual, dates as timestamps."""
    rows = rows[rows["actual"].notna()].copy()
    rows["as_of_date"] = pd.to_datetime(rows["as_of_date"])
    rows["target_date"] = pd.to_datetime(rows["target_date"])
    return rows


def period_rows(rows: pd.DataFrame, period: Period | None) -> pd.DataFrame:
    """The rows a period holds (all rows for None)."""
    if period is None:
        return rows
    return rows[period.holds(rows["as_of_date"], rows["target_date"]).to_numpy()]


def mean_interval(values: np.ndarray, block: int, level: float = 0.95) -> tuple[float, float]:
    """Moving-block bootstrap percentile interval of the mean of `values` (in as-of order);
    NaN with fewer than MIN_BLOCKS blocks."""
    values = np.asarray(values, dtype=float)
    block = max(int(block), 1)
    if len(values) < MIN_BLOCKS * block:
        return np.nan, np.nan
    means = values[block_samples(len(values), block)].mean(axis=1)
    tail = (1 - level) / 2
    low, high = np.quantile(means, [tail, 1 - tail])
    return float(low), float(high)


def hit_rates(distribution: pd.DataFrame, horizon_days: dict[str, int]) -> pd.DataFrame:
    """Per horizon, period and quantile: the share of outcomes below the quantile, its
    interval, the tolerance and whether the hit rate is within it.

    `distribution`: zl_backtest_distribution (quantile rows with the actual). Periods: the
    selection and reported periods the rows reach, else all rows ("all").
    """
    rows = scored(distribution)
    out = []
    for horizon, by_horizon in rows.groupby("horizon", sort=False):
        periods: list[Period | None] = [p for p in PERIODS if len(period_rows(by_horizon, p))]
        periods = periods or [None]
        for period in periods:
            held = period_rows(by_horizon, period)
            for key, group in held.groupby("quantile", sort=True):
                level = float(np.asarray(key))
                group = group.sort_values("as_of_date")
                below = (group["actual"] < group["price_cents_per_lb"]).to_numpy(dtype=float)
                low, high = mean_interval(below, horizon_days[str(horizon)])
                tolerance = TOLERANCE.get(str(horizon), 0.05)
                out.append(
                    {
                        "horizon": horizon,
                        "period": period.label if period else "all",
                        "quantile": level,
                        "n": len(below),
                        "hit_rate": float(below.mean()),
                        "low": low,
                        "high": high,
                        "tolerance": tolerance,
                        "within": bool(abs(below.mean() - level) <= tolerance + 1e-12),
                    }
                )
    frame = pd.DataFrame(out)
    frame["days"] = frame["horizon"].map(horizon_days)
    frame = frame.sort_values(["days", "period", "quantile"]).drop(columns=["days"])
    return frame.reset_index(drop=True)


def seven_quantile_losses(distribution: pd.DataFrame, backtest: pd.DataFrame) -> pd.DataFrame:
    """Per as-of date and horizon: the mean pinball (cents/lb) over the seven levels of the
    distribution and of each random walk, whose seven quantiles are the split normal through
    its own P10/P50/P90 (`base_quantiles`). Rows with a known actual scored by all three."""
    rows = scored(distribution)
    rows["loss"] = np.nan
    for level in LEVELS:
        at = rows["quantile"] == level
        rows.loc[at, "loss"] = pinball(
            rows.loc[at, "actual"].to_numpy(), rows.loc[at, "price_cents_per_lb"].to_numpy(), level
        )
    keys = ["as_of_date", "horizon"]
    wide = rows.groupby([*keys, "target_date"], as_index=False).agg(distribution=("loss", "mean"))
    walks = scored(backtest[backtest["member"].isin(YARDSTICKS)])
    for member, group in walks.groupby("member"):
        close = group["close"].to_numpy(dtype=float)
        logs = [np.log(group[c].to_numpy(dtype=float) / close) for c in ("p10", "p50", "p90")]
        prices = close[:, None] * np.exp(base_quantiles(*logs))
        actual = group["actual"].to_numpy(dtype=float)
        losses = np.mean([pinball(actual, prices[:, k], q) for k, q in enumerate(LEVELS)], axis=0)
        wide = wide.merge(group[keys].assign(**{str(member): losses}), on=keys, how="inner")
    return wide.sort_values(keys).reset_index(drop=True)


def diebold_mariano(mine: np.ndarray, theirs: np.ndarray, horizon_days: int) -> tuple[float, float]:
    """DM statistic and two-sided p-value of mean(mine - theirs) = 0, HAC variance with
    horizon_days - 1 Newey-West lags (overlapping h-day outcomes). Negative: mine lower."""
    diff = np.asarray(mine, dtype=float) - np.asarray(theirs, dtype=float)
    if len(diff) < 2 or np.allclose(diff, diff[0]):
        return np.nan, np.nan
    fit = sm.OLS(diff, np.ones(len(diff))).fit(
        cov_type="HAC", cov_kwds={"maxlags": max(horizon_days - 1, 0)}
    )
    return float(fit.tvalues[0]), float(fit.pvalues[0])


def skill_table(
    distribution: pd.DataFrame, backtest: pd.DataFrame, horizon_days: dict[str, int]
) -> pd.DataFrame:
    """Per horizon, period and random walk: the seven-quantile pinball of the distribution
    and of the walk, their ratio (below 1: the distribution is better) with its block-bootstrap
    interval, the DM test, and the worst as-of year's ratio beside the period's."""
    losses = seven_quantile_losses(distribution, backtest)
    out = []
    for horizon, by_horizon in losses.groupby("horizon", sort=False):
        days = horizon_days[str(horizon)]
        periods: list[Period | None] = [p for p in PERIODS if len(period_rows(by_horizon, p))]
        periods = periods or [None]
        for period in periods:
            held = period_rows(by_horizon, period).sort_values("as_of_date")
            for walk in YARDSTICKS:
                if walk not in held:
                    continue
                mine, theirs = held["distribution"].to_numpy(), held[walk].to_numpy()
                gain = block_bootstrap_gain(mine, theirs, days)
                stat, p_value = diebold_mariano(mine, theirs, days)
                years = held.groupby(held["as_of_date"].dt.year)
                by_year = years["distribution"].mean() / years[walk].mean()
                out.append(
                    {
                        "horizon": horizon,
                        "period": period.label if period else "all",
                        "yardstick": walk,
                        "n": gain.n,
                        "pinball": float(mine.mean()),
                        "yardstick_pinball": float(theirs.mean()),
                        "ratio": 1 + gain.gain,
                        "low": 1 + gain.low,
                        "high": 1 + gain.high,
                        "dm_stat": stat,
                        "dm_p": p_value,
                        "worst_year": int(by_year.idxmax()),
                        "worst_year_ratio": float(by_year.max()),
                    }
                )
    frame = pd.DataFrame(out)
    frame["days"] = frame["horizon"].map(horizon_days)
    frame = frame.sort_values(["days", "period"], kind="stable").drop(columns=["days"])
    return frame.reset_index(drop=True)


def pit_bins(hits: pd.DataFrame) -> pd.DataFrame:
    """The PIT histogram in the distribution's own bins, from `hit_rates`: per horizon and
    period, the share of outcomes between two neighbouring quantiles (0-5 %, 5-10 %, ...,
    95-100 %) beside the bin's width, what a calibrated distribution would put there. The
    reliability chart is `hit_rates` itself (hit rate against level)."""
    out = []
    for (horizon, period), group in hits.groupby(["horizon", "period"], sort=False):
        levels = [0.0, *group["quantile"], 1.0]
        below = [0.0, *group["hit_rate"], 1.0]
        for k in range(len(levels) - 1):
            out.append(
                {
                    "horizon": horizon,
                    "period": period,
                    "low": levels[k],
                    "high": levels[k + 1],
                    "share": below[k + 1] - below[k],
                    "expected": levels[k + 1] - levels[k],
                }
            )
    return pd.DataFrame(out)


def meets_target(hits: pd.DataFrame) -> bool:
    """Every quantile of every horizon and period within its tolerance."""
    return bool(hits["within"].all())


def render_hit_rates(hits: pd.DataFrame) -> str:
    """The calibration table: one line per horizon and period, the hit rate of each quantile."""
    lines = [
        "horizon  period                 " + "  ".join(f"{q:>5.0%}" for q in LEVELS) + "  target"
    ]
    for (horizon, period), group in hits.groupby(["horizon", "period"], sort=False):
        cells = "  ".join(
            f"{r.hit_rate:>4.0%}{'' if r.within else '*'}".rjust(5) for r in group.itertuples()
        )
        tolerance = group["tolerance"].iloc[0]
        met = "met" if group["within"].all() else "not met"
        lines.append(f"{horizon:<8} {period:<22} {cells}  ±{tolerance:.0%} {met}")
    lines.append("(share of outcomes below each quantile; * outside the target)")
    return "\n".join(lines)


def render_skill(skill: pd.DataFrame) -> str:
    """Seven-quantile pinball against each random walk, with interval, DM and worst year."""
    lines = [
        "horizon  period                 yardstick     ratio  95% interval      DM     p  "
        "worst year"
    ]
    for r in skill.to_dict("records"):
        interval = "too few outcomes" if pd.isna(r["low"]) else f"{r['low']:.3f}-{r['high']:.3f}"
        lines.append(
            f"{r['horizon']:<8} {r['period']:<22} {r['yardstick']:<12} {r['ratio']:6.3f}  "
            f"{interval:<16} {r['dm_stat']:5.2f} {r['dm_p']:5.3f}  "
            f"{r['worst_year']} {r['worst_year_ratio']:.3f}"
        )
    lines.append("(ratio: distribution pinball / random walk's over 5-95 %; below 1 = better)")
    return "\n".join(lines)
