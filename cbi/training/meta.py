"""L1: a walk-forward, volatility-regime-conditional weighting of the L0 bucket specialists.

At each refit cutoff (the L0 folds), per horizon, L1 learns from the L0 out-of-fold rows whose
outcome was known by the cutoff (target date <= cutoff), over the same trailing evidence window
as L2. The regime feature is the EWMA daily volatility at the as-of close; the low/high
boundary is the median of that volatility over those training rows. Within each regime every
bucket gets the evidence weight L2 also uses (`cbi.training.evidence.evidence_weight`) from
its pinball loss relative to the mean bucket's on the same rows: with thin evidence the
weights stay equal, which is the plain bucket average, and only a gap sustained over many
independent outcomes concentrates them on the better buckets. Rows after the cutoff, up to
the next one, are predicted with the weights of their own regime.

Why not a fitted regression: a linear quantile regression on the bucket views, refitted yearly
on a few hundred overlapping out-of-fold rows, was worse than the random walk at every horizon
in the 2015-2024 walk-forward (1m pinball 1.14 vs 0.86 c/lb). A convex weighting has one free
parameter per bucket and regime, shrunk to equal weights by the evidence rule, so it cannot do
much worse than the average, and a weighted average of ordered quantiles stays ordered.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from cbi.training import QUANTILE_COLUMNS, SEED
from cbi.training.data import daily_sigma, horizons, realised
from cbi.training.evidence import (
    evidence_weight,
    loss_ratio,
    row_losses,
    track_record,
    weight_window,
)
from cbi.training.profiles import WalkForwardPlan
from cbi.training.registry import FitRecord, fit_or_load, fit_record, rows_hash
from cbi.training.splitter import Fold
from cbi.training.tables import PREDICTION_COLUMNS

REGIMES = 2  # low / high volatility, split at the training rows' median
WEIGHTS_FILE = "l1_weights.json"
# What an L1 fit learns from, per L0 row (hashed in as-of date and bucket order for its id).
TRAIN_COLUMNS = ["as_of_date", "target_date", "bucket", *QUANTILE_COLUMNS, "target_log_return"]


def meta_predictions(
    l0: pd.DataFrame,
    targets: pd.DataFrame,
    core: pd.DataFrame,
    plan: WalkForwardPlan,
) -> pd.DataFrame:
    """L1 for every horizon: `regime_weighted_l1` on the L0 rows joined to their outcomes.

    Refits at the L0 cutoffs (`plan.folds`) on L0 rows whose target is known by the cutoff,
    over the L2 evidence window; each fit is in the model registry. Returns
    PREDICTION_COLUMNS, regime, p10/p50/p90 and contrib_<bucket> (weight x bucket P50, adding
    up to the L1 P50), log returns, for as-of dates in [plan.start, plan.end].
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
    return meta[[*PREDICTION_COLUMNS, "regime", *QUANTILE_COLUMNS, *contrib]]


def regime_boundaries(sigma: np.ndarray, regimes: int = REGIMES) -> np.ndarray:
    """Volatility levels splitting the training rows into `regimes` equal-count groups.

    Estimated from training rows only; no rows (or no known volatility) means one regime.
    """
    known = sigma[~np.isnan(sigma)]
    if len(known) == 0:
        return np.array([])
    return np.quantile(known, np.arange(1, regimes) / regimes)


def regime_of(sigma: np.ndarray, boundaries: np.ndarray) -> np.ndarray:
    """Regime number of each volatility level (0 = calmest, a level on a boundary is the lower
    regime); unknown volatility -> regime 0."""
    return np.searchsorted(boundaries, np.nan_to_num(sigma, nan=-np.inf), side="left")


def bucket_weights(
    train: pd.DataFrame, buckets: list[str], horizon_days: int, min_history: int
) -> dict[str, float]:
    """Evidence weights of `buckets` from their past pinball loss on `train` (sum to 1).

    `train`: long L0 rows (as_of_date, bucket, p10/p50/p90, target_log_return) of one regime.
    Each bucket's loss is compared with the mean bucket loss on the same as-of dates; a bucket
    with fewer than `min_history` scored rows gets weight 0, and if none has enough, all get
    equal weight (the plain average).
    """
    equal = {b: 1.0 / len(buckets) for b in buckets}
    if train.empty:
        return equal
    losses = train.assign(loss=row_losses(train)).pivot_table(
        index="as_of_date", columns="bucket", values="loss"
    )
    losses = losses.reindex(columns=buckets)
    reference = losses.mean(axis=1).to_numpy()
    scores = [loss_ratio(losses[b].to_numpy(), reference, min_history) for b in buckets]
    ratios = np.array([r for r, _ in scores])
    if np.isnan(ratios).all():
        return equal
    outcomes = np.array([n for _, n in scores]) / max(horizon_days, 1)
    weights = evidence_weight(ratios, outcomes, np.nanmin(ratios))
    return dict(zip(buckets, weights / weights.sum(), strict=True))


def weighted_rows(rows: pd.DataFrame, weights: dict[str, float]) -> pd.DataFrame:
    """One output row per as-of date: weighted bucket quantiles and contrib_<bucket> = w x P50.

    Weights are renormalised over the buckets present on each date (a bucket whose fold was
    skipped is simply absent); if all present buckets have weight 0 they share it equally.
    """
    frame = rows.assign(w=rows["bucket"].map(weights).fillna(0.0))
    total = frame.groupby("as_of_date")["w"].transform("sum")
    count = frame.groupby("as_of_date")["bucket"].transform("count")
    frame["w"] = np.where(total > 0, frame["w"] / total.where(total > 0, 1.0), 1.0 / count)
    for column in QUANTILE_COLUMNS:
        frame[column] = frame[column] * frame["w"]
    out = frame.groupby("as_of_date")[list(QUANTILE_COLUMNS)].sum()
    out["target_date"] = frame.groupby("as_of_date")["target_date"].first()
    contrib = frame.pivot_table(index="as_of_date", columns="bucket", values="p50", aggfunc="sum")
    for bucket in contrib.columns:
        out[f"contrib_{bucket}"] = contrib[bucket]
    return out.reset_index()


def regime_weighted_l1(
    l0: pd.DataFrame,
    sigma: pd.DataFrame,
    folds: list[Fold],
    *,
    horizon: str,
    horizon_days: int,
    window: int,
    min_history: int,
    profile: str,
    regimes: int = REGIMES,
) -> pd.DataFrame:
    """Walk-forward L1 for one horizon: refit the regime bucket weights at each fold's cutoff.

    `l0`: that horizon's `training.bucket_predictions` rows joined to target_log_return (NaN
    while unknown); `sigma`: trade_date, sigma_daily; `window`: trailing known rows (as-of
    dates) to learn from; `regimes`: volatility groups (1: one set of weights). Each fold
    learns only from rows with target_date <= cutoff and predicts as-of dates in
    (cutoff, predict_to]. A fold with known rows is recorded in the
    model registry (level L1, learned boundaries and weights in its artifact JSON) and its rows
    carry that fit_id; a fold with none yet uses equal weights and has no fit_id. Weights saved
    by an earlier run on the same rows are read back instead of being learned again.
    Returns as_of_date, target_date, fold, cutoff, fit_id, regime, p10/p50/p90, contrib_*.
    """
    frame = with_sigma(l0, sigma)
    buckets = sorted(frame["bucket"].unique())
    out = []
    for fold in folds:
        ahead = frame[
            (frame["as_of_date"] > fold.cutoff) & (frame["as_of_date"] <= fold.predict_to)
        ]
        if ahead.empty:
            continue
        train = known_rows(frame, fold, window)
        record = l1_record(train, fold, buckets, horizon, window, min_history, profile, regimes)
        boundaries, weights, fit_id = fold_weights(
            train, record, buckets, horizon_days, min_history, regimes
        )
        out.extend(predict_regimes(ahead, boundaries, weights, fold, fit_id))
    return l1_table(out, buckets)


def with_sigma(l0: pd.DataFrame, sigma: pd.DataFrame) -> pd.DataFrame:
    """L0 rows with datetime dates and the EWMA daily volatility at each as-of close."""
    frame = l0.copy()
    frame["as_of_date"] = pd.to_datetime(frame["as_of_date"])
    frame["target_date"] = pd.to_datetime(frame["target_date"])
    levels = sigma.assign(trade_date=pd.to_datetime(sigma["trade_date"])).set_index("trade_date")
    frame["sigma_daily"] = levels["sigma_daily"].reindex(frame["as_of_date"]).to_numpy()
    return frame


def known_rows(frame: pd.DataFrame, fold: Fold, window: int) -> pd.DataFrame:
    """Rows whose outcome was known by the cutoff, on the last `window` such as-of dates."""
    known = frame[(frame["target_date"] <= fold.cutoff) & frame["target_log_return"].notna()]
    dates = np.sort(known["as_of_date"].unique())[-window:]
    return known[known["as_of_date"].isin(dates)]


def fit_regimes(
    train: pd.DataFrame,
    buckets: list[str],
    horizon_days: int,
    min_history: int,
    regimes: int = REGIMES,
) -> tuple[np.ndarray, dict[int, dict[str, float]]]:
    """Volatility boundaries of the training rows and each regime's bucket weights."""
    boundaries = regime_boundaries(
        train.drop_duplicates("as_of_date")["sigma_daily"].to_numpy(dtype=float), regimes
    )
    train_regime = regime_of(train["sigma_daily"].to_numpy(dtype=float), boundaries)
    weights = {
        r: bucket_weights(train[train_regime == r], buckets, horizon_days, min_history)
        for r in range(len(boundaries) + 1)
    }
    return boundaries, weights


def fold_weights(
    train: pd.DataFrame,
    record: FitRecord | None,
    buckets: list[str],
    horizon_days: int,
    min_history: int,
    regimes: int,
) -> tuple[np.ndarray, dict[int, dict[str, float]], str | None]:
    """One fold's volatility boundaries, regime weights and the fit_id behind them.

    Learnt from the fold's known rows, or read back when `record`'s fit was saved by an
    earlier run; with no known row yet (no record) the weights are equal and there is no fit.
    """
    if record is None:
        return (*fit_regimes(train, buckets, horizon_days, min_history, regimes), None)

    def learn(folder: Path) -> Regimes:
        return save_weights(
            folder, *fit_regimes(train, buckets, horizon_days, min_history, regimes)
        )

    boundaries, weights = fit_or_load(record, learn, load_weights)
    return boundaries, weights, record.fit_id


def predict_regimes(
    ahead: pd.DataFrame,
    boundaries: np.ndarray,
    weights: dict[int, dict[str, float]],
    fold: Fold,
    fit_id: str | None,
) -> list[pd.DataFrame]:
    """The fold's predicted rows, each as-of date weighted with its own regime's weights."""
    ahead = ahead.assign(regime=regime_of(ahead["sigma_daily"].to_numpy(dtype=float), boundaries))
    out = []
    for regime in np.unique(ahead["regime"]):
        rows = ahead[ahead["regime"] == regime]
        preds = weighted_rows(rows, weights[int(regime)])
        preds["regime"] = int(regime)
        preds["fold"] = fold.fold
        preds["cutoff"] = fold.cutoff
        preds["fit_id"] = fit_id
        out.append(preds)
    return out


def l1_table(out: list[pd.DataFrame], buckets: list[str]) -> pd.DataFrame:
    """All folds' rows in as-of order with the L1 columns (an empty table if none)."""
    columns = ["as_of_date", "target_date", "fold", "cutoff", "fit_id", "regime"]
    if not out:
        return pd.DataFrame(columns=[*columns, *QUANTILE_COLUMNS])
    result = pd.concat(out, ignore_index=True).sort_values("as_of_date")
    contrib = [f"contrib_{b}" for b in buckets if f"contrib_{b}" in result.columns]
    return result[[*columns, *QUANTILE_COLUMNS, *contrib]].reset_index(drop=True)


def l1_record(
    train: pd.DataFrame,
    fold: Fold,
    buckets: list[str],
    horizon: str,
    window: int,
    min_history: int,
    profile: str,
    regimes: int = REGIMES,
) -> FitRecord | None:
    """The registry record of one L1 fit: its features are the volatility and bucket views.

    None without a known row: nothing is learnt, so there is no fit.
    """
    if train.empty:
        return None
    return fit_record(
        level="L1",
        member="meta_l1",
        horizon=horizon,
        fold=fold,
        as_of_dates=train["as_of_date"],
        target_dates=train["target_date"],
        rows=int(train["as_of_date"].nunique()),
        features=["sigma_daily", *[f"bucket_{b}" for b in buckets]],
        hyperparameters={"regimes": regimes, "window_rows": window, "min_history": min_history},
        seed=SEED,
        profile=profile,
        train_hash=rows_hash(
            train.sort_values(["as_of_date", "bucket"])[[*TRAIN_COLUMNS, "sigma_daily"]]
        ),
    )


Regimes = tuple[np.ndarray, dict[int, dict[str, float]]]


def save_weights(
    folder: Path, boundaries: np.ndarray, weights: dict[int, dict[str, float]]
) -> Regimes:
    """Write the learned boundaries and weights to the fit's folder; returns them."""
    folder.mkdir(parents=True, exist_ok=True)
    learned = {"regime_boundaries": boundaries.tolist(), "weights": weights}
    (folder / WEIGHTS_FILE).write_text(json.dumps(learned, sort_keys=True))
    return boundaries, weights


def load_weights(folder: Path) -> Regimes:
    """The boundaries and weights `save_weights` wrote (JSON floats read back exactly)."""
    learned = json.loads((folder / WEIGHTS_FILE).read_text())
    weights = {int(regime): w for regime, w in learned["weights"].items()}
    return np.array(learned["regime_boundaries"], dtype=float), weights
