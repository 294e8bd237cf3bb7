"""The stylesheet that gives the site the organisation's own colours."""

from __future__ import annotations

from typing import TYPE_CHECKING

from jinja2 import Environment, PackageLoader, StrictUndefined

if TYPE_CHECKING:
    from cohub.organisation import Colours

BRAND_STYLESHEET = "assets/cohub/brand.css"

# CSS, not HTML, so no HTML escaping: only colours checked as hex reach it.
_env = Environment(
    loader=PackageLoader("cohub", "templates"),
    autoescape=False,  # noqa: S701
    undefined=StrictUndefined,
    keep_trailing_newline=True,
)


def brand_stylesheet(colours: Colours | None) -> str:
    """The CSS for ``colours``: Material's custom properties for its ``custom`` palette.

    Only colours checked as hex (``#rgb`` or ``#rrggbb``) reach the
    stylesheet, so no setting can add a rule of its own. With no colours
    the stylesheet is empty but still there, for pages that link it
    whatever the palette.
    """
    return _env.get_template("brand.css").render(colours=colours)
