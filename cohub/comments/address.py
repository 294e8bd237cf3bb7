"""Where the comment service is: the one setting, ``extra.cohub.comments.url`` in ``mkdocs.yml``.

Unset, the service answers at the site's own address (``cohub serve``, or a
proxy sending ``/comments`` and ``/moderate`` to ``cohub comments serve``), and
the comment form posts to ``/comments``. Set, the site can live on any static
host and the form posts to the service at that address.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from cohub.comments.origin import origin_of
from cohub.settings_lines import setting_lines

__all__ = ("SETTING", "CommentAddressError", "comment_form_action", "comment_service_url")

SETTING = "extra.cohub.comments.url"

# Where the form posts, below the service's address.
_COMMENTS_PATH = "/comments"


class CommentAddressError(ValueError):
    """The comment service's address in ``mkdocs.yml`` cannot be used.

    Attributes:
        key: Where the setting is in ``mkdocs.yml``, as a key path.
    """

    def __init__(self, message: str, key: tuple[str, ...]) -> None:
        super().__init__(message)
        self.key = key

    def located(self, config_path: Path) -> str:
        """The message as ``mkdocs.yml:LINE: ...`` (the line left out when it cannot be found)."""
        try:
            line = setting_lines(config_path.read_text(encoding="utf-8")).get(self.key)
        except OSError:
            line = None
        return f"{config_path.name}:{line}: {self}" if line else f"{config_path.name}: {self}"


def comment_service_url(extra: Mapping[str, Any] | None) -> str | None:
    """The comment service's own address, from the ``extra`` mapping of ``mkdocs.yml``.

    Args:
        extra: ``extra`` from ``mkdocs.yml`` (None if it has none).

    Returns:
        The address without a trailing slash, or None when the service
        answers at the site's own address.

    Raises:
        CommentAddressError: The address is not http(s), or the old
            ``extra.comments.action`` setting is still there.
    """
    extra = extra if isinstance(extra, Mapping) else {}
    old = extra.get("comments")
    if isinstance(old, Mapping) and "action" in old:
        raise CommentAddressError(
            f"extra.comments.action is no longer read — give the comment service's address as {SETTING}"
            " (for example https://comments.example.gov.uk/), without /comments",
            ("extra", "comments", "action"),
        )
    cohub = extra.get("cohub")
    comments = cohub.get("comments") if isinstance(cohub, Mapping) else None
    url = comments.get("url") if isinstance(comments, Mapping) else None
    if url is None or url == "":
        return None
    if not isinstance(url, str) or origin_of(url) is None:
        raise CommentAddressError(
            f"{SETTING} must be the comment service's http or https address"
            f" (for example https://comments.example.gov.uk/), not {url!r}",
            ("extra", "cohub", "comments", "url"),
        )
    return url.strip().rstrip("/")


def comment_form_action(service_url: str | None) -> str:
    """Where the comment form posts: ``/comments`` on the service, or on the site when it has none of its own."""
    return _COMMENTS_PATH if service_url is None else f"{service_url}{_COMMENTS_PATH}"
