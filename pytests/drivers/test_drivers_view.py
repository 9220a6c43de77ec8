"""The drivers block: the one-sentence summary, the model's use, where each bucket stands.

Unit tests on CONSTRUCTED values (named so), then `cbi drivers` and the dbt sum test on the
bundled snapshot built up to forecasts.zl_driver_attribution (`drivers_db`).
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path
from types import SimpleNamespace

import duckdb
import numpy as np
import pandas as pd
import pytest

from cbi.drivers.attribution import UNEXPLAINED, buckets
from cbi.drivers.standing import Headline, indicator
from cbi.drivers.view import (
    AttributionRow,
    Move,
    bucket_verdicts,
    model_use_rows,
    summary_sentence,
)
from cbi.view import Forecast, ForecastRow
from pytests.dbt_session import DbtSession
from pytests.drivers.conftest import run_cbi


def _constructed_move(parts: dict[str, float | None], actual: float) -> Move:
    rows = [AttributionRow(b, b.capitalize(), parts.get(b), "") for b in buckets()]
    rest = actual - sum(v for v in parts.values() if v is not None)
    return Move("1m", actual, 0.5, (*rows, AttributionRow(UNEXPLAINED, UNEXPLAINED, rest, "")))


def test_summary_names_the_three_largest_parts_and_the_remainder() -> None:
    move = _constructed_move(
        {"energy": 1.8, "crush": 0.9, "fx": -0.4, "fed": 0.1, "china": 0.0}, actual=3.1
    )
    assert summary_sentence(move) == (
        "ZL rose 3.10 c/lb in the last month: Energy +1.80, Crush +0.90, Fx -0.40, "
        "unexplained +0.70 (not covered: Tariff, Biofuel, Volatility)"
    )
    fell = _constructed_move({b: 0.1 for b in buckets()}, actual=-1.0)
    assert summary_sentence(fell).startswith("ZL fell 1.00 c/lb in the last month:")
    assert "not covered" not in summary_sentence(fell)


def test_model_use_reads_the_pushes_as_cbi_forecast_does_with_l1_weight() -> None:
    # CONSTRUCTED forecast rows: one horizon with two pushes, one without L1 weight
    def row(horizon: str, weight: float, contributions: dict[str, float]) -> ForecastRow:
        return ForecastRow(
            horizon, horizon, dt.date(2025, 1, 8), 1.0, 2.0, 3.0, 2.0, weight, contributions
        )

    constructed = Forecast(
        as_of=dt.date(2024, 12, 31),
        close=2.0,
        model_version="constructed",
        rows=(row("1w", 0.25, {"fed": -0.11, "fx": 0.004}), row("1m", 0.0, {})),
    )
    rows = model_use_rows(constructed)
    assert len(rows) == 2 * len(buckets())
    by = {(r.horizon, r.bucket): r for r in rows}
    assert by["1w", "fed"].push_cents == -0.11 and by["1w", "fed"].l1_weight == 0.25
    assert by["1w", "fx"].push_cents is None  # under 0.01 c/lb, as cbi forecast leaves it out
    assert all(r.push_cents is None and r.l1_weight == 0 for r in rows if r.horizon == "1m")
    assert all(r.verdict is None for r in rows)


def test_an_indicator_has_value_change_percentile_and_published_date() -> None:
    dates = pd.bdate_range("2018-01-01", "2024-12-31")
    level = np.repeat(np.arange(len(dates) // 50 + 1, dtype=float), 50)[: len(dates)]
    mart = pd.DataFrame({"trade_date": dates, "x": level})  # CONSTRUCTED steps every 50 days
    ind = indicator(Headline("fed", "x", "m", "x", "%"), mart, dates[-1])
    assert not ind.stale and ind.value == level[-1]
    assert ind.published == dates[(len(dates) - 1) // 50 * 50]
    assert ind.change_1m == level[-1] - level[-1 - 21]
    assert ind.percentile_5y == 100.0  # the highest value of five years
    assert ind.range_5y is not None and ind.range_5y[1] == level[-1]
    assert ind.history_dates[0] > dates[-1] - pd.DateOffset(years=2)


def test_a_stale_indicator_says_so_instead_of_a_number() -> None:
    dates = pd.bdate_range("2023-01-02", periods=300)
    values = np.where(np.arange(300) < 250, 1.5, np.nan)  # CONSTRUCTED: no value after day 250
    mart = pd.DataFrame({"trade_date": dates, "x": values, "age": 0})
    ind = indicator(Headline("biofuel", "x", "m", "x", "$"), mart, dates[-1])
    assert ind.stale and ind.value is None and ind.percentile_5y is None
    assert ind.last_value_date == dates[249]
    old_price = mart.assign(x=1.0, age=30)  # a price whose last session is 30 days old
    priced = indicator(
        Headline("energy", "x", "m", "x", "$", age_column="age"), old_price, dates[-1]
    )
    assert priced.stale


def test_cbi_drivers_prints_the_three_blocks(drivers_db: tuple[Path, dict[str, str]]) -> None:
    db, env = drivers_db
    done = run_cbi(db, env, "drivers")
    assert done.returncode == 0, done.stderr
    text = done.stdout
    with duckdb.connect(str(db), read_only=True) as con:
        month = con.sql(
            "select bucket, contribution_cents_per_lb, actual_move_cents_per_lb "
            "from forecasts.zl_driver_attribution where move_window = '1m' "
            "and as_of_date = (select max(as_of_date) from forecasts.zl_driver_attribution)"
        ).df()
    actual = month["actual_move_cents_per_lb"].iloc[0]
    assert f"ZL {'rose' if actual > 0 else 'fell'} {abs(actual):.2f} c/lb in the last month" in text
    rest = month.set_index("bucket").loc[UNEXPLAINED, "contribution_cents_per_lb"]
    assert f"unexplained {rest:+.2f}" in text
    # offline the snapshot has no news: Tariff is not covered, never a 0
    assert "Tariff" in text.split("not covered:")[1].split(")")[0]
    assert "Where each bucket stands" in text and "stale (no value public today" in text
    assert len([line for line in text.splitlines() if "published" in line]) >= 8
    assert "no forecast yet: run `cbi build`" in text  # no training in this database


def test_cbi_drivers_without_a_database_is_one_line(tmp_path: Path) -> None:
    missing = tmp_path / "missing.duckdb"
    done = run_cbi(missing, dict(os.environ), "drivers")
    assert done.returncode == 1 and not missing.exists()
    assert len(done.stderr.strip().splitlines()) == 1 and "cbi build" in done.stderr


def test_cbi_drivers_before_a_build_is_one_line(tmp_path: Path) -> None:
    db = tmp_path / "empty.duckdb"
    duckdb.connect(str(db)).close()
    done = run_cbi(db, dict(os.environ), "drivers")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        f"cbi: error: drivers: {db} has no forecasts.zl_driver_attribution or bucket marts yet; "
        "run `cbi build`"
    ]


@pytest.mark.parametrize("planted", [False, True])
def test_the_dbt_sum_test_fails_on_a_window_that_does_not_add_up(
    drivers_db: tuple[Path, dict[str, str]],
    dbt_session: DbtSession,
    tmp_path: Path,
    planted: bool,
) -> None:
    db, _ = drivers_db
    copy = tmp_path / "cbi.duckdb"
    shutil.copy(db, copy)
    if planted:
        with duckdb.connect(str(copy)) as con:
            con.execute(
                "update forecasts.zl_driver_attribution set contribution_cents_per_lb = "
                "contribution_cents_per_lb + 0.02 where bucket = 'energy' and move_window = '1m' "
                "and as_of_date = (select max(as_of_date) from forecasts.zl_driver_attribution)"
            )
    done = dbt_session.cbi(copy, "build", "test", "--select", "assert_driver_attribution_adds_up")
    assert (done.returncode == 1) == planted, done.stdout[-2000:]


def test_no_verdict_without_the_benchmark_walk_forward(
    drivers_db: tuple[Path, dict[str, str]],
) -> None:
    assert bucket_verdicts(drivers_db[0]) is None


def test_verdicts_are_read_from_the_benchmark_table(monkeypatch: pytest.MonkeyPatch) -> None:
    """The benchmark's own leave-one-bucket-out table (CONSTRUCTED here, its real columns)
    becomes one verdict per bucket and horizon."""
    from cbi.benchmarks import selection

    table = pd.DataFrame(
        {
            "bucket left out": ["volatility", "fed"],
            "horizon": ["1m", "6m"],
            "pinball without": ["1.001", "2.000"],
            "pinball with all": ["1.000", "2.010"],
            "with vs without": ["-0.1%", "+0.5%"],
            "95 % interval": ["[-0.2%, -0.0%]", ""],
            "": ["significant gain", "too few outcomes"],
        }
    )
    monkeypatch.setattr(selection, "read_inputs", lambda db: SimpleNamespace(meta=None))
    monkeypatch.setattr(selection, "assembled", lambda inputs, profile, meta: None)
    monkeypatch.setattr(selection, "leave_one_bucket_out", lambda inputs, base, ens: table)
    assert bucket_verdicts(Path("any.duckdb")) == {
        ("volatility", "1m"): "-0.1% [-0.2%, -0.0%]: significant gain",
        ("fed", "6m"): "+0.5%: too few outcomes",
    }
