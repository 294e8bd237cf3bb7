"""The 'abbreviated' filter: escaped text, with an <abbr> round each acronym."""

from __future__ import annotations

from dataclasses import replace
from functools import partial

import pytest
from jinja2 import Environment, FileSystemLoader

from bench.corpus import REPO, make_hub
from cohub.glossary import split_acronyms
from cohub.hub import load_hub
from cohub.related import RelatedConfig
from cohub.taxonomy import Acronym
from cohub.templating import abbreviated_filter, case_study_item_filter
from cohub.website import build_website

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


def test_a_list_item_is_rendered_again_for_an_edited_case_study_and_kept_for_the_same_one(tmp_path):
    hub = load_hub(make_hub(tmp_path / "hub", 6))
    site = build_website(hub, RelatedConfig().with_facets(hub.taxonomy.facets.values()))
    study = hub.case_studies[2]
    kept: dict = {}

    def item(case_study, base_url: str = "..") -> str:
        # As a preview does: a new environment for each build, the items kept between them.
        env = Environment(loader=FileSystemLoader(REPO / "overrides"), autoescape=False)  # noqa: S701
        env.filters["url"] = lambda value: f"{base_url}/{value}"
        env.filters["abbreviated"] = abbreviated_filter(env, site.text)
        env.filters["case_study_item"] = case_study_item_filter(env, kept)
        env.globals.update(cohub=hub, cohub_site=site)
        return env.from_string("{{ cs | case_study_item('h3') }}").render(cs=case_study, base_url=base_url)

    first = item(study)
    assert f'<h3><a href="../{study.url}">{study.title}</a></h3>' in first
    assert item(study) == first and len(kept) == 1
    # Another depth of page links differently.
    assert 'href="../../' in item(study, "../..") and len(kept) == 2
    renamed = replace(study, title="A title edited since the last build")
    assert "A title edited since the last build" in item(renamed)
    assert study.title not in item(renamed)
