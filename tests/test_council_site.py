"""A council's own hub: its organisation block makes the legal pages, the footer and the colours."""

from __future__ import annotations

import logging
import re

import pytest
from mkdocs.exceptions import Abort, PluginError

from cohub.cli import main
from cohub.serve import hub_app
from cohub.site_shell import read_shell
from tests.comments.helpers import _free_socket, _ServerThread
from tests.conftest import build_hub, site_pages
from tests.test_site_wide import _violations

NORTHSHIRE = """\
    organisation:
      name: Northshire County Council
      address: [County Hall, Northtown, NN1 1NN]
      email: coproduction@northshire.example.org
      phone: 01632 960000
      hours: Monday to Thursday, 10am to 4pm
      response_days: 10
      data_controller: Northshire Shared Services
      data_protection_officer:
        name: Sam Patel
        email: dpo@northshire.example.org
      accessibility:
        compliance: partially
        known_problems:
          - problem: Maps of older projects have no text version.
            criteria: ["1.1.1"]
            fix_by: 2027-06-30
        disproportionate_burden:
          - problem: Videos from 2019 have no captions.
            reason: Captioning them would cost more than the hub's yearly budget.
            assessed: 2026-10-01
        prepared: 2026-11-01
        reviewed: 2026-11-20
        tested: 2026-11-15
        tested_by: Northshire's digital team
        pages_chosen: the 12 most visited pages and every page type
      colours:
        primary: "#0b0c0c"
        accent: "#0b0c0c"
        dark_link: "#ffffff"
        dark_accent: "#ffdd00"
"""


def set_organisation(hub, block: str) -> None:
    config = hub / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    start = text.index("    organisation:\n")
    end = text.index("    # Related case studies")
    config.write_text(text[:start] + block + text[end:], encoding="utf-8")


def article(site, address: str) -> str:
    html = (site / address / "index.html").read_text(encoding="utf-8")
    text = html.split("<article", 1)[1].split("</article>", 1)[0]
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="module")
def northshire(tmp_path_factory):
    from tests.conftest import copy_hub

    root = tmp_path_factory.mktemp("northshire") / "hub"
    root.mkdir()
    copy_hub(root)
    set_organisation(root, NORTHSHIRE)
    return build_hub(root)


def test_the_statement_is_the_councils_in_the_model_statements_words(northshire):
    text = article(northshire, "accessibility")
    assert "This website is run by Northshire County Council." in text
    assert (
        "This website is partially compliant with the Web Content Accessibility Guidelines version 2.2 AA "
        "standard, due to the non-compliances and exemptions listed below."
    ) in text
    assert '<h2 id="non-accessible-content">Non-accessible content</h2>' in text
    assert re.search(
        r"Maps of older projects have no text version\. This fails WCAG 2\.2 success criterion "
        r"1\.1\.1 \(Non-text Content\)\. We plan to fix this by <time datetime=\"2027-06-30\">"
        r"30 June 2027</time>",
        text,
    )
    assert "would be a disproportionate burden within the meaning of the accessibility regulations" in text
    assert "get back to you in 10 working days" in text
    assert "mailto:coproduction@northshire.example.org" in text and "tel:01632960000" in text
    assert 'This statement was prepared on <time datetime="2026-11-01">1 November 2026</time>.' in text
    assert "The test was carried out by Northshire&#39;s digital team." in text
    assert "the 12 most visited pages and every page type" in text
    assert "aims to be" not in text


def test_the_privacy_notice_names_the_controller_officer_bases_retention_rights_and_the_ico(northshire):
    text = article(northshire, "privacy")
    assert "The data controller is Northshire Shared Services." in text
    assert "Sam Patel" in text and "mailto:dpo@northshire.example.org" in text
    assert "Consent (UK GDPR Article 6(1)(a))" in text and "Public task (UK GDPR Article 6(1)(e))" in text
    assert "we delete it 30 days later" in text
    for right in (
        "of access",
        "to correct",
        "to delete",
        "to restrict",
        "to data portability",
        "to object",
        "to withdraw consent",
    ):
        assert f"The right {right}</strong>" in text
    assert 'href="https://ico.org.uk/make-a-complaint/"' in text


def test_every_page_has_the_councils_footer(northshire):
    pages = site_pages(northshire)
    assert "404.html" in pages and "case-studies/thurrock-direct-payments/" in pages
    for address in pages:
        path = northshire / (address if address.endswith(".html") else address + "index.html")
        footer = path.read_text(encoding="utf-8").split('<footer class="md-footer cohub-footer">', 1)[1]
        assert "Run by Northshire County Council" in footer, address
        assert "mailto:coproduction@northshire.example.org" in footer, address
        assert "County Hall<br>Northtown<br>NN1 1NN" in footer, address
        for link in ("accessibility/", "privacy/", "contribute/"):
            target = "./" if address == link else f"{'../' * address.count('/')}{link}"
            assert f'href="{target}"' in footer or f'href="/{link}"' in footer, (address, link)


def test_the_councils_colours_are_the_sites(northshire):
    css = (northshire / "assets" / "cohub" / "brand.css").read_text(encoding="utf-8")
    assert "--md-primary-fg-color: #0b0c0c;" in css
    assert "--md-accent-fg-color: #ffdd00;" in css
    html = (northshire / "index.html").read_text(encoding="utf-8")
    assert 'data-md-color-primary="custom"' in html
    assert 'href="assets/cohub/brand.css"' in html


def test_the_404_page_helps(northshire):
    html = (northshire / "404.html").read_text(encoding="utf-8")
    assert "<h1>Page not found</h1>" in html
    assert re.search(r'<form class="cohub-search-form" action="/search/" method="get"', html)
    assert 'href="/browse/"' in html and 'href="/case-studies/"' in html
    assert "Contact Northshire County Council:" in html


def test_no_page_has_an_inline_event_handler_or_script_address(northshire):
    for path in northshire.rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", html), path
        assert "javascript:" not in html, path


def test_a_hand_written_statement_still_wins(hub):
    (hub / "docs" / "accessibility.md").write_text(
        "# Our accessibility statement\n\nWritten by hand.\n", encoding="utf-8"
    )
    site = build_hub(hub)
    assert "Written by hand." in article(site, "accessibility")
    assert "Example Council" in article(site, "privacy")


@pytest.mark.parametrize(
    ("colours", "message"),
    [
        (
            "",
            "mkdocs.yml: light scheme: header text (#ffffff) on the header (#009485) have a contrast ratio of 3.77:1, "
            "below the 4.5:1 that WCAG 2.2 AA needs",
        ),
        (
            '      colours: {primary: "#1d70b8", accent: "#003078", dark_accent: "#ffdd00"}\n',
            "mkdocs.yml: dark scheme: links (#1d70b8) on the page background (#1e2129) have a contrast ratio of 3.11:1",
        ),
    ],
)
def test_a_low_contrast_palette_fails_the_build_and_keeps_the_published_site(hub, caplog, colours, message):
    config = hub / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    text = re.sub(r"      colours:\n(        .*\n)+", colours, text)
    config.write_text(
        text.replace("primary: indigo", "primary: teal").replace("accent: indigo", "accent: teal"), encoding="utf-8"
    )
    published = hub / "site" / "index.html"
    published.parent.mkdir()
    published.write_text("the published site", encoding="utf-8")
    with caplog.at_level(logging.ERROR), pytest.raises((PluginError, Abort)):
        build_hub(hub)
    assert message in caplog.text
    assert published.read_text(encoding="utf-8") == "the published site"


def test_a_bad_organisation_setting_names_its_line_in_mkdocs_yml(hub, caplog):
    config = hub / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace("response_days: 5", "response_days: soon")
    config.write_text(text, encoding="utf-8")
    line = text.splitlines().index("      response_days: soon") + 1
    with caplog.at_level(logging.ERROR), pytest.raises((PluginError, Abort)):
        build_hub(hub)
    assert (
        f"mkdocs.yml:{line}: extra.cohub.organisation.response_days: must be a whole number from 1 to 60, not 'soon'"
    ) in caplog.text


def test_pages_that_are_not_documentation_have_no_contents_column_or_previous_and_next(northshire):
    for address in ("", "case-studies/thurrock-direct-payments/", "browse/", "accessibility/"):
        html = (northshire / address / "index.html").read_text(encoding="utf-8")
        assert 'data-md-type="toc" hidden' in html or 'data-md-type="toc"' not in html, address
        assert "md-footer__link" not in html, address


def test_a_case_study_shows_its_facts_not_tag_chips(northshire):
    html = article(northshire, "case-studies/thurrock-direct-payments")
    assert 'class="md-tag"' not in html
    assert re.search(r'<dt>Themes</dt> <dd><a href="../../browse/themes/direct-payments/">Direct payments</a>', html)


def test_the_home_page_leads_with_search_and_the_ways_to_browse(northshire):
    html = article(northshire, "")
    order = [html.index(marker) for marker in ("<h1", 'class="cohub-search-form"', 'id="browse"', 'id="newest"')]
    assert order == sorted(order)


@pytest.mark.parametrize(
    ("html", "footer", "palette"),
    [
        (
            '<body dir="ltr" data-md-color-scheme="default" data-md-color-primary="custom" data-md-color-accent="teal">'
            "<footer><!-- cohub-footer --><p>Run by Us</p><!-- /cohub-footer --></footer>",
            "<p>Run by Us</p>",
            (("scheme", "default"), ("primary", "custom"), ("accent", "teal")),
        ),
        ("<body><h1>Site 404</h1>", "", ()),
        ('<body data-md-color-primary="x&quot; onload=&quot;y"><!-- /cohub-footer --> <!-- cohub-footer -->', "", ()),
    ],
)
def test_the_comment_service_reads_the_sites_shell_from_its_404_page(html, footer, palette):
    shell = read_shell(html)
    assert (str(shell.footer), shell.palette) == (footer, palette)


def test_comment_and_moderation_pages_carry_the_sites_footer_and_colours(hub, tmp_path, browser):
    set_organisation(hub, NORTHSHIRE)
    site = build_hub(hub)
    sock = _free_socket()
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    server = _ServerThread(hub_app(hub, site_dir=site, db_path=tmp_path / "comments.sqlite3", site_url=url), sock)
    server.start()
    try:
        page = browser.new_page()
        page.goto(url + "moderate/login")
        footer = page.locator("footer.cohub-footer")
        assert "Run by Northshire County Council" in footer.inner_text()
        assert footer.locator("a[href='/accessibility/']").count() == 1
        assert page.locator("body").get_attribute("data-md-color-primary") == "custom"
        header = page.locator(".cohub-header")
        assert header.evaluate("element => getComputedStyle(element).backgroundColor") == "rgb(11, 12, 12)"
        assert _violations(page) == []
        page.close()
    finally:
        server.stop()


def test_the_home_pages_search_form_opens_the_search_page_with_results(page, site_url):
    page.goto(site_url)
    page.fill("#cohub-home-search", "tender")
    with page.expect_navigation():
        page.press("#cohub-home-search", "Enter")
    assert page.url.endswith("search/?q=tender")
    page.wait_for_selector("pagefind-results a")
    assert "tender" in page.locator("pagefind-summary").inner_text()


def test_a_printed_case_study_has_its_text_source_and_address_but_no_menus_search_or_form(page, site_url):
    page.goto(site_url + "case-studies/thurrock-direct-payments/")
    page.emulate_media(media="print")
    for hidden in (".md-header", ".md-sidebar--primary", ".cohub-search", ".cohub-comments-section", ".md-footer"):
        assert not page.locator(hidden).first.is_visible(), hidden
    assert page.locator(".cohub-credit").is_visible()
    address = page.locator(".cohub-print-only")
    assert address.is_visible()
    assert "case-studies/thurrock-direct-payments/" in address.inner_text()
    # Its Easy Read version, story, facts and credit: four A4 pages (the Easy Read list takes most of
    # one), not the five it took with menus and a form before the Easy Read version was added.
    pdf = page.pdf(format="A4")
    assert len(re.findall(rb"/Type\s*/Page[^s]", pdf)) <= 4


def test_cohub_build_does_not_print_materials_mkdocs_2_banner(hub, capfd, monkeypatch):
    monkeypatch.delenv("NO_MKDOCS_2_WARNING", raising=False)
    assert main(["--root", str(hub), "build"]) == 0
    captured = capfd.readouterr()
    assert "MkDocs 2.0" not in captured.err + captured.out


def test_cohub_check_reports_organisation_settings_with_their_line(hub, capsys):
    config = hub / "mkdocs.yml"
    text = config.read_text(encoding="utf-8").replace("email: dpo@example.org", "email: dpo at example")
    config.write_text(text, encoding="utf-8")
    line = text.splitlines().index("        email: dpo at example") + 1
    assert main(["--root", str(hub), "check"]) == 1
    out = capsys.readouterr().out
    assert (
        f"mkdocs.yml:{line}: extra.cohub.organisation.data_protection_officer.email: 'dpo at example' is not "
        "an email address — write it like 'dpo@example.gov.uk'"
    ) in out


@pytest.mark.parametrize("address", ["", "case-studies/thurrock-direct-payments/", "accessibility/", "privacy/"])
def test_the_home_page_facts_and_legal_pages_fit_320_pixels(browser, site_url, address):
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(site_url + address)
    assert page.evaluate("document.documentElement.scrollWidth") <= 320
    context.close()


def test_the_councils_colours_apply_when_mkdocs_yml_names_no_palette(hub):
    config = hub / "mkdocs.yml"
    config.write_text(re.sub(r"  palette:\n(    .*\n)+", "", config.read_text(encoding="utf-8")), encoding="utf-8")
    html = (build_hub(hub) / "index.html").read_text(encoding="utf-8")
    assert 'data-md-color-primary="custom"' in html and 'data-md-color-accent="custom"' in html
