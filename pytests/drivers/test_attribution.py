"""What moved the price (cbi.drivers.attribution) on CONSTRUCTED prices.

GIVEN ZL built as half heating oil plus noise THEN about half of its moves go to Energy and
the other buckets get little; every window adds up to the actual move; a bucket without
fresh factors is uncovered (null), never 0; cutting the data at T leaves every row up to T
unchanged, and betas planted to peek at later returns fail that check.
"""

from __future__ import annotations

from pathlib import Path

import duckdb
import numpy as np
import pandas as pd
import pytest

from cbi.drivers import attribution
from cbi.drivers.attribution import FACTORS, PANEL, UNEXPLAINED, Betas, attribution_table
from common.project import horizon_days
from pytests.drivers.constructed_prices import STALE_FROM, constructed_inputs


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return attribution_table(constructed_inputs())


def _wide(table: pd.DataFrame, window: str) -> pd.DataFrame:
    rows = table[table["move_window"] == window]
    return rows.pivot(index="as_of_date", columns="bucket", values="contribution_cents_per_lb")


@pytest.mark.parametrize("window", ["1w", "1m", "3m"])
def test_half_heating_oil_gives_energy_about_half_the_moves(
    table: pd.DataFrame, window: str
) -> None:
    """Energy's share of the absolute parts of every move is about half (the other half is
    the noise, in `unexplained`), and its part is the one ZL was built from: 0.5 x heating
    oil's log move over the window, in cents/lb."""
    wide = _wide(table, window)
    parts = wide.drop(columns=["tariff", "fed", "volatility", "biofuel"]).abs()
    share = parts["energy"].sum() / parts.sum(axis=1).sum()
    assert 0.4 < share < 0.6, share
    inputs = constructed_inputs().set_index("trade_date")
    days = horizon_days(window)
    move_log = inputs["zl_log_return_1d_roll_free"].rolling(days).sum()
    built = 0.5 * inputs["ho_log_return_1d_roll_free"].rolling(days).sum()
    actual = inputs["zl_close_price"] * (1 - np.exp(-move_log))
    truth = (actual / move_log * built).reindex(wide.index)
    assert wide["energy"].corr(truth) > 0.98
    assert 0.9 < (wide["energy"] * truth).sum() / (truth**2).sum() < 1.1
    for bucket in ("crush", "china", "fx"):
        assert wide[bucket].abs().mean() < 0.15 * wide["energy"].abs().mean(), bucket


def test_the_betas_recover_the_construction(table: pd.DataFrame) -> None:
    inputs = constructed_inputs()
    returns, fresh = attribution.factor_returns(inputs)
    used = attribution.factors_used(returns, fresh)
    zl = pd.Series(inputs["zl_log_return_1d_roll_free"].to_numpy(), index=returns.index)
    betas = attribution.rolling_betas(zl, returns, used)
    ho = betas.params["heating oil"].dropna()
    assert ho.between(0.4, 0.6).mean() > 0.95
    r2 = betas.r_squared.dropna()
    assert 0.35 < r2.median() < 0.65  # half the variance, by construction


def test_every_window_adds_up_to_the_actual_move(table: pd.DataFrame) -> None:
    sums = table.groupby(["as_of_date", "move_window"]).agg(
        total=("contribution_cents_per_lb", "sum"), actual=("actual_move_cents_per_lb", "first")
    )
    assert (sums["total"] - sums["actual"]).abs().max() < 1e-9
    assert table.groupby(["as_of_date", "move_window"]).size().eq(9).all()
    assert (table["bucket"] == UNEXPLAINED).sum() == len(sums)


def test_buckets_without_fresh_factors_are_uncovered_not_zero(table: pd.DataFrame) -> None:
    for bucket in ("tariff", "fed", "volatility"):
        rows = table[table["bucket"] == bucket]
        assert rows["contribution_cents_per_lb"].isna().all(), bucket
        assert (rows["factors"] == "").all()
    biofuel = table[table["bucket"] == "biofuel"].set_index("as_of_date")
    stale_from = constructed_inputs()["trade_date"].iloc[STALE_FROM]
    assert biofuel.loc[biofuel.index >= stale_from, "contribution_cents_per_lb"].isna().all()
    assert biofuel.loc[biofuel.index < stale_from, "contribution_cents_per_lb"].notna().all()
    fx = table[table["bucket"] == "fx"]
    assert (fx["factors"] == "the real, the dollar").all()


CUTS = ("2020-03-02", "2023-06-01", "2024-05-06")  # the last one after the RIN went stale


def _rows_changed_up_to(cut: str) -> int:
    """Rows up to `cut` that differ (or exist on one side only) between the table built on all
    the data and the table built on the data cut at `cut`."""
    inputs = constructed_inputs()
    cut_at = pd.Timestamp(cut)
    full = attribution_table(inputs)
    truncated = attribution_table(inputs[inputs["trade_date"] <= cut_at].reset_index(drop=True))
    keys = ["as_of_date", "move_window", "bucket"]
    both = full[full["as_of_date"] <= cut_at].merge(
        truncated, on=keys, how="outer", suffixes=("", "_cut"), indicator=True
    )
    assert len(both) > 0
    changed = both["_merge"] != "both"
    for column in ["contribution_cents_per_lb", "actual_move_cents_per_lb", "r_squared"]:
        changed |= ~np.isclose(
            both[column], both[f"{column}_cut"], rtol=0, atol=1e-12, equal_nan=True
        )
    changed |= both["factors"].fillna("") != both["factors_cut"].fillna("")
    return int(changed.sum())


@pytest.mark.parametrize("cut", CUTS)
def test_cutting_the_data_at_t_leaves_every_row_up_to_t_unchanged(cut: str) -> None:
    assert _rows_changed_up_to(cut) == 0


def test_betas_that_peek_at_later_returns_fail_the_cut(monkeypatch: pytest.MonkeyPatch) -> None:
    """A planted look-ahead: the betas used on t are those estimated 21 days later."""
    honest = attribution.rolling_betas

    def peeking(zl: pd.Series, returns: pd.DataFrame, used: pd.DataFrame) -> Betas:
        betas = honest(zl, returns, used)
        return Betas(betas.params.shift(-21), betas.r_squared.shift(-21))

    monkeypatch.setattr(attribution, "rolling_betas", peeking)
    assert all(_rows_changed_up_to(cut) > 0 for cut in CUTS)


@pytest.mark.parametrize("cut", ["2020-06-30", "2023-02-15"])
def test_a_cut_of_the_snapshot_marts_leaves_earlier_rows_unchanged(
    drivers_db: tuple[Path, dict[str, str]], cut: str
) -> None:
    """The same check on the real snapshot's panel and marts (as built to the end), cut at
    `cut`: the second cut falls while the D4 RIN is still fresh, weeks before it goes stale."""
    with duckdb.connect(str(drivers_db[0]), read_only=True) as con:
        relations = {
            relation: con.sql(
                f"select * from {'intermediate' if relation == PANEL else 'marts'}.{relation}"
            ).df()
            for relation in {f.relation for f in FACTORS}
        }
    inputs = attribution.input_frame(relations)
    cut_at = pd.Timestamp(cut)
    full = attribution_table(inputs)
    truncated = attribution_table(inputs[inputs["trade_date"] <= cut_at].reset_index(drop=True))
    before = full[full["as_of_date"] <= cut_at].reset_index(drop=True)
    pd.testing.assert_frame_equal(before, truncated, check_exact=False, atol=1e-12, rtol=0)
    assert before["factors"].str.contains("the D4 RIN").any()
