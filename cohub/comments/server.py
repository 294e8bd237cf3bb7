"""The ASGI application shell: whom to believe about client addresses, and how uvicorn runs it."""

from __future__ import annotations

from typing import Any, cast

import uvicorn
from starlette.applications import Starlette
from starlette.types import ASGIApp
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

from cohub.comments.headers import SecurityHeaders
from cohub.comments.settings import CommentSettings

__all__ = ("Service", "uvicorn_config")


class Service(Starlette):
    """Starlette, with the proxy and security-header layers outside even its error handling."""

    def __init__(self, *, settings: CommentSettings, hsts: bool, content_security_policy: str | None, **options: Any):
        super().__init__(**options)
        self._settings = settings
        self._hsts = hsts
        self._content_security_policy = content_security_policy

    def build_middleware_stack(self) -> ASGIApp:
        app = super().build_middleware_stack()
        # uvicorn's own middleware, applied here so the app decides whom to
        # believe whatever server runs it.
        if self._settings.forwarded_allow_ips.strip():
            trusted = "*" if self._settings.trusts_any_proxy else list(self._settings.trusted_proxies)
            # uvicorn types ASGI apps more narrowly than Starlette; both are plain ASGI.
            app = cast("ASGIApp", ProxyHeadersMiddleware(cast("Any", app), trusted_hosts=trusted))
        return SecurityHeaders(app, hsts=self._hsts, content_security_policy=self._content_security_policy)


def uvicorn_config(app: ASGIApp, **options: Any) -> uvicorn.Config:
    """uvicorn's settings for the service.

    Forwarded headers are left to the app (see ``forwarded_allow_ips``),
    uvicorn sends no Server header, and the app's lifespan runs, which starts
    the notification sender and the retention rules.

    Args:
        app: From ``create_app``.
        options: Anything else for ``uvicorn.Config`` (host, port, log_level...).
    """
    return uvicorn.Config(app, proxy_headers=False, server_header=False, lifespan="on", ws="none", **options)
