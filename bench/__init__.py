"""Benchmarks for Lookfor, run by `make bench`; results go to BENCHMARKS.md."""
