"""Forecast scores in price units: pinball loss, 80 % band coverage, MAE of P50, hit rate,
and the interval of a relative gain between two forecasts' losses."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from cbi.training import QUANTILE_COLUMNS, QUANTILES, SEED

# Fewest non-overlapping outcomes (blocks) a gain needs before it gets an interval: with a
# handful of blocks the resampled means take a few values and the interval is far too narrow.
MIN_BLOCKS = 10


def pinball(actual: ArrayLike, predicted: ArrayLike, tau: float) -> np.ndarray:
    """Pinball (quantile) loss of one quantile level, element-wise."""
    diff = np.asarray(actual, dtype=float) - np.asarray(predicted, dtype=float)
    return np.maximum(tau * diff, (tau - 1.0) * diff)


def mean_pinball(frame: pd.DataFrame) -> pd.Series:
    """Per row: the mean pinball loss over P10/P50/P90 against `actual`."""
    losses = [
        pinball(frame["actual"], frame[c], q)
        for c, q in zip(QUANTILE_COLUMNS, QUANTILES, strict=True)
    ]
    return pd.Series(np.mean(losses, axis=0), index=frame.index)


def score(frame: pd.DataFrame) -> dict[str, float]:
    """Scores of rows with a known actual: pinball, coverage_80, mae_p50, hit rate, n.

    The hit rate compares the sign of P50 minus today's close with the realised move; it
    needs `close` (the as-of price) and ignores rows where either move is exactly zero.
    """
    known = frame[frame["actual"].notna()]
    if known.empty:
        return {
            "pinball": np.nan,
            "coverage_80": np.nan,
            "mae_p50": np.nan,
            "hit_rate": np.nan,
            "n": 0,
        }
    inside = (known["actual"] >= known["p10"]) & (known["actual"] <= known["p90"])
    predicted_move = np.sign(known["p50"] - known["close"])
    realised_move = np.sign(known["actual"] - known["close"])
    decided = (predicted_move != 0) & (realised_move != 0)
    hit = (predicted_move[decided] == realised_move[decided]).mean() if decided.any() else np.nan
    return {
        "pinball": float(mean_pinball(known).mean()),
        "coverage_80": float(inside.mean()),
        "mae_p50": float((known["actual"] - known["p50"]).abs().mean()),
        "hit_rate": float(hit),
        "n": int(len(known)),
    }


def summarize(backtest: pd.DataFrame) -> pd.DataFrame:
    """Scores by member, horizon and as-of year, plus year 'all'; one row per group."""
    known = backtest[backtest["actual"].notna()].copy()
    known["year"] = pd.to_datetime(known["as_of_date"]).dt.year.astype(str)
    rows = []
    for (member, horizon), group in known.groupby(["member", "horizon"], sort=True):
        rows.append({"member": member, "horizon": horizon, "year": "all", **score(group)})
        for year, by_year in group.groupby("year", sort=True):
            rows.append({"member": member, "horizon": horizon, "year": year, **score(by_year)})
    columns = ["member", "horizon", "year", "pinball", "coverage_80", "mae_p50", "hit_rate", "n"]
    return pd.DataFrame(rows, columns=columns)


@dataclass(frozen=True)
class Gain:
    """Relative gain mean(mine) / mean(theirs) - 1 (below 0: mine lower) and its interval."""

    gain: float
    low: float
    high: float
    n: int

    @property
    def label(self) -> str:
        """'gain' or 'worse' only when the interval excludes zero; else what can be said."""
        if np.isnan(self.low):
            return "too few outcomes"
        if self.high < 0:
            return "significant gain"
        if self.low > 0:
            return "significantly worse"
        return "no significant gain"


def block_bootstrap_gain(
    mine: np.ndarray,
    theirs: np.ndarray,
    block: int,
    *,
    level: float = 0.95,
    draws: int = 2000,
    seed: int = SEED,
) -> Gain:
    """Relative gain of `mine` over `theirs` (paired losses in as-of order), moving-block CI.

    Daily rows of an h-day horizon share most of their outcome window, so their losses are
    autocorrelated over about h rows and an iid bootstrap would be far too narrow. Blocks of
    `block` (= horizon days) consecutive pairs are drawn with replacement (moving-block
    bootstrap, fixed seed) until n rows; the interval is the percentile interval of the
    resampled gains. With fewer than MIN_BLOCKS blocks of rows (one year at 3 or 6 months) the
    interval is NaN: too few independent outcomes to say.
    """
    mine, theirs = np.asarray(mine, dtype=float), np.asarray(theirs, dtype=float)
    n, block = len(mine), max(int(block), 1)
    gain = float(mine.mean() / theirs.mean() - 1) if n else np.nan
    if n < MIN_BLOCKS * block:
        return Gain(gain, np.nan, np.nan, n)
    rows = block_samples(n, block, draws, seed)
    resampled = mine[rows].mean(axis=1) / theirs[rows].mean(axis=1) - 1
    tail = (1 - level) / 2
    low, high = np.quantile(resampled, [tail, 1 - tail])
    return Gain(gain, float(low), float(high), n)


def block_samples(n: int, block: int, draws: int = 2000, seed: int = SEED) -> np.ndarray:
    """(draws, n) row positions of a moving-block bootstrap: blocks of `block` consecutive
    rows drawn with replacement (fixed seed) until n rows, one resample per line."""
    rng = np.random.default_rng(seed)
    starts = rng.integers(0, n - block + 1, size=(draws, -(-n // block)))
    return (starts[:, :, None] + np.arange(block)).reshape(draws, -1)[:, :n]
