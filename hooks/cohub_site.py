"""MkDocs hooks: hand each MkDocs event to the cohub package.

All logic lives in the installed ``cohub`` package (see DESIGN.md); this file
only forwards events, so that the same hub can later sit behind another
site generator.
"""

from __future__ import annotations

from mkdocs.plugins import event_priority

from cohub.mkdocs_adapter import SiteHooks

_site = SiteHooks()


def on_startup(command, dirty):
    return _site.on_startup(command)


# Runs before Material's tags plugin reads its allowed tags.
@event_priority(100)
def on_config(config):
    return _site.on_config(config)


def on_pre_build(config):
    return _site.on_pre_build(config)


def on_files(files, config):
    return _site.on_files(files, config)


def on_page_read_source(page, config):
    return _site.on_page_read_source(page)


def on_page_markdown(markdown, page, config, files):
    return _site.on_page_markdown(markdown, page)


def on_page_content(html, page, config, files):
    return _site.on_page_content(html, page)


def on_env(env, config, files):
    return _site.on_env(env)


def on_page_context(context, page, config, nav):
    return _site.on_page_context(context, page)


def on_post_page(output, page, config):
    return _site.on_post_page(output, page)


def on_post_template(output_content, template_name, config):
    return _site.on_post_template(output_content, template_name)


def on_post_build(config):
    return _site.on_post_build(config)


def on_shutdown():
    return _site.on_shutdown()


def on_serve(server, config, builder):
    return _site.on_serve(server, config)
