"""Random-walk yardsticks use only returns realised by each as-of date."""

from __future__ import annotations

import numpy as np
import pandas as pd

from cbi.training.yardsticks import rw_empirical


def test_rw_empirical_ignores_returns_not_yet_realised():
    rng = np.random.default_rng(3)
    # constructed_rows: synthetic h=5 returns on business days
    rows = pd.DataFrame(
        {
            "trade_date": pd.bdate_range("2015-01-01", periods=900),
            "target_log_return": rng.normal(0, 0.02, 900),
        }
    )
    base = rw_empirical(rows, 5)
    changed = rows.copy()
    changed.loc[700:, "target_log_return"] = 5.0  # outcomes of rows 700+ realise at 705+
    after = rw_empirical(changed, 5)
    pd.testing.assert_frame_equal(base.iloc[:705], after.iloc[:705])
    assert not base.iloc[705:].equals(after.iloc[705:])
