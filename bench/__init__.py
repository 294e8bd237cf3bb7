"""Benchmarks for cohub, and the synthetic corpus they run on."""
