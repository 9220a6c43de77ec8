"""The drivers in words (cbi.forecast for `cbi forecast`, cbi.report for the page).

GIVEN constructed bucket_contributions_cents of forecasts.zl_predictions, as the view reads them
WHEN the drivers are put in words
THEN only buckets that earned weight in the ensemble are named, pushes that round to 0.00 c/lb
are left out, and without weight on the meta-learner no bucket is named at all.
"""

from __future__ import annotations

import datetime as dt

from cbi.forecast import drivers_line
from cbi.report import drivers
from cbi.view import NO_DRIVERS, ForecastRow

# constructed: pushes on the 1m median in c/lb, as the ensemble weighted them; fx rounds to 0.00
PUSHES = {"biofuel": 0.4213, "energy": -0.1, "fx": 0.004}


def _row(contributions: dict[str, float], weight: float = 0.4) -> ForecastRow:
    """constructed: one horizon of the view's forecast (cbi.view reads zl_predictions so)."""
    return ForecastRow(
        horizon="1m",
        label="1-month",
        target_date=dt.date(2025, 1, 31),
        p10=47.0,
        p50=49.5,
        p90=52.0,
        close=50.0,
        meta_l1_weight=weight,
        contributions=contributions,
    )


def test_cli_names_weighted_buckets_in_a_buyers_words() -> None:
    assert drivers_line(_row(PUSHES)) == (
        "Biofuel pushes the median up 0.42 c/lb, Energy down 0.10 c/lb"
    )
    many = {"fed": 0.3, "fx": -0.2, "crush": 0.05, "china": 0.02}
    assert (
        drivers_line(_row(many))
        == "Fed pushes the median up 0.30 c/lb, FX down 0.20 c/lb (+2 smaller)"
    )


def test_cli_names_no_bucket_without_weight() -> None:
    assert drivers_line(_row({}, weight=0.0)) == NO_DRIVERS
    assert drivers_line(_row({"energy": 0.001})) == (
        "driver buckets move the median by less than 0.01 c/lb"
    )


def test_page_names_weighted_buckets_only() -> None:
    shown = drivers(_row(PUSHES, weight=0.4))
    assert shown.pushes == {"biofuel": 0.4213, "energy": -0.1}
    assert shown.text == (
        "The 1-month median, 49.50, is 0.50 c/lb below today's close. The driver buckets carry "
        "40% of the forecast (the random walks and other models the rest): Biofuel pushes the "
        "median up 0.42 c/lb, Energy down 0.10 c/lb."
    )


def test_page_names_no_bucket_without_weight() -> None:
    shown = drivers(_row({}, weight=0.0))
    assert shown.pushes == {}
    assert "No driver bucket has earned weight yet" in shown.text
    tiny = drivers(_row({"energy": 0.001}, weight=0.3))
    assert tiny.pushes == {}
    assert tiny.text.endswith(
        "The driver buckets carry 30% of the forecast but move the median by less than 0.01 c/lb."
    )
