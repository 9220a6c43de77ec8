"""The driver buckets as seed `buckets` lists them, their feature marts, and which train.

Seed `buckets` is the one list of buckets (names and `bucket_order`); each bucket's features
live in mart `feat_<bucket>_daily`. A dbt Python model must name each mart it reads in a
literal `dbt.ref("...")` (dbt finds a Python model's dependencies by reading those calls), so
the models that read every bucket (`bucket_predictions`, `member_predictions`) ref the marts in
seed order and hand them to `bucket_frames`; `pytests/training/test_buckets.py` fails when
those refs and the seed disagree.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

import pandas as pd

from common.errors import UserError
from common.project import read_seed

log = logging.getLogger(__name__)


class Relation(Protocol):
    """What `dbt.ref` gives a Python model (a DuckDB relation): a table to read as a frame."""

    def df(self) -> pd.DataFrame: ...


def bucket_names() -> list[str]:
    """The buckets of seed `buckets`, in `bucket_order`."""
    rows = sorted(read_seed("buckets"), key=lambda row: int(row["bucket_order"]))
    return [row["bucket"] for row in rows]


def bucket_mart(bucket: str) -> str:
    """The feature mart of `bucket`."""
    return f"feat_{bucket}_daily"


def bucket_frames(marts: Sequence[Relation]) -> dict[str, pd.DataFrame]:
    """{bucket: its mart as a frame} from a model's refs of every bucket mart in seed order."""
    names = bucket_names()
    if len(marts) != len(names):
        raise UserError(
            f"{len(marts)} bucket marts given for the {len(names)} buckets of seed buckets "
            f"({', '.join(bucket_mart(b) for b in names)}); ref each one in seed order"
        )
    return {bucket: mart.df() for bucket, mart in zip(names, marts, strict=True)}


def covered_buckets(coverage: pd.DataFrame, available: list[str]) -> list[str]:
    """Buckets to train: `bucket_trained` in `marts.bucket_coverage` (its required sources are
    fresh; a `partial` bucket trains on its fresh features) and present as a mart; logs the
    rest."""
    flags = coverage.groupby("bucket")["bucket_trained"].all()
    chosen = sorted(b for b in available if bool(flags.get(b, False)))
    for bucket in sorted(set(available) | set(flags.index)):
        if bucket not in chosen:
            log.info("bucket %s: not trained (required source stale or no mart), skipped", bucket)
    return chosen
