"""The Databento source's names, settings and raw tables (futures bars, option bars, every
contract of a futures parent)."""

from __future__ import annotations

import duckdb

from common.errors import ExtractorError
from extractors.declaration import Column, Table

SOURCE = "databento"
COMMAND = "databento"
DATASET = "GLBX.MDP3"
API_KEY_VARIABLE = "DATABENTO_API_KEY"
# Most a daily update may spend, in US dollars (default 1.0).
MAX_COST_VARIABLE = "CBI_DATABENTO_MAX_COST"
# Base URL of the historical API; tests point it at a local server. Must be https.
GATEWAY_VARIABLE = "DATABENTO_GATEWAY"

MANIFEST = "manifest.json"
_PRICE_COLUMNS = ("open", "high", "low", "close")


def _bar_columns(timestamp: str) -> tuple[Column, ...]:
    """The OHLCV columns of a bar table; `timestamp` describes ts_event."""
    return (
        Column("ts_event", "timestamptz", timestamp, nullable=False),
        Column(
            "instrument_id",
            "bigint",
            "Databento instrument id of the contract the bar belongs to.",
            nullable=False,
        ),
    )


_PRICE_DOC = "price in exchange units (cents per pound for ZL)."
_OHLCV = (
    *(Column(c, "double", f"{c.capitalize()} {_PRICE_DOC}", min_value=0) for c in _PRICE_COLUMNS),
    Column("volume", "bigint", "Contracts traded in the bar.", min_value=0),
)


def _futures_table(schema: str, description: str) -> Table:
    bar = "hourly" if schema == "ohlcv-1h" else "daily"
    return Table(
        name=f"databento_futures_{schema.replace('-', '_')}",
        description=description,
        columns=(
            Column(
                "symbol",
                "varchar",
                "Continuous symbol as requested, e.g. ZL.v.0 (front month by volume).",
                nullable=False,
            ),
            *_bar_columns(f"Bar open ({bar} bar), UTC."),
            Column("publisher_id", "integer", "Databento publisher (venue and dataset) id."),
            *_OHLCV,
        ),
        key=KEY,
        freshness_checked=schema == "ohlcv-1h",
    )


KEY = ("symbol", "ts_event")
FUTURES_1H = _futures_table(
    "ohlcv-1h",
    "One row per continuous symbol (e.g. ZL.v.0) and hourly bar open (ts_event, UTC). "
    "Freshness is measured on ts_event: the newest bar, not the newest load.",
)
FUTURES_1D = _futures_table(
    "ohlcv-1d",
    "One row per continuous symbol and daily bar (Databento's own UTC-day bars; same columns "
    "as the hourly table). The offline snapshot carries hourly bars only (empty offline), and "
    "the session bars are built from hourly bars. Freshness is not checked (nothing "
    "downstream depends on it).",
)
OPTIONS_1D = Table(
    name="databento_options_ohlcv_1d",
    description=(
        "One row per ZL option instrument and daily bar, with definition fields (strike, "
        "expiry, call/put). Empty offline: declared for lineage only; no required model "
        "depends on it, and freshness is not checked."
    ),
    columns=(
        Column(
            "symbol", "varchar", "The option's raw symbol (from its definition).", nullable=False
        ),
        Column("parent", "varchar", "Parent symbol requested, e.g. ZL.OPT.", nullable=False),
        *_bar_columns("Bar open (daily bar), UTC."),
        *_OHLCV,
        Column("underlying", "varchar", "Underlying futures contract."),
        Column("instrument_class", "varchar", "C (call) or P (put)."),
        Column("strike_price", "double", "Strike in exchange units.", min_value=0),
        Column("expiration", "timestamptz", "Expiry instant, UTC."),
    ),
    key=KEY,
    freshness_checked=False,
)
# Every listed contract of a futures parent (ZL.FUT: outrights and calendar spreads), the
# deferred months a term structure needs, with their definitions (raw symbol, expiration).
CONTRACTS_1D = Table(
    name="databento_futures_contracts_ohlcv_1d",
    description=(
        "One row per futures contract of a parent requested live (e.g. ZL.FUT: every listed "
        "month and calendar spread) and daily bar, with definition fields (raw symbol, "
        "expiry). Empty offline (no real parent pull is bundled): declared for lineage only; "
        "no required model depends on it, and freshness is not checked."
    ),
    columns=(
        Column(
            "symbol", "varchar", "The contract's raw symbol (from its definition).", nullable=False
        ),
        Column("parent", "varchar", "Parent symbol requested, e.g. ZL.FUT.", nullable=False),
        *_bar_columns("Bar open (daily bar), UTC."),
        *_OHLCV,
        Column("underlying", "varchar", "Underlying, as the definition gives it."),
        Column("instrument_class", "varchar", "F (future) or S (calendar spread)."),
        Column("strike_price", "double", "Null for futures (the options' column).", min_value=0),
        Column("expiration", "timestamptz", "Expiry instant, UTC."),
    ),
    key=KEY,
    freshness_checked=False,
)
FUTURES_TABLES = {"ohlcv-1h": FUTURES_1H.qualified, "ohlcv-1d": FUTURES_1D.qualified}
OPTIONS_TABLE = OPTIONS_1D.qualified
CONTRACTS_TABLE = CONTRACTS_1D.qualified
TABLES = (FUTURES_1H, FUTURES_1D, OPTIONS_1D, CONTRACTS_1D)


def parent_table(symbols: list[str]) -> str:
    """The table bars requested by parent symbol land in: every contract of a futures parent
    (`ZL.FUT`) in CONTRACTS_TABLE, options (`ZL.OPT`) in OPTIONS_TABLE; not both at once."""
    futures = {str(symbol).upper().endswith(".FUT") for symbol in symbols}
    if len(futures) > 1:
        raise ExtractorError(
            "databento: pull futures parents (ZL.FUT) and option parents (ZL.OPT) separately"
        )
    return CONTRACTS_TABLE if futures == {True} else OPTIONS_TABLE


def ensure_tables(con: duckdb.DuckDBPyConnection) -> None:
    """Create the raw Databento tables if they do not exist yet."""
    for table in TABLES:
        table.create(con)
