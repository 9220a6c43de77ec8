"""`cbi status` as states, then text: the words and levels come from the states alone.

GIVEN constructed coverage states (one covered bucket, one partial with a stale source, one
missing and untrained with a source never landed)
WHEN they are printed
THEN each source and bucket is worded as `cbi status` always worded it, the levels the report
page colours agree with the words, and the summary counts buckets by state.
"""

from __future__ import annotations

import datetime as dt
import re

from cbi.status import (
    BucketState,
    Coverage,
    CoverageRow,
    SourceState,
    format_status,
    levels,
    summary_lines,
)

DAY = dt.date(2024, 12, 31)
# constructed states, shaped as marts.bucket_coverage gives them
FX = BucketState("fx", "covered", 100, None, True)
CRUSH = BucketState("crush", "partial", 50, "nopa", True)
TARIFF = BucketState("tariff", "missing", 0, "news", False)
ROWS = (
    CoverageRow(FX, SourceState("fred", True, DAY, DAY, 1250, True, True, None)),
    CoverageRow(CRUSH, SourceState("databento", True, DAY, DAY, 4000, True, True, None)),
    CoverageRow(
        CRUSH, SourceState("nopa", False, DAY, DAY, 0, False, True, "NOPA crush (last 2024-10)")
    ),
    CoverageRow(TARIFF, SourceState("news", True, None, None, 0, False, False, None)),
)
COVERAGE = Coverage(DAY, ROWS)


def test_states_are_worded_as_cbi_status_prints_them() -> None:
    lines = format_status(COVERAGE).splitlines()
    cells = {row[1]: row for row in (re.split(r"\s{2,}", line) for line in lines[2:6])}
    assert cells["fred"][2:] == [
        "yes",
        "2024-12-31",
        "2024-12-31",
        "1,250",
        "fresh",
        "covered 100 %",
    ]
    assert cells["nopa"][2] == "optional" and cells["nopa"][-2:] == [
        "STALE: NOPA crush (last 2024-10)",
        "partial 50 % (missing nopa)",
    ]
    assert cells["news"][3:5] == ["-", "-"]
    assert cells["news"][-2].startswith("MISSING (not landed), run `cbi ingest farm-policy-news`")
    assert cells["news"][-1] == "missing 0 % (missing news), not trained"
    assert lines[6] == "" and lines[7:] == summary_lines(COVERAGE)


def test_levels_follow_the_states() -> None:
    assert [levels(row)[-2:] for row in ROWS] == [
        ("ok", "ok"),
        ("ok", "partial"),
        ("partial", "partial"),
        ("gap", "gap"),
    ]
    # a covered bucket whose models did not train is a gap all the same
    untrained = CoverageRow(BucketState("fed", "covered", 100, None, False), ROWS[0].source)
    assert levels(untrained)[-1] == "gap"


def test_summary_counts_buckets_once_each() -> None:
    summary = summary_lines(COVERAGE)
    assert summary[0].startswith("Coverage as of 2024-12-31 (last ZL trade date)")
    assert summary[1] == "Buckets covered: 1/3; partial: crush 50 %; missing: tariff 0 %"
    assert summary[2] == "Trained (required sources fresh): 2/3; not trained: tariff"
