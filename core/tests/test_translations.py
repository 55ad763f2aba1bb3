"""The Italian interface is complete; Arabic covers at least the base layout."""

import re
from pathlib import Path

import polib
from django.template.loader import get_template
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]


def test_italian_catalogue_has_no_untranslated_or_fuzzy_entry():
    po = polib.pofile(str(ROOT / "locale/it/LC_MESSAGES/django.po"))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []


def test_arabic_catalogue_translates_the_base_layout():
    po = polib.pofile(str(ROOT / "locale/ar/LC_MESSAGES/django.po"))
    translated = {entry.msgid for entry in po.translated_entries()}
    base = get_template("base.html").template.source
    for msgid in ("Skip to main content", "Log in", "Log out", "Language", "Breadcrumb"):
        assert msgid in base or msgid in translated
        assert msgid in translated, msgid


def test_translated_placeholders_match_the_source():
    for lang in ("it", "ar"):
        po = polib.pofile(str(ROOT / f"locale/{lang}/LC_MESSAGES/django.po"))
        for entry in po.translated_entries():
            wanted = set(re.findall(r"%\(\w+\)s", entry.msgid))
            targets = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
            for target in targets:
                assert set(re.findall(r"%\(\w+\)s", target)) <= wanted | set(
                    re.findall(r"%\(\w+\)s", entry.msgid_plural or "")
                ), (lang, entry.msgid)


def test_italian_is_active_for_the_interface():
    with translation.override("it"):
        assert translation.gettext("Participants") == "Partecipanti"


_TEMPLATE_STRING = re.compile(r"""\{%\s*translate\s+"([^"]+)"(?:\s+as\s+\w+)?\s*%\}""")
_PYTHON_STRING = re.compile(r"""\b(?:_|gettext|gettext_lazy)\(\s*"((?:[^"\\]|\\.)+)"\s*\)""")


def _source_strings():
    for path in ROOT.glob("**/templates/**/*.html"):
        if ".venv" in path.parts:
            continue
        for match in _TEMPLATE_STRING.finditer(path.read_text()):
            yield path, match.group(1)
    for path in ROOT.glob("*/**/*.py"):
        if ".venv" in path.parts or "tests" in path.parts or "migrations" in path.parts:
            continue
        for match in _PYTHON_STRING.finditer(path.read_text()):
            yield path, match.group(1).replace('\\"', '"').replace("\\n", "\n")


def test_every_simple_interface_string_has_an_italian_translation():
    # Catches strings added after the last `makemessages` (which needs GNU gettext, not in `make test`).
    po = polib.pofile(str(ROOT / "locale/it/LC_MESSAGES/django.po"))
    translated = {entry.msgid for entry in po.translated_entries() if not entry.msgctxt}
    missing = sorted(
        {f"{path.relative_to(ROOT)}: {text}" for path, text in _source_strings() if text not in translated}
    )
    assert missing == []
