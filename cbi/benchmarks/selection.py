"""`cbi bench selection`: every L2 variant tried, and what each bucket adds, on 2015-2019 only.

Reads the member tables of the full-profile walk-forward (`make bench-forecast`) and re-runs
the L2 assembly (`cbi.training.ensemble.assemble_backtest`) once per variant of the profile's
L2 settings, then L1 and L2 once per bucket left out. Everything is scored on the selection
period only: as-of dates in 2015-2019 whose outcome was known by 2019-12-31, so no 2020-2024
outcome can steer a choice. The rule that picks the variant:
1. keep the variants whose 80 % band covers 75-85 % over the period at every horizon;
2. of those, the lowest mean gain over the horizons against the better random walk (pinball
   relative to it, so a 6m loss does not outweigh the rest by its size), where variants
   within EQUIVALENT_GAIN of it count as equally accurate (the intervals are far wider);
3. among the equally accurate, the steadiest bands: the smallest mean distance of each
   year's coverage from 80 % over horizons and years.
(The first run of this benchmark used steps 1-2 alone; two variants then tied within 0.1
point, so step 3 and the calibrated-yardstick variants were added, then the floored band, the
evidence windows and L1's regimes, still on 2015-2019 only. Every variant refits L1 with its
own settings.)
The chosen settings are the profile defaults; 2020-2024 is reported by `cbi bench forecast`,
untouched.

The published distribution's calibration (`Profile.distribution_calibration`) is chosen next,
on the chosen ensemble: the variant whose seven quantiles are within their hit-rate target
(`cbi.risk.calibration.TOLERANCE`) at the most horizons of 2015-2019, ties to the lowest
seven-quantile pinball relative to the better random walk. Then the cover-ahead rule's
tolerance (`cbi.risk.rule.choose_tolerance`) on that distribution's 2015-2019 months. The
carry is a cost, not a setting, and stays fixed.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import TypedDict

import duckdb
import numpy as np
import pandas as pd

from cbi.record import SELECTION, gain_table, with_losses
from cbi.risk.calibration import hit_rates, seven_quantile_losses
from cbi.risk.distribution import CALIBRATIONS, backtest_distribution
from cbi.risk.rule import choose_tolerance
from cbi.training.ensemble import assemble_backtest
from cbi.training.members.yardsticks import YARDSTICKS
from cbi.training.meta import meta_predictions
from cbi.training.profiles import Profile, WalkForwardPlan, get_profile
from common.db import connect_read_only
from common.errors import UserError
from common.paths import resolve_db
from common.project import dbt_var

BENCH_PROFILE = "full"
WALK_FORWARD = ("2015-01-01", "2024-12-31")
COVERAGE_RANGE = (0.75, 0.85)
EQUIVALENT_GAIN = 0.005  # mean gains closer than half a point count as equal


class VariantSettings(TypedDict, total=False):
    """The `Profile` fields the variants vary (L2's bands and weights, L1's evidence)."""

    band_scale: str
    calibrate_yardsticks: bool
    member_weighting: str
    ensemble_band: bool
    yardstick_floor: float
    independent_outcomes: int
    l1_regimes: int


# The settings the rule chose before the random walks' floor was tried; the earlier variants
# below vary them (each with no floor, as they were written and scored).
UNFLOORED: VariantSettings = {
    "band_scale": "volatility",
    "calibrate_yardsticks": True,
    "member_weighting": "evidence",
    "ensemble_band": False,
    "yardstick_floor": 0.0,
}
# The settings chosen by the rule (the profile defaults): the 25 % floor won on 2015-2019.
CHOSEN: VariantSettings = {**UNFLOORED, "yardstick_floor": 0.25}
RAW: VariantSettings = {**UNFLOORED, "band_scale": "none", "calibrate_yardsticks": False}
OWN_YARDSTICK_BANDS: VariantSettings = {**UNFLOORED, "calibrate_yardsticks": False}

# Every variant tried (profile settings), the first one the design before issue 12.
VARIANTS: dict[str, VariantSettings] = {
    "raw bands, evidence weights, ensemble band": {**RAW, "ensemble_band": True},
    "raw bands, evidence weights, member bands": RAW,
    "volatility bands, evidence weights, ensemble band": {
        **OWN_YARDSTICK_BANDS,
        "ensemble_band": True,
    },
    "volatility bands, evidence weights, member bands": OWN_YARDSTICK_BANDS,
    "volatility bands, equal weights, member bands": {
        **OWN_YARDSTICK_BANDS,
        "member_weighting": "equal",
    },
    "volatility bands, equal weights, ensemble band": {
        **OWN_YARDSTICK_BANDS,
        "member_weighting": "equal",
        "ensemble_band": True,
    },
    "volatility bands incl. random walks, evidence weights, member bands": UNFLOORED,
    "volatility bands incl. random walks, equal weights, member bands": {
        **UNFLOORED,
        "member_weighting": "equal",
    },
    "volatility-floored bands incl. random walks, evidence weights, member bands": {
        **UNFLOORED,
        "band_scale": "volatility_floor",
    },
    "as chosen before the floor, the evidence windows at 10 independent outcomes (not 20)": {
        **UNFLOORED,
        "independent_outcomes": 10,
    },
    "as chosen before the floor, the evidence windows at 40 independent outcomes (not 20)": {
        **UNFLOORED,
        "independent_outcomes": 40,
    },
    "as chosen before the floor, L1 with one volatility regime (not 2)": {
        **UNFLOORED,
        "l1_regimes": 1,
    },
    "as chosen before the floor, L1 with three volatility regimes (not 2)": {
        **UNFLOORED,
        "l1_regimes": 3,
    },
    "as chosen before the floor, the random walks floored at 25 % of L2's weight": CHOSEN,
    "as chosen before the floor, the random walks floored at 50 % of L2's weight": {
        **UNFLOORED,
        "yardstick_floor": 0.5,
    },
    "random walks only": {**OWN_YARDSTICK_BANDS, "member_weighting": "yardsticks"},
}


@dataclass(frozen=True)
class Inputs:
    """The walk-forward tables L1 and L2 are assembled from."""

    l0: pd.DataFrame
    members: pd.DataFrame
    meta: pd.DataFrame
    targets: pd.DataFrame
    core: pd.DataFrame
    days: dict[str, int]


def run(db: str | None = None, source_dir: str | None = None) -> int:
    """Print the variant table, the choice, and the leave-one-bucket-out table."""
    inputs = read_inputs(db)
    base = get_profile(BENCH_PROFILE)
    print(
        f"Selection period: as-of {SELECTION.start} .. {SELECTION.end}, outcomes known by "
        f"{SELECTION.end}; profile {BENCH_PROFILE}. gain: mean pinball vs the better random walk,"
        "\n95 % moving-block interval; cover80: all years [lowest year, highest year]; width: "
        "ensemble P10-P90 over the L2-weighted mean of its members'."
    )
    scores = {}
    for name, settings in VARIANTS.items():
        profile = dataclasses.replace(base, **settings)
        scores[name] = variant_scores(
            assembled(inputs, profile, refitted_l1(inputs, profile)), inputs.days
        )
        print(f"\n{name}:")
        print(format_scores(scores[name]).to_string(index=False))
    chosen = choose(scores)
    current = {k: getattr(base, k) for k in VARIANTS[chosen]}
    print(f"\nChosen by the rule: {chosen} {VARIANTS[chosen]}")
    print(f"Profile {BENCH_PROFILE} defaults now: {current}")
    backtest = full_backtest(inputs, base, inputs.meta)
    ensemble = selection_rows(backtest)
    calibrations = calibration_scores(backtest, inputs, base)
    print(
        "\nDistribution calibration (the chosen ensemble; hit-rate target per horizon: "
        "every quantile within tolerance; pinball over the seven quantiles / the better RW's):"
    )
    print(calibrations.to_string(index=False))
    calibration = choose_calibration(calibrations)
    print(
        f"Chosen calibration: {calibration}; profile {BENCH_PROFILE} default now: "
        f"{base.distribution_calibration}"
    )
    distribution = backtest_distribution(
        backtest,
        inputs.targets,
        inputs.core,
        dataclasses.replace(base, distribution_calibration=calibration),
    )
    closes = inputs.targets.groupby("trade_date")["close_cents_per_lb"].first()
    carry = float(dbt_var("purchase_carry_per_month"))
    tolerance, tried = choose_tolerance(distribution, closes, inputs.days, carry)
    print("\nCover-ahead rule by tolerance (2015-2019 months, that distribution):")
    print(tried.to_string(index=False, float_format=lambda v: f"{v:.3f}"))
    print(f"Chosen tolerance: {tolerance:.0%}")
    print(
        "\nLeave one bucket out (the profile's L2, L1 refitted without the bucket; "
        "'with vs without' below 0: the bucket helped):"
    )
    print(leave_one_bucket_out(inputs, base, ensemble).to_string(index=False))
    return 0


def read_inputs(db: str | None) -> Inputs:
    """The training tables and marts of the walk-forward database."""
    path = resolve_db(db)
    con = connect_read_only(path, "bench selection")
    try:
        tables = {
            "l0": "training.bucket_predictions",
            "members": "training.member_predictions",
            "series": "training.ts_predictions",
            "meta": "training.meta_predictions",
            "targets": "marts.zl_targets",
            "core": "marts.feat_core_daily",
        }
        frames = {name: con.sql(f"select * from {table}").df() for name, table in tables.items()}
    except duckdb.CatalogException as exc:
        raise UserError(
            f"bench selection: {path} has no walk-forward tables; run `make bench-forecast`"
        ) from exc
    finally:
        con.close()
    if pd.to_datetime(frames["l0"]["as_of_date"]).min().year > pd.Timestamp(SELECTION.start).year:
        raise UserError(
            f"bench selection: {path} starts its walk-forward after {SELECTION.start}; "
            "run `make bench-forecast` (the 2015-2024 full profile)"
        )
    targets = frames["targets"]
    pairs = targets[["horizon", "horizon_days"]].drop_duplicates().itertuples(index=False)
    days = {str(horizon): int(count) for horizon, count in pairs}
    return Inputs(
        frames["l0"],
        pd.concat([frames["members"], frames["series"]], ignore_index=True),
        frames["meta"],
        targets,
        frames["core"],
        days,
    )


def full_backtest(inputs: Inputs, profile: Profile, meta: pd.DataFrame) -> pd.DataFrame:
    """zl_backtest as this profile's L2 would build it, every year of the walk-forward."""
    plan = WalkForwardPlan(profile, *WALK_FORWARD)
    return assemble_backtest(inputs.l0, inputs.members, meta, inputs.targets, inputs.core, plan)


def assembled(inputs: Inputs, profile: Profile, meta: pd.DataFrame) -> pd.DataFrame:
    """zl_backtest as this profile's L2 would build it, on the selection period's rows."""
    return selection_rows(full_backtest(inputs, profile, meta))


def refitted_l1(inputs: Inputs, profile: Profile) -> pd.DataFrame:
    """L1 refitted with this profile's evidence window (it learns over the L2 window)."""
    plan = WalkForwardPlan(profile, *WALK_FORWARD)
    return meta_predictions(inputs.l0, inputs.targets, inputs.core, plan)


def selection_rows(backtest: pd.DataFrame) -> pd.DataFrame:
    """Rows with as-of in the selection period and an outcome known by its end."""
    as_of = pd.to_datetime(backtest["as_of_date"])
    target = pd.to_datetime(backtest["target_date"])
    keep = (
        as_of.between(pd.Timestamp(SELECTION.start), pd.Timestamp(SELECTION.end))
        & (target <= pd.Timestamp(SELECTION.end))
        & backtest["actual"].notna()
    )
    return backtest[keep]


def variant_scores(backtest: pd.DataFrame, days: dict[str, int]) -> pd.DataFrame:
    """Per horizon: ensemble pinball, gain on the better RW and interval, coverage overall and
    by year (lowest, highest), band width relative to its weighted members'."""
    scored = with_losses(backtest)
    scored["width"] = scored["p90"] - scored["p10"]
    rows = []
    for horizon, horizon_days in sorted(days.items(), key=lambda kv: kv[1]):
        part = scored[scored["horizon"] == horizon]
        gains = gain_table(part, horizon_days)
        overall = gains.iloc[-1]
        years = gains[gains["year"].astype(str).str.fullmatch(r"\d{4}")]
        worst = years.loc[years["gain"].idxmax()]
        ensemble = part[part["member"] == "ensemble"]
        yearly = ensemble.groupby("year")["inside"].mean()
        yearly_miss = (yearly - 0.8).abs().mean()
        models = part[part["l2_weight"].notna() & ~part["member"].isin(YARDSTICKS)]
        best = str(models.groupby("member")["loss"].mean().idxmin())
        versus_best = gain_table(part, horizon_days, references=(best,)).iloc[-1]
        pool = part[part["l2_weight"].fillna(0) > 0]
        member_width = (pool["width"] * pool["l2_weight"]).groupby(pool["as_of_date"]).sum()
        rows.append(
            {
                "horizon": horizon,
                "pinball": overall["pinball"],
                "gain": overall["gain"],
                "low": overall["low"],
                "high": overall["high"],
                "label": overall["label"],
                "worst_year": worst["year"],
                "worst_gain": worst["gain"],
                "best_member": best,
                "vs_best": versus_best["gain"],
                "vs_best_low": versus_best["low"],
                "vs_best_high": versus_best["high"],
                "cover80": ensemble["inside"].mean(),
                "cover_low": yearly.min(),
                "yearly_miss": yearly_miss,
                "cover_high": yearly.max(),
                "width_ratio": ensemble.set_index("as_of_date")["width"].mean()
                / member_width.mean(),
            }
        )
    return pd.DataFrame(rows)


def format_scores(scores: pd.DataFrame) -> pd.DataFrame:
    """A variant's scores as printed."""
    return pd.DataFrame(
        {
            "horizon": scores["horizon"],
            "pinball c/lb": scores["pinball"].map("{:.3f}".format),
            "gain": scores["gain"].map("{:+.1%}".format),
            "95 % interval": [
                "" if np.isnan(lo) else f"[{lo:+.1%}, {hi:+.1%}]"
                for lo, hi in zip(scores["low"], scores["high"], strict=True)
            ],
            "": scores["label"],
            "worst year": [
                f"{y} {g:+.1%}"
                for y, g in zip(scores["worst_year"], scores["worst_gain"], strict=True)
            ],
            "best model member (after the fact)": scores["best_member"],
            "vs it": [
                f"{g:+.1%}" + ("" if np.isnan(lo) else f" [{lo:+.1%}, {hi:+.1%}]")
                for g, lo, hi in zip(
                    scores["vs_best"], scores["vs_best_low"], scores["vs_best_high"], strict=True
                )
            ],
            "cover80 [years]": [
                f"{c:.0%} [{lo:.0%}, {hi:.0%}]"
                for c, lo, hi in zip(
                    scores["cover80"], scores["cover_low"], scores["cover_high"], strict=True
                )
            ],
            "width": scores["width_ratio"].map("{:.2f}".format),
        }
    )


def choose(scores: dict[str, pd.DataFrame]) -> str:
    """The rule of the module docstring: calibrated at every horizon (if none is, all count),
    the lowest mean gain give or take EQUIVALENT_GAIN, then the steadiest yearly coverage."""
    low, high = COVERAGE_RANGE
    calibrated = [
        name for name, s in scores.items() if s["cover80"].between(low, high).all()
    ] or list(scores)
    best = min(scores[name]["gain"].mean() for name in calibrated)
    accurate = [n for n in calibrated if scores[n]["gain"].mean() <= best + EQUIVALENT_GAIN]
    return min(accurate, key=lambda name: scores[name]["yearly_miss"].mean())


def calibration_scores(backtest: pd.DataFrame, inputs: Inputs, profile: Profile) -> pd.DataFrame:
    """Per calibration variant and horizon, on the selection period: the largest distance of a
    quantile's hit rate from its level, whether every quantile is within its target, and the
    seven-quantile pinball relative to the better random walk's."""
    rows = []
    for calibration in CALIBRATIONS:
        variant = dataclasses.replace(profile, distribution_calibration=calibration)
        distribution = selection_rows(
            backtest_distribution(backtest, inputs.targets, inputs.core, variant)
        )
        hits = hit_rates(distribution, inputs.days)
        losses = seven_quantile_losses(distribution, selection_rows(backtest))
        for horizon, _ in sorted(inputs.days.items(), key=lambda kv: kv[1]):
            held, scored = hits[hits["horizon"] == horizon], losses[losses["horizon"] == horizon]
            walk = min(scored[m].mean() for m in YARDSTICKS if m in scored)
            rows.append(
                {
                    "calibration": calibration,
                    "horizon": horizon,
                    "worst miss": float((held["hit_rate"] - held["quantile"]).abs().max()),
                    "within target": bool(held["within"].all()),
                    "pinball / better RW": float(scored["distribution"].mean() / walk),
                }
            )
    table = pd.DataFrame(rows)
    return table


def choose_calibration(scores: pd.DataFrame) -> str:
    """The variant within target at the most horizons, ties to the lowest mean pinball ratio."""
    summary = scores.groupby("calibration").agg(
        within=("within target", "sum"), ratio=("pinball / better RW", "mean")
    )
    return str(summary.sort_values(["within", "ratio"], ascending=[False, True]).index[0])


def leave_one_bucket_out(
    inputs: Inputs, profile: Profile, everything: pd.DataFrame
) -> pd.DataFrame:
    """Per bucket and horizon: the ensemble's selection-period pinball with all buckets
    relative to without the bucket (below 0: the bucket helped), with the interval.
    `everything`: the profile's backtest with all buckets (`assembled`), computed once."""
    plan = WalkForwardPlan(profile, *WALK_FORWARD)
    everything = with_losses(everything)
    rows = []
    for bucket in sorted(inputs.l0["bucket"].unique()):
        l0 = inputs.l0[inputs.l0["bucket"] != bucket]
        meta = meta_predictions(l0, inputs.targets, inputs.core, plan)
        without = with_losses(assembled(inputs, profile, meta))
        for horizon, horizon_days in sorted(inputs.days.items(), key=lambda kv: kv[1]):
            pair = paired_ensembles(everything, without, horizon)
            gain = gain_table(pair, horizon_days, references=("without",)).iloc[-1]
            rows.append(
                {
                    "bucket left out": bucket,
                    "horizon": horizon,
                    "pinball without": f"{gain['yardstick_pinball']:.3f}",
                    "pinball with all": f"{gain['pinball']:.3f}",
                    "with vs without": f"{gain['gain']:+.1%}",
                    "95 % interval": ""
                    if np.isnan(gain["low"])
                    else f"[{gain['low']:+.1%}, {gain['high']:+.1%}]",
                    "": gain["label"],
                }
            )
    return pd.DataFrame(rows)


def paired_ensembles(everything: pd.DataFrame, without: pd.DataFrame, horizon: str) -> pd.DataFrame:
    """The two ensembles at one horizon as members `ensemble` (all buckets) and `without`."""
    mine = everything[(everything["member"] == "ensemble") & (everything["horizon"] == horizon)]
    theirs = without[(without["member"] == "ensemble") & (without["horizon"] == horizon)]
    return pd.concat([mine, theirs.assign(member="without")], ignore_index=True)
