"""Walk-forward training library behind the dbt Python models, organised by level.

The dbt models in `python_models/` stay a few lines long: they read marts, call one function
of a level here and return a frame. Everything is in log-return space until L2, where
quantiles become prices in cents/lb.

    L0       specialists.bucket_predictions        one AutoGluon specialist per bucket
    members  members.yardsticks.yardstick_predictions, members.baselines.baseline_predictions,
             members.timeseries.ts_predictions
    L1       meta.meta_predictions                 regime weighting of the L0 buckets
    L2       ensemble.assemble_backtest            member bands, weights, the ensemble
    live     forecast.latest_forecast              the ensemble at the latest as-of date

What the levels share: `data` (panels and facts from the marts), `buckets` (seed `buckets`),
`splitter` and `profiles` (folds and settings), `walkforward` (one learner through the folds),
`registry` (fits saved and reused), `evidence` (past losses and evidence weights, for L1 and
L2), `metrics` (scores in cents/lb), `tables` (the shape of what goes back to dbt).
"""

from __future__ import annotations

QUANTILES: tuple[float, float, float] = (0.1, 0.5, 0.9)
QUANTILE_COLUMNS: tuple[str, str, str] = ("p10", "p50", "p90")
SEED = 20240101
