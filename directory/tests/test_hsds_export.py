"""The HSDS 3.0 export: it validates against the official schemas, holds only public data, keeps what the
models keep in `extra`, and is served as a download; plus the open-data page."""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse

from directory.hsds import serialize, validation
from directory.hsds.export import export_document
from directory.models import DirectoryOrganization, Schedule
from directory.tests.factories import make_service
from directory.tests.hsds_dataset import FUNDING_ID, build_dataset

pytestmark = pytest.mark.django_db


@pytest.fixture
def dataset():
    return build_dataset()


def _errors(document):
    errors = []
    for key, kind in (
        ("taxonomies", "taxonomy"),
        ("taxonomy_terms", "taxonomy_term"),
        ("organizations", "organization"),
        ("services", "service"),
    ):
        for index, item in enumerate(document[key]):
            errors += validation.validate(item, kind, root=f"$.{key}[{index}]")
    for index, service in enumerate(document["services"]):
        for position, sal in enumerate(service.get("service_at_locations", [])):
            errors += validation.validate(sal, "service_at_location", root=f"$.services[{index}][{position}]")
            errors += validation.validate(sal["location"], "location")
    return errors


def test_export_of_a_realistic_dataset_validates_against_every_schema(dataset):
    document = export_document()

    assert _errors(document) == []
    assert document["version"] == "3.0"
    assert len(document["taxonomy_terms"]) >= 14
    assert {s["name"] for s in document["services"]} == {s.name for s in dataset.public}


def test_export_in_arabic_validates_too_and_has_the_arabic_name(dataset):
    document = export_document("ar")

    assert _errors(document) == []
    names = {s["id"]: s["name"] for s in document["services"]}
    assert names[str(dataset.napoli.pk)] == "شباك تصريح الإقامة"
    assert names[str(dataset.caserta.pk)] == "Ambulatorio STP"  # not translated: Italian


def test_export_holds_no_draft_stale_or_inactive_service_nor_their_places(dataset):
    document = export_document()

    ids = {s["id"] for s in document["services"]}
    assert not ids & {str(s.pk) for s in dataset.hidden}
    comune = next(o for o in document["organizations"] if o["id"] == str(dataset.comune.pk))
    draft_location = dataset.draft.service_at_locations.get().location
    assert str(draft_location.pk) not in {loc["id"] for loc in comune.get("locations", [])}


def test_export_omits_empty_fields_and_fixes_web_addresses_without_scheme(dataset):
    document = export_document()
    comune = next(o for o in document["organizations"] if o["id"] == str(dataset.comune.pk))
    caserta = next(s for s in document["services"] if s["id"] == str(dataset.caserta.pk))

    assert comune["website"] == "https://www.comune.napoli.it"
    assert "url" not in caserta and "email" not in caserta and "alert" not in caserta
    assert all(value != "" for value in caserta.values())


def test_by_appointment_only_is_a_schedule_attribute(dataset):
    document = export_document()
    napoli = next(s for s in document["services"] if s["id"] == str(dataset.napoli.pk))

    flagged = [s for s in napoli["schedules"] if s.get("attributes")]
    assert len(flagged) == 1
    attribute = flagged[0]["attributes"][0]
    assert attribute["link_entity"] == "schedule"
    assert attribute["link_type"] == "interazioni:by_appointment_only"
    assert attribute["value"] == "true"
    assert attribute["link_id"] == flagged[0]["id"]


def test_free_service_gets_a_zero_cost_option_and_a_paying_one_keeps_its_amount(dataset):
    document = export_document()
    services = {s["id"]: s for s in document["services"]}

    assert [c["amount"] for c in services[str(dataset.napoli.pk)]["cost_options"]] == [0]
    assert services[str(dataset.caserta.pk)]["cost_options"][0]["amount"] == 10.5
    assert services[str(dataset.caserta.pk)]["cost_options"][0]["currency"] == "EUR"


def test_what_the_models_keep_in_extra_comes_back_verbatim(dataset):
    document = export_document()
    napoli = next(s for s in document["services"] if s["id"] == str(dataset.napoli.pk))

    assert napoli["funding"] == [{"id": FUNDING_ID, "source": "FAMI 2021-2027"}]
    assert napoli["program"]["name"] == "InterAzioni"


def test_services_carry_their_needs_as_attributes_with_the_taxonomy(dataset):
    document = export_document()
    caserta = next(s for s in document["services"] if s["id"] == str(dataset.caserta.pk))

    terms = {a["taxonomy_term"]["id"]: a["taxonomy_term"] for a in caserta["attributes"]}
    child = terms[str(dataset.child_term.pk)]
    assert child["parent_id"] == str(dataset.child_term.parent_id)
    assert child["taxonomy_detail"]["name"] == "InterAzioni – bisogni"
    assert caserta["service_areas"][0]["name"] == "Provincia di Caserta"


def test_service_areas_name_the_place_they_stand_for(dataset):
    document = export_document()
    salerno = next(s for s in document["services"] if s["id"] == str(dataset.salerno.pk))

    assert sorted(a["name"] for a in salerno["service_areas"]) == ["Campania", "Salerno"]


def test_export_needs_the_same_queries_for_three_or_ten_services(dataset, django_assert_max_num_queries):
    # Measured: a fixed number of queries per batch of 200 records, whatever the number of services.
    with django_assert_max_num_queries(80) as context:
        export_document("fr")
    few = len(context.captured_queries)
    for number in range(7):
        make_service(f"Altro servizio {number}", organization=dataset.cooperativa, index=False)
    with django_assert_max_num_queries(few) as context:
        document = export_document("fr")
    assert len(document["services"]) == 10


def test_serialising_a_schedule_without_hours_leaves_them_out(dataset):
    schedule = Schedule.objects.create(service=dataset.salerno, description="Solo su appuntamento")

    out = serialize.schedule_dict(schedule)

    assert out == {"id": str(schedule.pk), "description": "Solo su appuntamento"}


def test_download_is_the_export_as_an_attachment(client, dataset):
    response = client.get(reverse("portal:hsds_download"))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert 'filename="interazioni-hsds-3.0-it.json"' in response["Content-Disposition"]
    assert "max-age" in response["Cache-Control"]
    document = json.loads(b"".join(response.streaming_content))
    assert _errors(document) == []
    assert len(document["services"]) == 3
    assert not response.cookies


def test_download_under_the_french_address_is_in_french(client, dataset):
    response = client.get("/fr/dati-aperti/hsds.json")

    document = json.loads(b"".join(response.streaming_content))
    assert document["language"] == "fr"
    names = {s["id"]: s["name"] for s in document["services"]}
    assert names[str(dataset.napoli.pk)] == "Guichet titre de séjour"


def test_open_data_page_links_to_the_api_its_docs_and_the_downloads(client, dataset):
    response = client.get(reverse("portal:open_data"))

    assert response.status_code == 200
    body = response.content.decode()
    assert "/api/hsds/docs" in body
    assert "/api/hsds/openapi.json" in body
    assert 'href="/dati-aperti/hsds.json"' in body
    assert 'href="/ar/dati-aperti/hsds.json"' in body
    assert "HSDS" in body
    assert not response.cookies


def test_open_data_page_speaks_arabic_right_to_left(client, dataset):
    response = client.get("/ar/dati-aperti/")

    assert response.status_code == 200
    assert 'dir="rtl"' in response.content.decode()


def test_export_command_writes_a_valid_file(tmp_path, dataset):
    out = tmp_path / "hsds.json"

    call_command("hsds_export", "--out", str(out), "--lang", "fr")

    document = json.loads(out.read_text(encoding="utf-8"))
    assert _errors(document) == []
    assert document["language"] == "fr"


def test_export_command_refuses_an_unknown_language(dataset):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("hsds_export", "--lang", "xx")


def test_organisations_without_public_services_are_not_exported(dataset):
    lonely = DirectoryOrganization.objects.create(name="Ente senza servizi", description="Nessun servizio.")

    document = export_document()

    assert str(lonely.pk) not in {o["id"] for o in document["organizations"]}
