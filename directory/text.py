"""A small, safe formatter for the plain texts editors write (information pages, service descriptions).

Editors write no HTML: everything is escaped, then a few plain-text conventions become markup:
paragraphs separated by a blank line, lines starting with "- " (or "* ") form a bulleted list, lines starting
with "1. " (or "1) ") a numbered list, other line breaks inside a paragraph are kept, and bare https:// links
become links.
"""

from __future__ import annotations

import re

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

_BULLET = re.compile(r"^\s*[-*•]\s+(.*)$")
_NUMBERED = re.compile(r"^\s*(\d{1,4})[.)]\s+(.*)$")
_LINK = re.compile(r"https://[^\s<>\"']+")
# Punctuation that ends a sentence rather than a link: "see https://example.org." keeps the dot outside.
_TRAILING = ".,;:!?)]}»'\""


def _inline(text: str) -> str:
    """Escape a line and turn its bare https links into anchors."""
    out = []
    position = 0
    for match in _LINK.finditer(text):
        stripped = match.group(0)
        while stripped and stripped[-1] in _TRAILING:
            # Keep a closing parenthesis that belongs to the address, e.g. a Wikipedia page.
            if stripped[-1] == ")" and stripped.count("(") >= stripped.count(")"):
                break
            stripped = stripped[:-1]
        if len(stripped) <= len("https://"):
            continue
        end = match.start() + len(stripped)
        out.append(escape(text[position : match.start()]))
        out.append(f'<a href="{escape(stripped)}">{escape(stripped)}</a>')
        position = end
    out.append(escape(text[position:]))
    return "".join(out)


def _blocks(lines: list[str]):
    """Group the lines of one paragraph into ("p", lines), ("ul", items), ("ol", (start, items))."""
    kind, items, start = None, [], 1
    for line in lines:
        bullet, numbered = _BULLET.match(line), _NUMBERED.match(line)
        if bullet:
            line_kind, content = "ul", bullet.group(1)
        elif numbered:
            line_kind, content = "ol", numbered.group(2)
        else:
            line_kind, content = "p", line.strip()
        if line_kind != kind:
            if items:
                yield kind, items, start
            kind, items = line_kind, []
            start = int(numbered.group(1)) if numbered else 1
        items.append(content)
    if items:
        yield kind, items, start


def format_text(text: str | None) -> SafeString:
    """The text as safe HTML: paragraphs, lists and links; any HTML the text holds is shown as text."""
    if not text:
        return mark_safe("")
    normalised = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    html = []
    for paragraph in re.split(r"\n[ \t]*\n", normalised):
        lines = [line for line in paragraph.split("\n") if line.strip()]
        for kind, items, start in _blocks(lines):
            if kind == "p":
                html.append("<p>" + "<br>".join(_inline(item) for item in items) + "</p>")
            else:
                attributes = f' start="{start}"' if kind == "ol" and start != 1 else ""
                body = "".join(f"<li>{_inline(item)}</li>" for item in items)
                html.append(f"<{kind}{attributes}>{body}</{kind}>")
    return mark_safe("\n".join(html))  # noqa: S308 (every piece of text above is escaped)


def shorten(text: str | None, limit: int = 180) -> str:
    """The first `limit` characters of a plain text, cut at a word, on one line (for result cards)."""
    flat = " ".join((text or "").split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0].rstrip(",;:.-")
    return cut + "…"
