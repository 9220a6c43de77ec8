"""A correction loaded into the snapshot leaves the panel point in time and the build green.

GIVEN the bundled snapshot and the EIA API answer of four real diesel weeks
(pytests/extractors/fixtures/eia, constructed in shape, real values) with one value changed
(constructed, named so), WHEN it is imported (a new vintage, public from its load) and the
diesel features are built, THEN every staging and intermediate test passes with two vintages
of that week stored (the keys are per knowledge state), and a trade date before the load
still reads the value first published.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import duckdb

from extractors import eia
from extractors.core import connect
from pytests.dbt_session import DbtSession, copy_database

ANSWER = next(
    (Path(__file__).parents[1] / "extractors" / "fixtures" / "eia").glob(
        "constructed_api_v2_weekly_diesel_*.json"
    )
)


DIESEL = "EMD_EPD2D_PTE_NUS_DPG"


def test_a_correction_keeps_earlier_trade_dates_and_the_tests_green(
    dbt_session: DbtSession, snapshot_db: Path, tmp_path: Path
) -> None:
    db = copy_database(snapshot_db, tmp_path / "cbi.duckdb")
    corrected = tmp_path / "constructed_corrected" / ANSWER.name
    corrected.parent.mkdir()
    corrected.write_text(ANSWER.read_text().replace('"value": 3.372,', '"value": 3.472,'))
    con = connect(db)
    try:
        assert eia.import_path(con, corrected) == 1
        vintages = con.execute(
            f"select value from {eia.TABLE} where series_id = ? and period_date = '2021-09-13' "
            "order by available_at",
            [DIESEL],
        ).fetchall()
    finally:
        con.close()
    assert vintages == [(3.372,), (3.472,)]

    done = dbt_session.cbi(db, "build", "--select", "+int_diesel_retail_prices_joined_asof")

    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-2000:]
    with duckdb.connect(str(db), read_only=True) as built:
        used = built.execute(
            "select diesel_retail_week_date, diesel_retail_usd_per_gal "
            "from intermediate.int_diesel_retail_prices_joined_asof where trade_date = ?",
            [dt.date(2021, 9, 17)],
        ).fetchone()
    assert used == (dt.date(2021, 9, 13), 3.372)
