"""Benchmarks (run by hand; results under docs/)."""
