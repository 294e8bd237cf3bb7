"""How long browsers may keep each file of the built site. Pure: paths in, header values out.

Files whose names carry a hash of their content (Material's bundles and
stylesheets, Pagefind's index pieces) never change under the same name, so
browsers keep them for a year without asking again. Pages change at each
build, so browsers keep them briefly and then check with the server (which
answers 304 when nothing changed). The sample nginx configuration in
``deploy/`` says the same; a test checks that the two agree.
"""

from __future__ import annotations

import re

__all__ = ("FINGERPRINTED", "HTML_CACHE", "IMMUTABLE_CACHE", "OTHER_CACHE", "cache_control")

# Site-relative paths of files named by their content.
FINGERPRINTED = re.compile(
    r"assets/.+\.[0-9a-f]{8}\.min\.(?:js|css)(?:\.map)?"
    r"|pagefind/(?:fragment|index|filter)/[^/]+_[0-9a-f]{7,}\.pf_[a-z]+"
    r"|pagefind/pagefind\.[^/]+_[0-9a-f]{7,}\.pf_meta"
)

IMMUTABLE_CACHE = "public, max-age=31536000, immutable"
# Pages: a few minutes, so a rebuilt site shows soon; then the browser checks its copy.
HTML_CACHE = "public, max-age=300"
# Everything else (the hub's own stylesheets and scripts, images, Pagefind's entry files): an hour.
OTHER_CACHE = "public, max-age=3600"


def cache_control(path: str) -> str:
    """The ``Cache-Control`` value for a file of the built site.

    Args:
        path: The file's path inside the site, with forward slashes and no
            leading slash (``assets/javascripts/bundle.79ae519e.min.js``), or
            a folder's path ending in ``/`` for its ``index.html``.
    """
    if FINGERPRINTED.fullmatch(path):
        return IMMUTABLE_CACHE
    if path == "" or path.endswith(("/", ".html")):
        return HTML_CACHE
    return OTHER_CACHE
