"""Importing Databento batch files: parsing, routing, idempotence and bad input.

The parser tests read a small real slice (ZL.v.0 and ZS.v.0 hourly bars across the June 2024
rolls, cut from the bundled snapshot); corrupt inputs are made from it by cutting bytes.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import databento_dbn as dbn
import duckdb
import pandas as pd
import pytest
import zstandard
from dbn_payloads import (
    OPTION_EXPIRATION,
    REAL_SLICE,
    REAL_SLICE_ROWS,
    constructed_definitions,
    constructed_option_bars,
)

from cbi.cli import main
from cbi.snapshot import cut_file, write_dbn
from extractors import databento
from extractors.core import ExtractorError

HOURLY = databento.FUTURES_TABLES["ohlcv-1h"]


def _folder(tmp_path: Path, name: str, files: dict[str, bytes]) -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for file_name, payload in files.items():
        (folder / file_name).write_bytes(payload)
    return folder


def _table(con: duckdb.DuckDBPyConnection, table: str = HOURLY) -> list[tuple]:
    return con.execute(f"select * from {table} order by symbol, ts_event").fetchall()


def test_real_slice_lands_bars_in_exchange_units(con, tmp_path: Path) -> None:
    # GIVEN a folder holding the real slice
    folder = _folder(tmp_path, "batch", {REAL_SLICE.name: REAL_SLICE.read_bytes()})
    # WHEN it is imported
    rows = databento.import_directory(con, folder)
    # THEN every record lands once in the hourly table, keyed by the requested symbol
    assert rows == REAL_SLICE_ROWS
    summary = con.execute(
        f"""
        select symbol, count(*), min(close), max(close), count(distinct instrument_id),
               bool_and(extract(minute from ts_event) = 0), min(ts_event), max(ts_event)
        from {HOURLY} group by symbol order by symbol
        """
    ).fetchall()
    assert [row[0] for row in summary] == ["ZL.v.0", "ZS.v.0"]
    zl, zs = summary
    # ZL in cents/lb and ZS in cents/bushel, converted from fixed-point 1e-9 once
    assert 40 < zl[2] < zl[3] < 50
    assert 1100 < zs[2] < zs[3] < 1250
    # the slice spans the rolls: ZL.v.0 maps to three contracts, ZS.v.0 to two
    assert (zl[4], zs[4]) == (3, 2)
    assert zl[5] and zs[5]
    assert str(zl[6].tzinfo) in {"UTC", "Etc/UTC"}
    assert _table(con, databento.FUTURES_TABLES["ohlcv-1d"]) == []
    log = con.execute(
        "select source, target_table, load_window, rows_landed, status from ops.load_log"
    )
    assert log.fetchall() == [("databento", HOURLY, REAL_SLICE.name, REAL_SLICE_ROWS, "ok")]


def test_instrument_follows_the_symbol_mapping_of_the_day(con, tmp_path: Path) -> None:
    # GIVEN the real slice, whose metadata moves ZL.v.0 to contract 752937 on 2024-06-24
    databento.import_directory(
        con, _folder(tmp_path, "b", {REAL_SLICE.name: REAL_SLICE.read_bytes()})
    )
    # THEN bars of 2024-06-21 (UTC) carry the old contract and bars of 2024-06-24 the new one
    by_day = dict(
        con.execute(
            f"""
            select (ts_event at time zone 'UTC')::date::varchar, any_value(instrument_id)
            from {HOURLY} where symbol = 'ZL.v.0' group by 1
            """
        ).fetchall()
    )
    assert by_day["2024-06-21"] == 771663
    assert by_day["2024-06-24"] == 752937
    assert by_day["2024-06-28"] == 21989


def test_importing_twice_changes_nothing(con, tmp_path: Path) -> None:
    folder = _folder(tmp_path, "batch", {REAL_SLICE.name: REAL_SLICE.read_bytes()})
    databento.import_directory(con, folder)
    before = _table(con)
    # WHEN the same folder is imported again
    rows = databento.import_directory(con, folder)
    # THEN not a single value changes, not even loaded_at, and the second load lands 0 rows
    assert rows == 0
    assert _table(con) == before
    statuses = con.execute("select status, rows_landed from ops.load_log order by load_id")
    assert statuses.fetchall() == [("ok", REAL_SLICE_ROWS), ("ok", 0)]


def test_overlapping_files_merge(con, tmp_path: Path) -> None:
    # GIVEN the real slice and a second file holding only its ZL bars of 2024-06-24..26
    overlap = tmp_path / "overlap.dbn.zst"
    part = cut_file(REAL_SLICE, ("ZL.v.0",), dt.datetime(2024, 6, 24), dt.datetime(2024, 6, 27))
    overlapping_rows = write_dbn([part], ("ZL.v.0",), overlap)
    assert 0 < overlapping_rows < REAL_SLICE_ROWS
    folder = _folder(
        tmp_path,
        "batch",
        {
            "a-" + REAL_SLICE.name: REAL_SLICE.read_bytes(),
            "b-overlap.dbn.zst": overlap.read_bytes(),
        },
    )
    # WHEN both are imported
    databento.import_directory(con, folder)
    # THEN each bar is there once, and the overlap wrote nothing new
    assert con.execute(f"select count(*) from {HOURLY}").fetchone()[0] == REAL_SLICE_ROWS
    assert con.execute("select rows_landed from ops.load_log order by load_id").fetchall() == [
        (REAL_SLICE_ROWS,),
        (0,),
    ]


def test_a_changed_bar_is_updated(con, tmp_path: Path) -> None:
    folder = _folder(tmp_path, "batch", {REAL_SLICE.name: REAL_SLICE.read_bytes()})
    databento.import_directory(con, folder)
    con.execute(f"update {HOURLY} set close = close + 1 where symbol = 'ZS.v.0'")
    # WHEN the folder is imported again, the stored values that differ from the file are fixed
    rows = databento.import_directory(con, folder)
    assert (
        rows == con.execute(f"select count(*) from {HOURLY} where symbol = 'ZS.v.0'").fetchone()[0]
    )


def _truncated(payload: bytes, cut: int) -> bytes:
    return payload[:-cut]


@pytest.mark.parametrize(
    ("name", "payload", "problem"),
    [
        ("cut.ohlcv-1h.dbn.zst", _truncated(REAL_SLICE.read_bytes(), 100), "truncated"),
        (
            "cut.ohlcv-1h.dbn",
            _truncated(zstandard.ZstdDecompressor().decompress(REAL_SLICE.read_bytes()), 10),
            "last record is cut",
        ),
        ("noise.ohlcv-1h.dbn.zst", b"not zstd at all" * 10, "not valid zstd"),
        ("noise.ohlcv-1h.dbn", b"not a dbn file" * 10, "not a DBN file"),
    ],
)
def test_bad_file_fails_without_touching_loaded_rows(
    con, tmp_path: Path, name: str, payload: bytes, problem: str
) -> None:
    # GIVEN rows from an earlier load, and a folder with a good file followed by a bad one
    databento.import_directory(
        con, _folder(tmp_path, "first", {REAL_SLICE.name: REAL_SLICE.read_bytes()})
    )
    before = _table(con)
    folder = _folder(
        tmp_path, "second", {"a-good.dbn.zst": REAL_SLICE.read_bytes(), "z-" + name: payload}
    )
    # WHEN it is imported
    with pytest.raises(ExtractorError) as error:
        databento.import_directory(con, folder)
    # THEN the error names the file and the problem, a failed load is recorded,
    # and the table holds exactly the rows it held before
    assert f"z-{name}" in str(error.value)
    assert problem in str(error.value)
    assert _table(con) == before
    failed = con.execute("select load_window, error from ops.load_log where status = 'failed'")
    ((window, text),) = failed.fetchall()
    assert window == f"z-{name}" and problem in text


def test_cli_exits_non_zero_on_a_truncated_file(tmp_path: Path, capsys) -> None:
    folder = _folder(tmp_path, "batch", {"cut.dbn.zst": REAL_SLICE.read_bytes()[:-50]})
    code = main(
        [
            "--db",
            str(tmp_path / "cli.duckdb"),
            "-q",
            "ingest",
            "databento",
            "--from-dir",
            str(folder),
        ]
    )
    assert code == 1
    assert "cut.dbn.zst is truncated" in capsys.readouterr().err


def test_option_bars_join_their_definitions(con, tmp_path: Path) -> None:
    # GIVEN constructed ZL option bars (ohlcv-1d, stype_in parent) and their definitions
    folder = _folder(
        tmp_path,
        "options",
        {
            "constructed_zl_opt.ohlcv-1d.dbn.zst": constructed_option_bars(),
            "constructed_zl_opt.definition.dbn.zst": constructed_definitions(),
        },
    )
    # WHEN the folder is imported
    rows = databento.import_directory(con, folder)
    # THEN the option bars land with strike, expiry, call/put and underlying
    assert rows == 4
    landed = con.execute(
        f"""
        select symbol, parent, instrument_class, strike_price, underlying, expiration, close
        from {databento.OPTIONS_TABLE} order by ts_event, symbol
        """
    ).fetchall()
    assert [row[:5] for row in landed[:2]] == [
        ("OZLQ4 C4500", "ZL.OPT", "C", 45.0, "ZLQ4"),
        ("OZLQ4 P4500", "ZL.OPT", "P", 45.0, "ZLQ4"),
    ]
    assert landed[0][5] == OPTION_EXPIRATION
    assert landed[2][6] == pytest.approx(1.30)
    assert _table(con, databento.FUTURES_TABLES["ohlcv-1d"]) == []


def test_option_bars_without_definitions_are_refused(con, tmp_path: Path) -> None:
    folder = _folder(
        tmp_path, "options", {"constructed_zl_opt.ohlcv-1d.dbn.zst": constructed_option_bars()}
    )
    with pytest.raises(ExtractorError, match="no definition records"):
        databento.import_directory(con, folder)
    assert _table(con, databento.OPTIONS_TABLE) == []


def test_fixed_point_prices_convert_in_one_place() -> None:
    prices = databento.to_price(pd.Series([45_120_000_000, dbn.UNDEF_PRICE]))
    assert prices.iloc[0] == pytest.approx(45.12)
    assert pd.isna(prices.iloc[1])
