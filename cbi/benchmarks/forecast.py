"""`make bench-forecast`: walk-forward scores per horizon for every member vs the yardsticks.

Reads forecasts.zl_backtest_metrics from the database (built by `cbi build` with the fast
profile, or `cbi backtest --start 2015-01-01 --end 2024-12-31 --profile full` for the full
2015-2024 record) and prints the window it actually covers, so a short run is never mistaken
for the full one.
"""

from __future__ import annotations

import duckdb

from common.db import connect_read_only
from common.errors import UserError
from common.paths import resolve_db

TARGET_GAIN = 0.10


def run(db: str | None = None, source_dir: str | None = None) -> int:
    """Print the table and a verdict; returns 0 (the numbers, not the exit code, are the result)."""
    path = resolve_db(db)
    con = connect_read_only(path, "bench forecast")
    try:
        metrics = con.sql(
            "select * from forecasts.zl_backtest_metrics where year = 'all' order by pinball"
        ).df()
        order = [
            row[0]
            for row in con.sql(
                "select horizon from reference.horizons order by trading_days"
            ).fetchall()
        ]
        window = con.sql(
            "select min(as_of_date), max(as_of_date) from forecasts.zl_backtest "
            "where member = 'ensemble' and actual is not null"
        ).fetchone()
    except duckdb.CatalogException as exc:
        raise UserError(
            f"bench forecast: {path} has no backtest yet; run `make bench-forecast`"
        ) from exc
    finally:
        con.close()
    print(f"Walk-forward window scored: {window[0]:%Y-%m-%d} .. {window[1]:%Y-%m-%d} ({path})")
    verdicts = []
    for horizon in order:
        group = metrics[metrics["horizon"] == horizon]
        if "ensemble" not in set(group["member"]):
            continue
        print(f"\n{horizon}: {'member':<18}{'pinball':>9}{'cover80':>9}{'mae_p50':>9}{'n':>6}")
        for row in group.itertuples():
            print(
                f"    {row.member:<18}{row.pinball:9.3f}{row.coverage_80:9.1%}"
                f"{row.mae_p50:9.3f}{row.n:6d}"
            )
        by_member = group.set_index("member")["pinball"]
        best_rw = min(
            by_member.get("rw_empirical", float("inf")), by_member.get("rw_vol", float("inf"))
        )
        rel = by_member["ensemble"] / best_rw - 1
        print(f"    ensemble vs better yardstick: {rel:+.1%} pinball")
        verdicts.append(
            (horizon, rel, float(group.set_index("member").loc["ensemble", "coverage_80"]))
        )
    print(
        "\nVerdict (target: >= 10 % lower pinball than the better random walk at 1m/3m/6m, "
        "never worse at 1w, coverage 75-85 %):"
    )
    for horizon, rel, coverage in verdicts:
        if horizon == order[0] and rel <= 0:
            skill = f"not worse than the better random walk ({rel:+.1%}; target met)"
        elif rel <= -TARGET_GAIN:
            skill = f"beats the better random walk by {-rel:.1%} (target met)"
        elif rel < 0:
            skill = f"better than the better random walk by only {-rel:.1%} (short of 10 %)"
        else:
            skill = f"WORSE than the better random walk by {rel:.1%}; it leans on the yardsticks"
        band = "in range" if 0.75 <= coverage <= 0.85 else "OUT of range"
        print(f"  {horizon}: ensemble {skill}; 80 % band coverage {coverage:.1%} ({band})")
    return 0
