"""Rendering approved comments and putting them into built pages."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from cohub.comments.render import (
    APPROVED_COMMENTS_END_MARKER,
    APPROVED_COMMENTS_MARKER,
    inject_comments,
    long_date,
    long_date_time,
    render_approved_comments,
    template_environment,
)
from cohub.comments.store import Comment, CommentStatus

from .helpers import CASE_STUDY_PAGE


def approved(comment_id: int, body: str, name: str = "", email: str = "") -> Comment:
    return Comment(
        id=comment_id,
        page="x",
        name=name,
        email=email,
        body=body,
        status=CommentStatus.APPROVED,
        created_at=datetime(2025, 6, 30, 23, 30, tzinfo=UTC),
        decided_at=datetime(2025, 7, 1, 9, 0, tzinfo=UTC),
        client_hash="c",
    )


def render(*comments: Comment) -> str:
    return render_approved_comments(template_environment(), comments)


def test_comments_show_name_uk_date_and_paragraphs() -> None:
    html = render(approved(1, "First paragraph\nstill first\n\n  \nSecond paragraph", name="Sam"))

    assert '<h3 class="cohub-comment__author">Sam</h3>' in html
    # 23:30 UTC on 30 June is 00:30 on 1 July in London (summer time).
    assert '<time datetime="2025-07-01">1 July 2025</time>' in html
    assert "<p>First paragraph<br>still first</p>" in html
    assert "<p>Second paragraph</p>" in html


def test_a_comment_without_a_name_is_anonymous_and_the_email_is_never_shown() -> None:
    html = render(approved(1, "Hello", email="secret@example.com"))

    assert ">Anonymous</h3>" in html
    assert "secret@example.com" not in html
    assert "secret" not in html


def test_text_and_names_are_escaped() -> None:
    html = render(approved(1, "<script>alert('x')</script> & <b>bold</b>", name='<img src=x onerror="alert(1)">'))

    assert "<script>" not in html
    assert "<img" not in html
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in html
    assert "&lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in html


def test_comments_keep_their_order() -> None:
    html = render(approved(1, "older"), approved(2, "newer"))

    assert html.index("older") < html.index("newer")
    assert html.count('<li class="cohub-comment">') == 2


def test_no_comments_says_so() -> None:
    assert "There are no comments yet." in render()


def test_gov_uk_dates_and_times() -> None:
    assert long_date(datetime(2025, 3, 5, 14, 30, tzinfo=UTC)) == "5 March 2025"
    assert long_date_time(datetime(2025, 3, 5, 14, 30, tzinfo=UTC)) == "5 March 2025 at 2:30pm"
    assert long_date_time(datetime(2025, 3, 5, 0, 5, tzinfo=UTC)) == "5 March 2025 at 12:05am"
    assert long_date_time(datetime(2025, 7, 5, 11, 0, tzinfo=UTC)) == "5 July 2025 at 12:00pm"


def test_inject_puts_comments_inside_the_container() -> None:
    page = inject_comments(CASE_STUDY_PAGE, "x", "<p>C1</p>")

    assert (
        f'<div id="approved-comments">{APPROVED_COMMENTS_MARKER}<p>C1</p>{APPROVED_COMMENTS_END_MARKER}</div>' in page
    )
    assert page.startswith("<!doctype html>")
    assert page.endswith("</html>\n")


def test_injecting_again_replaces_the_old_comments() -> None:
    built = inject_comments(CASE_STUDY_PAGE, "x", "<p>From the build</p>")

    served = inject_comments(built, "x", "<p>Live</p>")

    assert "From the build" not in served
    assert served == inject_comments(CASE_STUDY_PAGE, "x", "<p>Live</p>")


def test_a_marker_written_in_the_case_study_text_is_left_alone() -> None:
    page = CASE_STUDY_PAGE.replace("<p>Body text.</p>", f"<p>Body</p>{APPROVED_COMMENTS_MARKER}")

    injected = inject_comments(page, "x", "<p>C1</p>")

    assert f"<p>Body</p>{APPROVED_COMMENTS_MARKER}<section>" in injected.replace("\n", "")
    assert f'<div id="approved-comments">{APPROVED_COMMENTS_MARKER}<p>C1</p>' in injected


def test_minified_pages_without_attribute_quotes_work() -> None:
    page = f"<div class=c id=approved-comments>{APPROVED_COMMENTS_MARKER}</div>"

    assert inject_comments(page, "x", "C") == (
        f"<div class=c id=approved-comments>{APPROVED_COMMENTS_MARKER}C{APPROVED_COMMENTS_END_MARKER}</div>"
    )


@pytest.mark.parametrize(
    "page",
    (
        "<html><body>No comments section</body></html>",
        f"<html>{APPROVED_COMMENTS_MARKER}<div id='other'></div></html>",
        '<div id="approved-comments"></div>',
    ),
)
def test_a_page_without_a_place_for_comments_is_unchanged(page: str, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="cohub.comments.render"):
        assert inject_comments(page, "some-slug", "<p>C1</p>") == page

    assert "some-slug" in caplog.text
