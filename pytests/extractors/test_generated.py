"""The dbt files derived from the source declarations (extractors/generate.py) match them, and
the declarations agree with what the extractors land."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import duckdb
import pytest

from common.paths import PROJECT_DIR
from extractors import create_raw_tables, declarations, fred, prepare_database
from extractors.core import connect
from extractors.declaration import Column
from extractors.generate import drifted, generated_files, main


def test_every_generated_file_matches_the_declarations() -> None:
    # WHEN the files are generated in memory, THEN each equals the file in the project
    for path, text in generated_files().items():
        assert (PROJECT_DIR / path).read_text() == text, (
            f"{path}: run python -m extractors.generate"
        )


def test_a_changed_declaration_is_caught_as_drift(tmp_path: Path) -> None:
    # GIVEN the generated files copied, and FRED's freshness window changed in its declaration
    for path, text in generated_files().items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    assert drifted(tmp_path) == []
    changed = dataclasses.replace(
        fred.DECLARATION,
        freshness=dataclasses.replace(fred.DECLARATION.freshness, warn_after_days=5),
    )
    sources = tuple(changed if s is fred.DECLARATION else s for s in declarations())
    # WHEN the files are generated from the changed declarations
    stale = [
        p for p, text in generated_files(sources).items() if (tmp_path / p).read_text() != text
    ]
    # THEN exactly FRED's sources file differs
    assert stale == [Path("models/staging/fred/_fred__sources.yml")]


def test_the_check_command_names_a_drifted_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN a project whose seed source_windows was edited by hand
    for path, text in generated_files().items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / path).write_text(text)
    (tmp_path / "seeds/source_windows.csv").write_text("source,coverage_window_days\nfred,30\n")
    monkeypatch.setattr("extractors.generate.PROJECT_DIR", tmp_path)
    # WHEN --check runs, THEN it fails naming that file
    assert main(["--check"]) == 1
    assert capsys.readouterr().out.startswith("seeds/source_windows.csv differs")


def test_the_declared_tables_are_what_a_load_creates() -> None:
    # GIVEN every declared raw table created in an empty database
    con = duckdb.connect()
    create_raw_tables(con)
    for source in declarations():
        for table in source.tables:
            # THEN its columns, types, nullability and key are the declaration's
            columns = con.execute(
                "select column_name, is_nullable = 'YES' from information_schema.columns "
                "where table_schema = 'raw' and table_name = ? order by ordinal_position",
                [table.name],
            ).fetchall()
            assert columns == [(c.name, c.nullable) for c in table.all_columns]
            key = con.execute(
                "select constraint_column_names from duckdb_constraints() "
                "where table_name = ? and constraint_type = 'PRIMARY KEY'",
                [table.name],
            ).fetchone()
            assert tuple(key[0]) == table.primary_key


def test_every_source_has_one_command_and_unique_tables() -> None:
    sources = declarations()
    assert len({s.command for s in sources}) == len(sources)
    tables = [t.qualified for s in sources for t in s.tables]
    assert len(set(tables)) == len(tables)


def test_a_declared_range_becomes_the_dbt_test_of_the_column() -> None:
    column = Column("price", "double", "A price.", min_value=0)
    table = dataclasses.replace(fred.ECONOMIC, columns=(*fred.ECONOMIC.columns, column))
    source = dataclasses.replace(fred.DECLARATION, tables=(table,))
    text = generated_files((source,))[Path("models/staging/fred/_fred__sources.yml")]
    assert "- name: price\n      data_type: double\n      description: A price.\n" in text
    assert "expect_between:\n          arguments:\n            min_value: 0\n" in text


def test_a_dbt_run_finds_every_declared_table_and_keeps_the_rows(tmp_path: Path) -> None:
    # GIVEN a database holding FRED rows only (real snapshot file)
    db = tmp_path / "cbi.duckdb"
    con = connect(db)
    landed = fred.import_path(con, PROJECT_DIR / "data/snapshot/fred/DGS10.csv")
    con.close()
    # WHEN the database is prepared for dbt, twice
    prepare_database(db)
    prepare_database(db)
    # THEN every declared raw table exists and the FRED rows are as landed
    with duckdb.connect(str(db), read_only=True) as con:
        tables = {
            f"raw.{name}"
            for (name,) in con.execute(
                "select table_name from information_schema.tables where table_schema = 'raw'"
            ).fetchall()
        }
        count = con.execute(f"select count(*) from {fred.TABLE}").fetchone()[0]
    assert tables == {t.qualified for s in declarations() for t in s.tables}
    assert count == landed > 0
