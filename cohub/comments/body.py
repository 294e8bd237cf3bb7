"""Reading a form body no bigger than the service accepts."""

from __future__ import annotations

from typing import Any

from starlette.datastructures import FormData
from starlette.requests import Request

__all__ = ("BodyTooLarge", "read_form")


class BodyTooLarge(Exception):
    """The request body is bigger than the service accepts."""


async def read_form(request: Request, limit: int) -> FormData:
    """Read a url-encoded or multipart form body of at most ``limit`` bytes.

    Raises:
        BodyTooLarge: The body, declared or sent, is over ``limit``.
        ClientDisconnect: The client went away before sending it all.
    """
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        raise BodyTooLarge
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > limit:
            raise BodyTooLarge

    async def replay_body() -> dict[str, Any]:
        return {"type": "http.request", "body": bytes(body), "more_body": False}

    # Starlette's parser handles both url-encoded and multipart bodies;
    # it is given the body already read, so the limit above holds.
    return await Request(request.scope, replay_body).form(max_files=0, max_fields=50)
