"""The translation screen, end to end through the views: translate, change the Italian (outdated, or not for
a minor edit), verify, and refuse bad input without saving anything."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from directory.models import ContentLanguage, Translation, TranslationMethod
from directory.tests.desk_personas import *  # noqa: F403 (fixtures)
from directory.tests.desk_personas import ui
from directory.tests.factories import need, translate

pytestmark = pytest.mark.django_db


def screen(service, language=None):
    url = reverse("directory:translations", args=["service", service.pk])
    return f"{url}?lang={language}" if language else url


def edit_url(service):
    return reverse("directory:service_edit", args=[service.pk])


def service_post(service, **overrides) -> dict:
    data = {
        "organization": service.organization_id,
        "name": service.name,
        "description": service.description,
        "status": "active",
        "is_free": "on" if service.is_free else "",
        "needs": [str(t.pk) for t in service.terms.all()],
    }
    data.update(overrides)
    return data


def row(response, field):
    return next(r for r in response.context["rows"] if r["name"] == field)


def fr_description(service):
    return Translation.objects.get(object_id=service.pk, field="description", language="fr")


def test_editor_translates_a_field_and_only_that_field_is_saved(as_editor, editor, own_service):
    response = as_editor.post(
        screen(own_service),
        {
            "language": "fr",
            "description-text": "Un service pour les étrangers.",
            "description-method": "human",
            "description-translator_name": "Marie Dupont",
            "description-verified": "on",
            "name-method": "human",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == screen(own_service, "fr")
    translation = fr_description(own_service)
    assert (translation.text, translation.translator_name, translation.source_revision) == (
        "Un service pour les étrangers.",
        "Marie Dupont",
        1,
    )
    assert translation.verified_by == editor
    assert not Translation.objects.filter(object_id=own_service.pk, field="name").exists()


def test_italian_change_outdates_the_translation_and_shows_the_old_italian(as_editor, own_service):
    translate(own_service, "description", "fr", "Un service pour les étrangers.")
    old_italian = own_service.description
    # An edit of another field records a snapshot holding the description as it was (revision 1).
    as_editor.post(edit_url(own_service), service_post(own_service, name="Sportello stranieri"))
    as_editor.post(
        edit_url(own_service),
        service_post(own_service, name="Sportello stranieri", description="Orari nuovi."),
    )
    response = as_editor.get(screen(own_service, "fr"))
    description = row(response, "description")
    assert description["outdated"]
    assert description["current_revision"] == 2
    assert description["translation"].source_revision == 1
    assert description["old_italian"] == old_italian
    body = response.content.decode()
    assert ui("Italian changed since this translation: revision %(old)s → %(new)s.", old=1, new=2) in body
    assert not description["form"]["verified"].value()


def test_without_history_the_old_italian_is_said_to_be_missing(as_editor, editor, own_service):
    from directory import actions

    translate(own_service, "description", "fr", "Un service pour les étrangers.")
    actions.update_record(own_service, {"description": "Orari nuovi."}, acting_user=editor)
    response = as_editor.get(screen(own_service, "fr"))
    assert row(response, "description")["old_italian"] is None
    assert ui("The earlier Italian text is not in the history.") in response.content.decode()


def test_outdated_translation_shows_the_italian_it_was_made_from_when_the_history_has_it(as_editor, own_org):
    as_editor.post(
        reverse("directory:service_create"),
        {
            "organization": own_org.pk,
            "name": "Sportello nuovo",
            "description": "Testo della prima versione.",
            "status": "active",
            "needs": [str(need("work").pk)],
        },
    )
    from directory.models import Service

    service = Service.objects.get(name="Sportello nuovo")
    translate(service, "description", "fr", "Texte de la première version.")
    as_editor.post(edit_url(service), service_post(service, description="Testo della seconda versione."))
    description = row(as_editor.get(screen(service, "fr")), "description")
    assert description["outdated"]
    assert description["old_italian"] == "Testo della prima versione."


def test_minor_edit_keeps_the_translation_up_to_date(as_editor, own_service):
    translate(own_service, "description", "fr", "Un service pour les étrangers.")
    as_editor.post(
        edit_url(own_service),
        service_post(own_service, description="Un servizio per i cittadini stranieri!", minor_edit="on"),
    )
    description = row(as_editor.get(screen(own_service, "fr")), "description")
    assert description["translation"] is not None
    assert not description["outdated"]


def test_mark_verified_brings_an_outdated_translation_up_to_date(as_editor, editor, own_service):
    translate(
        own_service, "description", "fr", "Un service.", method=TranslationMethod.MACHINE, verified=False
    )
    as_editor.post(edit_url(own_service), service_post(own_service, description="Testo nuovo."))
    translation = fr_description(own_service)
    assert row(as_editor.get(screen(own_service, "fr")), "description")["outdated"]
    response = as_editor.post(reverse("directory:translation_verify", args=[translation.pk]))
    assert response["Location"] == screen(own_service, "fr")
    description = row(as_editor.get(screen(own_service, "fr")), "description")
    assert not description["outdated"]
    assert description["translation"].verified_by == editor


def test_saving_other_fields_does_not_silently_refresh_an_outdated_translation(as_editor, own_service):
    translate(own_service, "description", "fr", "Un service\npour les étrangers.")
    as_editor.post(edit_url(own_service), service_post(own_service, description="Testo nuovo."))
    # The browser sends the untouched outdated text back with Windows line endings.
    as_editor.post(
        screen(own_service),
        {
            "language": "fr",
            "name-text": "Guichet immigration",
            "name-method": "human",
            "description-text": "Un service\r\npour les étrangers.",
            "description-method": "human",
        },
    )
    assert Translation.objects.filter(object_id=own_service.pk, field="name", language="fr").exists()
    assert fr_description(own_service).source_revision == 1
    assert row(as_editor.get(screen(own_service, "fr")), "description")["outdated"]


def test_emptying_a_translation_removes_it(as_editor, own_service):
    translate(own_service, "description", "fr", "Un service.")
    as_editor.post(
        screen(own_service),
        {"language": "fr", "description-text": "", "description-method": "human", "name-method": "human"},
    )
    assert not Translation.objects.filter(object_id=own_service.pk, field="description").exists()


@pytest.mark.parametrize("language", ["xx", "it", ""])
def test_an_unknown_language_is_a_form_error_and_nothing_is_saved(as_editor, own_service, language):
    response = as_editor.post(
        screen(own_service),
        {
            "language": language,
            "description-text": "Texte",
            "description-method": "human",
            "name-method": "human",
        },
    )
    assert response.status_code == 200
    assert response.context["language_form"].errors
    assert not Translation.objects.filter(object_id=own_service.pk).exists()


def test_an_inactive_language_cannot_be_saved(as_editor, own_service):
    ContentLanguage.objects.filter(code="bn").update(is_active=False)
    response = as_editor.post(
        screen(own_service),
        {"language": "bn", "name-text": "x", "name-method": "human", "description-method": "human"},
    )
    assert response.status_code == 200
    assert not Translation.objects.filter(object_id=own_service.pk).exists()


def test_an_unknown_language_in_the_address_shows_the_first_language_with_a_message(as_editor, own_service):
    response = as_editor.get(screen(own_service, "tlh"))
    assert response.status_code == 200
    assert response.context["language"].code == "en"
    assert [str(m) for m in get_messages(response.wsgi_request)]


def test_a_machine_translation_cannot_be_ticked_verified(as_editor, own_service):
    response = as_editor.post(
        screen(own_service),
        {
            "language": "ar",
            "description-text": "خدمة",
            "description-method": "machine",
            "description-verified": "on",
            "name-method": "human",
        },
    )
    assert response.status_code == 200
    assert row(response, "description")["form"].errors["verified"]
    assert not Translation.objects.filter(object_id=own_service.pk).exists()


def test_an_invalid_method_is_refused(as_editor, own_service):
    response = as_editor.post(
        screen(own_service),
        {"language": "fr", "description-text": "x", "description-method": "magic", "name-method": "human"},
    )
    assert response.status_code == 200
    assert not Translation.objects.filter(object_id=own_service.pk).exists()


def test_status_badges_show_missing_machine_outdated_and_verified(as_editor, editor, own_service):
    own_service.eligibility_description = "Cittadini di paesi terzi."
    own_service.save()
    translate(own_service, "name", "fr", "Guichet", method=TranslationMethod.MACHINE, verified=False)
    translate(own_service, "eligibility_description", "fr", "Ressortissants de pays tiers.")
    response = as_editor.get(screen(own_service, "fr"))
    assert row(response, "description")["translation"] is None  # missing
    assert row(response, "name")["translation"].method == TranslationMethod.MACHINE
    assert row(response, "eligibility_description")["translation"].is_verified
    assert row(response, "alert")["form"] is None  # no Italian text: nothing to translate
    tab = next(t for t in response.context["tabs"] if t["language"].code == "fr")
    assert tab["missing"] == 1


def test_parts_and_needs_have_the_same_screen(as_editor, own_service):
    document = own_service.required_documents.get()
    url = reverse("directory:translations", args=["requireddocument", document.pk])
    as_editor.post(url, {"language": "uk", "document-text": "Паспорт", "document-method": "human"})
    assert document.translated("document", "uk") == "Паспорт"
    term = need("health")
    response = as_editor.get(reverse("directory:translations", args=["taxonomyterm", term.pk]) + "?lang=ar")
    assert row(response, "name")["translation"].text == "الصحة"


def test_viewer_reads_the_translations_but_sees_no_form(as_viewer, own_service):
    translate(own_service, "name", "fr", "Guichet immigration")
    response = as_viewer.get(screen(own_service, "fr"))
    assert response.status_code == 200
    assert not response.context["is_editor"]
    assert "Guichet immigration" in response.content.decode()
    assert 'name="name-text"' not in response.content.decode()
