"""`cbi bench selection`: the rule that picks the L2 variant, and what the selection period
holds, on constructed scores and rows."""

from __future__ import annotations

import pandas as pd
import pytest

from cbi.benchmarks.selection import CHOSEN, VARIANTS, choose, choose_calibration, selection_rows
from cbi.cli import main
from cbi.training.profiles import get_profile


def constructed_scores(
    gains: list[float], cover: list[float], yearly_miss: float = 0.05
) -> pd.DataFrame:
    """constructed_scores: one variant's gain, coverage and yearly coverage miss at two
    horizons."""
    return pd.DataFrame(
        {"horizon": ["1w", "1m"], "gain": gains, "cover80": cover, "yearly_miss": yearly_miss}
    )


def test_the_rule_takes_the_lowest_mean_gain_among_calibrated_variants() -> None:
    scores = {
        "sharp but overconfident": constructed_scores([-0.10, -0.20], [0.80, 0.70]),
        "calibrated": constructed_scores([-0.01, -0.05], [0.80, 0.78]),
        "calibrated, worse": constructed_scores([0.00, -0.02], [0.82, 0.80]),
    }
    assert choose(scores) == "calibrated"


def test_equally_accurate_variants_are_told_apart_by_steadier_yearly_coverage() -> None:
    scores = {
        "best by a hair": constructed_scores([-0.020, -0.040], [0.80, 0.80], yearly_miss=0.10),
        "steadier": constructed_scores([-0.018, -0.040], [0.80, 0.80], yearly_miss=0.04),
        "steadiest but worse": constructed_scores([0.0, -0.01], [0.80, 0.80], yearly_miss=0.01),
    }
    assert choose(scores) == "steadier"


def test_the_rule_falls_back_to_the_lowest_mean_gain_when_none_is_calibrated() -> None:
    scores = {
        "a": constructed_scores([-0.01, -0.01], [0.90, 0.90]),
        "b": constructed_scores([-0.03, -0.01], [0.70, 0.95]),
    }
    assert choose(scores) == "b"


def test_the_selection_period_holds_no_outcome_after_2019() -> None:
    # constructed rows: as-of dates across the 2019/2020 boundary, 1m targets
    as_of = pd.bdate_range("2019-11-01", "2020-02-28")
    rows = pd.DataFrame(
        {
            "as_of_date": as_of,
            "target_date": as_of + pd.offsets.BDay(21),
            "actual": 50.0,
        }
    )
    kept = selection_rows(rows)
    assert kept["target_date"].max() <= pd.Timestamp("2019-12-31")
    assert kept["as_of_date"].min() == pd.Timestamp("2019-11-01")
    assert len(kept) < len(rows[rows["as_of_date"] <= "2019-12-31"])


def test_a_database_without_the_2015_walk_forward_is_refused_in_one_line(
    built_db, capsys: pytest.CaptureFixture[str]
) -> None:
    # GIVEN the session database (fast profile: walk-forward from 2022), WHEN the selection
    # benchmark runs on it, THEN it says which run makes the database it needs
    assert main(["--db", str(built_db[0]), "bench", "selection"]) == 1
    error = capsys.readouterr().err.strip()
    assert "starts its walk-forward after 2015-01-01" in error and "make bench-forecast" in error
    assert len(error.splitlines()) == 1


@pytest.mark.parametrize("profile", ["fast", "full"])
def test_the_profiles_run_the_settings_the_selection_chose(profile: str) -> None:
    chosen = get_profile(profile)
    assert {name: getattr(chosen, name) for name in CHOSEN} == CHOSEN
    assert CHOSEN in VARIANTS.values()


def constructed_calibration(rows: list[tuple[str, str, bool, float]]) -> pd.DataFrame:
    """constructed_calibration: per variant and horizon, within target and pinball ratio."""
    return pd.DataFrame(
        rows, columns=["calibration", "horizon", "within target", "pinball / better RW"]
    )


def test_the_calibration_within_target_at_most_horizons_wins_over_a_sharper_one() -> None:
    scores = constructed_calibration(
        [
            ("none", "1w", False, 0.95),
            ("none", "1m", False, 0.95),
            ("tails", "1w", True, 0.99),
            ("tails", "1m", False, 0.99),
        ]
    )
    assert choose_calibration(scores) == "tails"


def test_calibrations_within_target_equally_often_are_told_apart_by_pinball() -> None:
    scores = constructed_calibration(
        [
            ("none", "1w", True, 0.97),
            ("all", "1w", True, 0.96),
            ("tails", "1w", False, 0.90),
        ]
    )
    assert choose_calibration(scores) == "all"
