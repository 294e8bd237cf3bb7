"""Settings for the comment service.

Each setting can come from the ``extra.comments`` mapping in ``mkdocs.yml``
(by its field name, for example ``smtp_host``) or from an environment
variable named ``COHUB_`` plus the field name in capitals (for example
``COHUB_SMTP_HOST``). The environment wins, so secrets and per-server values
need not be written into the repository. Other keys in ``extra.comments`` are
left alone: they belong to the site's templates.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from datetime import timedelta
from typing import Any

from cohub.comments.store import RetentionPolicy

__all__ = (
    "CommentSettings",
    "RetentionPeriod",
    "SettingsError",
    "retention_periods",
    "retention_policy",
    "settings_from_env",
)

_ENV_PREFIX = "COHUB_"

# How the service talks to the mail server: STARTTLS after connecting,
# TLS from the start, or (only for a relay on the same machine) in the clear.
SMTP_SECURITY_CHOICES = ("starttls", "tls", "none")


class SettingsError(ValueError):
    """A setting has a value that cannot be used."""


@dataclass(frozen=True)
class CommentSettings:
    """How the comment service behaves.

    Attributes:
        site_name: Shown in page titles and headers.
        privacy_url: Where the privacy notice is, linked beside the consent box.
        rate_limit_count: Comments one client may send per window.
        rate_limit_window_minutes: Length of that window.
        login_failure_limit: Failed sign-ins allowed from one client address
            per window; after that many failures for one username, each
            further try for it waits longer before it is checked.
        login_failure_window_minutes: Length of that window.
        login_delay_max_seconds: The longest wait before a sign-in for a
            username that others keep guessing is checked. The real
            moderator is never locked out, only slowed down by this much.
        session_lifetime_hours: How long a moderator stays signed in.
        max_body_bytes: Largest request body accepted. The default is large
            enough for the longest valid comment even in scripts where each
            character takes 12 bytes once encoded, so only oversized or
            hostile requests meet it.
        retention_pending_days: Days a comment still waiting for moderation
            keeps the commenter's email address and scrambled IP address.
        retention_rejected_days: Days after it was rejected (or withdrawn)
            that a comment is deleted altogether.
        retention_approved_days: Days after it was approved that a published
            comment keeps the commenter's email address and scrambled IP address.
        forwarded_allow_ips: Proxies whose ``X-Forwarded-For`` and
            ``X-Forwarded-Proto`` headers are believed, as a comma-separated
            list of addresses and networks (``*`` for any). Empty, the
            default, believes no forwarded header.
        smtp_host: Mail server for telling moderators about new comments;
            empty turns notification off.
        smtp_port: Its port: 587 for STARTTLS, 465 for TLS.
        smtp_security: ``starttls``, ``tls``, or ``none`` (only for a relay on
            the same machine).
        smtp_username: User name for signing in to the mail server; empty for none.
        smtp_password: Its password (best given as ``COHUB_SMTP_PASSWORD``).
        smtp_timeout_seconds: How long to wait for the mail server at each step.
        smtp_from: Sender address for notifications.
        smtp_to: Moderators' addresses.
        client_hash_secret: Key for scrambling IP addresses, best given as
            ``COHUB_CLIENT_HASH_SECRET``; when empty, a random key is kept in
            a file beside the database (readable by its owner only) and
            replaced on schedule.
        client_hash_rotation_days: How often the key changes, so that
            scrambled addresses from different periods cannot be linked.
    """

    site_name: str = "cohub"
    privacy_url: str = "/privacy/"
    rate_limit_count: int = 5
    rate_limit_window_minutes: int = 10
    login_failure_limit: int = 5
    login_failure_window_minutes: int = 15
    session_lifetime_hours: int = 12
    max_body_bytes: int = 128 * 1024
    login_delay_max_seconds: int = 30
    retention_pending_days: int = 90
    retention_rejected_days: int = 30
    retention_approved_days: int = 90
    forwarded_allow_ips: str = ""
    smtp_host: str = ""
    smtp_port: int = 587
    smtp_security: str = "starttls"
    smtp_username: str = ""
    smtp_password: str = field(default="", repr=False)
    smtp_timeout_seconds: int = 10
    smtp_from: str = ""
    smtp_to: tuple[str, ...] = ()
    client_hash_secret: str = field(default="", repr=False)
    client_hash_rotation_days: int = 30

    def __post_init__(self) -> None:
        for setting in fields(self):
            value = getattr(self, setting.name)
            if isinstance(value, int) and value < 1:
                raise SettingsError(f"{setting.name} must be 1 or more, not {value}")
        if self.smtp_host and not (self.smtp_from and self.smtp_to):
            raise SettingsError("smtp_from and smtp_to are needed when smtp_host is set")
        if self.smtp_security not in SMTP_SECURITY_CHOICES:
            raise SettingsError(
                f"smtp_security must be one of {', '.join(SMTP_SECURITY_CHOICES)}, not {self.smtp_security!r}"
            )
        if bool(self.smtp_username) != bool(self.smtp_password):
            raise SettingsError("smtp_username and smtp_password are needed together")
        if self.smtp_username and self.smtp_security == "none":
            raise SettingsError("smtp_security must be starttls or tls when smtp_username is set")
        for proxy in self.trusted_proxies:
            try:
                ipaddress.ip_network(proxy, strict=False)
            except ValueError:
                raise SettingsError(
                    f"forwarded_allow_ips must list IP addresses or networks (or be *), not {proxy!r}"
                ) from None

    @property
    def notifications_enabled(self) -> bool:
        """True when moderators are to be emailed about new comments."""
        return bool(self.smtp_host)

    @property
    def trusted_proxies(self) -> tuple[str, ...]:
        """The proxies whose forwarded headers are believed, as uvicorn takes them."""
        if self.forwarded_allow_ips.strip() == "*":
            return ()
        return tuple(item.strip() for item in self.forwarded_allow_ips.split(",") if item.strip())

    @property
    def trusts_any_proxy(self) -> bool:
        """True when forwarded headers are believed from every client (``*``)."""
        return self.forwarded_allow_ips.strip() == "*"


@dataclass(frozen=True)
class RetentionPeriod:
    """How long one kind of comment keeps the commenter's personal data.

    Attributes:
        status: ``pending``, ``rejected`` or ``approved``.
        days: The number of days.
        what_happens: What is done at the end, in words for the privacy notice.
    """

    status: str
    days: int
    what_happens: str


def retention_periods(settings: CommentSettings) -> tuple[RetentionPeriod, ...]:
    """The retention periods in force, for the privacy notice and the service.

    Args:
        settings: The comment settings.

    Returns:
        One period per comment status: pending, rejected, approved.
    """
    return (
        RetentionPeriod(
            "pending",
            settings.retention_pending_days,
            "we delete the email address and scrambled IP address of a comment still waiting for a moderator",
        ),
        RetentionPeriod(
            "rejected",
            settings.retention_rejected_days,
            "we delete a comment that was not approved, or that was taken off the website, and all it holds",
        ),
        RetentionPeriod(
            "approved",
            settings.retention_approved_days,
            "we delete the email address and scrambled IP address of a published comment",
        ),
    )


def retention_policy(settings: CommentSettings) -> RetentionPolicy:
    """The store's retention rules from the settings."""
    return RetentionPolicy(
        pending=timedelta(days=settings.retention_pending_days),
        rejected=timedelta(days=settings.retention_rejected_days),
        approved=timedelta(days=settings.retention_approved_days),
    )


def _as_text(name: str, value: Any) -> str:
    if not isinstance(value, (str, int, float)) or isinstance(value, bool):
        raise SettingsError(f"{name} must be text, not {value!r}")
    return str(value).strip()


def _as_whole_number(name: str, value: Any) -> int:
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    try:
        return int(str(value).strip())
    except ValueError:
        raise SettingsError(f"{name} must be a whole number, not {value!r}") from None


def _as_addresses(name: str, value: Any) -> tuple[str, ...]:
    # A comma-separated string (as in an environment variable) or a YAML list.
    items = value.split(",") if isinstance(value, str) else value
    if not isinstance(items, (list, tuple)):
        raise SettingsError(f"{name} must be a list of email addresses, not {value!r}")
    return tuple(address for address in (_as_text(name, item) for item in items) if address)


_CONVERTERS: Mapping[str, Callable[[str, Any], Any]] = {
    "str": _as_text,
    "int": _as_whole_number,
    "tuple[str, ...]": _as_addresses,
}


def settings_from_env(environ: Mapping[str, str], extra: Mapping[str, Any] | None) -> CommentSettings:
    """Build settings from ``mkdocs.yml`` and the environment.

    Args:
        environ: Usually ``os.environ``.
        extra: The ``extra.comments`` mapping from ``mkdocs.yml`` (None or
            empty if there is none).

    Returns:
        The settings, with defaults for anything not given.

    Raises:
        SettingsError: A value is of the wrong kind or out of range. The
            message names the setting.
    """
    given: dict[str, Any] = {}
    for setting in fields(CommentSettings):
        env_name = f"{_ENV_PREFIX}{setting.name.upper()}"
        if env_name in environ:
            source_name, raw = env_name, environ[env_name]
        elif extra and setting.name in extra and extra[setting.name] is not None:
            source_name, raw = f"extra.comments.{setting.name}", extra[setting.name]
        else:
            continue
        given[setting.name] = _CONVERTERS[str(setting.type)](source_name, raw)
    return CommentSettings(**given)
