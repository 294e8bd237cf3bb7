"""Files the service serves: the built site (case studies with their approved comments) and its own assets.

The site is served as a production static server would: text compressed
with gzip, fingerprinted files kept by browsers for a year, pages for a few
minutes (``cohub.static_cache``), and every file with an ``ETag`` and
``Last-Modified`` so that a browser checking its copy gets a 304.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable
from pathlib import Path

from starlette.concurrency import run_in_threadpool
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.middleware.gzip import DEFAULT_EXCLUDED_CONTENT_TYPES, GZipMiddleware
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Scope

from cohub.addresses import CASE_STUDIES_FOLDER, case_study_url
from cohub.comments.render import TEMPLATES_DIR, inject_comments
from cohub.feeds import FEED_MEDIA_TYPE, is_feed
from cohub.static_cache import cache_control

__all__ = ("SiteFiles", "compressed", "own_asset")

# Pagefind's index files are compressed already and are sent as application/octet-stream.
_NOT_COMPRESSED = (*DEFAULT_EXCLUDED_CONTENT_TYPES, "application/octet-stream")
# Smaller bodies gain too little from compression to be worth it.
_COMPRESS_FROM_BYTES = 500
# zlib's default level: most of the gain of level 9 for a fraction of the time.
_COMPRESSION_LEVEL = 6

# Files served at /comments/static/, from the templates folder.
_OWN_ASSETS = {"comments.css": "text/css", "comments.js": "text/javascript"}

# Case study pages, which get their approved comments put in as they are served.
_CASE_STUDY_PATH = re.compile(rf"/{re.escape(CASE_STUDIES_FOLDER)}/([^/.][^/]*)/(?:index\.html)?")


class SiteFiles(StaticFiles):
    """The built site, with approved comments put into case study pages as they are served."""

    def __init__(self, *, directory: Path, comments_html: Callable[[str], str | None]) -> None:
        super().__init__(directory=directory, html=True)
        self._comments_html = comments_html

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await self._page_with_comments(scope)
        if response is not None:
            return response
        response = await super().get_response(path, scope)
        site_path = scope["path"].lstrip("/")
        if response.status_code in (200, 304):
            response.headers["Cache-Control"] = cache_control(site_path)
        # Guessed from the name alone, a feed would go out as any other XML file.
        if response.status_code == 200 and is_feed(site_path):
            response.headers["Content-Type"] = FEED_MEDIA_TYPE
        return response

    async def _page_with_comments(self, scope: Scope) -> Response | None:
        case_study = _CASE_STUDY_PATH.fullmatch(scope["path"])
        if case_study is None or scope["method"] not in ("GET", "HEAD"):
            return None
        slug = case_study.group(1)
        full_path, stat_result = await run_in_threadpool(self.lookup_path, f"{case_study_url(slug)}index.html")
        page = None if stat_result is None else await run_in_threadpool(self._with_comments, Path(full_path), slug)
        if page is None:
            return None
        # Checked by the browser every time, so that a newly approved comment shows at once.
        headers = {"Cache-Control": "no-cache", "ETag": f'"{hashlib.sha256(page.encode()).hexdigest()[:32]}"'}
        if_none_match = Headers(scope=scope).get("if-none-match", "")
        if headers["ETag"] in (tag.strip().removeprefix("W/") for tag in if_none_match.split(",")):
            return Response(status_code=304, headers=headers)
        return HTMLResponse(page, headers=headers)

    def _with_comments(self, page_path: Path, slug: str) -> str | None:
        comments_html = self._comments_html(slug)
        if comments_html is None:
            return None
        return inject_comments(page_path.read_text(encoding="utf-8", errors="replace"), slug, comments_html)


def compressed(app: ASGIApp) -> ASGIApp:
    """``app`` with its text answers gzipped for browsers that accept it."""
    return GZipMiddleware(
        app, minimum_size=_COMPRESS_FROM_BYTES, compresslevel=_COMPRESSION_LEVEL, exclude_content_types=_NOT_COMPRESSED
    )


async def own_asset(request: Request) -> Response:
    """GET /comments/static/NAME: the service's stylesheet and script."""
    name = request.path_params["name"]
    if name not in _OWN_ASSETS:
        raise HTTPException(status_code=404)
    return FileResponse(TEMPLATES_DIR / name, media_type=_OWN_ASSETS[name])
