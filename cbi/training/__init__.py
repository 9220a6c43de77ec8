"""Walk-forward training library behind the dbt Python models (L0 buckets, L1, L2, yardsticks).

The dbt models in `python_models/` stay a few lines long: they read marts, call one function
here and return a frame. Everything is in log-return space until the forecast tables, where
quantiles become prices in cents/lb.
"""

from __future__ import annotations

QUANTILES: tuple[float, float, float] = (0.1, 0.5, 0.9)
QUANTILE_COLUMNS: tuple[str, str, str] = ("p10", "p50", "p90")
SEED = 20240101
