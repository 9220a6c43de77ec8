"""Training profiles: how often to refit, over which window, and with which models.

`fast` is the default for `make run` and tests: yearly refits from 2022 with LightGBM only, so
the whole `dbt build` takes about 6-7 minutes on two cores (4 refits x 7 buckets x 4 horizons
L0 fits of 2-5 s, plus baselines and the time-series member). Starting in 2022 rather than in
the last year gives the L2 weights and the conformal bands two years of known outcomes before
the latest forecast; with one year the ensemble had no evidence to weight on and its bands
were uncalibrated. `full` is the 2015-2024 walk-forward behind the benchmark record: yearly
refits from 2015 (ten years, so choices are made on 2015-2019 and reported on 2020-2024), the
same L0 learners, plus CatBoost and XGBoost baselines, Theta, and Chronos when its weights are
on disk; it must finish end to end within 60 minutes on two cores (`make bench-forecast`).
Quarterly refits and AutoGluon CatBoost in L0 were tried and dropped: they took hours.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from cbi.training.splitter import Fold, make_folds


@dataclass(frozen=True)
class Profile:
    """One training profile. Dates are ISO strings; cadence is a pandas offset alias."""

    name: str
    # First as-of date predicted by the refitted models, and the refit cadence after it (with
    # dbt var refit `when_due`, what `cbi daily` runs, the only refits; see make_folds).
    walk_forward_start: str
    cadence: str
    # AutoGluon TabularPredictor settings for the L0 bucket specialists. Their boosting rounds
    # bound each fit (no time limit, so a fit does not depend on how busy the machine is).
    l0_hyperparameters: dict[str, Any]
    # Direct-library baselines on all features.
    baselines: tuple[str, ...]
    baseline_rounds: int
    # AutoGluon TimeSeriesPredictor member: explicit local model list.
    ts_models: dict[str, Any] = field(default_factory=dict)
    ts_time_limit_s: int = 60
    # Optional foundation models, used only when their weights are on disk.
    foundation_models: tuple[str, ...] = ()
    # Trailing realised predictions used to weight (L2) and calibrate members: at least
    # weight_window rows and at least independent_outcomes non-overlapping h-day outcomes
    # (see `cbi.training.evidence.evidence_window`).
    weight_window: int = 252
    min_history: int = 40
    independent_outcomes: int = 20
    # L1: volatility regimes, each with its own bucket weights (cbi.training.meta; 1: one
    # set of weights for every day). Re-tried on 2015-2019 by `cbi bench selection`.
    l1_regimes: int = 2
    # How L2 turns members into the ensemble. The defaults were chosen on the 2015-2019
    # selection period of the full walk-forward, never on 2020-2024 (`cbi bench selection`
    # prints every variant tried; README "How good is it").
    # band_scale: "volatility" divides each past conformity score by the EWMA volatility x
    # sqrt(h) of its as-of date and multiplies the quantile back by today's, so a band learnt
    # in a turbulent year narrows in a calm one; "volatility_floor" the same with the
    # volatility floored at its 3-year median; "none" uses the raw log-return scores.
    band_scale: str = "volatility"
    # calibrate_yardsticks: the random walks enter L2 with conformal bands too; they are
    # published and scored with their own bands either way (they are the benchmark).
    calibrate_yardsticks: bool = True
    # member_weighting: "evidence" (`evidence.evidence_weight`), "equal" (every member with a
    # track record), or "yardsticks" (the random walks alone).
    member_weighting: str = "evidence"
    # yardstick_floor: the random walks' smallest share of L2's weight together (equally
    # split; `ensemble.floored`). Evidence weights can give them none at 6m, which cost
    # +11.4 % against the better random walk in 2019 at 6m; `cbi bench selection` chose 25 %
    # among 0, 25 and 50 % on 2015-2019 (it prints each variant's worst year).
    yardstick_floor: float = 0.25
    # ensemble_band: give the weighted ensemble a last conformal band from its own past errors
    # over ensemble_calibration_window rows (also widened to independent_outcomes x h); without
    # it the ensemble band is the weighted average of its calibrated members' bands.
    ensemble_band: bool = False
    ensemble_calibration_window: int = 756
    # distribution_calibration: which of the seven published quantiles are calibrated on their
    # own past scores (`cbi.risk.distribution.calibrated_quantiles`): "tails" the 5/10/90/95 %
    # levels, the median left at the ensemble's P50, 25/75 % on the split normal between the
    # calibrated tails and the median; "all" every level; "none" the split normal through the
    # ensemble's P10/P50/P90 only, so the published P10/P50/P90 stay the ensemble's
    # conformal band. "none" is the default because it is what was published before the
    # distribution existed: a per-level calibration replaces it only once it wins on the
    # selection period 2015-2019 (`cbi bench selection`). Run there on 2026-12-02, its rule
    # kept "none" (every variant within target at 1w/1m, none at 3m/6m; "none" the lowest
    # seven-quantile pinball at every horizon).
    # The default was "tails" until the 2022-2024 fast walk-forward (which overlaps the
    # reported period) showed the failures below; "none" is the earlier behaviour, not a
    # variant that won there: "all" put the live 6m median at 34.5 c/lb against a 40.4
    # close and made 1w/1m pinball worse; "tails" collapsed the 6m upper half onto the
    # median on 39 % of as-of dates.
    distribution_calibration: str = "none"


PROFILES: dict[str, Profile] = {
    "fast": Profile(
        name="fast",
        walk_forward_start="2022-01-01",
        cadence="YS",
        l0_hyperparameters={"GBM": {"num_boost_round": 100, "learning_rate": 0.05}},
        baselines=("lightgbm",),
        baseline_rounds=100,
        ts_models={"ETS": {}},
        ts_time_limit_s=30,
    ),
    "full": Profile(
        name="full",
        walk_forward_start="2015-01-01",
        cadence="YS",
        l0_hyperparameters={"GBM": {"num_boost_round": 100, "learning_rate": 0.05}},
        baselines=("lightgbm", "catboost", "xgboost"),
        baseline_rounds=300,
        ts_models={"ETS": {}, "Theta": {}},
        ts_time_limit_s=60,
        foundation_models=("Chronos",),
    ),
}


def get_profile(name: str) -> Profile:
    """The profile called `name`; a clear error names the ones that exist."""
    try:
        return PROFILES[name]
    except KeyError:
        raise ValueError(
            f"unknown training profile {name!r}; use one of {sorted(PROFILES)}"
        ) from None


@dataclass(frozen=True)
class WalkForwardPlan:
    """What a training model walks forward: the profile, the first and last as-of date it
    predicts (end None: the last date in the data) and when it refits (`make_folds`)."""

    profile: Profile
    start: str
    end: str | None = None
    refit: str = "always"

    @classmethod
    def from_configs(
        cls, profile: str, start: str | None, end: str | None, refit: str | None = None
    ) -> WalkForwardPlan:
        """The plan from the training vars as a dbt Python model reads them (`dbt.config.get`
        with literal keys, which dbt needs to pass them); empty means the default."""
        chosen = get_profile(profile)
        return cls(chosen, start or chosen.walk_forward_start, end or None, refit or "always")

    def folds(self, trade_dates: pd.Series | pd.DatetimeIndex) -> list[Fold]:
        """The profile's refit folds over these trade dates in [start, end]."""
        return make_folds(trade_dates, self.start, self.end, self.profile.cadence, self.refit)
