"""Work done ahead by forked workers: each item once, whoever does it, with what the worker logged."""

from __future__ import annotations

import logging
import os
import time

import pytest

from cohub.ahead import AHEAD_FROM, WorkAhead, ahead_workers, logged_records, say

KEYS = [f"page-{number:03}" for number in range(120)]
log = logging.getLogger("mkdocs.tests.ahead")


@pytest.mark.parametrize(
    ("items", "cores", "workers"),
    [(AHEAD_FROM, 1, 0), (AHEAD_FROM - 1, 2, 0), (AHEAD_FROM, 2, 1), (5000, 8, 7), (0, 8, 0)],
)
def test_workers_only_for_a_long_loop_and_a_spare_core(items, cores, workers):
    assert ahead_workers(items, cores) == workers


def slow_upper(key: str) -> str:
    time.sleep(0.002)
    return key.upper()


def test_every_item_is_done_once_by_a_worker_or_by_the_loop():
    ahead = WorkAhead(KEYS, slow_upper, workers=1, chunk_size=10)
    done_here: list[str] = []
    results = []
    try:
        for key in KEYS:
            made = ahead.take(key)
            if made is None:
                done_here.append(key)
                made = slow_upper(key)
            results.append(made)
            # A key is given once: asking again means the loop does it.
            assert ahead.take(key) is None
    finally:
        ahead.close()
    assert results == [key.upper() for key in KEYS]
    # The loop starts at the front, the worker at the back.
    assert done_here and done_here == KEYS[: len(done_here)]
    assert ahead.taken == len(KEYS) - len(done_here) > 0


def logs_a_warning(key: str) -> str:
    log.info(f"{key}: before converting, said by the loop itself")
    with logged_records() as records:
        log.warning(f"{key}: %s", "a link that leads nowhere")
    return repr([record.getMessage() for record in records]) if key == "page-119" else key


def test_what_a_worker_logs_comes_back_with_its_result_and_is_said_when_handed_over(caplog):
    caplog.set_level(logging.INFO, logger="mkdocs.tests.ahead")
    ahead = WorkAhead(KEYS, logs_a_warning, workers=1, chunk_size=10)
    try:
        last = ahead.take("page-119")
    finally:
        ahead.close()
    assert last == repr(["page-119: a link that leads nowhere"])
    with logged_records() as records:
        log.warning("page-007: %s", "a link that leads nowhere")
    assert caplog.records == []
    say(records)
    assert [(record.levelname, record.getMessage()) for record in caplog.records] == [
        ("WARNING", "page-007: a link that leads nowhere")
    ]


def dies_at_the_end(key: str) -> str:
    if key == KEYS[-1]:
        os._exit(1)
    return key


def test_a_worker_that_dies_leaves_its_items_to_the_loop():
    ahead = WorkAhead(KEYS, dies_at_the_end, workers=1, chunk_size=10)
    try:
        assert ahead.take(KEYS[-1]) is None
        assert ahead.take(KEYS[-2]) is None
    finally:
        ahead.close()
