"""Telling moderators that comments are waiting, from the outbox, without holding up any request.

Comments put a notification in the store's outbox in the same transaction
that saves them. One background sender delivers what is due as one short
email that links to the moderation page: it holds no comment text, name or
email address, so nothing personal crosses the mail system. A mail server
that is slow or down only delays the email; failures are retried later,
waiting longer each time.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from datetime import timedelta
from email.message import EmailMessage
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from cohub.comments.settings import CommentSettings
    from cohub.comments.store import CommentStore, Notification

__all__ = ("notification_email", "retry_delay", "send_due_notification")

_logger = logging.getLogger(__name__)

# The first retry comes after a minute; each further one waits twice as long, up to six hours.
_FIRST_RETRY = timedelta(minutes=1)
_LONGEST_RETRY = timedelta(hours=6)


def notification_email(settings: CommentSettings, site_url: str, comment_count: int) -> EmailMessage:
    """The email telling moderators that comments are waiting.

    Args:
        settings: Gives the sender, the moderators and the site's name.
        site_url: The site's address, without a trailing slash.
        comment_count: How many new comments it is about.
    """
    waiting = "A new comment is" if comment_count == 1 else f"{comment_count} new comments are"
    message = EmailMessage()
    message["Subject"] = f"{waiting} waiting for moderation on {settings.site_name}"
    message["From"] = settings.smtp_from
    message["To"] = ", ".join(settings.smtp_to)
    message.set_content(
        f"{waiting} waiting for moderation on {settings.site_name}.\n\n"
        f"Sign in to read and approve or reject them: {site_url}/moderate\n"
    )
    return message


def retry_delay(attempts: int) -> timedelta:
    """How long to wait before trying again after ``attempts`` failed tries."""
    return min(_FIRST_RETRY * (1 << min(attempts, 20)), _LONGEST_RETRY)


def _send(settings: CommentSettings, message: EmailMessage) -> None:
    context = ssl.create_default_context()
    timeout = settings.smtp_timeout_seconds
    if settings.smtp_security == "tls":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(settings.smtp_host, settings.smtp_port, timeout=timeout, context=context)
    else:
        smtp = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=timeout)
    with smtp:
        if settings.smtp_security == "starttls":
            smtp.starttls(context=context)
        if settings.smtp_username:
            smtp.login(settings.smtp_username, settings.smtp_password)
        smtp.send_message(message)


def send_due_notification(store: CommentStore, settings: CommentSettings, site_url: str) -> Notification | None:
    """Send what is due in the outbox, if anything, as one email.

    Blocks for at most a few times ``settings.smtp_timeout_seconds``; run it
    away from request handling. A failure is logged without personal data
    and the notification is kept for a later try.

    Returns:
        What was sent, or None when nothing was due or the sending failed.
    """
    notification = store.due_notification()
    if notification is None:
        return None
    try:
        _send(settings, notification_email(settings, site_url, notification.comment_count))
    except (OSError, smtplib.SMTPException, ssl.SSLError) as error:
        given_up = store.notification_failed(notification, retry_delay(store.outbox_attempts()))
        _logger.warning(
            "Could not email moderators (%s); the comments wait in the moderation list%s",
            type(error).__name__,
            f", and {given_up} notification(s) were given up" if given_up else "; will try again",
        )
        return None
    store.notification_sent(notification)
    return notification
