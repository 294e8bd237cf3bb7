"""Reading a Pagefind search bundle in tests, so that two bundles can be compared by what they hold."""

from __future__ import annotations

import gzip
import json
from typing import TYPE_CHECKING, Any

import cbor2

from cohub.search_order import FRAGMENT_MARKER

if TYPE_CHECKING:
    from pathlib import Path


def decoded(data: bytes) -> Any:
    """A Pagefind index file's content: gzip, Pagefind's signature, then CBOR."""
    content = gzip.decompress(data)
    assert content.startswith(FRAGMENT_MARKER)
    return cbor2.loads(content[len(FRAGMENT_MARKER) :])


def bundle_contents(bundle: Path) -> dict[str, object]:
    """Every file of a search bundle, by name, with the filters' values in order.

    Pagefind writes each filter's values in an order that changes from one run
    to the next (its own command line does too), and the file names of the
    filters, the metadata that names them and the entry file that names the
    metadata are hashes of that: those are compared by what they hold.
    """
    contents: dict[str, object] = {}
    filter_names: dict[str, str] = {}
    for path in sorted(bundle.rglob("*.pf_filter")):
        name, values = decoded(path.read_bytes())
        filter_names[path.stem] = name
        contents[f"filter/{name}"] = sorted((value, tuple(pages)) for value, pages in values)
    for path in sorted(bundle.rglob("*")):
        name = path.relative_to(bundle).as_posix()
        if path.is_dir() or path.suffix == ".pf_filter":
            continue
        if path.suffix == ".pf_meta":
            # The version, the pages, the word index, the filters (each with its file), sorts and fields.
            version, pages, words, filters, sorts, fields = decoded(path.read_bytes())
            assert all(filter_names[stem] == name for name, stem in filters)
            contents["metadata"] = (version, pages, words, sorted(filter_names.values()), sorts, fields)
        elif name == "pagefind-entry.json":
            entry = json.loads(path.read_text(encoding="utf-8"))
            for language in entry["languages"].values():
                language.pop("hash")
            contents[name] = entry
        else:
            contents[name] = path.read_bytes()
    return contents
