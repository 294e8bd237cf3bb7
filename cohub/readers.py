"""Reading many case studies at once, on every core the machine lends us.

A build cannot start on its pages until every case study has been read and
checked, and MkDocs itself only ever uses one core. So a large hub is read
by several processes: this one reads the first share of the files, forked
workers read the rest in chunks, and the results come back in file order,
exactly as a one-process read gives them.

Workers are forked, so they start at once with the taxonomy already loaded.
Forking is only safe in a process with one thread and on Linux; anywhere
else (``mkdocs serve`` runs builds beside its server's threads) the files
are read here, one after another.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence
    from pathlib import Path

    from cohub.model import CaseStudy
    from cohub.problems import Problem

    Read = tuple[CaseStudy | None, tuple[Problem, ...]]
    ReadOne = Callable[[Path, Path, Any], Read]

CHUNK_SIZE = 100
# Below this many files, starting workers costs more than it saves.
PARALLEL_FROM = 400

# What a worker reads with, inherited from this process when it is forked.
_worker_state: dict[str, Any] = {}


def available_cores() -> int:
    """How many cores this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether worker processes can safely be forked from this one."""
    return sys.platform.startswith("linux") and threading.active_count() == 1


def read_all(
    root: Path,
    files: Sequence[Path],
    read_one: ReadOne,
    context: Any,
    *,
    workers: int | None = None,
    chunk_size: int = CHUNK_SIZE,
) -> list[Read]:
    """``read_one`` over every file, in worker processes too when there are many.

    Args:
        root: The hub's root folder.
        files: The case-study files, in the order the results should be.
        read_one: Reads one file, given the root, the file and ``context``.
            Workers are sent it by name, so it must be a module-level function.
        context: What every file is read against (the taxonomy, say);
            workers inherit it when they are forked.
        workers: How many worker processes; by default one per spare core
            for ``PARALLEL_FROM`` files or more, else none. None are used
            where ``can_fork`` is false.
        chunk_size: How many files a worker takes at a time.

    Returns:
        What ``read_one`` returned for each file, in the order of ``files``.
    """
    if workers is None:
        workers = available_cores() - 1 if len(files) >= PARALLEL_FROM else 0
    if workers < 1 or len(files) < 2 or not can_fork():
        return [read_one(root, file, context) for file in files]
    try:
        return _read_with_workers(root, files, read_one, context, workers, chunk_size)
    except (BrokenProcessPool, OSError):
        # A worker could not start or died (out of memory, say): read everything here instead.
        return [read_one(root, file, context) for file in files]


def _read_with_workers(
    root: Path,
    files: Sequence[Path],
    read_one: ReadOne,
    context: Any,
    workers: int,
    chunk_size: int,
) -> list[Read]:
    own_share = len(files) // (workers + 1)
    rest = files[own_share:]
    _worker_state.update(read_one=read_one, root=root, context=context)
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [
                pool.submit(_read_chunk, tuple(rest[start : start + chunk_size]))
                for start in range(0, len(rest), chunk_size)
            ]
            results = [read_one(root, file, context) for file in files[:own_share]]
            for future in futures:
                results.extend(future.result())
            return results
    finally:
        _worker_state.clear()


def _read_chunk(chunk: tuple[Path, ...]) -> list[Read]:
    read_one: ReadOne = _worker_state["read_one"]
    return [read_one(_worker_state["root"], file, _worker_state["context"]) for file in chunk]
