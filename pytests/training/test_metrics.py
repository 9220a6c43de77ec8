"""Forecast scores against hand-computed values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cbi.training.metrics import block_bootstrap_gain, pinball, score


def test_pinball_and_scores_match_hand_computation():
    assert pinball(np.array([10.0]), np.array([8.0]), 0.1)[0] == pytest.approx(0.2)
    assert pinball(np.array([10.0]), np.array([12.0]), 0.1)[0] == pytest.approx(1.8)
    # constructed_rows: two forecasts, actual 10 and 14, band 8..12 around P50 10.
    rows = pd.DataFrame(
        {
            "p10": [8.0, 8.0],
            "p50": [10.0, 10.0],
            "p90": [12.0, 12.0],
            "actual": [10.0, 14.0],
            "close": [9.0, 9.0],
        }
    )
    result = score(rows)
    # row 1: (0.2 + 0 + 0.2) / 3; row 2: (0.1 x 6 + 0.5 x 4 + 0.9 x 2) / 3
    assert result["pinball"] == pytest.approx(((0.4 / 3) + (4.4 / 3)) / 2)
    assert result["coverage_80"] == pytest.approx(0.5)
    assert result["mae_p50"] == pytest.approx(2.0)
    assert result["hit_rate"] == pytest.approx(1.0)
    assert result["n"] == 2


def _constructed_losses(n: int = 1000, seed: int = 4) -> np.ndarray:
    """constructed_losses: positive, varying synthetic daily losses (a yardstick's)."""
    return np.random.default_rng(seed).gamma(4.0, 0.5, n)


def test_identical_losses_give_an_interval_around_zero():
    theirs = _constructed_losses()
    gain = block_bootstrap_gain(theirs, theirs.copy(), block=21)
    assert gain.gain == 0.0 and gain.low <= 0.0 <= gain.high
    assert gain.label == "no significant gain"


def test_a_constant_loss_gap_gives_an_interval_excluding_zero():
    theirs = _constructed_losses()
    gain = block_bootstrap_gain(theirs - 0.2, theirs, block=63)
    assert gain.gain == pytest.approx(-0.2 / theirs.mean())
    assert gain.low < gain.gain < gain.high < 0
    assert gain.label == "significant gain"
    assert block_bootstrap_gain(theirs + 0.2, theirs, block=63).label == "significantly worse"


def test_overlapping_outcomes_widen_the_interval_and_the_seed_fixes_it():
    # constructed overlap: each day's loss gap is the mean of the next 63 daily shocks, as an
    # h-day outcome shares h - 1 days with its neighbour; its mean is 0.02 below the yardstick's
    h, n = 63, 2520
    shocks = np.random.default_rng(4).normal(0, 1, n + h)
    gap = np.convolve(shocks, np.ones(h) / h, mode="valid")[:n] - 0.02
    theirs = np.ones(n)
    overlapping = block_bootstrap_gain(theirs + gap, theirs, block=h)
    as_if_iid = block_bootstrap_gain(theirs + gap, theirs, block=1)
    assert overlapping.high - overlapping.low > 3 * (as_if_iid.high - as_if_iid.low)
    assert as_if_iid.label == "significant gain"  # iid would claim the small gain ...
    assert overlapping.label == "no significant gain"  # ... 40 independent outcomes do not
    assert block_bootstrap_gain(theirs + gap, theirs, block=h) == overlapping


def test_fewer_than_ten_blocks_of_rows_give_no_interval():
    # a year of daily 3-month outcomes holds 4 independent ones: no interval, whatever the gap
    theirs = _constructed_losses(252)
    gain = block_bootstrap_gain(theirs - 0.2, theirs, block=63)
    assert np.isnan(gain.low) and np.isnan(gain.high) and gain.label == "too few outcomes"
