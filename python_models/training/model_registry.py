"""Registry of every fit behind this run's predictions (window, features, seed, artifact).

Artifacts of fits that no longer back any prediction are pruned here, after the last fit.
"""

import pandas as pd

from cbi.training.registry import prune_artifacts, read_records
from cbi.training.tables import with_date_columns


def model(dbt, session):
    dbt.config(materialized="table")
    bucket = dbt.ref("bucket_predictions").df()
    members = dbt.ref("member_predictions").df()
    meta = dbt.ref("meta_predictions").df()
    series = dbt.ref("ts_predictions").df()
    fit_ids = pd.concat([bucket["fit_id"], members["fit_id"], meta["fit_id"], series["fit_id"]])
    in_use = set(fit_ids.dropna())
    records = read_records(sorted(in_use))
    prune_artifacts(in_use)
    return with_date_columns(records)
