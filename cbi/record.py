"""The walk-forward record against the random walks: each row's loss, and the ensemble's gain
on the better random walk per year and period with a moving-block bootstrap interval. One
definition for `cbi forecast`, the report page and the benchmarks.

Two periods besides each year: 2015-2019, on which every modelling choice is made
(`cbi bench selection`), and 2020-2024, reported and never used for a choice. A period holds
the as-of dates in it whose outcome was known by its end, so no selection-period score uses a
2020 price.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

import pandas as pd

from cbi.training.members.yardsticks import YARDSTICKS
from cbi.training.metrics import block_bootstrap_gain, mean_pinball


@dataclass(frozen=True)
class Period:
    """A scored period: as-of dates in [start, end] whose target date is on or before end."""

    name: str
    start: str
    end: str

    @property
    def label(self) -> str:
        return f"{self.start[:4]}-{self.end[:4]} {self.name}"

    def holds(self, as_of: pd.Series, target: pd.Series) -> pd.Series:
        """Which rows (as-of and target dates) belong to the period."""
        start, end = pd.Timestamp(self.start), pd.Timestamp(self.end)
        return pd.Series(as_of.between(start, end) & (target <= end), index=as_of.index)


SELECTION = Period("selection", "2015-01-01", "2019-12-31")
REPORTED = Period("reported", "2020-01-01", "2024-12-31")


def with_losses(backtest: pd.DataFrame) -> pd.DataFrame:
    """Scored rows with `loss` (mean pinball, cents/lb), `loss_pct` (loss / close) and
    `inside` (actual within P10-P90), dates as timestamps, year as text."""
    rows = backtest.copy()
    rows["as_of_date"] = pd.to_datetime(rows["as_of_date"])
    rows["target_date"] = pd.to_datetime(rows["target_date"])
    rows["year"] = rows["as_of_date"].dt.year.astype(str)
    rows["loss"] = mean_pinball(rows)
    rows["loss_pct"] = rows["loss"] / rows["close"]
    rows["inside"] = (rows["actual"] >= rows["p10"]) & (rows["actual"] <= rows["p90"])
    return rows


def gain_table(
    rows: pd.DataFrame, horizon_days: int, references: tuple[str, ...] = YARDSTICKS
) -> pd.DataFrame:
    """The ensemble vs the better of `references` per as-of year, per Period (selection,
    reported) the rows reach, and over all years (last row).

    Paired on the as-of dates all were scored; the better reference is the one with the lower
    mean pinball in that period (chosen after the fact, which favours the random walk).
    Columns: year, n, pinball, pinball_pct, coverage_80, yardstick, yardstick_pinball, gain,
    low, high, label.
    """
    wide = rows.pivot_table(
        index=["as_of_date", "target_date", "year"],
        columns="member",
        values=["loss", "loss_pct", "inside"],
    )
    members = [m for m in references if m in _block(wide, "loss").columns]
    wide = wide[_block(wide, "loss")[["ensemble", *members]].notna().all(axis=1)].sort_index()
    as_of = pd.Series(wide.index.get_level_values("as_of_date"))
    target = pd.Series(wide.index.get_level_values("target_date"))
    periods = [(str(year), group) for year, group in wide.groupby(level="year", sort=True)]
    for period in (SELECTION, REPORTED):
        held = wide[period.holds(as_of, target).to_numpy()]
        if len(held):
            periods.append((period.label, held))
    out = []
    for year, group in [*periods, ("all", wide)]:
        losses = _block(group, "loss")
        yardstick = losses[members].mean().idxmin()
        gain = block_bootstrap_gain(
            losses["ensemble"].to_numpy(), losses[yardstick].to_numpy(), horizon_days
        )
        out.append(
            {
                "year": year,
                "n": gain.n,
                "pinball": losses["ensemble"].mean(),
                "pinball_pct": _block(group, "loss_pct")["ensemble"].mean(),
                "coverage_80": _block(group, "inside")["ensemble"].astype(float).mean(),
                "yardstick": yardstick,
                "yardstick_pinball": losses[yardstick].mean(),
                "gain": gain.gain,
                "low": gain.low,
                "high": gain.high,
                "label": gain.label,
            }
        )
    return pd.DataFrame(out)


def _block(wide: pd.DataFrame, value: str) -> pd.DataFrame:
    """One value's columns (one per member) of the member-wide table."""
    return cast(pd.DataFrame, wide[value])
