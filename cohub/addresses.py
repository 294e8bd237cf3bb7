"""Where pages are on the site: the one place a case study's address is written.

MkDocs makes ``case-studies/SLUG.md`` into the page ``case-studies/SLUG/``
(directory URLs); everything that links to, checks or writes a case study's
page asks this module for its address.
"""

from __future__ import annotations

# The folder of the site that holds every case study's page, and the page listing them.
CASE_STUDIES_FOLDER = "case-studies"
LISTING_PAGE = f"{CASE_STUDIES_FOLDER}/index.md"


def page_url(src_uri: str) -> str:
    """A page's address relative to the site root, as MkDocs makes it with directory URLs."""
    stem = src_uri.removesuffix(".md")
    if stem == "index" or stem.endswith("/index"):
        return stem.removesuffix("index")
    return f"{stem}/"


def case_study_page(slug: str) -> str:
    """The page a case study becomes among the docs, like ``case-studies/SLUG.md``."""
    return f"{CASE_STUDIES_FOLDER}/{slug}.md"


def case_study_url(slug: str) -> str:
    """A case study's address relative to the site root, like ``case-studies/SLUG/``.

    It is its page's address, for any slug but ``index``.
    """
    return f"{CASE_STUDIES_FOLDER}/{slug}/"
