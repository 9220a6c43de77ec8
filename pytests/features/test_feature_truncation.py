"""No look-ahead, end to end: features for dates up to T do not change when later data arrives.

GIVEN two years of the bundled real snapshot (2023-2024, all 13 symbols) landed whole, and
again cut at the end of trade date T (17:00 Chicago time) for each T of its cuts,
WHEN the feature layer (staging -> panel -> marts) is built on each database,
THEN every row of every feature mart with trade_date <= T is identical in the whole and the
cut build, and the coverage table reads the market-derived buckets as trained (partial: only
futures landed). A second set of builds (2020-2021) does the same with the bundled EPA, EIA,
FRED and CFTC files landed too, and constructed news articles (the extractor tests' feeds: no
real article is in our data, and none of these goes into the snapshot), cut at their
publication instants. A third (2024) lands the bundled WASDE reports with constructed USDA
export sales and NOPA tables (no real sample of either exists; written to the test's folder,
never to the snapshot), cut between the start of a month and its WASDE, ESR and NOPA releases.
Five cuts in all (CUTS), two of them on a ZL.v.0 roll day (the front contract changes that
session). Every column of every feature mart has a value on the cut date of at least one cut
(test_every_feature_column_is_compared_where_it_has_values), so no comparison is vacuous.

This is the look-ahead guard. A feature `lead(close_price, 126) over (order by trade_date)`
planted in feat_core_daily (as zl_close_lead_126) failed the comparison of feat_core_daily at
all five cuts (at 2024-06-14, 126 of its 365 rows differ: a later close in the whole build,
null in the cut one), while the old singular test assert_marts_use_only_public_values, which
re-checked each row's available_at against its own trade date, passed with it; it is gone.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from types import ModuleType
from zoneinfo import ZoneInfo

import duckdb
import pandas as pd
import pytest
from constructed_fundamentals import write_esr, write_nopa

from cbi.dbt import run_dbt
from cbi.status import render_status
from common.paths import SNAPSHOT_DIR
from extractors import (
    cftc,
    databento,
    eia,
    epa_rin,
    farm_policy_news,
    farmdoc_daily,
    fred,
    nopa,
    usda_export_sales,
    wasde,
)
from extractors.core import connect
from pytests.dbt_session import DbtSession

SNAPSHOT_FILES = (
    "glbx-mdp3-20230101-20231231.ohlcv-1h.dbn.zst",
    "glbx-mdp3-20240101-20241231.ohlcv-1h.dbn.zst",
)
CUT_TRADE_DATE = dt.date(2024, 6, 14)
# ZL.v.0 rolls back and forth between the July and August contracts on 24-28 June 2024; on the
# 27th the front contract changes (the roll-free return spans both contracts that session).
ROLL_CUT = dt.date(2024, 6, 27)
FEATURE_MARTS = (
    "feat_core_daily",
    "feat_crush_daily",
    "feat_china_daily",
    "feat_fx_daily",
    "feat_fed_daily",
    "feat_tariff_daily",
    "feat_biofuel_daily",
    "feat_energy_daily",
    "feat_volatility_daily",
    "feat_news_buckets_daily",
)
BUILD_ARGS = [
    "build",
    "--select",
    "+path:models/marts",
    "--exclude",
    "path:python_models",
    "--resource-type",
    "model",
    "--resource-type",
    "seed",
    "--quiet",
]


def _trade_date_end(trade_date: dt.date) -> dt.datetime:
    chicago = dt.datetime.combine(trade_date, dt.time(17), tzinfo=ZoneInfo("America/Chicago"))
    return chicago.astimezone(dt.UTC)


def _build(db: Path, session: DbtSession, monkeypatch: pytest.MonkeyPatch) -> None:
    """The feature layer built on `db`, at the session's build path (one dbt parse)."""
    for variable in ("DBT_TARGET_PATH", "DBT_LOG_PATH"):
        monkeypatch.setenv(variable, session.env[variable])
    with session.at_build_path(db) as path:
        assert run_dbt(path, BUILD_ARGS) == 0, f"dbt build failed on {db}"


def _mart(db: Path, mart: str, cut: dt.date) -> pd.DataFrame:
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            f"select * from marts.{mart} where trade_date <= ? order by all", [cut]
        ).df()


# The whole database and, for each cut date, the database cut at its end.
Builds = tuple[Path, dict[dt.date, Path]]


def _full_and_cuts(
    session: DbtSession,
    tmp: Path,
    bar_files: tuple[str, ...],
    cuts: tuple[dt.date, ...],
    extractors: tuple[ModuleType, ...] = (),
    tables: tuple[str, ...] = (),
    files: tuple[tuple[ModuleType, Path], ...] = (),
) -> Builds:
    """Built databases: the snapshot bars (and each extractor's snapshot folder, and each
    (extractor, file) of `files`) whole, and for each date of `cuts` cut at the end of that
    trade date (later bars and rows of `tables` published later go)."""
    slice_dir = tmp / "snapshot_slice"
    slice_dir.mkdir()
    for name in bar_files:
        shutil.copy(SNAPSHOT_DIR / "databento" / name, slice_dir / name)

    full_db = tmp / "full.duckdb"
    con = connect(full_db)
    databento.import_path(con, slice_dir)
    for extractor in extractors:
        extractor.import_path(con, SNAPSHOT_DIR / extractor.COMMAND)
    for extractor, path in files:
        extractor.import_path(con, path)
    con.close()

    cut_dbs = {cut: tmp / f"cut_{cut:%Y%m%d}.duckdb" for cut in cuts}
    for cut, cut_db in cut_dbs.items():
        shutil.copy(full_db, cut_db)
        end = _trade_date_end(cut)
        with duckdb.connect(str(cut_db)) as con:
            con.execute("delete from raw.databento_futures_ohlcv_1h where ts_event >= ?", [end])
            for table in tables:
                con.execute(f"delete from {table} where available_at > ?", [end])

    with pytest.MonkeyPatch.context() as monkeypatch:
        for db in (full_db, *cut_dbs.values()):
            _build(db, session, monkeypatch)
    return full_db, cut_dbs


@pytest.fixture(scope="module")
def built_databases(tmp_path_factory: pytest.TempPathFactory, dbt_session: DbtSession) -> Builds:
    return _full_and_cuts(
        dbt_session,
        tmp_path_factory.mktemp("truncation"),
        SNAPSHOT_FILES,
        (CUT_TRADE_DATE, ROLL_CUT),
    )


@pytest.mark.parametrize("cut", [CUT_TRADE_DATE, ROLL_CUT], ids=str)
def test_targets_are_null_beyond_the_data(built_databases: Builds, cut: dt.date) -> None:
    _, cut_dbs = built_databases
    with duckdb.connect(str(cut_dbs[cut]), read_only=True) as con:
        unknown = con.execute(
            """
            select count(*) from marts.zl_targets
            where trade_date = ? and (target_date is not null or target_log_return is not null)
            """,
            [cut],
        ).fetchone()[0]
    assert unknown == 0


def test_status_shows_market_buckets_partial_and_trained_and_tariff_missing(
    built_databases: Builds,
) -> None:
    # only futures are landed here: every bucket but Tariff trains on them, none is complete
    full_db, _ = built_databases
    text = render_status(full_db)

    crush_line = next(line for line in text.splitlines() if line.startswith("crush "))
    tariff_line = next(line for line in text.splitlines() if line.startswith("tariff "))
    assert "2024-12-31" in crush_line and " fresh " in crush_line
    assert crush_line.rstrip().endswith("partial 33 % (missing nopa, usda_wasde)")
    # no article landed: the bucket is reported, never filled, saying how to land articles
    assert "MISSING (not landed), run `cbi ingest farm-policy-news` or run `cbi ingest " in (
        tariff_line
    )
    assert tariff_line.rstrip().endswith("not trained")
    assert "Buckets covered: 0/8; partial: crush 33 %" in text
    assert "Trained (required sources fresh): 7/8; not trained: tariff" in text


# EPA RIN prices (2017-2022), the EIA diesel workbook (to 2021-09), FRED's BRL and CNY rates
# (to 2021-07 and 2023-09) and the CFTC COT files (2017-2021, 2023) do not all reach the
# 2023-2024 window above, so these features get their own build: 2020-2021 bars with the
# bundled EPA, EIA, FRED and CFTC files, the cut database losing every bar after the end of
# trade date FUNDAMENTALS_CUT and every EPA/EIA/FRED/CFTC row published after it; and again
# at FUNDAMENTALS_ROLL_CUT, a ZL.v.0 roll day inside the three years the COT percentile needs
# (the bundled 2020 COT file stops in March, so it is null in 2021).
FUNDAMENTALS_BARS = (
    "glbx-mdp3-20200101-20201231.ohlcv-1h.dbn.zst",
    "glbx-mdp3-20210101-20211231.ohlcv-1h.dbn.zst",
)
FUNDAMENTALS_CUT = dt.date(2021, 6, 15)
FUNDAMENTALS_ROLL_CUT = dt.date(2020, 2, 24)
FUNDAMENTALS_TABLES = (
    "raw.epa_rin_prices",
    "raw.epa_rin_generation",
    "raw.eia_weekly_prices",
    "raw.fred_economic",
    "raw.cftc_cot",
    "raw.farm_policy_news",
    "raw.farmdoc_daily",
)
# Constructed articles (see pytests/extractors/test_news.py), May-June 2021.
NEWS_FIXTURES = Path(__file__).parents[1] / "extractors" / "fixtures" / "news"
FUNDAMENTALS_NEWS = (
    (farmdoc_daily, NEWS_FIXTURES / "constructed_farmdoc_daily_feed.xml"),
    (farmdoc_daily, NEWS_FIXTURES / "constructed_farmdoc_daily_feed_paged2.xml"),
    (farm_policy_news, NEWS_FIXTURES / "constructed_farm_policy_news_feed.xml"),
    (farm_policy_news, NEWS_FIXTURES / "constructed_farm_policy_news_article.html"),
)
FUNDAMENTALS_FEATURES = {
    "feat_biofuel_daily": ("d4_rin_price_usd_per_rin", "d4_minus_d6_rin_price_usd_per_rin"),
    "feat_energy_daily": ("diesel_retail_usd_per_gal", "diesel_retail_minus_ho_usd_per_gal"),
    "feat_fed_daily": ("fed_funds_effective_pct", "ust_10y_minus_2y_pp", "ust_2y_yield_pct"),
    "feat_fx_daily": ("brl_per_usd", "cny_per_usd", "broad_dollar_index"),
    "feat_tariff_daily": (
        "tariff_article_count_7d",
        "tariff_article_count_30d",
        "tariff_article_tone_7d",
        "tariff_article_tone_30d",
    ),
    "feat_china_daily": ("china_article_count_7d", "china_article_tone_30d"),
    "feat_volatility_daily": (
        "vix_index_points",
        "zl_cot_managed_money_net_pct_oi",
        "zl_cot_managed_money_net_change_1w_contracts",
        "zl_cot_producer_merchant_net_pct_oi",
    ),
}


@pytest.fixture(scope="module")
def built_fundamentals_databases(
    tmp_path_factory: pytest.TempPathFactory, dbt_session: DbtSession
) -> Builds:
    return _full_and_cuts(
        dbt_session,
        tmp_path_factory.mktemp("truncation_fundamentals"),
        FUNDAMENTALS_BARS,
        (FUNDAMENTALS_ROLL_CUT, FUNDAMENTALS_CUT),
        (epa_rin, eia, fred, cftc),
        FUNDAMENTALS_TABLES,
        FUNDAMENTALS_NEWS,
    )


# On 2024-07-08 the July WASDE (the 12th), the export sales of the week ending July 4 (out
# Friday the 12th: Independence Day week) and NOPA's June figures (the 15th) are not public
# yet; a value joined on the month or week it describes would show in the full build only.
AG_BARS = ("glbx-mdp3-20240101-20241231.ohlcv-1h.dbn.zst",)
AG_CUT = dt.date(2024, 7, 8)
AG_TABLES = ("raw.usda_wasde", "raw.usda_export_sales", "raw.nopa_crush")
AG_FEATURES = {
    "feat_crush_daily": (
        "us_soybean_oil_stocks_to_use_pct",
        "us_soybean_oil_stocks_to_use_revision_pp",
        "us_soybean_oil_biofuel_use_million_lb",
        "us_soybean_oil_biofuel_use_revision_million_lb",
        "brazil_soybean_production_million_mt",
        "brazil_soybean_production_revision_million_mt",
        "argentina_soybean_production_million_mt",
        "nopa_crush_million_bu",
        "nopa_crush_yoy_pct",
        "nopa_soybean_oil_stocks_million_lb",
        "nopa_soybean_oil_stocks_yoy_pct",
        "nopa_oil_yield_lb_per_bu",
    ),
    "feat_china_daily": tuple(
        f"china_{commodity}_{feature}"
        for commodity in ("soybean", "soybean_oil")
        for feature in (
            "net_sales_mt",
            "net_sales_4w_mt",
            "exports_4w_mt",
            "exports_4w_share_pct",
            "exports_4w_vs_year_ago_mt",
            "net_sales_4w_vs_year_ago_mt",
            "outstanding_sales_share_pct",
        )
    ),
}


@pytest.fixture(scope="module")
def built_ag_databases(tmp_path_factory: pytest.TempPathFactory, dbt_session: DbtSession) -> Builds:
    tmp = tmp_path_factory.mktemp("truncation_ag")
    write_esr(tmp / "esr", dt.date(2023, 1, 5), dt.date(2024, 12, 26))
    table = write_nopa(tmp / "nopa", dt.date(2023, 1, 1), dt.date(2024, 11, 1))
    files = ((usda_export_sales, tmp / "esr"), (nopa, table))
    return _full_and_cuts(dbt_session, tmp, AG_BARS, (AG_CUT,), (wasde,), AG_TABLES, files)


# Every cut: (the fixture building it, cut date, the features each mart must have on that date).
CUTS = (
    ("built_databases", CUT_TRADE_DATE, {}),
    ("built_databases", ROLL_CUT, {}),
    (
        "built_fundamentals_databases",
        FUNDAMENTALS_ROLL_CUT,
        {"feat_volatility_daily": ("zl_cot_managed_money_net_pct_oi_percentile_3y",)},
    ),
    ("built_fundamentals_databases", FUNDAMENTALS_CUT, FUNDAMENTALS_FEATURES),
    ("built_ag_databases", AG_CUT, AG_FEATURES),
)
# Columns no bundled build can fill, and why (each must stay empty in every build here).
NEVER_FILLED = {
    ("feat_biofuel_daily", "d4_rin_generation_ytd_yoy_pct"): "EPA generation vintages from 2025",
    ("feat_biofuel_daily", "d6_rin_generation_ytd_yoy_pct"): "EPA generation vintages from 2025",
}


@pytest.mark.parametrize("mart", FEATURE_MARTS)
@pytest.mark.parametrize(("builds", "cut", "features"), CUTS, ids=[f"{cut}" for _, cut, _ in CUTS])
def test_features_up_to_cut_do_not_change_with_later_data(
    request: pytest.FixtureRequest,
    builds: str,
    cut: dt.date,
    features: dict[str, tuple[str, ...]],
    mart: str,
) -> None:
    full_db, cut_dbs = request.getfixturevalue(builds)
    full, truncated = _mart(full_db, mart, cut), _mart(cut_dbs[cut], mart, cut)
    # the cut date is there, with the features expected on it (the check is not vacuous) ...
    last = truncated[truncated["trade_date"] == pd.Timestamp(cut)]
    assert len(last) >= 1 and last[list(features.get(mart, ()))].notna().all(axis=None)
    # ... and every row up to it is identical whether or not later data exist
    pd.testing.assert_frame_equal(full, truncated, check_exact=True)


def test_every_feature_column_is_compared_where_it_has_values(
    request: pytest.FixtureRequest,
) -> None:
    # every feature mart of the project is compared, and each of its columns has a value on
    # the cut date of at least one cut, where a later value leaking in would change it
    filled, columns = set(), set()
    for builds, cut, _ in CUTS:
        full_db, _ = request.getfixturevalue(builds)
        with duckdb.connect(str(full_db), read_only=True) as con:
            marts = con.execute(
                "select table_name from information_schema.tables "
                "where table_schema = 'marts' and starts_with(table_name, 'feat_')"
            ).fetchall()
        assert sorted(name for (name,) in marts) == sorted(FEATURE_MARTS)
        for mart in FEATURE_MARTS:
            rows = _mart(full_db, mart, cut)
            rows = rows[rows["trade_date"] == pd.Timestamp(cut)]
            columns |= {(mart, column) for column in rows.columns}
            filled |= {(mart, column) for column in rows.columns if rows[column].notna().any()}
    assert not filled & set(NEVER_FILLED)
    assert sorted(columns - filled - set(NEVER_FILLED)) == []


@pytest.mark.parametrize(
    ("builds", "cut"),
    [("built_databases", ROLL_CUT), ("built_fundamentals_databases", FUNDAMENTALS_ROLL_CUT)],
    ids=str,
)
def test_roll_cuts_are_roll_days(request: pytest.FixtureRequest, builds: str, cut: dt.date) -> None:
    _, cut_dbs = request.getfixturevalue(builds)
    with duckdb.connect(str(cut_dbs[cut]), read_only=True) as con:
        rolls = con.execute(
            """
            select count(*) from intermediate.int_futures_sessions_roll_adjusted
            where symbol = 'ZL.v.0' and trade_date = ? and is_roll
            """,
            [cut],
        ).fetchone()[0]
    assert rolls == 1


def test_status_names_what_the_china_and_crush_buckets_miss(
    built_fundamentals_databases: Builds,
) -> None:
    # no export sales, NOPA or WASDE in that build: each is MISSING with what to set or run
    text = render_status(built_fundamentals_databases[0])
    state = {tuple(line.split()[:2]): line for line in text.splitlines() if line.strip()}
    assert "MISSING (not landed), set USDA_FAS_API_KEY" in state[("china", "usda_export_sales")]
    assert "MISSING (not landed), set NOPA_URL" in state[("crush", "nopa")]
    assert "MISSING (not landed), run `cbi ingest wasde`" in state[("crush", "usda_wasde")]
