"""The view model: everything `cbi forecast` prints and `cbi report` shows, read once.

`build_view` reads the database on one read-only connection and computes what the outputs
share once (the record's gain table with its bootstrap intervals, the drivers of
cbi.drivers.view, the risk picture of cbi.risk.view with the cover-ahead rule's backtest, the
coverage states); `cbi.forecast` puts a View in text and `cbi.report` in a page, and neither
reads the database or computes a score.

A View is a set of sections, each a frozen dataclass with its own loader. To add one: write
its dataclass and its loader taking the open connection, add a field to View and one line to
`build_view`, then say it in words where it belongs (a partial template
`cbi/templates/sections/<name>.html.j2` included by `report.html.j2`, and lines in
`cbi.forecast`).
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb
import pandas as pd

from cbi.record import gain_table, with_losses
from cbi.risk.view import RiskPicture, read_risk
from cbi.status import Coverage, coverage_states
from cbi.training.ensemble import YARDSTICKS
from cbi.training.metrics import Gain
from common.db import connect_read_only
from common.errors import UserError
from common.project import horizon_days

if TYPE_CHECKING:
    from cbi.drivers.view import Drivers

# What the drivers say when the meta-learner, the only way a bucket reaches the ensemble, has
# no L2 weight: no bucket moved the median, whatever the bucket models think on their own.
NO_DRIVERS = (
    "no driver bucket has earned weight yet: the median is the random walks' and the other models'"
)

FORECAST_QUERY = """
select p.*, h.label, h.trading_days
from forecasts.zl_predictions p
join reference.horizons h using (horizon)
order by h.trading_days
"""
HISTORY_QUERY = """
select trade_date, any_value(close_cents_per_lb) as close
from marts.zl_targets
group by trade_date
order by trade_date
"""
# Per horizon, the ensemble forecast whose target date is the latest with a known close: the
# forecast made one horizon before the last trade date, beside what happened.
LOOK_BACK_QUERY = """
select horizon, as_of_date, target_date, p10, p50, p90, close, actual
from forecasts.zl_backtest
where member = 'ensemble' and actual is not null
qualify row_number() over (partition by horizon order by target_date desc, as_of_date desc) = 1
"""
METRICS_QUERY = f"""
select horizon, year, member, pinball, coverage_80, n
from forecasts.zl_backtest_metrics
where member in ('ensemble', {", ".join(f"'{m}'" for m in YARDSTICKS)})
"""
SCORED_QUERY = f"""
select as_of_date, target_date, horizon, member, p10, p50, p90, actual, close
from forecasts.zl_backtest
where actual is not null and member in ('ensemble', {", ".join(repr(m) for m in YARDSTICKS)})
"""
LIVE_TABLE_QUERY = """
select count(*) from information_schema.tables
where table_schema = 'forecasts' and table_name = 'zl_live_accuracy'
"""


def bucket_label(bucket: str) -> str:
    """A bucket's name as the README writes it: FX, Fed, Biofuel, ..."""
    return bucket.upper() if len(bucket) <= 2 else bucket.capitalize()


def pushes_in_words(pushes: list[tuple[str, float]]) -> str:
    """'Biofuel pushes the median up 0.42 c/lb, Energy down 0.10 c/lb'."""
    words = [
        f"{bucket_label(bucket)}{' pushes the median' if i == 0 else ''} "
        f"{'up' if cents > 0 else 'down'} {abs(cents):.2f} c/lb"
        for i, (bucket, cents) in enumerate(pushes)
    ]
    return ", ".join(words)


@dataclass(frozen=True)
class ForecastRow:
    """One horizon of forecasts.zl_predictions, in cents/lb."""

    horizon: str  # 1w, 1m, 3m, 6m
    label: str  # 1-week, 1-month, ...
    target_date: dt.date
    p10: float
    p50: float
    p90: float
    close: float  # the as-of close
    meta_l1_weight: float  # the ensemble's weight on the meta-learner, the buckets' only way in
    contributions: dict[str, float]  # bucket -> its push on P50 through that weight

    @property
    def pushes(self) -> list[tuple[str, float]]:
        """The buckets that moved the median, largest first: (bucket, cents/lb); a bucket
        appears only when it earned weight, and pushes that round to 0.00 c/lb are left out."""
        pushes = [(b, float(c)) for b, c in self.contributions.items() if round(c, 2) != 0]
        return sorted(pushes, key=lambda kv: abs(kv[1]), reverse=True)


@dataclass(frozen=True)
class Forecast:
    """The latest forecast, by horizon length."""

    as_of: dt.date
    close: float
    model_version: str
    rows: tuple[ForecastRow, ...]

    @property
    def horizons(self) -> list[str]:
        return [row.horizon for row in self.rows]


@dataclass(frozen=True)
class RecordRow:
    """The ensemble against the random walks in one horizon and as-of year (or `all`)."""

    horizon: str
    year: str
    pinball: dict[str, float]  # mean pinball in c/lb: the ensemble and each yardstick (NaN: none)
    coverage_80: float  # share of outcomes inside the ensemble's P10-P90
    n: float  # scored ensemble forecasts (NaN: none)
    gain: Gain | None  # vs the better yardstick, with its 95 % interval; None: no paired rows


@dataclass(frozen=True)
class Record:
    """The walk-forward record: rows by horizon (forecast order), years then `all`."""

    rows: tuple[RecordRow, ...]

    def overall(self, horizon: str) -> RecordRow | None:
        """The `all` row of `horizon`, or None when the horizon has no record."""
        return next((r for r in self.rows if r.horizon == horizon and r.year == "all"), None)


@dataclass(frozen=True)
class LookBackRow:
    """The ensemble forecast made one horizon ago and the close that followed (cents/lb)."""

    horizon: str
    as_of_date: dt.date
    target_date: dt.date
    close: float
    p10: float
    p50: float
    p90: float
    actual: float


@dataclass(frozen=True)
class LiveRow:
    """forecasts.zl_live_accuracy: published forecasts scored once their target date passed."""

    horizon: str
    window: str
    n_scored: float
    pinball_live: float
    pinball_record: float
    coverage_live: float
    coverage_record: float


LIVE_NUMBERS = ("n_scored", "pinball_live", "pinball_record", "coverage_live", "coverage_record")


@dataclass(frozen=True)
class View:
    """Everything the outputs show; prices in cents/lb."""

    forecast: Forecast
    record: Record
    drivers: Drivers | None  # None: forecasts.zl_driver_attribution not built (drivers_missing)
    drivers_missing: str  # why there are no drivers ('' when there are)
    risk: RiskPicture
    coverage: Coverage
    history: pd.DataFrame  # trade_date, close: the ZL front-month close per trade date
    look_back: tuple[LookBackRow, ...]
    live: tuple[LiveRow, ...]  # empty while no live forecast has been scored


def build_view(db_path: Path, command: str) -> View:
    """Read the view of `db_path`; a database without forecast tables is a one-line UserError
    naming `command`."""
    from cbi.drivers.view import read_drivers  # cbi.drivers.view draws on this module

    con = connect_read_only(db_path, command)
    try:
        try:
            forecast = load_forecast(con)
            if forecast is None:
                raise UserError(
                    f"{command}: {db_path} has an empty forecasts.zl_predictions; run `cbi build`"
                )
            history = con.sql(HISTORY_QUERY).df()
            look_back = load_look_back(con, forecast.horizons)
            record = load_record(con, forecast.horizons)
            risk = read_risk(con, pd.Timestamp(forecast.as_of), forecast.close)
            live = load_live(con)
        except (duckdb.CatalogException, duckdb.BinderException) as exc:
            raise UserError(
                f"{command}: {db_path} has no forecast tables yet; run `cbi build` "
                "(it trains models)"
            ) from exc
        try:
            drivers, drivers_missing = read_drivers(con, str(db_path)), ""
        except UserError as exc:
            drivers, drivers_missing = None, str(exc)
        coverage = coverage_states(con, db_path, command)
    finally:
        con.close()
    return View(
        forecast, record, drivers, drivers_missing, risk, coverage, history, look_back, live
    )


def load_forecast(con: duckdb.DuckDBPyConnection) -> Forecast | None:
    """The latest forecast by horizon length; None when zl_predictions holds no row."""
    frame = con.sql(FORECAST_QUERY).df()
    if frame.empty:
        return None
    rows = tuple(
        ForecastRow(
            horizon=str(r["horizon"]),
            label=str(r["label"]),
            target_date=pd.Timestamp(r["target_date"]).date(),
            p10=float(r["p10"]),
            p50=float(r["p50"]),
            p90=float(r["p90"]),
            close=float(r["close_cents_per_lb"]),
            meta_l1_weight=float(r["meta_l1_weight"] or 0),
            contributions={
                str(b): float(c)
                for b, c in json.loads(r["bucket_contributions_cents"] or "{}").items()
            },
        )
        for r in frame.to_dict("records")
    )
    return Forecast(
        as_of=pd.Timestamp(frame["as_of_date"].max()).date(),
        close=rows[0].close,
        model_version=str(frame["model_version"].iloc[0]),
        rows=rows,
    )


def load_look_back(con: duckdb.DuckDBPyConnection, horizons: list[str]) -> tuple[LookBackRow, ...]:
    frame = con.sql(LOOK_BACK_QUERY).df()
    rows = {
        str(r["horizon"]): LookBackRow(
            horizon=str(r["horizon"]),
            as_of_date=pd.Timestamp(r["as_of_date"]).date(),
            target_date=pd.Timestamp(r["target_date"]).date(),
            **{q: float(r[q]) for q in ("close", "p10", "p50", "p90", "actual")},
        )
        for r in frame.to_dict("records")
    }
    return tuple(rows[h] for h in _ordered(rows, horizons))


def _ordered(present: Iterable[str], horizons: list[str]) -> list[str]:
    """The horizons `present`: those of the forecast in its order, then any other."""
    found = set(present)
    return [h for h in horizons if h in found] + sorted(found - set(horizons))


def load_record(con: duckdb.DuckDBPyConnection, horizons: list[str]) -> Record:
    """The record per horizon and year from forecasts.zl_backtest_metrics, each with the
    ensemble's gain on the better yardstick and its 95 % moving-block interval (the gain
    table of cbi.record, computed here once per horizon)."""
    metrics = con.sql(METRICS_QUERY).df()
    scored = con.sql(SCORED_QUERY).df()
    gains = {
        str(horizon): gain_table(with_losses(rows), horizon_days(str(horizon)))
        for horizon, rows in scored.groupby("horizon")
    }
    by_key = {
        (str(horizon), str(year)): group.set_index("member")
        for (horizon, year), group in metrics.groupby(["horizon", "year"])
    }
    rows = []
    for horizon in _ordered({h for h, _ in by_key}, horizons):
        years = sorted((y for h, y in by_key if h == horizon), key=lambda y: (y == "all", y))
        table = gains.get(horizon)
        for year in years:
            members = by_key[(horizon, year)].astype({"pinball": float})
            scores = members.reindex(["ensemble"]).to_dict("records")[0]
            rows.append(
                RecordRow(
                    horizon=horizon,
                    year=year,
                    pinball={
                        m: float(members["pinball"].get(m, math.nan))
                        for m in ("ensemble", *YARDSTICKS)
                    },
                    coverage_80=float(scores["coverage_80"]),
                    n=float(scores["n"]),
                    gain=_gain(table, year),
                )
            )
    return Record(rows=tuple(rows))


def _gain(table: pd.DataFrame | None, year: str) -> Gain | None:
    """The gain-table row of `year` as a Gain, or None when the table has none."""
    if table is None:
        return None
    found = table[table["year"] == year]
    if found.empty:
        return None
    row = found.iloc[0]
    return Gain(float(row["gain"]), float(row["low"]), float(row["high"]), int(row["n"]))


def load_live(con: duckdb.DuckDBPyConnection) -> tuple[LiveRow, ...]:
    """The live scores; none while the table is missing or no forecast has been scored."""
    found = con.execute(LIVE_TABLE_QUERY).fetchone()
    if not found or not found[0]:
        return ()
    live = con.sql("select * from forecasts.zl_live_accuracy").df()
    live = live[live["n_scored"].fillna(0) > 0]
    numbers = live[list(LIVE_NUMBERS)].to_numpy(dtype=float)
    return tuple(
        LiveRow(str(horizon), str(window), *(float(x) for x in values))
        for horizon, window, values in zip(
            live["horizon"], live["scoring_window"], numbers, strict=True
        )
    )
