"""DBN payloads for the Databento extractor tests: the real slice and constructed options."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import databento_dbn as dbn
import zstandard

from extractors.snapshot import SymbolInterval, SymbolMapping

FIXTURES = Path(__file__).parent / "fixtures"
REAL_SLICE = FIXTURES / "real_zl_zs_20240619-20240628.ohlcv-1h.dbn.zst"
REAL_SLICE_ROWS = 266

DAY_NS = 86_400_000_000_000
# Constructed option universe (no real options sample exists): two ZL options on the
# August 2024 future, a call and a put at 45 cents/lb, over two sessions.
OPTION_START = dt.date(2024, 6, 24)
OPTIONS = [
    # instrument_id, raw symbol, class, strike (cents/lb)
    (900001, "OZLQ4 C4500", dbn.InstrumentClass.CALL, 45.0),
    (900002, "OZLQ4 P4500", dbn.InstrumentClass.PUT, 45.0),
]
OPTION_EXPIRATION = dt.datetime(2024, 7, 26, 18, 15, tzinfo=dt.UTC)


def _ns(moment: dt.date | dt.datetime) -> int:
    if not isinstance(moment, dt.datetime):
        moment = dt.datetime(moment.year, moment.month, moment.day, tzinfo=dt.UTC)
    return int(moment.timestamp()) * 1_000_000_000


def encode_dbn(
    schema: dbn.Schema,
    records: list[bytes],
    days: int = 2,
    parent: str = "ZL.OPT",
    instruments: tuple[int, ...] = tuple(option[0] for option in OPTIONS),
) -> bytes:
    """A zstd DBN payload for a parent symbol (constructed: records encoded in the test)."""
    end = OPTION_START + dt.timedelta(days=days)
    metadata = dbn.Metadata(
        dataset="GLBX.MDP3",
        start=_ns(OPTION_START),
        end=_ns(end),
        stype_in=dbn.SType.PARENT,
        stype_out=dbn.SType.INSTRUMENT_ID,
        schema=schema,
        symbols=[parent],
        mappings=[
            SymbolMapping(
                parent,
                [SymbolInterval(OPTION_START, end, str(instrument)) for instrument in instruments],
            )
        ],
    )
    return zstandard.ZstdCompressor().compress(metadata.encode() + b"".join(records))


def constructed_definitions() -> bytes:
    """Definition records of the constructed options, one per option per session."""
    records = []
    for day in range(2):
        ts = _ns(OPTION_START) + day * DAY_NS
        for instrument, symbol, klass, strike in OPTIONS:
            record = dbn.InstrumentDefMsg(
                publisher_id=1,
                instrument_id=instrument,
                ts_event=ts,
                ts_recv=ts,
                min_price_increment=5_000_000,
                display_factor=1_000_000_000,
                raw_symbol=symbol,
                asset="OZL",
                security_type="OOF",
                instrument_class=klass,
                security_update_action=dbn.SecurityUpdateAction.ADD,
                expiration=_ns(OPTION_EXPIRATION),
                strike_price=int(strike * 1e9),
                underlying="ZLQ4",
            )
            records.append(bytes(record))
    return encode_dbn(dbn.Schema.DEFINITION, records)


def constructed_option_bars() -> bytes:
    """Daily option bars (ohlcv-1d) of the constructed options, two sessions."""
    records = []
    for day in range(2):
        ts = _ns(OPTION_START) + day * DAY_NS
        for instrument, _, klass, _ in OPTIONS:
            premium = 1.25 if klass == dbn.InstrumentClass.CALL else 0.9
            price = int((premium + 0.05 * day) * 1e9)
            record = dbn.OHLCVMsg(
                rtype=dbn.RType.OHLCV_1D,
                publisher_id=1,
                instrument_id=instrument,
                ts_event=ts,
                open=price,
                high=price + 50_000_000,
                low=price - 50_000_000,
                close=price,
                volume=10 + day,
            )
            records.append(bytes(record))
    return encode_dbn(dbn.Schema.OHLCV_1D, records)


# Constructed futures universe for a parent pull of ZL.FUT (no real per-contract sample may be
# bundled): the July and December 2024 ZL contracts over the same two sessions.
FUTURES = [
    # instrument_id, raw symbol, expiration, close (cents/lb)
    (910001, "ZLN4", dt.datetime(2024, 7, 12, 17, 20, tzinfo=dt.UTC), 44.0),
    (910002, "ZLZ4", dt.datetime(2024, 12, 13, 18, 20, tzinfo=dt.UTC), 44.5),
]


def constructed_future_definitions() -> bytes:
    """Definition records of the constructed ZL contracts, one per contract per session."""
    records = []
    for day in range(2):
        ts = _ns(OPTION_START) + day * DAY_NS
        for instrument, symbol, expiration, _ in FUTURES:
            record = dbn.InstrumentDefMsg(
                publisher_id=1,
                instrument_id=instrument,
                ts_event=ts,
                ts_recv=ts,
                min_price_increment=10_000_000,
                display_factor=1_000_000_000,
                raw_symbol=symbol,
                asset="ZL",
                security_type="FUT",
                instrument_class=dbn.InstrumentClass.FUTURE,
                security_update_action=dbn.SecurityUpdateAction.ADD,
                expiration=_ns(expiration),
            )
            records.append(bytes(record))
    ids = tuple(future[0] for future in FUTURES)
    return encode_dbn(dbn.Schema.DEFINITION, records, parent="ZL.FUT", instruments=ids)


def constructed_future_bars() -> bytes:
    """Daily bars (ohlcv-1d) of the constructed ZL contracts, two sessions."""
    records = []
    for day in range(2):
        ts = _ns(OPTION_START) + day * DAY_NS
        for instrument, _, _, close in FUTURES:
            price = int((close + 0.1 * day) * 1e9)
            record = dbn.OHLCVMsg(
                rtype=dbn.RType.OHLCV_1D,
                publisher_id=1,
                instrument_id=instrument,
                ts_event=ts,
                open=price,
                high=price + 100_000_000,
                low=price - 100_000_000,
                close=price,
                volume=1000 + day,
            )
            records.append(bytes(record))
    ids = tuple(future[0] for future in FUTURES)
    return encode_dbn(dbn.Schema.OHLCV_1D, records, parent="ZL.FUT", instruments=ids)
