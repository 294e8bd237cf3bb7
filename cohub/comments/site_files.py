"""Files the service serves: the built site (case studies with their approved comments) and its own assets."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from cohub.comments.render import TEMPLATES_DIR, inject_comments

__all__ = ("SiteFiles", "own_asset")

# Files served at /comments/static/, from the templates folder.
_OWN_ASSETS = {"comments.css": "text/css", "comments.js": "text/javascript"}

# Case study pages, which get their approved comments put in as they are served.
_CASE_STUDY_PATH = re.compile(r"/case-studies/([^/.][^/]*)/(?:index\.html)?")


class SiteFiles(StaticFiles):
    """The built site, with approved comments put into case study pages as they are served."""

    def __init__(self, *, directory: Path, comments_html: Callable[[str], str | None]) -> None:
        super().__init__(directory=directory, html=True)
        self._comments_html = comments_html

    async def get_response(self, path: str, scope: Scope) -> Response:
        case_study = _CASE_STUDY_PATH.fullmatch(scope["path"])
        if case_study is None or scope["method"] not in ("GET", "HEAD"):
            return await super().get_response(path, scope)
        slug = case_study.group(1)
        full_path, stat_result = await run_in_threadpool(self.lookup_path, f"case-studies/{slug}/index.html")
        page = None if stat_result is None else await run_in_threadpool(self._with_comments, Path(full_path), slug)
        if page is None:
            return await super().get_response(path, scope)
        # Never cached, so that a newly approved comment shows at once.
        return HTMLResponse(page, headers={"Cache-Control": "no-cache"})

    def _with_comments(self, page_path: Path, slug: str) -> str | None:
        comments_html = self._comments_html(slug)
        if comments_html is None:
            return None
        return inject_comments(page_path.read_text(encoding="utf-8", errors="replace"), slug, comments_html)


async def own_asset(request: Request) -> Response:
    """GET /comments/static/NAME: the service's stylesheet and script."""
    name = request.path_params["name"]
    if name not in _OWN_ASSETS:
        raise HTTPException(status_code=404)
    return FileResponse(TEMPLATES_DIR / name, media_type=_OWN_ASSETS[name])
