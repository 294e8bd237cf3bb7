"""The checks a person makes by hand, made on every built page in a real browser.

axe cannot see a menu that no keyboard can open, a focused link hidden under
the header, a list cut off at 320 px or a focus ring that vanishes in Windows
high contrast. These tests do what a person with a keyboard, a phone, zoom and
forced colours does. Like tests/test_site_wide.py, nothing here names a page
except where a check is about one kind of page; new pages are checked as
soon as they are built.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import TYPE_CHECKING

import pytest

from bench.corpus import REPO
from cohub.siteconfig import read_site_config
from tests.conftest import sample_site, site_pages

if TYPE_CHECKING:
    from collections.abc import Iterator

    from playwright.sync_api import Browser, BrowserContext, Page

PAGES = site_pages(sample_site())
CASE_STUDIES = tuple(address for address in PAGES if re.fullmatch(r"case-studies/[^/]+/", address))
SITE_NAME = read_site_config(REPO)["site_name"]

# A phone, a tablet, a small laptop (or 1280 px at 125% zoom) and a laptop.
WINDOWS = {320: 640, 768: 1024, 1024: 768, 1280: 800}
# 1280 x 1024 at 400% zoom is a 320 x 256 window; a phone is 320 x 640.
REFLOW_WINDOWS = ((320, 256), (320, 640))
# Enough to pass the header, the menu, the skip link and into the content on
# every page, or back from the end of it, while keeping the walk to seconds a page.
FORWARD_TAB_STOPS = 25
BACKWARD_TAB_STOPS = 8


@pytest.fixture(scope="module")
def windows(browser: Browser) -> Iterator[dict[tuple[int, int, bool], Page]]:
    """One tab per window size (and forced colours on or off), reused from page to page.

    Motion is reduced so that a page never scrolls smoothly: a check made
    while it is still scrolling would see the page half-way.
    """
    contexts: list[BrowserContext] = []

    # Page is imported for type checking only, and a base class is evaluated when the test runs.
    class Tabs(dict[tuple[int, int, bool], "Page"]):
        def __missing__(self, key: tuple[int, int, bool]) -> Page:
            width, height, forced = key
            context = browser.new_context(
                viewport={"width": width, "height": height},
                reduced_motion="reduce",
                forced_colors="active" if forced else "none",
            )
            contexts.append(context)
            self[key] = context.new_page()
            return self[key]

    tabs = Tabs()
    yield tabs
    for context in contexts:
        context.close()


def _open(
    windows,
    site_url: str,
    address: str,
    width: int,
    height: int | None = None,
    *,
    forced: bool = False,
    settled: bool = False,
) -> Page:
    tab = windows[(width, height or WINDOWS[width], forced)]
    tab.goto(site_url + address, wait_until="networkidle" if settled else "load")
    return tab


# One script the tests share: describe an element, find what a focused one
# shows, measure colours.
HELPERS = r"""
window.cohubProbe = {
  active() {
    let el = document.activeElement;
    while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
    return el === document.body || el === document.documentElement ? null : el;
  },
  describe(el) {
    if (!el) return "nothing";
    const classes = typeof el.className === "string" && el.className.trim()
      ? "." + el.className.trim().split(/\s+/).join(".") : "";
    const text = (el.getAttribute("aria-label") || el.textContent || el.value || "").trim().replace(/\s+/g, " ");
    return `<${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""}${classes}> "${text.slice(0, 40)}"`;
  },
  focusProblem(el) {
    const rects = [...el.getClientRects()].filter(r => r.width >= 4 && r.height >= 4);
    if (!rects.length) return "has no size: it cannot be seen";
    if (getComputedStyle(el).visibility !== "visible") return "is invisible";
    for (let a = el; a; a = a.parentElement) {
      if (parseFloat(getComputedStyle(a).opacity) < 0.1) return "is transparent";
    }
    const r = rects[0];
    if (r.left < -1 || r.top < -1 || r.right > innerWidth + 1 || r.bottom > innerHeight + 1) {
      return `is outside the window (${Math.round(r.left)},${Math.round(r.top)} to ` +
             `${Math.round(r.right)},${Math.round(r.bottom)} in ${innerWidth}x${innerHeight})`;
    }
    const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
    if (!hit || !(hit === el || el.contains(hit) || (el.shadowRoot && el.shadowRoot.contains(hit)))) {
      return "is covered by " + this.describe(hit);
    }
    return null;
  },
  rgba(colour) {
    const m = colour.match(/rgba?\(([^)]+)\)/);
    if (!m) return [0, 0, 0, 0];
    const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number);
    return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1];
  },
  background(el) {
    for (let a = el; a; a = a.parentElement) {
      const c = this.rgba(getComputedStyle(a).backgroundColor);
      if (c[3] > 0.5) return c;
    }
    return [255, 255, 255, 1];
  },
  contrast(one, two) {
    const lum = c => {
      const [r, g, b] = c.slice(0, 3).map(v => {
        v /= 255;
        return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
      });
      return 0.2126 * r + 0.7152 * g + 0.0722 * b;
    };
    const [a, b] = [lum(one), lum(two)].sort((x, y) => y - x);
    return (a + 0.05) / (b + 0.05);
  },
  // The colours a person sees on an element: its text on its background, and its focus ring.
  colours(el) {
    const style = getComputedStyle(el);
    const text = this.contrast(this.rgba(style.color), this.background(el));
    const ringed = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 1;
    const ring = ringed ? this.contrast(this.rgba(style.outlineColor),
                                        this.background(el.parentElement || el)) : null;
    return {text, ring};
  },
  // Every element a keyboard can reach, that can be seen, with a key saying what kind it is.
  focusables() {
    const selector = "a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex]";
    return [...document.querySelectorAll(selector)]
      .filter(el => el.tabIndex >= 0 && !el.disabled && !this.focusProblemBeforeFocus(el))
      .map(el => {
        let kind = el.tagName + "." + [...el.classList].sort().join(".");
        for (let a = el.parentElement, i = 0; a && i < 4; a = a.parentElement, i++) {
          const classes = [...a.classList].filter(c => !c.startsWith("md-nav__item--"));
          kind += " < " + a.tagName + "." + classes.sort().join(".");
        }
        return {el, kind};
      });
  },
  // checkVisibility() also sees what a closed <details> hides, which still has a size when measured.
  focusProblemBeforeFocus(el) {
    const rects = [...el.getClientRects()].filter(r => r.width >= 4 && r.height >= 4);
    return !rects.length || !el.checkVisibility({visibilityProperty: true}) || el.closest("[inert], [hidden]");
  },
};
"""


def _probe(tab) -> None:
    if not tab.evaluate("typeof window.cohubProbe === 'object'"):
        tab.evaluate(HELPERS)


def _walk(tab, key: str, stops: int) -> list[str]:
    """Press ``key`` up to ``stops`` times; say what is wrong with each element it focuses."""
    _probe(tab)
    problems = []
    tab.evaluate("window.cohubSeen = new Set()")
    for _ in range(stops):
        tab.keyboard.press(key)
        # Let the page react to the scroll a focus move causes (Material fits its sticky
        # sidebars to the window on the next frames), as a person would see it.
        tab.evaluate("() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        result = tab.evaluate("""() => {
            const el = cohubProbe.active();
            if (!el || cohubSeen.has(el)) return {done: true};
            cohubSeen.add(el);
            return {done: false, problem: cohubProbe.focusProblem(el), element: cohubProbe.describe(el)};
        }""")
        if result["done"]:
            break
        if result["problem"]:
            problems.append(f"{result['element']} {result['problem']}")
    return problems


def _load_for_walk(tab, url: str) -> None:
    """Load a page as far as a keyboard walk needs: its scripts run, and what they fill in late is there.

    The page's scripts have run by DOMContentLoaded. Pagefind's filter pane
    fills in when its data arrives and pushes what is below it down: a walk
    begun before then would find the footer where it no longer is.
    """
    tab.goto(url, wait_until="domcontentloaded")
    # Polled with evaluate: wait_for_function would need eval, which each page's policy forbids.
    for _ in range(200):
        if tab.evaluate("!document.querySelector('pagefind-filter-pane:not(:has(.pf-filter-group))')"):
            return
        tab.wait_for_timeout(50)
    pytest.fail(f"{url}: Pagefind's filters never filled in")


@pytest.mark.parametrize("width", WINDOWS)
@pytest.mark.parametrize("address", PAGES)
def test_every_element_the_keyboard_reaches_can_be_seen(windows, site_url, address, width):
    """Tab forwards from the top and backwards from the end: each focused element is in the window, uncovered."""
    tab = windows[(width, WINDOWS[width], False)]
    _load_for_walk(tab, site_url + address)
    problems = _walk(tab, "Tab", FORWARD_TAB_STOPS)
    _load_for_walk(tab, site_url + address)
    problems += [f"(backwards) {problem}" for problem in _walk(tab, "Shift+Tab", BACKWARD_TAB_STOPS)]
    assert problems == []


@pytest.mark.parametrize("address", PAGES)
def test_the_first_tab_stop_skips_to_the_start_of_the_main_content(windows, site_url, address):
    tab = _open(windows, site_url, address, 1280)
    _probe(tab)
    tab.keyboard.press("Tab")
    skip = tab.evaluate("""() => {
        const link = document.activeElement;
        const target = link.hash ? document.getElementById(decodeURIComponent(link.hash.slice(1))) : null;
        const heading = document.querySelector("main h1");
        return {
            text: link.textContent.trim(),
            visible: link.getBoundingClientRect().width > 4,
            inMain: !!(target && target.closest("main")),
            holdsTitle: !!(target && heading && target.contains(heading)),
        };
    }""")
    assert skip["text"].lower().startswith("skip to"), f"the first tab stop is {skip['text']!r}, not a skip link"
    assert skip["visible"]
    assert skip["inMain"] and skip["holdsTitle"], "the skip link must lead to the start of main, its title included"
    tab.keyboard.press("Enter")
    tab.keyboard.press("Tab")
    # The next stop is the content's first (when it has one to focus).
    after = tab.evaluate("""() => {
        const content = document.querySelector("main .md-content");
        const first = cohubProbe.focusables().find(({el}) => content.contains(el));
        return !first || document.activeElement === first.el;
    }""")
    assert after, "Tab after the skip link must go on from the start of the main content"


def test_the_menu_opens_and_works_with_a_keyboard_at_768px(windows, site_url):
    tab = _open(windows, site_url, "", 768)
    _probe(tab)
    for _ in range(6):
        tab.keyboard.press("Tab")
        focused = tab.evaluate("""() => {
            const el = document.activeElement;
            return {tag: el.tagName, expanded: el.getAttribute("aria-expanded"),
                    controls: el.getAttribute("aria-controls"),
                    name: (el.getAttribute("aria-label") || el.textContent).trim()};
        }""")
        if focused["tag"] == "BUTTON" and focused["expanded"] is not None:
            break
    else:
        pytest.fail("no menu button among the first six tab stops at 768 px")
    assert focused["name"] == "Menu"
    assert focused["expanded"] == "false"
    drawer = f"document.getElementById({focused['controls']!r})"
    assert tab.evaluate(f"!!{drawer}"), "aria-controls must name the menu"
    tab.keyboard.press("Enter")
    assert tab.evaluate("document.activeElement.getAttribute('aria-expanded') ?? 'moved'") in ("true", "moved")
    tab.wait_for_timeout(50)
    # Focus moves into the open menu, and every link in it can be reached and seen.
    seen = []
    for _ in range(15):
        where = tab.evaluate(f"""() => {{
            const el = document.activeElement;
            return {{inside: {drawer}.contains(el), text: el.textContent.trim(), problem: cohubProbe.focusProblem(el)}};
        }}""")
        if where["inside"]:
            assert where["problem"] is None, f"{where['text']!r} {where['problem']}"
            seen.append(where["text"])
            if where["text"] == "Glossary":
                break
        tab.keyboard.press("Tab")
    assert "Glossary" in seen, f"the open menu's links were not reached: {seen}"
    with tab.expect_navigation():
        tab.keyboard.press("Enter")
    assert tab.url.endswith("/glossary/")
    # Escape closes the menu and gives focus back to its button.
    tab.keyboard.press("Tab")
    button = "document.querySelector('button[aria-controls]')"
    tab.focus("button[aria-controls]")
    tab.keyboard.press("Enter")
    tab.keyboard.press("Escape")
    state = tab.evaluate(
        f"({{expanded: {button}.getAttribute('aria-expanded'), back: document.activeElement === {button}}})"
    )
    assert state == {"expanded": "false", "back": True}


@pytest.mark.parametrize(("width", "height"), REFLOW_WINDOWS, ids=("400%-zoom", "phone"))
@pytest.mark.parametrize("address", PAGES)
def test_nothing_is_cut_off_or_needs_scrolling_sideways(windows, site_url, address, width, height):
    tab = _open(windows, site_url, address, width, height)
    beyond = tab.evaluate("""() => {
        const out = [];
        for (const el of document.querySelectorAll("body *")) {
            const skipped = "[inert], [hidden], .cohub-visually-hidden, .md-typeset__scrollwrap, pre, " +
                            ".md-sidebar, .md-skip";
            if (el.closest(skipped)) continue;
            if (!el.checkVisibility({visibilityProperty: true})) continue;
            const r = el.getBoundingClientRect();
            if (r.width < 1 || r.height < 1) continue;
            if (r.right > innerWidth + 1 || r.left < -1)
                out.push(`<${el.tagName.toLowerCase()} class="${el.className}"> from ${Math.round(r.left)} ` +
                         `to ${Math.round(r.right)}: "${el.textContent.trim().slice(0, 30)}"`);
        }
        return {beyond: out.slice(0, 5), wide: document.documentElement.scrollWidth};
    }""")
    assert beyond["beyond"] == [], f"cut off in a {width} px window"
    assert beyond["wide"] <= width


def _clip(tab, el) -> dict[str, float] | None:
    """The element and the 6 px around it, centred in the window; None if it cannot be seen."""
    el.evaluate("el => el.scrollIntoView({block: 'center'})")
    box = el.bounding_box()
    viewport = tab.viewport_size
    left, top = max(box["x"] - 6, 0), max(box["y"] - 6, 0)
    clip = {
        "x": left,
        "y": top,
        "width": min(box["x"] + box["width"] + 6, viewport["width"]) - left,
        "height": min(box["y"] + box["height"] + 6, viewport["height"]) - top,
    }
    return clip if clip["width"] >= 1 and clip["height"] >= 1 else None


def _keyboard_focus(tab, el) -> bool:
    """Focus ``el`` as the Tab key does (script focus is not always shown as keyboard focus)."""
    el.evaluate("el => el.focus()")
    tab.keyboard.press("Shift+Tab")
    tab.keyboard.press("Tab")
    return el.evaluate("el => el === cohubProbe.active()")


def _changed(tab, el) -> bool:
    """Whether focusing ``el`` with the keyboard changes how it and the 6 px around it look."""
    tab.evaluate("document.activeElement?.blur()")
    clip = _clip(tab, el)
    if clip is None:
        return False
    before = tab.screenshot(clip=clip, animations="disabled", caret="initial")
    if not _keyboard_focus(tab, el):
        return False
    after = tab.screenshot(clip=_clip(tab, el), animations="disabled", caret="initial")
    tab.evaluate("document.activeElement?.blur()")
    return before != after


# Each kind of element (same tag, classes and surroundings) is styled alike: it is
# checked once, on the first page that has it, so the test stays quick as pages are added.
_FORCED_KINDS_SEEN: set[tuple[int, str]] = set()


@pytest.mark.parametrize("width", (768, 1280))
@pytest.mark.parametrize("address", PAGES)
def test_focus_shows_in_forced_colours(windows, site_url, address, width):
    """In Windows high contrast, backgrounds and shadows go: focus must still show on every kind of element."""
    tab = _open(windows, site_url, address, width, forced=True, settled=True)
    assert tab.evaluate("matchMedia('(forced-colors: active)').matches")
    _probe(tab)
    handles = tab.evaluate_handle("cohubProbe.focusables()")
    unchanged = []
    for index, kind in enumerate(handles.evaluate("list => list.map(found => found.kind)")):
        if (width, kind) in _FORCED_KINDS_SEEN:
            continue
        _FORCED_KINDS_SEEN.add((width, kind))
        el = handles.evaluate_handle("(list, i) => list[i].el", index).as_element()
        if not _changed(tab, el):
            unchanged.append(tab.evaluate("el => cohubProbe.describe(el)", el))
    assert unchanged == [], "focus does not show"


_CONTRAST_KINDS_SEEN: set[str] = set()


@pytest.mark.parametrize("address", PAGES)
def test_hover_and_focus_keep_their_contrast(windows, site_url, address):
    """Text stays 4.5:1 when hovered or focused; a focus ring is 3:1 against what is around it."""
    tab = _open(windows, site_url, address, 1280, settled=True)
    _probe(tab)
    handles = tab.evaluate_handle("cohubProbe.focusables()")
    window = tab.viewport_size
    assert window is not None, "the tab was opened without a window size"
    problems = []
    for index, kind in enumerate(handles.evaluate("list => list.map(found => found.kind)")):
        if kind in _CONTRAST_KINDS_SEEN:
            continue
        _CONTRAST_KINDS_SEEN.add(kind)
        el = handles.evaluate_handle("(list, i) => list[i].el", index).as_element()
        assert el is not None, f"focusable {index} ({kind}) on {address} is not an element"
        name = tab.evaluate("el => cohubProbe.describe(el)", el)
        el.evaluate("el => el.scrollIntoView({block: 'center'})")
        box = el.bounding_box()
        assert box is not None, f"{name} on {address} is not shown, so it cannot be hovered"
        tab.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        hovered = el.evaluate("el => cohubProbe.colours(el)")
        tab.mouse.move(0, window["height"] - 1)
        _keyboard_focus(tab, el)
        focused = el.evaluate("el => cohubProbe.colours(el)")
        el.evaluate("el => el.blur()")
        if hovered["text"] < 4.5:
            problems.append(f"{name} hovered: text {hovered['text']:.2f}:1")
        if focused["text"] < 4.5:
            problems.append(f"{name} focused: text {focused['text']:.2f}:1")
        if focused["ring"] is not None and focused["ring"] < 3:
            problems.append(f"{name} focused: ring {focused['ring']:.2f}:1")
    assert problems == []


@pytest.mark.parametrize("address", PAGES)
def test_every_form_control_has_a_visible_label(windows, site_url, address):
    """A placeholder is not a label: it goes as soon as someone types."""
    tab = _open(windows, site_url, address, 1280, settled=True)
    unlabelled = tab.evaluate("""() => {
        const shown = el => {
            const r = el.getBoundingClientRect();
            return r.width > 4 && r.height > 4 && getComputedStyle(el).visibility === "visible"
                   && el.textContent.trim() !== "";
        };
        const controls = document.querySelectorAll(
            "input:not([type=hidden]):not([type=submit]):not([type=button]), select, textarea, " +
            "[role=combobox], [role=searchbox]");
        return [...controls]
            .filter(el => el.checkVisibility({visibilityProperty: true, opacityProperty: true})
                          && el.getBoundingClientRect().width > 1)
            .filter(el => {
                const byFor = [...(el.labels || [])].some(shown);
                const ids = (el.getAttribute("aria-labelledby") || "").split(/\\s+/).filter(Boolean);
                const byIds = ids.map(id => document.getElementById(id)).some(l => l && shown(l));
                return !(byFor || byIds);
            })
            .map(el => el.outerHTML.slice(0, 120));
    }""")
    assert unlabelled == []


@pytest.mark.parametrize("address", PAGES)
def test_headings_and_links_have_names_a_screen_reader_can_say(windows, site_url, address):
    """No "¶" read out after a heading, no link named only "¶"; every nav and search landmark named."""
    tab = _open(windows, site_url, address, 1280, settled=True)
    session = tab.context.new_cdp_session(tab)
    try:
        nodes = session.send("Accessibility.getFullAXTree")["nodes"]
    finally:
        session.detach()
    bad = []
    landmarks: dict[str, list[str]] = {}
    for node in nodes:
        if node.get("ignored"):
            continue
        role = node.get("role", {}).get("value", "")
        name = str(node.get("name", {}).get("value", "")).strip()
        if role in ("heading", "link") and ("¶" in name or not re.search(r"\w", name)):
            bad.append(f"{role} {name!r}")
        if role in ("navigation", "search"):
            landmarks.setdefault(role, []).append(name)
    assert bad == []
    for role, names in landmarks.items():
        assert "" not in names, f"a {role} landmark has no name"
        assert len(set(names)) == len(names), f"two {role} landmarks share a name: {names}"


@pytest.mark.parametrize("address", PAGES)
def test_acronyms_give_their_meaning_to_keyboard_and_touch(windows, site_url, address):
    """Hover is not enough: focusing (or tapping) an acronym shows what it stands for."""
    tab = _open(windows, site_url, address, 1280, settled=True)
    tab.keyboard.press("Shift")
    count = tab.evaluate(
        "document.querySelectorAll('main .md-typeset abbr:not(a abbr):not(.cohub-glossary abbr)').length"
    )
    problems = []
    for index in range(count):
        abbr = tab.locator("main .md-typeset abbr:not(a abbr):not(.cohub-glossary abbr)").nth(index)
        text = abbr.inner_text()
        if abbr.evaluate("el => el.tabIndex") < 0:
            problems.append(f"{text} cannot be focused")
            continue
        abbr.focus()
        described = abbr.evaluate("""el => {
            const ids = (el.getAttribute("aria-describedby") || "").split(/\\s+/).filter(Boolean);
            const tip = ids.map(id => document.getElementById(id)).find(t => t && t.getBoundingClientRect().height > 4);
            return tip ? tip.textContent.trim() : "";
        }""")
        if not described:
            problems.append(f"{text} shows no meaning when focused")
        abbr.evaluate("el => el.blur()")
    assert problems == []


@pytest.mark.parametrize("address", CASE_STUDIES)
def test_a_case_study_starts_its_story_within_two_phone_screens(windows, site_url, address):
    """Title, summary and facts take at most two screens; an Easy Read version above them is part of the story."""
    tab = _open(windows, site_url, address, 320)
    screens = tab.evaluate("""() => {
        const story = document.querySelector("main article .cohub-facts ~ h2");
        const easyRead = document.querySelector("main article .cohub-easy-read");
        const top = story.getBoundingClientRect().top + scrollY - (easyRead ? easyRead.offsetHeight : 0);
        return top / innerHeight;
    }""")
    assert screens <= 2


@pytest.fixture(scope="module")
def dark_tab(browser: Browser) -> Iterator[Page]:
    """A tab whose device asks for dark colours."""
    context = browser.new_context(color_scheme="dark")
    yield context.new_page()
    context.close()


@pytest.mark.parametrize("address", PAGES)
def test_the_site_follows_a_dark_colour_scheme_preference(dark_tab, site_url, address):
    from tests.test_site_wide import _violations

    dark_tab.goto(site_url + address, wait_until="networkidle")
    background = dark_tab.evaluate("getComputedStyle(document.body).backgroundColor")
    red, green, blue = (int(part) for part in re.findall(r"\d+", background)[:3])
    assert red + green + blue < 3 * 80, f"the page is light ({background}) when the device asks for dark"
    assert _violations(dark_tab) == []


def test_filter_counts_say_what_they_count(windows, site_url):
    tab = _open(windows, site_url, "search/", 1280, settled=True)
    tab.fill(".cohub-search-page pagefind-input input", "co-production")
    # Each filter's values are in a closed group until someone opens it: wait for them to exist.
    tab.wait_for_selector(".pf-filter-checkbox", state="attached")
    tab.wait_for_timeout(300)
    names = tab.evaluate("""() => [...document.querySelectorAll('.pf-filter-checkbox:not([data-pf-hidden])')]
        .map(label => label.textContent.trim().replace(/\\s+/g, " "))""")
    assert names
    assert all(re.search(r"\d+ case stud(y|ies)", name) for name in names), names


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "html":
            self.lang = dict(attrs).get("lang") or ""
        self._in_title = tag == "title"

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def _head(address: str) -> _Head:
    path = sample_site() / (address if address.endswith(".html") else address + "index.html")
    head = _Head()
    head.feed(path.read_text(encoding="utf-8"))
    return head


@pytest.mark.parametrize("address", PAGES)
def test_every_page_says_what_it_is_and_its_language(address):
    head = _head(address)
    comment_layout = (REPO / "cohub" / "comments" / "templates" / "layout.html").read_text(encoding="utf-8")
    assert head.lang == "en-GB"
    assert f'lang="{head.lang}"' in comment_layout, "the comment pages and the site must give one language"
    if address:
        assert head.title.strip() != SITE_NAME, "the title must say which page this is, not only the site's name"
