"""Services on the editorial desk: list and filters, create and edit, workflow, verification, parts, history."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone

from conftest import client_for, municipality
from directory import actions
from directory.models import (
    Accessibility,
    Address,
    CostOption,
    EditorialState,
    Location,
    Phone,
    RequiredDocument,
    Revision,
    RevisionStatus,
    Service,
    ServiceAtLocation,
    ServiceAttribute,
    ServiceLanguage,
    TaxonomyTerm,
)
from directory.tests.desk_personas import *  # noqa: F403 (fixtures)
from directory.tests.desk_personas import ui
from directory.tests.factories import make_directory_org, make_service, need, translate

pytestmark = pytest.mark.django_db

LIST = reverse("directory:service_list")


def service_post(**overrides) -> dict:
    data = {
        "name": "Sportello lavoro",
        "description": "Orientamento al lavoro per cittadini stranieri.",
        "eligibility_description": "",
        "application_process": "",
        "fees_description": "",
        "wait_time": "",
        "interpretation_services": "",
        "alert": "",
        "url": "",
        "email": "",
        "status": "active",
        "minimum_age": "",
        "maximum_age": "",
        "needs": [str(need("work").pk)],
        "note": "",
    }
    data.update(overrides)
    return data


def names(response) -> list[str]:
    return [service.name for service in response.context["page"].object_list]


def texts(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# --- list --------------------------------------------------------------------------------------------------


def test_list_filters_by_state_need_municipality_and_text(as_editor, own_org):
    make_service("Sportello Napoli", organization=own_org, needs=("health",))
    make_service("Sportello Caserta", organization=own_org, town="Caserta", needs=("work",))
    make_service("Bozza", organization=own_org, state=EditorialState.DRAFT, needs=("work",))
    assert names(as_editor.get(LIST, {"state": "draft"})) == ["Bozza"]
    assert names(as_editor.get(LIST, {"need": need("work").pk})) == ["Bozza", "Sportello Caserta"]
    assert names(as_editor.get(LIST, {"municipality": municipality("Caserta").pk})) == ["Sportello Caserta"]
    assert names(as_editor.get(LIST, {"q": "caserta sportello"})) == ["Sportello Caserta"]
    assert names(as_editor.get(LIST, {"q": "ufficio immigrazione bozza"})) == ["Bozza"]


def test_list_filters_the_queues_to_verify_hidden_and_outdated(as_editor, editor, own_org, settings):
    settings.DIRECTORY_VERIFY_MONTHS = 12
    settings.DIRECTORY_HIDE_GRACE_MONTHS = 3
    make_service("Verificato", organization=own_org, verified_days_ago=10)
    make_service("Da verificare", organization=own_org, verified_days_ago=400)
    make_service("Nascosto", organization=own_org, verified_days_ago=500)
    changed = make_service("Tradotto e cambiato", organization=own_org)
    translate(changed, "description", "fr", "Un service.")
    actions.update_record(changed, {"description": "Testo nuovo."}, acting_user=editor)
    assert names(as_editor.get(LIST, {"stale": "due"})) == ["Da verificare", "Nascosto"]
    assert names(as_editor.get(LIST, {"stale": "hidden"})) == ["Nascosto"]
    assert names(as_editor.get(LIST, {"outdated": "on"})) == ["Tradotto e cambiato"]


def test_outdated_filter_counts_a_service_whose_document_translation_is_outdated(as_editor, editor, own_org):
    service = make_service("Con documento", organization=own_org)
    document = service.required_documents.get()
    translate(document, "document", "fr", "Passeport")
    actions.save_part(service, document, {"document": "Passaporto valido"}, acting_user=editor)
    assert names(as_editor.get(LIST, {"outdated": "on"})) == ["Con documento"]


def test_a_bad_filter_value_is_ignored_with_a_message_not_a_500(as_editor, own_service):
    response = as_editor.get(LIST, {"municipality": "999999999", "state": "nonsense", "organization": "x"})
    assert response.status_code == 200
    assert "municipality" in response.context["form"].errors
    assert names(response) == ["Sportello immigrazione"]


def test_partner_sees_every_service_but_may_act_only_on_its_own(as_partner, own_service, other_service):
    response = as_partner.get(LIST)
    rows = {service.name: service for service in response.context["page"].object_list}
    assert set(rows) == {"Sportello immigrazione", "Sportello casa"}
    assert rows["Sportello immigrazione"].can_change
    assert not rows["Sportello casa"].can_change
    assert names(as_partner.get(LIST, {"mine": "on"})) == ["Sportello immigrazione"]


def test_list_query_count_does_not_grow_with_the_services(as_editor, own_org, django_assert_max_num_queries):
    for n in range(3):
        make_service(f"Servizio {n}", organization=own_org, index=False)
    as_editor.get(LIST)  # warm the content-type cache
    with django_assert_max_num_queries(16) as few:
        as_editor.get(LIST, {"sort": "verified"})
    for n in range(3, 40):
        make_service(f"Servizio {n}", organization=make_directory_org(), index=False)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = as_editor.get(LIST, {"sort": "verified"})
    assert len(response.context["page"].object_list) == 25
    with django_assert_max_num_queries(len(few.captured_queries) + 1):
        as_editor.get(LIST, {"outdated": "on", "stale": "due", "proposals": "on", "q": "servizio"})


# --- create and edit ---------------------------------------------------------------------------------------


def test_editor_creates_a_draft_with_its_needs(as_editor, own_org):
    response = as_editor.post(
        reverse("directory:service_create"), service_post(organization=own_org.pk, minimum_age="16")
    )
    service = Service.objects.get(name="Sportello lavoro")
    assert response.status_code == 302
    assert response["Location"] == reverse("directory:service_detail", args=[service.pk])
    assert (service.state, service.version, service.minimum_age) == (EditorialState.DRAFT, 1, 16)
    assert list(service.terms.all()) == [need("work")]
    assert Revision.objects.for_object(service).get().number == 1


def test_partner_creates_drafts_only_for_its_own_organisation(as_partner, own_org, other_org):
    response = as_partner.post(reverse("directory:service_create"), service_post(organization=other_org.pk))
    assert response.status_code == 200
    assert "organization" in response.context["form"].errors
    assert not Service.objects.exists()
    response = as_partner.post(reverse("directory:service_create"), service_post(organization=own_org.pk))
    assert response.status_code == 302
    assert Service.objects.get().organization == own_org


def test_partner_without_a_directory_organisation_is_told_to_ask_the_editors(admin_b):
    response = client_for(admin_b).get(reverse("directory:service_create"), follow=True)
    assert response.redirect_chain[-1][0] == LIST
    assert texts(response) == [
        ui(
            "Your organisation has no entry in the directory yet: ask the editors to create it and "
            "link it to your organisation."
        )
    ]


def test_editor_edit_makes_a_new_version_and_keeps_imported_categories(as_editor, own_service):
    imported = TaxonomyTerm.objects.create(name="Categoria importata", description="Da un dataset HSDS.")
    ServiceAttribute.objects.create(service=own_service, taxonomy_term=imported)
    response = as_editor.post(
        reverse("directory:service_edit", args=[own_service.pk]),
        service_post(organization=own_service.organization_id, name="Sportello stranieri", note="nome nuovo"),
    )
    assert response.status_code == 302
    own_service.refresh_from_db()
    assert (own_service.name, own_service.version) == ("Sportello stranieri", 2)
    assert set(own_service.terms.all()) == {need("work"), imported}
    revision = Revision.objects.for_object(own_service).get()
    assert (revision.number, revision.note) == (2, "nome nuovo")
    assert "name" in revision.changed_fields


def test_saving_an_unchanged_form_makes_no_version(as_editor, own_service):
    data = service_post(
        organization=own_service.organization_id,
        name=own_service.name,
        description=own_service.description,
        needs=[str(need("residence-permit").pk)],
        is_free="on",
    )
    response = as_editor.post(reverse("directory:service_edit", args=[own_service.pk]), data, follow=True)
    assert texts(response) == [ui("Nothing changed.")]
    assert Service.objects.get(pk=own_service.pk).version == 1


@pytest.mark.parametrize(
    ("field", "overrides"),
    [
        ("maximum_age", {"minimum_age": "18", "maximum_age": "16"}),
        ("url", {"url": "javascript:alert(1)"}),
        ("email", {"email": "not-an-email"}),
        ("name", {"name": ""}),
        ("needs", {"needs": ["not-a-uuid"]}),
        ("status", {"status": "exploded"}),
    ],
)
def test_bad_service_input_is_a_form_error_and_nothing_is_saved(as_editor, own_service, field, overrides):
    response = as_editor.post(
        reverse("directory:service_edit", args=[own_service.pk]),
        service_post(organization=own_service.organization_id, **overrides),
    )
    assert response.status_code == 200
    assert field in response.context["form"].errors
    own_service.refresh_from_db()
    assert (own_service.name, own_service.version) == ("Sportello immigrazione", 1)


# --- workflow and verification ------------------------------------------------------------------------------


def test_partner_sends_its_draft_to_review_and_the_editor_publishes_it(as_partner, as_editor, own_org):
    service = make_service("Nuovo sportello", organization=own_org, state=EditorialState.DRAFT)
    url = reverse("directory:service_state", args=[service.pk])
    assert as_partner.post(url, {"state": EditorialState.IN_REVIEW}).status_code == 302
    assert Service.objects.get(pk=service.pk).state == EditorialState.IN_REVIEW
    as_editor.post(url, {"state": EditorialState.PUBLISHED})
    service.refresh_from_db()
    assert service.state == EditorialState.PUBLISHED
    assert service.last_verified_at > timezone.now() - datetime.timedelta(minutes=1)


def test_workflow_buttons_offer_only_the_allowed_moves(as_editor, as_partner, own_service):
    detail = reverse("directory:service_detail", args=[own_service.pk])
    assert as_editor.get(detail).context["next_states"] == [EditorialState.DRAFT, EditorialState.ARCHIVED]
    assert as_partner.get(detail).context["next_states"] == []
    own_service.state = EditorialState.DRAFT
    own_service.save(update_fields=["state"])
    assert as_partner.get(detail).context["next_states"] == [EditorialState.IN_REVIEW]


@pytest.mark.parametrize("state", [EditorialState.IN_REVIEW, "exploded", ""])
def test_an_impossible_or_unknown_move_is_a_message_not_a_500(as_editor, own_service, state):
    response = as_editor.post(
        reverse("directory:service_state", args=[own_service.pk]), {"state": state}, follow=True
    )
    assert response.status_code == 200
    assert texts(response)
    own_service.refresh_from_db()
    assert (own_service.state, own_service.version) == (EditorialState.PUBLISHED, 1)


def test_verified_today_resets_the_clock_and_returns_to_the_dashboard(as_editor, own_org):
    stale = make_service("Vecchio", organization=own_org, verified_days_ago=500)
    response = as_editor.post(
        reverse("directory:service_verify", args=[stale.pk]), {"next": reverse("directory:dashboard")}
    )
    assert response["Location"] == reverse("directory:dashboard")
    stale.refresh_from_db()
    assert not stale.needs_verification


def test_verify_ignores_a_foreign_next_address(as_editor, own_service):
    response = as_editor.post(
        reverse("directory:service_verify", args=[own_service.pk]), {"next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("directory:service_detail", args=[own_service.pk])


# --- parts -------------------------------------------------------------------------------------------------


def test_editor_adds_opening_hours_with_days_and_times(as_editor, own_service):
    response = as_editor.post(
        reverse("directory:part_create", args=[own_service.pk, "orari"]),
        {"days": ["TU", "MO"], "opens_at": "15:00", "closes_at": "17:30", "notes": "Chiuso ad agosto"},
    )
    assert response.status_code == 302
    schedule = own_service.schedules.get(opens_at=datetime.time(15))
    assert (schedule.byday, schedule.closes_at, schedule.freq) == ("MO,TU", datetime.time(17, 30), "WEEKLY")
    own_service.refresh_from_db()
    assert own_service.version == 2
    assert Revision.objects.for_object(own_service).get().changed_fields == ["schedule"]


def test_by_appointment_only_needs_no_days(as_editor, own_service):
    as_editor.post(
        reverse("directory:part_create", args=[own_service.pk, "orari"]),
        {"by_appointment_only": "on", "notes": "Telefonare prima"},
    )
    assert own_service.schedules.filter(by_appointment_only=True, byday="").exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"days": ["MO"], "opens_at": "13:00", "closes_at": "09:00"}, "closes_at"),
        ({"days": ["MO"], "opens_at": "09:00"}, "closes_at"),
        ({"opens_at": "09:00", "closes_at": "12:00"}, "days"),
        ({"days": ["XX"], "opens_at": "09:00", "closes_at": "12:00"}, "days"),
        ({"days": ["MO"], "opens_at": "25:00", "closes_at": "26:00"}, "opens_at"),
        (
            {
                "days": ["MO"],
                "opens_at": "09:00",
                "closes_at": "12:00",
                "valid_from": "2026-05-01",
                "valid_to": "2026-04-01",
            },
            "valid_to",
        ),
    ],
)
def test_bad_opening_hours_are_refused_and_nothing_is_saved(as_editor, own_service, data, field):
    response = as_editor.post(reverse("directory:part_create", args=[own_service.pk, "orari"]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert own_service.schedules.count() == 1
    assert Service.objects.get(pk=own_service.pk).version == 1


def test_editing_a_schedule_changes_it_in_place(as_editor, own_service):
    schedule = own_service.schedules.get()
    as_editor.post(
        reverse("directory:part_edit", args=[own_service.pk, "orari", schedule.pk]),
        {"days": ["MO", "WE"], "opens_at": "09:00", "closes_at": "12:00"},
    )
    schedule.refresh_from_db()
    assert (schedule.byday, schedule.closes_at) == ("MO,WE", datetime.time(12))


def test_a_part_of_another_service_is_not_found(as_editor, own_service, other_service):
    schedule = other_service.schedules.get()
    url = reverse("directory:part_edit", args=[own_service.pk, "orari", schedule.pk])
    assert as_editor.get(url).status_code == 404
    assert (
        as_editor.get(reverse("directory:part_create", args=[own_service.pk, "segreti"])).status_code == 404
    )


def test_editor_adds_a_new_place_in_one_version(as_editor, own_service):
    response = as_editor.post(
        reverse("directory:place_create", args=[own_service.pk]),
        {
            "address_1": "Via Toledo 10",
            "postal_code": "80134",
            "municipality": municipality("Napoli").pk,
            "latitude": "40.8422",
            "longitude": "14.2490",
            "accessibility": "Ingresso senza gradini",
        },
    )
    assert response.status_code == 302
    location = Location.objects.get(addresses__address_1="Via Toledo 10")
    assert (location.municipality, location.latitude) == (municipality("Napoli"), 40.8422)
    assert location.organization == own_service.organization
    assert Address.objects.get(location=location).city == "Napoli"
    assert Accessibility.objects.get(location=location).description == "Ingresso senza gradini"
    assert ServiceAtLocation.objects.filter(service=own_service, location=location).exists()
    own_service.refresh_from_db()
    assert own_service.version == 2


def test_editor_links_an_existing_place_of_the_organisation(as_editor, own_org, own_service):
    other = make_service("Altro servizio", organization=own_org, town="Salerno")
    place = other.service_at_locations.get().location
    as_editor.post(reverse("directory:place_create", args=[own_service.pk]), {"location": place.pk})
    assert own_service.service_at_locations.filter(location=place).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"address_1": "Via Roma 1", "municipality": "999999999"}, "municipality"),
        ({"address_1": "Via Roma 1", "municipality": "napoli"}, "municipality"),
        ({"address_1": "Via Roma 1"}, "municipality"),
        ({"municipality": "NAPOLI_ID"}, "address_1"),
        ({"address_1": "Via Roma 1", "municipality": "NAPOLI_ID", "latitude": "95"}, "latitude"),
        ({"address_1": "Via Roma 1", "municipality": "NAPOLI_ID", "latitude": "40.8"}, "longitude"),
        ({"address_1": "Via Roma 1", "municipality": "NAPOLI_ID", "postal_code": "8013"}, "postal_code"),
    ],
)
def test_bad_place_input_is_refused_and_nothing_is_saved(as_editor, own_service, data, field):
    data = {k: (municipality("Napoli").pk if v == "NAPOLI_ID" else v) for k, v in data.items()}
    locations = Location.objects.count()
    response = as_editor.post(reverse("directory:place_create", args=[own_service.pk]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Location.objects.count() == locations
    assert Service.objects.get(pk=own_service.pk).version == 1


def test_editing_a_place_bumps_its_translated_directions_unless_minor(as_editor, own_service):
    link = own_service.service_at_locations.get()
    location = link.location
    location.transportation = "Metro linea 1"
    location.save()
    translate(location, "transportation", "fr", "Métro ligne 1")
    url = reverse("directory:place_edit", args=[own_service.pk, link.pk])
    base = {"address_1": "Via Roma 1", "postal_code": "80100", "municipality": municipality("Napoli").pk}
    as_editor.post(url, {**base, "transportation": "Metro linea 1, fermata Toledo"})
    location.refresh_from_db()
    assert location.text_revision("transportation") == 2
    as_editor.post(url, {**base, "transportation": "Metro linea 1, fermata Toledo.", "minor_edit": "on"})
    location.refresh_from_db()
    assert location.text_revision("transportation") == 2


def test_editor_adds_documents_languages_phones_and_costs(as_editor, own_service):
    create = lambda kind, data: as_editor.post(  # noqa: E731
        reverse("directory:part_create", args=[own_service.pk, kind]), data
    )
    assert create("documenti", {"document": "Codice fiscale"}).status_code == 302
    assert create("lingue", {"code": "AR"}).status_code == 302
    assert create("telefoni", {"number": "+39 081 123 4567", "type": "voice"}).status_code == 302
    assert (
        create("costi", {"option": "Marca da bollo", "amount": "16.00", "currency": "eur"}).status_code == 302
    )
    assert RequiredDocument.objects.filter(service=own_service, document="Codice fiscale").exists()
    language = ServiceLanguage.objects.get(service=own_service, code="ar")
    assert language.name == "Arabo"
    assert Phone.objects.get(service=own_service).number == "+39 081 123 4567"
    assert CostOption.objects.get(service=own_service).currency == "EUR"
    own_service.refresh_from_db()
    assert own_service.version == 5


@pytest.mark.parametrize(
    ("kind", "data", "field"),
    [
        ("lingue", {"code": "klingon"}, "code"),
        ("lingue", {"code": "xq"}, "code"),
        ("lingue", {"code": ""}, "code"),
        ("telefoni", {"number": "chiamami"}, "number"),
        ("costi", {"amount": "-5"}, "amount"),
        ("costi", {}, "option"),
        ("documenti", {"document": ""}, "document"),
    ],
)
def test_bad_part_input_is_refused_and_nothing_is_saved(as_editor, own_service, kind, data, field):
    response = as_editor.post(reverse("directory:part_create", args=[own_service.pk, kind]), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Service.objects.get(pk=own_service.pk).version == 1
    assert not Phone.objects.exists() and not CostOption.objects.exists()


def test_removing_a_part_is_a_new_version(as_editor, own_service):
    document = own_service.required_documents.get()
    response = as_editor.post(
        reverse("directory:part_delete", args=[own_service.pk, "documenti", document.pk])
    )
    assert response.status_code == 302
    assert not RequiredDocument.objects.filter(pk=document.pk).exists()
    assert Service.objects.get(pk=own_service.pk).version == 2


def test_removing_a_place_unlinks_it_from_the_service(as_editor, own_service):
    link = own_service.service_at_locations.get()
    as_editor.post(reverse("directory:part_delete", args=[own_service.pk, "sedi", link.pk]))
    assert not own_service.service_at_locations.exists()
    assert Location.objects.filter(pk=link.location_id).exists()


def test_removing_needs_a_post(as_editor, own_service):
    document = own_service.required_documents.get()
    url = reverse("directory:part_delete", args=[own_service.pk, "documenti", document.pk])
    assert as_editor.get(url).status_code == 405
    assert RequiredDocument.objects.filter(pk=document.pk).exists()


# --- history -----------------------------------------------------------------------------------------------


def test_history_lists_versions_with_author_changed_fields_and_snapshot_values(
    as_editor, editor, own_service
):
    actions.update_record(
        own_service, {"name": "Sportello stranieri"}, acting_user=editor, note="nome ufficiale"
    )
    actions.update_record(
        own_service, {"name": "Sportello per stranieri"}, acting_user=editor, minor_edit=True
    )
    response = as_editor.get(reverse("directory:service_history", args=[own_service.pk]))
    revisions = list(response.context["page"].object_list)
    assert [r.number for r in revisions] == [3, 2]
    assert revisions[0].minor_edit and not revisions[1].minor_edit
    assert revisions[1].note == "nome ufficiale"
    body = response.content.decode()
    assert "Sportello stranieri" in body and "Sportello per stranieri" in body
    assert editor.get_full_name() in body
    assert {row["name"]: row["value"] for row in revisions[1].rows}["name"] == "Sportello stranieri"


def test_history_shows_pending_proposals_to_editors(as_editor, operator_a, own_service):
    actions.propose_change(own_service, {"name": "Sportello migranti"}, acting_user=operator_a)
    response = as_editor.get(reverse("directory:service_history", args=[own_service.pk]))
    assert [p.status for p in response.context["proposals"]] == [RevisionStatus.PENDING]
