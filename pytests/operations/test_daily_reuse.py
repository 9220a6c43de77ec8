"""`cbi daily` on a built database predicts with the fits it has: nothing is refitted.

GIVEN a copy of the session's built database (`built_db`: snapshot + `cbi build`, refit
`always`, whose last fold was refitted on the day before the last date) and its artifacts,
WHEN `cbi daily --no-ingest` runs (refit `when_due`: cutoffs at the yearly boundaries only),
THEN every fit behind its tables is one the build saved, loaded rather than refitted, and the
forecast for the last as-of date is made anew by the last boundary's fit, which had never
predicted that date (as it would for a new trading day).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from cbi.alerts import SLACK_VARIABLE, SMTP_HOST_VARIABLE
from cbi.benchmarks import run_cbi


def test_daily_refits_nothing_and_forecasts_the_last_day_with_saved_fits(
    built_db: tuple[Path, dict[str, str]], tmp_path: Path
) -> None:
    db, env = built_db
    artifacts = Path(env.get("CBI_ARTIFACTS") or db.parent / "artifacts" / db.stem)
    copy = tmp_path / db.name
    shutil.copy2(db, copy)
    shutil.copytree(artifacts, tmp_path / "artifacts")
    with duckdb.connect(str(copy), read_only=True) as con:
        built = dict(
            con.execute("select fit_id, fitted_at from training.model_registry").fetchall()
        )
        last_day, built_cutoff = con.execute(
            "select max(as_of_date), max(cutoff) from training.bucket_predictions"
        ).fetchone()
    daily_env = {
        **{k: v for k, v in env.items() if k not in {SLACK_VARIABLE, SMTP_HOST_VARIABLE}},
        "CBI_ARTIFACTS": str(tmp_path / "artifacts"),
        "DBT_TARGET_PATH": str(tmp_path / "target"),
        "DBT_LOG_PATH": str(tmp_path / "logs"),
    }

    done = run_cbi(copy, ["daily", "--no-ingest"], daily_env)

    assert done.returncode == 0, done.stdout[-5000:] + done.stderr[-2000:]
    assert f"forecast as of {last_day}" in done.stdout
    with duckdb.connect(str(copy), read_only=True) as con:
        registry = con.execute(
            "select fit_id, fitted_at, reused, cutoff from training.model_registry"
        ).fetchall()
        forecast = con.execute(
            "select distinct as_of_date from forecasts.zl_predictions"
        ).fetchall()
        made_by = con.execute(
            "select distinct cutoff from training.bucket_predictions where as_of_date = ?",
            [last_day],
        ).fetchall()
    # nothing refitted: every fit was saved by the build, kept its fit time, and was loaded
    assert registry and all(reused for _, _, reused, _ in registry)
    assert all(built.get(fit_id) == fitted_at for fit_id, fitted_at, _, _ in registry)
    # the last-day forecast comes from the yearly boundary's fit, not the build's extra refit
    boundary = max(cutoff for *_, cutoff in registry)
    assert boundary < built_cutoff < last_day
    assert forecast == [(last_day,)] and made_by == [(boundary,)]
