"""The drivers in words (cbi.report for `cbi forecast`, cbi.dashboard for the page).

GIVEN constructed bucket_contributions_cents / bucket_views_cents of forecasts.zl_predictions
WHEN the drivers are put in words
THEN only buckets that earned weight in the ensemble are named, pushes that round to 0.00 c/lb
are left out, and without weight on the meta-learner no bucket is named at all.
"""

from __future__ import annotations

import json

import pandas as pd

from cbi.dashboard import drivers
from cbi.report import NO_DRIVERS, _drivers

# constructed: pushes on the 1m median in c/lb, as the ensemble weighted them; fx rounds to 0.00
PUSHES = {"biofuel": 0.4213, "energy": -0.1, "fx": 0.004}
# constructed: what the bucket models say on their own (never a driver of the forecast)
VIEWS = {"china": 1.5, "crush": -0.8}


def _row(contributions: dict[str, float], weight: float) -> pd.Series:
    """constructed: one zl_predictions row with its horizon label, as the page reads it."""
    return pd.Series(
        {
            "horizon": "1m",
            "label": "1-month",
            "p50": 49.5,
            "close_cents_per_lb": 50.0,
            "meta_l1_weight": weight,
            "bucket_contributions_cents": json.dumps(contributions),
            "bucket_views_cents": json.dumps(VIEWS),
        }
    )


def test_cli_names_weighted_buckets_in_a_buyers_words() -> None:
    assert _drivers(json.dumps(PUSHES)) == (
        "Biofuel pushes the median up 0.42 c/lb, Energy down 0.10 c/lb"
    )
    many = {"fed": 0.3, "fx": -0.2, "crush": 0.05, "china": 0.02}
    assert (
        _drivers(json.dumps(many))
        == "Fed pushes the median up 0.30 c/lb, FX down 0.20 c/lb (+2 smaller)"
    )


def test_cli_names_no_bucket_without_weight() -> None:
    assert _drivers("{}") == NO_DRIVERS
    assert _drivers(None) == NO_DRIVERS
    assert _drivers(json.dumps({"energy": 0.001})) == (
        "driver buckets move the median by less than 0.01 c/lb"
    )


def test_page_names_weighted_buckets_only() -> None:
    shown = drivers(_row(PUSHES, weight=0.4))
    assert shown["pushes"] == {"biofuel": 0.4213, "energy": -0.1}
    assert shown["text"] == (
        "The 1-month median, 49.50, is 0.50 c/lb below today's close. The driver buckets carry "
        "40% of the forecast (the random walks and other models the rest): Biofuel pushes the "
        "median up 0.42 c/lb, Energy down 0.10 c/lb."
    )


def test_page_ignores_the_bucket_models_own_views_without_weight() -> None:
    shown = drivers(_row({}, weight=0.0))
    assert shown["pushes"] == {}
    assert "No driver bucket has earned weight yet" in shown["text"]
    assert "China" not in shown["text"] and "Crush" not in shown["text"]
