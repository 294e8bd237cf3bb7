"""The service's pages in a real browser: axe-core (WCAG 2.2 AA), keyboard focus, no-JavaScript use."""

from __future__ import annotations

from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Browser, Page

from .helpers import LiveServer

WCAG_22_AA = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa")
PASSWORD = "a long password 1"


def assert_no_axe_violations(page: Page) -> None:
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": list(WCAG_22_AA)}})
    violations = [(v["id"], [node["target"] for node in v["nodes"]]) for v in results.response["violations"]]
    assert violations == []


def submit(page: Page, selector: str) -> None:
    """Press a button that sends a form, and wait for the answer to load."""
    with page.expect_navigation():
        page.click(selector)


def open_case_study_and_send(page: Page, server: LiveServer, fields: dict[str, str]) -> None:
    """Send the comment form as the site's partial would, from a case study page."""
    page.goto(f"{server.base_url}/case-studies/x/")
    with page.expect_navigation():
        page.evaluate(
            """fields => {
                const form = document.createElement("form");
                form.method = "post";
                form.action = "/comments";
                for (const [name, value] of Object.entries(fields)) {
                    const input = document.createElement("input");
                    input.name = name;
                    input.value = value;
                    form.appendChild(input);
                }
                document.body.appendChild(form);
                form.submit();
            }""",
            fields,
        )


def test_the_error_page_takes_focus_to_the_summary_and_passes_axe(page: Page, server: LiveServer) -> None:
    open_case_study_and_send(page, server, {"page": "x", "comment": "", "email": "bad", "name": "Pat"})

    assert page.title() == "There is a problem with your comment - Co-production hub"
    assert page.evaluate("document.activeElement.className") == "cohub-error-summary"
    assert_no_axe_violations(page)

    page.click("a[href='#comment']")
    page.keyboard.type("Typed after following the error link")
    page.check("#consent")
    page.fill("#email", "")
    submit(page, "button[type=submit]")

    assert page.title() == "Thank you for your comment - Co-production hub"
    assert_no_axe_violations(page)
    assert server.store.list()[0].body == "Typed after following the error link"


def test_the_form_works_without_javascript(browser: Browser, server: LiveServer) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    try:
        open_case_study_and_send(page, server, {"page": "x", "comment": ""})
        page.fill("#comment", "Sent with JavaScript turned off")
        page.check("#consent")
        submit(page, "button[type=submit]")

        assert page.title() == "Thank you for your comment - Co-production hub"
    finally:
        context.close()
    assert server.store.list()[0].body == "Sent with JavaScript turned off"


def test_the_moderation_pages_pass_axe(page: Page, server: LiveServer) -> None:
    server.store.set_moderator_password("mod", PASSWORD)
    server.store.add("x", "Sam", "", "Waiting for a decision", "c")
    server.store.add("y", "", "", "Another one", "c")
    page.goto(f"{server.base_url}/moderate")
    assert_no_axe_violations(page)

    page.fill("#username", "mod")
    page.fill("#password", "not the password")
    submit(page, "button[type=submit]")
    assert page.title() == "Error: Sign in to moderate comments - Co-production hub"
    assert_no_axe_violations(page)

    page.fill("#password", PASSWORD)
    submit(page, "button[type=submit]")
    assert page.title() == "Comments waiting for moderation - Co-production hub"
    assert_no_axe_violations(page)

    # A second tab still shows comment 1, as another moderator's would.
    stale_tab = page.context.new_page()
    stale_tab.goto(f"{server.base_url}/moderate")

    submit(page, "form[action='/moderate/1/approve'] button")
    assert "Comment 1 has been approved." in page.content()
    assert_no_axe_violations(page)

    submit(stale_tab, "form[action='/moderate/1/reject'] button")
    assert stale_tab.title() == "Nothing was changed - Co-production hub"
    assert "Comment 1 had already been approved." in stale_tab.content()
    assert_no_axe_violations(stale_tab)

    page.fill("#q", "waiting for a")
    submit(page, "button:has-text('Search')")
    assert page.locator("form[action='/moderate/1/withdraw']").count() == 1
    assert_no_axe_violations(page)
    submit(page, "form[action='/moderate/1/withdraw'] button")
    assert "Comment 1 has been taken off" in page.content()
    assert "No comments have been published." in page.content()
    assert_no_axe_violations(page)

    submit(page, "button:has-text('Sign out')")
    assert "You have signed out." in page.content()
    assert_no_axe_violations(page)
