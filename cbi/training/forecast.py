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
    (weekdays minus holidays, see `cbi.training.calendar`). bucket_contributions_cents: JSON of
    each bucket's push on P50 in cents/lb = L2 weight of the meta-learner x its linear
    contribution (log return) x today's close; empty when L1 carries no weight.
    bucket_views_cents: JSON of each L0 bucket specialist's P50 minus today's close (cents/lb),
    what each bucket says on its own whether or not the ensemble trusts it.
    """
    ensemble = backtest[backtest["member"] == "ensemble"]
    as_of = pd.Timestamp(ensemble["as_of_date"].max())
    today = ensemble[ensemble["as_of_date"] == as_of].set_index("horizon")
    weights = backtest[(backtest["as_of_date"] == as_of) & (backtest["member"] == "meta_l1")]
    meta_weight = weights.set_index("horizon")["l2_weight"].to_dict()
    meta_today = meta[pd.to_datetime(meta["as_of_date"]) == as_of].set_index("horizon")
    contrib_columns = [c for c in meta.columns if c.startswith("contrib_")]
    views = backtest[
        (backtest["as_of_date"] == as_of) & backtest["member"].str.startswith("bucket_")
    ]
    rows = []
    for horizon, days in horizons(targets):
        if horizon not in today.index:
            continue
        row = today.loc[horizon]
        target_date = row["target_date"]
        if pd.isna(target_date):
            target_date = add_trading_days(as_of, days)
        contributions = {}
        weight = float(meta_weight.get(horizon, 0.0) or 0.0)
        if horizon in meta_today.index and weight > 0:
            for column in contrib_columns:
                value = meta_today.loc[horizon, column]
                if pd.notna(value):
                    cents = weight * float(value) * float(row["close"])
                    contributions[column.removeprefix("contrib_")] = round(cents, 4)
        bucket_views = {
            view.member.removeprefix("bucket_"): round(float(view.p50 - view.close), 4)
            for view in views[views["horizon"] == horizon].itertuples()
        }
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
                "bucket_contributions_cents": json.dumps(contributions, sort_keys=True),
                "bucket_views_cents": json.dumps(bucket_views, sort_keys=True),
            }
        )
    frame = pd.DataFrame(rows)
    frame[["p10", "p50", "p90"]] = np.sort(frame[["p10", "p50", "p90"]].to_numpy(), axis=1)
    return frame
