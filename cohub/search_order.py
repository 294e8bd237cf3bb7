"""Newest first, without a sort in Pagefind's index.

A sort in Pagefind's index lists every page in its metadata file, which every
search fetches before its first result (about 23 KB at 10,000 case studies),
although only the search page's "Newest case studies first" uses it. So the
index has no sort: after indexing, cohub writes the case studies' page
identifiers, newest first, into one file beside the bundle, which the search
page fetches only when a reader asks for that order, and puts results in its
order (``overrides/assets/cohub/pagefind-search-page/pagefind.js``): the
hub's own order of its case studies (``Hub.case_studies``). The hand-written
pages are left out, as a sort left them out for having no date.

A page's identifier is the name of its fragment file, which Pagefind gives
each result as its ``id``; the fragment holds the page's address.
"""

from __future__ import annotations

import gzip
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from pathlib import Path

NEWEST_FIRST_FILE = "cohub-newest-first.json"
FRAGMENT_DIR = "fragment"
FRAGMENT_SUFFIX = ".pf_fragment"
# Pagefind writes each fragment as gzip of this marker followed by JSON.
FRAGMENT_MARKER = b"pagefind_dcd"


class SearchOrderError(Exception):
    """A fragment of the bundle could not be read."""


def read_fragment(path: Path) -> Mapping[str, Any]:
    """One page's fragment: its address, text, metadata and filters, as Pagefind wrote it."""
    try:
        data = gzip.decompress(path.read_bytes())
    except (OSError, EOFError) as error:
        raise SearchOrderError(f"{path}: not a Pagefind fragment ({error})") from None
    if not data.startswith(FRAGMENT_MARKER):
        raise SearchOrderError(f"{path}: not a Pagefind fragment (no '{FRAGMENT_MARKER.decode()}' marker)")
    try:
        fragment = json.loads(data[len(FRAGMENT_MARKER) :])
    except ValueError as error:
        raise SearchOrderError(f"{path}: not a Pagefind fragment ({error})") from None
    if not isinstance(fragment, dict) or not isinstance(fragment.get("url"), str):
        raise SearchOrderError(f"{path}: a Pagefind fragment without an address")
    return fragment


def page_ids(bundle: Path) -> dict[str, str]:
    """Each indexed page's address (``case-studies/x/``), and the identifier Pagefind gives its results."""
    return {
        read_fragment(path)["url"].lstrip("/"): path.name.removesuffix(FRAGMENT_SUFFIX)
        for path in sorted((bundle / FRAGMENT_DIR).glob(f"*{FRAGMENT_SUFFIX}"))
    }


def newest_first(ids: Mapping[str, str], addresses: Sequence[str]) -> tuple[str, ...]:
    """The identifiers of the case studies' pages, in the case studies' order.

    Args:
        ids: Each indexed page's address and identifier (``page_ids``).
        addresses: The case studies' addresses (``case-studies/x/``), newest
            first, as the hub orders them; one not indexed is left out.
    """
    return tuple(ids[address] for address in addresses if address in ids)


def write_newest_first(bundle: Path, addresses: Sequence[str]) -> Path:
    """Write the case studies' page identifiers, newest first, into the bundle; return the file.

    Args:
        bundle: The search bundle Pagefind wrote.
        addresses: The case studies' addresses, newest first, as the hub orders them.
    """
    target = bundle / NEWEST_FIRST_FILE
    order = newest_first(page_ids(bundle), addresses)
    target.write_text(json.dumps(order, separators=(",", ":")), encoding="utf-8")
    return target
