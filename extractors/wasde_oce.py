"""USDA OCE's machine-readable WASDE archives: zipped CSVs of many reports
(`oce-wasde-report-data-2010-04-to-2015-12.zip`, `...-2016-01-to-2020-12.zip`).

Each member is the OCE CSV layout with its header line (every field quoted, CRLF), 56-64 MB
unzipped, all tables of every report. Only the lines of the soybean tables are handed to the
OCE CSV parser (`extractors.wasde.parse_oce`), so an archive lands exactly the rows the
monthly file of each of its reports would. Attribute spelling drifts over the years
(`Ending Stocks` / `Ending stocks`, `Biodiesel`, `Methyl Ester`): it lands as published and
staging names it once.
"""

from __future__ import annotations

import csv
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from common.errors import ExtractorError

SOURCE = "usda_wasde"


def soybean_lines(data: bytes, tables: tuple[str, ...]) -> list[bytes]:
    """The header and the lines of `tables` of an OCE CSV's bytes, unchanged."""
    lines = data.splitlines(keepends=True)
    needles = [f'"{title}"'.encode() for title in tables] + [t.encode() for t in tables]
    kept = [lines[0]]
    for line in lines[1:]:
        if any(needle in line for needle in needles):
            fields = next(csv.reader([line.decode("utf-8", "replace")]), [])
            if len(fields) > 2 and fields[2] in tables:
                kept.append(line)
    return kept


def parse_archive(
    path: Path, tables: tuple[str, ...], parse_oce: Callable[[str, str], pd.DataFrame]
) -> pd.DataFrame:
    """Every CSV member of an OCE archive, cut to `tables` and read by `parse_oce`."""
    path = Path(path)
    try:
        with zipfile.ZipFile(path) as archive:
            members = [m for m in archive.infolist() if m.filename.lower().endswith(".csv")]
            if not members:
                raise ExtractorError(f"{SOURCE}: {path.name} holds no .csv member")
            frames = []
            for member in members:
                lines = soybean_lines(archive.read(member), tables)
                text = b"".join(lines).decode("utf-8-sig")
                frames.append(parse_oce(text, f"{path.name}:{member.filename}"))
    except (zipfile.BadZipFile, EOFError, zlib.error) as exc:
        raise ExtractorError(f"{SOURCE}: {path.name} is not a readable zip ({exc})") from None
    return pd.concat(frames, ignore_index=True)
