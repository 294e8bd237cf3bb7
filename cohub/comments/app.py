"""The comment service: receives comments, lets moderators decide, serves the site.

Pages are rendered from ``templates/`` with autoescaping on. No request, however
malformed, gets a traceback: every failure is answered with a plain page.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import smtplib
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import jinja2
from starlette.applications import Starlette
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from cohub.comments.render import TEMPLATES_DIR, inject_comments, render_approved_comments, template_environment
from cohub.comments.settings import CommentSettings
from cohub.comments.store import (
    Comment,
    CommentAlreadyDecidedError,
    CommentNotFoundError,
    CommentStatus,
    CommentStore,
    ModeratorSession,
)
from cohub.comments.validation import FieldError, ValidationResult, validate_comment_form
from cohub.site_shell import site_shell

__all__ = ("SESSION_COOKIE", "create_app")

SESSION_COOKIE = "cohub_moderator"

_logger = logging.getLogger(__name__)

# Files served at /comments/static/, from the templates folder.
_STATIC_FILES = {"comments.css": "text/css", "comments.js": "text/javascript"}

# Case study pages, which get their approved comments put in as they are served.
_CASE_STUDY_PATH = re.compile(r"/case-studies/([^/.][^/]*)/(?:index\.html)?")

# SQLite integers are 64-bit; larger ids cannot exist and must not reach it.
_LARGEST_ID = 2**63 - 1

# Sent with the service's own pages. Its pages use no inline script or style.
_SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none';"
        " form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "Cache-Control": "no-store",
}


class _BodyTooLarge(Exception):
    """The request body is bigger than the service accepts."""


@dataclass(frozen=True)
class _Refusal:
    """A comment that cannot be taken, explained on a plain page or in JSON."""

    status_code: int
    heading: str
    paragraphs: tuple[str, ...]


def _origin(url: str) -> str | None:
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


def _case_study_href(slug: str) -> str:
    return f"/case-studies/{slug}/"


class _SiteFiles(StaticFiles):
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


class _CommentService:
    """Request handlers and what they share."""

    def __init__(
        self,
        *,
        site_dir: Path | None,
        store: CommentStore,
        site_url: str,
        known_pages: Callable[[], frozenset[str]] | frozenset[str],
        settings: CommentSettings,
    ) -> None:
        site_origin = _origin(site_url)
        if site_origin is None:
            raise ValueError(f"site_url must be an http or https address, not {site_url!r}")
        self.site_dir = site_dir
        self.store = store
        self.site_url = site_url.rstrip("/")
        self.site_origin = site_origin
        self.secure_cookies = site_origin.startswith("https:")
        self.known_pages = known_pages if callable(known_pages) else lambda: known_pages
        self.settings = settings
        self.client_hash_secret = (settings.client_hash_secret or store.secret("client_hash")).encode("utf-8")
        self.env: jinja2.Environment = template_environment()

    # Shared helpers

    def site_stylesheets(self) -> tuple[str, ...]:
        """The built site's Material stylesheets, so the service's pages look like the site."""
        if self.site_dir is None:
            return ()
        folder = self.site_dir / "assets" / "stylesheets"
        found = sorted(folder.glob("main.*.min.css")) + sorted(folder.glob("palette.*.min.css"))
        # The hub's own look and the organisation's colours, when the site has them.
        own = tuple(name for name in ("stylesheets/public-service.css", "assets/cohub/brand.css")
                    if (self.site_dir / name).is_file())
        return (*(f"/assets/stylesheets/{path.name}" for path in found), *(f"/{name}" for name in own))

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
            moderator=moderator,
            **context,
        )
        return HTMLResponse(html, status_code=status_code, headers={**_SECURITY_HEADERS, **(headers or {})})

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

    def client_hash(self, request: Request) -> str:
        """A salted hash of the client's IP address: enough to count, not to identify."""
        address = request.client.host if request.client else "unknown"
        return hmac.new(self.client_hash_secret, address.encode("utf-8"), hashlib.sha256).hexdigest()

    def same_origin(self, request: Request) -> bool:
        """True if the request came from a page on the site (Origin, else Referer)."""
        sender = request.headers.get("origin") or request.headers.get("referer")
        return sender is not None and _origin(sender) == self.site_origin

    async def read_form(self, request: Request) -> FormData:
        """Read a form body no bigger than the limit.

        Raises:
            _BodyTooLarge: The body is over ``settings.max_body_bytes``.
        """
        limit = self.settings.max_body_bytes
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            raise _BodyTooLarge
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > limit:
                raise _BodyTooLarge

        async def replay_body() -> dict[str, Any]:
            return {"type": "http.request", "body": bytes(body), "more_body": False}

        # Starlette's parser handles both url-encoded and multipart bodies;
        # it is given the body already read, so the limit above holds.
        return await Request(request.scope, replay_body).form(max_files=0, max_fields=50)

    def moderator_for(self, request: Request) -> ModeratorSession | None:
        """The signed-in moderator, from the session cookie."""
        token = request.cookies.get(SESSION_COOKIE)
        return None if not token else self.store.find_session(token)

    # Commenting

    def comments_html(self, slug: str) -> str | None:
        """Rendered approved comments for one case study, or None if it does not take comments."""
        if slug not in self.known_pages():
            return None
        return render_approved_comments(self.env, self.store.approved_for(slug))

    async def submit_comment(self, request: Request) -> Response:
        """POST /comments: take a comment for moderation."""
        wants_json = "application/json" in request.headers.get("accept", "")
        if not self.same_origin(request):
            return self.refuse(
                _Refusal(
                    403,
                    "Your comment could not be sent",
                    (
                        f"Comments can only be sent from a case study page on {self.settings.site_name}.",
                        "Go back to the case study and try again. Your comment should still be in the form.",
                    ),
                ),
                wants_json,
            )
        try:
            form = await self.read_form(request)
        except _BodyTooLarge:
            return self.refuse(
                _Refusal(
                    413,
                    "Your comment is too long to send",
                    (
                        "Comments must be 5,000 characters or fewer.",
                        "Go back to the case study, where your comment should still be in the form,"
                        " and make it shorter.",
                    ),
                ),
                wants_json,
            )
        except ClientDisconnect:
            return Response(status_code=400)
        fields = {name: value for name, value in form.items() if isinstance(value, str)}
        known_pages = await run_in_threadpool(self.known_pages)
        result = validate_comment_form(fields, known_pages)
        if result.is_spam:
            _logger.info("Ignored a comment with the hidden field filled in")
            return self.accepted(result.page if result.page in known_pages else "", wants_json)
        if not result.is_valid:
            if wants_json:
                return JSONResponse({"errors": result.error_messages()}, status_code=422)
            return self.form_page(result, "invalid", status_code=400, known_pages=known_pages)
        client_hash = self.client_hash(request)
        window = timedelta(minutes=self.settings.rate_limit_window_minutes)
        recent = await run_in_threadpool(self.store.count_recent_comments, client_hash, window)
        if recent >= self.settings.rate_limit_count:
            retry_after = {"Retry-After": str(int(window.total_seconds()))}
            if wants_json:
                return JSONResponse(
                    {"errors": {"form": self.rate_limit_message()}}, status_code=429, headers=retry_after
                )
            return self.form_page(
                result, "rate_limited", status_code=429, known_pages=known_pages, headers=retry_after
            )
        try:
            comment = await run_in_threadpool(
                self.store.add, result.page, result.name, result.email, result.body, client_hash
            )
        except sqlite3.Error:
            _logger.exception("Could not save a comment on %r", result.page)
            if wants_json:
                return JSONResponse(
                    {"errors": {"form": "Sorry, your comment could not be saved. Try again later."}}, status_code=503
                )
            return self.form_page(result, "not_saved", status_code=503, known_pages=known_pages)
        _logger.info("Comment %d on %r is waiting for moderation", comment.id, comment.page)
        notify = BackgroundTask(self.notify_moderators, comment) if self.settings.notifications_enabled else None
        return self.accepted(comment.page, wants_json, background=notify)

    def rate_limit_message(self) -> str:
        """Why a comment was turned away by the rate limit, and what to do."""
        minutes = self.settings.rate_limit_window_minutes
        return (
            f"You have sent too many comments. Each person can send up to {self.settings.rate_limit_count}"
            f" comments every {minutes} minutes. Wait {minutes} minutes, then send your comment again."
        )

    def refuse(self, refusal: _Refusal, wants_json: bool) -> Response:
        """Answer a comment that cannot be taken."""
        if wants_json:
            return JSONResponse({"errors": {"form": " ".join(refusal.paragraphs)}}, status_code=refusal.status_code)
        return self.message(refusal.heading, refusal.paragraphs, status_code=refusal.status_code)

    def accepted(self, page: str, wants_json: bool, background: BackgroundTask | None = None) -> Response:
        """Answer a comment that was taken (or quietly dropped as spam)."""
        if wants_json:
            return JSONResponse({"status": "pending"}, background=background)
        location = f"/comments/thanks?{urlencode({'page': page})}" if page else "/comments/thanks"
        return RedirectResponse(location, status_code=303, background=background)

    def form_page(
        self,
        result: ValidationResult,
        outcome: str,
        *,
        status_code: int,
        known_pages: frozenset[str],
        headers: Mapping[str, str] | None = None,
    ) -> HTMLResponse:
        """The comment form again, holding everything the person typed."""
        return self.page(
            "comment_form_page.html",
            {
                "outcome": outcome,
                "form": result.form,
                "errors": result.errors,
                "errors_by_field": result.error_messages(),
                "back_href": _case_study_href(result.page) if result.page in known_pages else "",
                "privacy_url": self.settings.privacy_url,
                "rate_limit_count": self.settings.rate_limit_count,
                "rate_limit_minutes": self.settings.rate_limit_window_minutes,
            },
            status_code=status_code,
            headers=headers,
        )

    async def thanks(self, request: Request) -> Response:
        """GET /comments/thanks: what happens next."""
        slug = request.query_params.get("page", "")
        known_pages = await run_in_threadpool(self.known_pages)
        return self.page(
            "thanks.html", {"case_study_href": _case_study_href(slug) if slug in known_pages else ""}
        )

    def notify_moderators(self, comment: Comment) -> None:
        """Email moderators about a new comment. Runs after the comment is saved.

        A failure is logged and goes no further: the comment is already safe
        in the moderation list. The commenter's email address is not sent.
        """
        message = EmailMessage()
        message["Subject"] = f"New comment waiting for moderation on {comment.page}"
        message["From"] = self.settings.smtp_from
        message["To"] = ", ".join(self.settings.smtp_to)
        message.set_content(
            "A new comment is waiting for moderation.\n\n"
            f"Case study: {self.site_url}{_case_study_href(comment.page)}\n"
            f"Name: {comment.name or 'Anonymous'}\n"
            f"Comment number: {comment.id}\n\n"
            f"{comment.body}\n\n"
            f"Approve or reject it at {self.site_url}/moderate\n"
        )
        try:
            with smtplib.SMTP(self.settings.smtp_host, self.settings.smtp_port, timeout=30) as smtp:
                smtp.send_message(message)
        except OSError:
            _logger.exception(
                "Could not email moderators about comment %d; it is waiting in the moderation list", comment.id
            )

    async def static_file(self, request: Request) -> Response:
        """GET /comments/static/NAME: the service's stylesheet and script."""
        name = request.path_params["name"]
        if name not in _STATIC_FILES:
            raise HTTPException(status_code=404)
        return FileResponse(TEMPLATES_DIR / name, media_type=_STATIC_FILES[name])

    # Moderation

    async def moderation_list(self, request: Request) -> Response:
        """GET /moderate: comments waiting for a decision."""
        moderator = await run_in_threadpool(self.moderator_for, request)
        if moderator is None:
            return RedirectResponse("/moderate/login", status_code=303)
        pending = await run_in_threadpool(self.store.list, CommentStatus.PENDING)
        decided = None
        decided_id = request.query_params.get("comment", "")
        if decided_id.isdigit() and int(decided_id) <= _LARGEST_ID:
            found = await run_in_threadpool(self.store.get, int(decided_id))
            # Only report a decision that has really been made.
            if found is not None and found.status == request.query_params.get("decided"):
                decided = found
        return self.page("moderate.html", {"comments": pending, "decided": decided}, moderator=moderator)

    async def login_page(self, request: Request) -> Response:
        """GET /moderate/login."""
        if await run_in_threadpool(self.moderator_for, request) is not None:
            return RedirectResponse("/moderate", status_code=303)
        return self.login_form(signed_out="signed_out" in request.query_params)

    def login_form(
        self,
        *,
        username: str = "",
        errors: tuple[FieldError, ...] = (),
        status_code: int = 200,
        signed_out: bool = False,
    ) -> HTMLResponse:
        """The sign-in form, with any errors."""
        return self.page(
            "login.html",
            {
                "username": username,
                "errors": errors,
                "errors_by_field": {error.field: error.message for error in errors},
                "signed_out": signed_out,
            },
            status_code=status_code,
        )

    async def login(self, request: Request) -> Response:
        """POST /moderate/login: check a username and password, with throttling."""
        if not self.same_origin(request):
            return self.message(
                "You could not be signed in",
                ("Sign in from the sign-in page of this website.",),
                status_code=403,
                links=(("/moderate/login", "Go to the sign-in page"),),
            )
        try:
            form = await self.read_form(request)
        except (_BodyTooLarge, ClientDisconnect):
            return self.message(
                "You could not be signed in",
                ("What was sent was too large.",),
                status_code=413,
                links=(("/moderate/login", "Go to the sign-in page"),),
            )
        username = str(form.get("username", "")).strip().lower()
        password = str(form.get("password", ""))
        missing = tuple(
            FieldError(field, message)
            for field, message, value in (
                ("username", "Enter your username", username),
                ("password", "Enter your password", password),
            )
            if not value
        )
        if missing:
            return self.login_form(username=username, errors=missing, status_code=400)
        client_hash = self.client_hash(request)
        window = timedelta(minutes=self.settings.login_failure_window_minutes)
        failures = await run_in_threadpool(self.store.count_login_failures, username, client_hash, window)
        limit = self.settings.login_failure_limit
        if failures.for_username >= limit or failures.for_client >= limit:
            minutes = self.settings.login_failure_window_minutes
            message = f"You have tried to sign in too many times. Wait {minutes} minutes, then try again"
            return self.login_form(username=username, errors=(FieldError("username", message),), status_code=429)
        if not await run_in_threadpool(self.store.check_moderator_password, username, password):
            await run_in_threadpool(self.store.record_login_failure, username, client_hash)
            _logger.warning("Failed sign-in for moderator %r", username)
            error = FieldError("username", "Enter a correct username and password")
            return self.login_form(username=username, errors=(error,), status_code=400)
        lifetime = timedelta(hours=self.settings.session_lifetime_hours)
        session = await run_in_threadpool(self.store.start_session, username, lifetime)
        response = RedirectResponse("/moderate", status_code=303)
        response.set_cookie(
            SESSION_COOKIE,
            session.token,
            path="/moderate",
            httponly=True,
            samesite="strict",
            secure=self.secure_cookies,
        )
        return response

    async def moderator_form(self, request: Request) -> tuple[ModeratorSession | None, Response | None]:
        """Check a moderator's POST: same origin, signed in, right CSRF token.

        Returns:
            The session and None if all is well; otherwise None and the answer to send.
        """
        if not self.same_origin(request):
            return None, self.expired_form()
        try:
            form = await self.read_form(request)
        except (_BodyTooLarge, ClientDisconnect):
            return None, self.expired_form()
        moderator = await run_in_threadpool(self.moderator_for, request)
        if moderator is None:
            return None, RedirectResponse("/moderate/login", status_code=303)
        if not hmac.compare_digest(str(form.get("csrf_token", "")), moderator.csrf_token):
            return None, self.expired_form()
        return moderator, None

    def expired_form(self) -> HTMLResponse:
        """The answer to a moderation form that is stale, forged or from elsewhere."""
        return self.message(
            "This form has expired",
            ("Nothing was changed. Go back to the list of comments and try again.",),
            status_code=403,
            links=(("/moderate", "Go to the list of comments"),),
        )

    async def logout(self, request: Request) -> Response:
        """POST /moderate/logout."""
        moderator, refusal = await self.moderator_form(request)
        if moderator is None:
            assert refusal is not None
            return refusal
        await run_in_threadpool(self.store.end_session, moderator.token)
        response = RedirectResponse("/moderate/login?signed_out", status_code=303)
        response.delete_cookie(
            SESSION_COOKIE, path="/moderate", httponly=True, samesite="strict", secure=self.secure_cookies
        )
        return response

    async def decide(self, request: Request) -> Response:
        """POST /moderate/{id}/approve and /moderate/{id}/reject."""
        decision = request.path_params["decision"]
        if decision not in ("approve", "reject"):
            raise HTTPException(status_code=404)
        moderator, refusal = await self.moderator_form(request)
        if moderator is None:
            assert refusal is not None
            return refusal
        comment_id = request.path_params["comment_id"]
        action = self.store.approve if decision == "approve" else self.store.reject
        try:
            if comment_id > _LARGEST_ID:
                raise CommentNotFoundError(comment_id)
            comment = await run_in_threadpool(action, comment_id)
        except CommentNotFoundError:
            return self.nothing_changed(
                f"Comment {comment_id} does not exist. It may have been deleted.", 404, moderator
            )
        except CommentAlreadyDecidedError as exc:
            return self.nothing_changed(f"Comment {comment_id} had already been {exc.comment.status}.", 409, moderator)
        _logger.info("Moderator %r %s comment %d", moderator.username, comment.status, comment.id)
        return RedirectResponse(f"/moderate?decided={comment.status}&comment={comment.id}", status_code=303)

    def nothing_changed(self, reason: str, status_code: int, moderator: ModeratorSession) -> HTMLResponse:
        """The answer to a decision on a comment that is not waiting for one."""
        return self.message(
            "Nothing was changed",
            (reason,),
            status_code=status_code,
            links=(("/moderate", "Go to the list of comments"),),
            moderator=moderator,
        )

    # Errors

    async def http_error(self, request: Request, exc: Exception) -> Response:
        """Plain pages for 404, 405 and other HTTP errors."""
        assert isinstance(exc, HTTPException)
        headers = dict(exc.headers or {})
        if exc.status_code == 404:
            return self.message(
                "Page not found",
                ("If you typed the web address, check it is correct.",),
                status_code=404,
                links=(("/", "Go to the home page"),),
            )
        if exc.status_code == 405:
            return self.message(
                "This page cannot be used like that",
                ("Go back and try again.",),
                status_code=405,
                links=(("/", "Go to the home page"),),
                headers=headers,
            )
        return self.message(
            "Sorry, your request could not be understood",
            ("Go back and try again.",),
            status_code=exc.status_code if 400 <= exc.status_code < 500 else 400,
            links=(("/", "Go to the home page"),),
            headers=headers,
        )

    async def server_error(self, request: Request, exc: Exception) -> Response:
        """A plain page for anything unexpected; the details go to the log."""
        return self.message(
            "Sorry, there is a problem with the service",
            ("Try again later.",),
            status_code=500,
            links=(("/", "Go to the home page"),),
        )


def create_app(
    *,
    site_dir: Path | None,
    store: CommentStore,
    site_url: str,
    known_pages: Callable[[], frozenset[str]] | frozenset[str],
    settings: CommentSettings,
) -> Starlette:
    """Build the comment service as an ASGI application.

    Args:
        site_dir: The built site to serve as well, or None to serve only the
            comment and moderation pages.
        store: Where comments are kept.
        site_url: The site's public address. Form posts must come from its
            origin, and cookies are marked Secure when it is https.
        known_pages: The case study slugs that can be commented on, or a
            function giving them (called on each submission, so it can
            follow a rebuilt site).
        settings: Limits, names and notification settings.

    Returns:
        The application, for uvicorn or any ASGI server.

    Raises:
        ValueError: ``site_url`` is not an http or https address.
    """
    service = _CommentService(
        site_dir=site_dir, store=store, site_url=site_url, known_pages=known_pages, settings=settings
    )
    routes: tuple[BaseRoute, ...] = (
        Route("/comments", service.submit_comment, methods=["POST"]),
        Route("/comments/thanks", service.thanks, methods=["GET"]),
        Route("/comments/static/{name}", service.static_file, methods=["GET"]),
        Route("/moderate", service.moderation_list, methods=["GET"]),
        Route("/moderate/login", service.login_page, methods=["GET"]),
        Route("/moderate/login", service.login, methods=["POST"]),
        Route("/moderate/logout", service.logout, methods=["POST"]),
        Route("/moderate/{comment_id:int}/{decision}", service.decide, methods=["POST"]),
    )
    if site_dir is not None:
        routes += (Mount("/", app=_SiteFiles(directory=site_dir, comments_html=service.comments_html)),)
    return Starlette(
        routes=list(routes),
        exception_handlers={HTTPException: service.http_error, Exception: service.server_error},
    )
