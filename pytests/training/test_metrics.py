"""Forecast scores against hand-computed values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cbi.training.metrics import pinball, score


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
