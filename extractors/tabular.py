"""Reading the publishers' text files (CSV) strictly, for every file-based extractor.

One place decides what a good file looks like: HTML where a CSV was expected (an error page
saved under a data file's name), a missing or renamed column, a value that is not a number of
the published form, a cut-off last line. Each becomes one ExtractorError naming the source, the
file or URL and the field, never a silent NaN. CRLF and LF line endings read the same.

Numbers are checked against the form the publisher uses for that column (`NUMBER`, `INTEGER`,
`DOLLARS`): a thousands separator or a `$` where the format has none means the file changed
format, and is refused rather than guessed at.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import duckdb
import pandas as pd

from common.errors import ExtractorError, UserError
from common.http import fetch, session
from common.validate import arguments_of
from extractors.core import recorded_load

log = logging.getLogger(__name__)

INTEGER = re.compile(r"-?\d+")
NUMBER = re.compile(r"-?(\d+(\.\d*)?|\.\d+)")
DOLLARS = re.compile(r"\$-?(\d+(\.\d*)?|\.\d+)")

MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def looks_like_html(text: str) -> bool:
    """True when a body that should be data is an HTML page (an error or login page)."""
    head = text.lstrip("\ufeff \t\r\n")[:200].lower()
    return head.startswith(("<!doctype", "<html", "<?xml", "<head", "<body", "<"))


def decode_text(data: bytes, source: str, where: str, expected: str = "CSV") -> str:
    """The text of a downloaded or stored file; HTML or an empty body is an error."""
    if not data.strip():
        raise ExtractorError(f"{source}: {where} is empty (expected {expected})")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("latin-1")
    if looks_like_html(text):
        raise ExtractorError(
            f"{source}: {where} is an HTML page where {expected} was expected "
            "(an error or login page?)"
        )
    return text


def header_of(text: str) -> list[str]:
    """The fields of the first line of a CSV text (quotes removed)."""
    first = next(csv.reader(io.StringIO(text.lstrip("\ufeff"))), [])
    return [field.strip() for field in first]


def require_line_end(text: str, source: str, where: str) -> None:
    """A text file whose last line has no line end was cut off (a download that stopped):
    refused, naming the line, for every publisher whose files end with one."""
    if not text.endswith(("\n", "\r")):
        raise ExtractorError(
            f"{source}: {where}: line {text.count(chr(10)) + 1} has no line end; the file is "
            "cut off, download it again"
        )


def drop_unterminated_line(text: str, source: str, where: str) -> str:
    """`text` without its last line when that line has no line end, said in one warning: for
    a publisher whose whole files do not always end with one (FRED), a cut file and a whole
    one look alike, and a cut line (`2.7` of 2.79) must never land."""
    if text.endswith(("\n", "\r")) or "\n" not in text:
        return text
    kept, _, dropped = text.rpartition("\n")
    log.warning(
        "%s: %s: line %d has no line end and was dropped (%r; it may be cut off): end the "
        "file with a line end to land it",
        source,
        where,
        kept.count("\n") + 2,
        dropped[:40],
    )
    return kept + "\n"


def read_csv(text: str, source: str, where: str, columns: Iterable[str]) -> pd.DataFrame:
    """A CSV text as strings, with exactly the published columns, in order.

    A missing or renamed column names the field it expected and the header it found. A line
    with too few or too many fields, an unclosed quote, or a last line without a line end
    (require_line_end) means the file was cut off, and names the line. Values stay text
    (stripped), blank = ''; `_line` is the line number.
    """
    expected = list(columns)
    found = header_of(text)
    if found != expected:
        missing = [c for c in expected if c not in found]
        detail = f"column {missing[0]!r} is missing" if missing else "its columns are out of order"
        raise ExtractorError(
            f"{source}: {where}: {detail} (expected {', '.join(expected)}; "
            f"found {', '.join(found) or 'nothing'})"
        )
    require_line_end(text, source, where)
    try:
        rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline=""), strict=True))
    except csv.Error as exc:
        raise ExtractorError(
            f"{source}: {where}: not readable as CSV ({exc}); the file may be cut off"
        ) from None
    body = []
    for number, row in enumerate(rows[1:], start=2):
        if not row or all(not cell.strip() for cell in row):
            continue
        if len(row) != len(expected):
            raise ExtractorError(
                f"{source}: {where}: line {number} has {len(row)} fields, expected "
                f"{len(expected)} ({', '.join(expected)}); the file may be cut off"
            )
        body.append([cell.strip() for cell in row] + [number])
    frame = pd.DataFrame(body, columns=[*expected, "_line"])
    if frame.empty:
        raise ExtractorError(f"{source}: {where} has a header but no data rows")
    return frame


def parse_numbers(
    frame: pd.DataFrame,
    column: str,
    source: str,
    where: str,
    form: re.Pattern[str] = NUMBER,
    *,
    blank_ok: bool = False,
) -> pd.Series:
    """Column `column` of a read_csv frame as floats, each value of the published `form`.

    A value of another form (a thousands separator, a `$` where there is none, text) names
    the field, the line and the value.
    """
    values = frame[column]
    blank = values == ""
    good = values.map(lambda v: form.fullmatch(v) is not None) | (blank & blank_ok)
    if not good.all():
        bad = frame.loc[~good].iloc[0]
        shown = bad[column] or "a blank"
        raise ExtractorError(
            f"{source}: {where}: field {column!r} at line {bad['_line']} is {shown!r}, "
            f"not a number of the form {_FORM_NAMES.get(form.pattern, form.pattern)}"
        )
    cleaned = values.str.replace("$", "", regex=False).where(~blank)
    numbers = pd.to_numeric(cleaned).astype("float64")
    if form is INTEGER and (numbers.abs() > LARGEST_INTEGER).any():
        bad = frame.loc[numbers.abs() > LARGEST_INTEGER].iloc[0]
        raise ExtractorError(
            f"{source}: {where}: field {column!r} at line {bad['_line']} is {bad[column]!r}, "
            f"too large for a count (at most {LARGEST_INTEGER:,})"
        )
    return numbers


# The largest integer a float64 holds exactly: a count above it cannot be stored as read.
LARGEST_INTEGER = 2**53


_FORM_NAMES = {
    INTEGER.pattern: "1234 (digits only, no separators)",
    NUMBER.pattern: "1234.56 (no separators or currency signs)",
    DOLLARS.pattern: "$1.23 (dollar sign, no separators)",
}


def parse_dates(
    frame: pd.DataFrame, column: str, source: str, where: str, date_format: str
) -> pd.Series:
    """Column `column` as dates in `date_format`; anything else names the field and line."""
    parsed = pd.to_datetime(frame[column], format=date_format, errors="coerce")
    if parsed.isna().any():
        bad = frame.loc[parsed.isna()].iloc[0]
        raise ExtractorError(
            f"{source}: {where}: field {column!r} at line {bad['_line']} is "
            f"{bad[column]!r}, not a date of the form {date_format}"
        )
    return parsed.dt.date


def require_values(
    frame: pd.DataFrame, column: str, source: str, where: str, form: re.Pattern[str]
) -> pd.Series:
    """Column `column` as text, every value of `form` (e.g. a D-code); else names the line."""
    good = frame[column].map(lambda v: form.fullmatch(v) is not None)
    if not good.all():
        bad = frame.loc[~good].iloc[0]
        raise ExtractorError(
            f"{source}: {where}: field {column!r} at line {bad['_line']} is "
            f"{bad[column]!r}, expected {form.pattern}"
        )
    return frame[column]


def month_in_name(name: str, pattern: re.Pattern[str], source: str) -> dt.date:
    """The first day of the month a file name carries as `<mon><yyyy>` (group 1 and 2)."""
    match = pattern.fullmatch(name)
    if match is None or match.group(1).lower() not in MONTHS:
        raise ExtractorError(
            f"{source}: {name}: the file name does not carry its month as <mon><yyyy> "
            f"(expected {pattern.pattern})"
        )
    return dt.date(int(match.group(2)), MONTHS.index(match.group(1).lower()) + 1, 1)


def files_to_import(path: Path, source: str, suffixes: tuple[str, ...]) -> list[Path]:
    """`path` itself, or the files in folder `path` whose names end with `suffixes`, sorted."""
    path = Path(path)
    if path.is_file():
        return [path]
    if not path.is_dir():
        raise ExtractorError(f"{source}: {path} does not exist")
    files = sorted(p for p in path.iterdir() if p.is_file() and p.name.lower().endswith(suffixes))
    if not files:
        raise ExtractorError(f"{source}: no {' or '.join(suffixes)} files in {path}")
    return files


# One recorded load: its window, its target table, and the function that lands it.
Load = tuple[str, str, Callable[[], int]]


def land_each(
    con: duckdb.DuckDBPyConnection,
    source: str,
    items: Sequence[Load],
) -> tuple[int, list[ExtractorError]]:
    """Land each (window, target table, land function) as one recorded load, in its own
    transaction; a bad item does not stop the others. Returns the rows written and the
    failures (each recorded in `ops.load_log`)."""
    failures: list[ExtractorError] = []
    total = 0
    for window, table, land in items:
        try:
            with recorded_load(con, source, table, window) as load:
                load.rows = land()
            total += load.rows
        except Exception as exc:  # one bad file must not hide the files after it
            failures.append(
                exc
                if isinstance(exc, ExtractorError)
                else ExtractorError(f"{source}: {window}: {type(exc).__name__}: {exc}")
            )
    return total, failures


def raise_failures(source: str, failures: list[ExtractorError], count: int, where: str) -> None:
    """One ExtractorError listing every failed load of `count` and how many landed; the
    failure itself when it was the only load."""
    if len(failures) == 1 and count == 1:
        raise failures[0]
    if failures:
        landed = count - len(failures)
        how_many = f"{len(failures)} of {count}" if landed else f"all {count}"
        after = f"the other {landed} landed; " if landed else ""
        raise ExtractorError(
            f"{source}: {how_many} loads from {where} failed ({after}see ops.load_log): "
            + " | ".join(map(str, failures))
        )


def import_each(
    con: duckdb.DuckDBPyConnection,
    source: str,
    items: Sequence[Load],
    where: str,
) -> int:
    """Land each (window, target table, land function) as one recorded load; return the rows.

    A bad item does not stop the others: every good one lands (in its own transaction) and
    `ops.load_log` has a row for each; then one ExtractorError lists every bad one.
    """
    total, failures = land_each(con, source, items)
    raise_failures(source, failures, len(items), where)
    return total


def download_each(
    con: duckdb.DuckDBPyConnection,
    source: str,
    urls: list[str],
    land_text: Callable[[str, str, str], int],
    target: Callable[[str], str],
) -> int:
    """Download each URL and land its text with `land_text(text, URL shown, file name)`, each
    one recorded load into table `target(file name)`; return the rows written.

    Every URL must be http(s) before anything is fetched. Errors name the URL without its
    query string; the file name is the last part of its path.
    """
    with arguments_of(source):
        for url in urls:
            if not url.startswith(("http://", "https://")):
                raise UserError(f"--url {url!r} is not an http(s) URL")
    http = session()
    items = []
    for url in urls:
        shown = url.split("?", 1)[0]
        name = shown.rstrip("/").rsplit("/", 1)[-1]

        def land(url: str = url, shown: str = shown, name: str = name) -> int:
            text = decode_text(fetch(http, source, url).content, source, shown)
            return land_text(text, shown, name)

        items.append((f"live:{shown}", target(name), land))
    return import_each(con, source, items, "the download")


def bundles_nothing(source: str, what: str) -> Callable[[Path, Path], None]:
    """The `cut_snapshot` of a source with no real sample in ../shared/data: it bundles
    nothing (constructed test fixtures are never snapshot data) and says so."""

    def cut_snapshot(shared: Path, destination: Path) -> None:
        log.info("snapshot: %s: no real %s in %s; nothing bundled", source, what, shared)

    return cut_snapshot
