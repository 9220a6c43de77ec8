"""L1: the equal-weight average of the L0 bucket specialists' quantiles, with bucket contributions.

Why not a fitted meta-learner: a linear quantile regression on the bucket views, refitted
yearly on a few hundred overlapping out-of-fold rows, was worse than the random walk at every
horizon in the 2015-2024 walk-forward (1m pinball 1.14 vs 0.86 c/lb). The plain average of the
bucket quantiles has no parameter to estimate, so it cannot overfit and cannot leak: each of
its rows is built only from L0 predictions for that same as-of date, which are out-of-fold by
construction. Its band is later recalibrated on its own past errors like every model member.
"""

from __future__ import annotations

import pandas as pd

from cbi.training import QUANTILE_COLUMNS


def bucket_average(l0: pd.DataFrame) -> pd.DataFrame:
    """Per as-of date and horizon: the mean P10/P50/P90 over the buckets that predicted it.

    `l0`: rows of `training.bucket_predictions` (bucket, horizon, as_of_date, target_date,
    fold, cutoff, p10/p50/p90 in log returns). Returns as_of_date, horizon, target_date, fold,
    cutoff (the latest L0 cutoff behind the row), p10/p50/p90 and contrib_<bucket> = that
    bucket's P50 / number of buckets, so the contributions add up exactly to the L1 P50.
    Averaging quantile by quantile keeps p10 <= p50 <= p90 when every bucket's are ordered.
    """
    if l0.empty:
        return pd.DataFrame(
            columns=["as_of_date", "horizon", "target_date", "fold", "cutoff", *QUANTILE_COLUMNS]
        )
    frame = l0.assign(as_of_date=pd.to_datetime(l0["as_of_date"]))
    keys = ["as_of_date", "horizon"]
    grouped = frame.groupby(keys, sort=True)
    out = grouped[list(QUANTILE_COLUMNS)].mean()
    out["target_date"] = grouped["target_date"].first()
    out["fold"] = grouped["fold"].max()
    out["cutoff"] = grouped["cutoff"].max()
    count = grouped["bucket"].nunique()
    views = frame.pivot_table(index=keys, columns="bucket", values="p50")
    for bucket in views.columns:
        out[f"contrib_{bucket}"] = (views[bucket] / count).reindex(out.index)
    out = out.reset_index()
    return out[
        [
            "as_of_date",
            "horizon",
            "target_date",
            "fold",
            "cutoff",
            *QUANTILE_COLUMNS,
            *[c for c in out.columns if c.startswith("contrib_")],
        ]
    ]
