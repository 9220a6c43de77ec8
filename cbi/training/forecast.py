"""The live forecast table: ensemble quantiles at the latest as-of date, with bucket drivers."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd

from cbi.training.calendar import add_trading_days
from cbi.training.data import horizons
from cbi.training.profiles import Profile

MODEL_VERSION_PREFIX = "cbi-l2"


def latest_forecast(
    backtest: pd.DataFrame, meta: pd.DataFrame, targets: pd.DataFrame, profile: Profile
) -> pd.DataFrame:
    """One row per horizon at the latest as-of date of the ensemble.

    target_date: from the trading calendar in the marts when known, else CME trading days
    (the exchange calendar, see `cbi.training.calendar`). bucket_contributions_cents: JSON of
    each bucket's push on P50 in cents/lb = L2 weight of the meta-learner x its linear
    contribution (log return) x today's close; empty when L1 carries no weight.
    bucket_views_cents: JSON of each L0 bucket specialist's P50 minus today's close (cents/lb),
    what each bucket says on its own whether or not the ensemble trusts it.
    """
    ensemble = backtest[backtest["member"] == "ensemble"]
    as_of = pd.Timestamp(ensemble["as_of_date"].max())
    today = ensemble[ensemble["as_of_date"] == as_of].set_index("horizon")
    on_date = backtest[backtest["as_of_date"] == as_of]
    meta_l1 = on_date[on_date["member"] == "meta_l1"]
    meta_weight = meta_l1.set_index("horizon")["l2_weight"].to_dict()
    meta_today = meta[pd.to_datetime(meta["as_of_date"]) == as_of].set_index("horizon")
    views = on_date[on_date["member"].str.startswith("bucket_")]
    rows: list[dict[str, object]] = []
    for horizon, days in horizons(targets):
        if horizon not in today.index:
            continue
        row = today.loc[horizon]
        target_date = row["target_date"]
        if pd.isna(target_date):
            target_date = add_trading_days(as_of, days)
        weight = float(meta_weight.get(horizon, 0.0) or 0.0)
        rows.append(
            {
                "as_of_date": as_of,
                "horizon": horizon,
                "target_date": pd.Timestamp(target_date),
                "p10": float(row["p10"]),
                "p50": float(row["p50"]),
                "p90": float(row["p90"]),
                "close_cents_per_lb": float(row["close"]),
                "model_version": f"{MODEL_VERSION_PREFIX}-{profile.name}-{as_of.date()}",
                "meta_l1_weight": weight,
                "bucket_contributions_cents": json.dumps(
                    contributions_cents(meta_today, horizon, weight, float(row["close"])),
                    sort_keys=True,
                ),
                "bucket_views_cents": json.dumps(
                    views_cents(views[views["horizon"] == horizon]), sort_keys=True
                ),
            }
        )
    frame = pd.DataFrame(rows)
    frame[["p10", "p50", "p90"]] = np.sort(frame[["p10", "p50", "p90"]].to_numpy(), axis=1)
    return frame


def contributions_cents(
    meta_today: pd.DataFrame, horizon: str, weight: float, close: float
) -> dict[str, float]:
    """Each bucket's push on the ensemble P50 (cents/lb): L2 weight x L1 contribution x close."""
    if horizon not in meta_today.index or weight <= 0:
        return {}
    columns = [c for c in meta_today.columns if c.startswith("contrib_")]
    contributions: dict[str, float] = {}
    for column, value in meta_today[columns].astype(float).loc[horizon].items():
        if pd.notna(value):
            push = weight * float(value) * close
            contributions[str(column).removeprefix("contrib_")] = round(push, 4)
    return contributions


def views_cents(views: pd.DataFrame) -> dict[str, float]:
    """Each L0 bucket's own P50 minus today's close (cents/lb)."""
    return {
        str(member).removeprefix("bucket_"): round(float(p50) - float(close), 4)
        for member, p50, close in views[["member", "p50", "close"]].itertuples(index=False)
    }
