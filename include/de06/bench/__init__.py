"""Benchmarks (protocol: ../shared/BENCH.md). Each writes ``bench/results/<name>.json``."""
