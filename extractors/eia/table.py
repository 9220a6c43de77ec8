"""The EIA source's name and its raw table, raw.eia_weekly_prices."""

from __future__ import annotations

from extractors.declaration import Column, Table

SOURCE = "eia"
COMMAND = "eia"

WEEKLY_PRICES = Table(
    name="eia_weekly_prices",
    description=(
        "One row per series (EIA Sourcekey, e.g. EMD_EPD2D_PTE_NUS_DPG = U.S. No 2 diesel "
        "retail price) and week (the Monday the prices were collected); retail prices "
        "including taxes, US dollars per gallon."
    ),
    columns=(
        Column(
            "series_id",
            "varchar",
            "EIA series id (Sourcekey), retail price series only (EMM_/EMD_ ..._PTE_).",
            nullable=False,
        ),
        Column("period_date", "date", "Monday the prices were collected.", nullable=False),
        Column(
            "value",
            "double",
            "Price, in units.",
            nullable=False,
            min_value=0.5,
            max_value=10,
        ),
        Column(
            "units",
            "varchar",
            "$/GAL (the extractor refuses series in other units).",
            nullable=False,
        ),
        Column(
            "available_at", "timestamptz", "{{ doc('eia_weekly_available_at') }}", nullable=False
        ),
    ),
    key=("series_id", "period_date"),
    period_column="period_date",
    published_column="available_at",
)
TABLE = WEEKLY_PRICES.qualified
KEY = WEEKLY_PRICES.key
