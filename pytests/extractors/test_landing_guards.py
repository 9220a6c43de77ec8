"""What the shared landing (extractors.core.merge_rows) refuses for every source, driven by
each table's declaration: a value dated after the moment it is loaded or after its own
available_at, a non-finite or implausible number (the dbt range tests' own bounds), an integer
its column cannot hold. Each refusal is one line naming the source, the field and the row, and
leaves the earlier data as it was.

The bad files are real files with one value changed, written by the tests below (constructed,
named so: `constructed_*`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from common.errors import ExtractorError
from extractors import cftc, eia, fred, wasde
from pytests.extractors.load_checks import refused

FIXTURES = Path(__file__).parent / "fixtures"
FRED_DGS10 = FIXTURES / "fred" / "DGS10.csv"
CFTC_F_YEAR = FIXTURES / "cftc" / "f_year_2021_through_0316.txt"
EIA_JSON = FIXTURES / "eia" / "constructed_api_v2_weekly_diesel_2021-08-23_to_2021-09-13.json"
WASDE_OCE = (
    FIXTURES
    / "usda_wasde"
    / "oce_wasde_rows_2024-07_to_2024-08_us_soybean_oil_and_south_american_soybeans_headerless.csv"
)


def _constructed(tmp_path: Path, real: Path, old: str, new: str, count: int = 1) -> Path:
    """A copy of the real file `real` with `old` replaced by `new` (`count` times)."""
    text = real.read_text()
    assert old in text
    path = tmp_path / f"constructed_{real.name}"
    path.write_text(text.replace(old, new, count))
    return path


def test_fred_row_dated_after_its_load_is_refused(con, tmp_path: Path) -> None:
    bad = tmp_path / "constructed_DGS10_2030.csv"
    bad.write_text("observation_date,DGS10\n2030-01-02,4.50\n")
    message = refused(con, fred, FRED_DGS10, bad)
    assert "field 'observation_date'" in message and "2030-01-02" in message
    assert "line 2" in message and "after the moment it is loaded" in message
    assert "\n" not in message


def test_cftc_row_dated_after_its_load_is_refused(con, tmp_path: Path) -> None:
    bad = _constructed(tmp_path, CFTC_F_YEAR, "210316,2021-03-16", "300319,2030-03-19")
    message = refused(con, cftc, CFTC_F_YEAR, bad)
    assert "field 'as_of_date'" in message and "2030-03-19" in message
    assert "after the moment it is loaded" in message and "\n" not in message


def test_eia_row_dated_after_its_load_is_refused(con, tmp_path: Path) -> None:
    bad = _constructed(tmp_path, EIA_JSON, '"period": "2021-09-13"', '"period": "2030-09-16"')
    message = refused(con, eia, EIA_JSON, bad)
    assert "field 'period_date'" in message and "2030-09-16" in message
    assert "after the moment it is loaded" in message and "\n" not in message


def test_wasde_report_month_after_its_load_is_refused(con, tmp_path: Path) -> None:
    bad = _constructed(
        tmp_path,
        WASDE_OCE,
        ",2024-07-12,12:00:00.0000000,2024,7",
        ",2030-07-12,12:00:00.0000000,2030,7",
        -1,
    )
    bad.write_text(bad.read_text().replace("July 2024", "July 2030"))
    message = refused(con, wasde, WASDE_OCE, bad)
    assert "field 'report_month'" in message and "2030-07-01" in message
    assert "after the moment it is loaded" in message and "\n" not in message


def test_fred_implausible_value_is_refused_by_the_dbt_range(con, tmp_path: Path) -> None:
    bad = _constructed(tmp_path, FRED_DGS10, "1962-01-03,4.03", "1962-01-03,99999999999")
    message = refused(con, fred, FRED_DGS10, bad)
    assert "field 'value' at line 3 is 99999999999.0" in message and "\n" not in message
    assert f"plausible range {_range(fred.ECONOMIC, 'value')}" in message


def test_cftc_negative_open_interest_is_refused_by_the_dbt_range(con, tmp_path: Path) -> None:
    bad = _constructed(tmp_path, CFTC_F_YEAR, "007 ,  496726,", "007 , -496726,")
    message = refused(con, cftc, CFTC_F_YEAR, bad)
    assert "field 'open_interest'" in message and "-496726" in message
    assert "as_of_date 2021-03-16" in message and "\n" not in message


@pytest.mark.parametrize("constant", ["Infinity", "-Infinity", "NaN"])
def test_eia_non_finite_json_value_is_refused(con, tmp_path: Path, constant: str) -> None:
    bad = _constructed(tmp_path, EIA_JSON, '"value": 3.339', f'"value": {constant}')
    message = refused(con, eia, EIA_JSON, bad)
    assert f"field 'response.data[1].value' is {constant}" in message and "\n" not in message


def _range(table, column: str) -> str:
    declared = next(c for c in table.columns if c.name == column)
    return f"{declared.min_value:g}..{declared.max_value:g}"


def test_an_infinite_number_that_got_past_the_parser_is_refused_at_landing(con) -> None:
    # the JSON parser refuses Infinity; the landing refuses it for every other way in
    document = json.loads(EIA_JSON.read_text())
    document["response"]["data"][1]["value"] = float("inf")
    rows, _ = eia.parse_api(document, "constructed_infinite.json")
    with pytest.raises(ExtractorError) as caught:
        eia.land(con, rows, "constructed_infinite.json")
    assert str(caught.value).startswith(
        "eia: constructed_infinite.json: field 'value' of the row series_id EMD_EPD2D_PTE_NUS_DPG"
    )
    assert "is inf, not a finite number" in str(caught.value)
    assert con.execute(f"select count(*) from {eia.TABLE}").fetchone() == (0,)
