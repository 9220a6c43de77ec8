"""Where each bucket stands: its headline indicators from the bucket marts, each with today's
value, its change over a month, its percentile over five years and the date it was published;
a stale indicator says so instead of a number.

Stale: the value is null on the as-of date (the marts null a value once it is older than its
source's limit, never carrying it forward), or, for a market price with an age column, its
last session is older than the Databento freshness limit. Published: the first trade date on
which today's value was public (the trade date for a price; the release day for a report).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from cbi.drivers.attribution import futures_max_age_days, window_days

HISTORY_YEARS = 2  # the chart of each bucket's headline indicator
RANGE_YEARS = 5  # its percentile and range


@dataclass(frozen=True)
class Headline:
    """One headline indicator: bucket, words, mart and column, unit, how it is shown
    (value x scale), and the age column that dates a market price (None: null when stale)."""

    bucket: str
    name: str
    relation: str
    column: str
    unit: str
    scale: float = 1.0
    age_column: str | None = None


# Per bucket in seed order; the first of a bucket with a value is the one charted.
HEADLINES: tuple[Headline, ...] = (
    Headline(
        "crush",
        "board crush",
        "feat_crush_daily",
        "board_crush_cents_per_bu",
        "c/bu",
        age_column="crush_inputs_max_age_days",
    ),
    Headline(
        "crush",
        "oil share",
        "feat_crush_daily",
        "oil_share",
        "%",
        100.0,
        age_column="crush_inputs_max_age_days",
    ),
    Headline(
        "crush",
        "WASDE US soybean oil stocks-to-use",
        "feat_crush_daily",
        "us_soybean_oil_stocks_to_use_pct",
        "%",
    ),
    Headline(
        "china",
        "copper (HG)",
        "feat_china_daily",
        "hg_close_usd_per_lb",
        "$/lb",
        age_column="hg_age_days",
    ),
    Headline(
        "china",
        "US soybean net sales to China, 4 weeks",
        "feat_china_daily",
        "china_soybean_net_sales_4w_mt",
        "t",
    ),
    Headline(
        "fx",
        "the real (6L)",
        "feat_fx_daily",
        "brl_close_usd_per_unit",
        "US$ per real",
        age_column="brl_age_days",
    ),
    Headline("fx", "broad dollar index", "feat_fx_daily", "broad_dollar_index", "index"),
    Headline(
        "fed",
        "fed funds target (upper)",
        "feat_fed_daily",
        "fed_funds_target_upper_pct",
        "%",
    ),
    Headline("fed", "2-year Treasury yield", "feat_fed_daily", "ust_2y_yield_pct", "%"),
    Headline(
        "tariff",
        "tariff and trade-policy articles, 30 days",
        "feat_tariff_daily",
        "tariff_article_count_30d",
        "articles",
    ),
    Headline(
        "biofuel",
        "BOHO spread",
        "feat_biofuel_daily",
        "boho_spread_usd_per_gal",
        "$/gal",
        age_column="boho_inputs_max_age_days",
    ),
    Headline("biofuel", "D4 RIN", "feat_biofuel_daily", "d4_rin_price_usd_per_rin", "$/RIN"),
    Headline(
        "biofuel",
        "WASDE US soybean oil used for biofuel",
        "feat_crush_daily",
        "us_soybean_oil_biofuel_use_million_lb",
        "million lb",
    ),
    Headline(
        "energy",
        "heating oil (HO)",
        "feat_energy_daily",
        "ho_close_usd_per_gal",
        "$/gal",
        age_column="energy_inputs_max_age_days",
    ),
    Headline(
        "energy",
        "US No 2 diesel retail",
        "feat_energy_daily",
        "diesel_retail_usd_per_gal",
        "$/gal",
    ),
    Headline(
        "energy",
        "crude oil (CL)",
        "feat_energy_daily",
        "cl_close_usd_per_bbl",
        "$/bbl",
        age_column="energy_inputs_max_age_days",
    ),
    Headline("volatility", "VIX", "feat_volatility_daily", "vix_index_points", "points"),
    Headline(
        "volatility",
        "managed money net length in ZL",
        "feat_volatility_daily",
        "zl_cot_managed_money_net_pct_oi",
        "% of open interest",
    ),
)


@dataclass(frozen=True)
class Indicator:
    """One headline indicator on the as-of date. value, change_1m and percentile_5y are None
    when stale; last_value_date then names the last trade date that had a value, if any."""

    bucket: str
    name: str
    unit: str
    value: float | None
    change_1m: float | None
    percentile_5y: float | None
    published: pd.Timestamp | None
    stale: bool
    last_value_date: pd.Timestamp | None
    history_dates: tuple[pd.Timestamp, ...]
    history_values: tuple[float, ...]
    range_5y: tuple[float, float] | None


def columns_by_relation() -> dict[str, list[str]]:
    """The mart columns HEADLINES read, per mart."""
    wanted: dict[str, list[str]] = {}
    for headline in HEADLINES:
        columns = wanted.setdefault(headline.relation, [])
        columns += [c for c in (headline.column, headline.age_column) if c and c not in columns]
    return wanted


def indicator(headline: Headline, mart: pd.DataFrame, as_of: pd.Timestamp) -> Indicator:
    """`headline` on `as_of`, from its mart (trade_date and its columns, any order)."""
    rows = mart[pd.to_datetime(mart["trade_date"]) <= as_of].sort_values("trade_date")
    dates = pd.DatetimeIndex(pd.to_datetime(rows["trade_date"]))
    values = pd.Series(rows[headline.column].astype(float).to_numpy() * headline.scale, dates)
    if headline.age_column:
        age = rows[headline.age_column].astype(float).to_numpy()
        values = values.where(age <= futures_max_age_days())
    known = values.dropna()
    history = known[known.index > as_of - pd.DateOffset(years=HISTORY_YEARS)]
    in_range = known[known.index > as_of - pd.DateOffset(years=RANGE_YEARS)]
    stale = Indicator(
        bucket=headline.bucket,
        name=headline.name,
        unit=headline.unit,
        value=None,
        change_1m=None,
        percentile_5y=None,
        published=None,
        stale=True,
        last_value_date=known.index[-1] if len(known) else None,
        history_dates=tuple(history.index),
        history_values=tuple(float(v) for v in history.to_numpy()),
        range_5y=(float(in_range.min()), float(in_range.max())) if len(in_range) else None,
    )
    if values.empty or np.isnan(values.iloc[-1]):
        return stale
    today = float(values.iloc[-1])
    month = window_days()["1m"]
    earlier = values.iloc[-1 - month] if len(values) > month else np.nan
    differs = values.ne(today).to_numpy()
    since = int(np.flatnonzero(differs)[-1]) + 1 if differs.any() else 0
    return replace(
        stale,
        value=today,
        change_1m=None if np.isnan(earlier) else today - float(earlier),
        percentile_5y=float(100 * (in_range <= today).mean()),
        published=values.index[since],
        stale=False,
        last_value_date=values.index[-1],
    )


def indicators(marts: dict[str, pd.DataFrame], as_of: pd.Timestamp) -> list[Indicator]:
    """Every headline indicator on `as_of`, in HEADLINES order."""
    return [indicator(h, marts[h.relation], as_of) for h in HEADLINES]
