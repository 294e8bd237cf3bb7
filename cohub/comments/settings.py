"""Settings for the comment service.

Each setting can come from the ``extra.comments`` mapping in ``mkdocs.yml``
(by its field name, for example ``smtp_host``) or from an environment
variable named ``COHUB_`` plus the field name in capitals (for example
``COHUB_SMTP_HOST``). The environment wins, so secrets and per-server values
need not be written into the repository. Other keys in ``extra.comments`` are
left alone: they belong to the site's templates.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

__all__ = ("CommentSettings", "RetentionPeriods", "SettingsError", "retention_periods", "settings_from_env")

_ENV_PREFIX = "COHUB_"


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
        login_failure_limit: Failed sign-ins allowed per username or client per window.
        login_failure_window_minutes: Length of that window.
        session_lifetime_hours: How long a moderator stays signed in.
        max_body_bytes: Largest request body accepted. The default is large
            enough for the longest valid comment even in scripts where each
            character takes 12 bytes once encoded, so only oversized or
            hostile requests meet it.
        purge_after_days: Rejected comments older than this are deleted by
            ``cohub comments purge``.
        smtp_host: Mail server for telling moderators about new comments;
            empty turns notification off.
        smtp_port: Its port. The server is expected to be a local relay that
            needs no sign-in.
        smtp_from: Sender address for notifications.
        smtp_to: Moderators' addresses.
        client_hash_secret: Salt for hashing IP addresses; when empty, one is
            generated once and kept in the database.
    """

    site_name: str = "cohub"
    privacy_url: str = "/privacy/"
    rate_limit_count: int = 5
    rate_limit_window_minutes: int = 10
    login_failure_limit: int = 5
    login_failure_window_minutes: int = 15
    session_lifetime_hours: int = 12
    max_body_bytes: int = 128 * 1024
    purge_after_days: int = 30
    smtp_host: str = ""
    smtp_port: int = 25
    smtp_from: str = ""
    smtp_to: tuple[str, ...] = ()
    client_hash_secret: str = field(default="", repr=False)

    def __post_init__(self) -> None:
        for setting in fields(self):
            value = getattr(self, setting.name)
            if isinstance(value, int) and value < 1:
                raise SettingsError(f"{setting.name} must be 1 or more, not {value}")
        if self.smtp_host and not (self.smtp_from and self.smtp_to):
            raise SettingsError("smtp_from and smtp_to are needed when smtp_host is set")

    @property
    def notifications_enabled(self) -> bool:
        """True when moderators are to be emailed about new comments."""
        return bool(self.smtp_host)


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


@dataclass(frozen=True)
class RetentionPeriods:
    """How long the comment service keeps what it stores, for the privacy notice.

    Attributes:
        rejected_comment_days: Rejected comments are deleted this many days
            after they were sent (``cohub comments purge``).
    """

    rejected_comment_days: int


def retention_periods(settings: CommentSettings) -> RetentionPeriods:
    """The retention periods the comment service's settings give."""
    return RetentionPeriods(rejected_comment_days=settings.purge_after_days)
