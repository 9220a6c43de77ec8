"""Corrections keep history: a re-imported row with a changed value is a new vintage with its
own available_at (the load time when the file dates none), the old one keeps its own, and an
unchanged re-import changes nothing. A backtest as of a date before the correction's load sees
the old value (the as-of rule of int_fred_observations_joined_asof: the latest vintage public
by then). The corrected file is the real DGS10.csv with one value changed (constructed, named
so)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from extractors import fred

DGS10 = Path(__file__).parent / "fixtures" / "fred" / "DGS10.csv"


def _vintages(con) -> list[tuple]:
    return con.execute(
        f"""select value, available_at, loaded_at from {fred.TABLE}
        where series_id = 'DGS10' and observation_date = '1962-01-03' order by available_at"""
    ).fetchall()


def _public_as_of(con, as_of: pd.Timestamp) -> float:
    return con.execute(
        f"""select value from {fred.TABLE}
        where series_id = 'DGS10' and observation_date = '1962-01-03' and available_at <= ?
        order by available_at desc limit 1""",
        [as_of.to_pydatetime()],
    ).fetchone()[0]


def test_fred_csv_correction_is_a_new_vintage_public_from_its_load(con, tmp_path: Path) -> None:
    corrected = tmp_path / "constructed_corrected" / "DGS10.csv"
    corrected.parent.mkdir()
    corrected.write_text(DGS10.read_text().replace("1962-01-03,4.03", "1962-01-03,4.05"))
    fred.import_path(con, DGS10)
    [(_, first_published, _)] = _vintages(con)
    assert fred.import_path(con, corrected) == 1
    (old, published, _), (new, corrected_at, loaded_at) = _vintages(con)
    assert (old, published) == (4.03, first_published)
    assert new == 4.05 and corrected_at == loaded_at
    # a backtest before the correction's load sees the value public then; after it, the new one
    assert _public_as_of(con, pd.Timestamp(corrected_at) - pd.Timedelta(seconds=1)) == 4.03
    assert _public_as_of(con, pd.Timestamp(corrected_at)) == 4.05
    # re-importing either file changes nothing
    assert fred.import_path(con, corrected) == 0
    assert fred.import_path(con, DGS10) == 0
    assert len(_vintages(con)) == 2
