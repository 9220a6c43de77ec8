"""What moved the price: ZL's move over the last week, month and quarter split into the eight
driver buckets plus an unexplained remainder, in cents/lb (`forecasts.zl_driver_attribution`).

Descriptive, not a forecast. For every as-of date t:

1. **Factors** (`FACTORS`): each bucket's daily factor returns, read from the point-in-time
   panel and the bucket marts. Futures: the roll-free daily log return. A level published
   by a source (the dollar, VIX, the D4 RIN): the daily log change of the value public on
   each trade date; a rate or count (the 2-year yield, export sales, news counts): its daily
   difference. A release therefore moves its factor on the trade date it became public.
2. **Fresh** on t: a futures factor whose last session is at most the Databento freshness
   limit old (`error_after` of its dbt source, 7 days); any other factor whose value is not
   null on t (the marts null a value once it is older than its source's limit). A factor is
   used on t only when fresh on t and with at least MIN_OBSERVATIONS valid returns in the
   regression window; a bucket with no factor used is **uncovered**: its contribution is
   null, never 0.
3. **Betas**: statsmodels `RollingOLS` of ZL's daily roll-free log return on a constant and
   the factors used on t, over the REGRESSION_WINDOW trading days ending on t (rows with a
   missing value dropped), so the betas used on t come from returns known by t. Each beta is
   then shrunk toward 0 by its own precision, b x max(0, 1 - 1 / t_stat^2) (a positive-part
   James-Stein rule per coefficient): a factor within one standard error of 0 contributes
   nothing, a clearly measured one keeps almost all of its beta.
4. **Decomposition** of the window of w trading days ending on t (w from seed horizons: 1w,
   1m, 3m). R = the sum of ZL's daily log returns in the window (a roll day without the old
   contract's close counts 0, as in the roll-adjusted price); a bucket's log contribution
   L_b = the sum over its factors and the window's days of beta x factor return (a missing
   return counts 0). The actual move is that of the contract that is front month on t,
   close_t x (1 - exp(-R)) cents/lb (a roll inside the window is not a move); bucket b gets
   actual x L_b / R (close_t x L_b when R = 0), and `unexplained` = actual - the buckets'
   sum: the constant, the residuals and the uncovered buckets. The rows of a window add up
   to the actual move by construction (dbt test `assert_driver_attribution_adds_up`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from typing import Literal

import duckdb
import numpy as np
import pandas as pd
import yaml
from statsmodels.regression.rolling import RollingOLS

from common.errors import UserError
from common.paths import PROJECT_DIR
from common.project import horizons, read_seed

REGRESSION_WINDOW = 252  # trading days of daily returns behind each day's betas (one year)
MIN_OBSERVATIONS = 126  # valid returns a factor needs in that window to be used
WINDOWS = ("1w", "1m", "3m")  # the moves explained (seed horizons)
UNEXPLAINED = "unexplained"
PANEL = "int_futures_sessions_pivoted_to_trading_days"
ZL_RETURN = "zl_log_return_1d_roll_free"
ZL_CLOSE = "zl_close_price"

Transform = Literal["return", "log_change", "difference"]


@dataclass(frozen=True)
class Factor:
    """One regressor: its name in words, bucket, relation and column, and how its daily
    return is made (`return`: already a roll-free log return, fresh by `age_column`)."""

    name: str
    bucket: str
    relation: str
    column: str
    transform: Transform
    age_column: str | None = None


FACTORS: tuple[Factor, ...] = (
    Factor("soybeans", "crush", PANEL, "zs_log_return_1d_roll_free", "return", "zs_age_days"),
    Factor("soybean meal", "crush", PANEL, "zm_log_return_1d_roll_free", "return", "zm_age_days"),
    Factor(
        "export sales to China",
        "china",
        "feat_china_daily",
        "china_soybean_net_sales_4w_mt",
        "difference",
    ),
    Factor("copper", "china", PANEL, "hg_log_return_1d_roll_free", "return", "hg_age_days"),
    Factor("the real", "fx", PANEL, "brl_log_return_1d_roll_free", "return", "brl_age_days"),
    Factor("the dollar", "fx", "feat_fx_daily", "broad_dollar_index", "log_change"),
    Factor("the 2-year yield", "fed", "feat_fed_daily", "ust_2y_yield_pct", "difference"),
    Factor("tariff news", "tariff", "feat_tariff_daily", "tariff_article_count_7d", "difference"),
    Factor("the D4 RIN", "biofuel", "feat_biofuel_daily", "d4_rin_price_usd_per_rin", "log_change"),
    Factor("heating oil", "energy", PANEL, "ho_log_return_1d_roll_free", "return", "ho_age_days"),
    Factor("crude oil", "energy", PANEL, "cl_log_return_1d_roll_free", "return", "cl_age_days"),
    Factor("VIX", "volatility", "feat_volatility_daily", "vix_index_points", "log_change"),
)

COLUMNS = [
    "as_of_date",
    "move_window",
    "bucket",
    "contribution_cents_per_lb",
    "actual_move_cents_per_lb",
    "r_squared",
    "factors",
]


def buckets() -> list[str]:
    """The eight buckets in seed order (seed buckets)."""
    rows = sorted(read_seed("buckets"), key=lambda row: int(row["bucket_order"]))
    return [row["bucket"] for row in rows]


@cache
def futures_max_age_days() -> int:
    """The Databento source's freshness limit (error_after, days), the one definition."""
    path = PROJECT_DIR / "models" / "staging" / "databento" / "_databento__sources.yml"
    source = yaml.safe_load(path.read_text())["sources"][0]
    return int(source["config"]["freshness"]["error_after"]["count"])


def window_days() -> dict[str, int]:
    """Trading days of each explained window (seed horizons)."""
    days = horizons()
    return {window: days[window] for window in WINDOWS}


def input_frame(relations: Mapping[str, duckdb.DuckDBPyRelation | pd.DataFrame]) -> pd.DataFrame:
    """One row per trade date: ZL's close and return and every factor's input column, read
    from the relations FACTORS name (the panel and bucket marts, by dbt model name)."""
    wanted: dict[str, list[str]] = {PANEL: [ZL_CLOSE, ZL_RETURN, "zl_age_days"]}
    for factor in FACTORS:
        columns = wanted.setdefault(factor.relation, [])
        columns += [c for c in (factor.column, factor.age_column) if c and c not in columns]
    frame: pd.DataFrame | None = None
    for relation, columns in wanted.items():
        if relation not in relations:
            raise UserError(f"driver attribution: input {relation} is missing")
        source = relations[relation]
        part = source if isinstance(source, pd.DataFrame) else source.df()
        part = part[["trade_date", *columns]]
        frame = part if frame is None else frame.merge(part, on="trade_date", how="left")
    assert frame is not None
    frame["trade_date"] = pd.to_datetime(frame["trade_date"])
    return frame.sort_values("trade_date").reset_index(drop=True)


def factor_returns(inputs: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(daily factor returns, fresh flags), one column per factor name, indexed by trade date.
    A return is null where its value or the day before's is missing or stale."""
    index = pd.DatetimeIndex(inputs["trade_date"])
    returns, fresh = {}, {}
    for factor in FACTORS:
        value = inputs[factor.column].astype(float).to_numpy()
        if factor.transform == "return":
            age = inputs[factor.age_column].astype(float)
            is_fresh = (age <= futures_max_age_days()).to_numpy()
            daily = np.where(is_fresh, value, np.nan)
        else:
            is_fresh = ~np.isnan(value)
            previous = np.concatenate([[np.nan], value[:-1]])
            with np.errstate(divide="ignore", invalid="ignore"):
                if factor.transform == "log_change":
                    daily = np.log(value / previous)
                else:
                    daily = value - previous
        returns[factor.name] = daily
        fresh[factor.name] = is_fresh
    return pd.DataFrame(returns, index=index), pd.DataFrame(fresh, index=index)


def factors_used(returns: pd.DataFrame, fresh: pd.DataFrame) -> pd.DataFrame:
    """Per trade date, whether each factor is used: fresh that day and with enough valid
    returns in the regression window ending that day (both known by that day)."""
    valid = returns.notna().rolling(REGRESSION_WINDOW, min_periods=1).sum()
    return fresh & (valid >= MIN_OBSERVATIONS)


@dataclass(frozen=True)
class Betas:
    """Shrunk betas (one column per factor, 0 where not used) and the R² per trade date."""

    params: pd.DataFrame
    r_squared: pd.Series


def rolling_betas(zl_return: pd.Series, returns: pd.DataFrame, used: pd.DataFrame) -> Betas:
    """Each date's betas from RollingOLS on the factors used that date (one regression per
    distinct factor set over the whole history, its values read on that set's dates)."""
    params = pd.DataFrame(np.nan, index=returns.index, columns=returns.columns)
    r_squared = pd.Series(np.nan, index=returns.index)
    sets = [", ".join(used.columns[row]) for row in used.to_numpy()]
    for key in dict.fromkeys(sets):
        if not key:
            continue
        names = key.split(", ")
        dates = returns.index[[s == key for s in sets]]
        exog = returns[names].assign(const=1.0)
        fit = RollingOLS(
            zl_return, exog, window=REGRESSION_WINDOW, min_nobs=MIN_OBSERVATIONS, missing="drop"
        ).fit()
        beta = fit.params[names].loc[dates]
        t_stat = beta / fit.bse[names].loc[dates]
        shrink = (1 - 1 / t_stat**2).clip(lower=0)
        params.loc[dates, names] = (beta * shrink).to_numpy()
        r_squared.loc[dates] = fit.rsquared.loc[dates].to_numpy()
    return Betas(params, r_squared)


def attribution_table(inputs: pd.DataFrame) -> pd.DataFrame:
    """`forecasts.zl_driver_attribution`: one row per as-of date, window and bucket (the eight
    and `unexplained`), in cents/lb, for every date with betas and a full window."""
    returns, fresh = factor_returns(inputs)
    used = factors_used(returns, fresh)
    zl_return = pd.Series(inputs[ZL_RETURN].astype(float).to_numpy(), index=returns.index)
    close = pd.Series(inputs[ZL_CLOSE].astype(float).to_numpy(), index=returns.index)
    betas = rolling_betas(zl_return, returns, used)
    filled = returns.fillna(0.0)
    bucket_list = buckets()
    frames = []
    for window, days in window_days().items():
        move_log = zl_return.fillna(0.0).rolling(days, min_periods=days).sum()
        summed = filled.rolling(days, min_periods=days).sum()
        actual = close * (1 - np.exp(-move_log))
        scale = (actual / move_log).where(move_log != 0, close)
        # a date whose regression had too few joint rows has no R²: it gets no rows
        ok = betas.r_squared.notna() & move_log.notna() & close.notna()
        for bucket in bucket_list:
            names = [f.name for f in FACTORS if f.bucket == bucket]
            in_use = used[names]
            covered = in_use.any(axis=1)
            log_part = (betas.params[names] * summed[names]).where(in_use, 0.0).sum(axis=1)
            frames.append(
                pd.DataFrame(
                    {
                        "as_of_date": returns.index,
                        "move_window": window,
                        "bucket": bucket,
                        "contribution_cents_per_lb": (scale * log_part).where(covered),
                        "actual_move_cents_per_lb": actual,
                        "r_squared": betas.r_squared,
                        "factors": in_use.apply(
                            lambda row: ", ".join(row.index[row.to_numpy()]), axis=1
                        ),
                        "ok": ok,
                    }
                )
            )
    table = pd.concat(frames, ignore_index=True)
    table = table[table.pop("ok")].reset_index(drop=True)
    explained = table.groupby(["as_of_date", "move_window"])["contribution_cents_per_lb"].sum()
    remainder = (
        table.drop_duplicates(["as_of_date", "move_window"])
        .set_index(["as_of_date", "move_window"])[["actual_move_cents_per_lb", "r_squared"]]
        .assign(
            contribution_cents_per_lb=lambda f: f["actual_move_cents_per_lb"] - explained,
            bucket=UNEXPLAINED,
            factors="",
        )
        .reset_index()
    )
    out = pd.concat([table, remainder], ignore_index=True)[COLUMNS]
    order = {b: i for i, b in enumerate([*bucket_list, UNEXPLAINED])}
    return out.sort_values(
        ["as_of_date", "move_window", "bucket"],
        key=lambda s: s.map(order) if s.name == "bucket" else s,
    ).reset_index(drop=True)
