"""The steps the dbt Python models call: L0 buckets, members (yardsticks, baselines), L1, L2.

Each step takes plain frames read from the marts and returns one long frame of walk-forward
predictions in log-return space, with a `fit_id` wherever a model was fitted.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from tqdm import tqdm

from cbi.training import QUANTILE_COLUMNS, SEED
from cbi.training.data import daily_sigma, horizon_rows, horizons, join_features
from cbi.training.ensemble import YARDSTICKS, calibrate, combine, evidence_window, track_record
from cbi.training.learners import fit_autogluon, fit_direct, load_autogluon, load_direct
from cbi.training.meta import regime_weighted_l1
from cbi.training.profiles import Profile, WalkForwardPlan
from cbi.training.walkforward import Fitter, Loader, walk_forward
from cbi.training.yardsticks import rw_empirical, rw_vol

log = logging.getLogger(__name__)

KEYS = ["as_of_date", "horizon"]
PRED_COLUMNS = ["as_of_date", "target_date", "horizon", "member", "fold", "cutoff", "fit_id"]


def covered_buckets(coverage: pd.DataFrame, available: list[str]) -> list[str]:
    """Buckets to train: `bucket_trained` in `marts.bucket_coverage` (its required sources are
    fresh; a `partial` bucket trains on its fresh features) and present as a mart; logs the
    rest."""
    flags = coverage.groupby("bucket")["bucket_trained"].all()
    chosen = sorted(b for b in available if bool(flags.get(b, False)))
    for bucket in sorted(set(available) | set(flags.index)):
        if bucket not in chosen:
            log.info("bucket %s: not trained (required source stale or no mart), skipped", bucket)
    return chosen


@dataclass(frozen=True)
class Member:
    """One walk-forward member: registry level and name, extra feature blocks, learner (fit
    and load)."""

    level: str
    name: str
    blocks: tuple[pd.DataFrame, ...]
    fitter: Fitter
    loader: Loader
    hyperparameters: dict[str, Any]


def walk_forward_members(
    members: list[Member],
    targets: pd.DataFrame,
    core: pd.DataFrame,
    plan: WalkForwardPlan,
    desc: str,
) -> list[tuple[Member, str, pd.DataFrame]]:
    """Each member x horizon through the walk-forward on the core block plus its own blocks.

    Returns (member, horizon, predictions) in member order, shortest horizon first.
    """
    sigma = daily_sigma(core)
    folds = plan.folds(targets["trade_date"])
    log.info("%s: %d folds, cutoffs %s", desc, len(folds), [str(f.cutoff.date()) for f in folds])
    jobs = [(m, h) for m in members for h, _ in horizons(targets)]
    out = []
    for member, horizon in tqdm(jobs, desc=desc):
        rows = horizon_rows(targets, horizon, sigma)
        panel, features = join_features(rows, core, *member.blocks)
        preds = walk_forward(
            panel,
            features,
            folds,
            member.fitter,
            level=member.level,
            member=member.name,
            horizon=horizon,
            hyperparameters=member.hyperparameters,
            seed=SEED,
            profile=plan.profile.name,
            loader=member.loader,
        )
        out.append((member, horizon, preds))
    return out


def autogluon_fitter(profile: Profile) -> Fitter:
    """The L0 learner: the profile's AutoGluon quantile models, saved in the fit's folder."""

    def fitter(fit, tune, features, path):
        return fit_autogluon(fit, tune, features, profile.l0_hyperparameters, path, SEED)

    return fitter


def direct_fitter(kind: str, rounds: int) -> Fitter:
    """A direct GBM baseline learner (`fit_direct`), its models pickled in the fit's folder."""

    def fitter(fit, tune, features, path):
        return fit_direct(kind, fit, tune, features, rounds, SEED, path)

    return fitter


def bucket_predictions(
    targets: pd.DataFrame,
    core: pd.DataFrame,
    buckets: dict[str, pd.DataFrame],
    coverage: pd.DataFrame,
    plan: WalkForwardPlan,
) -> pd.DataFrame:
    """L0: an AutoGluon quantile specialist per covered bucket x horizon, walk-forward."""
    learner, hyperparameters = autogluon_fitter(plan.profile), plan.profile.l0_hyperparameters
    members = [
        Member("L0", f"bucket_{b}", (buckets[b],), learner, load_autogluon, hyperparameters)
        for b in covered_buckets(coverage, list(buckets))
    ]
    out = []
    for member, horizon, preds in walk_forward_members(
        members, targets, core, plan, desc="L0 bucket specialists"
    ):
        preds.insert(0, "bucket", member.name.removeprefix("bucket_"))
        preds.insert(1, "horizon", horizon)
        out.append(preds)
    return pd.concat(out, ignore_index=True)


def yardstick_predictions(targets: pd.DataFrame, core: pd.DataFrame) -> pd.DataFrame:
    """RW-empirical and RW-vol for every date with three years of history, every horizon.

    They are re-estimated each day from returns realised by that day's close, so their cutoff
    is the as-of date itself.
    """
    sigma = daily_sigma(core)
    out = []
    for horizon, days in horizons(targets):
        rows = horizon_rows(targets, horizon, sigma)
        for member, method in (("rw_empirical", rw_empirical), ("rw_vol", rw_vol)):
            preds = method(rows, days).dropna()
            preds["target_date"] = (
                rows.set_index("trade_date").loc[preds["trade_date"], "target_date"].to_numpy()
            )
            preds = preds.rename(columns={"trade_date": "as_of_date"})
            preds["horizon"] = horizon
            preds["member"] = member
            preds["fold"] = -1
            preds["cutoff"] = preds["as_of_date"]
            preds["fit_id"] = None
            out.append(preds[[*PRED_COLUMNS, *QUANTILE_COLUMNS]])
    return pd.concat(out, ignore_index=True)


def baseline_predictions(
    targets: pd.DataFrame,
    core: pd.DataFrame,
    buckets: dict[str, pd.DataFrame],
    coverage: pd.DataFrame,
    plan: WalkForwardPlan,
) -> pd.DataFrame:
    """Direct LightGBM/CatBoost/XGBoost quantile models on all covered features, walk-forward."""
    blocks = tuple(buckets[b] for b in covered_buckets(coverage, list(buckets)))
    rounds = plan.profile.baseline_rounds
    members = [
        Member(
            "baseline", kind, blocks, direct_fitter(kind, rounds), load_direct, {"rounds": rounds}
        )
        for kind in plan.profile.baselines
    ]
    out = []
    for member, horizon, preds in walk_forward_members(
        members, targets, core, plan, desc="baselines"
    ):
        preds["horizon"] = horizon
        preds["member"] = member.name
        out.append(preds[[*PRED_COLUMNS, *QUANTILE_COLUMNS]])
    return pd.concat(out, ignore_index=True)


def meta_predictions(
    l0: pd.DataFrame,
    targets: pd.DataFrame,
    core: pd.DataFrame,
    plan: WalkForwardPlan,
) -> pd.DataFrame:
    """L1: per horizon, the walk-forward volatility-regime bucket weighting (`cbi.training.meta`).

    Refits at the L0 cutoffs (`plan.folds`) on L0 rows whose target is known
    by the cutoff, over the L2 evidence window; each fit is in the model registry. Returns
    PRED_COLUMNS, regime, p10/p50/p90 and contrib_<bucket> (weight x bucket P50, adding up to
    the L1 P50), log returns, for as-of dates in [plan.start, plan.end].
    """
    sigma = daily_sigma(core)
    profile, folds = plan.profile, plan.folds(targets["trade_date"])
    facts = realised(targets)[["as_of_date", "horizon", "target_log_return"]]
    rows = l0.assign(as_of_date=pd.to_datetime(l0["as_of_date"])).merge(
        facts, on=["as_of_date", "horizon"], how="left"
    )
    out = []
    for horizon, days in horizons(targets):
        preds = regime_weighted_l1(
            rows[rows["horizon"] == horizon],
            sigma,
            folds,
            horizon=horizon,
            horizon_days=days,
            window=weight_window(profile, days),
            min_history=track_record(profile.min_history, days),
            profile=profile.name,
            regimes=profile.l1_regimes,
        )
        preds["horizon"] = horizon
        preds["member"] = "meta_l1"
        out.append(preds)
    meta = pd.concat(out, ignore_index=True)
    contrib = sorted(c for c in meta.columns if c.startswith("contrib_"))
    return meta[[*PRED_COLUMNS, "regime", *QUANTILE_COLUMNS, *contrib]]


def realised(targets: pd.DataFrame) -> pd.DataFrame:
    """as_of_date, horizon, close, actual (cents/lb), target_date, target_log_return."""
    frame = targets.rename(
        columns={
            "trade_date": "as_of_date",
            "close_cents_per_lb": "close",
            "target_close_cents_per_lb": "actual",
        }
    )[["as_of_date", "horizon", "target_date", "close", "actual", "target_log_return"]].copy()
    frame["as_of_date"] = pd.to_datetime(frame["as_of_date"])
    frame["target_date"] = pd.to_datetime(frame["target_date"])
    return frame


def to_prices(preds: pd.DataFrame, targets: pd.DataFrame) -> pd.DataFrame:
    """Log-return quantiles -> cents/lb, joined to today's close and the realised price."""
    facts = realised(targets).drop(columns=["target_date"])
    frame = preds.drop(columns=["target_date"], errors="ignore").merge(
        facts, on=["as_of_date", "horizon"], how="inner"
    )
    for column in QUANTILE_COLUMNS:
        frame[column] = frame["close"] * np.exp(frame[column])
    return frame


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
    ensemble, weights = combine(pool, windows, profile.min_history, days, profile.member_weighting)
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


def weight_window(profile: Profile, horizon_days: int) -> int:
    """Trailing rows that L1, L2 and the member bands learn from at this horizon."""
    return evidence_window(profile.weight_window, horizon_days, profile.independent_outcomes)


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
    pool = pd.concat([members, meta[[*PRED_COLUMNS, *QUANTILE_COLUMNS]]], ignore_index=True)
    pool["as_of_date"] = pd.to_datetime(pool["as_of_date"])
    pool["target_date"] = pd.to_datetime(pool["target_date"])
    pool = pool.merge(facts[[*KEYS, "target_log_return", "scale"]], on=KEYS, how="left")
    calibrated = []
    for (horizon, member), group in pool.groupby(["horizon", "member"], sort=True):
        if member in YARDSTICKS and not profile.calibrate_yardsticks:
            calibrated.append(group)
        else:
            needed = track_record(profile.min_history, days[horizon])
            calibrated.append(calibrate(group, windows[horizon], needed))
    return pd.concat(calibrated, ignore_index=True)


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
                    days[horizon],
                    profile.independent_outcomes,
                ),
                track_record(profile.min_history, days[horizon]),
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
