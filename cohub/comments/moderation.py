"""Moderation over the web: signing in and out, sessions, the list of comments and decisions on them."""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections.abc import Mapping
from datetime import timedelta

from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from cohub.comments.body import BodyTooLarge, read_form
from cohub.comments.client_hash import ClientHasher
from cohub.comments.origin import sent_from
from cohub.comments.pages import Pages
from cohub.comments.settings import CommentSettings
from cohub.comments.store import (
    CommentAlreadyDecidedError,
    CommentNotFoundError,
    CommentNotPublishedError,
    CommentStatus,
    CommentStore,
    ModeratorSession,
    SignInPolicy,
    normalise_username,
    parse_comment_id,
)
from cohub.comments.validation import FieldError

__all__ = ("SESSION_COOKIE", "Moderation")

SESSION_COOKIE = "cohub_moderator"

_logger = logging.getLogger(__name__)

# Password checks running at once: each takes 16 MiB, so memory stays bounded however many arrive.
_PASSWORD_CHECKS_AT_ONCE = 2

# Moderation decisions, from the URL, and the status each leaves the comment in.
_DECISIONS = {
    "approve": CommentStatus.APPROVED,
    "reject": CommentStatus.REJECTED,
    "withdraw": CommentStatus.REJECTED,
}


class Moderation:
    """The handlers under /moderate.

    Args:
        pages: Renders the answers.
        store: Where comments, moderators and sessions are kept.
        settings: Sign-in limits and session lifetime.
        own_origin: The origin of the moderation pages themselves, which
            their forms must be sent from.
        secure_cookies: Mark the session cookie Secure (the pages are https).
        hasher: Scrambles client addresses for the sign-in limits.
        case_study_titles: Each case study's title by slug.
    """

    def __init__(
        self,
        *,
        pages: Pages,
        store: CommentStore,
        settings: CommentSettings,
        own_origin: str,
        secure_cookies: bool,
        hasher: ClientHasher,
        case_study_titles: Mapping[str, str],
    ) -> None:
        self.pages = pages
        self.store = store
        self.settings = settings
        self.own_origin = own_origin
        self.secure_cookies = secure_cookies
        self.hasher = hasher
        self.case_study_titles = case_study_titles
        self.password_checks = asyncio.Semaphore(_PASSWORD_CHECKS_AT_ONCE)

    def moderator_for(self, request: Request) -> ModeratorSession | None:
        """The signed-in moderator, from the session cookie."""
        token = request.cookies.get(SESSION_COOKIE)
        return None if not token else self.store.find_session(token)

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
        return self.pages.page(
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
        return self.pages.page(
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
        if not sent_from(request, self.own_origin):
            return self.pages.message(
                "You could not be signed in",
                ("Sign in from the sign-in page of this website.",),
                status_code=403,
                links=(("/moderate/login", "Go to the sign-in page"),),
            )
        try:
            form = await read_form(request, self.settings.max_body_bytes)
        except (BodyTooLarge, ClientDisconnect):
            return self.pages.message(
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
        client_hash = self.hasher.hash(request.client.host if request.client else "unknown")
        decision = await run_in_threadpool(self.store.reserve_sign_in, username, client_hash, policy)
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
        if not sent_from(request, self.own_origin):
            return None, self.expired_form()
        try:
            form = await read_form(request, self.settings.max_body_bytes)
        except (BodyTooLarge, ClientDisconnect):
            return None, self.expired_form()
        moderator = await run_in_threadpool(self.moderator_for, request)
        if moderator is None:
            return None, RedirectResponse("/moderate/login", status_code=303)
        if not hmac.compare_digest(str(form.get("csrf_token", "")), moderator.csrf_token):
            return None, self.expired_form()
        return moderator, None

    def expired_form(self) -> HTMLResponse:
        """The answer to a moderation form that is stale, forged or from elsewhere."""
        return self.pages.message(
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
        return self.pages.message(
            "Nothing was changed",
            (reason,),
            status_code=status_code,
            links=(("/moderate", "Go to the list of comments"),),
            moderator=moderator,
        )
