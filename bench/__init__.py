"""Benchmarks for the hub, and the synthetic corpus they are measured on."""
