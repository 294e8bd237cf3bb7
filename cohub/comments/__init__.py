"""Moderated comments on case studies.

People comment without an account. Every comment waits for a moderator;
only approved comments are published, and email addresses never are.

Public API
----------
``create_app(*, site_dir, store, site_url, known_pages, settings, case_study_titles=None,
content_security_policy=None, service_url=None) -> Starlette``
    The service (``cohub.comments.app``). Serves POST /comments,
    GET /comments/thanks, /comments/static/comments.css and .js, the
    moderation pages under /moderate, and, when ``site_dir`` is given, the
    built site itself with approved comments put into each
    /case-studies/SLUG/ page as it is served. Every response gets the
    security headers (and ``content_security_policy`` when given). Run it
    with ``uvicorn.Server(uvicorn_config(app, ...))``: the app itself
    believes forwarded addresses only from ``settings.forwarded_allow_ips``,
    and its lifespan runs the notification sender and the retention rules.
    With ``service_url`` (``extra.cohub.comments.url``), it runs apart from
    the site: comments must come from ``site_url``'s origin, moderation
    forms from ``service_url``'s, and its pages link back to the site.
``CommentStore(location)``
    Storage in an SQLite file or, given a ``postgresql://`` address, in
    PostgreSQL (``cohub.comments.store``): ``add`` (with an atomic rate
    limit), ``get``, ``list``, ``approve``, ``reject``, ``withdraw``,
    ``erase_email``, ``search_approved``, ``apply_retention``,
    ``approved_for``, ``reserve_sign_in`` and the notification outbox.
``CommentSettings``, ``settings_from_env(environ, extra)`` and ``retention_periods(settings)``
    Settings from ``COHUB_*`` environment variables and the ``extra.comments``
    mapping of ``mkdocs.yml`` (``cohub.comments.settings``); the retention
    periods as the privacy notice states them.
``template_environment()``, ``render_approved_comments(env, comments) -> str`` and
``inject_comments(page_html, slug, comments_html) -> str``
    Rendering approved comments and putting them into a built page
    (``cohub.comments.render``); used by the service and by the site build.
``add_parser(subparsers)``
    Registers ``cohub comments ...`` on the main argparse parser
    (``cohub.comments.cli``).

The comment form contract
-------------------------
The site's comment partial must contain a form that works without JavaScript::

    <form action="/comments" method="post" novalidate>

(or ``action="URL/comments"`` when the service runs apart at URL, see
``cohub.comments.address``)
with these fields (each ``id`` equal to its ``name``, so that error links work):

- ``page``: hidden, the case study's slug.
- ``comment``: textarea, required, 3 to ``COMMENT_MAX_LENGTH`` characters
  (``cohub.comments.validation``), given to the script as its
  ``data-maxlength`` attribute.
- ``name``: optional, up to 100 characters; "Anonymous" when empty.
- ``email``: optional, up to 254 characters; never published.
- ``consent``: checkbox with ``value="yes"``, required ("I agree to the privacy notice");
  any other value is not consent.
- ``website``: the spam trap, labelled "Leave this field empty", inside an
  element with ``class="cohub-honeypot"`` and the ``hidden`` attribute, with
  ``autocomplete="off"`` and ``tabindex="-1"``.

Sent as a normal form post, a good comment is answered with a 303 redirect to
/comments/thanks?page=SLUG; problems get a page showing the form again with
everything typed still in it. Sent with ``fetch`` and the header
``Accept: application/json`` (body url-encoded or multipart), the answer is
``{"status": "pending"}`` (200), or ``{"errors": {FIELD_ID: MESSAGE}}`` with
422 for mistakes the person can fix, or ``{"errors": {"form": MESSAGE}}`` with
403, 413, 429 or 503. Posts must come from ``site_url``'s origin.

Approved comments go where the partial has the marker
``<!-- cohub:approved-comments -->``, exactly once, inside
``<div id="approved-comments">...</div>``. Each comment is an ``li`` in an
``ol class="cohub-comments"`` with an ``h3`` for its author, so the partial
should give the comments section an ``h2``. A page that was built with
comments in it can be injected again: the old comments are replaced.
"""

from __future__ import annotations

from cohub.comments.app import create_app
from cohub.comments.cli import add_parser
from cohub.comments.render import (
    APPROVED_COMMENTS_MARKER,
    inject_comments,
    render_approved_comments,
    template_environment,
)
from cohub.comments.settings import CommentSettings, SettingsError, retention_periods, settings_from_env
from cohub.comments.store import Comment, CommentStatus, CommentStore

__all__ = (
    "APPROVED_COMMENTS_MARKER",
    "Comment",
    "CommentSettings",
    "CommentStatus",
    "CommentStore",
    "SettingsError",
    "add_parser",
    "create_app",
    "inject_comments",
    "render_approved_comments",
    "retention_periods",
    "settings_from_env",
    "template_environment",
)
