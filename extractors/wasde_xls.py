"""USDA's monthly WASDE Excel workbook (`wasdeMMYY.xls`, BIFF8): the soybean pages as raw rows.

Read with xlrd. `Page 15` is "U.S. Soybeans and Products Supply and Use (Domestic Measure)":
A1 the report month (`December 2024`), then three blocks SOYBEANS / SOYBEAN OIL / SOYBEAN
MEAL, each with the columns prior marketing year | last year `Est.` | this year `Proj.` of the
previous month | this year `Proj.` of this month (the row under the heading names the two
months; a May report prints `NA` in the previous month's column, since that marketing year
is new). The world pages "World Soybean / Soybean Meal / Soybean Oil Supply and Use" (found by
title, in million metric tons) give one block per marketing year; in the `Proj.` block each
region has a row for the previous and one for this month.

Each value lands as in the OCE CSV, named the way OCE names the same table, region, commodity
and attribute (labels without their footnote marks, so `Biodiesel 3/` lands as `Biodiesel`
and, from May 2021, `Biofuel 3/` as `Biofuel`; staging reads both as biofuel use): this
month's figure in `value`, the previous month's projection of the same marketing year in
`previous_value` (null where the sheet prints `NA` or has no previous-month column), and
`projection_flag` `Est.`, `Proj.` or null. `Filler` cells are layout spacers and skipped.

The workbook does not print its release date: it is the date of seed `wasde_release_dates`
for its report month, else the `YYYY-MM-DD` the file name starts with (as USDA's files are
saved by date), else an error naming both.

`cut_workbook` writes the trimmed copy the snapshot bundles: the same workbook with only the
soybean pages, every kept cell's value unchanged (see its docstring).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import struct
from pathlib import Path

import pandas as pd
import xlrd

from common.errors import ExtractorError

SOURCE = "usda_wasde"
US_SHEET = "Page 15"
US_TABLE = "U.S. Soybeans and Products Supply and Use (Domestic Measure)"
WORLD_TABLES = {
    "World Soybean Supply and Use": "Oilseed, Soybean",
    "World Soybean Meal Supply and Use": "Meal, Soybean",
    "World Soybean Oil Supply and Use": "Oil, Soybean",
}
US_BLOCKS = {
    "SOYBEANS": "Oilseed, Soybean",
    "SOYBEAN OIL": "Oil, Soybean",
    "SOYBEAN MEAL": "Meal, Soybean",
}
FILLER = "Filler"
MISSING = "NA"
TITLE_ROW = 4
_MARKET_YEAR = re.compile(r"(\d{4}/\d{2})\s*(Est\.|Proj\.)?")
_FOOTNOTE = re.compile(r"(\s+\d/)+\s*$")
_PRICE = re.compile(r"Avg\. (?:Farm )?Price \((.+)\)")
_MARKED = re.compile(r"(-?\d+(?:\.\d+)?)\s*\*+")
_FILE_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})_")
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
WORLD_UNIT = "Million Metric Tons"


def _clean(label: object) -> str:
    return _FOOTNOTE.sub("", " ".join(str(label).split()))


def open_workbook(path: Path) -> xlrd.book.Book:
    """The workbook at `path`; an HTML page, a cut-off or foreign file is a one-line error."""
    data = Path(path).read_bytes()
    if data.lstrip()[:1] == b"<":
        raise ExtractorError(
            f"{SOURCE}: {path.name} is an HTML or XML page saved as .xls, not a WASDE workbook"
        )
    if data[:8] != _OLE2:
        raise ExtractorError(f"{SOURCE}: {path.name} is not an Excel 97-2003 (.xls) workbook")
    try:
        return xlrd.open_workbook(file_contents=data, on_demand=True, logfile=io.StringIO())
    except Exception as exc:  # xlrd raises struct, index and its own errors on a cut file
        reason = " ".join(str(exc).split()) or type(exc).__name__
        raise ExtractorError(
            f"{SOURCE}: {path.name} is a damaged or cut-off .xls workbook ({reason})"
        ) from None


def _cells(sheet: xlrd.sheet.Sheet) -> list[list[object]]:
    return [sheet.row_values(row) for row in range(sheet.nrows)]


def _report_month(cells: list[list[object]], where: str) -> dt.date:
    try:
        return dt.datetime.strptime(str(cells[0][0]).strip(), "%B %Y").date()
    except (IndexError, ValueError):
        raise ExtractorError(
            f"{SOURCE}: {where}: cell A1 is not the report month (e.g. 'December 2024')"
        ) from None


def _number(cell: object, where: str, allow_missing: bool) -> float | None:
    if isinstance(cell, float):
        return cell
    marked = _MARKED.fullmatch(str(cell).strip())
    if marked:  # a figure flagged by asterisks (e.g. planted area from a later survey)
        return float(marked[1])
    if allow_missing and str(cell).strip() == MISSING:
        return None
    raise ExtractorError(f"{SOURCE}: {where} holds {cell!r}, not a number")


def _find_sheet(book: xlrd.book.Book, title: str, where: str) -> list[list[object]]:
    for name in book.sheet_names():
        cells = _cells(book.sheet_by_name(name))
        if len(cells) > TITLE_ROW and _clean(cells[TITLE_ROW][0]) == title:
            return cells
    raise ExtractorError(f"{SOURCE}: {where} has no sheet titled {title!r}")


def _market_years(row: list[object], where: str) -> list[tuple[str, str | None]]:
    years = []
    for cell in row:
        match = _MARKET_YEAR.fullmatch(str(cell).strip())
        if match is None:
            raise ExtractorError(f"{SOURCE}: {where}: {cell!r} is not a marketing year heading")
        years.append((match[1], match[2]))
    return years


def parse_us_page(cells: list[list[object]], where: str) -> list[dict]:
    """The rows of Page 15: one per block, attribute and marketing year."""
    title = _clean(cells[TITLE_ROW][0]) if len(cells) > TITLE_ROW else ""
    if title != US_TABLE:
        raise ExtractorError(f"{SOURCE}: {where}: {US_SHEET} is not {US_TABLE!r} ({title!r})")
    rows: list[dict] = []
    seen = set()
    block, unit = None, None
    for number, row in enumerate(cells, start=1):
        label = _clean(row[0])
        at = f"{where} {US_SHEET} row {number}"
        if label in US_BLOCKS:
            block, unit = label, None
            seen.add(label)
            years = _market_years(row[1:5], at)
            if years[2] != years[3] or years[2][1] != "Proj.":
                raise ExtractorError(
                    f"{SOURCE}: {at}: the last two columns are not one marketing year's "
                    f"projections ({row[3]!r}, {row[4]!r})"
                )
            continue
        values = row[1:5]
        if block is None:
            continue
        if label in ("", FILLER, "Total") and not any(isinstance(v, float) for v in values):
            printed = " ".join(str(v).strip() for v in values if str(v).strip() != FILLER)
            unit = " ".join(printed.split()) or unit
            continue
        if label == FILLER or not any(isinstance(v, float) for v in values):
            continue
        price = _PRICE.fullmatch(label)
        attribute, row_unit = ("Avg. Farm Price", price[1]) if price else (label, unit)
        if row_unit is None:
            raise ExtractorError(f"{SOURCE}: {at}: row {label!r} stands under no unit line")
        for position, (market_year, flag) in enumerate(years[:3]):
            rows.append(
                {
                    "table_name": US_TABLE,
                    "region": "United States",
                    "commodity": US_BLOCKS[block],
                    "attribute": attribute,
                    "market_year": market_year,
                    "projection_flag": flag,
                    "value": _number(values[position + (position == 2)], at, False),
                    "previous_value": (_number(values[2], at, True) if position == 2 else None),
                    "unit": row_unit,
                }
            )
    missing = [name for name in US_BLOCKS if name not in seen]
    if missing:
        raise ExtractorError(f"{SOURCE}: {where}: {US_SHEET} has no block {', '.join(missing)}")
    return rows


def parse_world_page(
    cells: list[list[object]], title: str, report_month: dt.date, where: str
) -> list[dict]:
    """The rows of one world page: one per region, attribute and marketing year."""
    commodity = WORLD_TABLES[title]
    current = f"{report_month:%b}"
    rows: list[dict] = []
    attributes: list[str] = []
    market_year, flag, region = None, None, None
    previous: dict[str, list[object]] = {}
    for number, row in enumerate(cells, start=1):
        at = f"{where} {title!r} row {number}"
        first = str(row[0]).strip()
        heading = _MARKET_YEAR.fullmatch(first)
        if heading and all(isinstance(c, str) and c.strip() for c in row[2:]):
            market_year, flag, region, previous = heading[1], heading[2], None, {}
            attributes = [_clean(c) for c in row[2:]]
            continue
        values = row[2:]
        if market_year is None or not any(isinstance(v, float) for v in values):
            if first and market_year is not None and str(row[1]).strip():
                region = _clean(first)  # a previous month's row of NA
                previous[region] = values
            continue
        month = str(row[1]).strip()
        if first:
            region = _clean(first)
        if region is None:
            raise ExtractorError(f"{SOURCE}: {at}: values without a region")
        if month and month != current:
            previous[region] = values
            continue
        prior = previous.pop(region, None) if month else None
        for position, attribute in enumerate(attributes):
            rows.append(
                {
                    "table_name": title,
                    "region": region,
                    "commodity": commodity,
                    "attribute": attribute,
                    "market_year": market_year,
                    "projection_flag": flag,
                    "value": _number(values[position], at, False),
                    "previous_value": (
                        None if prior is None else _number(prior[position], at, True)
                    ),
                    "unit": WORLD_UNIT,
                }
            )
    if not rows:
        raise ExtractorError(f"{SOURCE}: {where}: sheet {title!r} holds no values")
    return rows


def release_date(report_month: dt.date, name: str, known: dict[dt.date, dt.date]) -> dt.date:
    """The release date of a workbook: seed wasde_release_dates, else the file name's date."""
    if report_month in known:
        return known[report_month]
    match = _FILE_DATE.match(name)
    if match:
        day = dt.date.fromisoformat(match[1])
        if day.replace(day=1) == report_month:
            return day
    raise ExtractorError(
        f"{SOURCE}: {name}: no release date for the {report_month:%B %Y} report: add it to "
        "seeds/wasde_release_dates.csv or start the file name with it (YYYY-MM-DD_...)"
    )


def parse_workbook(path: Path, known: dict[dt.date, dt.date]) -> pd.DataFrame:
    """A WASDE workbook as raw rows (without available_at; `known` = the seed's dates)."""
    path = Path(path)
    book = open_workbook(path)
    where = path.name
    if US_SHEET not in book.sheet_names():
        raise ExtractorError(f"{SOURCE}: {where} has no sheet {US_SHEET!r}; not a WASDE workbook")
    try:
        us = _cells(book.sheet_by_name(US_SHEET))
        report_month = _report_month(us, f"{where} {US_SHEET}")
        rows = parse_us_page(us, where)
        for title in WORLD_TABLES:
            world = _find_sheet(book, title, where)
            if _report_month(world, f"{where} {title!r}") != report_month:
                raise ExtractorError(
                    f"{SOURCE}: {where}: sheet {title!r} is of another month than {US_SHEET}"
                )
            rows += parse_world_page(world, title, report_month, where)
    except (xlrd.XLRDError, IndexError, struct.error) as exc:
        raise ExtractorError(f"{SOURCE}: {where} is a damaged .xls workbook ({exc})") from None
    finally:
        book.release_resources()
    frame = pd.DataFrame(rows)
    return frame.assign(
        report_month=report_month, release_date=release_date(report_month, where, known)
    )


# ---- the trimmed copy the snapshot bundles -------------------------------------------------

_BOF, _EOF, _BOUNDSHEET = 0x0809, 0x000A, 0x0085
_LABELSST, _LABEL = 0x00FD, 0x0204
# globals records copied: BOF, EOF, code page, date mode, country, window, and the fonts,
# number formats and cell formats (XF) the cells refer to; not the shared strings, names,
# styles, themes or drawings
_GLOBALS_KEPT = {_BOF, _EOF, 0x0042, 0x0022, 0x008C, 0x003D, 0x0031, 0x041E, 0x00E0}
# sheet records kept: BOF, EOF, DIMENSIONS and the cell records (values unchanged)
_SHEET_KEPT = {_BOF, _EOF, 0x0200, 0x0203, 0x027E, 0x00BD, _LABEL, 0x0205, 0x0006, 0x0207}
_SECTOR = 512
_FREE, _END, _FAT_SECTOR, _NO_STREAM = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFF


# What the snapshot keeps of each workbook: the rows the marts read (U.S. soybean oil use and
# stocks; the soybean, oil and meal balances of these regions) and the rows that give the
# layout (month, title, block and marketing-year headings, unit lines).
SNAPSHOT_US_OIL_ROWS: tuple[str, ...] = (
    "Domestic Disappearance",
    "Biodiesel",
    "Biofuel",
    "Exports",
    "Use, Total",
    "Ending stocks",
)
SNAPSHOT_REGIONS = ("United States", "Brazil", "Argentina", "China")


def snapshot_rows(path: Path) -> dict[str, set[int]]:
    """Sheet name -> the row indexes of `path` the snapshot keeps (see SNAPSHOT_US_OIL_ROWS)."""
    book = open_workbook(Path(path))
    kept: dict[str, set[int]] = {}
    try:
        for name in book.sheet_names():
            cells = _cells(book.sheet_by_name(name))
            title = _clean(cells[TITLE_ROW][0]) if len(cells) > TITLE_ROW else ""
            if name == US_SHEET:
                kept[name] = _us_rows(cells)
            elif title in WORLD_TABLES:
                kept[name] = _world_rows(cells)
    finally:
        book.release_resources()
    return kept


def _us_rows(cells: list[list[object]]) -> set[int]:
    rows, block = set(range(TITLE_ROW + 1)), None
    for index, row in enumerate(cells):
        label = _clean(row[0])
        numeric = any(isinstance(v, float) for v in row[1:5])
        if label in US_BLOCKS:
            block = label
            rows |= {index, index + 1}
        elif (label in ("", FILLER, "Total") and not numeric) or (
            block == "SOYBEAN OIL" and label in SNAPSHOT_US_OIL_ROWS
        ):
            rows.add(index)
    return rows


def _world_rows(cells: list[list[object]]) -> set[int]:
    rows, region = set(range(TITLE_ROW + 3)), None
    for index, row in enumerate(cells):
        first = str(row[0]).strip()
        if _MARKET_YEAR.fullmatch(first):
            rows.add(index)
            continue
        region = _clean(first) if first else region
        if region in SNAPSHOT_REGIONS:
            rows.add(index)
    return rows


def _records(stream: bytes, start: int) -> list[tuple[int, bytes]]:
    """The records of one substream from `start` to its EOF, as (type, data)."""
    records, position = [], start
    while position + 4 <= len(stream):
        kind, length = struct.unpack_from("<HH", stream, position)
        records.append((kind, stream[position + 4 : position + 4 + length]))
        position += 4 + length
        if kind == _EOF:
            break
    return records


def cut_workbook(source: Path, destination: Path, keep_rows: dict[str, set[int]]) -> None:
    """Write `source` with only the sheets of `keep_rows` (sheet name -> row indexes kept).

    The BIFF records (BIFF8, or BIFF7 for a workbook saved as Excel 95) of the kept cells
    are copied unchanged, except that a cell holding a
    shared string (LABELSST) holds the same text inline (LABEL), so the workbook's shared
    string table, and every other sheet, can go; formatting records of the sheets are left
    out (the values and the formats the globals define stay). Written as a one-stream OLE2
    compound file, which xlrd and Excel open like the original.
    """
    book = xlrd.open_workbook(str(source), on_demand=True, logfile=io.StringIO())
    strings, unicode_names = book._sharedstrings, book.biff_version >= 80
    stream = bytes(book.mem[book.base : book.base + book.stream_len])
    book.release_resources()
    globals_records = _records(stream, 0)
    sheets: list[tuple[bytes, bytes]] = []  # (BOUNDSHEET data without offset, substream)
    for kind, data in globals_records:
        if kind != _BOUNDSHEET:
            continue
        offset = struct.unpack_from("<I", data)[0]
        length, wide = data[6], unicode_names and data[7] & 1  # BIFF7 names have no flags
        start = 8 if unicode_names else 7
        name = data[start : start + length * (2 if wide else 1)].decode(
            "utf-16-le" if wide else "latin-1"
        )
        if name in keep_rows:
            body = _sheet_records(_records(stream, offset), strings, keep_rows[name])
            sheets.append((data[4:], body))
    kept_globals = [(kind, data) for kind, data in globals_records if kind in _GLOBALS_KEPT]
    eof = kept_globals.pop()
    head = b"".join(struct.pack("<HH", k, len(d)) + d for k, d in kept_globals)
    size = len(head) + sum(8 + len(entry) for entry, _ in sheets) + 4 + len(eof[1])
    bound, body = b"", b""
    for entry, records in sheets:
        bound += struct.pack("<HHI", _BOUNDSHEET, 4 + len(entry), size + len(body)) + entry
        body += records
    workbook = head + bound + struct.pack("<HH", _EOF, len(eof[1])) + eof[1] + body
    Path(destination).write_bytes(_compound_file(workbook))


def _sheet_records(records: list[tuple[int, bytes]], strings: list[str], rows: set[int]) -> bytes:
    out = []
    for kind, data in records:
        if kind == _LABELSST:
            row, column, xf, index = struct.unpack_from("<HHHI", data)
            kind, data = _LABEL, struct.pack("<HHH", row, column, xf) + _unicode(strings[index])
        if kind not in _SHEET_KEPT:
            continue
        cell = kind not in (_BOF, _EOF, 0x0200, 0x0207)
        if cell and struct.unpack_from("<H", data)[0] not in rows:
            continue
        out.append(struct.pack("<HH", kind, len(data)) + data)
    return b"".join(out)


def _unicode(text: str) -> bytes:
    """A BIFF8 unicode string with a 2-byte length: Latin-1 when it fits, else UTF-16."""
    try:
        return struct.pack("<HB", len(text), 0) + text.encode("latin-1")
    except UnicodeEncodeError:
        encoded = text.encode("utf-16-le")
        return struct.pack("<HB", len(encoded) // 2, 1) + encoded


def _compound_file(stream: bytes) -> bytes:
    """A minimal OLE2 compound file (version 3, 512-byte sectors) holding `stream` as
    `Workbook` (padded to 4096 bytes so that it lives in regular sectors)."""
    stream = stream.ljust(4096, b"\0")
    data_sectors = -(-len(stream) // _SECTOR)
    fat_sectors = 1
    while (data_sectors + 1 + fat_sectors) > fat_sectors * (_SECTOR // 4):
        fat_sectors += 1
    directory = data_sectors
    fat = list(range(1, data_sectors)) + [_END, _END] + [_FAT_SECTOR] * fat_sectors
    fat += [_FREE] * (fat_sectors * (_SECTOR // 4) - len(fat))
    difat = list(range(directory + 1, directory + 1 + fat_sectors))
    header = (
        _OLE2
        + bytes(16)
        + struct.pack("<HHHHH", 0x3E, 3, 0xFFFE, 9, 6)
        + bytes(6)
        + struct.pack("<IIIIIIIII", 0, fat_sectors, directory, 0, 4096, _END, 0, _END, 0)
        + struct.pack("<109I", *(difat + [_FREE] * (109 - len(difat))))
    )

    def entry(name: str, kind: int, child: int, start: int, size: int) -> bytes:
        encoded = (name + "\0").encode("utf-16-le") if name else b""
        return (
            encoded.ljust(64, b"\0")
            + struct.pack(
                "<HBBIII", len(encoded), kind, 1 if name else 0, _NO_STREAM, _NO_STREAM, child
            )
            + bytes(16 + 4 + 16)
            + struct.pack("<III", start, size, 0)
        )

    entries = (
        entry("Root Entry", 5, 1, _END, 0)
        + entry("Workbook", 2, _NO_STREAM, 0, len(stream))
        + entry("", 0, _NO_STREAM, 0, 0) * 2
    )
    return (
        header
        + stream.ljust(data_sectors * _SECTOR, b"\0")
        + entries
        + struct.pack(f"<{len(fat)}I", *fat)
    )
