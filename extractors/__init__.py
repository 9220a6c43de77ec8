"""Extractors: fetch or import one source, parse it, land its rows idempotently in raw.*.

SOURCES lists the extractor modules; `cbi ingest` offers one subcommand per module, and
`cbi ingest snapshot` imports `data/snapshot/<COMMAND>/` through each module's `import_path`.
Every module defines:

- COMMAND, HELP, DESCRIPTION: the subcommand and its help text;
- add_arguments(parser): its flags (a live window, `--from-file PATH` or `--from-dir DIR`);
- ingest(con, args) -> rows: what the subcommand does (import the path given, else pull live);
- import_path(con, path) -> rows: import a file or folder the publisher distributes;
- cut_snapshot(shared, destination) (all but databento, which has its own cutter): copy the
  real files `scripts/make_snapshot.py` bundles, trimmed to what the models use.

and, to take part in `cbi daily`'s live ingest, optionally:

- CREDENTIAL: the environment variable holding its API key (None when it needs none);
- update(con) -> rows: the incremental live pull from the last loaded period to today.
"""

SOURCES = (
    "extractors.databento",
    "extractors.fred",
    "extractors.cftc",
    "extractors.epa_rin",
    "extractors.eia",
    "extractors.usda_export_sales",
    "extractors.wasde",
    "extractors.nopa",
    "extractors.farm_policy_news",
    "extractors.farmdoc_daily",
)
