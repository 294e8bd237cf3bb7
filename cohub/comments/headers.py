"""The security headers every response of the comment service carries, and those of its own pages."""

from __future__ import annotations

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ("PAGE_HEADERS", "SecurityHeaders")

# Sent with the service's own pages, unless the site's own policy is given to
# create_app. Its pages use no inline script or style.
PAGE_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none';"
        " form-action 'self'; frame-ancestors 'none'"
    ),
    "Cache-Control": "no-store",
}

# Sent with every response. The site uses none of these browser features.
_EVERY_RESPONSE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
    "Permissions-Policy": (
        "accelerometer=(), camera=(), display-capture=(), geolocation=(), gyroscope=(),"
        " magnetometer=(), microphone=(), midi=(), payment=(), usb=()"
    ),
}

# Browsers are told to use https only for a year once they have seen the site over https.
_HSTS = "max-age=31536000"


class SecurityHeaders:
    """ASGI middleware putting the security headers on every response, whatever sends it.

    Args:
        app: The application to wrap.
        hsts: Also send Strict-Transport-Security (the site is https).
        content_security_policy: A policy to send with every response,
            replacing any a page set itself; None to leave pages' own.
    """

    def __init__(self, app: ASGIApp, *, hsts: bool, content_security_policy: str | None) -> None:
        self.app = app
        self.headers = dict(_EVERY_RESPONSE_HEADERS)
        if hsts:
            self.headers["Strict-Transport-Security"] = _HSTS
        if content_security_policy is not None:
            self.headers["Content-Security-Policy"] = content_security_policy

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in self.headers.items():
                    headers[name] = value
                del headers["server"]
            await send(message)

        await self.app(scope, receive, send_with_headers)
