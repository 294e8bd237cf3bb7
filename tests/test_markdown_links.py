"""The Markdown extension: acronyms and organisation names linked on first mention, external links marked."""

from __future__ import annotations

import difflib
import textwrap

import markdown
import pytest

from cohub.markdown_links import is_external
from cohub.wholewords import PhraseFinder

FIRST_MENTIONS = {"ULO": "/glossary.md#ulo", "Purple": "/organisations/purple.md"}
SITE = "https://hub.example.gov.uk/"


def render(source: str) -> str:
    return markdown.markdown(
        textwrap.dedent(source),
        extensions=["abbr", "cohub.markdown_links"],
        extension_configs={
            "abbr": {"glossary": {"ULO": "user-led organisation"}},
            "cohub.markdown_links": {"first_mentions": FIRST_MENTIONS, "site_url": SITE, "hint": "(another website)"},
        },
    )


ULO = '<abbr title="user-led organisation">ULO</abbr>'
HIDDEN = '<span class="cohub-visually-hidden"> (another website)</span>'


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "The ULO met. The ULO met again.",
            f'<p>The <a href="/glossary.md#ulo">{ULO}</a> met. The {ULO} met again.</p>',
            id="first-acronym-linked-the-rest-abbr-only",
        ),
        pytest.param(
            """\
        ## The ULO

        The ULO met.
        """,
            f'<h2>The {ULO}</h2>\n<p>The <a href="/glossary.md#ulo">{ULO}</a> met.</p>',
            id="not-in-a-heading",
        ),
        pytest.param(
            "[ULO news](news.md) and the ULO.",
            f'<p><a href="news.md">{ULO} news</a> and the <a href="/glossary.md#ulo">{ULO}</a>.</p>',
            id="not-inside-a-link",
        ),
        pytest.param(
            "Run `ULO` and **ULO** agreed.",
            f'<p>Run <code>ULO</code> and <strong><a href="/glossary.md#ulo">{ULO}</a></strong> agreed.</p>',
            id="not-in-code-but-in-bold",
        ),
        pytest.param(
            "Purple won. Purple is a provider. Purpleish is not a name.",
            '<p><a href="/organisations/purple.md">Purple</a> won. Purple is a provider. Purpleish is not a name.</p>',
            id="organisation-name-once-whole-word",
        ),
        pytest.param(
            "- **Purple** won\n- Purple again",
            '<ul>\n<li><strong><a href="/organisations/purple.md">Purple</a></strong> won</li>\n'
            "<li>Purple again</li>\n</ul>",
            id="organisation-in-a-list",
        ),
        pytest.param(
            "Nothing to link here, not even ulo.", "<p>Nothing to link here, not even ulo.</p>", id="case-matters"
        ),
    ],
)
def test_first_mentions_are_linked(source, expected):
    html = render(source)
    assert html == expected, "\n".join(difflib.unified_diff(expected.splitlines(), html.splitlines(), lineterm=""))


PHRASES = ("Thurrock Council", "Thurrock", "People's Forum", "(Our) Voice", "...")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Thurrock Council met.", [(0, "Thurrock Council")]),
        ("Thurrock Councils met in Thurrock.", [(0, "Thurrock"), (25, "Thurrock")]),
        ("Thurrock Council and Thurrock.", [(0, "Thurrock Council"), (21, "Thurrock")]),
        ("The People's Forum and (Our) Voice.", [(4, "People's Forum"), (23, "(Our) Voice")]),
        ("ThurrockCouncil, aThurrock, Thurrock_1.", []),
        ("Nothing... at all.", []),
    ],
)
def test_the_phrase_finder_finds_whole_phrases_longest_first(text, expected):
    assert list(PhraseFinder(PHRASES).mentions(text, PHRASES)) == expected


def test_two_first_mentions_in_one_sentence_are_both_linked():
    html = render("Purple and the ULO met; Purple and the ULO agreed.")
    assert html == (
        f'<p><a href="/organisations/purple.md">Purple</a> and the <a href="/glossary.md#ulo">{ULO}</a>'
        f" met; Purple and the {ULO} agreed.</p>"
    )


def test_phrases_that_link_to_the_same_page_are_linked_once_between_them():
    html = markdown.markdown(
        "The Purple Group, or Purple, met Purple Group.",
        extensions=["cohub.markdown_links"],
        extension_configs={
            "cohub.markdown_links": {
                "first_mentions": {**FIRST_MENTIONS, "Purple Group": "/organisations/purple.md"},
                "site_url": SITE,
                "hint": "",
            }
        },
    )
    assert html == '<p>The <a href="/organisations/purple.md">Purple Group</a>, or Purple, met Purple Group.</p>'


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            "[Purple's site](https://wearepurple.org.uk/)",
            f'<p><a class="cohub-external" href="https://wearepurple.org.uk/">Purple\'s site{HIDDEN}</a></p>',
            id="external",
        ),
        pytest.param(
            "[our page](https://hub.example.gov.uk/about/) and [a page](about.md)",
            '<p><a href="https://hub.example.gov.uk/about/">our page</a> and <a href="about.md">a page</a></p>',
            id="own-site-and-relative",
        ),
        pytest.param(
            "[mail](mailto:team@example.org)",
            '<p><a href="mailto:team@example.org">mail</a></p>',
            id="mailto-is-not-a-website",
        ),
        pytest.param(
            "[Blog](http://example.org/){: .button }",
            f'<p><a class="button cohub-external" href="http://example.org/">Blog{HIDDEN}</a></p>',
            id="keeps-existing-classes",
        ),
    ],
)
def test_links_that_leave_the_site_are_marked(source, expected):
    html = markdown.markdown(
        source,
        extensions=["attr_list", "cohub.markdown_links"],
        extension_configs={"cohub.markdown_links": {"site_url": SITE}},
    )
    assert html == expected
    assert "target=" not in html, "links never open a new window"


@pytest.mark.parametrize(
    ("href", "site_url", "external"),
    [
        ("https://example.org/", "", True),
        ("http://example.org/", SITE, True),
        (SITE + "glossary/", SITE, False),
        ("../glossary/", SITE, False),
        ("#top", SITE, False),
        ("mailto:x@example.org", SITE, False),
    ],
)
def test_is_external(href, site_url, external):
    assert is_external(href, site_url) is external
