"""A source that exists only as a declaration (constructed, named so) reaches `cbi status`:
its raw table from the declaration, its dbt source, coverage window and bucket row generated
from it, one coverage feeds model in its staging folder, and nothing else edited."""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from cbi.status import cells, coverage_states, summary_lines
from common.paths import PROJECT_DIR
from extractors import create_raw_tables, databento, declarations
from extractors.core import connect, merge_rows
from extractors.declaration import Column, Coverage, Freshness, Source, Table
from extractors.generate import generated_files

FIXTURES = Path(__file__).parent / "fixtures"
# Real ZL and ZS bars of 2024-06-19..28: the trading calendar the coverage is judged on.
BARS = "real_zl_zs_20240619-20240628.ohlcv-1h.dbn.zst"


def _unused(*_: object) -> int:
    raise AssertionError("the constructed source is never ingested through the CLI")


def _no_arguments(parser: argparse.ArgumentParser) -> None:
    return None


# Constructed: no such publisher exists; its rows below are made up for this test only.
CONSTRUCTED_TABLE = Table(
    name="constructed_widget_prices",
    description="Constructed test source: one made-up price per week.",
    columns=(
        Column("week_date", "date", "Monday of the week.", nullable=False),
        Column("price", "double", "Made-up price.", nullable=False, min_value=0),
        Column("available_at", "timestamptz", "When the row counts as public.", nullable=False),
    ),
    key=("week_date",),
)
CONSTRUCTED = Source(
    name="constructed_widgets",
    command="constructed-widgets",
    help="constructed test source",
    description="constructed test source",
    docs="Constructed test source (no real publisher).",
    tables=(CONSTRUCTED_TABLE,),
    credential=None,
    cadence="weekly",
    publication="the Monday at 12:00 UTC",
    freshness=Freshness(warn_after_days=10, error_after_days=21),
    coverage=Coverage(window_days=30, buckets={"energy": False}),
    parsers={},
    add_arguments=_no_arguments,
    ingest=_unused,
    import_path=_unused,
    cut_snapshot=None,
)
# The one hand-written file of its staging folder: the feed it is judged on, and its rows.
COVERAGE_FEEDS = """
with

feeds as (

    select
        'constructed_widgets' as source,
        'prices' as feed,
        cast(null as varchar) as bucket,
        cast(null as date) as period_date,
        cast(null as timestamptz) as available_at
    union all
    select
        'constructed_widgets' as source,
        'prices' as feed,
        cast(null as varchar) as bucket,
        week_date as period_date,
        available_at
    from {{ source('constructed_widgets', 'constructed_widget_prices') }}

)

select * from feeds
"""


def _project(tmp: Path) -> Path:
    """A copy of the dbt project with the constructed source added the documented way."""
    project = tmp / "project"
    for name in ("models", "macros", "seeds", "tests", "docs", "python_models"):
        shutil.copytree(PROJECT_DIR / name, project / name)
    for name in ("dbt_project.yml", "profiles.yml"):
        shutil.copy(PROJECT_DIR / name, project / name)
    for path, text in generated_files((*declarations(), CONSTRUCTED)).items():
        (project / path).parent.mkdir(parents=True, exist_ok=True)
        (project / path).write_text(text)
    staging = project / "models/staging/constructed_widgets"
    (staging / "stg_constructed_widgets__coverage_feeds.sql").write_text(COVERAGE_FEEDS)
    return project


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp = tmp_path_factory.mktemp("new_source")
    project = _project(tmp)
    db = tmp / "cbi.duckdb"
    con = connect(db)
    bars = tmp / "bars"
    bars.mkdir()
    shutil.copy(FIXTURES / BARS, bars / BARS)
    databento.import_path(con, bars)
    create_raw_tables(con)
    CONSTRUCTED.create_tables(con)
    weeks = pd.to_datetime(["2024-06-03", "2024-06-10", "2024-06-17", "2024-06-24"])
    rows = pd.DataFrame(
        {
            "week_date": weeks.date,
            "price": [1.0, 1.5, 1.25, 1.75],  # constructed
            "available_at": (weeks + pd.Timedelta(hours=12)).tz_localize("UTC"),
            "source": "constructed",
            "loaded_at": pd.Timestamp.now(tz="UTC"),
        }
    )
    merge_rows(con, CONSTRUCTED_TABLE.qualified, rows)
    con.close()
    env = {
        **os.environ,
        "CBI_DB": str(db),
        "DBT_TARGET_PATH": str(tmp / "target"),
        "DBT_LOG_PATH": str(tmp / "logs"),
        "DBT_SEND_ANONYMOUS_USAGE_STATS": "false",
    }
    dbt = Path(sys.executable).with_name("dbt")
    # Only ZL and ZS bars: the buckets that must be covered are not, which is not this test's.
    # Cautious: a test that also reads an unselected model (the features) is not run.
    args = ["build", "--select", "+bucket_coverage", "source:constructed_widgets"]
    args += ["--exclude", "assert_training_buckets_covered", "--indirect-selection", "cautious"]
    done = subprocess.run(
        [str(dbt), *args, "--project-dir", str(project), "--profiles-dir", str(project)],
        env=env,
        cwd=project,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout[-4000:]
    return db


def test_the_declared_source_is_judged_in_cbi_status(built: Path) -> None:
    # WHEN the coverage table is read, THEN the constructed source is a fresh source of Energy
    with duckdb.connect(str(built), read_only=True) as con:
        coverage = coverage_states(con, built, "status")
    rows, summary = [cells(row) for row in coverage.rows], summary_lines(coverage)
    ours = [row for row in rows if row[1] == "constructed_widgets"]
    assert len(ours) == 1
    bucket, _, required, last_date, published, in_window, source_is, _ = ours[0]
    assert (bucket, required, last_date, published) == (
        "energy",
        "optional",
        "2024-06-24",
        "2024-06-24",
    )
    assert (in_window, source_is) == ("4", "fresh")
    assert summary[0].startswith(f"Coverage as of {dt.date(2024, 6, 28).isoformat()}")


def test_its_raw_table_and_source_tests_come_from_the_declaration(built: Path) -> None:
    with duckdb.connect(str(built), read_only=True) as con:
        windows = dict(con.execute("select * from reference.source_windows").fetchall())
        mapped = con.execute(
            "select bucket, required_for_training from reference.bucket_sources "
            "where source = 'constructed_widgets'"
        ).fetchall()
    assert windows["constructed_widgets"] == 30
    assert mapped == [("energy", False)]
