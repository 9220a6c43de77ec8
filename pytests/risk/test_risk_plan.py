"""`cbi plan`: reading PLAN.csv (one-line errors naming the line) and the simulated paths."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from cbi.risk.distribution import QuantileCurve, quantiles_at
from cbi.risk.plan import plan_risk, read_plan, simulate
from common.errors import UserError

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "sample_plan.csv"
# CONSTRUCTED log-return quantiles at the four horizons: a normal with 2 % daily volatility.
KNOTS = {
    d: 0.02 * np.sqrt(d) * norm.ppf([0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95])
    for d in (5, 21, 63, 126)
}


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "plan.csv"
    path.write_text(text)
    return path


def test_the_sample_plan_reads():
    plan = read_plan(SAMPLE)
    assert (
        len(plan) == 6 and plan["pounds"].gt(0).all() and plan["budget_cents_per_lb"].notna().all()
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("month,pounds\n2025-01,100\n2025-13,100\n", "line 3: bad month '2025-13'"),
        ("month,pounds\n2025-01,100\nJan 2025,100\n", "line 3: bad month 'Jan 2025'"),
        ("month,pounds\n2025/01,100\n", "line 2: bad month '2025/01'"),
        ("month,pounds\n2025-01,-5\n", "line 2: pounds must be a number >= 0, got '-5'"),
        ("month,pounds\n2025-01,lots\n", "line 2: pounds must be a number >= 0"),
        ("month,budget_cents_per_lb\n2025-01,40\n", "line 1: missing column 'pounds'"),
        ("pounds\n100\n", "line 1: missing column 'month'"),
        ("month,pounds\n2025-01,1\n2025-01,2\n", "line 3: month 2025-01 appears twice"),
        (
            "month,pounds,budget_cents_per_lb\n2025-01,1,40\n2025-02,1,\n",
            "line 3: no budget_cents_per_lb",
        ),
        ("month,pounds,budget_cents_per_lb\n2025-01,1,-40\n", "line 2: budget_cents_per_lb"),
        ("month,pounds\n", "no months in the plan"),
    ],
)
def test_a_wrong_plan_file_is_one_line_naming_the_line(tmp_path, text, message):
    with pytest.raises(UserError) as error:
        read_plan(write(tmp_path, text))
    assert message in str(error.value)
    assert "\n" not in str(error.value)


def test_simulated_paths_have_the_published_marginals_and_a_random_walks_correlation():
    """Each purchase day's simulated log returns have the published quantiles; two days are
    correlated like a random walk's normal scores, sqrt(s / t)."""
    days = np.array([63, 5, 100])
    paths = simulate(KNOTS, days, paths=40000)
    for j, d in enumerate(days):
        published = quantiles_at(KNOTS, d)
        np.testing.assert_allclose(
            np.quantile(paths[:, j], [0.05, 0.5, 0.95]), published[[0, 3, 6]], atol=0.004
        )
    z = norm.ppf(
        np.column_stack(
            [QuantileCurve(quantiles_at(KNOTS, d)).cdf(paths[:, j]) for j, d in enumerate(days)]
        )
    )
    assert np.corrcoef(z[:, 1], z[:, 0])[0, 1] == pytest.approx(np.sqrt(5 / 63), abs=0.02)
    assert np.corrcoef(z[:, 0], z[:, 2])[0, 1] == pytest.approx(np.sqrt(63 / 100), abs=0.02)


def test_buying_forward_removes_cost_at_risk(tmp_path):
    plan = read_plan(SAMPLE)
    as_of = pd.Timestamp("2024-12-31")
    risk = plan_risk(plan, KNOTS, as_of, 40.0, 0.005)
    table = risk.shares
    assert table["cost_at_risk"].iloc[0] > 0 and table["cost_at_risk"].iloc[-1] == pytest.approx(0)
    assert table["removed"].is_monotonic_increasing
    assert (table["p10"] <= table["p50"]).all() and (table["p50"] <= table["p90"]).all()
    assert risk.months["forward"].is_monotonic_increasing


def test_a_month_past_the_last_horizon_or_before_the_forecast_is_refused(tmp_path):
    as_of = pd.Timestamp("2024-12-31")
    late = read_plan(write(tmp_path, "month,pounds\n2025-01,1\n2025-09,1\n"))
    with pytest.raises(
        UserError, match="line 3: month 2025-09 is bought .* the forecast reaches 126"
    ):
        plan_risk(late, KNOTS, as_of, 40.0, 0.005)
    early = read_plan(write(tmp_path, "month,pounds\n2024-11,1\n"))
    with pytest.raises(UserError, match="line 2: month 2024-11 is before"):
        plan_risk(early, KNOTS, as_of, 40.0, 0.005)
