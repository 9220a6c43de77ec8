"""Time-series member: AutoGluon TimeSeriesPredictor on the roll-free ZL log-price index.

One fit per walk-forward fold on the index up to the cutoff, with prediction_length equal to
the longest horizon; each as-of date is then one item (the index truncated at that date), so a
whole fold is predicted in one call. Steps are trading days (a regular business-day stand-in
index), so step h is the h-trading-day horizon. The index is built from roll-free daily
returns, so its h-day change omits the roll gaps the continuous-contract target can contain.
A fold's fit is saved and reused while the index up to its cutoff is unchanged, and items it
forecast before are read back (local models like ETS are estimated on each item when it is
predicted, so predicting, not fitting, is what costs time here).
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cbi.training import QUANTILE_COLUMNS, QUANTILES, SEED
from cbi.training.data import horizons
from cbi.training.profiles import Profile, WalkForwardPlan
from cbi.training.registry import FitRecord, fit_record, predict_reusing_fits, rows_hash
from cbi.training.splitter import Fold

log = logging.getLogger(__name__)

CONTEXT_DAYS = 300
# Foundation models this member can load from a local folder (no hub download).
FOUNDATION_PATHS = {"Chronos": "CBI_CHRONOS_MODEL_PATH"}


def model_list(profile: Profile) -> dict[str, Any]:
    """The profile's local models, plus foundation models whose weights are on disk."""
    models = dict(profile.ts_models)
    for name in profile.foundation_models:
        variable = FOUNDATION_PATHS.get(name)
        if variable is None:
            log.info("time-series member: %s skipped (not supported as a local model)", name)
            continue
        path = os.environ.get(variable, "")
        if path and Path(path).exists():
            models[name] = {"model_path": path}
        else:
            log.info("time-series member: %s skipped (no local weights; set %s)", name, variable)
    return models


@dataclass(frozen=True)
class PriceIndex:
    """The roll-free ZL log-price index by trade date, on a stand-in business-day axis."""

    dates: pd.Series
    values: pd.Series
    stand_in: pd.DatetimeIndex
    position: pd.Series

    def items(self, ends: list[int]) -> pd.DataFrame:
        """Long frame of items, one per as-of position, each the last CONTEXT_DAYS values."""
        frames = []
        for end in ends:
            lo = max(0, end + 1 - CONTEXT_DAYS)
            frames.append(
                pd.DataFrame(
                    {
                        "item_id": str(end),
                        "timestamp": self.stand_in[lo : end + 1],
                        "target": self.values.iloc[lo : end + 1].to_numpy(),
                    }
                )
            )
        return pd.concat(frames, ignore_index=True)

    def item_keys(self, ends: list[int]) -> pd.Series:
        """One 64-bit key per item, from its timestamps and values (what a forecast sees)."""
        items = self.items(ends).groupby("item_id", sort=False)
        keys = [int(rows_hash(item[["timestamp", "target"]]), 16) for _, item in items]
        return pd.Series(np.array(keys, dtype=np.uint64))


def price_index(core: pd.DataFrame) -> PriceIndex:
    """Cumulative roll-free daily log returns of `core`, in trade-date order."""
    core = core.sort_values("trade_date").reset_index(drop=True)
    dates = pd.to_datetime(core["trade_date"])
    return PriceIndex(
        dates=dates,
        values=core["zl_log_return_1d"].fillna(0.0).cumsum(),
        stand_in=pd.bdate_range("2000-01-03", periods=len(core)),
        position=pd.Series(np.arange(len(core)), index=dates),
    )


def ts_predictions(
    targets: pd.DataFrame, core: pd.DataFrame, plan: WalkForwardPlan
) -> pd.DataFrame:
    """Walk-forward TimeSeriesPredictor quantiles of the h-day log return for every horizon."""
    index = price_index(core)
    pairs = horizons(targets)
    longest = max(days for _, days in pairs)
    dated = targets.assign(trade_date=pd.to_datetime(targets["trade_date"]))
    target_dates = dated.set_index(["trade_date", "horizon"])["target_date"]
    profile = plan.profile
    models = model_list(profile)
    out = []
    for fold in plan.folds(index.dates):
        as_of = index.dates[(index.dates > fold.cutoff) & (index.dates <= fold.predict_to)]
        if as_of.empty:
            continue
        started = time.perf_counter()
        cut = int(index.position[fold.cutoff])
        record = ts_record(index, fold, cut, models, longest, profile)
        ends = [int(index.position[d]) for d in as_of]
        forecast = fit_and_forecast(index, cut, ends, models, pairs, profile, record)
        out.extend(fold_rows(forecast, pairs, as_of, ends, index, target_dates, fold, record))
        log.info(
            "time-series member fold %d: %d as-of dates, %.1fs%s",
            fold.fold,
            len(as_of),
            time.perf_counter() - started,
            " (fit reused)" if record.reused else "",
        )
    return pd.DataFrame(out)


def ts_record(
    index: PriceIndex,
    fold: Fold,
    cut: int,
    models: dict[str, Any],
    longest: int,
    profile: Profile,
) -> FitRecord:
    """The registry record of one fold's fit on the index up to position `cut` (the cutoff)."""
    trained = index.dates.iloc[: cut + 1]
    return fit_record(
        level="timeseries",
        member="timeseries",
        horizon="all",
        fold=fold,
        as_of_dates=trained,
        target_dates=trained,
        rows=cut + 1,
        features=["roll_free_log_price_index"],
        hyperparameters={"models": models, "prediction_length": longest},
        seed=SEED,
        profile=profile.name,
        train_hash=rows_hash(index.items([cut])),
    )


def fit_and_forecast(
    index: PriceIndex,
    cut: int,
    ends: list[int],
    models: dict[str, Any],
    pairs: list[tuple[str, int]],
    profile: Profile,
    record: FitRecord,
) -> pd.DataFrame:
    """Fit on the index up to position `cut` (or reuse that fit), forecast from each end.

    Returns one row per end, in order, with a column `<quantile>@<step>` (log-price units) for
    each quantile level and horizon step in `pairs`. Items the saved fit forecast before are
    read back rather than forecast again.
    """
    from autogluon.timeseries import TimeSeriesDataFrame, TimeSeriesPredictor

    longest = max(days for _, days in pairs)

    def fit(folder: Path) -> TimeSeriesPredictor:
        return TimeSeriesPredictor(
            prediction_length=longest,
            quantile_levels=list(QUANTILES),
            path=str(folder),
            freq="B",
            verbosity=0,
        ).fit(
            TimeSeriesDataFrame.from_data_frame(index.items([cut])),
            hyperparameters=models,
            time_limit=profile.ts_time_limit_s,
            enable_ensemble=False,
            random_seed=SEED,
            skip_model_selection=len(models) == 1,
        )

    def load(folder: Path) -> TimeSeriesPredictor:
        return TimeSeriesPredictor.load(str(folder))

    def forecast(predictor: TimeSeriesPredictor, mask: np.ndarray) -> pd.DataFrame:
        chosen = [e for e, m in zip(ends, mask, strict=True) if m]
        long = predictor.predict(TimeSeriesDataFrame.from_data_frame(index.items(chosen)))
        long = pd.DataFrame(long).reset_index()
        long["step"] = long.groupby("item_id").cumcount() + 1
        long = long[long["step"].isin([days for _, days in pairs])]
        wide = long.pivot(index="item_id", columns="step", values=[str(q) for q in QUANTILES])
        wide.columns = wide.columns.map(lambda column: f"{column[0]}@{column[1]}")
        return wide.loc[[str(e) for e in chosen]].reset_index(drop=True)

    return predict_reusing_fits(record, index.item_keys(ends), fit, load, forecast)


def fold_rows(
    forecast: pd.DataFrame,
    pairs: list[tuple[str, int]],
    as_of: pd.Series,
    ends: list[int],
    index: PriceIndex,
    target_dates: pd.Series,
    fold: Fold,
    record: FitRecord,
) -> list[dict[str, Any]]:
    """One row per horizon and as-of date: the h-step quantiles minus the as-of index level."""
    rows = []
    for horizon, days in pairs:
        for i, (d, e) in enumerate(zip(as_of, ends, strict=True)):
            row = forecast.iloc[i]
            levels = np.sort([row[f"{q}@{days}"] for q in QUANTILES]) - index.values.iloc[e]
            rows.append(
                {
                    "as_of_date": d,
                    "target_date": target_dates.get((d, horizon)),
                    "horizon": horizon,
                    "member": "timeseries",
                    "fold": fold.fold,
                    "cutoff": fold.cutoff,
                    "fit_id": record.fit_id,
                    **dict(zip(QUANTILE_COLUMNS, levels, strict=True)),
                }
            )
    return rows
