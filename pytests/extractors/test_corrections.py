"""Corrections keep history: a re-imported row with a changed value is a new vintage with its
own available_at (the load time when the file dates none), the old one keeps its own, and an
unchanged re-import changes nothing. A backtest as of a date before the correction's load sees
the old value (the as-of rule of int_fred_observations_joined_asof and macro vintage_states:
the latest vintage public by then). Each corrected file is a real (or, where no real sample
exists, the source's constructed) fixture with one value changed: constructed, named so."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from types import ModuleType

import duckdb
import pandas as pd
import pytest

from extractors import cftc, eia, epa_rin, fred, nopa, wasde
from extractors.declaration import Table
from pytests.extractors.constructed_fundamentals import write_nopa

FIXTURES = Path(__file__).parent / "fixtures"
DGS10 = FIXTURES / "fred" / "DGS10.csv"


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


def _nopa_table(folder: Path) -> Path:
    return write_nopa(folder, dt.date(2023, 1, 1), dt.date(2023, 6, 1))


# source module, its table, the original file (or a writer of it), the one change, and the
# natural key of the changed row
CORRECTIONS: dict[str, tuple[ModuleType, Table, Callable[[Path], Path], str, str, str]] = {
    "cftc": (
        cftc,
        cftc.COT,
        lambda _: FIXTURES / "cftc" / "f_year_2021_through_0316.txt",
        "2021-03-16,007601,CBT ,00,007 ,  496726,",
        "2021-03-16,007601,CBT ,00,007 ,  496727,",
        "market_code = '007601' and as_of_date = '2021-03-16'",
    ),
    "epa_rin": (
        epa_rin,
        epa_rin.PRICES,
        lambda _: FIXTURES / "epa_rin" / "rin_prices_2021-12-27_to_2022-01-10.csv",
        '"12/27/2021","2021","2019","D6","Unverified","$1.10"',
        '"12/27/2021","2021","2019","D6","Unverified","$1.12"',
        "week_start_date = '2021-12-27' and transfer_year = 2021 and rin_year = 2019 "
        "and d_code = 'D6' and qap_service_type = 'Unverified'",
    ),
    "eia": (
        eia,
        eia.WEEKLY_PRICES,
        lambda _: next((FIXTURES / "eia").glob("constructed_api_v2_weekly_diesel_*.json")),
        '"value": 3.324,',
        '"value": 3.325,',
        "period_date = '2021-08-23'",
    ),
    "wasde": (
        wasde,
        wasde.ESTIMATES,
        lambda _: next((FIXTURES / "usda_wasde").glob("oce_wasde_rows_2024-07_*.csv")),
        "650,July 2024,U.S. Soybeans and Products Supply and Use (Domestic Measure),Biofuel,,"
        '"Oil, Soybean",United States,2022/23,,Annual,12491.00,',
        "650,July 2024,U.S. Soybeans and Products Supply and Use (Domestic Measure),Biofuel,,"
        '"Oil, Soybean",United States,2022/23,,Annual,12492.00,',
        "report_month = '2024-07-01' and attribute = 'Biofuel' and market_year = '2022/23'",
    ),
    "nopa": (
        nopa,
        nopa.CRUSH,
        _nopa_table,
        "2023-01,2023-02-16,17",
        "2023-01,2023-02-16,16",
        "report_month = '2023-01-01'",
    ),
}


def _stored(con: duckdb.DuckDBPyConnection, table: Table, where: str) -> list[tuple]:
    return con.execute(
        f"select available_at, loaded_at from {table.qualified} where {where} order by 1"
    ).fetchall()


@pytest.mark.parametrize("name", list(CORRECTIONS))
def test_a_corrected_value_is_a_new_vintage_and_the_old_one_is_kept(
    con: duckdb.DuckDBPyConnection, tmp_path: Path, name: str
) -> None:
    module, table, original_of, old, new, where = CORRECTIONS[name]
    original = original_of(tmp_path / "original")
    text = original.read_text()
    assert text.count(old) == 1, f"the change of {name} must hit one line"
    corrected = tmp_path / "constructed_corrected" / original.name
    corrected.parent.mkdir()
    corrected.write_text(text.replace(old, new))
    # GIVEN the original file loaded
    module.import_path(con, original)
    [first] = _stored(con, table, where)
    # WHEN the corrected file is imported, THEN only the changed row lands, beside the first,
    # public from its load; the first keeps its own publication instant
    assert module.import_path(con, corrected) == 1
    kept, (corrected_at, loaded_at) = _stored(con, table, where)
    assert kept == first and corrected_at == loaded_at > first[0]
    # and re-importing either file changes nothing
    assert module.import_path(con, corrected) == 0
    assert module.import_path(con, original) == 0
    assert len(_stored(con, table, where)) == 2


def _primary_key(con: duckdb.DuckDBPyConnection, table: Table) -> tuple[str, ...]:
    [(columns,)] = con.execute(
        "select constraint_column_names from duckdb_constraints() "
        "where table_name = ? and constraint_type = 'PRIMARY KEY'",
        [table.name],
    ).fetchall()
    return tuple(columns)


def test_a_table_keyed_before_vintages_is_rekeyed_with_its_rows(
    con: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    # GIVEN raw.cftc_cot as an earlier version created it (primary key without available_at)
    module, table, original_of, old, new, where = CORRECTIONS["cftc"]
    original = original_of(tmp_path)
    module.import_path(con, original)
    rows = con.execute(f"select count(*) from {table.qualified}").fetchone()
    con.execute(f"create table old_rows as select * from {table.qualified}")
    con.execute(f"drop table {table.qualified}")
    old_ddl = table.ddl().replace(", available_at)", ")")
    con.execute(old_ddl)
    con.execute(f"insert into {table.qualified} select * from old_rows")
    assert _primary_key(con, table) == table.key
    # WHEN a correction is imported, THEN the table is rekeyed, its rows kept, the vintage added
    corrected = tmp_path / "constructed_corrected" / original.name
    corrected.parent.mkdir()
    corrected.write_text(original.read_text().replace(old, new))
    assert module.import_path(con, corrected) == 1
    assert _primary_key(con, table) == table.primary_key
    assert con.execute(f"select count(*) from {table.qualified}").fetchone() == (rows[0] + 1,)
    assert len(_stored(con, table, where)) == 2
