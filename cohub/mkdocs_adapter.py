"""The one module that talks to MkDocs: it hands MkDocs events to the hub.

``hooks/cohub_site.py`` forwards each MkDocs event here. Everything the hub
decides is computed by plain functions elsewhere in :mod:`cohub`; this module
only reads MkDocs objects, calls those functions and writes back the results.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from markupsafe import escape
from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, InclusionLevel

from material.plugins.tags.structure.tag import Tag

from cohub.hub import Hub, load_hub
from cohub.search import SearchIndexError, build_index, case_study_search, page_search
from cohub.taxonomy import load_taxonomy

if TYPE_CHECKING:
    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.files import Files
    from mkdocs.structure.pages import Page

    from cohub.model import CaseStudy

# A child of MkDocs' logger, so --strict counts its warnings; no prefix, so each
# message starts with the file and line, exactly as 'cohub check' prints it.
log = logging.getLogger("mkdocs.plugins.cohub")

CASE_STUDY_TEMPLATE = "case-study.html"
LISTING_TEMPLATE = "case-studies.html"
LISTING_PAGE = "case-studies/index.md"
WATCHED_FOLDERS = ("case_studies", "taxonomy")


class SiteHooks:
    """MkDocs event handlers, holding the hub between events of one build.

    ``mkdocs serve`` keeps hook modules loaded across rebuilds, so every
    build starts by forgetting the last one (``on_config``).
    """

    def __init__(self) -> None:
        self.hub: Hub | None = None
        self.pages: dict[str, str] = {}

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        """Forget the last build; tell Material's tags plugin which tags exist."""
        self.hub = None
        self.pages = {}
        taxonomy, _problems = load_taxonomy(hub_root(config))
        tags_plugin = config.plugins.get("material/tags")
        if tags_plugin is not None:
            tags_plugin.config.tags_allowed = {Tag(name) for name in taxonomy.all_tags()}
        return config

    def on_files(self, files: Files, config: MkDocsConfig) -> Files:
        """Read and check every case study, then add a page for each."""
        hub = load_hub(hub_root(config))
        if hub.problems:
            for problem in hub.problems:
                log.error(str(problem))
            count = len(hub.problems)
            raise PluginError(f"{count} problem{'s' if count != 1 else ''} in the case studies or taxonomy; "
                              "run 'cohub check' to list them")
        self.hub = hub
        for case_study in hub.case_studies:
            src_uri = f"case-studies/{case_study.slug}.md"
            self.pages[src_uri] = case_study.slug
            files.append(File.generated(
                config, src_uri, abs_src_path=str(hub.root / case_study.path),
                inclusion=InclusionLevel.NOT_IN_NAV,
            ))
        if files.get_file_from_path(LISTING_PAGE) is None:
            files.append(File.generated(
                config, LISTING_PAGE, content=f"---\ntemplate: {LISTING_TEMPLATE}\n---\n\n# Case studies\n",
            ))
        return files

    def on_page_read_source(self, page: Page) -> str | None:
        """Hand MkDocs a case study's body only: the hub has read its front matter."""
        case_study = self._case_study(page)
        return case_study.body if case_study is not None else None

    def on_page_markdown(self, markdown: str, page: Page) -> str:
        """Give a case-study page its title, description, tags and template."""
        case_study = self._case_study(page)
        if case_study is not None and self.hub is not None:
            page.meta.update(
                title=case_study.title,
                # Material writes the description into an attribute unescaped.
                description=escape(case_study.summary),
                tags=list(self.hub.tags(case_study)),
                template=CASE_STUDY_TEMPLATE,
                comments=case_study.comments,
            )
        return markdown

    def on_env(self, env: Environment) -> Environment:
        """Let templates read the hub."""
        env.globals["cohub"] = self.hub
        return env

    def on_page_context(self, context: dict, page: Page) -> dict:
        """Give a case-study page's template its case study, and every page what it adds to search."""
        case_study = self._case_study(page)
        context["case_study"] = case_study
        if self.hub is not None:
            context["cohub_search"] = (
                case_study_search(case_study, self.hub.taxonomy, page.markdown or "") if case_study is not None
                else page_search(page.markdown or "", self.hub.taxonomy)
            )
        return context

    def on_post_build(self, config: MkDocsConfig) -> None:
        """Index the built site for search (on every build, 'mkdocs serve' rebuilds too)."""
        try:
            report = build_index(Path(config.site_dir))
        except SearchIndexError as error:
            raise PluginError(str(error)) from None
        log.info(f"Search: indexed {report.pages} pages and {report.words} words "
                 f"in {report.seconds:.1f} s")

    def on_serve(self, server: LiveReloadServer, config: MkDocsConfig) -> LiveReloadServer:
        """Rebuild when a case study or the taxonomy changes."""
        for folder in WATCHED_FOLDERS:
            path = hub_root(config) / folder
            if path.is_dir():
                server.watch(str(path))
        return server

    def _case_study(self, page: Page) -> CaseStudy | None:
        slug = self.pages.get(page.file.src_uri)
        return self.hub.case_study(slug) if slug and self.hub else None


def hub_root(config: MkDocsConfig) -> Path:
    """The hub's root: the folder holding ``mkdocs.yml``."""
    return Path(config.config_file_path).resolve().parent
