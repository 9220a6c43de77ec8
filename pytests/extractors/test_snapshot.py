"""The bundled snapshot decodes with the batch's metadata and loads through the batch parser."""

from __future__ import annotations

import databento

from extractors.databento import FUTURES_TABLES
from extractors.snapshot import SNAPSHOT_DATABENTO_DIR, SNAPSHOT_SYMBOLS, load_snapshot

SNAPSHOT_ROWS = 999_180  # data/snapshot/README.md


def test_snapshot_files_carry_the_batch_metadata() -> None:
    files = sorted(SNAPSHOT_DATABENTO_DIR.glob("*.ohlcv-1h.dbn.zst"))
    assert len(files) == 15  # one per year, 2010-06..2024-12
    assert sum(f.stat().st_size for f in files) <= 20_000_000
    for path in files:
        metadata = databento.DBNStore.from_file(path).metadata
        assert (metadata.dataset, str(metadata.schema)) == ("GLBX.MDP3", "ohlcv-1h")
        assert str(metadata.stype_in) == "continuous"
        assert sorted(metadata.symbols) == sorted(SNAPSHOT_SYMBOLS)
        assert set(metadata.mappings) == set(SNAPSHOT_SYMBOLS)


def test_snapshot_loads_every_bar(con) -> None:
    assert load_snapshot(con) >= SNAPSHOT_ROWS  # plus the other sources' rows
    bars, symbols, first, last = con.execute(
        f"""
        select
            count(*), count(distinct symbol),
            min(ts_event)::date::varchar, max(ts_event)::date::varchar
        from {FUTURES_TABLES["ohlcv-1h"]}
        """
    ).fetchone()
    assert (bars, symbols, first, last) == (SNAPSHOT_ROWS, 13, "2010-06-07", "2024-12-31")


def test_snapshot_loads_fred_cftc_and_wasde(con) -> None:
    load_snapshot(con)
    fred_rows, fred_series = con.execute(
        "select count(*), count(distinct series_id) from raw.fred_economic"
    ).fetchone()
    cot_rows, last_report = con.execute(
        "select count(*), max(as_of_date)::varchar from raw.cftc_cot"
    ).fetchone()
    # (a FRED file whose last line has no line end drops that line, see fred)
    assert (fred_rows, fred_series, cot_rows, last_report) == (49_890, 9, 783, "2023-10-10")
    # every monthly WASDE 2010-04..2025-04 but the two USDA never published (2013-10, 2019-01)
    reports = con.execute(
        """select count(distinct report_month), min(report_month)::varchar,
        max(report_month)::varchar from raw.usda_wasde"""
    ).fetchone()
    assert reports == (179, "2010-04-01", "2025-04-01")
