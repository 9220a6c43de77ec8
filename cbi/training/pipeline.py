"""The steps the dbt Python models call: L0 buckets, members (yardsticks, baselines), L1, L2.

Each step takes plain frames read from the marts and returns one long frame of walk-forward
predictions in log-return space, with a `fit_id` wherever a model was fitted.
"""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from tqdm import tqdm

from cbi.training import QUANTILE_COLUMNS, SEED
from cbi.training.data import daily_sigma, horizon_rows, horizons, join_features
from cbi.training.ensemble import YARDSTICKS, calibrate, combine, evidence_window
from cbi.training.learners import fit_autogluon, fit_direct
from cbi.training.meta import regime_weighted_l1
from cbi.training.profiles import Profile
from cbi.training.splitter import make_folds
from cbi.training.walkforward import walk_forward
from cbi.training.yardsticks import rw_empirical, rw_vol

log = logging.getLogger(__name__)

PRED_COLUMNS = ["as_of_date", "target_date", "horizon", "member", "fold", "cutoff", "fit_id"]


def covered_buckets(coverage: pd.DataFrame, available: list[str]) -> list[str]:
    """Buckets to train: covered in `marts.bucket_coverage` and present as a mart; logs the rest."""
    flags = coverage.groupby("bucket")["bucket_covered"].all()
    chosen = sorted(b for b in available if bool(flags.get(b, False)))
    for bucket in sorted(set(available) | set(flags.index)):
        if bucket not in chosen:
            log.info("bucket %s: not covered (or no feature mart), skipped in training", bucket)
    return chosen


def bucket_predictions(
    targets: pd.DataFrame,
    core: pd.DataFrame,
    buckets: dict[str, pd.DataFrame],
    coverage: pd.DataFrame,
    profile: Profile,
    start: str,
    end: str | None,
) -> pd.DataFrame:
    """L0: an AutoGluon quantile specialist per covered bucket x horizon, walk-forward."""
    sigma = daily_sigma(core)
    folds = make_folds(targets["trade_date"], start, end, profile.cadence)
    log.info("L0: %d folds, cutoffs %s", len(folds), [str(f.cutoff.date()) for f in folds])
    jobs = [(b, h) for b in covered_buckets(coverage, list(buckets)) for h, _ in horizons(targets)]
    out = []
    for bucket, horizon in tqdm(jobs, desc="L0 bucket specialists"):
        panel, features = join_features(
            horizon_rows(targets, horizon, sigma), core, buckets[bucket]
        )

        def fitter(fit, tune, feats, path):
            return fit_autogluon(
                fit, tune, feats, profile.l0_hyperparameters, profile.l0_time_limit_s, path, SEED
            )

        preds = walk_forward(
            panel,
            features,
            folds,
            fitter,
            level="L0",
            member=f"bucket_{bucket}",
            horizon=horizon,
            hyperparameters=profile.l0_hyperparameters,
            seed=SEED,
            profile=profile.name,
        )
        preds.insert(0, "bucket", bucket)
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
    profile: Profile,
    start: str,
    end: str | None,
) -> pd.DataFrame:
    """Direct LightGBM/CatBoost/XGBoost quantile models on all covered features, walk-forward."""
    sigma = daily_sigma(core)
    folds = make_folds(targets["trade_date"], start, end, profile.cadence)
    blocks = [buckets[b] for b in covered_buckets(coverage, list(buckets))]
    out = []
    jobs = [(k, h) for k in profile.baselines for h, _ in horizons(targets)]
    for kind, horizon in tqdm(jobs, desc="baselines"):
        panel, features = join_features(horizon_rows(targets, horizon, sigma), core, *blocks)
        hyper = {"rounds": profile.baseline_rounds}

        def fitter(fit, tune, feats, path, kind=kind):
            return fit_direct(kind, fit, tune, feats, profile.baseline_rounds, SEED)

        preds = walk_forward(
            panel,
            features,
            folds,
            fitter,
            level="baseline",
            member=kind,
            horizon=horizon,
            hyperparameters=hyper,
            seed=SEED,
            profile=profile.name,
        )
        preds["horizon"] = horizon
        preds["member"] = kind
        out.append(preds[[*PRED_COLUMNS, *QUANTILE_COLUMNS]])
    return pd.concat(out, ignore_index=True)


def meta_predictions(
    l0: pd.DataFrame,
    targets: pd.DataFrame,
    core: pd.DataFrame,
    profile: Profile,
    start: str,
    end: str | None,
) -> pd.DataFrame:
    """L1: per horizon, the walk-forward volatility-regime bucket weighting (`cbi.training.meta`).

    Refits at the L0 cutoffs (`profile.cadence` from `start`) on L0 rows whose target is known
    by the cutoff, over the L2 evidence window; each fit is in the model registry. Returns
    PRED_COLUMNS, regime, p10/p50/p90 and contrib_<bucket> (weight x bucket P50, adding up to
    the L1 P50), log returns, for as-of dates in [start, end].
    """
    sigma = daily_sigma(core)
    folds = make_folds(targets["trade_date"], start, end, profile.cadence)
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
            window=evidence_window(profile.weight_window, days, profile.independent_outcomes),
            min_history=max(profile.min_history, 2 * days),
            profile=profile.name,
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
    profile: Profile,
    start: str,
    end: str | None,
) -> pd.DataFrame:
    """Every member's walk-forward predictions plus the L2 ensemble, in cents/lb.

    Model members (baselines, time-series, L1) get conformal bands from their own past errors
    before L2 weighs them; yardsticks are used as they are. The weighted ensemble gets a last
    conformal band from its own past errors over a longer window. Every window (member bands,
    L2 scores, ensemble band) holds at least `profile.independent_outcomes` non-overlapping
    h-day outcomes, since a one-year window holds only ~2 of them at 6 months. A band is only
    recalibrated once max(min_history, 2 x horizon days) past errors are known. L0 buckets are
    reported but only enter the ensemble through L1 (their average). Rows are limited to as-of
    dates in [start, end]; earlier yardstick rows still feed the past losses. `l2_weight` is
    each member's share of the ensemble on that date (null for L0 buckets and the ensemble).
    """
    facts = realised(targets)[["as_of_date", "horizon", "target_log_return"]]
    keys = ["as_of_date", "horizon"]
    model_members = pd.concat(
        [members, meta[[*PRED_COLUMNS, *QUANTILE_COLUMNS]]], ignore_index=True
    )
    model_members["as_of_date"] = pd.to_datetime(model_members["as_of_date"])
    model_members["target_date"] = pd.to_datetime(model_members["target_date"])
    model_members = model_members.merge(facts, on=keys, how="left")
    calibrated = []
    days = dict(horizons(targets))
    windows = {
        h: evidence_window(profile.weight_window, d, profile.independent_outcomes)
        for h, d in days.items()
    }
    for (horizon, member), group in model_members.groupby(["horizon", "member"], sort=True):
        if member in YARDSTICKS:
            calibrated.append(group)
        else:
            needed = max(profile.min_history, 2 * days[horizon])
            calibrated.append(calibrate(group, windows[horizon], needed))
    pool = pd.concat(calibrated, ignore_index=True)
    ensemble, weights = combine(pool, windows, profile.min_history, days)
    ensemble = ensemble.merge(facts, on=keys, how="left").merge(
        realised(targets)[[*keys, "target_date"]], on=keys, how="left"
    )
    ensemble = pd.concat(
        [
            calibrate(
                group,
                evidence_window(
                    profile.ensemble_calibration_window,
                    days[horizon],
                    profile.independent_outcomes,
                ),
                max(profile.min_history, 2 * days[horizon]),
            )
            for horizon, group in ensemble.groupby("horizon", sort=True)
        ],
        ignore_index=True,
    )
    buckets = l0.assign(member="bucket_" + l0["bucket"])
    buckets["as_of_date"] = pd.to_datetime(buckets["as_of_date"])
    columns = ["as_of_date", "horizon", "member", *QUANTILE_COLUMNS]
    everything = pd.concat([pool[columns], buckets[columns], ensemble[columns]], ignore_index=True)
    lo = pd.Timestamp(start)
    hi = pd.Timestamp(end) if end else everything["as_of_date"].max()
    everything = everything[everything["as_of_date"].between(lo, hi)]
    weights = weights[weights["as_of_date"].between(lo, hi)]
    prices = to_prices(everything, targets)
    prices = prices.merge(realised(targets)[["as_of_date", "horizon", "target_date"]], on=keys)
    prices = prices.merge(
        weights[["as_of_date", "horizon", "member", "weight"]], on=[*keys, "member"], how="left"
    ).rename(columns={"weight": "l2_weight"})
    in_pool = prices["member"].isin(pool["member"].unique())
    prices.loc[in_pool, "l2_weight"] = prices.loc[in_pool, "l2_weight"].fillna(0.0)
    ordered_columns = ["as_of_date", "horizon", "target_date", "member", *QUANTILE_COLUMNS]
    prices = prices[[*ordered_columns, "actual", "close", "l2_weight"]]
    return prices.sort_values(["member", "horizon", "as_of_date"]).reset_index(drop=True)
