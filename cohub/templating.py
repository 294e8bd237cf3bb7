"""Jinja filters the hub's templates use, independent of MkDocs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jinja2 import pass_context
from markupsafe import Markup, escape

if TYPE_CHECKING:
    from collections.abc import Callable

    from jinja2 import Environment
    from jinja2.runtime import Context

    from cohub.glossary import TextPiece
    from cohub.model import CaseStudy

ABBREVIATED_TEMPLATE = "partials/abbreviated.html"
CASE_STUDY_ITEM_TEMPLATE = "partials/case-study-item.html"


def abbreviated_filter(env: Environment, split: Callable[[str], tuple[TextPiece, ...]]) -> Callable[[str], Markup]:
    """The ``abbreviated`` filter: plain text with each acronym in an ``<abbr>``.

    The markup comes from ``partials/abbreviated.html``. A title or summary
    appears on many pages (its own, every list it is in, related sections),
    so each distinct text is rendered once and the result reused. Most texts
    have no acronym; they are only escaped, which is far quicker than a render.

    Args:
        env: The environment holding the template.
        split: Splits text into plain runs and acronyms.
    """
    template = env.get_template(ABBREVIATED_TEMPLATE)
    rendered: dict[str, Markup] = {}

    def abbreviated(value: str) -> Markup:
        text = "" if value is None else str(value)
        if text not in rendered:
            pieces = split(text)
            if any(piece.expansion for piece in pieces):
                # The partial turns autoescape on for everything it prints.
                rendered[text] = Markup(template.render(pieces=pieces))  # noqa: S704
            else:
                rendered[text] = escape(text)
        return rendered[text]

    return abbreviated


def case_study_item_filter(
    env: Environment, rendered: dict[tuple[int, str, str], tuple[CaseStudy, Markup]] | None = None
) -> Callable[..., Markup]:
    """The ``case_study_item`` filter: a case study as an item of a list of case studies.

    The markup comes from ``partials/case-study-item.html``. A case study is
    listed on many pages (one per term it carries, its place, the list of
    all case studies), so its item is rendered once per heading level and
    per depth of page, and the result reused: the item's link is relative to
    the page, and so is the same on every page as deep as the first.

    Args:
        env: The environment holding the template.
        rendered: Items rendered before, by the case study (the very object:
            an edited case study is a new one), heading level and depth of
            page. A preview passes the last build's, valid while the
            templates, settings and taxonomy are the same; by default, none.
    """
    template = env.get_template(CASE_STUDY_ITEM_TEMPLATE)
    items = {} if rendered is None else rendered

    @pass_context
    def case_study_item(context: Context, case_study: CaseStudy, heading: str = "h2") -> Markup:
        key = (id(case_study), heading, str(context.get("base_url", "")))
        known = items.get(key)
        # The entry holds its case study, so no other object can take its id while it is kept.
        if known is not None and known[0] is case_study:
            return known[1]
        # The partial turns autoescape on for everything it prints.
        item = Markup(template.render(context.get_all(), cs=case_study, heading=heading))  # noqa: S704
        items[key] = (case_study, item)
        return item

    return case_study_item
