"""The 'abbreviated' filter: escaped text, with an <abbr> round each acronym."""

from __future__ import annotations

from functools import partial

import pytest
from jinja2 import Environment, FileSystemLoader

from cohub.glossary import split_acronyms
from cohub.taxonomy import Acronym
from cohub.templating import abbreviated_filter
from tests.conftest import REPO

ACRONYMS = {"ULO": Acronym("ULO", "user-led organisation", "")}


@pytest.fixture(scope="module")
def abbreviated():
    # As MkDocs makes its theme's environment: the partial turns autoescape on itself.
    env = Environment(loader=FileSystemLoader(REPO / "overrides"), autoescape=False)  # noqa: S701
    return abbreviated_filter(env, partial(split_acronyms, acronyms=ACRONYMS))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Plain words", "Plain words"),
        (
            "<script>alert('x')</script> & \"more\"",
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &#34;more&#34;",
        ),
        ("The ULO & us", 'The <abbr title="user-led organisation">ULO</abbr> &amp; us'),
        # One rule for every acronym matcher (tests/test_acronyms.py): a plural and a hyphenated word use it.
        (
            "ULOs and ULO-like",
            ('<abbr title="user-led organisation">ULOs</abbr> and <abbr title="user-led organisation">ULO</abbr>-like'),
        ),
        ("", ""),
        (None, ""),
    ],
)
def test_text_is_escaped_and_acronyms_are_marked(abbreviated, text, expected):
    assert str(abbreviated(text)) == expected
    # The second time comes from the cache, and is the same.
    assert str(abbreviated(text)) == expected
