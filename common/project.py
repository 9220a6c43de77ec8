"""The dbt project's declared vars and seeds, read by Python code that needs the same
definitions."""

from __future__ import annotations

import csv
from functools import cache
from typing import Any

import yaml

from common.paths import PROJECT_DIR


@cache
def dbt_var(name: str) -> Any:
    """The default of var `name` as dbt_project.yml declares it (the one place it is set)."""
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    return project["vars"][name]


def market_symbols() -> tuple[str, ...]:
    """THE market symbol list (var `market_symbols`), in its declared order."""
    return tuple(dbt_var("market_symbols"))


def read_seed(name: str) -> list[dict[str, str]]:
    """The rows of dbt seed `seeds/<name>.csv` as text: the one definition dbt and Python share."""
    with (PROJECT_DIR / "seeds" / f"{name}.csv").open(newline="") as handle:
        return [{k: v.strip() for k, v in row.items()} for row in csv.DictReader(handle)]


def horizons() -> dict[str, int]:
    """Trading days of each horizon (1w, 1m, 3m, 6m), shortest first, as seed `horizons`
    defines them."""
    rows = sorted(read_seed("horizons"), key=lambda row: int(row["trading_days"]))
    return {row["horizon"]: int(row["trading_days"]) for row in rows}


def horizon_days(horizon: str) -> int:
    """Trading days of `horizon` (seed `horizons`)."""
    return horizons()[horizon]
