"""Walk-forward folds with purging: the only way any model here is trained and evaluated.

A fold has a cutoff date. Its model trains on rows whose *target* date is on or before the
cutoff (rows whose target window crosses the cutoff are purged: their outcome was not yet
known), and predicts only as-of dates after the cutoff, up to and including the next cutoff.

Refit modes (dbt var `refit`): `always` adds a last refit on the day before the last date, so
the live forecast uses every known target but that fit moves every day; `when_due` keeps only
the cadence boundaries, so between two boundaries the last fit stays the same and a daily run
reuses it (`cbi daily`).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

REFIT_MODES = ("always", "when_due")


@dataclass(frozen=True)
class Fold:
    """One refit: train on targets known by `cutoff`; predict `cutoff < date <= predict_to`."""

    fold: int
    cutoff: pd.Timestamp
    predict_to: pd.Timestamp


def make_folds(
    trade_dates: pd.Series | pd.DatetimeIndex,
    start: str | pd.Timestamp,
    end: str | pd.Timestamp | None,
    cadence: str,
    refit: str = "always",
) -> list[Fold]:
    """Folds whose predictions cover the trading dates in [start, end] at a fixed cadence.

    Each refit boundary (e.g. every year start from `start`) becomes a cutoff on the last
    trading date before it. With refit `always`, when the window reaches the last date in the
    data, one more refit with the cutoff on the day before it makes the live forecast use
    every known target; with `when_due` the last boundary's fit predicts up to the last date.
    """
    if refit not in REFIT_MODES:
        raise ValueError(f"unknown refit mode {refit!r}; use one of {list(REFIT_MODES)}")
    dates = pd.DatetimeIndex(sorted(pd.to_datetime(pd.Series(trade_dates)).unique()))
    last = dates[-1]
    end_ts = min(pd.Timestamp(end), last) if end is not None else last
    boundaries = pd.date_range(pd.Timestamp(start), end_ts, freq=cadence)
    if len(boundaries) == 0 or boundaries[0] > pd.Timestamp(start):
        boundaries = pd.DatetimeIndex(pd.DatetimeIndex([pd.Timestamp(start)]).append(boundaries))
    cutoffs: list[pd.Timestamp] = []
    for boundary in boundaries:
        before = dates[dates < boundary]
        if len(before) and (not cutoffs or before[-1] > cutoffs[-1]):
            cutoffs.append(before[-1])
    if refit == "always" and end_ts == last and len(dates) >= 2 and dates[-2] > cutoffs[-1]:
        cutoffs.append(dates[-2])
    folds = []
    for i, cutoff in enumerate(cutoffs):
        predict_to = cutoffs[i + 1] if i + 1 < len(cutoffs) else end_ts
        folds.append(Fold(fold=i, cutoff=cutoff, predict_to=predict_to))
    return folds


def train_mask(frame: pd.DataFrame, fold: Fold) -> pd.Series:
    """Rows a fold may learn from: as-of and target date on or before the cutoff, target known."""
    return (
        (frame["trade_date"] <= fold.cutoff)
        & frame["target_date"].notna()
        & (frame["target_date"] <= fold.cutoff)
        & frame["y"].notna()
    )


def predict_mask(frame: pd.DataFrame, fold: Fold) -> pd.Series:
    """Rows a fold predicts: as-of dates strictly after the cutoff, up to the next cutoff."""
    return (frame["trade_date"] > fold.cutoff) & (frame["trade_date"] <= fold.predict_to)


def time_ordered_tuning_split(
    train: pd.DataFrame, fraction: float = 0.15
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Split a fold's training rows into earlier fit rows and later tuning rows, purged.

    Fit rows whose target date reaches into the tuning period are dropped, so early stopping
    never sees an outcome that overlaps the rows it is judged on.
    """
    ordered = train.sort_values("trade_date")
    n_tune = max(int(len(ordered) * fraction), 1)
    tune = ordered.iloc[-n_tune:]
    first_tune_date = tune["trade_date"].iloc[0]
    fit = ordered.iloc[:-n_tune]
    fit = fit[fit["target_date"] < first_tune_date]
    return fit, tune
