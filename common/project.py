"""The dbt project's declared vars, read by Python code that needs the same definitions."""

from __future__ import annotations

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
