"""MkDocs hooks: hand each MkDocs event to the cohub package.

All logic lives in the installed ``cohub`` package (see DESIGN.md); this file
only forwards events, so that the same hub can later sit behind another
site generator.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mkdocs.plugins import event_priority

from cohub.mkdocs_adapter import SiteHooks

if TYPE_CHECKING:
    from collections.abc import Callable

    from jinja2 import Environment
    from mkdocs.config.defaults import MkDocsConfig
    from mkdocs.livereload import LiveReloadServer
    from mkdocs.structure.files import Files
    from mkdocs.structure.nav import Navigation
    from mkdocs.structure.pages import Page

_site = SiteHooks()


def on_startup(command: str, dirty: bool) -> None:
    return _site.on_startup(command, dirty)


# Runs before Material's tags plugin reads its allowed tags.
@event_priority(100)
def on_config(config: MkDocsConfig) -> MkDocsConfig:
    return _site.on_config(config)


def on_pre_build(config: MkDocsConfig) -> None:
    return _site.on_pre_build(config)


def on_files(files: Files, config: MkDocsConfig) -> Files:
    return _site.on_files(files, config)


# Runs after every plugin has made the navigation: worker processes forked then see every page.
@event_priority(-100)
def on_nav(nav: Navigation, config: MkDocsConfig, files: Files) -> Navigation:
    _site.on_nav(nav, config, files)
    return nav


def on_pre_page(page: Page, config: MkDocsConfig, files: Files) -> Page:
    return _site.on_pre_page(page)


def on_page_read_source(page: Page, config: MkDocsConfig) -> str | None:
    return _site.on_page_read_source(page)


def on_page_markdown(markdown: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    return _site.on_page_markdown(markdown, page)


def on_page_content(html: str, page: Page, config: MkDocsConfig, files: Files) -> str:
    return _site.on_page_content(html, page)


# Runs after every plugin has given templates what they read: worker processes forked then render as MkDocs would.
@event_priority(-100)
def on_env(env: Environment, config: MkDocsConfig, files: Files) -> Environment:
    return _site.on_env(env, config, files)


def on_page_context(context: dict[str, Any], page: Page, config: MkDocsConfig, nav: Navigation) -> dict[str, Any]:
    return _site.on_page_context(context, page)


def on_post_page(output: str, page: Page, config: MkDocsConfig) -> str:
    return _site.on_post_page(output, page)


def on_post_template(output_content: str, template_name: str, config: MkDocsConfig) -> str:
    return _site.on_post_template(output_content, template_name)


def on_post_build(config: MkDocsConfig) -> None:
    return _site.on_post_build(config)


def on_build_error(error: Exception) -> None:
    return _site.on_build_error()


def on_shutdown() -> None:
    return _site.on_shutdown()


def on_serve(server: LiveReloadServer, config: MkDocsConfig, builder: Callable[..., Any]) -> LiveReloadServer:
    return _site.on_serve(server, config, builder)
