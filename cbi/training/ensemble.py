"""Conformal band calibration and the L2 ensemble, both from past walk-forward errors only.

At an as-of date d, a member's "past" is its predictions whose target date is on or before d
(the outcome was public), selected with that mask, never by row position: a prefix of rows in
as-of order holds only known outcomes only while target dates increase with as-of dates.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pandas as pd

from cbi.training import QUANTILE_COLUMNS, QUANTILES
from cbi.training.metrics import pinball

YARDSTICKS = ("rw_empirical", "rw_vol")


def evidence_window(base: int, horizon_days: int, independent_outcomes: int) -> int:
    """Trailing rows to score or calibrate on: at least `independent_outcomes` h-day outcomes.

    Daily rows of an h-day horizon overlap, so a window of n rows holds about n / h
    independent outcomes; a one-year window is ~2 of them at 6 months, too few to rank members
    or to place a 10 % conformal quantile. The window grows to independent_outcomes x h rows.
    """
    return max(base, independent_outcomes * horizon_days)


def track_record(min_history: int, horizon_days: int) -> int:
    """Realised predictions a member needs before it is weighted or its band recalibrated.

    At least `min_history`, and at least two horizons' worth, so an h-day member is judged on
    more than one overlapping stretch of outcomes.
    """
    return max(min_history, 2 * horizon_days)


def _past_rows(frame: pd.DataFrame) -> Iterator[np.ndarray]:
    """For each row, the positions (in `frame`'s order) of the rows of the same series whose
    outcome was public by its as-of date: target_date <= as_of_date (an unknown target never)."""
    targets = frame["target_date"].to_numpy(dtype="datetime64[ns]")
    known = ~np.isnat(targets)
    for as_of in frame["as_of_date"].to_numpy(dtype="datetime64[ns]"):
        yield np.flatnonzero(known & (targets <= as_of))


def calibrate(
    frame: pd.DataFrame, window: int, min_history: int, coverage: float = 0.8
) -> pd.DataFrame:
    """Split-conformal (CQR) widening of the P10-P90 band from past out-of-sample errors.

    `frame`: one member and horizon, sorted by as_of_date, with target_log_return and `scale`
    (the size of an h-day move at the as-of date: EWMA volatility x sqrt(h), or 1 for raw
    scores). The score max(p10 - y, y - p90) / scale of past rows gives the amount, times
    today's scale, to widen (or narrow) both ends so that `coverage` of past outcomes would
    have been inside. Rows without enough past keep their band.
    """
    frame = frame.sort_values("as_of_date").reset_index(drop=True)
    y = frame["target_log_return"].to_numpy()
    scale = frame["scale"].to_numpy(dtype=float)
    scores = np.maximum(frame["p10"].to_numpy() - y, y - frame["p90"].to_numpy()) / scale
    adjust = np.zeros(len(frame))
    for i, rows in enumerate(_past_rows(frame)):
        past = scores[rows[-window:]]
        past = past[~np.isnan(past)]
        if len(past) >= min_history and not np.isnan(scale[i]):
            level = min(1.0, np.ceil((len(past) + 1) * coverage) / len(past))
            adjust[i] = np.quantile(past, level) * scale[i]
    out = frame.copy()
    out["p10"] = np.minimum(frame["p10"] - adjust, frame["p50"])
    out["p90"] = np.maximum(frame["p90"] + adjust, frame["p50"])
    return out


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
    for i, rows in enumerate(_past_rows(frame)):
        rows = rows[-window:]
        ratio[i], scored[i] = loss_ratio(losses[rows], ref[rows], min_history)
    return pd.DataFrame({"ratio": ratio, "n": scored}, index=frame.index)


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


def evidence_weight(past_loss: np.ndarray, outcomes: np.ndarray, best: np.ndarray) -> np.ndarray:
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


def combine(
    members: pd.DataFrame,
    windows: dict[str, int],
    min_history: int,
    horizon_days: dict[str, int],
    weighting: str = "evidence",
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """L2: the members' quantiles averaged per date with `member_weights(frame, weighting)`.

    `members`: as_of_date, horizon, member, p10/p50/p90 (log returns), target_log_return, and
    target_date; `windows`: trailing rows scored per horizon. With "evidence" the weight is
    exp(-(n / h) x (relative past loss - best one's)): n / h independent h-day outcomes behind
    the score times the loss gap in units of the yardsticks' loss (`evidence_weight`). A member
    needs max(min_history, 2 x horizon days) realised predictions; if none qualifies, the
    yardsticks share the weight equally. Returns (ensemble rows, weights).
    """
    frame = scored_members(members, windows, min_history, horizon_days)
    frame["weight"] = member_weights(frame, weighting)
    return weighted_ensemble(frame), weights_table(frame)


def scored_members(
    members: pd.DataFrame,
    windows: dict[str, int],
    min_history: int,
    horizon_days: dict[str, int],
) -> pd.DataFrame:
    """Members with past_loss (trailing loss relative to the yardsticks') and outcomes (n / h)."""
    members = members.copy()
    members["loss"] = row_losses(members)
    is_yardstick = members["member"].isin(YARDSTICKS)
    reference = members[is_yardstick].groupby(["horizon", "as_of_date"])["loss"].mean()
    scored = []
    for (horizon, _), group in members.groupby(["horizon", "member"], sort=True):
        group = group.sort_values("as_of_date").copy()
        days = horizon_days.get(horizon, 1)
        needed = track_record(min_history, days)
        ref = reference.loc[horizon] if horizon in reference.index else pd.Series(dtype=float)
        past = relative_past_loss(group, ref, windows[horizon], needed)
        group["past_loss"] = past["ratio"].to_numpy()
        group["outcomes"] = past["n"].to_numpy() / max(days, 1)
        scored.append(group)
    return pd.concat(scored, ignore_index=True)


WEIGHTINGS = ("evidence", "equal", "yardsticks")


def member_weights(frame: pd.DataFrame, weighting: str = "evidence") -> pd.Series:
    """Weights normalised per date and horizon; the yardsticks share it if no member has one.

    "evidence": `evidence_weight` of each member's relative past loss; "equal": 1 for every
    member with a track record (a known past_loss); "yardsticks": the random walks alone.
    """
    if weighting not in WEIGHTINGS:
        raise ValueError(f"unknown member weighting {weighting!r}; use one of {WEIGHTINGS}")
    keys = ["as_of_date", "horizon"]
    out = frame[[*keys, "member"]].copy()
    if weighting == "evidence":
        best = frame.groupby(keys)["past_loss"].transform("min")
        out["weight"] = evidence_weight(frame["past_loss"], frame["outcomes"], best)
    elif weighting == "equal":
        out["weight"] = frame["past_loss"].notna().astype(float)
    else:
        out["weight"] = 0.0
    no_weight = out.groupby(keys)["weight"].transform("sum") == 0
    out.loc[no_weight & out["member"].isin(YARDSTICKS), "weight"] = 1.0
    return out["weight"] / out.groupby(keys)["weight"].transform("sum")


def weighted_ensemble(frame: pd.DataFrame) -> pd.DataFrame:
    """Per date and horizon: the weighted member quantiles, re-sorted so they stay ordered."""
    keys = ["as_of_date", "horizon"]
    weighted = frame[keys].copy()
    for column in QUANTILE_COLUMNS:
        weighted[column] = frame[column] * frame["weight"]
    ensemble = weighted.groupby(keys, as_index=False)[list(QUANTILE_COLUMNS)].sum()
    ensemble[list(QUANTILE_COLUMNS)] = np.sort(ensemble[list(QUANTILE_COLUMNS)].to_numpy(), axis=1)
    ensemble["member"] = "ensemble"
    return ensemble


def weights_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The members with a positive weight: as_of_date, horizon, member, weight, past_loss."""
    weights = frame.loc[
        frame["weight"] > 0, ["as_of_date", "horizon", "member", "weight", "past_loss"]
    ]
    return weights.reset_index(drop=True)
