"""The service's own pages: rendering them in the site's look, and plain pages for errors."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jinja2
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response

from cohub.comments.headers import PAGE_HEADERS
from cohub.comments.render import template_environment
from cohub.comments.settings import CommentSettings
from cohub.comments.store import ModeratorSession
from cohub.site_shell import site_shell

__all__ = ("Pages",)


class Pages:
    """Renders the service's pages from ``templates/``.

    Args:
        settings: For the site's name.
        site_dir: The built site, whose stylesheets and header the pages
            borrow; None for plain pages.
        site_root: Put before the site's own paths in links: empty when the
            service answers at the site's address, else the site's address
            without a trailing slash.
    """

    def __init__(self, *, settings: CommentSettings, site_dir: Path | None, site_root: str = "") -> None:
        self.settings = settings
        self.site_dir = site_dir
        self.site_root = site_root
        self.env: jinja2.Environment = template_environment()

    def site_stylesheets(self) -> tuple[str, ...]:
        """The built site's Material stylesheets, so the service's pages look like the site."""
        if self.site_dir is None:
            return ()
        folder = self.site_dir / "assets" / "stylesheets"
        found = sorted(folder.glob("main.*.min.css")) + sorted(folder.glob("palette.*.min.css"))
        # The hub's own look and the organisation's colours, when the site has them.
        own = tuple(
            name
            for name in ("stylesheets/public-service.css", "assets/cohub/brand.css")
            if (self.site_dir / name).is_file()
        )
        return (*(f"/assets/stylesheets/{path.name}" for path in found), *(f"/{name}" for name in own))

    def on_site(self, path: str) -> str:
        """A link to ``path`` (starting with /) on the site, wherever the service answers."""
        return f"{self.site_root}{path}" if path.startswith("/") else path

    def page(
        self,
        template: str,
        context: Mapping[str, Any],
        *,
        status_code: int = 200,
        moderator: ModeratorSession | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> HTMLResponse:
        """Render one of the service's pages."""
        html = self.env.get_template(template).render(
            site_name=self.settings.site_name,
            site_stylesheets=self.site_stylesheets(),
            site_shell=site_shell(self.site_dir),
            site_root=self.site_root,
            # Whether approved comments show at once (this process serves the pages) or at the next build.
            serves_site=self.site_dir is not None,
            moderator=moderator,
            **context,
        )
        return HTMLResponse(html, status_code=status_code, headers={**PAGE_HEADERS, **(headers or {})})

    def message(
        self,
        heading: str,
        paragraphs: tuple[str, ...],
        *,
        status_code: int,
        links: tuple[tuple[str, str], ...] = (),
        moderator: ModeratorSession | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> HTMLResponse:
        """Render a plain page with a heading, some text and links."""
        return self.page(
            "message.html",
            {"heading": heading, "paragraphs": paragraphs, "links": links},
            status_code=status_code,
            moderator=moderator,
            headers=headers,
        )

    async def http_error(self, request: Request, exc: Exception) -> Response:
        """Plain pages for 404, 405 and other HTTP errors."""
        assert isinstance(exc, HTTPException)
        headers = dict(exc.headers or {})
        if exc.status_code == 404:
            return self.message(
                "Page not found",
                ("If you typed the web address, check it is correct.",),
                status_code=404,
                links=((self.on_site("/"), "Go to the home page"),),
            )
        if exc.status_code == 405:
            return self.message(
                "This page cannot be used like that",
                ("Go back and try again.",),
                status_code=405,
                links=((self.on_site("/"), "Go to the home page"),),
                headers=headers,
            )
        return self.message(
            "Sorry, your request could not be understood",
            ("Go back and try again.",),
            status_code=exc.status_code if 400 <= exc.status_code < 500 else 400,
            links=((self.on_site("/"), "Go to the home page"),),
            headers=headers,
        )

    async def server_error(self, request: Request, exc: Exception) -> Response:
        """A plain page for anything unexpected; the details go to the log."""
        return self.message(
            "Sorry, there is a problem with the service",
            ("Try again later.",),
            status_code=500,
            links=((self.on_site("/"), "Go to the home page"),),
        )
