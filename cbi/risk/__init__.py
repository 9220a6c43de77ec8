"""Risk a buyer can plan with: the calibrated forecast distribution and what it implies.

- `distribution`: the 5, 10, 25, 50, 75, 90, 95 % quantiles per as-of date and horizon, each
  calibrated on its own past scores, and prices between two horizons;
- `calibration`: how often outcomes fell below each quantile, with block-bootstrap intervals,
  and the pinball over all quantiles against both random walks (DM test with HAC variance);
- `budget`: the probability of closing above a budget, and how well such probabilities scored;
- `plan`: a purchase plan's cost distribution and the risk that buying forward removes;
- `rule`: cover the next months' need while the chance of paying above budget is too high,
  backtested against buying ratably;
- `alert`: the daily run's budget alert.
"""

from __future__ import annotations

LEVELS: tuple[float, ...] = (0.05, 0.10, 0.25, 0.50, 0.75, 0.90, 0.95)
