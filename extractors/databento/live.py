"""The live historical API: a priced, capped pull of bars (and definitions by parent), each
download checked like an imported file, and the daily update."""

from __future__ import annotations

import datetime as dt
import logging
import os
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar

import databento
import databento_dbn
import duckdb

from common.db import scalar
from common.errors import ExtractorError, MissingCredentialError, UserError, network_errors
from common.project import market_symbols
from common.validate import arguments_of, date_window, non_negative_amount
from extractors.core import recorded_load
from extractors.databento.files import _latest_definitions, definitions_frame, land_store
from extractors.databento.tables import (
    API_KEY_VARIABLE,
    DATASET,
    FUTURES_TABLES,
    GATEWAY_VARIABLE,
    MAX_COST_VARIABLE,
    SOURCE,
    ensure_tables,
    parent_table,
)
from extractors.dbn import BAR_SCHEMAS, read_dbn

log = logging.getLogger(__name__)
T = TypeVar("T")


def pull(
    con: duckdb.DuckDBPyConnection,
    *,
    schema: str,
    symbols: list[str],
    start: str,
    end: str,
    stype_in: str = "continuous",
    max_cost: float | str = 1.0,
    gateway: str | None = None,
) -> int:
    """Pull bars from the live historical API and land them; return the rows written.

    The key comes from DATABENTO_API_KEY and is never logged. The request is priced with
    `metadata.get_cost` first and refused above `max_cost` US dollars. Parent symbols
    (`--stype-in parent`: ZL.OPT, the options; ZL.FUT, every futures contract, the curve) also
    fetch the `definition` records of the window.
    """
    with arguments_of(SOURCE):
        if schema not in BAR_SCHEMAS:
            raise UserError(f"--schema must be one of {', '.join(BAR_SCHEMAS)}")
        date_window(start, end, end_exclusive=True)
        max_cost = non_negative_amount(max_cost, "--max-cost")
        if not symbols:
            raise UserError("--symbols is empty")
    key = os.environ.get(API_KEY_VARIABLE, "").strip()
    if not key:
        raise MissingCredentialError(API_KEY_VARIABLE, SOURCE)
    ensure_tables(con)
    client = databento.Historical(
        key=key,
        gateway=gateway or os.environ.get(GATEWAY_VARIABLE) or databento.HistoricalGateway.BO1,
    )
    options = stype_in == "parent"
    schemas = [schema, "definition"] if options else [schema]
    request = {"dataset": DATASET, "symbols": symbols, "start": start, "end": end}
    window = f"live:{schema}:{start}..{end}"
    target = parent_table(symbols) if options else FUTURES_TABLES[schema]
    with recorded_load(con, SOURCE, target, window) as load:
        cost = sum(
            _call(
                client.metadata.get_cost,
                "price the request",
                **request,
                schema=s,
                stype_in=stype_in,
            )
            for s in schemas
        )
        log.info("databento: %s for %s priced at $%.4f", window, ",".join(symbols), cost)
        if cost > max_cost:
            raise ExtractorError(
                f"databento: {window} for {','.join(symbols)} costs ${cost:.2f}, above "
                f"--max-cost ${max_cost:.2f}; narrow the request or raise --max-cost"
            )
        definitions = None
        with tempfile.TemporaryDirectory(prefix="cbi-databento-") as tmp:
            if options:
                definition_store = _fetch(client, Path(tmp), "definition", request, stype_in)
                definitions = _latest_definitions(definitions_frame(definition_store))
            store = _fetch(client, Path(tmp), schema, request, stype_in)
        load.rows = land_store(con, store, source=window, definitions=definitions)
    return load.rows


def _fetch(
    client: databento.Historical,
    folder: Path,
    schema: str,
    request: Mapping[str, object],
    stype_in: str,
) -> databento.DBNStore:
    """Stream one schema of the request to a file, then read it back through `read_dbn`.

    The download is checked like an imported file, so a response cut mid-stream is an error
    rather than fewer bars.
    """
    path = folder / f"live.{schema}.dbn.zst"
    _call(
        client.timeseries.get_range,
        f"fetch {schema}",
        **request,
        schema=schema,
        stype_in=stype_in,
        path=path,
    )
    return databento.DBNStore.from_bytes(read_dbn(path))


def _call(method: Callable[..., T], step: str, **kwargs: object) -> T:
    """Call the Databento client and turn its HTTP and network errors into one actionable line."""
    try:
        with network_errors(SOURCE, step):
            return method(**kwargs)
    except databento.BentoClientError as exc:
        hint = {
            401: "check DATABENTO_API_KEY",
            403: "the key has no access to this dataset or schema",
            429: "rate limited; wait a minute and retry",
        }.get(exc.http_status, "check the symbols, dates and schema")
        raise ExtractorError(
            f"databento: could not {step}: HTTP {exc.http_status} {exc.message or ''} ({hint})"
        ) from None
    except databento.BentoServerError as exc:
        raise ExtractorError(
            f"databento: could not {step}: server error HTTP {exc.http_status} "
            f"{exc.message or ''}; Databento is failing, retry later"
        ) from None
    except databento.BentoError as exc:
        raise ExtractorError(f"databento: could not {step}: {exc}") from None
    except databento_dbn.DBNError as exc:
        raise ExtractorError(
            f"databento: could not {step}: the response is not readable DBN ({exc}); "
            "it was probably cut off, retry"
        ) from None


def update(con: duckdb.DuckDBPyConnection, today: dt.date | None = None) -> int:
    """The daily pull: hourly bars of the market symbols from the last loaded day to today.

    The last loaded day is pulled again (its late bars may have been missing); re-landing
    unchanged bars changes nothing. Priced first and refused above $CBI_DATABENTO_MAX_COST.
    """
    ensure_tables(con)
    table = FUTURES_TABLES["ohlcv-1h"]
    last = scalar(con, f"select max(ts_event) from {table}")
    if last is None:
        raise ExtractorError(
            f"databento: {table} is empty; load a history first (cbi ingest snapshot, or "
            "cbi ingest databento --from-dir DIR)"
        )
    end = today or dt.datetime.now(dt.UTC).date()
    start = last.astimezone(dt.UTC).date()
    if start >= end:
        return 0
    return pull(
        con,
        schema="ohlcv-1h",
        symbols=list(market_symbols()),
        start=start.isoformat(),
        end=end.isoformat(),
        max_cost=os.environ.get(MAX_COST_VARIABLE, "1.0"),
    )
