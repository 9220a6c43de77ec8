"""Importing Databento batch files: parsing, routing, idempotence and bad input.

The parser tests read a small real slice (ZL.v.0 and ZS.v.0 hourly bars across the June 2024
rolls, cut from the bundled snapshot); corrupt inputs are made from it by cutting bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
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
from common.errors import ExtractorError
from extractors import databento
from extractors.dbn import body_offset
from extractors.snapshot import SymbolInterval, SymbolMapping, cut_file, write_dbn

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
    rows = databento.import_path(con, folder)
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
    databento.import_path(con, _folder(tmp_path, "b", {REAL_SLICE.name: REAL_SLICE.read_bytes()}))
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
    databento.import_path(con, folder)
    before = _table(con)
    # WHEN the same folder is imported again
    rows = databento.import_path(con, folder)
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
    databento.import_path(con, folder)
    # THEN each bar is there once, and the overlap wrote nothing new
    assert con.execute(f"select count(*) from {HOURLY}").fetchone()[0] == REAL_SLICE_ROWS
    assert con.execute("select rows_landed from ops.load_log order by load_id").fetchall() == [
        (REAL_SLICE_ROWS,),
        (0,),
    ]


def test_a_changed_bar_is_updated(con, tmp_path: Path) -> None:
    folder = _folder(tmp_path, "batch", {REAL_SLICE.name: REAL_SLICE.read_bytes()})
    databento.import_path(con, folder)
    con.execute(f"update {HOURLY} set close = close + 1 where symbol = 'ZS.v.0'")
    # WHEN the folder is imported again, the stored values that differ from the file are fixed
    rows = databento.import_path(con, folder)
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
    databento.import_path(
        con, _folder(tmp_path, "first", {REAL_SLICE.name: REAL_SLICE.read_bytes()})
    )
    before = _table(con)
    folder = _folder(
        tmp_path, "second", {"a-good.dbn.zst": REAL_SLICE.read_bytes(), "z-" + name: payload}
    )
    # WHEN it is imported
    with pytest.raises(ExtractorError) as error:
        databento.import_path(con, folder)
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
    rows = databento.import_path(con, folder)
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
        databento.import_path(con, folder)
    assert _table(con, databento.OPTIONS_TABLE) == []


def test_fixed_point_prices_convert_in_one_place() -> None:
    prices = databento.to_price(pd.Series([45_120_000_000, dbn.UNDEF_PRICE]))
    assert prices.iloc[0] == pytest.approx(45.12)
    assert pd.isna(prices.iloc[1])


def _reframed(payload: bytes, keep_records: float) -> tuple[bytes, bytes]:
    """The real slice re-encoded as two zstd frames split on a record boundary.

    Returns (first frame only, both frames): the first is what a download cut exactly at a
    frame boundary leaves, which passes every frame and record check.
    """
    data = zstandard.ZstdDecompressor().decompress(payload)
    start = body_offset(data)
    record = data[start] * 4
    split = start + int((len(data) - start) // record * keep_records) * record
    compressor = zstandard.ZstdCompressor()
    first = compressor.compress(data[:split])
    return first, first + compressor.compress(data[split:])


def test_a_file_cut_at_a_frame_boundary_is_an_error(con, tmp_path: Path) -> None:
    # GIVEN the real slice (2024-06-19..28) with its later half cut off at a frame boundary
    cut, whole = _reframed(REAL_SLICE.read_bytes(), keep_records=0.4)
    folder = _folder(tmp_path, "batch", {"cut.ohlcv-1h.dbn.zst": cut})
    # WHEN it is imported, THEN it fails naming the file and the gap, and nothing lands
    with pytest.raises(ExtractorError, match=r"cut.ohlcv-1h.dbn.zst stops early: its last bar"):
        databento.import_path(con, folder)
    assert _table(con) == []
    # AND the same records framed in two whole frames land completely
    assert databento.import_path(con, _folder(tmp_path, "ok", {"w.dbn.zst": whole})) == (
        REAL_SLICE_ROWS
    )


def test_one_bad_file_does_not_stop_the_others(con, tmp_path: Path) -> None:
    # GIVEN a bad file sorted before a good one
    payload = REAL_SLICE.read_bytes()
    files = {"a-bad.ohlcv-1h.dbn.zst": payload[:-50], "b-good.dbn.zst": payload}
    folder = _folder(tmp_path, "batch", files)
    # WHEN the folder is imported, THEN the good file lands and the error lists the bad one
    with pytest.raises(ExtractorError, match=r"1 of 2 files .* failed .*a-bad.ohlcv-1h"):
        databento.import_path(con, folder)
    assert len(_table(con)) == REAL_SLICE_ROWS
    fates = con.execute("select load_window, status from ops.load_log order by load_window")
    assert fates.fetchall() == [("a-bad.ohlcv-1h.dbn.zst", "failed"), ("b-good.dbn.zst", "ok")]


def _manifest(folder: Path, entries: list[dict]) -> None:
    """A batch manifest in the shape of Databento's batch file list (constructed here)."""
    (folder / databento.MANIFEST).write_text(json.dumps(entries))


def test_a_manifest_catches_a_short_file_and_a_missing_one(con, tmp_path: Path) -> None:
    payload = REAL_SLICE.read_bytes()
    digest = "sha256:" + hashlib.sha256(payload).hexdigest()
    # GIVEN a folder whose manifest lists three files: one whole, one cut, one never downloaded
    cut, _ = _reframed(payload, keep_records=0.95)
    folder = _folder(tmp_path, "batch", {"a.dbn.zst": payload, "b.dbn.zst": cut})
    _manifest(
        folder,
        [
            {"filename": name, "size": len(payload), "hash": digest}
            for name in ("a.dbn.zst", "b.dbn.zst", "c.dbn.zst")
        ]
        + [{"filename": "metadata.json", "size": 10, "hash": "sha256:00"}],
    )
    # WHEN it is imported, THEN the whole file lands and the other two are named
    with pytest.raises(ExtractorError) as error:
        databento.import_path(con, folder)
    message = str(error.value)
    assert "2 of 3 files" in message
    assert "b.dbn.zst is" in message and "manifest.json lists" in message
    assert "c.dbn.zst is listed in manifest.json but missing" in message
    assert len(_table(con)) == REAL_SLICE_ROWS
    # AND a file of the right size with other bytes fails its hash
    (folder / "b.dbn.zst").write_bytes(payload[:-1] + b"\0")
    (folder / "c.dbn.zst").write_bytes(payload)
    with pytest.raises(ExtractorError, match="b.dbn.zst does not match its sha256"):
        databento.import_path(con, folder)


def test_a_header_that_disagrees_with_its_records_is_refused(con, tmp_path: Path) -> None:
    # GIVEN the real hourly slice relabelled ohlcv-1d in its metadata (records stay hourly)
    data = zstandard.ZstdDecompressor().decompress(REAL_SLICE.read_bytes())
    start = body_offset(data)
    metadata = dbn.Metadata.decode(data[:start], upgrade_policy=dbn.VersionUpgradePolicy.AS_IS)
    relabelled = _relabelled(metadata, dbn.Schema.OHLCV_1D).encode() + data[start:]
    payload = zstandard.ZstdCompressor().compress(relabelled)
    folder = _folder(tmp_path, "batch", {"relabelled.dbn.zst": payload})
    # WHEN it is imported, THEN it is refused and nothing lands in either table
    with pytest.raises(ExtractorError, match="header says ohlcv-1d but 266 of 266 records"):
        databento.import_path(con, folder)
    assert _table(con) == [] and _table(con, databento.FUTURES_TABLES["ohlcv-1d"]) == []


def _relabelled(metadata: dbn.Metadata, schema: dbn.Schema) -> dbn.Metadata:
    return dbn.Metadata(
        dataset=metadata.dataset,
        start=metadata.start,
        end=metadata.end,
        stype_in=dbn.SType(metadata.stype_in),
        stype_out=dbn.SType(metadata.stype_out),
        schema=schema,
        symbols=list(metadata.symbols),
        mappings=[
            SymbolMapping(symbol, [SymbolInterval(**i) for i in intervals])
            for symbol, intervals in metadata.mappings.items()
        ],
        ts_out=metadata.ts_out,
        version=metadata.version,
    )
