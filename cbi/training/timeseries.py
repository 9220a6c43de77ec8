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
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from cbi.training import QUANTILE_COLUMNS, QUANTILES, SEED
from cbi.training.data import horizons
from cbi.training.profiles import Profile
from cbi.training.registry import FitRecord, artifact_root, write_record
from cbi.training.splitter import make_folds

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


def _items(index: pd.Series, ends: list[int], stand_in: pd.DatetimeIndex) -> pd.DataFrame:
    """Long frame of items, one per as-of position, each the last CONTEXT_DAYS values."""
    frames = []
    for end in ends:
        lo = max(0, end + 1 - CONTEXT_DAYS)
        frames.append(
            pd.DataFrame(
                {
                    "item_id": str(end),
                    "timestamp": stand_in[lo : end + 1],
                    "target": index.iloc[lo : end + 1].to_numpy(),
                }
            )
        )
    return pd.concat(frames, ignore_index=True)


def ts_predictions(
    targets: pd.DataFrame, core: pd.DataFrame, profile: Profile, start: str, end: str | None
) -> pd.DataFrame:
    """Walk-forward TimeSeriesPredictor quantiles of the h-day log return for every horizon."""
    from autogluon.timeseries import TimeSeriesDataFrame, TimeSeriesPredictor

    core = core.sort_values("trade_date").reset_index(drop=True)
    dates = pd.to_datetime(core["trade_date"])
    index = core["zl_log_return_1d"].fillna(0.0).cumsum()
    stand_in = pd.bdate_range("2000-01-03", periods=len(core))
    position = pd.Series(np.arange(len(core)), index=dates)
    pairs = horizons(targets)
    longest = max(days for _, days in pairs)
    target_dates = targets.assign(trade_date=pd.to_datetime(targets["trade_date"]))
    target_dates = target_dates.set_index(["trade_date", "horizon"])["target_date"]
    models = model_list(profile)
    out = []
    for fold in make_folds(dates, start, end, profile.cadence):
        as_of = dates[(dates > fold.cutoff) & (dates <= fold.predict_to)]
        if as_of.empty:
            continue
        cut = int(position[fold.cutoff])
        record = FitRecord(
            level="timeseries",
            member="timeseries",
            horizon="all",
            fold=fold.fold,
            cutoff=str(fold.cutoff.date()),
            train_start=str(dates.iloc[0].date()),
            train_end=str(fold.cutoff.date()),
            train_target_end=str(fold.cutoff.date()),
            train_rows=cut + 1,
            features=["roll_free_log_price_index"],
            hyperparameters={"models": models, "prediction_length": longest},
            seed=SEED,
            profile=profile.name,
        )
        path = artifact_root() / "models" / record.fit_id
        record.artifact_path = str(path)
        started = time.perf_counter()
        train = TimeSeriesDataFrame.from_data_frame(_items(index, [cut], stand_in))
        predictor = TimeSeriesPredictor(
            prediction_length=longest,
            quantile_levels=list(QUANTILES),
            path=str(path),
            freq="B",
            verbosity=0,
        ).fit(
            train,
            hyperparameters=models,
            time_limit=profile.ts_time_limit_s,
            enable_ensemble=False,
            random_seed=SEED,
            skip_model_selection=len(models) == 1,
        )
        ends = [int(position[d]) for d in as_of]
        forecast = predictor.predict(
            TimeSeriesDataFrame.from_data_frame(_items(index, ends, stand_in))
        )
        record.duration_s = round(time.perf_counter() - started, 3)
        write_record(record)
        forecast = forecast.reset_index()
        forecast["step"] = forecast.groupby("item_id").cumcount() + 1
        for horizon, days in pairs:
            at = forecast[forecast["step"] == days].set_index("item_id")
            for d, e in zip(as_of, ends, strict=True):
                row = at.loc[str(e)]
                levels = np.sort([row[str(q)] for q in QUANTILES]) - index.iloc[e]
                out.append(
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
        log.info(
            "time-series member fold %d: %d as-of dates, %.1fs",
            fold.fold,
            len(as_of),
            record.duration_s,
        )
    return pd.DataFrame(out)
