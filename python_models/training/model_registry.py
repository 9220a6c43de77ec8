"""Registry of every fit behind this run's predictions (window, features, seed, artifact)."""

import pandas as pd

from cbi.training.registry import read_records
from cbi.training.tables import with_date_columns


def model(dbt, session):
    dbt.config(materialized="table", schema="training")
    bucket = dbt.ref("bucket_predictions").df()
    members = dbt.ref("member_predictions").df()
    meta = dbt.ref("meta_predictions").df()
    series = dbt.ref("ts_predictions").df()
    fit_ids = pd.concat([bucket["fit_id"], members["fit_id"], meta["fit_id"], series["fit_id"]])
    return with_date_columns(read_records(fit_ids.dropna().tolist()))
