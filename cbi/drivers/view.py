"""The drivers as plain dataclasses (what moved the price, where each bucket stands, what the
model uses), the one-sentence summary, and the text `cbi drivers` prints.

"What moved the price" describes the past: ZL's realised move split by a rolling regression
on each bucket's factors (forecasts.zl_driver_attribution). "What the model uses" is the
forecast's: each bucket's push on today's ensemble median through the meta-learner (L1), in
proportion to the weight L1 earned in the ensemble (forecasts.zl_predictions).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from cbi.drivers.attribution import UNEXPLAINED, WINDOWS, buckets
from cbi.drivers.standing import Indicator, columns_by_relation, indicators
from cbi.view import Forecast, bucket_label, load_forecast
from common.db import connect_read_only
from common.errors import UserError

WINDOW_WORDS = {"1w": "week", "1m": "month", "3m": "quarter"}
SUMMARY_WINDOW = "1m"
SUMMARY_BUCKETS = 3  # the largest contributions named in the sentence
# Where the leave-one-bucket-out verdict is measured: `cbi bench selection` refits L1 without
# each bucket on the full profile's 2015-2019 walk-forward, which a daily database lacks.
VERDICT_SOURCE = "cbi bench selection (leave one bucket out, 2015-2019; README 'How good is it')"
NO_VERDICT = (
    "leave-one-bucket-out verdict: not measured on this database (it needs the full "
    "2015-2024 walk-forward of `make bench-forecast`)"
)


@dataclass(frozen=True)
class AttributionRow:
    """One bucket's (or `unexplained`'s) part of a window's move, cents/lb; None: uncovered."""

    bucket: str
    label: str
    contribution_cents: float | None
    factors: str


@dataclass(frozen=True)
class Move:
    """ZL's move over one window ending on the as-of date, split by bucket."""

    window: str
    actual_move_cents: float
    r_squared: float
    rows: tuple[AttributionRow, ...]

    @property
    def uncovered(self) -> list[str]:
        return [r.label for r in self.rows if r.contribution_cents is None]


@dataclass(frozen=True)
class ModelUse:
    """A bucket's push on today's ensemble P50 at one horizon (cents/lb; None: under 0.01 or
    no weight), the L2 weight L1 earned there, and the leave-one-bucket-out verdict (None on
    a database without the benchmark's walk-forward)."""

    horizon: str
    bucket: str
    label: str
    push_cents: float | None
    l1_weight: float
    verdict: str | None


@dataclass(frozen=True)
class Drivers:
    """Everything the drivers block shows, on one as-of date."""

    as_of_date: pd.Timestamp
    close_cents: float
    moves: dict[str, Move]
    summary: str
    indicators: list[Indicator]
    model_use: list[ModelUse]
    model_note: str


def moves_from_table(table: pd.DataFrame) -> dict[str, Move]:
    """The latest as-of date's windows of forecasts.zl_driver_attribution, as Moves."""
    as_of = pd.to_datetime(table["as_of_date"]).max()
    today = table[pd.to_datetime(table["as_of_date"]) == as_of]
    order = [*buckets(), UNEXPLAINED]
    moves = {}
    for window in WINDOWS:
        rows = today[today["move_window"] == window].set_index("bucket")
        if rows.empty:
            continue
        cents = rows["contribution_cents_per_lb"].astype(float).to_dict()
        moves[window] = Move(
            window=window,
            actual_move_cents=float(rows["actual_move_cents_per_lb"].to_numpy()[0]),
            r_squared=float(rows["r_squared"].to_numpy()[0]),
            rows=tuple(
                AttributionRow(
                    bucket=b,
                    label=UNEXPLAINED if b == UNEXPLAINED else bucket_label(b),
                    contribution_cents=None if np.isnan(cents[b]) else float(cents[b]),
                    factors=str(rows.loc[b, "factors"] or ""),
                )
                for b in order
            ),
        )
    return moves


def summary_sentence(move: Move) -> str:
    """'ZL rose 3.10 c/lb in the last month: Energy +1.80, Crush +0.90, FX -0.40, unexplained
    +0.80 (not covered: Tariff)': the largest covered contributions and the remainder."""
    verb = "rose" if move.actual_move_cents > 0 else "fell"
    if round(move.actual_move_cents, 2) == 0:
        verb = "was unchanged,"
    parts = [r for r in move.rows if r.bucket != UNEXPLAINED and r.contribution_cents is not None]
    top = sorted(parts, key=lambda r: abs(r.contribution_cents or 0.0), reverse=True)
    named = [f"{r.label} {r.contribution_cents:+.2f}" for r in top[:SUMMARY_BUCKETS]]
    rest = next(r for r in move.rows if r.bucket == UNEXPLAINED).contribution_cents or 0.0
    named.append(f"unexplained {rest:+.2f}")
    uncovered = f" (not covered: {', '.join(move.uncovered)})" if move.uncovered else ""
    size = "" if verb.startswith("was") else f" {abs(move.actual_move_cents):.2f} c/lb"
    return f"ZL {verb}{size} in the last {WINDOW_WORDS[move.window]}: {', '.join(named)}{uncovered}"


def model_use_rows(forecast: Forecast) -> list[ModelUse]:
    """Per horizon and bucket, the push on the ensemble median through L1 (the pushes
    `cbi forecast` names, from cbi.view) and L1's weight."""
    rows = []
    for row in forecast.rows:
        pushes = dict(row.pushes)
        for bucket in buckets():
            rows.append(
                ModelUse(
                    horizon=row.horizon,
                    bucket=bucket,
                    label=bucket_label(bucket),
                    push_cents=pushes.get(bucket),
                    l1_weight=row.meta_l1_weight,
                    verdict=None,
                )
            )
    return rows


def _live_forecast(con: duckdb.DuckDBPyConnection) -> Forecast | None:
    """The live forecast (cbi.view), or None before the models are built."""
    try:
        return load_forecast(con)
    except (duckdb.CatalogException, duckdb.BinderException):
        return None


def bucket_verdicts(db_path: Path) -> dict[tuple[str, str], str] | None:
    """Per (bucket, horizon), the leave-one-bucket-out verdict of `cbi bench selection`
    (its own functions, on this database's walk-forward), e.g. '-0.1 % [-0.2, -0.0]:
    significant gain' ('with vs without' below 0: the bucket helped); None when the database
    holds no 2015-2019 walk-forward of the full profile. Slow: refits L1 once per bucket."""
    from cbi.benchmarks.selection import (
        BENCH_PROFILE,
        assembled,
        leave_one_bucket_out,
        read_inputs,
    )
    from cbi.training.profiles import get_profile

    try:
        inputs = read_inputs(str(db_path))
    except UserError:
        return None
    base = get_profile(BENCH_PROFILE)
    table = leave_one_bucket_out(inputs, base, assembled(inputs, base, inputs.meta))
    return {
        (str(row["bucket left out"]), str(row["horizon"])): " ".join(
            part for part in (row["with vs without"], row["95 % interval"]) if part
        )
        + f": {row['']}"
        for _, row in table.iterrows()
    }


def load_drivers(db_path: Path, verdicts: bool = False) -> Drivers:
    """Read the drivers of `db_path` with a read-only connection (see `read_drivers`); with
    `verdicts`, add the leave-one-bucket-out verdicts where the database has them."""
    con = connect_read_only(db_path, "drivers")
    try:
        drivers = read_drivers(con, str(db_path))
    finally:
        con.close()
    if not verdicts or not drivers.model_use:
        return drivers
    measured = bucket_verdicts(db_path)
    if measured is None:
        return replace(drivers, model_note=NO_VERDICT)
    return replace(
        drivers,
        model_use=[
            replace(u, verdict=measured.get((u.bucket, u.horizon))) for u in drivers.model_use
        ],
        model_note=f"leave-one-bucket-out verdicts ('with vs without', below 0 the bucket "
        f"helped): {VERDICT_SOURCE}",
    )


def read_drivers(con: duckdb.DuckDBPyConnection, name: str) -> Drivers:
    """The attribution, the bucket marts and the live forecast (if built), read on an open
    connection (a page that reads other tables too can pass its own); `name` is the database
    as error messages name it."""
    try:
        table = con.sql("select * from forecasts.zl_driver_attribution").df()
        marts = {
            relation: con.sql(f"select trade_date, {', '.join(columns)} from marts.{relation}").df()
            for relation, columns in columns_by_relation().items()
        }
        close = con.sql(
            "select zl_close_cents_per_lb from marts.feat_core_daily "
            "order by trade_date desc limit 1"
        ).fetchone()
        predictions = _live_forecast(con)
    except duckdb.CatalogException as exc:
        raise UserError(
            f"drivers: {name} has no forecasts.zl_driver_attribution or bucket marts yet; "
            "run `cbi build`"
        ) from exc
    if table.empty:
        raise UserError(f"drivers: {name} has too little history for an attribution")
    as_of = pd.to_datetime(table["as_of_date"]).max()
    moves = moves_from_table(table)
    if predictions is None or not predictions.rows:
        use, note = [], "no forecast yet: run `cbi build` (it trains the models)"
    else:
        use = model_use_rows(predictions)
        note = f"leave-one-bucket-out verdict: `cbi drivers --verdicts`, or {VERDICT_SOURCE}"
    return Drivers(
        as_of_date=as_of,
        close_cents=float(close[0]) if close else float("nan"),
        moves=moves,
        summary=summary_sentence(moves[SUMMARY_WINDOW]),
        indicators=indicators(marts, as_of),
        model_use=use,
        model_note=note,
    )


def _cents(value: float | None) -> str:
    return "n/c" if value is None else f"{value:+.2f}"


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.4g}"


def render_drivers(db_path: Path, verdicts: bool = False) -> str:
    """The text of `cbi drivers` (`--verdicts`: with the leave-one-bucket-out verdicts)."""
    d = load_drivers(db_path, verdicts)
    lines = [
        f"ZL drivers, as of {d.as_of_date:%Y-%m-%d} (close {d.close_cents:.2f} c/lb)",
        "",
        "What moved the price (the past, not a forecast): ZL's move split by a rolling "
        "regression on each bucket's factors, c/lb",
        d.summary + ".",
        f"{'bucket':<13}" + "".join(f"{w:>9}" for w in d.moves) + "  factors used today",
    ]
    first = next(iter(d.moves.values()))
    for i, row in enumerate(first.rows):
        cells = "".join(f"{_cents(m.rows[i].contribution_cents):>9}" for m in d.moves.values())
        lines.append(f"{row.label:<13}{cells}  {row.factors}")
    lines.append(
        f"{'actual move':<13}" + "".join(f"{m.actual_move_cents:+9.2f}" for m in d.moves.values())
    )
    lines.append(
        f"R² of the daily regression (252 days): {first.r_squared:.2f}; n/c = not covered "
        "(no fresh factor), left in `unexplained`."
    )
    lines += [
        "",
        "Where each bucket stands (value, change over 1m, percentile over 5 years; "
        "a stale value is not shown):",
    ]
    for ind in d.indicators:
        head = f"  {bucket_label(ind.bucket):<11}{ind.name:<44}"
        if ind.stale or ind.value is None:
            last = f", last value {ind.last_value_date:%Y-%m-%d}" if ind.last_value_date else ""
            lines.append(f"{head}stale (no value public today{last})")
            continue
        change = "" if ind.change_1m is None else f", 1m {ind.change_1m:+.3g}"
        pct = "" if ind.percentile_5y is None else f", 5y percentile {ind.percentile_5y:.0f}"
        lines.append(
            f"{head}{_number(ind.value)} {ind.unit}{change}{pct}, "
            f"published {ind.published:%Y-%m-%d}"
        )
    lines += [
        "",
        "What the model uses (the forecast, not the past): each bucket's push on today's "
        "ensemble median through L1, c/lb",
    ]
    if not d.model_use:
        lines.append(f"  {d.model_note}")
        return "\n".join(lines)
    for horizon in dict.fromkeys(u.horizon for u in d.model_use):
        uses = [u for u in d.model_use if u.horizon == horizon]
        pushed = [f"{u.label} {u.push_cents:+.2f}" for u in uses if u.push_cents is not None]
        said = ", ".join(pushed) if pushed else "no bucket moves the median by 0.01 c/lb or more"
        lines.append(f"  {horizon:<4}L1 weight {uses[0].l1_weight:.2f}: {said}")
        judged = [f"{u.label} {u.verdict}" for u in uses if u.verdict]
        if judged:
            lines.append(f"      left out: {'; '.join(judged)}")
    lines.append(f"  {d.model_note}")
    return "\n".join(lines)
