"""The comment service: receives comments, lets moderators decide, serves the site.

Pages are rendered from ``templates/`` with autoescaping on. No request, however
malformed, gets a traceback: every failure is answered with a plain page.
Every response, whatever sends it, carries the security headers of
``_SecurityHeaders``. Forwarded client addresses are believed only from the
proxies named in ``settings.forwarded_allow_ips``; run uvicorn through
``uvicorn_config``, which leaves that to the app and sends no Server header.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import hmac
import logging
import re
import sqlite3
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import jinja2
import uvicorn
from starlette.datastructures import MutableHeaders
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from cohub.comments.client_hash import ClientHasher, key_file_beside
from cohub.comments.notify import send_due_notification
from cohub.comments.render import TEMPLATES_DIR, inject_comments, render_approved_comments, template_environment
from cohub.comments.settings import CommentSettings, retention_policy
from cohub.comments.store import (
    CommentAlreadyDecidedError,
    CommentNotFoundError,
    CommentNotPublishedError,
    CommentStatus,
    CommentStore,
    ModeratorSession,
    RateLimit,
    SignInPolicy,
    normalise_username,
    parse_comment_id,
)
from cohub.comments.validation import FieldError, ValidationResult, validate_comment_form
from cohub.site_shell import site_shell

__all__ = ("SESSION_COOKIE", "create_app", "uvicorn_config")

SESSION_COOKIE = "cohub_moderator"

_logger = logging.getLogger(__name__)

# Files served at /comments/static/, from the templates folder.
_STATIC_FILES = {"comments.css": "text/css", "comments.js": "text/javascript"}

# Case study pages, which get their approved comments put in as they are served.
_CASE_STUDY_PATH = re.compile(r"/case-studies/([^/.][^/]*)/(?:index\.html)?")

# Sent with the service's own pages, unless the site's own policy is given to
# create_app. Its pages use no inline script or style.
_PAGE_HEADERS = {
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

# Password checks running at once: each takes 16 MiB, so memory stays bounded however many arrive.
_PASSWORD_CHECKS_AT_ONCE = 2

# How often the retention rules run while the service is up (they also run when it starts).
_RETENTION_INTERVAL = timedelta(days=1)
# How often the notification sender looks at the outbox when no comment has woken it.
_OUTBOX_POLL_SECONDS = 60.0


class _SecurityHeaders:
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


class _Service(Starlette):
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
            app = ProxyHeadersMiddleware(app, trusted_hosts=trusted)
        return _SecurityHeaders(app, hsts=self._hsts, content_security_policy=self._content_security_policy)


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


# Moderation decisions, from the URL, and the status each leaves the comment in.
_DECISIONS = {
    "approve": CommentStatus.APPROVED,
    "reject": CommentStatus.REJECTED,
    "withdraw": CommentStatus.REJECTED,
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
        case_study_titles: Mapping[str, str],
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
        self.case_study_titles = case_study_titles
        self.hasher = ClientHasher(
            rotation=timedelta(days=settings.client_hash_rotation_days),
            clock=store.now,
            secret=settings.client_hash_secret,
            key_file=key_file_beside(store.path),
        )
        self.env: jinja2.Environment = template_environment()
        self.outbox_wakeup: asyncio.Event | None = None
        self.password_checks = asyncio.Semaphore(_PASSWORD_CHECKS_AT_ONCE)

    @contextlib.asynccontextmanager
    async def lifespan(self, _app: Starlette) -> AsyncIterator[None]:
        """Apply the retention rules, then keep them and the notification sender running."""
        await run_in_threadpool(self.apply_retention)
        self.outbox_wakeup = asyncio.Event()
        tasks = [asyncio.create_task(self.retention_loop())]
        if self.settings.notifications_enabled:
            tasks.append(asyncio.create_task(self.notification_loop()))
        try:
            yield
        finally:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

    def apply_retention(self) -> None:
        """Forget personal data kept longer than the settings allow."""
        report = self.store.apply_retention(retention_policy(self.settings))
        _logger.info(
            "Retention: cleared %d pending and %d published comments' personal data, deleted %d rejected comments",
            report.pending_cleared,
            report.approved_cleared,
            report.rejected_deleted,
        )

    async def retention_loop(self) -> None:
        """Apply the retention rules once a day."""
        while True:
            await asyncio.sleep(_RETENTION_INTERVAL.total_seconds())
            try:
                await run_in_threadpool(self.apply_retention)
            except sqlite3.Error:
                _logger.exception("Could not apply the retention rules; will try again tomorrow")

    async def notification_loop(self) -> None:
        """Send notifications from the outbox when a comment arrives, and now and then."""
        assert self.outbox_wakeup is not None
        while True:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.outbox_wakeup.wait(), timeout=_OUTBOX_POLL_SECONDS)
            self.outbox_wakeup.clear()
            try:
                while await run_in_threadpool(send_due_notification, self.store, self.settings, self.site_url):
                    pass
            except sqlite3.Error:
                _logger.exception("Could not read the notification outbox")

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
        return HTMLResponse(html, status_code=status_code, headers={**_PAGE_HEADERS, **(headers or {})})

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
        """A keyed hash of the client's IP address: enough to count, not to identify."""
        return self.hasher.hash(request.client.host if request.client else "unknown")

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
        try:
            comment = await run_in_threadpool(
                functools.partial(
                    self.store.add,
                    result.page,
                    result.name,
                    result.email,
                    result.body,
                    client_hash,
                    limit=RateLimit(count=self.settings.rate_limit_count, window=window),
                    notify=self.settings.notifications_enabled,
                )
            )
        except sqlite3.Error:
            _logger.exception("Could not save a comment on %r", result.page)
            if wants_json:
                return JSONResponse(
                    {"errors": {"form": "Sorry, your comment could not be saved. Try again later."}}, status_code=503
                )
            return self.form_page(result, "not_saved", status_code=503, known_pages=known_pages)
        if comment is None:
            retry_after = {"Retry-After": str(int(window.total_seconds()))}
            if wants_json:
                return JSONResponse(
                    {"errors": {"form": self.rate_limit_message()}}, status_code=429, headers=retry_after
                )
            return self.form_page(
                result, "rate_limited", status_code=429, known_pages=known_pages, headers=retry_after
            )
        _logger.info("Comment %d on %r is waiting for moderation", comment.id, comment.page)
        if self.outbox_wakeup is not None and self.settings.notifications_enabled:
            self.outbox_wakeup.set()
        return self.accepted(comment.page, wants_json)

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

    def accepted(self, page: str, wants_json: bool) -> Response:
        """Answer a comment that was taken (or quietly dropped as spam)."""
        if wants_json:
            return JSONResponse({"status": "pending"})
        location = f"/comments/thanks?{urlencode({'page': page})}" if page else "/comments/thanks"
        return RedirectResponse(location, status_code=303)

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

    async def static_file(self, request: Request) -> Response:
        """GET /comments/static/NAME: the service's stylesheet and script."""
        name = request.path_params["name"]
        if name not in _STATIC_FILES:
            raise HTTPException(status_code=404)
        return FileResponse(TEMPLATES_DIR / name, media_type=_STATIC_FILES[name])

    # Moderation

    async def moderation_list(self, request: Request) -> Response:
        """GET /moderate: comments waiting for a decision, and published comments (searchable)."""
        moderator = await run_in_threadpool(self.moderator_for, request)
        if moderator is None:
            return RedirectResponse("/moderate/login", status_code=303)
        search = request.query_params.get("q", "")[:200]
        pending = await run_in_threadpool(self.store.list, CommentStatus.PENDING)
        published = await run_in_threadpool(self.store.search_approved, search)
        decided = None
        decision = request.query_params.get("decided", "")
        decided_id = parse_comment_id(request.query_params.get("comment", ""))
        if decided_id is not None and decision in _DECISIONS:
            found = await run_in_threadpool(self.store.get, decided_id)
            # Only report a decision that has really been made.
            if found is not None and found.status == _DECISIONS[decision]:
                decided = found
        return self.page(
            "moderate.html",
            {
                "comments": pending,
                "published": published,
                "search": search,
                "decided": decided,
                "decision": decision,
                "titles": self.case_study_titles,
            },
            moderator=moderator,
        )

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
        headers: Mapping[str, str] | None = None,
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
            headers=headers,
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
        username = str(form.get("username", "")).strip()[:200]
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
        policy = SignInPolicy(
            client_limit=self.settings.login_failure_limit,
            window=timedelta(minutes=self.settings.login_failure_window_minutes),
            free_failures=self.settings.login_failure_limit,
            max_delay=timedelta(seconds=self.settings.login_delay_max_seconds),
        )
        decision = await run_in_threadpool(self.store.reserve_sign_in, username, self.client_hash(request), policy)
        if decision.attempt_id is None:
            minutes = self.settings.login_failure_window_minutes
            message = f"You have tried to sign in too many times. Wait {minutes} minutes, then try again"
            return self.login_form(
                username=username,
                errors=(FieldError("username", message),),
                status_code=429,
                headers={"Retry-After": str(decision.retry_after_seconds)},
            )
        # Others guessing this name's password slow it down, but never lock it.
        await asyncio.sleep(decision.delay_seconds)
        async with self.password_checks:
            right = await run_in_threadpool(self.store.check_moderator_password, username, password)
        if not right:
            _logger.warning("Failed sign-in to the moderation page")
            error = FieldError("username", "Enter a correct username and password")
            return self.login_form(username=username, errors=(error,), status_code=400)
        await run_in_threadpool(self.store.sign_in_succeeded, decision.attempt_id)
        username = normalise_username(username)
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
        """POST /moderate/{id}/approve, /reject and /withdraw."""
        decision = request.path_params["decision"]
        comment_id = parse_comment_id(request.path_params["comment_id"])
        if decision not in _DECISIONS or comment_id is None:
            raise HTTPException(status_code=404)
        moderator, refusal = await self.moderator_form(request)
        if moderator is None:
            assert refusal is not None
            return refusal
        actions = {"approve": self.store.approve, "reject": self.store.reject, "withdraw": self.store.withdraw}
        try:
            comment = await run_in_threadpool(actions[decision], comment_id)
        except CommentNotFoundError:
            return self.nothing_changed(
                f"Comment {comment_id} does not exist. It may have been deleted.", 404, moderator
            )
        except CommentAlreadyDecidedError as exc:
            return self.nothing_changed(f"Comment {comment_id} had already been {exc.comment.status}.", 409, moderator)
        except CommentNotPublishedError:
            return self.nothing_changed(f"Comment {comment_id} is not on the site.", 409, moderator)
        _logger.info("A moderator chose to %s comment %d", decision, comment.id)
        return RedirectResponse(f"/moderate?decided={decision}&comment={comment.id}", status_code=303)

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
    case_study_titles: Mapping[str, str] | None = None,
    content_security_policy: str | None = None,
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
        case_study_titles: Each case study's title by slug, for the
            moderation page (the slug is shown for any not given).
        content_security_policy: A Content-Security-Policy to send with
            every response (site files too); None to send the service's own
            policy with its own pages only.

    Returns:
        The application, for uvicorn (see ``uvicorn_config``) or any ASGI server.

    Raises:
        ValueError: ``site_url`` is not an http or https address.
    """
    service = _CommentService(
        site_dir=site_dir,
        store=store,
        site_url=site_url,
        known_pages=known_pages,
        settings=settings,
        case_study_titles=case_study_titles or {},
    )
    routes: tuple[BaseRoute, ...] = (
        Route("/comments", service.submit_comment, methods=["POST"]),
        Route("/comments/thanks", service.thanks, methods=["GET"]),
        Route("/comments/static/{name}", service.static_file, methods=["GET"]),
        Route("/moderate", service.moderation_list, methods=["GET"]),
        Route("/moderate/login", service.login_page, methods=["GET"]),
        Route("/moderate/login", service.login, methods=["POST"]),
        Route("/moderate/logout", service.logout, methods=["POST"]),
        Route("/moderate/{comment_id}/{decision}", service.decide, methods=["POST"]),
    )
    if site_dir is not None:
        routes += (Mount("/", app=_SiteFiles(directory=site_dir, comments_html=service.comments_html)),)
    return _Service(
        settings=settings,
        hsts=service.secure_cookies,
        content_security_policy=content_security_policy,
        routes=list(routes),
        exception_handlers={HTTPException: service.http_error, Exception: service.server_error},
        lifespan=service.lifespan,
    )
