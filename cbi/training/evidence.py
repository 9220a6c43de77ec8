"""What L1 and L2 learn from: past walk-forward losses, the windows they are read over and
the evidence weight that turns a loss gap into a weight.

At an as-of date d, a prediction's "past" is the predictions of the same series whose target
date is on or before d (the outcome was public), selected with that mask, never by row
position: a prefix of rows in as-of order holds only known outcomes only while target dates
increase with as-of dates.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from cbi.training import QUANTILE_COLUMNS, QUANTILES
from cbi.training.metrics import pinball
from cbi.training.profiles import Profile


def evidence_window(base: int, horizon_days: int, independent_outcomes: int) -> int:
    """Trailing rows to score or calibrate on: at least `independent_outcomes` h-day outcomes.

    Daily rows of an h-day horizon overlap, so a window of n rows holds about n / h
    independent outcomes; a one-year window is ~2 of them at 6 months, too few to rank members
    or to place a 10 % conformal quantile. The window grows to independent_outcomes x h rows.
    """
    return max(base, independent_outcomes * horizon_days)


def weight_window(profile: Profile, horizon_days: int) -> int:
    """Trailing rows that L1, L2 and the member bands learn from at this horizon."""
    return evidence_window(profile.weight_window, horizon_days, profile.independent_outcomes)


def track_record(min_history: int, horizon_days: int) -> int:
    """Realised predictions a member needs before it is weighted or its band recalibrated.

    At least `min_history`, and at least two horizons' worth, so an h-day member is judged on
    more than one overlapping stretch of outcomes.
    """
    return max(min_history, 2 * horizon_days)


def past_rows(frame: pd.DataFrame) -> Iterator[np.ndarray]:
    """For each row, the positions (in `frame`'s order) of the rows of the same series whose
    outcome was public by its as-of date: target_date <= as_of_date (an unknown target never)."""
    targets = frame["target_date"].to_numpy(dtype="datetime64[ns]")
    known = ~np.isnat(targets)
    for as_of in frame["as_of_date"].to_numpy(dtype="datetime64[ns]"):
        yield np.flatnonzero(known & (targets <= as_of))


def row_losses(frame: pd.DataFrame) -> np.ndarray:
    """Mean pinball over P10/P50/P90 of each row against its realised log return (NaN: unknown)."""
    y = frame["target_log_return"].to_numpy()
    return np.mean(
        [
            pinball(y, frame[c].to_numpy(), q)
            for c, q in zip(QUANTILE_COLUMNS, QUANTILES, strict=True)
        ],
        axis=0,
    )


def loss_ratio(mine: np.ndarray, theirs: np.ndarray, min_history: int) -> tuple[float, int]:
    """(sum of `mine` / sum of `theirs`, rows summed) over the rows where both losses are known.

    The rows must be the same outcomes scored for both, so the ratio compares like with like.
    Below `min_history` such rows (or with a zero reference) the ratio is NaN and the count 0.
    """
    usable = ~np.isnan(mine) & ~np.isnan(theirs)
    n = int(usable.sum())
    if n >= min_history and theirs[usable].sum() > 0:
        return float(mine[usable].sum() / theirs[usable].sum()), n
    return np.nan, 0


def relative_past_loss(
    frame: pd.DataFrame, reference: pd.Series, window: int, min_history: int
) -> pd.DataFrame:
    """Per date: a member's trailing realised loss divided by the yardsticks' on the same dates.

    Comparing on the same as-of dates keeps a member that only exists for a calm year from
    looking better than a yardstick scored over three turbulent ones. Below 1 = beat them.
    Returns columns `ratio` (NaN below `min_history` scored rows) and `n` (rows scored), on the
    index of `frame` sorted by as_of_date.
    """
    frame = frame.sort_values("as_of_date")
    losses = row_losses(frame)
    ref = reference.reindex(frame["as_of_date"]).to_numpy()
    ratio = np.full(len(frame), np.nan)
    scored = np.zeros(len(frame))
    for i, rows in enumerate(past_rows(frame)):
        rows = rows[-window:]
        ratio[i], scored[i] = loss_ratio(losses[rows], ref[rows], min_history)
    return pd.DataFrame({"ratio": ratio, "n": scored}, index=frame.index)


def evidence_weight(past_loss: ArrayLike, outcomes: ArrayLike, best: ArrayLike) -> np.ndarray:
    """Unnormalised weight exp(-outcomes x (past_loss - best)); 0 where past_loss is NaN.

    `past_loss`: relative past loss (`loss_ratio`) of a candidate; `best`: the lowest one among
    the candidates it competes with; `outcomes`: the number of independent outcomes behind the
    score (scored rows / horizon days, as daily h-day outcomes overlap). The loss gap is in units
    of the reference loss, like a log-likelihood ratio per outcome when the pinball loss is read
    as an asymmetric-Laplace likelihood, so thin evidence (few outcomes, small gaps) keeps the
    weights near equal and only a gap sustained over many outcomes concentrates them: there is
    no temperature to tune. Used by L2 across members and by L1 across buckets.
    """
    gap = np.asarray(past_loss, dtype=float) - np.asarray(best, dtype=float)
    return np.nan_to_num(np.exp(-np.asarray(outcomes, dtype=float) * gap), nan=0.0)
