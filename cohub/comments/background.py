"""What the service does while it runs, between requests: the retention rules and emailing moderators."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sqlite3
from collections.abc import AsyncIterator
from datetime import timedelta

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool

from cohub.comments.notify import send_due_notification
from cohub.comments.settings import CommentSettings, retention_policy
from cohub.comments.store import CommentStore

__all__ = ("BackgroundWork",)

_logger = logging.getLogger(__name__)

# How often the retention rules run while the service is up (they also run when it starts).
_RETENTION_INTERVAL = timedelta(days=1)
# How often the notification sender looks at the outbox when no comment has woken it.
_OUTBOX_POLL_SECONDS = 60.0


class BackgroundWork:
    """The retention rules, once at start and then daily, and the notification sender.

    Args:
        store: Where comments are kept.
        settings: Retention periods and mail settings.
        service_url: The service's own address, for the link to the
            moderation page in notifications.
    """

    def __init__(self, *, store: CommentStore, settings: CommentSettings, service_url: str) -> None:
        self.store = store
        self.settings = settings
        self.service_url = service_url
        self._outbox_wakeup: asyncio.Event | None = None

    def comment_arrived(self) -> None:
        """Wake the notification sender: a comment has put a notification in the outbox."""
        if self._outbox_wakeup is not None and self.settings.notifications_enabled:
            self._outbox_wakeup.set()

    @contextlib.asynccontextmanager
    async def lifespan(self, _app: Starlette) -> AsyncIterator[None]:
        """Apply the retention rules, then keep them and the notification sender running."""
        await run_in_threadpool(self.apply_retention)
        self._outbox_wakeup = asyncio.Event()
        tasks = [asyncio.create_task(self._retention_loop())]
        if self.settings.notifications_enabled:
            tasks.append(asyncio.create_task(self._notification_loop(self._outbox_wakeup)))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    def apply_retention(self) -> None:
        """Forget personal data kept longer than the settings allow."""
        report = self.store.apply_retention(retention_policy(self.settings))
        _logger.info(
            "Retention: cleared %d pending and %d published comments' personal data, deleted %d rejected comments",
            report.pending_cleared,
            report.approved_cleared,
            report.rejected_deleted,
        )

    async def _retention_loop(self) -> None:
        while True:
            await asyncio.sleep(_RETENTION_INTERVAL.total_seconds())
            try:
                await run_in_threadpool(self.apply_retention)
            except sqlite3.Error:
                _logger.exception("Could not apply the retention rules; will try again tomorrow")

    async def _notification_loop(self, wakeup: asyncio.Event) -> None:
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(wakeup.wait(), timeout=_OUTBOX_POLL_SECONDS)
            wakeup.clear()
            try:
                while await run_in_threadpool(send_due_notification, self.store, self.settings, self.service_url):
                    pass
            except sqlite3.Error:
                _logger.exception("Could not read the notification outbox")
