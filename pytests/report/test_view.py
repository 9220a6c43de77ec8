"""The view model is read and scored once; the text and the page only put it in words.

GIVEN the session's built database (conftest `built_db`)
WHEN the view is built, then `cbi forecast`'s text and the report page are drawn from it
THEN the gain table is computed once per horizon while building, and drawing either output
neither opens the database nor computes a gain or a bootstrap interval.
"""

from __future__ import annotations

from pathlib import Path

import pytest

import cbi.record
import cbi.risk.rule
import cbi.risk.view
import cbi.training.metrics
import cbi.view
from cbi.forecast import format_forecast
from cbi.report import render_report
from cbi.view import build_view
from common.project import horizons


def _forbidden(*_: object, **__: object) -> None:
    raise AssertionError("an output recomputed what the view holds")


def test_scores_are_computed_once_and_outputs_only_draw_them(
    built_db: tuple[Path, dict[str, str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[int] = []
    real = cbi.view.gain_table

    def counted(rows, horizon_days, *args):  # type: ignore[no-untyped-def]
        calls.append(horizon_days)
        return real(rows, horizon_days, *args)

    monkeypatch.setattr(cbi.view, "gain_table", counted)
    view = build_view(built_db[0], "forecast")
    assert sorted(calls) == sorted(horizons().values())
    assert [r.horizon for r in view.forecast.rows] == ["1w", "1m", "3m", "6m"]
    # every scored horizon has its overall row with the gain and interval the outputs print
    assert all(view.record.overall(h) is not None for h in view.forecast.horizons)

    for module, name in [
        (cbi.view, "gain_table"),
        (cbi.view, "connect_read_only"),
        (cbi.record, "gain_table"),
        (cbi.record, "block_bootstrap_gain"),
        (cbi.risk.view, "read_risk"),
        (cbi.risk.rule, "block_samples"),
        (cbi.training.metrics, "block_bootstrap_gain"),
    ]:
        monkeypatch.setattr(module, name, _forbidden)
    text = format_forecast(view)
    page = render_report(view)
    assert "Walk-forward backtest" in text and "Guidance from risk" in text
    assert 'id="record"' in page and 'id="risk-guidance"' in page
