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
from django.utils.translation import get_language, gettext

from directory.display import localized as localize
from directory.text import format_text

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


@register.filter
def lang_attr(text):
    """` lang="it" dir="ltr"` on the element of a text shown in Italian for want of a translation.

    The direction keeps the Italian's punctuation in place on an Arabic or Urdu page."""
    if getattr(text, "fallback", False):
        return mark_safe(' lang="it" dir="ltr"')
    return ""


@register.simple_tag
def in_italian(text):
    """A discreet note after a text shown in Italian because it is not translated yet."""
    if not getattr(text, "fallback", False):
        return ""
    # dir="auto" keeps the brackets right on an Arabic page whether or not the note is translated yet.
    return format_html('<span class="in-italian" dir="auto">({})</span>', gettext("in Italian"))


@register.filter
def rich(text):
    """A plain text written by an editor as safe HTML: paragraphs, lists, links (see directory.text)."""
    return format_text(str(text or ""))


@register.simple_tag
def localized(obj, field: str, language: str | None = None):
    """`{% localized obj "field" as t %}`: the text and whether it is the Italian fallback (`t.fallback`)."""
    return localize(obj, field, language or get_language())
