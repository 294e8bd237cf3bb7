"""Work done ahead in worker processes, for a loop that goes through its items one after another.

MkDocs converts every page's Markdown in one loop on one core before it
renders any template. On a machine with a core to spare, forked workers
convert pages ahead of that loop, starting from its last items, while the
loop works from its first; each item is done once, by whichever gets to it
first. What a worker logged while working is handed back with its result, so
that the loop can say it at the moment it would have said it itself.

Workers are forked, so they start at once with everything the loop knows.
Forking is only safe in a process with one thread and on Linux
(``cohub.readers.can_fork``); anywhere else, and on one core, nothing is
done ahead.
"""

from __future__ import annotations

import logging
import multiprocessing
import warnings
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Sequence

T = TypeVar("T")

# Items a worker takes at a time: small, so that the loop seldom waits for one the worker is still on.
CHUNK_SIZE = 20
# Below this many items, forking a worker costs more than it saves.
AHEAD_FROM = 100

# What a worker works with, inherited from this process when it is forked.
_worker_state: dict[str, Any] = {}


def ahead_workers(items: int, cores: int) -> int:
    """How many workers to fork for a loop of ``items``: one per spare core, none for a short loop."""
    return max(cores - 1, 0) if items >= AHEAD_FROM else 0


class WorkAhead(Generic[T]):
    """``work`` for each of ``keys``, done ahead by forked workers from the last key backwards.

    Args:
        keys: The items, in the order the loop will ask for them.
        work: What to do for one key; it returns None when it could not do
            it (the loop then does the item itself). Workers inherit it when
            they are forked, so it may be any callable.
        workers: How many worker processes to fork.
        chunk_size: How many keys a worker takes at a time.

    Raises:
        OSError: When the workers could not be started.
    """

    def __init__(
        self, keys: Sequence[str], work: Callable[[str], T | None], *, workers: int, chunk_size: int = CHUNK_SIZE
    ) -> None:
        chunks = [tuple(keys[start : start + chunk_size]) for start in range(0, len(keys), chunk_size)]
        self._chunk_of = {key: index for index, chunk in enumerate(chunks) for key in chunk}
        self.taken = 0
        _worker_state["work"] = work
        self._pool = ProcessPoolExecutor(
            workers, mp_context=multiprocessing.get_context("fork"), initializer=_quiet_worker
        )
        # Workers start from the end; the loop, from the start, does the chunks no worker has begun.
        self._futures: dict[int, Future[dict[str, T | None]]] = {
            index: self._pool.submit(_work_chunk, chunks[index]) for index in reversed(range(len(chunks)))
        }

    def take(self, key: str) -> T | None:
        """What a worker made for ``key``, waiting for it if a worker is on it; None: do it here.

        A chunk that no worker has begun is cancelled, and its keys are left
        to the loop. A worker that failed, or died, leaves its keys to the loop too.
        """
        index = self._chunk_of.pop(key, None)
        if index is None or index not in self._futures:
            return None
        future = self._futures[index]
        if future.cancel():
            return None
        try:
            chunk = future.result()
        # Whatever went wrong in a worker, the loop can still do the item itself, as it does on one core.
        except Exception:  # noqa: BLE001
            return None
        # Each result is taken once: let it go as soon as it is, not at the end of the loop.
        made = chunk.pop(key, None)
        if not chunk:
            del self._futures[index]
        if made is not None:
            self.taken += 1
        return made

    def close(self) -> None:
        """Stop the workers, dropping what they have not begun."""
        self._pool.shutdown(wait=True, cancel_futures=True)
        _worker_state.clear()


def _quiet_worker() -> None:
    """Keep a worker silent: the loop says what needs saying, once (see ``logged_records``)."""
    logging.Logger.callHandlers = _drop  # type: ignore[method-assign, assignment]
    warnings.simplefilter("ignore")


def _drop(logger: logging.Logger, record: logging.LogRecord) -> None:
    return None


def _work_chunk(chunk: tuple[str, ...]) -> dict[str, Any]:
    work: Callable[[str], Any] = _worker_state["work"]
    return {key: work(key) for key in chunk}


@contextmanager
def logged_records() -> Iterator[list[logging.LogRecord]]:
    """In a worker, the log records made inside the block, with their messages written out, to hand back."""
    records: list[logging.LogRecord] = []

    def keep(logger: logging.Logger, record: logging.LogRecord) -> None:
        record.msg, record.args = record.getMessage(), None
        if record.exc_info:
            record.exc_text = record.exc_text or logging.Formatter().formatException(record.exc_info)
            record.exc_info = None
        records.append(record)

    previous = logging.Logger.callHandlers
    logging.Logger.callHandlers = keep  # type: ignore[method-assign, assignment]
    try:
        yield records
    finally:
        logging.Logger.callHandlers = previous  # type: ignore[method-assign]


def say(records: Sequence[logging.LogRecord]) -> None:
    """Hand records a worker made to this process's handlers, as if they were made here.

    The worker's loggers, forked from this process's, have already checked
    each record's level and filters.
    """
    for record in records:
        logging.getLogger(record.name).callHandlers(record)
