"""Rebuild the bundled snapshot (data/snapshot/) from the real files in ../shared/data.

    python scripts/make_snapshot.py --source ../shared/data/databento/GLBX-20251216-WEJLAFALCV

Keeps the unchanged hourly records of the continuous symbols in
`extractors.snapshot.SNAPSHOT_SYMBOLS`, one zstd DBN file per year. Then it checks the result:
the snapshot, imported by the same parser, must give exactly the rows the whole batch gives for
those symbols (skip with --no-verify). Every other extractor then cuts its own real files from
`--shared` into data/snapshot/<source>/ (its `cut_snapshot`).

`--fixture` also cuts the small real slices the parser tests use: the DBN one from the snapshot it
just wrote, the WASDE workbooks and OCE archive lines (WASDE_FIXTURES) from `--shared`.
`--fundamentals-only` skips the Databento part (no `--source` needed).
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
import sys
import tempfile
import zipfile
from pathlib import Path

from extractors import databento, declarations, wasde, wasde_oce, wasde_xls
from extractors.core import connect
from extractors.snapshot import (
    SNAPSHOT_DATABENTO_DIR,
    SNAPSHOT_SYMBOLS,
    build_snapshot,
    cut_file,
    write_dbn,
)

log = logging.getLogger("make_snapshot")

PROJECT_DIR = Path(__file__).resolve().parent.parent
FIXTURE = (
    PROJECT_DIR
    / "pytests"
    / "extractors"
    / "fixtures"
    / "real_zl_zs_20240619-20240628.ohlcv-1h.dbn.zst"
)
FIXTURE_SYMBOLS = ("ZL.v.0", "ZS.v.0")
# Eight sessions across the June 2024 rolls of both symbols.
FIXTURE_WINDOW = (dt.datetime(2024, 6, 19), dt.datetime(2024, 6, 29))


WASDE_FIXTURES = PROJECT_DIR / "pytests" / "extractors" / "fixtures" / "usda_wasde"
# Workbooks cut for the parser tests: the last `Biodiesel 3/` and first `Biofuel 3/` (a May
# report, `NA` in the previous month's column) reports as the snapshot cuts them, an April
# 2025 report and its `v2` re-post, and one Excel-95 (BIFF7) workbook with its soybean pages
# whole (`Filler` cells, figures flagged `*`).
WASDE_WORKBOOKS = (
    "2021-04-09_latest.xls",
    "2021-05-12_latest.xls",
    "2025-04-10_wasde0425.xls",
    "2025-04-10_wasde0425v2.xls",
)
WASDE_WHOLE_PAGES = "2020-08-12_latest.xls"
# OCE archive lines for the parser tests: U.S. soybean oil of the reports on either side of
# the 2011 rename of `For Methyl Ester` to `Methyl Ester`, and one wheat line, unchanged.
WASDE_ARCHIVE = "oce-wasde-report-data-2010-04-to-2015-12.zip"
WASDE_ARCHIVE_REPORTS = (b'"April 2011"', b'"May 2011"')


def cut_wasde_fixtures(shared: Path) -> None:
    """The WASDE parser-test fixtures, cut from the real files in `shared`/usda_wasde."""
    folder = shared / "usda_wasde"
    for name in WASDE_WORKBOOKS:
        source = folder / "wasde_xls" / name
        wasde_xls.cut_workbook(source, WASDE_FIXTURES / name, wasde_xls.snapshot_rows(source))
    source = folder / "wasde_xls" / WASDE_WHOLE_PAGES
    whole = {sheet: set(range(1000)) for sheet in wasde_xls.snapshot_rows(source)}
    wasde_xls.cut_workbook(source, WASDE_FIXTURES / WASDE_WHOLE_PAGES, whole)
    with zipfile.ZipFile(folder / "oce_csv" / WASDE_ARCHIVE) as archive:
        info = archive.infolist()[0]
        data = archive.read(info)
    header, *lines = data.splitlines(keepends=True)
    oil = [
        line
        for line in wasde_oce.soybean_lines(data, (wasde.US_TABLE,))[1:]
        if b'"Oil, Soybean"' in line and line.split(b",")[1] in WASDE_ARCHIVE_REPORTS
    ]
    wheat = next(line for line in lines if b"Wheat" in line)
    target = WASDE_FIXTURES / f"real_lines_of_{WASDE_ARCHIVE}"
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        member = zipfile.ZipInfo(info.filename, info.date_time)
        member.compress_type = zipfile.ZIP_DEFLATED
        out.writestr(member, header + wheat + b"".join(oil))
    log.info("fixture: WASDE workbooks and %s (%d lines)", target.name, len(oil) + 1)


def verify(source: Path, snapshot: Path) -> int:
    """Import batch and snapshot into two temporary databases; return rows that differ."""
    columns = "symbol, ts_event, instrument_id, publisher_id, open, high, low, close, volume"
    table = databento.FUTURES_TABLES["ohlcv-1h"]
    symbols = ", ".join(f"'{s}'" for s in SNAPSHOT_SYMBOLS)
    with tempfile.TemporaryDirectory() as tmp:
        for name, folder in (("batch", source), ("snapshot", snapshot)):
            con = connect(Path(tmp) / f"{name}.duckdb")
            databento.import_path(con, folder)
            con.close()
        con = connect(Path(tmp) / "compare.duckdb")
        con.execute(f"attach '{tmp}/batch.duckdb' as batch (read_only)")
        con.execute(f"attach '{tmp}/snapshot.duckdb' as snap (read_only)")
        batch = f"select {columns} from batch.{table} where symbol in ({symbols})"
        snap = f"select {columns} from snap.{table}"
        rows = con.execute(f"select count(*) from ({snap})").fetchone()[0]
        only_batch = f"({batch} except all {snap})"
        only_snap = f"({snap} except all {batch})"
        differ = con.execute(
            f"select count(*) from ({only_batch} union all {only_snap})"
        ).fetchone()[0]
        log.info("verify: snapshot has %s rows; %s rows differ from the batch", f"{rows:,}", differ)
        return differ


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--source", type=Path, help="Databento batch folder")
    parser.add_argument(
        "--shared",
        type=Path,
        default=PROJECT_DIR.parent / "shared" / "data",
        help="folder of the other sources' real files (default ../shared/data)",
    )
    parser.add_argument("--dest", type=Path, default=SNAPSHOT_DATABENTO_DIR)
    parser.add_argument("--no-verify", action="store_true", help="skip the comparison")
    parser.add_argument("--fixture", action="store_true", help="also cut the test fixtures")
    parser.add_argument(
        "--fundamentals-only", action="store_true", help="leave data/snapshot/databento as it is"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    if not args.fundamentals_only:
        if args.source is None:
            parser.error("--source is required unless --fundamentals-only")
        if cut_databento(args):
            return 1
    cut_fundamentals(args.shared, args.dest.parent)
    if args.fixture:
        cut_wasde_fixtures(args.shared)
    return 0


def cut_databento(args: argparse.Namespace) -> int:
    """The Databento snapshot (and its fixture); 1 when it does not reproduce the batch."""
    counts = build_snapshot(args.source, args.dest)
    size = sum(p.stat().st_size for p in args.dest.glob("*.dbn.zst"))
    log.info(
        "snapshot: %s rows in %d files, %.1f MB",
        f"{sum(counts.values()):,}",
        len(counts),
        size / 1e6,
    )
    if args.fixture:
        year_file = next(args.dest.glob(f"glbx-mdp3-{FIXTURE_WINDOW[0]:%Y}*.dbn.zst"))
        part = cut_file(year_file, FIXTURE_SYMBOLS, *FIXTURE_WINDOW)
        n = write_dbn([part], FIXTURE_SYMBOLS, FIXTURE)
        log.info("fixture: %s holds %d records", FIXTURE.name, n)
    if not args.no_verify and verify(args.source, args.dest):
        log.error("verify: the snapshot does not reproduce the batch rows")
        return 1
    return 0


def cut_fundamentals(shared: Path, snapshot: Path) -> None:
    """Every other source cuts its real files from `shared` into snapshot/<command>/."""
    for source in declarations():
        if source.cut_snapshot is not None:
            source.cut_snapshot(shared, snapshot / source.command)
            log.info("snapshot: %s cut into %s", source.command, snapshot / source.command)


if __name__ == "__main__":
    sys.exit(main())
