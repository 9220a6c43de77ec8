"""WASDE Excel workbooks and OCE archives: real layout quirks, bad files, idempotent reloads.

Fixtures (fixtures/usda_wasde/, cut by `scripts/make_snapshot.py --fixture` from the real files
of ../shared/data/usda_wasde, every kept cell and line unchanged): the April 2021 (last
`Biodiesel 3/`) and May 2021 (first `Biofuel 3/`, `NA` in the previous month's column)
workbooks and the April 2025 workbook with its `v2` re-post, as the snapshot cuts them; the
August 2020 workbook (Excel 95, `Filler` cells, figures flagged `*`) with its soybean pages
whole; and U.S. soybean oil lines of the April and May 2011 reports (and one wheat line) of the
2010-2015 OCE archive. The HTML page saved as .xls is constructed (named so below).
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import pandas as pd
import pytest
from load_checks import load_log, refused, rows

from extractors import wasde, wasde_xls

FIXTURES = Path(__file__).parent / "fixtures" / "usda_wasde"
APRIL_2021 = FIXTURES / "2021-04-09_latest.xls"
MAY_2021 = FIXTURES / "2021-05-12_latest.xls"
APRIL_2025 = FIXTURES / "2025-04-10_wasde0425.xls"
APRIL_2025_V2 = FIXTURES / "2025-04-10_wasde0425v2.xls"
AUGUST_2020 = FIXTURES / "2020-08-12_latest.xls"
ARCHIVE = FIXTURES / "real_lines_of_oce-wasde-report-data-2010-04-to-2015-12.zip"


def _estimate(con, report: str, region: str, commodity: str, attribute: str) -> tuple:
    """(market year, flag, value, previous value, unit, available_at) of the newest year, from
    the U.S. page for the United States, else from the world page of `commodity`."""
    table = wasde.US_TABLE if region == "United States" else "World Soybean Supply and Use"
    return con.execute(
        f"""select market_year, projection_flag, value, previous_value, unit, available_at
        from {wasde.TABLE} where dataset = 'xls' and report_month = ? and table_name = ?
        and region = ? and commodity = ? and attribute = ?
        order by market_year desc limit 1""",
        [report, table, region, commodity, attribute],
    ).fetchone()


def _noon(day: str) -> pd.Timestamp:
    """12:00 New York (EDT) on `day`."""
    return pd.Timestamp(f"{day} 16:00", tz="UTC")


def test_a_workbook_lands_this_and_the_previous_months_projection(con) -> None:
    assert wasde.import_path(con, APRIL_2021) == 225
    # Page 15: the March and April 2021 projections of 2020/21; "Biodiesel 3/" as Biodiesel
    assert _estimate(con, "2021-04-01", "United States", "Oil, Soybean", "Biodiesel") == (
        "2020/21",
        "Proj.",
        7900.0,
        8300.0,
        "Million Pounds",
        _noon("2021-04-09"),
    )
    # the world soybean page, Brazil's row pair (Mar, Apr)
    assert _estimate(con, "2021-04-01", "Brazil", "Oilseed, Soybean", "Production") == (
        "2020/21",
        "Proj.",
        136.0,
        134.0,
        "Million Metric Tons",
        _noon("2021-04-09"),
    )
    est = con.execute(
        f"""select projection_flag, previous_value from {wasde.TABLE}
        where report_month = '2021-04-01' and market_year = '2019/20'
        and region = 'United States' and attribute = 'Ending stocks'"""
    ).fetchall()
    assert est == [("Est.", None)]


def test_may_reports_have_no_previous_month_and_biofuel_is_named_so(con) -> None:
    wasde.import_path(con, MAY_2021)
    assert _estimate(con, "2021-05-01", "United States", "Oil, Soybean", "Biofuel")[:4] == (
        "2021/22",
        "Proj.",
        12000.0,
        None,
    )
    assert _estimate(con, "2021-05-01", "Brazil", "Oilseed, Soybean", "Production")[2:4] == (
        144.0,
        None,
    )


def test_an_excel_95_workbook_with_filler_and_flagged_figures(con) -> None:
    assert wasde.import_path(con, AUGUST_2020) == 807
    planted = _estimate(con, "2020-08-01", "United States", "Oilseed, Soybean", "Area Planted")
    assert planted[:5] == ("2020/21", "Proj.", 83.8, 83.8, "Million Acres")
    meal = _estimate(con, "2020-08-01", "United States", "Meal, Soybean", "Production")
    assert meal[2:5] == (51425.0, 50975.0, "Thousand Short Tons")
    assert (
        con.execute(
            f"select count(*) from {wasde.TABLE} where attribute ilike '%filler%'"
        ).fetchone()[0]
        == 0
    )


def test_a_v2_repost_and_a_second_load_change_nothing(con, tmp_path: Path) -> None:
    assert wasde.import_path(con, APRIL_2025) == 243
    before = rows(con, wasde.TABLE).drop(columns="source")
    assert wasde.import_path(con, APRIL_2025_V2) == 0
    folder = tmp_path / "xls"
    folder.mkdir()
    for name in (APRIL_2025, APRIL_2025_V2, MAY_2021):
        (folder / name.name).write_bytes(name.read_bytes())
    wasde.import_path(con, folder)
    again = rows(con, wasde.TABLE)
    assert wasde.import_path(con, folder) == 0
    pd.testing.assert_frame_equal(again, rows(con, wasde.TABLE))
    april = again.loc[again["report_month"] == pd.Timestamp("2025-04-01")].drop(columns="source")
    pd.testing.assert_frame_equal(before.reset_index(drop=True), april.reset_index(drop=True))
    assert [entry[1:3] for entry in load_log(con)[:2]] == [(243, "ok"), (0, "ok")]


def _copy(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / "bad" / name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(data)
    return path


def test_a_cut_off_workbook_is_one_line_and_lands_nothing(con, tmp_path: Path) -> None:
    data = MAY_2021.read_bytes()
    bad = _copy(tmp_path, MAY_2021.name, data[: len(data) // 2])
    message = refused(con, wasde, APRIL_2021, bad)
    assert "damaged or cut-off .xls workbook" in message and "\n" not in message


def test_an_html_page_saved_as_xls_is_named(con, tmp_path: Path) -> None:
    constructed = b"<!DOCTYPE html><html><body>The page you requested was moved</body></html>"
    bad = _copy(tmp_path, "constructed_wasde0525.xls", constructed)
    assert "is an HTML or XML page saved as .xls" in refused(con, wasde, APRIL_2021, bad)


def test_a_workbook_without_page_15_is_refused(con, tmp_path: Path) -> None:
    bad = tmp_path / "bad" / MAY_2021.name
    bad.parent.mkdir()
    pages = wasde_xls.snapshot_rows(MAY_2021)
    del pages[wasde_xls.US_SHEET]
    wasde_xls.cut_workbook(MAY_2021, bad, pages)
    assert "has no sheet 'Page 15'" in refused(con, wasde, APRIL_2021, bad)


def test_a_folder_lands_its_good_workbooks_and_names_the_bad_one(con, tmp_path: Path) -> None:
    folder = tmp_path / "mixed"
    folder.mkdir()
    (folder / APRIL_2021.name).write_bytes(APRIL_2021.read_bytes())
    (folder / MAY_2021.name).write_bytes(MAY_2021.read_bytes()[:4000])
    with pytest.raises(Exception, match=MAY_2021.name):
        wasde.import_path(con, folder)
    landed = con.execute(f"select distinct report_month from {wasde.TABLE}").fetchall()
    assert landed == [(dt.date(2021, 4, 1),)]


def test_the_snapshot_cut_keeps_the_values_of_the_rows_it_keeps(tmp_path: Path) -> None:
    cut = tmp_path / AUGUST_2020.name
    wasde_xls.cut_workbook(AUGUST_2020, cut, wasde_xls.snapshot_rows(AUGUST_2020))
    whole, trimmed = wasde.parse_workbook(AUGUST_2020), wasde.parse_workbook(cut)
    key = ["table_name", "region", "commodity", "attribute", "market_year"]
    both = trimmed.merge(whole, on=key, suffixes=("", "_whole"), validate="one_to_one")
    assert len(both) == len(trimmed) < len(whole)
    assert both["value"].equals(both["value_whole"])
    assert both["previous_value"].fillna(-1).equals(both["previous_value_whole"].fillna(-1))
    assert set(trimmed["region"]) == set(wasde_xls.SNAPSHOT_REGIONS)


def test_an_oce_archive_lands_the_soybean_tables_of_every_report(con) -> None:
    assert wasde.import_path(con, ARCHIVE) == 65
    biofuel = con.execute(
        f"""select report_month, attribute, value, available_at from {wasde.TABLE}
        where dataset = 'oce' and market_year = '2010/11' and attribute ilike '%methyl%'
        order by report_month"""
    ).fetchall()
    # the line was renamed between the two reports; 2010-2012 reports came out at 08:30 ET
    assert biofuel == [
        (dt.date(2011, 4, 1), "For Methyl Ester", 2700.0, pd.Timestamp("2011-04-08 12:30Z")),
        (dt.date(2011, 5, 1), "Methyl Ester", 2500.0, pd.Timestamp("2011-05-11 12:30Z")),
    ]
    wheat = f"select count(*) from {wasde.TABLE} where commodity ilike '%wheat%'"
    assert con.execute(wheat).fetchone() == (0,)
    assert wasde.import_path(con, ARCHIVE) == 0


def test_a_damaged_archive_is_one_line(con, tmp_path: Path) -> None:
    bad = _copy(tmp_path, ARCHIVE.name, ARCHIVE.read_bytes()[:300])
    assert "is not a readable zip" in refused(con, wasde, APRIL_2021, bad)
    empty = tmp_path / "bad" / "oce-empty.zip"
    with zipfile.ZipFile(empty, "w") as archive:
        archive.writestr("readme.txt", "no csv")
    assert "holds no .csv member" in refused(con, wasde, APRIL_2021, empty)
