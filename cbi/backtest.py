"""`cbi backtest`: walk-forward predictions for a window, through the same dbt models."""

from __future__ import annotations

import json
import logging
from pathlib import Path

from cbi.dbt import run_dbt

log = logging.getLogger(__name__)


def run_backtest(db_path: Path, start: str, end: str, profile: str = "fast") -> int:
    """Rebuild the training and forecast models for as-of dates in [start, end].

    Every model refits at the profile's cadence on targets known by each cutoff, exactly as in
    `cbi build`; the window only moves the first and last predicted as-of date. The live
    forecast table (forecasts.zl_predictions) is left as the last `cbi build` made it.
    """
    variables = json.dumps({"profile": profile, "backtest_start": start, "backtest_end": end})
    log.info("backtest %s..%s, profile %s, into %s", start, end, profile, db_path)
    code = run_dbt(
        db_path,
        [
            "build",
            "--select",
            "path:python_models",
            "--exclude",
            "zl_predictions",
            "--vars",
            variables,
        ],
    )
    if code != 0:
        raise SystemExit(f"cbi backtest: dbt failed with exit code {code}; see logs/dbt.log")
    return code
