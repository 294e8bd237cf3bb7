"""Whole-site builds: the real hub, and small hubs written into tmp_path."""

from __future__ import annotations

import logging
import re
from datetime import date as Date

import pytest
from mkdocs.exceptions import Abort, PluginError

from cohub.cli import main
from tests.conftest import build_hub
from tests.test_check import VALID


def read(site, address: str) -> str:
    return (site / address / "index.html").read_text(encoding="utf-8")


PRIMARY_NAV = re.compile(r'<nav class="md-nav md-nav--primary".*?</nav>\s*</div>\s*</div>\s*</div>', re.DOTALL)


def primary_nav(html: str) -> str:
    found = PRIMARY_NAV.search(html)
    assert found is not None, "the page has no primary navigation"
    return found.group(0)


def test_case_studies_stay_out_of_the_sidebar(built_site):
    nav = primary_nav(read(built_site, ""))
    assert "Case studies" in nav
    assert "thurrock-direct-payments" not in nav
    assert "essex-tender-evaluation" not in nav


def test_the_listing_page_links_every_case_study_newest_first(built_site):
    html = read(built_site, "case-studies")
    assert 'id="case-studies">Case studies<' in html
    assert "2 case studies, newest first." in html
    assert 'href="thurrock-direct-payments/"' in html
    assert 'href="essex-tender-evaluation/"' in html


def test_a_case_study_page_shows_its_facts_credit_and_themes(built_site):
    html = read(built_site, "case-studies/thurrock-direct-payments")
    assert "<title>Designing direct payment support with a user-led organisation - Co-production hub</title>" in html
    assert html.count("<h1") == 1
    assert re.search(
        r'<a href="../../places/thurrock/">Thurrock</a>,\s*'
        r'<a href="../../browse/regions/east-of-england/">East of England</a>',
        html,
    )
    assert "Ian Kennard" in html and "Commissioning Manager, Thurrock Council" in html
    assert (
        'href="https://www.thinklocalactpersonal.org.uk/Blog/'
        'Good-commissioning-is-dependent-on-co-production-a-hypothesis/"'
    ) in html
    assert 'Think Local Act Personal (<abbr title="Think Local Act Personal">TLAP</abbr>) blog' in html
    assert re.search(
        r'<dt>Themes</dt>\s*<dd><a href="../../browse/themes/direct-payments/">Direct payments</a>, ', html
    )
    assert re.search(r'<dt>Services</dt>\s*<dd><a href="../../browse/service-types/direct-payment-support/">', html)
    assert '<a href="../../organisations/purple/">Purple</a>: Won the contract' in html
    assert '<meta name="description" content="Thurrock Council wanted a new service' in html


def test_the_tag_page_lists_case_studies_under_their_tags(built_site):
    html = read(built_site, "tags")
    section = html.split('id="tag:tendering-and-procurement"', 1)[1].split("<h2", 1)[0]
    assert "thurrock-direct-payments/" in section
    assert "essex-tender-evaluation/" in section


def test_no_page_names_a_third_party_host(built_site):
    for path in built_site.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, path


def test_text_fields_are_escaped_in_the_page(hub):
    (hub / "case_studies" / "panel.md").write_text(
        VALID.replace("summary: Tenants sat", 'summary: Costs fell by < 5% & "more" for tenants who sat'),
        encoding="utf-8",
    )
    site = build_hub(hub)
    html = read(site, "case-studies/panel")
    assert "Costs fell by &lt; 5% &amp; &#34;more&#34; for tenants who sat" in html


def test_drafts_are_not_built(hub):
    (hub / "case_studies" / "panel.md").write_text(
        VALID.replace("date: 2025", "draft: true\ndate: 2025"), encoding="utf-8"
    )
    site = build_hub(hub)
    assert not (site / "case-studies" / "panel").exists()
    assert "panel/" not in read(site, "case-studies")


def test_a_strict_build_fails_with_the_same_messages_as_check(hub, caplog):
    (hub / "case_studies" / "broken.md").write_text(VALID.replace("place: Essex", "plcae: Essex"), encoding="utf-8")
    with caplog.at_level(logging.ERROR), pytest.raises((PluginError, Abort)):
        build_hub(hub)
    messages = [record.getMessage() for record in caplog.records]
    assert "case_studies/broken.md:11: unknown field 'plcae' — did you mean 'place'?" in messages


def test_cohub_build_builds_and_fails_cleanly(hub, capfd):
    assert main(["--root", str(hub), "build"]) == 0
    assert (hub / "site" / "case-studies" / "thurrock-direct-payments" / "index.html").is_file()
    (hub / "case_studies" / "broken.md").write_text(VALID.replace("date: 2025-03-31", "date: soon"), encoding="utf-8")
    assert main(["--root", str(hub), "build"]) == 1
    captured = capfd.readouterr()
    assert "case_studies/broken.md:4: 'date' is not a real date: 'soon'" in captured.err
    assert "Traceback" not in captured.err + captured.out
    assert "cohub: the site was not built" in captured.err


def test_cohub_new_writes_a_unique_file_that_check_explains(hub, capsys):
    assert main(["--root", str(hub), "new", 'Tenants: "choosing" a provider']) == 0
    assert main(["--root", str(hub), "new", 'Tenants: "choosing" a provider']) == 0
    out = capsys.readouterr().out
    assert "Created case_studies/tenants-choosing-a-provider.md" in out
    assert "Created case_studies/tenants-choosing-a-provider-2.md" in out
    text = (hub / "case_studies" / "tenants-choosing-a-provider.md").read_text(encoding="utf-8")
    assert 'title: "Tenants: \\"choosing\\" a provider"' in text
    assert f'date: "{Date.today().isoformat()}"' in text
    assert main(["--root", str(hub), "check"]) == 1
    rows = capsys.readouterr().out.splitlines()
    summary_rows = [
        row
        for row in rows
        if row.startswith("case_studies/tenants-choosing-a-provider.md:") and "'summary' is empty" in row
    ]
    assert summary_rows, rows


def test_cohub_new_needs_a_title_with_letters(hub, capsys):
    assert main(["--root", str(hub), "new", "!!!"]) == 1
    assert capsys.readouterr().err == "cohub: the title needs at least one letter or digit\n"
