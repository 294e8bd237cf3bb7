"""Taking comments: the form post, its answers (a page or JSON), and the thanks page."""

from __future__ import annotations

import functools
import logging
import sqlite3
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import urlencode

from starlette.concurrency import run_in_threadpool
from starlette.requests import ClientDisconnect, Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from cohub.addresses import case_study_url
from cohub.comments.background import BackgroundWork
from cohub.comments.body import BodyTooLarge, read_form
from cohub.comments.client_hash import ClientHasher
from cohub.comments.origin import sent_from
from cohub.comments.pages import Pages
from cohub.comments.render import render_approved_comments
from cohub.comments.settings import CommentSettings
from cohub.comments.store import CommentStore, RateLimit
from cohub.comments.validation import COMMENT_MAX_LENGTH, ValidationResult, validate_comment_form

__all__ = ("Commenting", "case_study_href")

_logger = logging.getLogger(__name__)


def case_study_href(slug: str) -> str:
    """The address of a case study's page on the site."""
    return f"/{case_study_url(slug)}"


@dataclass(frozen=True)
class _Refusal:
    """A comment that cannot be taken, explained on a plain page or in JSON."""

    status_code: int
    heading: str
    paragraphs: tuple[str, ...]


class Commenting:
    """The handlers for POST /comments and GET /comments/thanks.

    Args:
        pages: Renders the answers.
        store: Where comments are kept.
        settings: Limits and names.
        site_origin: The origin comment forms must be sent from.
        known_pages: A function giving the slugs that take comments.
        hasher: Scrambles client addresses for the rate limit.
        background: Told when a comment arrives, to email moderators.
    """

    def __init__(
        self,
        *,
        pages: Pages,
        store: CommentStore,
        settings: CommentSettings,
        site_origin: str,
        known_pages: Callable[[], frozenset[str]],
        hasher: ClientHasher,
        background: BackgroundWork,
    ) -> None:
        self.pages = pages
        self.store = store
        self.settings = settings
        self.site_origin = site_origin
        self.known_pages = known_pages
        self.hasher = hasher
        self.background = background

    def comments_html(self, slug: str) -> str | None:
        """Rendered approved comments for one case study, or None if it does not take comments."""
        if slug not in self.known_pages():
            return None
        return render_approved_comments(self.pages.env, self.store.approved_for(slug))

    async def submit_comment(self, request: Request) -> Response:
        """POST /comments: take a comment for moderation."""
        wants_json = "application/json" in request.headers.get("accept", "")
        if not sent_from(request, self.site_origin):
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
            form = await read_form(request, self.settings.max_body_bytes)
        except BodyTooLarge:
            return self.refuse(
                _Refusal(
                    413,
                    "Your comment is too long to send",
                    (
                        f"Comments must be {COMMENT_MAX_LENGTH:,} characters or fewer.",
                        (
                            "Go back to the case study, where your comment should still be in the form,"
                            " and make it shorter."
                        ),
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
        client_hash = self.hasher.hash(request.client.host if request.client else "unknown")
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
            return self.form_page(result, "rate_limited", status_code=429, known_pages=known_pages, headers=retry_after)
        _logger.info("Comment %d on %r is waiting for moderation", comment.id, comment.page)
        self.background.comment_arrived()
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
        return self.pages.message(refusal.heading, refusal.paragraphs, status_code=refusal.status_code)

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
        return self.pages.page(
            "comment_form_page.html",
            {
                "outcome": outcome,
                "form": result.form,
                "errors": result.errors,
                "errors_by_field": result.error_messages(),
                "back_href": self.pages.on_site(case_study_href(result.page)) if result.page in known_pages else "",
                "privacy_url": self.pages.on_site(self.settings.privacy_url),
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
        return self.pages.page(
            "thanks.html", {"case_study_href": self.pages.on_site(case_study_href(slug)) if slug in known_pages else ""}
        )
