"""L2: the members' conformal bands, their evidence weights and the ensemble, in cents/lb.

`assemble_backtest` is the whole level, step by step: the band scale of each as-of date
(`band_scales`), each member's conformal band from its own past errors (`calibrated_members`,
`calibrate`), the members' evidence weights and their weighted average (`combine`), the
ensemble's optional last band (`calibrated_ensemble`), and the table in cents/lb
(`priced_backtest`). Everything is learnt from past walk-forward errors only: a row's past is
selected by target date (`cbi.training.evidence.past_rows`), never by row position.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from cbi.training import QUANTILE_COLUMNS
from cbi.training.data import daily_sigma, horizons, realised
from cbi.training.evidence import (
    evidence_weight,
    evidence_window,
    past_rows,
    relative_past_loss,
    row_losses,
    track_record,
    weight_window,
)
from cbi.training.members.yardsticks import YARDSTICKS
from cbi.training.profiles import Profile, WalkForwardPlan
from cbi.training.tables import PREDICTION_COLUMNS

KEYS = ["as_of_date", "horizon"]


def assemble_backtest(
    l0: pd.DataFrame,
    members: pd.DataFrame,
    meta: pd.DataFrame,
    targets: pd.DataFrame,
    core: pd.DataFrame,
    plan: WalkForwardPlan,
) -> pd.DataFrame:
    """Every member's walk-forward predictions plus the L2 ensemble, in cents/lb.

    Model members (baselines, time-series, L1), and the yardsticks with
    `profile.calibrate_yardsticks`, get conformal bands from their own past errors (scaled by
    the as-of volatility with `profile.band_scale` "volatility") before L2 averages their
    quantiles with `profile.member_weighting`. With
    `profile.ensemble_band` the ensemble gets a last conformal band from its own past errors;
    without it its band is the weighted average of its members'. Every window (member bands,
    L2 scores, ensemble band) holds at least `profile.independent_outcomes` non-overlapping
    h-day outcomes, since a one-year window holds only ~2 of them at 6 months. A band is only
    recalibrated once max(min_history, 2 x horizon days) past errors are known. L0 buckets are
    reported but only enter the ensemble through L1. Rows are limited to as-of dates in
    [plan.start, plan.end]; earlier yardstick rows still feed the past losses. The yardsticks'
    rows keep their own bands (they are the benchmark). `l2_weight` is each member's share of
    the ensemble on that date (a yardstick's with its calibrated band when
    `profile.calibrate_yardsticks`; null for L0 buckets and the ensemble).
    """
    days = dict(horizons(targets))
    profile = plan.profile
    facts = band_scales(realised(targets), core, days, profile.band_scale)
    windows = {h: weight_window(profile, d) for h, d in days.items()}
    pool = calibrated_members(members, meta, facts, days, windows, profile)
    ensemble, weights = combine(
        pool,
        windows,
        profile.min_history,
        days,
        profile.member_weighting,
        profile.yardstick_floor,
    )
    if profile.ensemble_band:
        ensemble = calibrated_ensemble(ensemble, facts, days, profile)
    columns = ["as_of_date", "horizon", "member", *QUANTILE_COLUMNS]
    # the yardsticks are published with their own bands: they are the benchmark
    yardsticks = members[members["member"].isin(YARDSTICKS)]
    yardsticks = yardsticks.assign(as_of_date=pd.to_datetime(yardsticks["as_of_date"]))
    models = pool[~pool["member"].isin(YARDSTICKS)]
    everything = pd.concat(
        [models[columns], yardsticks[columns], bucket_members(l0)[columns], ensemble[columns]],
        ignore_index=True,
    )
    lo = pd.Timestamp(plan.start)
    hi = pd.Timestamp(plan.end) if plan.end else everything["as_of_date"].max()
    everything = everything[everything["as_of_date"].between(lo, hi)]
    weights = weights[weights["as_of_date"].between(lo, hi)]
    return priced_backtest(everything, weights, pool["member"].unique(), targets)


BAND_SCALES = ("volatility", "volatility_floor", "none")

# Trailing trade dates whose median volatility floors the "volatility_floor" scale (3 years).
VOLATILITY_FLOOR_DAYS = 756


def band_scales(
    facts: pd.DataFrame, core: pd.DataFrame, days: dict[str, int], band_scale: str
) -> pd.DataFrame:
    """`facts` with `scale`, what conformity scores are divided by: the EWMA daily volatility
    at the as-of close x sqrt(h) ("volatility"); the same with the volatility floored at its
    median over the trailing VOLATILITY_FLOOR_DAYS, so a calm spell does not shrink the band
    below the usual ("volatility_floor"); or 1 ("none")."""
    if band_scale not in BAND_SCALES:
        raise ValueError(f"unknown band_scale {band_scale!r}; use one of {BAND_SCALES}")
    if band_scale == "none":
        return facts.assign(scale=1.0)
    sigma = daily_sigma(core).rename(columns={"trade_date": "as_of_date"})
    if band_scale == "volatility_floor":
        usual = sigma["sigma_daily"].rolling(VOLATILITY_FLOOR_DAYS, min_periods=252).median()
        sigma["sigma_daily"] = np.fmax(sigma["sigma_daily"], usual)
    out = facts.merge(sigma, on="as_of_date", how="left")
    out["scale"] = out["sigma_daily"] * np.sqrt(out["horizon"].map(days).astype(float))
    return out.drop(columns=["sigma_daily"])


def calibrated_members(
    members: pd.DataFrame,
    meta: pd.DataFrame,
    facts: pd.DataFrame,
    days: dict[str, int],
    windows: dict[str, int],
    profile: Profile,
) -> pd.DataFrame:
    """The L2 pool: model members (and L1) with conformal bands, yardsticks with them only if
    `profile.calibrate_yardsticks`.

    `facts`: realised outcomes with the band `scale` of each as-of date (`band_scales`)."""
    pool = pd.concat([members, meta[[*PREDICTION_COLUMNS, *QUANTILE_COLUMNS]]], ignore_index=True)
    pool["as_of_date"] = pd.to_datetime(pool["as_of_date"])
    pool["target_date"] = pd.to_datetime(pool["target_date"])
    pool = pool.merge(facts[[*KEYS, "target_log_return", "scale"]], on=KEYS, how="left")
    calibrated = []
    for (horizon, member), group in pool.groupby(["horizon", "member"], sort=True):
        if member in YARDSTICKS and not profile.calibrate_yardsticks:
            calibrated.append(group)
        else:
            needed = track_record(profile.min_history, days[str(horizon)])
            calibrated.append(calibrate(group, windows[str(horizon)], needed))
    return pd.concat(calibrated, ignore_index=True)


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
    for i, rows in enumerate(past_rows(frame)):
        past = scores[rows[-window:]]
        past = past[~np.isnan(past)]
        if len(past) >= min_history and not np.isnan(scale[i]):
            level = min(1.0, np.ceil((len(past) + 1) * coverage) / len(past))
            adjust[i] = np.quantile(past, level) * scale[i]
    out = frame.copy()
    out["p10"] = np.minimum(frame["p10"] - adjust, frame["p50"])
    out["p90"] = np.maximum(frame["p90"] + adjust, frame["p50"])
    return out


def combine(
    members: pd.DataFrame,
    windows: dict[str, int],
    min_history: int,
    horizon_days: dict[str, int],
    weighting: str = "evidence",
    yardstick_floor: float = 0.0,
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """L2: the members' quantiles averaged per date with `member_weights(frame, weighting)`.

    `members`: as_of_date, horizon, member, p10/p50/p90 (log returns), target_log_return, and
    target_date; `windows`: trailing rows scored per horizon. With "evidence" the weight is
    exp(-(n / h) x (relative past loss - best one's)): n / h independent h-day outcomes behind
    the score times the loss gap in units of the yardsticks' loss (`evidence_weight`). A member
    needs max(min_history, 2 x horizon days) realised predictions; if none qualifies, the
    yardsticks share the weight equally. `yardstick_floor` (`floored`) keeps at least that
    share for the random walks. Returns (ensemble rows, weights).
    """
    frame = scored_members(members, windows, min_history, horizon_days)
    frame["weight"] = floored(frame, member_weights(frame, weighting), yardstick_floor)
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
        days = horizon_days.get(str(horizon), 1)
        needed = track_record(min_history, days)
        ref = reference.loc[str(horizon)] if horizon in reference.index else pd.Series(dtype=float)
        past = relative_past_loss(group, ref, windows[str(horizon)], needed)
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
    out = frame[[*KEYS, "member"]].copy()
    if weighting == "evidence":
        best = frame.groupby(KEYS)["past_loss"].transform("min")
        out["weight"] = evidence_weight(frame["past_loss"], frame["outcomes"], best)
    elif weighting == "equal":
        out["weight"] = frame["past_loss"].notna().astype(float)
    else:
        out["weight"] = 0.0
    no_weight = out.groupby(KEYS)["weight"].transform("sum") == 0
    out.loc[no_weight & out["member"].isin(YARDSTICKS), "weight"] = 1.0
    return out["weight"] / out.groupby(KEYS)["weight"].transform("sum")


def floored(frame: pd.DataFrame, weights: pd.Series, floor: float) -> pd.Series:
    """(1 - floor) x `weights` + floor shared equally by the random walks, per date and
    horizon, so L2 can never give them less than `floor` together (0: `weights` unchanged)."""
    if not 0.0 <= floor <= 1.0:
        raise ValueError(f"yardstick_floor must be within 0..1, got {floor!r}")
    if floor == 0.0:
        return weights
    is_walk = frame["member"].isin(YARDSTICKS).astype(float)
    walks = is_walk.groupby([frame[k] for k in KEYS]).transform("sum")
    share = (is_walk / walks.where(walks > 0)).fillna(0.0)
    return (1.0 - floor) * weights + floor * share


def weighted_ensemble(frame: pd.DataFrame) -> pd.DataFrame:
    """Per date and horizon: the weighted member quantiles, re-sorted so they stay ordered."""
    weighted = frame[KEYS].copy()
    for column in QUANTILE_COLUMNS:
        weighted[column] = frame[column] * frame["weight"]
    ensemble = weighted.groupby(KEYS, as_index=False)[list(QUANTILE_COLUMNS)].sum()
    ensemble[list(QUANTILE_COLUMNS)] = np.sort(ensemble[list(QUANTILE_COLUMNS)].to_numpy(), axis=1)
    ensemble["member"] = "ensemble"
    return ensemble


def weights_table(frame: pd.DataFrame) -> pd.DataFrame:
    """The members with a positive weight: as_of_date, horizon, member, weight, past_loss."""
    weights = frame.loc[
        frame["weight"] > 0, ["as_of_date", "horizon", "member", "weight", "past_loss"]
    ]
    return weights.reset_index(drop=True)


def calibrated_ensemble(
    ensemble: pd.DataFrame, facts: pd.DataFrame, days: dict[str, int], profile: Profile
) -> pd.DataFrame:
    """The L2 ensemble with a last conformal band from its own past errors, per horizon."""
    ensemble = ensemble.merge(
        facts[[*KEYS, "target_log_return", "target_date", "scale"]], on=KEYS, how="left"
    )
    return pd.concat(
        [
            calibrate(
                group,
                evidence_window(
                    profile.ensemble_calibration_window,
                    days[str(horizon)],
                    profile.independent_outcomes,
                ),
                track_record(profile.min_history, days[str(horizon)]),
            )
            for horizon, group in ensemble.groupby("horizon", sort=True)
        ],
        ignore_index=True,
    )


def bucket_members(l0: pd.DataFrame) -> pd.DataFrame:
    """L0 rows named as members (bucket_<name>), reported beside the pool."""
    buckets = l0.assign(member="bucket_" + l0["bucket"])
    buckets["as_of_date"] = pd.to_datetime(buckets["as_of_date"])
    return buckets


def priced_backtest(
    rows: pd.DataFrame, weights: pd.DataFrame, pool: np.ndarray, targets: pd.DataFrame
) -> pd.DataFrame:
    """Rows in cents/lb with target date, actual, close and L2 weight (0 for unweighted pool)."""
    prices = to_prices(rows, targets)
    prices = prices.merge(realised(targets)[[*KEYS, "target_date"]], on=KEYS)
    prices = prices.merge(
        weights[[*KEYS, "member", "weight"]], on=[*KEYS, "member"], how="left"
    ).rename(columns={"weight": "l2_weight"})
    in_pool = prices["member"].isin(pool)
    prices.loc[in_pool, "l2_weight"] = prices.loc[in_pool, "l2_weight"].fillna(0.0)
    ordered_columns = ["as_of_date", "horizon", "target_date", "member", *QUANTILE_COLUMNS]
    prices = prices[[*ordered_columns, "actual", "close", "l2_weight"]]
    return prices.sort_values(["member", "horizon", "as_of_date"]).reset_index(drop=True)


def to_prices(preds: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Log-return quantiles -> cents/lb, joined to today's close and the realised price."""
    facts = realised(targets).drop(columns=["target_date"])
    frame = preds.drop(columns=["target_date"], errors="ignore").merge(facts, on=KEYS, how="inner")
    for column in QUANTILE_COLUMNS:
        frame[column] = frame["close"] * np.exp(frame[column])
    return frame
