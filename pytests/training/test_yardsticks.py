"""Random-walk yardsticks use only returns realised by each as-of date."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from cbi.training.members.yardsticks import rw_empirical, rw_vol


@pytest.mark.parametrize("method", [rw_empirical, rw_vol])
def test_yardsticks_ignore_returns_not_yet_realised(method):
    rng = np.random.default_rng(3)
    # constructed_rows: synthetic h=5 returns on business days, EWMA vol known at each close
    rows = pd.DataFrame(
        {
            "trade_date": pd.bdate_range("2015-01-01", periods=900),
            "target_log_return": rng.normal(0, 0.02, 900),
            "sigma_daily": rng.uniform(0.005, 0.015, 900),
        }
    )
    base = method(rows, 5)
    changed = rows.copy()
    changed.loc[700:, "target_log_return"] = 5.0  # outcomes of rows 700+ realise at 705+
    after = method(changed, 5)
    pd.testing.assert_frame_equal(base.iloc[:705], after.iloc[:705])
    assert not base.iloc[705:].equals(after.iloc[705:])
