"""`cbi backtest`: walk-forward predictions for a window, through the same dbt models."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from cbi.dbt import require_success, run_dbt
from cbi.training.profiles import PROFILES
from common.errors import UserError
from common.validate import date_window

log = logging.getLogger(__name__)


def run_backtest(db_path: Path, start: str, end: str, profile: str = "fast") -> int:
    """Rebuild the training and forecast models for as-of dates in [start, end].

    Every model refits at the profile's cadence on targets known by each cutoff, exactly as in
    `cbi build`; the window only moves the first and last predicted as-of date. The live
    forecast (forecasts.zl_predictions and the buy-or-wait decisions built on it) is left as
    the last `cbi build` made it. The window is checked before anything runs, and a failed run
    leaves every table as it was.
    """
    first, last = date_window(start, end, end_exclusive=False)
    if profile not in PROFILES:
        raise UserError(f"--profile {profile!r} is not one of {', '.join(PROFILES)}")
    variables = json.dumps(
        {"profile": profile, "backtest_start": str(first), "backtest_end": str(last)}
    )
    log.info("backtest %s..%s, profile %s, into %s", first, last, profile, db_path)
    code = run_dbt(
        db_path,
        [
            "build",
            "--select",
            "path:python_models",
            "--exclude",
            "zl_predictions+",
            "--vars",
            variables,
        ],
    )
    require_success(code, "cbi backtest")
    return code
