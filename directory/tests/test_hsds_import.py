"""The HSDS 3.0 importer: the official example dataset imports and exports back equivalent; invalid input is
reported with file and JSON path and saves nothing; dry runs save nothing; places, costs and appointment-only
hours are mapped; what the models do not hold is kept; our own export imports back to the same export."""

import copy
import json
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from conftest import municipality
from directory import actions
from directory.hsds import importer, serialize
from directory.hsds.export import export_document
from directory.models import (
    DirectoryOrganization,
    EditorialState,
    Location,
    Revision,
    SearchEntry,
    Service,
    ServiceArea,
    TaxonomyTerm,
)
from directory.tests.factories import translate
from directory.tests.hsds_dataset import build_dataset

pytestmark = pytest.mark.django_db

EXAMPLES = Path(__file__).parent / "hsds_examples"
FULL_FILES = [
    "taxonomy.json",
    "taxonomy_term.json",
    "organization_full.json",
    "service_full.json",
    "service_at_location_full.json",
]
SERVICE_ID = "ac148810-d857-441c-9679-408f346de14b"
ORGANIZATION_ID = "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
SAL_ID = "e94c9f38-1e8f-4564-91d4-d53501ab1765"
LOCATION_ID = "3a19ff88-4620-4d17-9830-ac1d859eb5d5"
TAXONOMY_ID = "5c4d79d7-cc55-470e-9f1f-8cad074e4892"
TERM_ID = "3f7b145d-84af-42d7-8fae-eaca714b02b2"


def example(name):
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


def normalised(value):
    """What the round trip may change on purpose (docs/hsds.md): number formatting (100 vs 100.0), times
    written with seconds ("10:00" → "10:00:00"), and the order of arrays (sorted here by id)."""
    if isinstance(value, dict):
        return {key: normalised(item) for key, item in value.items()}
    if isinstance(value, list):
        items = [normalised(item) for item in value]
        return sorted(items, key=lambda item: json.dumps(item, sort_keys=True))
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, float)):
        return float(value)
    if isinstance(value, str) and len(value) == 5 and value[2] == ":" and value.replace(":", "").isdigit():
        return value + ":00"
    return value


def import_examples(files=FULL_FILES, **options):
    return importer.import_files([EXAMPLES / name for name in files], **options)


def api(client, path, **params):
    response = client.get("/api/hsds" + path, params)
    assert response.status_code == 200, response.content
    return response.json()


def directory_counts():
    return (
        Service.objects.count(),
        DirectoryOrganization.objects.count(),
        Location.objects.count(),
        TaxonomyTerm.objects.count(),
        Revision.objects.count(),
    )


# --- the example dataset round trip ------------------------------------------------------------------------


def test_example_dataset_imports_and_exports_back_equivalent(client):
    result = import_examples(publish=True)

    assert result.ok, result.problems
    assert normalised(api(client, f"/services/{SERVICE_ID}")) == normalised(example("service_full.json"))
    assert normalised(api(client, f"/organizations/{ORGANIZATION_ID}", full_service="true")) == normalised(
        example("organization_full.json")
    )
    assert normalised(api(client, f"/service_at_locations/{SAL_ID}")) == normalised(
        example("service_at_location_full.json")
    )
    assert api(client, f"/taxonomies/{TAXONOMY_ID}") == example("taxonomy.json")
    assert api(client, f"/taxonomy_terms/{TERM_ID}") == example("taxonomy_term.json")


@pytest.mark.parametrize(
    "path,name",
    [
        ("/services", "service_list.json"),
        ("/organizations", "organization_list.json"),
        ("/service_at_locations", "service_at_location_list.json"),
        ("/taxonomies", "taxonomy_list.json"),
        ("/taxonomy_terms", "taxonomy_term_list.json"),
    ],
)
def test_list_representations_match_the_example_lists(client, path, name):
    import_examples(publish=True)
    expected = example(name)["contents"][0]

    page = api(client, path, per_page=100)

    ours = next(item for item in page["contents"] if item["id"] == expected["id"])
    assert normalised(ours) == normalised(expected)


def test_the_example_location_imports_and_exports_back_equivalent():
    result = import_examples(["location.json"])

    assert result.ok, result.problems
    location = serialize._locations(None).get(pk=LOCATION_ID)
    assert normalised(serialize.location_full(location)) == normalised(example("location.json"))


def test_every_example_file_imports_and_importing_twice_changes_nothing(client):
    everything = [
        p.name for p in sorted(EXAMPLES.glob("*.json")) if p.name not in ("base.json", "tabular.json")
    ]
    everything.remove("location.json")  # the same location as in the other files, with other values

    first = import_examples(everything, publish=True)
    before = api(client, f"/services/{SERVICE_ID}")
    second = import_examples(everything, publish=True)

    assert first.ok and second.ok, first.problems + second.problems
    assert second.created == {}
    assert api(client, f"/services/{SERVICE_ID}") == before
    # The list files (no nested arrays) did not wipe what the full files brought.
    assert len(before["service_at_locations"]) == 1 and before["phones"]


def test_example_mapping_keeps_hsds_extras_and_reports_counts():
    result = import_examples(publish=True)
    service = Service.objects.get(pk=SERVICE_ID)
    organization = DirectoryOrganization.objects.get(pk=ORGANIZATION_ID)

    assert result.created["service"] == 1 and result.created["phone"] == 1
    assert service.extra["funding"][0]["id"] == "1f2df32c-bf08-4b8e-bd6f-e834014b19bc"
    assert service.extra["metadata"][0]["field_name"] == "name"
    assert organization.extra["organization_identifiers"][0]["identifier"] == "1234567"
    assert str(organization.parent_organization_ref) == "cd09a387-91f4-4555-94ec-e799c35344cd"
    assert service.is_free is False
    assert Location.objects.get(pk=LOCATION_ID).municipality is None  # MyCity, US


# --- invalid input ---------------------------------------------------------------------------------------------


def test_schema_violations_are_reported_with_file_and_path_and_nothing_is_saved(tmp_path):
    data = example("service_full.json")
    data["status"] = "open"
    data["phones"][0]["id"] = "not-a-uuid"
    data["service_areas"][0].pop("id")
    data["organization"]["email"] = ""
    bad = tmp_path / "broken.json"
    bad.write_text(json.dumps(data))
    before = directory_counts()

    result = importer.import_files([EXAMPLES / "organization_full.json", bad])

    messages = {(p.file, p.path) for p in result.problems}
    assert (str(bad), "$.status") in messages
    assert (str(bad), "$.phones[0].id") in messages
    assert (str(bad), "$.service_areas[0]") in messages
    assert (str(bad), "$.organization.email") in messages
    assert not result.ok
    assert directory_counts() == before


def test_bad_json_is_reported_with_line_and_column_and_nothing_is_saved(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text('{"id": "x",\n  "name": }')
    before = directory_counts()

    with translation.override("en"):
        result = importer.import_files([EXAMPLES / "service_full.json", bad, tmp_path / "missing.json"])

    assert [p.file for p in result.problems] == [str(bad), str(tmp_path / "missing.json")]
    assert "line 2" in result.problems[0].message
    assert directory_counts() == before


def test_reference_problems_roll_back_everything():
    service = example("service_full.json")
    service.pop("organization")
    service["organization_id"] = "7d1c6a0e-5d7e-4d8b-9a59-2b4e5f6a7b8c"
    before = directory_counts()

    result = importer.import_data([example("organization_full.json"), service], file="mixed.json")

    assert [(p.path, p.file) for p in result.problems] == [("$[1].organization_id", "mixed.json")]
    assert directory_counts() == before


def test_an_object_of_unknown_kind_is_reported():
    with translation.override("en"):
        result = importer.import_data({"hello": "world"}, file="odd.json")

    assert not result.ok
    assert "cannot tell" in result.problems[0].message


def test_dry_run_reports_what_it_would_do_and_saves_nothing():
    before = directory_counts()

    result = import_examples(dry_run=True, publish=True)

    assert result.ok and result.dry_run
    assert result.created["service"] == 1
    assert directory_counts() == before
    assert not SearchEntry.objects.filter(service_id=SERVICE_ID).exists()


# --- publishing and the search index -----------------------------------------------------------------------


def test_imported_services_are_drafts_unless_published(client):
    import_examples()
    service = Service.objects.get(pk=SERVICE_ID)

    assert service.state == EditorialState.DRAFT
    assert client.get(f"/api/hsds/services/{SERVICE_ID}").status_code == 404
    assert not SearchEntry.objects.filter(service=service).exists()

    import_examples(publish=True)
    service.refresh_from_db()

    assert service.state == EditorialState.PUBLISHED and service.last_verified_at is not None
    assert SearchEntry.objects.filter(service=service, language="it", name__contains="community").exists()
    assert api(client, "/services", search="counselling")["total_items"] == 1


def test_an_existing_published_service_stays_published_and_gets_a_new_version():
    import_examples(publish=True)
    import_examples()
    service = Service.objects.get(pk=SERVICE_ID)

    assert service.state == EditorialState.PUBLISHED
    assert service.version == 2
    assert Revision.objects.for_object(service).count() == 2


def test_a_changed_italian_text_outdates_its_translations():
    import_examples(publish=True)
    service = Service.objects.get(pk=SERVICE_ID)
    french = translate(service, "description", "fr", "Des conseils.")
    data = example("service_full.json")
    data["description"] = "Un'altra descrizione."

    importer.import_data(data, publish=True)

    service.refresh_from_db()
    assert actions.is_outdated(french, service)


# --- mapping ---------------------------------------------------------------------------------------------------


def everywhere(data, object_id, **changes):
    """Change every occurrence of one object (the example repeats the same phone, schedule… in many places)."""
    if isinstance(data, dict):
        if data.get("id") == object_id:
            data.update(changes)
        for value in data.values():
            everywhere(value, object_id, **changes)
    elif isinstance(data, list):
        for value in data:
            everywhere(value, object_id, **changes)
    return data


def italian_service(**changes):
    data = example("service_full.json")
    data["service_at_locations"][0]["location"]["addresses"][0].update(
        {"city": "casoria", "country": "IT", "state_province": "NA", "postal_code": "80026"}
    )
    data["service_areas"] = [
        {"id": "11111111-1111-4111-8111-111111111111", "name": "Provincia di Caserta"},
        {"id": "22222222-2222-4222-8222-222222222222", "name": "Regione Campania"},
        {"id": "33333333-3333-4333-8333-333333333333", "name": "Salerno"},
        {"id": "44444444-4444-4444-8444-444444444444", "name": "Somewhere else"},
    ]
    data["cost_options"].append(
        {"id": "55555555-5555-4555-8555-555555555555", "amount": 0, "option": "Gratis"}
    )
    data.update(changes)
    return data


def test_places_map_to_italian_municipalities_provinces_and_the_region():
    result = importer.import_data(italian_service(), publish=True)

    assert result.ok, result.problems
    assert Location.objects.get(pk=LOCATION_ID).municipality == municipality("Casoria")
    areas = {str(a.pk): a for a in ServiceArea.objects.filter(service_id=SERVICE_ID)}
    assert areas["11111111-1111-4111-8111-111111111111"].province == municipality("Caserta").province
    assert areas["22222222-2222-4222-8222-222222222222"].whole_region
    assert areas["33333333-3333-4333-8333-333333333333"].municipality == municipality("Salerno")
    other = areas["44444444-4444-4444-8444-444444444444"]
    assert (other.municipality, other.province, other.whole_region) == (None, None, False)


def test_a_cost_option_of_amount_zero_makes_the_service_free():
    importer.import_data(italian_service())

    assert Service.objects.get(pk=SERVICE_ID).is_free


def test_by_appointment_only_comes_in_as_a_schedule_attribute_and_goes_out_the_same():
    data = example("service_full.json")
    schedule = data["schedules"][0]
    appointment = {
        "id": "66666666-6666-4666-8666-666666666666",
        "link_id": schedule["id"],
        "link_entity": "schedule",
        "link_type": "interazioni:by_appointment_only",
        "value": "true",
    }
    everywhere(data, schedule["id"], attributes=[appointment])

    importer.import_data(data, publish=True)

    service = serialize.service_queryset(None).get(pk=SERVICE_ID)
    assert service.schedules.get().by_appointment_only
    out = serialize.service_full(service)
    assert out["schedules"][0]["attributes"][0]["link_type"] == "interazioni:by_appointment_only"


def test_unknown_properties_and_values_that_do_not_fit_are_kept_and_exported():
    data = example("service_full.json")
    data["x_regional_code"] = {"campania": 42}
    everywhere(data, data["phones"][0]["id"], extension=12.5)  # the column holds whole numbers
    everywhere(data, data["schedules"][0]["id"], valid_from="from spring")  # not a date

    result = importer.import_data(data, publish=True)

    assert result.ok, result.problems
    out = serialize.service_full(serialize.service_queryset(None).get(pk=SERVICE_ID))
    assert out["x_regional_code"] == {"campania": 42}
    assert out["phones"][0]["extension"] == 12.5
    assert out["schedules"][0]["valid_from"] == "from spring"


def test_a_too_long_required_value_is_reported():
    data = example("service_full.json")
    data["name"] = "x" * 300

    result = importer.import_data(data, file="long.json")

    assert [p.path for p in result.problems] == ["$.name"]
    assert not Service.objects.filter(pk=SERVICE_ID).exists()


def test_network_organisation_map_links_the_directory_entry(org_a):
    result = importer.import_data(
        example("organization_full.json"), network_organisation_map={ORGANIZATION_ID: org_a}
    )

    assert result.ok
    assert DirectoryOrganization.objects.get(pk=ORGANIZATION_ID).network_organisation == org_a


# --- our own export -------------------------------------------------------------------------------------------


def test_our_export_imports_back_to_the_same_export():
    build_dataset()
    before = export_document()
    Service.objects.all().delete()
    DirectoryOrganization.objects.all().delete()

    result = importer.import_data(copy.deepcopy(before), file="export.json", publish=True)

    assert result.ok, result.problems
    after = export_document()
    before.pop("generated_at"), after.pop("generated_at")
    assert after == before


# --- the command -------------------------------------------------------------------------------------------------


def test_import_command_imports_and_says_what_it_did(capsys):
    with translation.override("en"):
        call_command("hsds_import", *[str(EXAMPLES / name) for name in FULL_FILES], "--publish")

    assert "service: 1 new" in capsys.readouterr().out
    assert Service.objects.filter(pk=SERVICE_ID, state=EditorialState.PUBLISHED).exists()


def test_import_command_dry_run_saves_nothing(capsys):
    before = directory_counts()

    with translation.override("en"):
        call_command("hsds_import", *[str(EXAMPLES / name) for name in FULL_FILES], "--dry-run")

    assert "Dry run" in capsys.readouterr().out
    assert directory_counts() == before


def test_import_command_lists_every_problem_and_fails(tmp_path, capsys):
    data = example("taxonomy.json")
    data["uri"] = "not a uri"
    data.pop("name")
    bad = tmp_path / "taxonomy.json"
    bad.write_text(json.dumps(data))

    with pytest.raises(CommandError):
        call_command("hsds_import", str(bad))

    err = capsys.readouterr().err
    assert f"{bad}: $: 'name' is a required property" in err
    assert f"{bad}: $.uri:" in err
