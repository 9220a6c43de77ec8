"""What the CLI (`cbi`) and the extractors share: paths, errors, database opening, validation.

Nothing here imports `cbi` or `extractors`; both import from here.
"""
