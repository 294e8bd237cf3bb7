"""Jinja filters the hub's templates use, independent of MkDocs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from markupsafe import Markup

if TYPE_CHECKING:
    from collections.abc import Callable

    from jinja2 import Environment

    from cohub.glossary import TextPiece

ABBREVIATED_TEMPLATE = "partials/abbreviated.html"


def abbreviated_filter(env: Environment, split: Callable[[str], tuple[TextPiece, ...]]) -> Callable[[str], Markup]:
    """The ``abbreviated`` filter: plain text with each acronym in an ``<abbr>``.

    The markup comes from ``partials/abbreviated.html``. A title or summary
    appears on many pages (its own, every list it is in, related sections),
    so each distinct text is rendered once and the result reused.

    Args:
        env: The environment holding the template.
        split: Splits text into plain runs and acronyms.
    """
    template = env.get_template(ABBREVIATED_TEMPLATE)
    rendered: dict[str, Markup] = {}

    def abbreviated(value: str) -> Markup:
        text = "" if value is None else str(value)
        if text not in rendered:
            rendered[text] = Markup(template.render(pieces=split(text)))
        return rendered[text]

    return abbreviated
