"""The one module that talks to MkDocs: it hands MkDocs events to the hub.

``hooks/cohub_site.py`` forwards each MkDocs event here. Everything the hub
decides is computed by plain functions elsewhere in :mod:`cohub`; this module
only reads MkDocs objects, calls those functions and writes back the results.
"""

from __future__ import annotations

import gc
import logging
import os
import threading
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

import material
from jinja2 import ChoiceLoader, PackageLoader
from markupsafe import escape
from material.plugins.tags.structure.tag import Tag
from mkdocs.commands.build import get_context
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, InclusionLevel
from mkdocs.structure.pages import Page
from mkdocs.utils import clean_directory
from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

from cohub.accessibility_statement import accessibility_statement
from cohub.addresses import LISTING_PAGE, case_study_page
from cohub.ahead import WorkAhead, ahead_workers, logged_records, say
from cohub.brand import BRAND_STYLESHEET, brand_stylesheet
from cohub.comments.address import CommentAddressError, comment_form_action, comment_service_url
from cohub.comments.location import database_location, describe_location, is_database_url
from cohub.comments.publish import COMMENT_ASSETS, comment_asset, publish_approved_comments
from cohub.comments.settings import SettingsError, retention_periods, settings_from_env
from cohub.comments.validation import COMMENT_MAX_LENGTH
from cohub.csp import content_security_policy, form_targets, inline_script_hashes, with_policy
from cohub.feeds import render_feed, site_feeds
from cohub.filter_listing import CHUNK_SIZE, LISTING_DIR, filter_listing
from cohub.glossary import GLOSSARY_PAGE, abbr_glossary
from cohub.hub import Hub, load_hub
from cohub.open_data import (
    CSV_FILE,
    JSON_FILE,
    SCHEMA_FILE,
    collection,
    collection_csv,
    collection_json,
    open_data_schema,
)
from cohub.organisation import OrganisationSettingsError, decode_organisation
from cohub.palette import CUSTOM, PaletteError, css_variables, palette_failures
from cohub.preview import Changes, Preview, RenderedPage, changed_pages, site_fingerprint
from cohub.preview_page import served_page
from cohub.privacy_notice import privacy_notice
from cohub.readers import available_cores, can_fork
from cohub.related import RelatedConfig, RelatedConfigError, decode_related_config
from cohub.sanitise import sanitise_story
from cohub.search import (
    BUNDLE_DIR,
    SearchIndexError,
    case_study_search,
    finish_index,
    page_search,
    search_filters,
    search_vocabulary,
)
from cohub.search_order import NEWEST_FIRST_FILE
from cohub.search_stream import StreamingIndex, streams_while_building, written_pages_index
from cohub.settings_lines import setting_lines
from cohub.sharing import page_dates, share_card
from cohub.taxonomy import load_taxonomy
from cohub.templating import abbreviated_filter, case_study_item_filter
from cohub.website import LEAVES_SITE_HINT, Website, build_website, first_mention_links
from cohub.wikilinks import resolve_wikilinks

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping, Sequence
    from datetime import date as Date

    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.toc import TableOfContents
    from watchdog.events import FileSystemEvent
    from watchdog.observers.api import BaseObserver

    from cohub.accessibility_statement import AccessibilityStatement
    from cohub.model import CaseStudy
    from cohub.organisation import Organisation
    from cohub.privacy_notice import PrivacyNotice
    from cohub.website import GeneratedPage

# A child of MkDocs' logger, so --strict counts its warnings; no prefix, so each
# message starts with the file and line, exactly as 'cohub check' prints it.
log = logging.getLogger("mkdocs.plugins.cohub")

CASE_STUDY_TEMPLATE = "case-study.html"
LISTING_TEMPLATE = "case-studies.html"
# Every page's template while worker processes render pages ahead: a worker's page, or the page's own template.
AHEAD_TEMPLATE = "cohub-ahead.html"
WATCHED_FOLDERS = ("case_studies", "taxonomy")
LINKS_EXTENSION = "cohub.markdown_links"
# Pages that are not documentation: no table of contents, no "Previous" and "Next" links.
PUBLIC_SERVICE_TEMPLATES = frozenset(
    {
        "home.html",
        CASE_STUDY_TEMPLATE,
        LISTING_TEMPLATE,
        "search.html",
    }
)
MATERIAL_STYLESHEETS = Path(material.__file__).parent / "templates" / "assets" / "stylesheets"
# What MkDocs says before each rebuild that keeps the last site; the preview decides what is rebuilt.
DIRTY_BUILD_WARNING = "A 'dirty' build is being performed"
# What the system says about a watched folder that means a file in it changed (not that one was only read).
CHANGE_EVENTS = [
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileClosedEvent,
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
]


@dataclass(frozen=True)
class ConvertedPage:
    """What a worker process made of a page's Markdown, for the build to use instead of converting it again.

    Attributes:
        rendered: The Markdown and settings the worker converted, and what MkDocs made of them.
        links_to_anchors: The page's links to anchors, by the ``src_uri`` of the page linked to
            (None where MkDocs does not note them).
        records: What MkDocs and the Markdown extensions logged while converting it.
    """

    rendered: RenderedPage
    links_to_anchors: tuple[tuple[str, tuple[tuple[str, str], ...]], ...] | None
    records: tuple[logging.LogRecord, ...]


def _unchanged() -> bool:
    return False


class _SkipDirtyWarning(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return not record.getMessage().startswith(DIRTY_BUILD_WARNING)


class SiteHooks:
    """MkDocs event handlers, holding the hub between events of one build.

    ``mkdocs serve`` keeps hook modules loaded across rebuilds, so every
    build starts by forgetting the last one (``on_config``).
    """

    def __init__(self) -> None:
        self.serving = False
        self.preview: Preview | None = None
        self.dirty = False
        self.indexing: threading.Thread | None = None
        self.watchers: list[BaseObserver] = []
        # A build's search index: fed each page as it is written, or afterwards from the pages listed.
        self.search_index: StreamingIndex | None = None
        self.search_pages: list[str] = []
        self.search_failure: str | None = None
        # A preview's search index, kept between rebuilds: the last whole build's pages, each page a
        # rebuild wrote since in its place; None when it must be made again from the site folder.
        self.preview_search: StreamingIndex | None = None
        # A whole build's pages, converted from Markdown ahead of MkDocs by worker processes.
        self.ahead: WorkAhead[ConvertedPage] | None = None
        # A whole build's pages, rendered from their templates ahead of MkDocs by worker processes.
        self.rendering_ahead: WorkAhead[str] | None = None
        self.page_templates: dict[str, str] = {}
        self.nav: Navigation | None = None
        self.hub: Hub | None = None
        self.website: Website | None = None
        self.related_config = RelatedConfig()
        self.pages: dict[str, CaseStudy] = {}
        self.titles: dict[str, str] = {}
        self.generated: dict[str, GeneratedPage] = {}
        self.dates: Mapping[str, Date] = {}
        # Inline scripts that a page's own text brought in: never allowed by its policy.
        self.content_scripts: dict[str, frozenset[str]] = {}
        self.comments_url: str | None = None
        self.form_targets: tuple[str, ...] = ()
        self.organisation: Organisation | None = None
        self.statement: AccessibilityStatement | None = None
        self.notice: PrivacyNotice | None = None

    def on_startup(self, command: str, dirty: bool = False) -> None:
        """Note whether MkDocs is previewing the site ('mkdocs serve') rather than building it,
        and whether it rebuilds changed pages only ('--dirty')."""
        self.serving = command == "serve"
        self.preview = Preview() if self.serving else None
        self.dirty = dirty

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Forget the last build; set up tags, acronyms, first-mention links and related content."""
        # The last preview's search index is still being written into the folder this build empties.
        self.wait_for_indexing()
        self._stop_search_index()
        self._stop_converting_ahead()
        self._stop_rendering_ahead()
        self.hub = None
        self.website = None
        self.pages = {}
        self.titles = {}
        self.generated = {}
        self.dates = {}
        self.content_scripts = {}
        try:
            self.comments_url = comment_service_url(config.extra)
        except CommentAddressError as error:
            raise PluginError(error.located(Path(config.config_file_path))) from None
        self.form_targets = form_targets(self.comments_url)
        if self.preview is not None:
            keep_theme_files(config, self.preview.theme_files)
        taxonomy, _problems = load_taxonomy(hub_root(config))
        tags_plugin = config.plugins.get("material/tags")
        if tags_plugin is not None:
            tags_plugin.config.tags_allowed = {Tag(name) for name in taxonomy.all_tags()}
        settings = config.extra.get("cohub") or {}
        if not isinstance(settings, dict):
            raise PluginError(f"mkdocs.yml: extra: cohub: must be 'name: value' lines, not {settings!r}")
        try:
            self.related_config = decode_related_config(settings.get("related"), taxonomy.facets)
        except RelatedConfigError as error:
            raise PluginError(f"mkdocs.yml: extra: cohub: related: {error}") from None
        self._read_organisation(config, settings)
        # Every acronym in every Markdown page becomes an <abbr>, from the taxonomy's one list.
        if "abbr" not in config.markdown_extensions:
            config.markdown_extensions.append("abbr")
        config.mdx_configs.setdefault("abbr", {})["glossary"] = abbr_glossary(taxonomy.acronyms)
        config.markdown_extensions.append(LINKS_EXTENSION)
        config.mdx_configs[LINKS_EXTENSION] = {
            "first_mentions": dict(first_mention_links(taxonomy)),
            "site_url": config.site_url or "",
            "hint": LEAVES_SITE_HINT,
        }
        return config

    def _read_organisation(self, config: MkDocsConfig, settings: dict[str, Any]) -> None:
        """Check the organisation block and the colours, then write the legal pages' content.

        This runs in on_config, before MkDocs empties site/, so a mistake here
        leaves the published site as it was.
        """
        config_path = Path(config.config_file_path)
        lines = setting_lines(config_path.read_text(encoding="utf-8"))
        docs = Path(config.docs_dir)
        try:
            organisation = decode_organisation(
                settings.get("organisation"), lines, lambda path: (docs / path).is_file()
            )
        except OrganisationSettingsError as error:
            for problem in error.problems:
                log.error(str(problem))
            count = len(error.problems)
            raise PluginError(
                f"{count} problem{'s' if count != 1 else ''} in the organisation settings "
                "in mkdocs.yml; see the README for each setting"
            ) from None
        # No palette at all is Material's default scheme with indigo; the colours need one to apply to.
        if not config.theme.get("palette"):
            config.theme["palette"] = {"scheme": "default", "primary": "indigo", "accent": "indigo"}
        palettes = config.theme["palette"]
        palettes = [
            palette for palette in (palettes if isinstance(palettes, list) else [palettes]) if isinstance(palette, dict)
        ]
        if organisation.colours is not None:
            for palette in palettes:
                palette["primary"] = palette["accent"] = CUSTOM
        if organisation.logo:
            config.theme["logo"] = organisation.logo
        stylesheets = [
            path.read_text(encoding="utf-8")
            for pattern in ("main.*.min.css", "palette.*.min.css")
            for path in sorted(MATERIAL_STYLESHEETS.glob(pattern))
        ]
        try:
            failures = palette_failures(css_variables(stylesheets), palettes, organisation.colours)
        except PaletteError as error:
            raise PluginError(f"mkdocs.yml: {error}") from None
        if failures:
            for pair in failures:
                log.error(f"mkdocs.yml: {pair} — choose a darker or lighter colour in extra.cohub.organisation.colours")
            raise PluginError(
                f"{len(failures)} colour pair{'s' if len(failures) != 1 else ''} in mkdocs.yml "
                "fall below WCAG 2.2 AA contrast"
            )
        if BRAND_STYLESHEET not in config.extra_css:
            config.extra_css.append(BRAND_STYLESHEET)
        try:
            comment_settings = settings_from_env(os.environ, config.extra.get("comments"))
        except SettingsError as error:
            raise PluginError(f"mkdocs.yml: extra: comments: {error}") from None
        self.organisation = organisation
        self.statement = accessibility_statement(organisation, config.site_name, config.site_url or "")
        self.notice = privacy_notice(organisation, config.site_name, retention_periods(comment_settings))

    def on_pre_build(self, config: MkDocsConfig) -> None:
        """Read and check every case study, before MkDocs empties the site folder.

        A broken case study stops the build here, so the last good site
        stays where it is. A preview ('mkdocs serve') that has built once
        goes on with the last good hub instead, so that the reload shows
        the problems over the last good pages.
        """
        preview = self.preview
        cache = preview.case_studies if preview is not None else None
        hub = load_hub(hub_root(config), *((cache.read_file, cache.warnings) if cache is not None else ()))
        if preview is not None:
            preview.reading = True
            preview.problems = hub.problems
        if hub.problems:
            for problem in hub.problems:
                log.error(str(problem))
            count = len(hub.problems)
            if preview is not None and preview.website is not None:
                # The preview keeps showing the last good site, with the problems over every page.
                log.error(
                    f"{count} problem{'s' if count != 1 else ''} in the case studies or taxonomy; "
                    "the preview shows them at the top of every page until they are fixed"
                )
                self.hub = preview.website.hub
                return
            raise PluginError(
                f"{count} problem{'s' if count != 1 else ''} in the case studies or taxonomy; "
                "run 'cohub check' to list them"
            )
        for warning in hub.warnings:
            log.info(f"{warning.path}:{warning.line}: warning: {warning.message} — {warning.fix}")
        self.hub = hub

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        """Add each case study's page and the pages that list and link them.

        Those are the glossary and the browse, organisation, place and series
        pages, all worked out from the whole corpus before any page is built.
        """
        hub = self.hub
        if hub is None:
            raise PluginError("the case studies were not read: is hooks/cohub_site.py listed under 'hooks:'?")
        preview = self.preview
        if preview is not None and preview.broken:
            assert preview.website is not None
            self.website = preview.website
        else:
            self.website = build_website(hub, self.related_config, self.statement, self.notice)
        self.dates = page_dates(self.website)
        for case_study in hub.case_studies:
            src_uri = case_study_page(case_study.slug)
            if files.get_file_from_path(src_uri) is not None:
                raise PluginError(
                    f"{case_study.path}:1: the page address '{case_study.url}' is "
                    f"taken by docs/{src_uri} — rename the file, or give it a different 'slug:'"
                )
            self.pages[src_uri] = case_study
            self.titles[case_study.slug] = case_study.title
            files.append(
                File.generated(
                    config,
                    src_uri,
                    abs_src_path=str(hub.root / case_study.path),
                    inclusion=InclusionLevel.NOT_IN_NAV,
                )
            )
        if preview is not None:
            preview.changes = self._preview_changes(preview, config)
        for path, content in self._whole_hub_files(config, hub):
            files.append(File.generated(config, path, content=content))
        files.append(
            File.generated(
                config,
                BRAND_STYLESHEET,
                content=brand_stylesheet(self.organisation.colours if self.organisation else None),
            )
        )
        for name in COMMENT_ASSETS:
            files.append(File.generated(config, f"assets/cohub/{name}", abs_src_path=str(comment_asset(name))))
        if files.get_file_from_path(LISTING_PAGE) is None:
            files.append(
                File.generated(
                    config,
                    LISTING_PAGE,
                    content=f"---\ntemplate: {LISTING_TEMPLATE}\n---\n\n# Case studies\n",
                )
            )
        # A hand-written page of the same name wins over a generated one.
        for page in self.website.pages.values():
            if files.get_file_from_path(page.src_uri) is None:
                self.generated[page.src_uri] = page
                files.append(
                    File.generated(
                        config,
                        page.src_uri,
                        content="",
                        inclusion=InclusionLevel.UNDEFINED if page.in_nav else InclusionLevel.NOT_IN_NAV,
                    )
                )
        if preview is not None:
            self._plan_preview(preview, files, config)
        # The hub and its links live until the build ends. Rendering thousands
        # of pages makes Python's garbage collector run often, and each full
        # run would walk all of them again: set them aside until on_post_build.
        # Collect first, or 'mkdocs serve' would set aside the last build's
        # garbage too, and grow with every rebuild.
        gc.collect()
        gc.freeze()
        return files

    def _whole_hub_files(self, config: MkDocsConfig, hub: Hub) -> tuple[tuple[str, str], ...]:
        """The files made from the whole hub: feeds, open data and the lists search shows with no words typed.

        A preview's rebuild after an edit gives MkDocs last build's, which
        are already in the site folder; none holds a story's text, and when
        the edit changed something they show, ``on_post_build`` makes them
        again after the pages, as it indexes search.
        """
        preview = self.preview
        if preview is None or preview.changes is None:
            assert self.website is not None
            made = whole_hub_files(self.website, config)
            if preview is not None:
                preview.whole_hub_files = made
            return made
        return preview.whole_hub_files

    def _preview_changes(self, preview: Preview, config: MkDocsConfig) -> Changes | None:
        """What this preview build changes since the last good one (``None``: everything)."""
        assert self.website is not None
        fingerprint = site_fingerprint(Path(config.config_file_path), config.theme.custom_dir)
        changes = changed_pages(preview.website, self.website) if fingerprint == preview.fingerprint else None
        preview.fingerprint = fingerprint
        return changes

    def _plan_preview(self, preview: Preview, files: Files, config: MkDocsConfig) -> None:
        """Choose the pages this preview build writes; MkDocs keeps the others as the last build left them."""
        hand_written = tuple(file.src_uri for file in files.documentation_pages() if self._hand_written(file))
        whole = preview.plan(hand_written, self.hub.case_studies if self.hub is not None else ())
        if whole:
            self._forget_preview_search()
            self._start_preview_search()
            if preview.keeps_site:
                clean_directory(config.site_dir)
        for file in files.documentation_pages():
            # MkDocs asks this of every page twice: whether to read it, then whether to write it.
            file.is_modified = partial(preview.writes, file.src_uri)  # type: ignore[method-assign]
        # Files the hub makes whole (feeds, open data, lists for search) are written again only when they differ.
        for file in files:
            if file.is_documentation_page() or file.generated_by is None or file.abs_src_path is not None:
                continue
            if not preview.differs(file.src_uri, file.content_bytes):
                file.is_modified = _unchanged  # type: ignore[method-assign]

    def _hand_written(self, file: File) -> bool:
        return file.src_uri not in self.pages and file.src_uri not in self.generated

    def on_nav(self, nav: Navigation, config: MkDocsConfig, files: Files) -> None:
        """Start converting a whole build's pages in worker processes, on a machine with a core to spare.

        MkDocs converts each page's Markdown, one after another, before it
        renders any template; workers forked now, once every page is known,
        convert pages from the last one backwards while MkDocs converts from
        the first, and MkDocs takes what they made (``on_pre_page``).
        """
        self._stop_converting_ahead()
        self.nav = nav
        keys = [file.src_uri for file in files.documentation_pages(inclusion=InclusionLevel.is_included)]
        workers = self._workers_ahead(len(keys))
        if workers < 1:
            return

        def convert(src_uri: str) -> ConvertedPage | None:
            return convert_page(config, files, src_uri)

        try:
            self.ahead = WorkAhead(keys, convert, workers=workers)
        except OSError:
            # The workers could not start: MkDocs converts every page itself, as on one core.
            self.ahead = None

    def _workers_ahead(self, pages: int) -> int:
        """How many worker processes to fork to work ahead of MkDocs: none in a preview, a ``--dirty`` build,
        or a process that cannot fork safely."""
        if self.serving or self.dirty or not can_fork():
            return 0
        return ahead_workers(pages, available_cores())

    def _stop_converting_ahead(self) -> None:
        close_work_ahead(self.ahead, "Converted {} pages' Markdown in worker processes")
        self.ahead = None

    def on_pre_page(self, page: Page) -> Page:
        """Use a worker's conversion of the page's Markdown if it was made from the same Markdown;
        in a preview, convert a page's Markdown only when it differs from the last build's."""
        if self.ahead is not None:
            converted = self.ahead.take(page.file.src_uri)
            if converted is not None:
                use_converted(page, converted)
        preview = self.preview
        if preview is None:
            return page
        convert = page.render

        def render(config: MkDocsConfig, files: Files) -> None:
            src_uri = page.file.src_uri
            last = preview.last_render(src_uri, page.markdown or "", repr(page.meta))
            if last is not None:
                take_rendering(page, last)
                return
            convert(config, files)
            preview.rendered_again(
                src_uri,
                rendering_of(page),
            )

        page.render = render  # type: ignore[method-assign]
        return page

    def on_page_read_source(self, page: Page) -> str | None:
        """Hand MkDocs a case study's body only: the hub has read its front matter."""
        case_study = self._case_study(page)
        return case_study.body if case_study is not None else None

    def on_page_markdown(self, markdown: str, page: Page) -> str:
        """Give a case study its title, description, tags, template and wikilinks; a generated page its template."""
        case_study = self._case_study(page)
        if case_study is not None and self.hub is not None:
            page.meta.update(
                title=case_study.title,
                # Material writes the description into an attribute unescaped.
                description=escape(case_study.summary),
                tags=list(
                    self.preview.tags(case_study, self.hub.tags)
                    if self.preview is not None
                    else self.hub.tags(case_study)
                ),
                template=CASE_STUDY_TEMPLATE,
                comments=case_study.comments,
            )
            markdown = resolve_wikilinks(markdown, self.titles)
        generated = self.generated.get(page.file.src_uri)
        if generated is not None:
            page.meta.update(title=generated.title, template=generated.template)
        # The sitemap's lastmod: the case studies' own dates, not the build's.
        day = self.dates.get(page.file.src_uri)
        if day is not None:
            page.update_date = day.isoformat()
        if case_study is not None or generated is not None or page.meta.get("template") in PUBLIC_SERVICE_TEMPLATES:
            hidden = page.meta.get("hide")
            page.meta["hide"] = [*(hidden if isinstance(hidden, list) else []), "toc", "footer"]
        return markdown

    def on_page_content(self, html: str, page: Page) -> str:
        """Clean a case study's HTML; note any script a page's text holds; tell MkDocs the glossary's anchors."""
        if self._case_study(page) is not None:
            html = self._sanitised(page.file.src_uri, html)
        self.content_scripts[page.file.src_uri] = inline_script_hashes(html)
        generated = self.generated.get(page.file.src_uri)
        if generated is not None and self.website is not None and generated.src_uri == GLOSSARY_PAGE:
            page.present_anchor_ids = {*(page.present_anchor_ids or ()), *self.website.glossary.anchors}
        return html

    def _sanitised(self, src_uri: str, html: str) -> str:
        if self.preview is None:
            return sanitise_story(html)
        return self.preview.sanitised(src_uri, html, sanitise_story)

    def on_env(self, env: Environment, config: MkDocsConfig, files: Files) -> Environment:
        """Let templates read the hub and the links between its pages; start rendering pages ahead."""
        # Every page is converted by now.
        self._stop_converting_ahead()
        if self.preview is not None:
            self.preview.reading = False
            env.bytecode_cache = self.preview.templates
        # The comment form is one template, shared with the comment service.
        comments = PackageLoader("cohub.comments", "templates")
        env.loader = ChoiceLoader([env.loader, comments] if env.loader is not None else [comments])
        env.globals["cohub"] = self.hub
        env.globals["cohub_comment_max_length"] = COMMENT_MAX_LENGTH
        env.globals["cohub_comment_form_action"] = comment_form_action(self.comments_url)
        env.globals["cohub_site"] = self.website
        env.globals["cohub_search_filters"] = search_filters(self.hub.taxonomy) if self.hub is not None else ()
        env.globals["cohub_filter_listing"] = {
            "dir": LISTING_DIR,
            "chunk_size": CHUNK_SIZE,
            "newest_first": f"{BUNDLE_DIR}/{NEWEST_FIRST_FILE}",
        }
        env.globals["cohub_search_vocabulary"] = search_vocabulary(self.hub.taxonomy) if self.hub is not None else ()
        if self.website is not None:
            env.filters["abbreviated"] = abbreviated_filter(env, self.website.text)
            env.filters["case_study_item"] = case_study_item_filter(
                env, self.preview.items if self.preview is not None else None
            )
        self._start_rendering_ahead(env, config, files)
        return env

    def _start_rendering_ahead(self, env: Environment, config: MkDocsConfig, files: Files) -> None:
        """Start rendering a whole build's pages in worker processes, on a machine with a core to spare.

        MkDocs renders each page's template, one after another; workers
        forked now, once every page is converted and the templates have all
        they read, render pages from the last one backwards while MkDocs
        renders from the first. Every page's template becomes one that shows
        the worker's page if there is one, and else renders the page's own
        template (``on_page_context``).
        """
        self._stop_rendering_ahead()
        nav = self.nav
        doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
        workers = self._workers_ahead(len(doc_files))
        if nav is None or workers < 1:
            return
        # Only pages that name their template: a page with no settings at all renders differently from one with some.
        templates = {
            file.src_uri: file.page.meta["template"]
            for file in doc_files
            if file.page is not None and isinstance(file.page.meta.get("template"), str)
        }

        def render(src_uri: str) -> str | None:
            file = files.get_file_from_path(src_uri)
            if file is None or file.page is None:
                return None
            return render_page(file.page, templates[src_uri], config, doc_files, nav, env)

        try:
            self.rendering_ahead = WorkAhead(list(templates), render, workers=workers)
        except OSError:
            # The workers could not start: MkDocs renders every page itself, as on one core.
            return
        self.page_templates = templates
        for src_uri in templates:
            files.src_uris[src_uri].page.meta["template"] = AHEAD_TEMPLATE  # type: ignore[union-attr]

    def _stop_rendering_ahead(self) -> None:
        close_work_ahead(self.rendering_ahead, "Rendered {} pages in worker processes")
        self.rendering_ahead = None
        self.page_templates = {}

    def on_page_context(self, context: dict[str, Any], page: Page) -> dict[str, Any]:
        """Give a case study's template its case study, a generated page's template what it lists,
        and every page what it adds to search."""
        template = self.page_templates.get(page.file.src_uri)
        if self.rendering_ahead is not None and template is not None:
            rendered = self.rendering_ahead.take(page.file.src_uri)
            context["cohub_rendered"] = rendered
            context["cohub_template"] = template
            if rendered is not None:
                return context
        case_study = self._case_study(page)
        context["case_study"] = case_study
        generated = self.generated.get(page.file.src_uri)
        context["cohub_page"] = generated.content if generated is not None else None
        # Most generated pages only list other pages, so search leaves them out.
        context["cohub_unindexed"] = generated is not None and not generated.indexed
        config = context["config"]
        description = page.meta.get("description")
        context["cohub_share"] = share_card(
            title=page.title or "",
            description=description if isinstance(description, str) else "",
            canonical_url=page.canonical_url or "",
            site_name=config.site_name,
            site_description=config.site_description or "",
            site_url=config.site_url or "",
            organisation=self.organisation,
            case_study=case_study,
            is_home=page.is_homepage,
        )
        if self.hub is not None:
            context["cohub_search"] = (
                case_study_search(case_study, self.hub.taxonomy, page.markdown or "")
                if case_study is not None
                else page_search(page.markdown or "", self.hub.taxonomy)
            )
        return context

    def on_post_page(self, output: str, page: Page) -> str:
        """Give the page its Content-Security-Policy, allowing the theme's inline scripts only; index it for search."""
        own_scripts = inline_script_hashes(output) - self.content_scripts.get(page.file.src_uri, frozenset())
        output = with_policy(output, content_security_policy(own_scripts, self.form_targets))
        if not self.serving and not self.dirty:
            self._index_page(page.file.dest_uri, output)
        elif self.preview is not None:
            self._index_preview_page(page.file.dest_uri, output)
        return output

    def _start_preview_search(self) -> None:
        """Start a whole preview build's search index, to be given every page as it is written."""
        try:
            index = StreamingIndex()
            index.start()
        except SearchIndexError:
            # Made from the site folder once the pages are written, which says what failed.
            return
        self.preview_search = index

    def _index_preview_page(self, path: str, html: str) -> None:
        """Hand a page a preview wrote to its search index: all of a whole build's, or one put in its place."""
        if self.preview_search is None:
            return
        try:
            self.preview_search.add_page(path, html)
        except SearchIndexError:
            # Made again from the site folder once the pages are written, which says what failed.
            self._forget_preview_search()

    def _index_page(self, path: str, html: str) -> None:
        """Hand a built page to Pagefind now, on a machine with cores to spare, or note it for the end of the build.

        A failure is kept for on_post_build, which fails the build with it
        once, as it did when the whole site was indexed at the end.
        """
        self.search_pages.append(path)
        if self.search_failure is not None or not streams_while_building(available_cores()):
            return
        try:
            if self.search_index is None:
                self.search_index = StreamingIndex()
                self.search_index.start()
            self.search_index.add_page(path, html)
        except SearchIndexError as error:
            self.search_failure = str(error)
            self._stop_search_index()

    def on_post_template(self, output: str, template_name: str) -> str:
        """Give a page made from a template alone (the 404 page) its Content-Security-Policy."""
        if not template_name.endswith(".html"):
            return output
        return with_policy(output, content_security_policy(inline_script_hashes(output), self.form_targets))

    def on_post_build(self, config: MkDocsConfig) -> None:
        """Index the built site for search, then write in the comments approved so far.

        A whole build on a machine with a core to spare has handed Pagefind
        each page as it was written, and writes the search bundle now; on one
        core, or in a ``--dirty`` build, Pagefind is given the written pages
        now. A preview ('mkdocs serve') indexes the site and writes the
        comments in the background, so an edited page shows as soon as it is
        rebuilt; its search catches up seconds later.
        """
        gc.unfreeze()
        self._stop_rendering_ahead()
        preview = self.preview
        if preview is None:
            # Indexing comes first, so that comments, which are not the hub's own words, are not searched.
            self._finish_search_index(Path(config.site_dir), self.hub)
            self._publish_comments(config, self.hub)
            return
        if preview.broken:
            # Which pages this build handed to the search index is not what the site folder shows.
            self._forget_preview_search()
            return
        preview.website = self.website
        if preview.to_write is not None:
            log.info(f"Preview: wrote {len(preview.to_write)} changed pages and kept the others")
        self.indexing = threading.Thread(
            target=self._index_and_publish_in_background,
            args=(config, self.hub, self.website if preview.whole_hub_stale else None),
            name="cohub-search-index",
            daemon=True,
        )
        self.indexing.start()

    def on_build_error(self) -> None:
        """Stop a build's search indexing; after a failed preview build, rebuild everything next time
        (what it wrote is not known)."""
        # MkDocs may call this after on_post_build has started a preview's search in the background.
        self.wait_for_indexing()
        self._stop_converting_ahead()
        self._stop_rendering_ahead()
        self._stop_search_index()
        self._forget_preview_search()
        if self.preview is not None:
            self.preview.fingerprint = None

    def on_shutdown(self) -> None:
        """Stop watching the hub's folders; let a preview's search indexing finish before MkDocs removes the site."""
        for watcher in self.watchers:
            watcher.stop()
            watcher.join()
        self.watchers = []
        self.wait_for_indexing()
        self._stop_search_index()
        self._forget_preview_search()

    def _finish_search_index(self, site_dir: Path, hub: Hub | None) -> None:
        """Write the build's search bundle, once every page has been indexed.

        The pages go to Pagefind in the order they were built, whether while
        rendering or now, from the written site, so both give the same index.
        A ``--dirty`` build wrote only the pages that changed: every page in
        the site folder goes to Pagefind.
        """
        started = time.perf_counter()
        index, pages, failure = self.search_index, self.search_pages, self.search_failure
        self.search_index, self.search_pages, self.search_failure = None, [], None
        try:
            if failure is not None:
                raise SearchIndexError(failure)
            if index is None:
                index = written_pages_index(site_dir, None if self.dirty else pages)
            report = index.write(site_dir)
            finish_index(report.bundle, case_study_addresses(hub))
        except (SearchIndexError, OSError) as error:
            raise search_failure(site_dir, error) from None
        finally:
            if index is not None:
                index.close()
        log.info(
            f"Search: indexed {report.pages} pages, and finished the index "
            f"in {time.perf_counter() - started:.1f} s after the last page"
        )

    def _stop_search_index(self) -> None:
        if self.search_index is not None:
            self.search_index.close()
        self.search_index, self.search_pages, self.search_failure = None, [], None

    def _forget_preview_search(self) -> None:
        if self.preview_search is not None:
            self.preview_search.close()
        self.preview_search = None

    def wait_for_indexing(self) -> None:
        """Wait until the last preview's search index and comments are written."""
        if self.indexing is not None:
            self.indexing.join()
            self.indexing = None

    def _publish_comments(self, config: MkDocsConfig, hub: Hub | None) -> None:
        location = database_location(hub_root(config), None, os.environ)
        if hub is None or not (is_database_url(location) or Path(location).is_file()):
            return
        slugs = [case_study.slug for case_study in hub.case_studies if case_study.comments]
        count = publish_approved_comments(Path(config.site_dir), location, slugs)
        log.info(
            f"Wrote {count} approved comment{'s' if count != 1 else ''} from {describe_location(location)}"
            " into the site"
        )

    def _index_and_publish_in_background(self, config: MkDocsConfig, hub: Hub | None, remake: Website | None) -> None:
        """Make again the files from the whole hub of ``remake``, if given; then index search and write comments."""
        try:
            if remake is not None:
                self._remake_whole_hub_files(config, remake)
            self._index_preview(Path(config.site_dir), hub)
            self._publish_comments(config, hub)
        except PluginError as error:
            log.error(str(error))

    def _index_preview(self, site_dir: Path, hub: Hub | None) -> None:
        """Write the preview's search bundle from its index, first made from the site folder if there is none."""
        started = time.perf_counter()
        try:
            if self.preview_search is None:
                self.preview_search = written_pages_index(site_dir)
            report = self.preview_search.publish(site_dir)
            finish_index(report.bundle, case_study_addresses(hub))
        except (SearchIndexError, OSError) as error:
            self._forget_preview_search()
            raise search_failure(site_dir, error) from None
        log.info(f"Search: indexed {report.pages} pages in {time.perf_counter() - started:.1f} s")

    def _remake_whole_hub_files(self, config: MkDocsConfig, website: Website) -> None:
        """Write the files made from the whole hub that differ from the last build's, as MkDocs would have."""
        preview = self.preview
        assert preview is not None
        site = Path(config.site_dir)
        gone, changed = preview.remade_whole_hub_files(whole_hub_files(website, config))
        try:
            for path in gone:
                (site / path).unlink(missing_ok=True)
            for path, content in changed:
                (site / path).parent.mkdir(parents=True, exist_ok=True)
                (site / path).write_bytes(content)
        except OSError as error:
            # What is in the site folder is not known: the next rebuild writes everything.
            preview.fingerprint = None
            raise PluginError(f"{config.site_dir}: could not write the open data and feeds: {error}") from None
        log.info(f"Preview: wrote {len(changed)} files made from the whole hub (open data, feeds, lists for search)")

    def on_serve(self, server: LiveReloadServer, config: MkDocsConfig, builder: Callable[..., Any]) -> LiveReloadServer:
        """Rebuild when a case study or the taxonomy changes, into the last build's site; let served pages reload."""
        preview = self.preview
        for folder in WATCHED_FOLDERS:
            path = hub_root(config) / folder
            if not path.is_dir():
                continue
            watcher = watch_for_rebuilds(server, path) if preview is not None else None
            if watcher is None:
                server.watch(str(path))
            else:
                self.watchers.append(watcher)
        if preview is None:
            return server
        # MkDocs already looks at the hand-written pages; have the system tell of them instead.
        docs = watch_for_rebuilds(server, Path(config.docs_dir))
        if docs is not None:
            server.unwatch(config.docs_dir)
            self.watchers.append(docs)
        preview.keeps_site = keep_site_between_builds(builder)
        if preview.keeps_site:
            logging.getLogger("mkdocs.commands.build").addFilter(_SkipDirtyWarning())
        # MkDocs adds its reload script to each page as it serves it; let the page's policy allow it.
        add_reload_script = server._inject_js_into_html

        def serve_page(content: bytes, epoch: int) -> bytes:
            served: bytes = add_reload_script(content, epoch)
            return served_page(
                content.decode("utf-8", "surrogateescape"), served.decode("utf-8", "surrogateescape"), preview.problems
            ).encode("utf-8", "surrogateescape")

        server._inject_js_into_html = serve_page  # type: ignore[method-assign]
        return server

    def _case_study(self, page: Page) -> CaseStudy | None:
        return self.pages.get(page.file.src_uri)


def keep_theme_files(config: MkDocsConfig, kept: dict[object, list[str]]) -> None:
    """Have MkDocs list the theme's files to copy once per preview, not on every rebuild.

    MkDocs walks every file of the theme (over 14,000 in Material, its
    icons included) and matches each against its patterns on every build.
    The list depends on the theme's folders, which the settings file and the
    files in its ``custom_dir`` decide (the installed themes do not change
    while the preview runs), and on how MkDocs filters it.
    """
    get_env = config.theme.get_env

    def get_env_listing_once() -> Environment:
        env = get_env()
        list_templates = env.list_templates

        def listed(extensions: Any = None, filter_func: Callable[[str], bool] | None = None) -> list[str]:
            key = (
                site_fingerprint(Path(config.config_file_path), config.theme.custom_dir),
                tuple(config.theme.dirs),
                extensions if extensions is None else tuple(extensions),
                # The filter is made anew for every build; what it does is its code and the settings.
                None if filter_func is None else filter_func.__code__,
            )
            if key not in kept:
                kept[key] = list_templates(extensions, filter_func)
            return list(kept[key])

        env.list_templates = listed  # type: ignore[method-assign]
        return env

    config.theme.get_env = get_env_listing_once  # type: ignore[method-assign]


def whole_hub_files(website: Website, config: MkDocsConfig) -> tuple[tuple[str, str], ...]:
    """The path and text of each file made from the whole hub: feeds, open data, the lists search shows first."""
    hub = website.hub
    data = collection(hub, config.site_name, config.site_description or "", config.site_url or "")
    return (
        *((feed.path, render_feed(feed)) for feed in site_feeds(website, config.site_name, config.site_url or "")),
        (JSON_FILE, collection_json(data)),
        (CSV_FILE, collection_csv(data)),
        (SCHEMA_FILE, collection_json(open_data_schema(hub.taxonomy))),
        *((listing.path, listing.content) for listing in filter_listing(hub.case_studies, hub.taxonomy)),
    )


def watch_for_rebuilds(server: LiveReloadServer, folder: Path) -> BaseObserver | None:
    """Rebuild the preview as soon as the system says that a file under ``folder`` changed.

    MkDocs looks at every watched file twice a second, in the process that
    builds: for a thousand case studies that adds a quarter of a second, on
    average, before a rebuild starts, and slows the rebuild down. The
    system's own notices (inotify on Linux) cost nothing until a file
    changes. MkDocs 1.6 offers no way to ask for a rebuild but its own
    watching, so this sets what its watching sets.

    Returns:
        The running watcher, or ``None`` when the system's notices are not
        available here (the caller then has MkDocs look at the files).
    """
    condition = getattr(server, "_rebuild_cond", None)
    if not isinstance(condition, threading.Condition) or not hasattr(server, "_want_rebuild"):
        return None

    def rebuild(event: FileSystemEvent) -> None:
        with condition:
            server._want_rebuild = True
            condition.notify_all()

    handler = FileSystemEventHandler()
    handler.on_any_event = rebuild  # type: ignore[method-assign]
    watcher = Observer()
    try:
        watcher.schedule(handler, str(folder), recursive=True, event_filter=CHANGE_EVENTS)
        watcher.start()
    except OSError:
        return None
    return watcher


def rendering_of(page: Page) -> RenderedPage:
    """What MkDocs made of a page's Markdown, with the Markdown and settings it made it from."""
    return RenderedPage(
        page.markdown or "",
        repr(page.meta),
        page.content,
        page.toc,
        page._title_from_render,
        frozenset(page.present_anchor_ids or ()),
    )


def take_rendering(page: Page, rendered: RenderedPage) -> None:
    """Give a page what an earlier conversion of the same Markdown made, instead of converting it again."""
    page.content, page._title_from_render = rendered.content, rendered.title
    page.toc = cast("TableOfContents", rendered.toc)
    page.present_anchor_ids = set(rendered.anchors)


def search_failure(site_dir: Path, error: SearchIndexError | OSError) -> PluginError:
    """The error that fails a build whose search index was not written, saying why."""
    if isinstance(error, SearchIndexError):
        return PluginError(str(error))
    return PluginError(f"{site_dir}: the search index was not built: {error}")


def close_work_ahead(pool: WorkAhead[Any] | None, done: str) -> None:
    """Stop a pool of workers, saying how many of its items were taken (``done`` has a ``{}`` for the number)."""
    if pool is not None:
        if pool.taken:
            log.info(done.format(pool.taken))
        pool.close()


def convert_page(config: MkDocsConfig, files: Files, src_uri: str) -> ConvertedPage | None:
    """In a worker process, do what MkDocs does to a page up to converting its Markdown, and convert it.

    Only what MkDocs and the Markdown extensions log while converting is
    kept, to be said by the build when it takes the page; what the plugins
    say before is said by the build itself, as it reads the page again.
    Returns None when the page could not be converted here: the build then
    converts it itself, and says what went wrong.
    """
    file = files.get_file_from_path(src_uri)
    if file is None:
        return None
    try:
        page = file.page if file.page is not None else Page(None, file, config)
        config._current_page = page
        page.read_source(config)
        page.markdown = config.plugins.on_page_markdown(page.markdown or "", page=page, config=config, files=files)
        with logged_records() as records:
            # MkDocs' own conversion, whatever a plugin put in the page's place.
            Page.render(page, config, files)
    except Exception:  # noqa: BLE001 (the build converts the page again, and reports the error)
        return None
    finally:
        config._current_page = None
    links = page.links_to_anchors
    return ConvertedPage(
        rendering_of(page),
        None if links is None else tuple((target.src_uri, tuple(anchors.items())) for target, anchors in links.items()),
        tuple(records),
    )


def render_page(
    page: Page, template_name: str, config: MkDocsConfig, doc_files: Sequence[File], nav: Navigation, env: Environment
) -> str | None:
    """In a worker process, render a page's template as MkDocs does, up to its plugins' ``on_post_page``.

    Returns None when the page could not be rendered here: the build then
    renders it itself, and says what went wrong.
    """
    page.active = True
    config._current_page = page
    try:
        context = get_context(nav, doc_files, config, page)
        template = env.get_template(template_name)
        context = config.plugins.on_page_context(context, page=page, config=config, nav=nav)
        rendered: str = template.render(context)
    except Exception:  # noqa: BLE001 (the build renders the page again, and reports the error)
        return None
    finally:
        page.active = False
        config._current_page = None
    return rendered


def use_converted(page: Page, converted: ConvertedPage) -> None:
    """Have MkDocs take a worker's conversion of ``page``, if the worker converted the Markdown MkDocs has.

    The page is read and given to the plugins again here, as on one core;
    only when that gives the same Markdown and settings is the worker's
    conversion used, and what MkDocs logged while converting said now.
    """
    convert = page.render

    def render(config: MkDocsConfig, files: Files) -> None:
        rendered = converted.rendered
        if rendered.markdown != (page.markdown or "") or rendered.meta != repr(page.meta):
            convert(config, files)
            return
        take_rendering(page, rendered)
        if converted.links_to_anchors is not None:
            page.links_to_anchors = {
                files.src_uris[target]: dict(anchors) for target, anchors in converted.links_to_anchors
            }
        say(converted.records)

    page.render = render  # type: ignore[method-assign]


def keep_site_between_builds(builder: Callable[..., Any]) -> bool:
    """Have 'mkdocs serve' rebuild into the last build's site folder, as 'mkdocs serve --dirty' does.

    MkDocs 1.6 offers no other way to ask for it from a hook; the preview
    then chooses which pages are written (``Preview``). Returns whether it could.
    """
    names = builder.__code__.co_freevars
    if "is_dirty" not in names or builder.__closure__ is None:
        return False
    builder.__closure__[names.index("is_dirty")].cell_contents = True
    return True


def case_study_addresses(hub: Hub | None) -> tuple[str, ...]:
    """The case studies' addresses, newest first, for the search page's order."""
    return tuple(case_study.url for case_study in hub.case_studies) if hub is not None else ()


def hub_root(config: MkDocsConfig) -> Path:
    """The hub's root: the folder holding ``mkdocs.yml``."""
    return Path(config.config_file_path).resolve().parent
