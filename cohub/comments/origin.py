"""Where a request came from: form posts are taken only from pages on the expected origin."""

from __future__ import annotations

from urllib.parse import urlsplit

from starlette.requests import Request

__all__ = ("origin_of", "sent_from")


def origin_of(url: str) -> str | None:
    """Return ``scheme://host[:port]`` for an http(s) URL, or None if it has none."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    default_port = 443 if parts.scheme == "https" else 80
    return f"{parts.scheme}://{host}" if port in (None, default_port) else f"{parts.scheme}://{host}:{port}"


def sent_from(request: Request, origin: str) -> bool:
    """True if the request came from a page on ``origin`` (its Origin header, else its Referer)."""
    sender = request.headers.get("origin") or request.headers.get("referer")
    return sender is not None and origin_of(sender) == origin
