"""A text file cut off mid-line (a download that stopped) never lands a wrong value.

CSV and text reports of every publisher end their last line with a line end, so a last line
without one is refused. FRED's own CSV downloads do not always end with one (the real
T10Y2Y_1976-2026.csv does not), so FRED drops such a last line and says so in one warning: a
cut `2018-02-06,2.7` of the real 2.79 must not land. JSON is one document: a cut one does not
parse. The cut files are real files cut by the tests (constructed, named so)."""

from __future__ import annotations

import logging
from pathlib import Path
from types import ModuleType, SimpleNamespace

import pytest

from extractors import cftc, eia, epa_rin, fred, wasde
from pytests.extractors.load_checks import refused

FIXTURES = Path(__file__).parent / "fixtures"
SNAPSHOT = Path(__file__).parents[2] / "data" / "snapshot"
DGS10 = SNAPSHOT / "fred" / "DGS10.csv"


def _cut(tmp_path: Path, real: Path, end: int) -> Path:
    """The first `end` bytes of the real file `real`, under the same name in constructed_cut/
    (the name tells some publishers' files apart)."""
    path = tmp_path / "constructed_cut" / real.name
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(real.read_bytes()[:end])
    return path


def _value_of_2018_02_06(con) -> list[tuple]:
    return con.execute(
        f"select value from {fred.TABLE} where series_id = 'DGS10' "
        "and observation_date = '2018-02-06'"
    ).fetchall()


def test_fred_csv_cut_mid_number_drops_its_last_line_and_says_so(con, tmp_path, caplog) -> None:
    data = DGS10.read_bytes()
    cut = _cut(tmp_path, DGS10, data.index(b"2018-02-06,2.79") + len(b"2018-02-06,2.7"))
    fred.import_path(con, DGS10)
    with caplog.at_level(logging.WARNING, logger="extractors.fred"):
        assert fred.import_path(con, cut) == 0
    assert _value_of_2018_02_06(con) == [(2.79,)]
    warned = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warned) == 1 and "\n" not in warned[0]
    assert (
        warned[0].startswith(f"fred: {cut.name}: line 3418 has no line end")
        and "dropped" in warned[0]
    )


def test_fred_csv_cut_into_an_empty_table_lands_the_whole_lines_only(con, tmp_path) -> None:
    data = DGS10.read_bytes()
    cut = _cut(tmp_path, DGS10, data.index(b"2018-02-06,2.79") + len(b"2018-02-06,2.7"))
    assert fred.import_path(con, cut) == data[: data.index(b"2018-02-06")].count(b"\n") - 1
    assert _value_of_2018_02_06(con) == []


# refused() reads the table of a module: EPA's two tables, one each
EPA_PRICES = SimpleNamespace(
    SOURCE=epa_rin.SOURCE, TABLE=epa_rin.PRICES_TABLE, import_path=epa_rin.import_path
)
EPA_GENERATION = SimpleNamespace(
    SOURCE=epa_rin.SOURCE, TABLE=epa_rin.GENERATION_TABLE, import_path=epa_rin.import_path
)
CSV_AND_TEXT = [
    (cftc, FIXTURES / "cftc" / "f_year_2021_through_0316.txt"),
    (EPA_PRICES, FIXTURES / "epa_rin" / "rin_prices_2021-12-27_to_2022-01-10.csv"),
    (EPA_GENERATION, FIXTURES / "epa_rin" / "generationbreakout_jan2025.csv"),
    (wasde, SNAPSHOT / "wasde" / "psd_commodity_forecast_2024-08.csv"),
    (wasde, SNAPSHOT / "wasde" / "oce_wasde_rows_2024-01_to_2024-08_headerless_14tables.csv"),
    (wasde, SNAPSHOT / "wasde" / "wasde_2019-11-08_us_soybeans_and_products.txt"),
]


@pytest.mark.parametrize(("extractor", "real"), CSV_AND_TEXT, ids=lambda v: getattr(v, "name", ""))
def test_csv_or_text_cut_mid_line_is_refused(
    con, tmp_path, extractor: ModuleType, real: Path
) -> None:
    data = real.read_bytes()
    last_line = data.rstrip(b"\r\n").rfind(b"\n") + 1
    cut = _cut(tmp_path, real, (last_line + len(data.rstrip(b"\r\n"))) // 2)
    message = refused(con, extractor, real, cut)
    assert "cut off" in message and "\n" not in message


@pytest.mark.parametrize(
    ("extractor", "real"),
    [
        (fred, FIXTURES / "fred" / "DGS10_observations_array.json"),
        (eia, FIXTURES / "eia" / "constructed_api_v2_weekly_diesel_2021-08-23_to_2021-09-13.json"),
    ],
    ids=["fred", "eia"],
)
def test_json_cut_anywhere_does_not_parse(con, tmp_path, extractor: ModuleType, real: Path) -> None:
    cut = _cut(tmp_path, real, len(real.read_bytes()) * 2 // 3)
    cut = (
        cut.rename(tmp_path / real.name.replace("constructed_", "constructed_cut_"))
        if "constructed_" in real.name
        else cut
    )
    assert "is not valid JSON" in refused(con, extractor, real, cut)
