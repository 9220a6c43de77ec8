"""The forecast distribution: seven quantiles per as-of date and horizon, each calibrated on
its own past scores, point in time, and the price quantiles between two horizons.

Method (in log return r = log(price / close) of the as-of close):

1. Base quantiles from the walk-forward ensemble's P10/P50/P90 (zl_backtest, member
   `ensemble`): a split normal through them, r_q = r50 + z_q x s, with s = (r50 - r10) / z_0.9
   below the median and (r90 - r50) / z_0.9 above it (z_q the standard normal quantile), so
   the 10/50/90 bases are the ensemble's own quantiles and 5/25/75/95 extend them.
2. Each level q is calibrated on its own score, e_q = (y - r_q) / scale: y the realised log
   return log(actual / close), scale the EWMA volatility at the as-of close x sqrt(h)
   (`cbi.training.ensemble.band_scales`, the scaling of the conformal band). The calibrated
   quantile is r_q + scale x (the q-th quantile of the past scores e_q), i.e. one-sided
   split-conformal calibration per level: a level whose past outcomes fell below it too rarely
   moves down, whatever the other tail did. Today's conformal band instead widens P10 and P90
   by one amount from max(p10 - y, y - p90), which over-widens the tail that did not miss.
   Which levels are calibrated is the profile's `distribution_calibration`
   (`cbi.training.profiles`): "tails" the 5/10/90/95 % levels, with the median left at the
   ensemble's P50 and 25/75 % on the split normal between the calibrated tails and the
   median; "all" every level; "none" (the default until a variant wins on 2015-2019) none,
   the split normal of step 1.
3. Point in time: an as-of date's past is the rows whose target date is on or before it
   (`cbi.training.evidence.past_rows`, the mask the conformal band uses; daily h-day outcomes
   overlap, so no row whose outcome was still open is used), the last `window` of them, with
   the window and the minimum track record of the ensemble band (`cbi.training.evidence`:
   `evidence_window` of profile.ensemble_calibration_window, `track_record`). With fewer past
   scores a row keeps its base quantiles. The level of the past-score quantile is the
   split-conformal one, ceil((n + 1) q) / n above the median and its mirror below it.
4. The quantiles are sorted and spaced at least MIN_SPACING apart in log price, so they
   strictly increase.

Between horizons (`quantiles_at`): each quantile's log return is linear in sqrt(trading days)
between the two horizons around the date (and between today, where every quantile is the
close, and the first horizon), as a random walk's quantiles grow with sqrt(time). Dates past
the last horizon are refused. A curve through the seven quantiles (`QuantileCurve`) is linear
in the normal score z_q between two levels and extends the outer segments beyond 5 % and
95 %, which gives a probability for any price.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.stats import norm

from cbi.risk import LEVELS
from cbi.training.calendar import sessions
from cbi.training.data import horizons, realised
from cbi.training.ensemble import band_scales
from cbi.training.evidence import evidence_window, past_rows, track_record
from cbi.training.profiles import Profile
from common.errors import UserError

Z_LEVELS = norm.ppf(LEVELS)
Z_90 = float(norm.ppf(0.9))
# Smallest gap between two neighbouring quantiles, in log price (0.0001 %), so they strictly
# increase even where the ensemble's band collapsed.
MIN_SPACING = 1e-6
PUBLISHED = {0.1: "p10", 0.5: "p50", 0.9: "p90"}
COLUMNS = ["as_of_date", "horizon", "target_date", "quantile", "price_cents_per_lb"]


def base_quantiles(r10: np.ndarray, r50: np.ndarray, r90: np.ndarray) -> np.ndarray:
    """(rows, levels) log returns of the split normal through the ensemble's P10/P50/P90."""
    lower = (np.asarray(r50) - np.asarray(r10)) / Z_90
    upper = (np.asarray(r90) - np.asarray(r50)) / Z_90
    z = Z_LEVELS[None, :]
    return np.asarray(r50)[:, None] + z * np.where(z < 0, lower[:, None], upper[:, None])


def conformal_levels(n: int) -> np.ndarray:
    """Per level, the split-conformal quantile level of n past scores (mirrored below 0.5)."""
    levels = np.asarray(LEVELS)
    above = np.minimum(1.0, np.ceil((n + 1) * levels) / n)
    below = np.maximum(0.0, 1.0 - np.ceil((n + 1) * (1 - levels)) / n)
    return np.where(levels > 0.5, above, np.where(levels < 0.5, below, 0.5))


def strictly_increasing(quantiles: np.ndarray) -> np.ndarray:
    """Rows sorted, then each quantile at least MIN_SPACING above the one below it."""
    out = np.sort(quantiles, axis=1)
    for k in range(1, out.shape[1]):
        out[:, k] = np.maximum(out[:, k], out[:, k - 1] + MIN_SPACING)
    return out


CALIBRATIONS = ("tails", "all", "none")
TAILS = (0.05, 0.1, 0.9, 0.95)
# "tails" keeps each calibrated tail on its side of the ensemble's median, at least this many
# MIN_SPACING away, so the spacing step never moves the median.
TAIL_MARGIN = 10


def level_shifts(
    base: np.ndarray,
    y: np.ndarray,
    scale: np.ndarray,
    frame: pd.DataFrame,
    window: int,
    min_history: int,
) -> np.ndarray:
    """(rows, levels) shifts in log return: today's scale x each level's split-conformal
    quantile of its own past scores (target date on or before the as-of date, the last
    `window`), once at least `min_history` are known; 0 before that."""
    scores = (y[:, None] - base) / scale[:, None]
    shifts = np.zeros_like(base)
    for i, rows in enumerate(past_rows(frame)):
        past = scores[rows[-window:]]
        past = past[~np.isnan(past).any(axis=1)]
        if len(past) >= min_history and np.isfinite(scale[i]):
            levels = conformal_levels(len(past))
            shifts[i] = scale[i] * np.asarray(
                [np.quantile(past[:, k], levels[k]) for k in range(len(LEVELS))]
            )
    return shifts


def calibrated_quantiles(
    frame: pd.DataFrame, window: int, min_history: int, calibration: str
) -> np.ndarray:
    """(rows, levels) log-return quantiles of one horizon's ensemble rows.

    `frame`: sorted by as_of_date, with target_date, p10/p50/p90 and y (log returns; y NaN
    while unknown) and scale. `calibration` (the profile's `distribution_calibration`):
    "all" shifts every level by its own past scores (`level_shifts`); "tails" shifts the
    5/10/90/95 % levels so (each kept on its side of the median), keeps the median at the
    ensemble's P50 and puts 25/75 % on the split normal through the calibrated P10, the median
    and the calibrated P90; "none" keeps
    the split normal through the ensemble's P10/P50/P90.
    """
    if calibration not in CALIBRATIONS:
        raise ValueError(f"unknown distribution_calibration {calibration!r}; use {CALIBRATIONS}")
    r10, r50, r90 = (frame[c].to_numpy(dtype=float) for c in ("p10", "p50", "p90"))
    base = base_quantiles(r10, r50, r90)
    if calibration == "none":
        return strictly_increasing(base)
    scale = frame["scale"].to_numpy(dtype=float)
    out = base + level_shifts(
        base, frame["y"].to_numpy(dtype=float), scale, frame, window, min_history
    )
    if calibration == "tails":
        levels = np.asarray(LEVELS)[None, :]
        margin = TAIL_MARGIN * MIN_SPACING
        below, above = r50[:, None] - margin, r50[:, None] + margin
        out = np.where(levels < 0.5, np.minimum(out, below), np.maximum(out, above))
        k10, k90 = LEVELS.index(0.1), LEVELS.index(0.9)
        middle = base_quantiles(out[:, k10], r50, out[:, k90])
        out = np.where(np.isin(LEVELS, TAILS)[None, :], out, middle)
    return strictly_increasing(out)


def distribution(
    ensemble: pd.DataFrame,
    windows: dict[str, int],
    min_history: dict[str, int],
    calibration: str,
) -> pd.DataFrame:
    """The calibrated distribution of every as-of date and horizon, one row per quantile.

    `ensemble`: as_of_date, horizon, target_date, p10/p50/p90 and actual (cents/lb), close and
    scale (the volatility scaling of the scores). `windows` and `min_history`: per horizon,
    the trailing past scores used and the fewest needed; `calibration` which levels are
    calibrated (`calibrated_quantiles`). Returns COLUMNS plus actual.
    """
    frames = []
    for horizon, group in ensemble.groupby("horizon", sort=True):
        group = group.sort_values("as_of_date").reset_index(drop=True)
        close = group["close"].to_numpy(dtype=float)
        logs = group.assign(
            p10=np.log(group["p10"] / close),
            p50=np.log(group["p50"] / close),
            p90=np.log(group["p90"] / close),
            y=np.log(group["actual"].astype(float) / close),
        )
        quantiles = calibrated_quantiles(
            logs, windows[str(horizon)], min_history[str(horizon)], calibration
        )
        prices = close[:, None] * np.exp(quantiles)
        for k, level in enumerate(LEVELS):
            frames.append(
                pd.DataFrame(
                    {
                        "as_of_date": group["as_of_date"],
                        "horizon": horizon,
                        "target_date": group["target_date"],
                        "quantile": level,
                        "price_cents_per_lb": prices[:, k],
                        "actual": group["actual"],
                    }
                )
            )
    out = pd.concat(frames, ignore_index=True)
    return out.sort_values(["horizon", "as_of_date", "quantile"]).reset_index(drop=True)


def backtest_distribution(
    backtest: pd.DataFrame, targets: pd.DataFrame, core: pd.DataFrame, profile: Profile
) -> pd.DataFrame:
    """forecasts.zl_backtest_distribution: `distribution` of zl_backtest's ensemble rows, with
    the band scale, window and track record of the profile's ensemble band and the levels its
    `distribution_calibration` calibrates."""
    days = dict(horizons(targets))
    ensemble = backtest[backtest["member"] == "ensemble"].copy()
    ensemble["as_of_date"] = pd.to_datetime(ensemble["as_of_date"])
    ensemble["target_date"] = pd.to_datetime(ensemble["target_date"])
    scales = band_scales(realised(targets), core, days, profile.band_scale)
    ensemble = ensemble.merge(
        scales[["as_of_date", "horizon", "scale"]], on=["as_of_date", "horizon"], how="left"
    )
    windows = {
        h: evidence_window(profile.ensemble_calibration_window, d, profile.independent_outcomes)
        for h, d in days.items()
    }
    needed = {h: track_record(profile.min_history, d) for h, d in days.items()}
    return distribution(ensemble, windows, needed, profile.distribution_calibration)


def live_distribution(backtest: pd.DataFrame, predictions: pd.DataFrame) -> pd.DataFrame:
    """forecasts.zl_price_distribution: the distribution at the live forecast's as-of date,
    with its target dates (from the calendar beyond the data)."""
    as_of = pd.Timestamp(predictions["as_of_date"].max())
    today = backtest[pd.to_datetime(backtest["as_of_date"]) == as_of].drop(
        columns=["target_date", "actual"]
    )
    targets = predictions[["horizon", "target_date"]]
    return today.merge(targets, on="horizon", how="inner")[COLUMNS].reset_index(drop=True)


def published_quantiles(forecast: pd.DataFrame, backtest: pd.DataFrame) -> pd.DataFrame:
    """The live forecast with P10/P50/P90 from the distribution's 10/50/90 rows on its date."""
    out = forecast.copy()
    as_of = pd.to_datetime(out["as_of_date"])
    rows = backtest.assign(as_of_date=pd.to_datetime(backtest["as_of_date"]))
    for level, column in PUBLISHED.items():
        prices = rows[rows["quantile"] == level].set_index(["as_of_date", "horizon"])
        keys = pd.MultiIndex.from_arrays([as_of, out["horizon"]])
        out[column] = prices["price_cents_per_lb"].reindex(keys).to_numpy()
    return out


def _extended(x: np.ndarray, xp: np.ndarray, fp: np.ndarray) -> np.ndarray:
    """Piecewise-linear interpolation through (xp, fp), its end segments extended."""
    x = np.asarray(x, dtype=float)
    y = np.interp(x, xp, fp)
    low, high = x < xp[0], x > xp[-1]
    y = np.where(low, fp[0] + (x - xp[0]) * (fp[1] - fp[0]) / (xp[1] - xp[0]), y)
    return np.where(high, fp[-1] + (x - xp[-1]) * (fp[-1] - fp[-2]) / (xp[-1] - xp[-2]), y)


@dataclass(frozen=True)
class QuantileCurve:
    """A distribution of the log return through its quantiles at LEVELS (strictly increasing):
    linear in the normal score between two levels, the outer segments extended."""

    values: np.ndarray

    def ppf(self, u: np.ndarray | float) -> np.ndarray:
        """The log return at probability u (0 < u < 1)."""
        return _extended(norm.ppf(u), Z_LEVELS, np.asarray(self.values, dtype=float))

    def cdf(self, r: np.ndarray | float) -> np.ndarray:
        """The probability that the log return is at most r."""
        return norm.cdf(
            _extended(np.asarray(r, dtype=float), np.asarray(self.values, dtype=float), Z_LEVELS)
        )


def quantiles_at(by_days: dict[int, np.ndarray], days: float) -> np.ndarray:
    """Log-return quantiles `days` trading days ahead from those at each horizon's days.

    Linear in sqrt(days) between the two horizons around `days`, and from 0 (today: the
    close) to the first horizon; beyond the last horizon is an error.
    """
    knots = sorted(by_days)
    if days > knots[-1]:
        raise UserError(
            f"the forecast reaches {knots[-1]} trading days ahead; {days:g} is beyond it"
        )
    if days <= 0:
        return np.zeros(len(LEVELS))
    points = [0, *knots]
    values = [np.zeros(len(LEVELS)), *[np.asarray(by_days[k], dtype=float) for k in knots]]
    upper = next(i for i, d in enumerate(points) if d >= days)
    lo, hi = points[upper - 1], points[upper]
    weight = (math.sqrt(days) - math.sqrt(lo)) / (math.sqrt(hi) - math.sqrt(lo))
    return values[upper - 1] + weight * (values[upper] - values[upper - 1])


def log_quantiles_by_days(
    rows: pd.DataFrame, close: float, horizon_days: dict[str, int]
) -> dict[int, np.ndarray]:
    """One as-of date's distribution rows (horizon, quantile, price_cents_per_lb) as
    {horizon days: log-return quantiles at LEVELS}, for `quantiles_at`."""
    out = {}
    for horizon, group in rows.groupby("horizon"):
        prices = group.sort_values("quantile")["price_cents_per_lb"].to_numpy(dtype=float)
        out[horizon_days[str(horizon)]] = np.log(prices / close)
    return out


def trading_days_until(as_of: pd.Timestamp, date: pd.Timestamp) -> int:
    """CME trading days after `as_of` up to and including `date` (the exchange calendar)."""
    if pd.Timestamp(date) <= pd.Timestamp(as_of):
        return 0
    return len(sessions(pd.Timestamp(as_of) + pd.Timedelta(days=1), pd.Timestamp(date)))
