"""Template helpers of the public portal: inline icons, language links, translated fields."""

from __future__ import annotations

import functools
import re

from django import template
from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import translate_url
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language

register = template.Library()

_SYMBOL = re.compile(r'<symbol id="([\w-]+)" viewBox="([^"]+)">(.*?)</symbol>', re.S)


@functools.cache
def _symbols() -> dict[str, tuple[str, str]]:
    """The Bootstrap Italia icons, read from the package's sprite once per process.

    The portal inlines the few icons a page uses instead of making a phone download the 94 KB sprite.
    """
    path = finders.find("svg/sprites.svg")
    if not path:
        return {}
    with open(path, encoding="utf-8") as handle:
        return {name: (view_box, body) for name, view_box, body in _SYMBOL.findall(handle.read())}


@register.simple_tag
def icon(name: str, css: str = "icon icon-sm"):
    symbol = _symbols().get(name)
    if symbol is None:
        return ""
    view_box, body = symbol
    return format_html(
        '<svg class="{}" viewBox="{}" aria-hidden="true" focusable="false">{}</svg>',
        css,
        view_box,
        mark_safe(body),  # noqa: S308 (SVG paths from the design-system package, not user input)
    )


@register.simple_tag(takes_context=True)
def language_links(context):
    """[(code, local name, url, is current)] for the page in every portal language (no cookie needed)."""
    request = context.get("request")
    path = request.get_full_path() if request else "/"
    current = get_language()
    return [(code, name, translate_url(path, code), code == current) for code, name in settings.LANGUAGES]


@register.simple_tag
def tr(obj, field: str, language: str | None = None):
    """The field of a directory record in the visitor's language, falling back to the Italian."""
    return obj.translated(field, language or get_language())
