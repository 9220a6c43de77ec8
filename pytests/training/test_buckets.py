"""Seed `buckets` is the one bucket list: the Python models' literal refs of the bucket marts
must name exactly its marts, in its order, since `bucket_frames` pairs them by position."""

from __future__ import annotations

import ast

import pandas as pd
import pytest

from cbi.training.buckets import bucket_frames, bucket_mart, bucket_names
from common.errors import UserError
from common.paths import PROJECT_DIR
from common.project import read_seed

PYTHON_MODELS = PROJECT_DIR / "python_models"
CORE_MART = "feat_core_daily"


def mart_refs(source: str) -> list[str]:
    """The feature marts (feat_*_daily but the core block) a model file refs, in file order."""
    calls = [
        node
        for node in ast.walk(ast.parse(source))
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and ast.unparse(node.func) == "dbt.ref"
        and node.args
        and isinstance(node.args[0], ast.Constant)
    ]
    calls.sort(key=lambda node: (node.lineno, node.col_offset))
    names = [str(node.args[0].value) for node in calls]
    return [n for n in names if n.startswith("feat_") and n.endswith("_daily") and n != CORE_MART]


def disagreements(models: dict[str, str]) -> dict[str, list[str]]:
    """Model files whose bucket-mart refs are not the seed's marts in seed order."""
    expected = [bucket_mart(b) for b in bucket_names()]
    refs = {name: mart_refs(source) for name, source in models.items()}
    return {name: found for name, found in refs.items() if found and found != expected}


def model_sources() -> dict[str, str]:
    return {str(p.relative_to(PROJECT_DIR)): p.read_text() for p in PYTHON_MODELS.rglob("*.py")}


def test_bucket_names_follow_the_seed_order() -> None:
    rows = read_seed("buckets")
    assert bucket_names() == [
        r["bucket"] for r in sorted(rows, key=lambda r: int(r["bucket_order"]))
    ]
    assert len(bucket_names()) == 8


def test_every_seed_bucket_has_its_mart() -> None:
    features = PROJECT_DIR / "models" / "marts" / "features"
    missing = [b for b in bucket_names() if not (features / f"{bucket_mart(b)}.sql").exists()]
    assert missing == []


def test_the_models_ref_the_seed_bucket_marts_in_seed_order() -> None:
    sources = model_sources()
    training = {name: source for name, source in sources.items() if "/training/" in name}
    readers = {name for name, source in training.items() if mart_refs(source)}
    assert readers == {
        "python_models/training/bucket_predictions.py",
        "python_models/training/member_predictions.py",
    }
    assert disagreements(training) == {}


def test_other_models_ref_bucket_marts_in_seed_order() -> None:
    # a model that reads only some bucket marts (the driver attribution) keeps the seed's order
    order = [bucket_mart(b) for b in bucket_names()]
    for name, source in model_sources().items():
        found = mart_refs(source)
        assert found == [m for m in order if m in found], name


def test_refs_out_of_seed_order_or_missing_one_are_caught() -> None:
    # GIVEN planted defects: two refs swapped, one ref dropped
    name = "python_models/training/bucket_predictions.py"
    source = model_sources()[name]
    swapped = (
        source.replace('"feat_crush_daily"', '"@"')
        .replace('"feat_china_daily"', '"feat_crush_daily"')
        .replace('"@"', '"feat_china_daily"')
    )
    dropped = source.replace('dbt.ref("feat_fx_daily"),', "")
    # THEN both are reported
    assert set(disagreements({"swapped": swapped, "dropped": dropped})) == {"swapped", "dropped"}


class ConstructedRelation:
    """constructed: stands in for a dbt.ref relation; its frame names the mart it stands for."""

    def __init__(self, name: str) -> None:
        self.name = name

    def df(self) -> pd.DataFrame:
        return pd.DataFrame({"mart": [self.name]})


def test_bucket_frames_names_each_mart_by_its_seed_bucket() -> None:
    frames = bucket_frames([ConstructedRelation(bucket_mart(b)) for b in bucket_names()])
    assert list(frames) == bucket_names()
    assert all(frame["mart"].iloc[0] == bucket_mart(b) for b, frame in frames.items())


def test_bucket_frames_refuses_a_missing_mart_in_one_line() -> None:
    marts = [ConstructedRelation(bucket_mart(b)) for b in bucket_names()[:-1]]
    with pytest.raises(UserError, match="7 bucket marts given for the 8 buckets of seed buckets"):
        bucket_frames(marts)
