"""The interface catalogues are complete where the product promises it.

Italian and Arabic (workspace and portal languages) translate every entry. French, Ukrainian, Simplified
Chinese, Bengali and Urdu translate every string shown on the public portal; the workspace is not offered in
those languages. Every translation keeps the placeholders of its source text.
"""

import re
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.template.loader import get_template
from django.urls import reverse
from django.utils import translation

ROOT = Path(__file__).resolve().parents[2]
ALL_LANGUAGES = ("it", "en", "ar", "fr", "uk", "zh_Hans", "bn", "ur")
COMPLETE_LANGUAGES = ("it", "ar")
PORTAL_ONLY_LANGUAGES = ("fr", "uk", "zh_Hans", "bn", "ur")

# Files whose strings are shown on the public portal (a path ending in "/" covers a whole folder).
PORTAL_FILES = (
    "templates/portal/",
    "directory/templates/directory/portal/",
    "directory/templates/directory/_feedback_form.html",
    "directory/templates/directory/feedback_thanks.html",
    "directory/templates/directory/opendata/",
    "activities/templates/activities/portal/",
    "network/templates/network/portal/",
    "core/templates/core/portal_form_refused.html",
    "core/templatetags/portal_forms.py",
    "core/portal_forms.py",
    "directory/views_public.py",
    "directory/views_feedback.py",
    "directory/views_opendata.py",
    "directory/forms_public.py",
    "directory/display.py",
    "directory/feedback.py",
    "directory/text.py",
    "directory/templatetags/portal.py",
    "directory/usage.py",
    "activities/views_events.py",
    "activities/forms_events.py",
    "activities/actions_events.py",
    "network/views_portal.py",
    "monitoring/templates/monitoring/results.html",
    "monitoring/views_public.py",
)
# Model choices whose labels the portal shows: (file, class names).
PORTAL_CHOICES = {
    "directory/models.py": ("Answer", "WaitTime", "ServiceStatus", "LocationType"),
    "activities/models.py": ("RegistrationStatus", "ActivityKind", "Audience"),
    "network/models.py": ("OrganisationKind", "Sector"),
}

_PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|\{\{\s*\w+\s*\}\}")


def _catalogue(lang):
    return polib.pofile(str(ROOT / f"locale/{lang}/LC_MESSAGES/django.po"))


def _choice_labels() -> set[str]:
    """The msgids of the model choice labels the portal shows, read from the classes themselves (not from
    the catalogue's line numbers, which go stale whenever a model file changes)."""
    import importlib

    from django.utils import translation

    labels = set()
    with translation.override(None):  # no catalogue: a lazy label reads as its msgid
        for path, names in PORTAL_CHOICES.items():
            module = importlib.import_module(path.removesuffix(".py").replace("/", "."))
            for name in names:
                labels.update(str(label) for _value, label in getattr(module, name).choices)
    return labels


def _is_portal_path(path):
    return any(path == name or (name.endswith("/") and path.startswith(name)) for name in PORTAL_FILES)


def _portal_entries(po):
    labels = _choice_labels()
    for entry in po:
        if entry.obsolete:
            continue
        if entry.msgid in labels or any(_is_portal_path(path) for path, _line in entry.occurrences):
            yield entry


def test_italian_catalogue_has_no_untranslated_or_fuzzy_entry():
    po = _catalogue("it")
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []


def test_arabic_catalogue_has_no_untranslated_or_fuzzy_entry():
    po = _catalogue("ar")
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []


def test_arabic_catalogue_translates_the_base_layout():
    po = _catalogue("ar")
    translated = {entry.msgid for entry in po.translated_entries()}
    base = get_template("base.html").template.source
    for msgid in ("Skip to main content", "Log in", "Log out", "Language", "Breadcrumb"):
        assert msgid in base or msgid in translated
        assert msgid in translated, msgid


def test_portal_strings_are_found_in_templates_python_files_and_model_choices():
    msgids = {entry.msgid for entry in _portal_entries(_catalogue("it"))}
    # a portal template, a portal Python module, and a label of a model choice shown on the portal
    assert {"Find a service", "Too many attempts", "Closed for good", "On the waiting list"} <= msgids
    assert "Service directory: editorial desk" not in msgids  # the workspace desk is not the portal
    assert len(msgids) > 300


@pytest.mark.parametrize("lang", PORTAL_ONLY_LANGUAGES)
def test_every_portal_string_is_translated_and_not_fuzzy(lang):
    missing = [
        (entry.occurrences[0][0], entry.msgid)
        for entry in _portal_entries(_catalogue(lang))
        if not entry.translated() or entry.fuzzy
    ]
    assert missing == []


@pytest.mark.parametrize("lang", ALL_LANGUAGES)
def test_translated_placeholders_match_the_source(lang):
    wrong = []
    for entry in _catalogue(lang).translated_entries():
        if entry.msgid_plural:
            source = set(_PLACEHOLDER.findall(entry.msgid)) | set(_PLACEHOLDER.findall(entry.msgid_plural))
            forms = [set(_PLACEHOLDER.findall(form)) for form in entry.msgstr_plural.values()]
            # a form may leave out the number ("one proposal"), but none invents a placeholder and together
            # they use every placeholder of the plural source text
            if any(not form <= source for form in forms) or not set(
                _PLACEHOLDER.findall(entry.msgid_plural)
            ) <= set().union(*forms):
                wrong.append(entry.msgid)
        elif set(_PLACEHOLDER.findall(entry.msgstr)) != set(_PLACEHOLDER.findall(entry.msgid)):
            wrong.append(entry.msgid)
    assert wrong == []


@pytest.mark.parametrize("lang", ALL_LANGUAGES)
def test_formatted_translations_have_no_stray_percent_sign(lang):
    # "%" alone in a python-format string makes the formatting raise at render time
    wrong = []
    for entry in _catalogue(lang).translated_entries():
        if "python-format" not in entry.flags:
            continue
        targets = list(entry.msgstr_plural.values()) if entry.msgid_plural else [entry.msgstr]
        if any("%" in re.sub(r"%\(\w+\)[sdif]|%%", "", target) for target in targets):
            wrong.append(entry.msgid)
    assert wrong == []


@pytest.mark.parametrize("lang", ALL_LANGUAGES)
def test_plural_entries_have_as_many_forms_as_the_language_rule(lang):
    po = _catalogue(lang)
    nplurals = int(re.search(r"nplurals=(\d+)", po.metadata["Plural-Forms"]).group(1))
    wrong = [
        entry.msgid
        for entry in po.translated_entries()
        if entry.msgid_plural and len(entry.msgstr_plural) != nplurals
    ]
    assert wrong == []


def test_italian_is_active_for_the_interface():
    with translation.override("it"):
        assert translation.gettext("Participants") == "Partecipanti"


def test_portal_languages_are_active_for_portal_strings():
    expected = {
        "ar": "ابحث عن خدمة",
        "fr": "Trouver un service",
        "uk": "Знайти послугу",
        "zh-hans": "查找服务",
    }
    for lang, text in expected.items():
        with translation.override(lang):
            assert translation.gettext("Find a service") == text


PORTAL_PAGES = (
    "portal:home",
    "portal:search",
    "portal:article_list",
    "portal:accessibility",
    "portal:privacy",
    "portal:open_data",
    "events:list",
    "associations:list",
)


@pytest.mark.django_db
@pytest.mark.parametrize("lang", [code for code, _name in settings.LANGUAGES])
def test_the_main_portal_pages_render_in_every_language(client, lang):
    for name in PORTAL_PAGES:
        with translation.override(lang):
            address = reverse(name)
            heading = translation.gettext("Find a service")
        response = client.get(address)
        html = response.content.decode()
        assert response.status_code == 200, address
        assert f'lang="{lang}"' in html, address
        assert heading in html, address  # the portal's main navigation, in the page's language
        assert "%(" not in html, address  # no placeholder left unformatted


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


def _translated_msgids(lang):
    return {entry.msgid for entry in _catalogue(lang).translated_entries() if not entry.msgctxt}


@pytest.mark.parametrize("lang", COMPLETE_LANGUAGES)
def test_every_simple_interface_string_has_a_translation(lang):
    # Catches strings added after the last `makemessages` (which needs GNU gettext, not in `make test`).
    translated = _translated_msgids(lang)
    missing = sorted(
        {f"{path.relative_to(ROOT)}: {text}" for path, text in _source_strings() if text not in translated}
    )
    assert missing == []


@pytest.mark.parametrize("lang", PORTAL_ONLY_LANGUAGES)
def test_every_simple_portal_template_string_has_a_translation(lang):
    translated = _translated_msgids(lang)
    missing = sorted(
        {
            f"{path.relative_to(ROOT)}: {text}"
            for path, text in _source_strings()
            if _is_portal_path(str(path.relative_to(ROOT))) and text not in translated
        }
    )
    assert missing == []
