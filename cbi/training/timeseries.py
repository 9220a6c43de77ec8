"""Time-series member: AutoGluon TimeSeriesPredictor on the roll-free ZL log-price index.

One fit per walk-forward fold on the index up to the cutoff, with prediction_length equal to
the longest horizon; each as-of date is then one item (the index truncated at that date), so a
whole fold is predicted in one call. Steps are trading days (a regular business-day stand-in
index), so step h is the h-trading-day horizon. The index is built from roll-free daily
returns, so its h-day change omits the roll gaps the continuous-contract target can contain.
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
from cbi.training.profiles import Profile
from cbi.training.registry import FitRecord, fit_record, model_folder, save_record
from cbi.training.splitter import Fold, make_folds

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
    targets: pd.DataFrame, core: pd.DataFrame, profile: Profile, start: str, end: str | None
) -> pd.DataFrame:
    """Walk-forward TimeSeriesPredictor quantiles of the h-day log return for every horizon."""
    index = price_index(core)
    pairs = horizons(targets)
    longest = max(days for _, days in pairs)
    dated = targets.assign(trade_date=pd.to_datetime(targets["trade_date"]))
    target_dates = dated.set_index(["trade_date", "horizon"])["target_date"]
    models = model_list(profile)
    out = []
    for fold in make_folds(index.dates, start, end, profile.cadence):
        as_of = index.dates[(index.dates > fold.cutoff) & (index.dates <= fold.predict_to)]
        if as_of.empty:
            continue
        cut = int(index.position[fold.cutoff])
        record = ts_record(index, fold, cut, models, longest, profile)
        ends = [int(index.position[d]) for d in as_of]
        forecast = fit_and_forecast(index, cut, ends, models, longest, profile, record)
        out.extend(fold_rows(forecast, pairs, as_of, ends, index, target_dates, fold, record))
        log.info(
            "time-series member fold %d: %d as-of dates, %.1fs",
            fold.fold,
            len(as_of),
            record.duration_s,
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
    )


def fit_and_forecast(
    index: PriceIndex,
    cut: int,
    ends: list[int],
    models: dict[str, Any],
    longest: int,
    profile: Profile,
    record: FitRecord,
) -> pd.DataFrame:
    """Fit on the index up to position `cut`, forecast `longest` steps from each end, record it.

    Returns the forecast with item_id, step (1 = the next trading day) and one column per
    quantile level, in log-price units.
    """
    from autogluon.timeseries import TimeSeriesDataFrame, TimeSeriesPredictor

    started = time.perf_counter()
    predictor = TimeSeriesPredictor(
        prediction_length=longest,
        quantile_levels=list(QUANTILES),
        path=str(model_folder(record)),
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
    forecast = predictor.predict(TimeSeriesDataFrame.from_data_frame(index.items(ends)))
    save_record(record, started)
    forecast = forecast.reset_index()
    forecast["step"] = forecast.groupby("item_id").cumcount() + 1
    return forecast


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
        at = forecast[forecast["step"] == days].set_index("item_id")
        for d, e in zip(as_of, ends, strict=True):
            row = at.loc[str(e)]
            levels = np.sort([row[str(q)] for q in QUANTILES]) - index.values.iloc[e]
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
