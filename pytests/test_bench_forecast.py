"""`cbi bench forecast` on a constructed backtest: pinball in cents and % of price, coverage,
and the gain over the better random walk with an interval that says when it is no gain."""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from cbi.benchmarks.forecast import run
from cbi.record import gain_table, with_losses


def constructed_backtest(start: str = "2022-01-03", end: str = "2023-12-29") -> pd.DataFrame:
    """constructed_backtest: two years of synthetic closes near 50 c/lb and their 1m outcomes.

    rw_vol's band is the right width, rw_empirical's too wide; at 1w the ensemble is rw_vol
    itself, at 1m its P50 is half-way to the outcome (a real, sustained gain)."""
    rng = np.random.default_rng(2)
    dates = pd.bdate_range(start, end)
    close = 50 * np.exp(np.cumsum(rng.normal(0, 0.01, len(dates))))
    frames = []
    for horizon, days in (("1w", 5), ("1m", 21)):
        actual = close * np.exp(rng.normal(0, 0.01 * np.sqrt(days), len(dates)))
        spread = 1.28 * 0.01 * np.sqrt(days) * close
        centre = {"rw_vol": close, "rw_empirical": close, "ensemble": close}
        if horizon == "1m":
            centre["ensemble"] = (close + actual) / 2
        for member, width in (("rw_vol", 1.0), ("rw_empirical", 2.0), ("ensemble", 1.0)):
            frames.append(
                pd.DataFrame(
                    {
                        "as_of_date": dates.date,
                        "target_date": (dates + pd.offsets.BDay(days)).date,
                        "horizon": horizon,
                        "member": member,
                        "p10": centre[member] - width * spread,
                        "p50": centre[member],
                        "p90": centre[member] + width * spread,
                        "actual": actual,
                        "close": close,
                    }
                )
            )
    return pd.concat(frames, ignore_index=True)


def test_gain_table_by_year_and_overall():
    backtest = constructed_backtest()
    rows = with_losses(backtest[backtest["horizon"] == "1m"])
    table = gain_table(rows, horizon_days=21).set_index("year")
    assert list(table.index) == ["2022", "2023", "2020-2024 reported", "all"]
    assert (table["yardstick"] == "rw_vol").all()
    assert (table["label"] == "significant gain").all() and (table["high"] < 0).all()
    assert table.loc["all", "n"] == 520
    # % of price is each row's pinball over its as-of close
    ensemble = rows[rows["member"] == "ensemble"]
    assert table.loc["all", "pinball_pct"] == pytest.approx(
        (ensemble["loss"] / ensemble["close"]).mean()
    )

    same = gain_table(with_losses(backtest[backtest["horizon"] == "1w"]), horizon_days=5)
    assert (same["gain"] == 0).all() and (same["label"] == "no significant gain").all()


def test_selection_and_reported_periods_hold_only_outcomes_known_by_their_end():
    # GIVEN a backtest over 2019-2020, WHEN scored, THEN the selection period (2015-2019)
    # holds the 2019 as-of dates whose 1m outcome was known by 2019-12-31, and the reported
    # period (2020-2024) the 2020 ones
    backtest = constructed_backtest("2019-01-01", "2020-12-31")
    rows = with_losses(backtest[backtest["horizon"] == "1m"])
    table = gain_table(rows, horizon_days=21).set_index("year")
    assert list(table.index) == [
        "2019",
        "2020",
        "2015-2019 selection",
        "2020-2024 reported",
        "all",
    ]
    assert table.loc["2015-2019 selection", "n"] == table.loc["2019", "n"] - 21
    assert table.loc["2020-2024 reported", "n"] == table.loc["2020", "n"]


def test_bench_forecast_prints_the_interval_and_the_label(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = tmp_path / "bench.duckdb"
    backtest = constructed_backtest()  # noqa: F841 (read by DuckDB below)
    with duckdb.connect(str(db)) as con:
        con.execute("create schema forecasts")
        con.execute("create table forecasts.zl_backtest as select * from backtest")
    assert run(str(db)) == 0
    out = capsys.readouterr().out
    assert "Walk-forward window scored: 2022-01-03 .. 2023-12-29" in out
    assert "% of price" in out and "95 % interval" in out
    assert "1w: ensemble not worse: +0.0% vs the better random walk (no significant gain" in out
    assert "1m: ensemble -" in out and "(significant gain, interval [" in out
    # the constructed database has no distribution: the risk sections say so in one line
    assert "No forecasts.zl_backtest_distribution or marts.zl_targets here" in out
