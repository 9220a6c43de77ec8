"""The WASDE text table "U.S. Soybeans and Products Supply and Use (Domestic Measure)": a .txt
copy of the release, columns prior year prev/current, current year prev/current. Its rows take
the OCE names of the same table (TEXT_ROWS), so both formats read the same in staging; the
`prev` column (the previous report's figure) lands as `previous_value`. A row missing from a
section is an error naming it. extractors.wasde lands what `parse_text_rows` returns.
"""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd

from common.errors import ExtractorError
from extractors import tabular
from extractors.wasde_xls import SOURCE, US_TABLE

# The text table: section heading -> (OCE commodity, {printed label: (OCE attribute, OCE unit,
# the unit line the row stands under, or None for prices, whose unit is in the label)}).
_BU, _LB, _ST = "Million bushels", "Million pounds", "Thousand short tons"
TEXT_ROWS = {
    "SOYBEANS": (
        "Oilseed, Soybean",
        {
            "Planted": ("Area Planted", "Million Acres", "Million acres"),
            "Harvested": ("Area Harvested", "Million Acres", "Million acres"),
            "Yield per harvested acre": ("Yield per Harvested Acre", "Bushels", "Bushels"),
            "Beginning stocks": ("Beginning Stocks", "Million Bushels", _BU),
            "Production": ("Production", "Million Bushels", _BU),
            "Imports": ("Imports", "Million Bushels", _BU),
            "Supply, total": ("Supply, Total", "Million Bushels", _BU),
            "Crushings": ("Crushings", "Million Bushels", _BU),
            "Exports": ("Exports", "Million Bushels", _BU),
            "Seed": ("Seed", "Million Bushels", _BU),
            "Residual": ("Residual", "Million Bushels", _BU),
            "Use, total": ("Use, Total", "Million Bushels", _BU),
            "Ending stocks": ("Ending Stocks", "Million Bushels", _BU),
            "Avg farm prc ($/bu)": ("Avg. Farm Price", "$/bu", None),
        },
    ),
    "SOYBEAN OIL": (
        "Oil, Soybean",
        {
            "Beginning stocks": ("Beginning Stocks", "Million Pounds", _LB),
            "Production": ("Production", "Million Pounds", _LB),
            "Imports": ("Imports", "Million Pounds", _LB),
            "Supply, total": ("Supply, Total", "Million Pounds", _LB),
            "Domestic Disappearance": ("Domestic Disappearance", "Million Pounds", _LB),
            # printed "Biodiesel" until USDA renamed the row "Biofuel"; the same line
            "Biodiesel": ("Biofuel", "Million Pounds", _LB),
            "Food,Feed & Other Industrial": (
                "Food, Feed & other Industrial",
                "Million Pounds",
                _LB,
            ),
            "Exports": ("Exports", "Million Pounds", _LB),
            "Use, total": ("Use, Total", "Million Pounds", _LB),
            "Ending stocks": ("Ending stocks", "Million Pounds", _LB),
            "Avg farm prc (c/lb)": ("Avg. Farm Price", "c/lb", None),
        },
    ),
    "SOYBEAN MEAL": (
        "Meal, Soybean",
        {
            "Beginning stocks": ("Beginning Stocks", "Thousand Short Tons", _ST),
            "Production": ("Production", "Thousand Short Tons", _ST),
            "Imports": ("Imports", "Thousand Short Tons", _ST),
            "Supply, total": ("Supply, Total", "Thousand Short Tons", _ST),
            "Domestic": ("Domestic Disappearance", "Thousand Short Tons", _ST),
            "Exports": ("Exports", "Thousand Short Tons", _ST),
            "Use, total": ("Use, Total", "Thousand Short Tons", _ST),
            "Ending stocks": ("Ending Stocks", "Thousand Short Tons", _ST),
            "Avg farm prc ($/s.t)": ("Avg. Farm Price", "$/s.t.", None),
        },
    ),
}
_TEXT_UNITS = ("Million acres", "Bushels", _BU, _LB, _ST)
_TEXT_GROUPS = ("Area",)  # a heading over rows whose labels do not repeat it
_TEXT_VALUE = r"-?(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|\.\d+)"
_TEXT_ROW = re.compile(
    rf"(?P<label>.*?)\s+(?P<values>(?:{_TEXT_VALUE}\s*\*?\s+){{3}}{_TEXT_VALUE}\s*\*?)\s*"
)
_TEXT_COLUMNS = re.compile(r"Item\s+(\d{4})/(\d{4})\s+(\d{4})/(\d{4})\s*")
_TEXT_DATES = re.compile(
    r"prev\s+([A-Z][a-z]{2})\s+(\d{1,2})\s+prev\s+([A-Z][a-z]{2})\s+(\d{1,2})\s*"
)
_FOOTNOTE = re.compile(r"\s+\d/$")


def parse_text_rows(text: str, where: str) -> pd.DataFrame:
    """The rows of the WASDE text table "U.S. Soybeans and Products Supply and Use", before
    extractors.wasde gives them the raw columns and available_at."""
    lines = [line.strip() for line in text.splitlines()]
    if not any(US_TABLE.split(" (")[0] in line for line in lines[:3]):
        raise ExtractorError(
            f"{SOURCE}: {where} is not the WASDE text table {US_TABLE!r} (no title line)"
        )
    columns = next(
        (_TEXT_COLUMNS.fullmatch(line) for line in lines if line.startswith("Item")), None
    )
    dates = next((_TEXT_DATES.fullmatch(line) for line in lines if line.startswith("prev")), None)
    if columns is None or dates is None:
        raise ExtractorError(
            f"{SOURCE}: {where}: no column heading 'Item YYYY/YYYY YYYY/YYYY' and "
            "'prev Mon D prev Mon D'; not a WASDE text table"
        )
    years = (int(columns.group(1)), int(columns.group(3)))
    released = _text_release(years[1], dates.group(3), int(dates.group(4)), where)
    found = _text_values(lines, where)
    rows = []
    for section, (commodity, labels) in TEXT_ROWS.items():
        for label, (attribute, unit, _) in labels.items():
            if (section, label) not in found:
                raise ExtractorError(
                    f"{SOURCE}: {where}: row {label!r} of section {section} is missing; the "
                    "table is cut off or its layout changed"
                )
            values = found[(section, label)]
            for position, start in enumerate(years):
                previous, value = values[2 * position : 2 * position + 2]
                rows.append(
                    {
                        "region": "United States",
                        "commodity": commodity,
                        "attribute": attribute,
                        "market_year": f"{start}/{(start + 1) % 100:02d}",
                        "value": value,
                        "previous_value": previous,
                        "unit": unit,
                    }
                )
    frame = pd.DataFrame(rows).assign(
        report_month=released.replace(day=1), table_name=US_TABLE, release_date=released
    )
    return frame


def _text_release(later_start: int, month_name: str, day: int, where: str) -> dt.date:
    """The release date from the column heading ('Nov 8'): its year is the later marketing
    year's first year from May (when USDA adds the new crop) to December, the year after it
    from January to April."""
    try:
        month = tabular.MONTHS.index(month_name.lower()) + 1
        year = later_start if month >= 5 else later_start + 1
        return dt.date(year, month, day)
    except ValueError:
        raise ExtractorError(
            f"{SOURCE}: {where}: the column heading date {month_name} {day} is not a date"
        ) from None


def _text_values(lines: list[str], where: str) -> dict[tuple[str, str], list[float]]:
    """(section, printed label) -> the four values of every data row of the table body (between
    the second and third ==== rules): label fragments on the lines before a row are joined to
    it (a group heading such as 'Area' is not), and the row must stand under its unit."""
    rules = [number for number, line in enumerate(lines) if line.startswith("====")]
    if len(rules) < 2:
        raise ExtractorError(f"{SOURCE}: {where}: no ==== rule under the column heading")
    body = lines[rules[1] + 1 : rules[2] if len(rules) > 2 else len(lines)]
    found: dict[tuple[str, str], list[float]] = {}
    section, unit, pending = None, None, ""
    for line in body:
        heading = next((s for s in TEXT_ROWS if line == s or line.startswith(s + " ")), None)
        if heading is not None:
            section, pending = heading, ""
            unit = line[len(heading) :].strip() or unit
            continue
        if line in _TEXT_UNITS:
            unit, pending = line, ""
            continue
        match = _TEXT_ROW.fullmatch(line)
        if match is None:
            pending = "" if line in _TEXT_GROUPS else f"{pending} {line}".strip()
            continue
        label = _FOOTNOTE.sub("", f"{pending} {match['label']}".strip())
        pending = ""
        expected = TEXT_ROWS[section][1].get(label) if section else None
        if section is None or expected is None:
            continue
        if expected[2] is not None and unit != expected[2]:
            raise ExtractorError(
                f"{SOURCE}: {where}: row {label!r} of section {section} stands under unit "
                f"{unit!r}, expected {expected[2]!r}"
            )
        tokens = match["values"].replace("*", " ").split()
        found[(section, label)] = [float(token.replace(",", "")) for token in tokens]
    return found
