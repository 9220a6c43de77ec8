"""L1 meta-learner: linear quantile regression on the L0 bucket views plus a volatility regime.

Linear on purpose: with a few hundred out-of-fold rows per horizon a tree model overfits, and
a coefficient per bucket turns directly into the per-bucket contributions of the forecast.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from sklearn.linear_model import QuantileRegressor

from cbi.training import QUANTILES

# Standardised returns beyond +-5 sigma are out of any sane range; a linear model fed an
# unusual mix of bucket views can extrapolate there, so its outputs are clipped.
CLIP_SIGMA = 5.0


def meta_panel(l0: pd.DataFrame, rows: pd.DataFrame) -> tuple[pd.DataFrame, list[str], list[str]]:
    """Wide L0 views (standardised P50 and band width per bucket) joined to targets and regime.

    Returns the panel, its feature names and the bucket names whose P50 columns it holds.
    """
    if l0.empty:
        return pd.DataFrame(), [], []
    l0 = l0.assign(as_of_date=pd.to_datetime(l0["as_of_date"]))
    wide = l0.pivot_table(index="as_of_date", columns="bucket", values=["p10", "p50", "p90"])
    scale = rows.set_index("trade_date")["scale"].reindex(wide.index)
    bucket_names = sorted(l0["bucket"].unique())
    views = pd.DataFrame(index=wide.index)
    for bucket in bucket_names:
        views[f"{bucket}_p50"] = wide[("p50", bucket)] / scale
        views[f"{bucket}_width"] = (wide[("p90", bucket)] - wide[("p10", bucket)]) / scale
    views = views.fillna(0.0)
    views["realised_vol_annual"] = rows.set_index("trade_date")["sigma_daily"].reindex(
        wide.index
    ) * np.sqrt(252)
    views = views.reset_index().rename(columns={"as_of_date": "trade_date"})
    panel = rows.merge(views, on="trade_date", how="inner")
    features = [c for c in views.columns if c != "trade_date"]
    return panel, features, bucket_names


def fit_meta(fit: pd.DataFrame, tune: pd.DataFrame, features: list[str], buckets: list[str]):
    """Fit one QuantileRegressor per level on fit+tune rows (time order kept, no shuffling)."""
    train = pd.concat([fit, tune])
    x = train[features].to_numpy()
    mean = x.mean(axis=0)
    std = x.std(axis=0)
    std[std == 0] = 1.0
    models = [
        QuantileRegressor(quantile=q, alpha=0.01, solver="highs").fit((x - mean) / std, train["y"])
        for q in QUANTILES
    ]
    median = models[1]
    p50_columns = [features.index(f"{b}_p50") for b in buckets]

    def predict(rows: pd.DataFrame) -> np.ndarray:
        z = (rows[features].to_numpy() - mean) / std
        return np.clip(np.column_stack([m.predict(z) for m in models]), -CLIP_SIGMA, CLIP_SIGMA)

    def contributions(rows: pd.DataFrame) -> pd.DataFrame:
        """Each bucket's push on the standardised median: coefficient x its centred view."""
        z = (rows[features].to_numpy() - mean) / std
        parts = {b: z[:, i] * median.coef_[i] for b, i in zip(buckets, p50_columns, strict=True)}
        return pd.DataFrame(parts, index=rows.index)

    predict.contributions = contributions
    return predict
