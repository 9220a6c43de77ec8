"""`cbi risk`, `cbi plan`, the rule and the budget alert on a small CONSTRUCTED database.

CONSTRUCTED: the forecast tables hold a known-normal distribution (conftest) at the four
horizons and random walks with the same P10/P50/P90; closes follow one constructed random
walk. It has the tables and columns `cbi build` makes, so the commands read it as they read a
built database, in a second instead of minutes.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest
from scipy.stats import norm

from cbi.cli import main
from cbi.risk import LEVELS
from cbi.risk.alert import budget_alert, budget_event, budget_settings
from cbi.risk.budget import brier_table, exceed_probability
from cbi.risk.calibration import skill_table
from cbi.risk.distribution import QuantileCurve
from cbi.risk.rule import TOLERANCES, backtest_rule, cover_share, render_rule
from common.errors import UserError

SAMPLE = Path(__file__).resolve().parents[2] / "docs" / "sample_plan.csv"
HORIZONS = {"1w": 5, "1m": 21, "3m": 63, "6m": 126}
SIGMA = 0.02


def constructed_tables(start: str) -> dict[str, pd.DataFrame]:
    """CONSTRUCTED forecast tables from `start` to 2024-12-31 (see the module docstring)."""
    dates = pd.bdate_range(start, "2024-12-31")
    rng = np.random.default_rng(5)
    close = 40 * np.exp(np.cumsum(rng.normal(0, SIGMA, len(dates))))
    distribution, backtest = [], []
    for horizon, days in HORIZONS.items():
        sd = SIGMA * np.sqrt(days)
        target = pd.Series(dates).shift(-days)
        actual = pd.Series(close).shift(-days)
        for level in LEVELS:
            distribution.append(
                pd.DataFrame(
                    {
                        "as_of_date": dates,
                        "horizon": horizon,
                        "target_date": target,
                        "quantile": level,
                        "price_cents_per_lb": close * np.exp(sd * norm.ppf(level)),
                        "actual": actual,
                    }
                )
            )
        for member in ("rw_empirical", "rw_vol", "ensemble"):
            backtest.append(
                pd.DataFrame(
                    {
                        "as_of_date": dates,
                        "horizon": horizon,
                        "target_date": target,
                        "member": member,
                        "p10": close * np.exp(sd * norm.ppf(0.1)),
                        "p50": close,
                        "p90": close * np.exp(sd * norm.ppf(0.9)),
                        "actual": actual,
                        "close": close,
                    }
                )
            )
    distribution = pd.concat(distribution, ignore_index=True)
    last = distribution[distribution["as_of_date"] == dates[-1]].drop(columns=["actual"])
    last["target_date"] = [
        dates[-1] + pd.tseries.offsets.BDay(HORIZONS[h]) for h in last["horizon"]
    ]
    predictions = last[last["quantile"] == 0.5][["as_of_date", "horizon", "target_date"]].copy()
    predictions["close_cents_per_lb"] = close[-1]
    return {
        "forecasts.zl_backtest_distribution": distribution,
        "forecasts.zl_backtest": pd.concat(backtest, ignore_index=True),
        "forecasts.zl_price_distribution": last,
        "forecasts.zl_predictions": predictions,
        "marts.zl_targets": pd.DataFrame({"trade_date": dates, "close_cents_per_lb": close}),
    }


def write_db(path: Path, tables: dict[str, pd.DataFrame]) -> Path:
    con = duckdb.connect(str(path))
    con.sql("create schema forecasts; create schema marts")
    for name, frame in tables.items():
        con.register("frame", frame)
        con.sql(f"create table {name} as select * from frame")
        con.unregister("frame")
    con.close()
    return path


@pytest.fixture
def small_db(tmp_path) -> Path:
    """A CONSTRUCTED database with a 2022-2024 walk-forward (no 2015-2019)."""
    return write_db(tmp_path / "small.duckdb", constructed_tables("2022-01-03"))


def test_cbi_risk_prints_the_probability_and_its_record(small_db, capsys):
    assert main(["--db", str(small_db), "risk", "--budget", "45", "--by", "2025-03-31"]) == 0
    out = capsys.readouterr().out
    assert "P(close above 45.00 c/lb on 2025-03-31" in out
    assert "Brier" in out and "rw_vol" in out and "2020-2024 reported" in out
    assert main(["--db", str(small_db), "risk", "--budget", "45", "--horizon", "3m"]) == 0
    assert "on the 3m horizon, 63 trading days ahead" in capsys.readouterr().out


def test_cbi_risk_refuses_a_date_past_the_last_horizon(small_db, capsys):
    assert main(["--db", str(small_db), "risk", "--budget", "45", "--by", "2026-01-30"]) == 1
    err = capsys.readouterr().err
    assert (
        err.startswith("cbi: error: the forecast reaches 126 trading days") and err.count("\n") == 1
    )


def test_cbi_risk_refuses_a_date_without_a_trading_day(small_db, capsys):
    assert main(["--db", str(small_db), "risk", "--budget", "45", "--by", "2024-12-31"]) == 1
    assert "is not after the forecast's as-of date" in capsys.readouterr().err
    assert main(["--db", str(small_db), "risk", "--budget", "45", "--by", "2025-01-01"]) == 1
    assert "has no CME trading day after" in capsys.readouterr().err


def test_cbi_plan_prints_the_cost_distribution_and_says_the_rule_was_not_chosen(small_db, capsys):
    assert main(["--db", str(small_db), "plan", str(SAMPLE)]) == 0
    out = capsys.readouterr().out
    assert "total cost (dollars; budget $1,512,000)" in out
    assert "P(above budget)" in out and "cost at risk" in out
    rule_lines = [line for line in out.splitlines() if line.startswith("rule:")]
    assert (
        len(rule_lines) == 1
        and "not chosen" in rule_lines[0]
        and "0 months of 2015-2019" in rule_lines[0]
    )


def test_cbi_plan_bad_file_is_one_line(small_db, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("month,pounds\n2025-01,100\n2025-02,-3\n")
    assert main(["--db", str(small_db), "plan", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "line 3: pounds must be a number >= 0" in err and err.count("\n") == 1


def test_a_database_without_the_distribution_says_what_to_build(tmp_path, capsys):
    empty = tmp_path / "empty.duckdb"
    duckdb.connect(str(empty)).close()
    assert main(["--db", str(empty), "risk", "--budget", "45", "--horizon", "1m"]) == 1
    assert "has no forecast distribution yet; run `cbi build`" in capsys.readouterr().err


def test_probability_at_a_published_quantile_is_its_level():
    knots = {d: SIGMA * np.sqrt(d) * norm.ppf(LEVELS) for d in HORIZONS.values()}
    price = 40 * np.exp(knots[21][5])
    assert exceed_probability(knots, 40.0, price, 21) == pytest.approx(0.1)
    assert exceed_probability(knots, 40.0, 40.0, 63) == pytest.approx(0.5)


def test_brier_of_the_true_distribution_is_no_worse_than_the_same_random_walk():
    tables = constructed_tables("2015-01-01")
    table = brier_table(
        tables["forecasts.zl_backtest_distribution"], tables["forecasts.zl_backtest"], HORIZONS
    )
    assert set(table["period"]) == {"2015-2019 selection", "2020-2024 reported"}
    # the constructed random walks have the same normal: their probabilities are the same
    np.testing.assert_allclose(table["ratio"], 1.0, atol=1e-6)


def test_the_rule_covers_when_the_chance_of_paying_above_budget_is_too_high():
    curve = QuantileCurve(0.1 * norm.ppf(LEVELS))
    # budget at today's price: half the chance of paying above it; forward below budget
    assert cover_share(curve, 40.0, 39.9, 40.0, 0.0, 0.0, 0.5) == 0.0
    assert cover_share(curve, 40.0, 39.9, 40.0, 0.0, 0.0, 0.1) > 0.0
    # a forward above budget never helps: nothing more is covered
    assert cover_share(curve, 40.0, 41.0, 40.0, 0.0, 0.0, 0.1) == 0.0


def test_the_rule_backtest_chooses_on_2015_2019_and_reports_both_periods():
    tables = constructed_tables("2015-01-01")
    closes = tables["marts.zl_targets"].set_index("trade_date")["close_cents_per_lb"]
    distribution = tables["forecasts.zl_backtest_distribution"]
    months = backtest_rule(distribution, closes, HORIZONS, 0.005, 0.2)
    assert months["covered_ahead"].between(0, 1).all() and months["covered_ahead"].gt(0).any()
    ratable = backtest_rule(distribution, closes, HORIZONS, 0.005, 1.0)
    assert (ratable["covered_ahead"] == 0).all()
    text, tolerance = render_rule(distribution, closes, HORIZONS, 0.005)
    assert "chosen on 2015-2019" in text and "2020-2024 reported (" in text
    assert tolerance in TOLERANCES
    assert "months paid above budget" in text and "90th percentile paid" in text


def test_budget_alert_fires_on_a_crossing_only(small_db):
    assert budget_settings({}) is None
    with pytest.raises(UserError, match="CBI_BUDGET_ALERT_PROB must be between 0 and 1"):
        budget_settings({"CBI_BUDGET_CENTS_PER_LB": "45", "CBI_BUDGET_ALERT_PROB": "20"})
    as_of = pd.Timestamp("2024-12-31")
    assert budget_event((0.3, "6m"), 0.1, 45, 0.25, as_of) is not None
    assert budget_event((0.3, "6m"), 0.28, 45, 0.25, as_of) is None
    assert budget_event((0.2, "6m"), None, 45, 0.25, as_of) is None
    con = duckdb.connect(str(small_db), read_only=True)
    close = con.sql("select max(close_cents_per_lb) from forecasts.zl_predictions").fetchone()[0]
    event = budget_alert(
        con, {"CBI_BUDGET_CENTS_PER_LB": f"{close:.4f}", "CBI_BUDGET_ALERT_PROB": "0.45"}
    )
    assert event is None  # about 50 % above on both days: no crossing
    env = {"CBI_BUDGET_CENTS_PER_LB": f"{close * 10:.4f}", "CBI_BUDGET_ALERT_PROB": "0.2"}
    assert budget_alert(con, env) is None
    con.close()


def test_skill_table_ties_the_same_distribution_and_penalises_a_planted_shift():
    """The constructed distribution equals the random walks' (ratio 1, no DM statistic); with
    all its quantiles shifted up (planted) it loses at 1w and 1m, significantly at 1w."""
    tables = constructed_tables("2015-01-01")
    distribution = tables["forecasts.zl_backtest_distribution"]
    backtest = tables["forecasts.zl_backtest"]
    same = skill_table(distribution, backtest, HORIZONS)
    np.testing.assert_allclose(same["ratio"], 1.0, atol=1e-9)
    assert same["dm_stat"].isna().all()
    shifted = distribution.assign(price_cents_per_lb=distribution["price_cents_per_lb"] * 1.05)
    worse = skill_table(shifted, backtest, HORIZONS)
    assert (worse[worse["horizon"].isin(["1w", "1m"])]["ratio"] > 1).all()
    week = worse[worse["horizon"] == "1w"]
    assert (week["dm_p"] < 0.05).all() and (week["low"] > 1).all()
    assert (worse["worst_year_ratio"] >= worse["ratio"] - 1e-9).all()


def test_cbi_plan_on_a_2015_2024_walk_forward_chooses_the_rule_and_says_what_to_cover(
    tmp_path, capsys
):
    db = write_db(tmp_path / "long.duckdb", constructed_tables("2015-01-01"))
    close = (
        duckdb.connect(str(db), read_only=True)
        .sql("select max(close_cents_per_lb) from forecasts.zl_predictions")
        .fetchone()[0]
    )
    plan = tmp_path / "plan.csv"
    plan.write_text(
        f"month,pounds,budget_cents_per_lb\n2025-02,1000,{close:.2f}\n2025-04,1000,{close:.2f}\n"
    )
    assert main(["--db", str(db), "plan", str(plan)]) == 0
    out = capsys.readouterr().out
    assert "chosen on 2015-2019" in out and "2015-2019 selection (" in out
    assert "rule today: buy forward now" in out
