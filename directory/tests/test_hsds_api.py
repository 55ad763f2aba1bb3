"""The public HSDS 3.0 API: every endpoint answers objects that validate against the official schemas, in the
HSDS Page envelope, with only the public services, sane paging, search and filters, and 4xx for bad input."""

import datetime
import json

import pytest

from directory.hsds import validation
from directory.models import ServiceAtLocation
from directory.reference import NEEDS_TAXONOMY_ID
from directory.tests.factories import make_service, need
from directory.tests.hsds_dataset import build_dataset

pytestmark = pytest.mark.django_db

API = "/api/hsds"
PAGE_KEYS = {
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
}


@pytest.fixture
def dataset():
    return build_dataset()


def get(client, path, **params):
    response = client.get(API + path, params)
    assert not response.cookies
    return response


def page_of(client, path, kind, **params):
    response = get(client, path, **params)
    assert response.status_code == 200, response.content
    page = response.json()
    assert set(page) == PAGE_KEYS
    for index, item in enumerate(page["contents"]):
        assert validation.validate(item, kind, root=f"$.contents[{index}]") == []
    return page


def ids(page):
    return {item["id"] for item in page["contents"]}


# --- every endpoint validates -------------------------------------------------------------------------------


def test_root_tells_the_hsds_version_and_where_the_openapi_is(client, dataset):
    body = get(client, "/").json()

    assert body["version"] == "3.0"
    assert body["openapi_url"].endswith("/api/hsds/openapi.json")
    assert body["profile"].endswith("/dati-aperti/")
    assert client.get(body["openapi_url"]).status_code == 200


@pytest.mark.parametrize("params", [{}, {"full": "true"}])
def test_service_lists_validate(client, dataset, params):
    page = page_of(client, "/services", "service", **params)

    assert ids(page) == {str(s.pk) for s in dataset.public}
    if params:
        assert all("service_at_locations" in item for item in page["contents"])
    else:
        assert all("service_at_locations" not in item and "organization" in item for item in page["contents"])


def test_service_detail_validates_and_is_fully_nested(client, dataset):
    response = get(client, f"/services/{dataset.napoli.pk}")

    body = response.json()
    assert validation.validate(body, "service") == []
    assert body["organization"]["id"] == str(dataset.comune.pk)
    assert body["service_at_locations"][0]["location"]["addresses"][0]["city"] == "Napoli"
    assert {a["taxonomy_term"]["code"] for a in body["attributes"]} == {"residence-permit", "legal-help"}


@pytest.mark.parametrize("params", [{}, {"full": "true"}, {"full_service": "true"}])
def test_organization_lists_validate(client, dataset, params):
    page = page_of(client, "/organizations", "organization", **params)

    assert ids(page) == {str(dataset.comune.pk), str(dataset.cooperativa.pk)}
    if "full_service" in params:
        services = [s for org in page["contents"] for s in org["services"]]
        assert all(validation.validate(s, "service") == [] for s in services)
        assert {s["id"] for s in services} == {str(s.pk) for s in dataset.public}


@pytest.mark.parametrize("params", [{}, {"full_service": "true"}])
def test_organization_detail_validates_with_only_public_services(client, dataset, params):
    body = get(client, f"/organizations/{dataset.comune.pk}", **params).json()

    assert validation.validate(body, "organization") == []
    assert [s["id"] for s in body["services"]] == [str(dataset.napoli.pk)]
    assert "parent_organization_id" not in body
    child = get(client, f"/organizations/{dataset.cooperativa.pk}", **params).json()
    assert child["parent_organization_id"] == str(dataset.comune.pk)


@pytest.mark.parametrize("params", [{}, {"full": "true"}])
def test_service_at_location_lists_validate(client, dataset, params):
    page = page_of(client, "/service_at_locations", "service_at_location", **params)

    expected = ServiceAtLocation.objects.filter(service__in=dataset.public)
    assert ids(page) == {str(sal.pk) for sal in expected}
    for item in page["contents"]:
        assert validation.validate(item["service"], "service") == []
        assert validation.validate(item["location"], "location") == []


def test_service_at_location_detail_validates(client, dataset):
    sal = dataset.napoli.service_at_locations.get()

    body = get(client, f"/service_at_locations/{sal.pk}").json()

    assert validation.validate(body, "service_at_location") == []
    assert validation.validate(body["service"], "service") == []
    assert body["service"]["id"] == str(dataset.napoli.pk)
    assert body["contacts"][0]["name"] == "Anna Esposito"


def test_taxonomies_validate(client, dataset):
    page = page_of(client, "/taxonomies", "taxonomy")
    detail = get(client, f"/taxonomies/{NEEDS_TAXONOMY_ID}").json()

    assert str(NEEDS_TAXONOMY_ID) in ids(page)
    assert validation.validate(detail, "taxonomy") == []


def test_taxonomy_terms_validate_and_filter(client, dataset):
    everything = page_of(client, "/taxonomy_terms", "taxonomy_term", per_page=100)
    top = page_of(client, "/taxonomy_terms", "taxonomy_term", per_page=100, top_only="true")
    children = page_of(client, "/taxonomy_terms", "taxonomy_term", parent_id=str(need("health").pk))
    detail = get(client, f"/taxonomy_terms/{dataset.child_term.pk}").json()

    assert str(dataset.child_term.pk) in ids(everything)
    assert str(dataset.child_term.pk) not in ids(top)
    assert ids(children) == {str(dataset.child_term.pk)}
    assert validation.validate(detail, "taxonomy_term") == []
    assert detail["parent_id"] == str(need("health").pk)


# --- only what the portal shows ---------------------------------------------------------------------------


def test_draft_stale_and_inactive_services_never_appear(client, dataset):
    hidden = {str(s.pk) for s in dataset.hidden}

    assert not ids(page_of(client, "/services", "service", per_page=100)) & hidden
    assert not ids(page_of(client, "/services", "service", search="servizio")) & hidden
    for service in dataset.hidden:
        assert get(client, f"/services/{service.pk}").status_code == 404
        sal = service.service_at_locations.get()
        assert get(client, f"/service_at_locations/{sal.pk}").status_code == 404
    sal_ids = ids(page_of(client, "/service_at_locations", "service_at_location", per_page=100))
    assert not sal_ids & {str(s.service_at_locations.get().pk) for s in dataset.hidden}


def test_an_organisation_with_only_hidden_services_is_not_found(client, dataset):
    hidden = make_service("Bozza sola", state="draft").organization

    assert get(client, f"/organizations/{hidden.pk}").status_code == 404
    assert str(hidden.pk) not in ids(page_of(client, "/organizations", "organization"))


# --- paging, search, filters, language --------------------------------------------------------------------


def test_paging_envelope(client, dataset):
    first = page_of(client, "/services", "service", per_page=2)
    second = page_of(client, "/services", "service", per_page=2, page=2)
    beyond = page_of(client, "/services", "service", per_page=2, page=3)

    assert (first["total_items"], first["total_pages"], first["size"]) == (3, 2, 2)
    assert first["first_page"] and not first["last_page"] and not first["empty"]
    assert second["size"] == 1 and second["last_page"] and not second["first_page"]
    assert beyond["contents"] == [] and beyond["empty"]
    assert ids(first) | ids(second) == {str(s.pk) for s in dataset.public}


def test_search_finds_words_in_the_requested_language_with_italian_fallback(client, dataset):
    assert ids(page_of(client, "/services", "service", search="italiano")) == {str(dataset.salerno.pk)}
    assert ids(page_of(client, "/services", "service", search="séjour", lang="fr")) == {
        str(dataset.napoli.pk)
    }
    assert ids(page_of(client, "/services", "service", search="séjour")) == set()
    assert ids(page_of(client, "/services", "service", search="ambulatorio", lang="fr")) == {
        str(dataset.caserta.pk)
    }
    sal_page = page_of(client, "/service_at_locations", "service_at_location", search="italiano")
    assert {item["service"]["id"] for item in sal_page["contents"]} == {str(dataset.salerno.pk)}


def test_filters_by_term_taxonomy_organisation_and_date(client, dataset):
    def found(**params):
        return ids(page_of(client, "/services", "service", **params))

    assert found(taxonomy_term_id=str(need("health").pk)) == {str(dataset.caserta.pk)}
    assert found(taxonomy_term_id=str(dataset.child_term.pk)) == {str(dataset.caserta.pk)}
    assert found(taxonomy_id=str(NEEDS_TAXONOMY_ID)) == {str(s.pk) for s in dataset.public}
    assert found(organization_id=str(dataset.cooperativa.pk)) == {
        str(dataset.caserta.pk),
        str(dataset.salerno.pk),
    }
    tomorrow = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)).isoformat()
    assert found(modified_after=tomorrow) == set()
    assert found(modified_after="2020-01-01T00:00:00") == {str(s.pk) for s in dataset.public}


def test_minimal_lists_only_id_and_last_modified(client, dataset):
    page = get(client, "/services", minimal="true", per_page=1000).json()

    assert page["total_items"] == 3
    assert all(set(item) == {"id", "last_modified"} for item in page["contents"])


def test_french_texts_where_translated_and_italian_elsewhere(client, dataset):
    body = get(client, f"/services/{dataset.napoli.pk}", lang="fr").json()
    page = page_of(client, "/services", "service", lang="fr")
    names = {item["id"]: item["name"] for item in page["contents"]}
    health = get(client, f"/taxonomy_terms/{need('health').pk}", lang="fr").json()

    assert body["name"] == "Guichet titre de séjour"
    assert body["description"] == "Aide pour le titre de séjour."
    assert body["application_process"] == "Prenota un appuntamento per telefono."
    assert body["organization"]["description"] == "Un organisme qui offre des services aux étrangers."
    assert names[str(dataset.caserta.pk)] == "Ambulatorio STP"
    assert health["name"] == "Santé" and health["language"] == "fr"


def test_postcode_and_proximity(client, dataset):
    everywhere = page_of(client, "/service_at_locations", "service_at_location", postcode="80100")
    near = page_of(client, "/service_at_locations", "service_at_location", postcode="80100", proximity=1000)
    nowhere = page_of(client, "/service_at_locations", "service_at_location", postcode="00000")

    assert everywhere["total_items"] == 3
    assert {item["service"]["id"] for item in near["contents"]} == {str(dataset.napoli.pk)}
    assert nowhere["total_items"] == 0


def test_ndjson_streams_every_result_without_paging(client, dataset):
    response = get(client, "/services", format="ndjson", per_page=1)

    lines = b"".join(response.streaming_content).decode().splitlines()
    assert response["Content-Type"].startswith("application/x-ndjson")
    assert {json.loads(line)["id"] for line in lines} == {str(s.pk) for s in dataset.public}


@pytest.mark.parametrize(
    "path,params",
    [
        ("/services", {"page": "0"}),
        ("/services", {"per_page": "10000"}),
        ("/services", {"per_page": "0"}),
        ("/services", {"page": "abc"}),
        ("/services", {"page": "99999999999999999999999"}),
        ("/services", {"per_page": "99999999999999999999999"}),
        ("/services", {"search": "x" * 5000, "postcode": "1"}),
        ("/services", {"taxonomy_term_id": "not-a-uuid"}),
        ("/services", {"organization_id": "1234"}),
        ("/services", {"modified_after": "yesterday"}),
        ("/services", {"lang": "xx"}),
        ("/services", {"format": "xml"}),
        ("/services", {"minimal": "true", "per_page": "5000"}),
        ("/organizations", {"per_page": "101"}),
        ("/service_at_locations", {"proximity": "1000"}),
        ("/service_at_locations", {"postcode": "80100", "proximity": "-5"}),
        ("/service_at_locations", {"postcode": "80100", "proximity": "99999999"}),
        ("/taxonomy_terms", {"parent_id": "x"}),
        ("/taxonomies", {"page": "-1"}),
    ],
)
def test_bad_parameters_answer_a_json_4xx(client, dataset, path, params):
    response = get(client, path, **params)

    assert 400 <= response.status_code < 500
    assert "detail" in response.json()


@pytest.mark.parametrize(
    "path",
    ["/services/nope", "/organizations/123", "/service_at_locations/x", "/taxonomies/x", "/taxonomy_terms/x"],
)
def test_invalid_or_unknown_ids_answer_a_json_404(client, dataset, path):
    assert get(client, path).status_code == 404
    assert get(client, path).json() == {"detail": "Not found."}
    unknown = path.rsplit("/", 1)[0] + "/7d1c6a0e-5d7e-4d8b-9a59-2b4e5f6a7b8c"
    assert get(client, unknown).status_code == 404


def test_writes_are_not_allowed(client, dataset):
    assert client.post(API + "/services", {}).status_code == 405
    assert client.delete(f"{API}/services/{dataset.napoli.pk}").status_code == 405


# --- query counts --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path,params",
    [
        ("/services", {}),
        ("/services", {"full": "true", "lang": "fr"}),
        ("/organizations", {"full_service": "true", "lang": "ar"}),
        ("/service_at_locations", {"full": "true"}),
        ("/service_at_locations", {"lang": "fr"}),
        ("/taxonomy_terms", {"lang": "fr"}),
    ],
)
def test_lists_need_the_same_queries_for_few_or_many_records(
    client, dataset, django_assert_max_num_queries, path, params
):
    with django_assert_max_num_queries(100) as context:
        get(client, path, per_page=100, **params)
    few = len(context.captured_queries)
    for number in range(6):
        make_service(f"Altro servizio {number}", organization=dataset.cooperativa, needs=("work", "health"))

    with django_assert_max_num_queries(few):
        response = get(client, path, per_page=100, **params)
    assert response.status_code == 200
