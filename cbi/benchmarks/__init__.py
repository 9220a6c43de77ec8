"""Benchmarks: each module has `run(db, source_dir) -> int` and prints a table."""
