"""The site on a plain static host and ``cohub comments serve`` apart from it, on two loopback ports."""

from __future__ import annotations

import sys
import urllib.error
import urllib.request
from typing import TYPE_CHECKING

import pytest

from cohub.cli import main
from cohub.serve import comment_addresses
from tests.deployment import cohub_command, commentable_slug, free_port, running, set_addresses

if TYPE_CHECKING:
    from pathlib import Path

EMAIL = "apart@example.org"


def post(url: str, origin: str, fields: str) -> int:
    request = urllib.request.Request(
        url,
        data=fields.encode(),
        method="POST",
        headers={"Origin": origin, "Content-Type": "application/x-www-form-urlencoded"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def test_a_comment_sent_to_the_service_apart_reaches_the_static_site_at_the_next_build(
    hub: Path, tmp_path: Path, browser, monkeypatch: pytest.MonkeyPatch
) -> None:
    site_port, service_port = free_port(), free_port()
    site_url, service_url = f"http://127.0.0.1:{site_port}/", f"http://127.0.0.1:{service_port}"
    set_addresses(hub, site_url=site_url, comments_url=service_url + "/")
    db = tmp_path / "comments.sqlite3"
    monkeypatch.setenv("COHUB_COMMENTS_DB", str(db))
    assert main(["--root", str(hub), "build"]) == 0
    slug = commentable_slug(hub)
    case_study = f"{site_url}case-studies/{slug}/"

    # The build replaces site/ whole, so the static host is given its path, not started inside it.
    static_host = [
        sys.executable,
        "-m",
        "http.server",
        "--bind",
        "127.0.0.1",
        "--directory",
        str(hub / "site"),
        str(site_port),
    ]
    service = cohub_command("--root", str(hub), "comments", "--db", str(db), "serve", "--port", str(service_port))
    with running(static_host, site_port), running(service, service_port):
        context = browser.new_context(java_script_enabled=False)
        page = context.new_page()
        page.goto(case_study)
        assert page.locator("form.cohub-form").get_attribute("action") == f"{service_url}/comments"
        page.fill("#comment", "Sent from a static page to the service apart.")
        page.fill("#name", "Robin")
        page.fill("#email", EMAIL)
        page.check("#consent")
        with page.expect_navigation():
            page.click("button:has-text('Send comment')")
        assert page.url == f"{service_url}/comments/thanks?page={slug}"
        back = page.locator("text=Go back to the case study")
        assert back.get_attribute("href") == case_study
        # The privacy notice, the header and error pages are the site's, not the service's.
        assert page.locator(".cohub-header__site-name").get_attribute("href") == site_url

        # Only the site's pages may send comments; the service's own address may not.
        fields = f"page={slug}&comment=From+elsewhere&consent=yes"
        assert post(f"{service_url}/comments", service_url, fields) == 403
        assert post(f"{service_url}/comments", "http://127.0.0.1:1", fields) == 403

        assert main(["comments", "--db", str(db), "approve", "1"]) == 0
        page.goto(case_study)
        assert "Sent from a static page" not in page.content()

        assert main(["--root", str(hub), "build"]) == 0
        page.goto(case_study)
        comments = page.locator("#approved-comments").inner_text()
        assert "Sent from a static page to the service apart." in comments
        assert "Robin" in comments
        assert EMAIL not in page.content()
        context.close()


def test_moderators_sign_in_at_the_service_s_own_address(hub: Path, tmp_path: Path) -> None:
    service_port = free_port()
    service_url = f"http://127.0.0.1:{service_port}"
    set_addresses(hub, site_url="https://hub.example.gov.uk/", comments_url=service_url)
    db = tmp_path / "comments.sqlite3"
    service = cohub_command("--root", str(hub), "comments", "--db", str(db), "serve", "--port", str(service_port))
    with running(service, service_port):
        assert post(f"{service_url}/moderate/login", service_url, "username=nobody&password=wrong") == 400
        assert post(f"{service_url}/moderate/login", "https://hub.example.gov.uk", "username=a&password=b") == 403
        with urllib.request.urlopen(f"{service_url}/comments/thanks", timeout=30) as response:
            assert 'href="https://hub.example.gov.uk/"' in response.read().decode()


def test_the_old_form_address_setting_is_refused_with_where_to_put_it(hub: Path, capsys) -> None:
    config = hub / "mkdocs.yml"
    config.write_text(
        config.read_text(encoding="utf-8").replace(
            "\n  comments:\n", "\n  comments:\n    action: https://comments.example.gov.uk/comments\n", 1
        ),
        encoding="utf-8",
    )
    assert main(["--root", str(hub), "comments", "--db", str(hub / "c.sqlite3"), "serve"]) == 1
    error = capsys.readouterr().err
    assert error.startswith("cohub: mkdocs.yml:")
    assert "give the comment service's address as extra.cohub.comments.url" in error


@pytest.mark.parametrize(
    ("comments_url", "given", "environment", "expected"),
    [
        (None, None, None, ("https://hub.example.gov.uk/", None)),
        (
            "https://comments.example.gov.uk/",
            None,
            None,
            ("https://hub.example.gov.uk/", "https://comments.example.gov.uk"),
        ),
        (None, None, "https://from-env.example/", ("https://from-env.example/", None)),
        (None, "https://given.example/", "https://from-env.example/", ("https://given.example/", None)),
    ],
)
def test_the_addresses_come_from_the_option_then_the_environment_then_mkdocs_yml(
    hub: Path, monkeypatch: pytest.MonkeyPatch, comments_url, given, environment, expected
) -> None:
    set_addresses(hub, site_url="https://hub.example.gov.uk/", comments_url=comments_url)
    if environment is None:
        monkeypatch.delenv("COHUB_SITE_URL", raising=False)
    else:
        monkeypatch.setenv("COHUB_SITE_URL", environment)
    assert comment_addresses(hub, given) == expected


def test_a_comments_url_that_is_not_a_web_address_is_refused_in_one_line(hub: Path, capsys) -> None:
    set_addresses(hub, site_url="https://hub.example.gov.uk/", comments_url="comments.example.gov.uk")
    assert main(["--root", str(hub), "comments", "--db", str(hub / "c.sqlite3"), "serve"]) == 1
    error = capsys.readouterr().err
    line = next(
        number
        for number, text in enumerate((hub / "mkdocs.yml").read_text().splitlines(), 1)
        if text.strip() == "url: comments.example.gov.uk"
    )
    assert error.startswith(f"cohub: mkdocs.yml:{line}: extra.cohub.comments.url must be the comment service's http")
    assert error.count("\n") == 1


def test_the_build_names_the_line_of_a_bad_comments_url(hub: Path, capfd: pytest.CaptureFixture[str]) -> None:
    set_addresses(hub, site_url="https://hub.example.gov.uk/", comments_url="ftp://comments.example.gov.uk/")
    assert main(["--root", str(hub), "build"]) == 1
    line = next(
        number
        for number, text in enumerate((hub / "mkdocs.yml").read_text().splitlines(), 1)
        if text.strip() == "url: ftp://comments.example.gov.uk/"
    )
    # The build runs MkDocs in a process of its own, which writes to the terminal.
    assert f"mkdocs.yml:{line}: extra.cohub.comments.url must be" in capfd.readouterr().err
