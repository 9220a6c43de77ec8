"""The shape of the tables the training models hand back to dbt."""

from __future__ import annotations

import pandas as pd

# The keys of every walk-forward prediction row of the members, L1 and L2 (fit_id: None for
# the yardsticks, which fit nothing).
PREDICTION_COLUMNS = (
    "as_of_date",
    "target_date",
    "horizon",
    "member",
    "fold",
    "cutoff",
    "fit_id",
)
DATE_COLUMNS = (
    "as_of_date",
    "target_date",
    "cutoff",
    "train_start",
    "train_end",
    "train_target_end",
)


def with_date_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """Cast the date columns a table has to calendar dates, so DuckDB stores them as DATE.

    pandas carries dates as timestamps (or strings, in the registry); a trade date has no time of
    day, and comparing it with the DATE columns of the marts must not depend on a cast.
    """
    out = frame.copy()
    for column in DATE_COLUMNS:
        if column in out.columns:
            out[column] = pd.to_datetime(out[column]).dt.date
    return out
