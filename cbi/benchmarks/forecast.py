"""`make bench-forecast`: walk-forward scores per horizon for every member vs the yardsticks.

Reads forecasts.zl_backtest from the database (built by `cbi build` with the fast profile, or
`cbi backtest --start 2015-01-01 --end 2024-12-31 --profile full` for the full 2015-2024
record) and prints the window it actually covers, so a short run is never mistaken for the
full one. Per horizon: every member's pinball in cents/lb and relative to the as-of price,
coverage and MAE; then per as-of year and overall, the ensemble against the better random walk
with a moving-block bootstrap interval of the gain (blocks of h trading days, as daily h-day
outcomes overlap). A gain whose interval includes zero is printed as "no significant gain";
a period with fewer than MIN_BLOCKS non-overlapping outcomes gets no interval.

Besides each year, two periods: 2015-2019, on which every modelling choice was made
(`cbi bench selection`), and 2020-2024, reported and never used for a choice; the verdict is
on the reported period. A period holds the as-of dates in it whose outcome was known by its
end, so no selection-period score uses a 2020 price.
"""

from __future__ import annotations

import duckdb
import numpy as np
import pandas as pd

from cbi.record import REPORTED, gain_table, with_losses
from cbi.risk.calibration import hit_rates, render_hit_rates, render_skill, skill_table
from cbi.risk.rule import read_walk_forward, render_rule
from cbi.training.members.yardsticks import YARDSTICKS
from common.db import connect_read_only
from common.errors import UserError
from common.paths import resolve_db
from common.project import dbt_var, horizons

TARGET_GAIN = 0.10


def run(db: str | None = None, source_dir: str | None = None) -> int:
    """Print the tables and a verdict; returns 0 (the numbers are the result, not the code)."""
    path = resolve_db(db)
    con = connect_read_only(path, "bench forecast")
    try:
        backtest = con.sql(
            "select as_of_date, target_date, horizon, member, p10, p50, p90, actual, close "
            "from forecasts.zl_backtest where actual is not null"
        ).df()
        risk = risk_inputs(con)
    except duckdb.CatalogException as exc:
        raise UserError(
            f"bench forecast: {path} has no backtest yet; run `make bench-forecast`"
        ) from exc
    finally:
        con.close()
    ensemble = backtest[backtest["member"] == "ensemble"]
    if ensemble.empty:
        raise UserError(f"bench forecast: {path} has no scored ensemble row; run a backtest")
    print(
        f"Walk-forward window scored: {ensemble['as_of_date'].min():%Y-%m-%d} .. "
        f"{ensemble['as_of_date'].max():%Y-%m-%d} ({path})"
    )
    print(
        "pinball: mean over P10/P50/P90 in cents/lb, and as % of the as-of price (a 60 c/lb\n"
        "year does not weigh twice a 30 c/lb one). gain: ensemble vs the random walk with the\n"
        "lower pinball in that period, 95 % moving-block bootstrap interval (blocks of h\n"
        "trading days); an interval that includes 0 is no significant gain, and a period with\n"
        "fewer than 10 non-overlapping outcomes gets none (too few outcomes)."
    )
    scored = with_losses(backtest)
    verdicts = []
    for horizon, horizon_days in horizons().items():
        rows = scored[scored["horizon"] == horizon]
        if "ensemble" not in set(rows["member"]) or not set(YARDSTICKS) & set(rows["member"]):
            continue
        print(f"\n{horizon}:")
        print(member_table(rows).to_string(index=False))
        table = gain_table(rows, horizon_days)
        print(format_gains(table).to_string(index=False))
        reported = table[table["year"] == REPORTED.label]
        verdicts.append((horizon, (reported if len(reported) else table).iloc[-1]))
    print(
        "\nVerdict on the reported period where the window holds it, else on all years "
        "(target: >= 10 % lower pinball than the better random walk at 1m/3m/6m with the "
        "interval excluding 0, never worse at 1w, coverage 75-85 %):"
    )
    for horizon, overall in verdicts:
        coverage = overall["coverage_80"]
        band = "in range" if 0.75 <= coverage <= 0.85 else "OUT of range"
        print(
            f"  {horizon}: ensemble {skill(overall, horizon == verdicts[0][0])}; "
            f"80 % band coverage {coverage:.1%} ({band})"
        )
    if risk is None:
        print(
            "\nNo forecasts.zl_backtest_distribution or marts.zl_targets here: the "
            "distribution's calibration and the cover-ahead rule are not scored "
            "(`make bench-forecast` builds them)."
        )
        return 0
    distribution, closes = risk
    walks = backtest[backtest["member"].isin(YARDSTICKS)]
    print("\nThe published distribution: share of outcomes below each quantile, per period:")
    print(render_hit_rates(hit_rates(distribution, horizons())))
    print("\nPinball over the seven quantiles against the random walks:")
    print(render_skill(skill_table(distribution, walks, horizons())))
    carry = float(dbt_var("purchase_carry_per_month"))
    print("\nCover-ahead rule (cbi.risk.rule) against buying ratably:")
    print(render_rule(distribution, closes, horizons(), carry)[0])
    return 0


def risk_inputs(con: duckdb.DuckDBPyConnection) -> tuple[pd.DataFrame, pd.Series] | None:
    """(zl_backtest_distribution, the close by trade date), or None where they are not built."""
    try:
        return read_walk_forward(con)
    except duckdb.CatalogException:
        return None


def member_table(rows: pd.DataFrame) -> pd.DataFrame:
    """One horizon's members over the whole window, best pinball first (printable)."""
    table = (
        rows.assign(error=(rows["actual"] - rows["p50"]).abs())
        .groupby("member")
        .agg(
            pinball=("loss", "mean"),
            pinball_pct=("loss_pct", "mean"),
            cover80=("inside", "mean"),
            mae_p50=("error", "mean"),
            n=("loss", "size"),
        )
    )
    table = table.sort_values("pinball").reset_index()
    return table.assign(
        pinball=table["pinball"].map("{:.3f}".format),
        pinball_pct=table["pinball_pct"].map("{:.2%}".format),
        cover80=table["cover80"].map("{:.1%}".format),
        mae_p50=table["mae_p50"].map("{:.3f}".format),
    ).rename(columns={"pinball": "pinball c/lb", "pinball_pct": "% of price"})


def format_gains(table: pd.DataFrame) -> pd.DataFrame:
    """The gain table as printed: one line per year and `all`."""
    interval = [
        "" if np.isnan(low) else f"[{low:+.1%}, {high:+.1%}]"
        for low, high in zip(table["low"], table["high"], strict=True)
    ]
    return pd.DataFrame(
        {
            "year": table["year"],
            "n": table["n"],
            "ensemble c/lb": table["pinball"].map("{:.3f}".format),
            "% of price": table["pinball_pct"].map("{:.2%}".format),
            "cover80": table["coverage_80"].map("{:.1%}".format),
            "better RW": table["yardstick"],
            "RW c/lb": table["yardstick_pinball"].map("{:.3f}".format),
            "gain": table["gain"].map("{:+.1%}".format),
            "95 % interval": interval,
            "": table["label"],
        }
    )


def skill(overall: pd.Series, shortest: bool) -> str:
    """The verdict on one horizon's overall row of `gain_table`."""
    gain, label = overall["gain"], overall["label"]
    interval = (
        ""
        if np.isnan(overall["low"])
        else f", interval [{overall['low']:+.1%}, {overall['high']:+.1%}]"
    )
    said = f"{gain:+.1%} vs the better random walk ({label}{interval})"
    if gain > 0:
        return f"WORSE: {said}; it leans on the yardsticks"
    if shortest:
        return f"not worse: {said}; target met"
    if gain <= -TARGET_GAIN and label == "significant gain":
        return f"{said}; target met"
    return f"{said}; target not met"
