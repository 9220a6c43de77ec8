"""The buy-or-wait rule (cbi.guidance) on constructed forecasts, and its backtest summary.

GIVEN constructed 1m forecasts around a close of 50 c/lb, with carry 0.5 % and risk limit 5 %
WHEN the rule decides and the backtest compares it with buying on schedule
THEN WAIT only where the median is below 49.75 and P90 at most 52.5 (boundaries included as
documented), waiting pays the target close plus 0.25 c/lb, and the summary's interval and
verdict follow cbi.training.metrics.block_bootstrap_gain.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cbi.guidance import (
    BUY,
    WAIT,
    Rule,
    backtest,
    backtest_by_year,
    decide,
    purchase_decisions,
)

RULE = Rule(carry=0.005, risk_limit=0.05)
CLOSE = 50.0


def _constructed_ensemble(n: int, p50: float, p90: float, fall: float) -> pd.DataFrame:
    """constructed: n daily ensemble 1m rows of zl_backtest, each planned at a close that
    drifts around 50 c/lb, with P50 and P90 at fixed fractions of it and the target close
    `fall` (a fraction) below it."""
    dates = pd.bdate_range("2022-01-03", periods=n)
    close = CLOSE + np.sin(np.arange(n) / 15.0)
    return pd.DataFrame(
        {
            "as_of_date": dates,
            "target_date": dates + pd.offsets.BDay(21),
            "close": close,
            "p50": close * p50,
            "p90": close * p90,
            "actual": close * (1 - fall),
        }
    )


def test_rule_waits_only_when_the_median_beats_the_carry_and_the_tail_is_bounded() -> None:
    # constructed: one close of 50 c/lb; WAIT needs P50 < 49.75 and P90 <= 52.5
    cases = {
        "median well below, tail bounded": (49.0, 52.0, WAIT),
        "median well below, tail too high": (49.0, 53.0, BUY),
        "median above close": (50.5, 51.0, BUY),
        "median below, but by less than the carry": (49.9, 51.0, BUY),
        "median exactly at the carry (strict)": (CLOSE * (1 - RULE.carry), 51.0, BUY),
        "P90 exactly at the risk limit (inclusive)": (49.0, CLOSE * (1 + RULE.risk_limit), WAIT),
        "missing median": (np.nan, 51.0, BUY),
    }
    p50 = [p for p, _, _ in cases.values()]
    p90 = [p for _, p, _ in cases.values()]
    decided = decide(np.full(len(cases), CLOSE), p50, p90, RULE)
    assert dict(zip(cases, decided, strict=True)) == {k: v[2] for k, v in cases.items()}


def test_waiting_pays_the_target_close_plus_carry_and_today_is_the_live_row() -> None:
    # GIVEN constructed backtest rows (all WAIT) and a live row for the last as-of date
    ensemble = _constructed_ensemble(5, p50=0.98, p90=1.02, fall=0.02)
    last = ensemble.iloc[-1]
    live = pd.DataFrame(
        {
            "as_of_date": [last["as_of_date"]],
            "target_date": [last["target_date"]],
            "close_cents_per_lb": [last["close"]],
            "p50": [last["close"] * 1.01],
            "p90": [last["close"] * 1.03],
        }
    )
    decisions = purchase_decisions(ensemble, live, RULE)
    # THEN one row per date, WAIT pays actual + 0.5 % of close, the live row decides BUY
    assert list(decisions["as_of_date"]) == list(ensemble["as_of_date"])
    assert list(decisions["decision"]) == [WAIT] * 4 + [BUY]
    past = decisions.iloc[:4]
    expected = ensemble["actual"].iloc[:4] + 0.005 * ensemble["close"].iloc[:4]
    np.testing.assert_allclose(past["paid_rule_cents_per_lb"], expected)
    np.testing.assert_allclose(past["paid_schedule_cents_per_lb"], ensemble["close"].iloc[:4])
    # the live row's outcome is unknown: nothing paid yet, so it is not scored
    assert decisions.iloc[-1][["paid_rule_cents_per_lb", "paid_schedule_cents_per_lb"]].isna().all()
    assert backtest(decisions).n == 4


def test_backtest_interval_and_verdict() -> None:
    # GIVEN 420 planned purchases (20 blocks of 21), all deferred, each target close 2 % below
    # the close: waiting pays 98 % + 0.5 % carry = 98.5 % of the schedule's price every time
    decisions = purchase_decisions(
        _constructed_ensemble(420, p50=0.97, p90=1.02, fall=0.02), None, RULE
    )
    result = backtest(decisions)
    # THEN every number is that 1.5 %, the interval collapses on it and excludes 0
    assert result.n == 420 and result.wait_share == 1.0
    assert result.gain.gain == pytest.approx(-0.015)
    assert result.gain.low == pytest.approx(-0.015) and result.gain.high == pytest.approx(-0.015)
    assert result.saving_pct == pytest.approx(0.015)
    assert result.saving_cents == pytest.approx(result.paid_schedule - result.paid_rule)
    assert result.gain.label == "significant gain"
    assert result.line().startswith("Rule backtest 2022-01..2023-08 (420 planned purchases, ")
    assert result.line().endswith("-1.5 % [-1.5, -1.5]: significant gain")


def test_backtest_without_deferrals_matches_the_schedule_and_short_years_get_no_interval() -> None:
    # GIVEN purchases the rule never defers (the median is above the close)
    decisions = purchase_decisions(
        _constructed_ensemble(300, p50=1.01, p90=1.03, fall=0.02), None, RULE
    )
    by_year = backtest_by_year(decisions)
    overall = by_year[-1]
    # THEN the rule paid exactly the schedule: gain 0, an interval at 0, no significant gain
    assert overall.wait_share == 0 and overall.gain.gain == 0
    assert overall.gain.label == "no significant gain"
    # and a year with fewer than 10 blocks of 21 purchases has no interval
    assert [b.period for b in by_year[:-1]] == ["2022", "2023"]
    assert by_year[1].n < 210 and by_year[1].gain.label == "too few outcomes"
    assert "[" not in by_year[1].line()
