"""The Content-Security-Policy every page carries: no script but the theme's own.

The policy allows scripts from the site itself and the theme's few inline
scripts, each by its SHA-256 hash, and nothing else: not an inline script a
page's text brings in, nor any event-handler attribute, ``javascript:``
address or script from another site. Forms may post only to the site and its
comment service. Static hosts get the policy as a ``<meta http-equiv>`` in
each page; ``cohub serve`` sends it as a header too, where
``frame-ancestors`` (which a ``<meta>`` cannot carry) also stops other sites
framing the hub.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

_SCRIPT = re.compile(r"<script\b([^>]*)>(.*?)</script\s*>", re.DOTALL | re.IGNORECASE)
_TYPE = re.compile(r"""\btype\s*=\s*["']?([^"'\s>]+)""", re.IGNORECASE)
_SOURCE = re.compile(r"\bsrc\s*=", re.IGNORECASE)
# Types a browser runs; a "text/pagefind-template" or JSON block is only data.
_SCRIPT_TYPES = frozenset(("", "text/javascript", "application/javascript", "module"))
_HOST = re.compile(r"[A-Za-z0-9.-]+(:[0-9]{1,5})?")
_HEAD = re.compile(r"<head\b[^>]*>\s*(<meta charset=[^>]*>)?", re.IGNORECASE)


def inline_script_hashes(page: str) -> frozenset[str]:
    """The CSP hash source (``'sha256-...'``) of every inline script in ``page`` that a browser runs."""
    hashes = set()
    for found in _SCRIPT.finditer(page):
        attributes, body = found.group(1), found.group(2)
        script_type = _TYPE.search(attributes)
        if _SOURCE.search(attributes) or (script_type.group(1).lower() if script_type else "") not in _SCRIPT_TYPES:
            continue
        digest = base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode("ascii")
        hashes.add(f"'sha256-{digest}'")
    return frozenset(hashes)


def content_security_policy(
    script_hashes: Iterable[str], form_targets: Iterable[str] = (), *, header: bool = False
) -> str:
    """The policy, for a page's ``<meta>`` or (``header=True``) an HTTP header.

    Args:
        script_hashes: Hash sources of the inline scripts to allow.
        form_targets: Addresses besides the site that forms may post to
            (the comment service, when it runs apart).
        header: Whether the policy goes in a header, which may also say
            who can frame the page.
    """
    form_origins = sorted({origin for target in form_targets if (origin := _origin(target)) is not None})
    directives = [
        "default-src 'self'",
        # Pagefind's search runs as WebAssembly.
        " ".join(("script-src 'self' 'wasm-unsafe-eval'", *sorted(script_hashes))),
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        " ".join(("form-action 'self'", *form_origins)),
    ]
    if header:
        directives.append("frame-ancestors 'none'")
    return "; ".join(directives)


def with_policy(page: str, policy: str) -> str:
    """``page`` with the policy as the first thing in its ``<head>`` (after the character set)."""
    meta = f'<meta http-equiv="Content-Security-Policy" content="{_attribute(policy)}">'
    head = _HEAD.search(page)
    if head is None:
        return page
    return f"{page[: head.end()]}{meta}{page[head.end() :]}"


def form_targets(comment_service_url: str | None) -> tuple[str, ...]:
    """Where the comment form posts besides the site: the comment service, when it has an address of its own."""
    return () if comment_service_url is None else (comment_service_url,)


def site_script_hashes(site_dir: Path) -> frozenset[str]:
    """Every hash the built site's pages allow, read from their policies: for a header over the whole site."""
    hashes: set[str] = set()
    for page in site_dir.rglob("*.html"):
        text = page.read_text(encoding="utf-8", errors="replace")
        meta = re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)"', text[:20000])
        if meta:
            hashes.update(re.findall(r"'sha256-[A-Za-z0-9+/=]+'", meta.group(1)))
    return frozenset(hashes)


def _origin(address: str) -> str | None:
    parts = urlsplit(address)
    if parts.scheme not in ("http", "https") or not _HOST.fullmatch(parts.netloc):
        return None
    return f"{parts.scheme}://{parts.netloc}"


def _attribute(policy: str) -> str:
    # Single quotes stay as they are, so the policy reads the same in the page as in a header.
    return html.escape(policy, quote=False).replace('"', "&quot;")
