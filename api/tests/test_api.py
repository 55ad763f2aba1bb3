"""The REST API applies the same scoping, validation and logging as the workspace."""

from __future__ import annotations

import json

import pytest
from django.test import Client

from accounts.models import ApiToken
from conftest import client_for, make_participant
from people.models import Participant, ParticipantAccessLog

LIST = "/api/v1/participants/"


def detail(pk: int) -> str:
    return f"/api/v1/participants/{pk}"


class Api:
    """A JSON client authenticated with a personal token."""

    def __init__(self, user):
        _token, raw = ApiToken.issue(user, "tests")
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def get(self, url, **params):
        return self.client.get(url, params, **self.headers)

    def post(self, url, payload):
        return self.client.post(url, json.dumps(payload), content_type="application/json", **self.headers)

    def put(self, url, payload):
        return self.client.put(url, json.dumps(payload), content_type="application/json", **self.headers)


def payload(**overrides) -> dict:
    data = {
        "first_name": "Fatima",
        "last_name": "Zahra",
        "sex": "F",
        "birth_date": "1992-03-04",
        "country_of_birth": "MA",
        "citizenships": ["MA"],
        "municipality_istat": "063049",  # Napoli
        "languages": ["ara", "fra"],
        "permit_reason": "family",
    }
    data.update(overrides)
    return data


@pytest.fixture
def api_for():
    return Api


# --- Reading --------------------------------------------------------------------------------------


def test_listing_with_a_token_shows_only_the_org_participants(
    api_for, operator_a, participant_a, participant_b
):
    response = api_for(operator_a).get(LIST)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["id"] == participant_a.pk
    assert item["citizenships"] == ["MA"]
    assert item["country_of_birth"] == "MA"
    assert item["municipality_istat"] == "063049"
    assert item["target_groups"] == ["woman"]


def test_listing_with_the_browser_session_works_too(operator_a, participant_a):
    response = client_for(operator_a).get(LIST)
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["items"]] == [participant_a.pk]


def test_the_list_filters_by_name_and_citizenship(api_for, operator_a, org_a):
    make_participant(org_a, first_name="Amina", last_name="Benali", citizenships=("MA",))
    make_participant(org_a, first_name="Olena", last_name="Koval", citizenships=("UA",))
    api = api_for(operator_a)
    assert [i["last_name"] for i in api.get(LIST, q="koval").json()["items"]] == ["Koval"]
    assert [i["last_name"] for i in api.get(LIST, citizenship="ma").json()["items"]] == ["Benali"]


def test_the_coordinator_lists_every_participant(api_for, coordinator, participant_a, participant_b):
    ids = {item["id"] for item in api_for(coordinator).get(LIST).json()["items"]}
    assert ids == {participant_a.pk, participant_b.pk}


def test_the_monitoring_officer_gets_403_on_the_list(api_for, monitoring, participant_a):
    assert api_for(monitoring).get(LIST).status_code == 403


def test_reading_one_participant_writes_an_api_access_log_row(api_for, operator_a, participant_a):
    response = api_for(operator_a).get(detail(participant_a.pk))
    assert response.status_code == 200
    assert response.json()["first_name"] == participant_a.first_name
    log = ParticipantAccessLog.objects.get(participant=participant_a)
    assert log.user == operator_a
    assert log.channel == "api"
    assert log.organisation == operator_a.active_membership.organisation
    assert log.path == detail(participant_a.pk)


def test_another_org_participant_is_404_and_not_logged(api_for, operator_a, participant_b):
    response = api_for(operator_a).get(detail(participant_b.pk))
    assert response.status_code == 404
    assert not ParticipantAccessLog.objects.exists()


def test_a_missing_participant_is_404(api_for, operator_a):
    assert api_for(operator_a).get(detail(999999)).status_code == 404


def test_the_monitoring_officer_gets_404_on_a_participant(api_for, monitoring, participant_a):
    assert api_for(monitoring).get(detail(participant_a.pk)).status_code == 404


# --- Writing --------------------------------------------------------------------------------------


def test_creating_a_participant_with_a_token(api_for, operator_a, org_a):
    response = api_for(operator_a).post(LIST, payload(citizenships=["MA", "TN"]))
    assert response.status_code == 201, response.content
    body = response.json()
    participant = Participant.objects.get(pk=body["id"])
    assert participant.owner == org_a
    assert participant.created_by == operator_a
    assert {c.iso_alpha2 for c in participant.citizenships.all()} == {"MA", "TN"}
    assert sorted(body["languages"]) == ["ara", "fra"]
    assert body["municipality_istat"] == "063049"


def test_creating_a_participant_with_the_browser_session(operator_a, org_a):
    response = client_for(operator_a).post(LIST, json.dumps(payload()), content_type="application/json")
    assert response.status_code == 201
    assert Participant.objects.get().owner == org_a


def test_a_session_write_without_the_csrf_token_is_refused(operator_a):
    client = Client(enforce_csrf_checks=True)
    client.force_login(operator_a, backend="django.contrib.auth.backends.ModelBackend")
    response = client.post(LIST, json.dumps(payload()), content_type="application/json")
    assert response.status_code in (401, 403)
    assert not Participant.objects.exists()


@pytest.mark.parametrize("persona", ["viewer_a", "coordinator", "monitoring", "trainer_a"])
def test_read_only_roles_get_403_on_create_and_nothing_is_saved(request, db, api_for, persona):
    user = request.getfixturevalue(persona)
    response = api_for(user).post(LIST, payload())
    assert response.status_code == 403
    assert not Participant.objects.exists()


def test_updating_a_participant(api_for, operator_a, participant_a):
    response = api_for(operator_a).put(
        detail(participant_a.pk),
        payload(first_name="Amina", last_name="Benali-Haddad", birth_date="1990-05-17", citizenships=["MA"]),
    )
    assert response.status_code == 200, response.content
    participant_a.refresh_from_db()
    assert participant_a.last_name == "Benali-Haddad"
    assert response.json()["last_name"] == "Benali-Haddad"


def test_updating_another_org_participant_is_404_and_changes_nothing(api_for, operator_a, participant_b):
    before = Participant.objects.filter(pk=participant_b.pk).values().get()
    response = api_for(operator_a).put(detail(participant_b.pk), payload())
    assert response.status_code == 404
    assert Participant.objects.filter(pk=participant_b.pk).values().get() == before


@pytest.mark.parametrize("persona", ["viewer_a", "coordinator"])
def test_read_only_roles_get_403_on_update_and_nothing_changes(request, db, api_for, participant_a, persona):
    user = request.getfixturevalue(persona)
    before = Participant.objects.filter(pk=participant_a.pk).values().get()
    response = api_for(user).put(detail(participant_a.pk), payload())
    assert response.status_code == 403
    assert Participant.objects.filter(pk=participant_a.pk).values().get() == before


# --- Validation -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"citizenships": ["FR"]}, "citizenships"),
        ({"citizenships": ["MA", "IT"]}, "citizenships"),
        ({"citizenships": []}, "citizenships"),
        ({"codice_fiscale": "BNLMNA90E57Z330X"}, "codice_fiscale"),
        ({"country_of_birth": "QQ"}, "country_of_birth"),
        ({"citizenships": ["QQ"]}, "citizenships"),
        ({"languages": ["zzz"]}, "languages"),
        ({"municipality_istat": "999999"}, "municipality_istat"),
    ],
)
def test_invalid_data_answers_422_with_field_errors(api_for, operator_a, overrides, field):
    response = api_for(operator_a).post(LIST, payload(**overrides))
    assert response.status_code == 422
    detail_ = response.json()["detail"]
    assert isinstance(detail_, dict)
    assert field in detail_
    assert detail_[field]
    assert not Participant.objects.exists()


def test_an_eu_citizenship_error_names_the_country(api_for, operator_a):
    from conftest import country

    response = api_for(operator_a).post(LIST, payload(citizenships=["FR"]))
    assert str(country("FR")) in response.json()["detail"]["citizenships"][0]


def test_a_codice_fiscale_that_does_not_match_the_birth_date_is_422(api_for, operator_a):
    from codicefiscale import codicefiscale

    code = codicefiscale.encode(
        lastname="Zahra", firstname="Fatima", gender="F", birthdate="05/03/1992", birthplace="Marocco"
    )
    response = api_for(operator_a).post(LIST, payload(codice_fiscale=code))
    assert response.status_code == 422
    assert "codice_fiscale" in response.json()["detail"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"birth_date": "2999-01-01"}, "birth_date"),
        ({"birth_date": "1990-05-17", "arrival_date": "1989-01-01"}, "arrival_date"),
        ({"arrival_date": "2999-01-01"}, "arrival_date"),
    ],
)
def test_the_api_refuses_impossible_dates_like_the_form(api_for, operator_a, overrides, field):
    # The registration form refuses these; the API must not be a way around it.
    response = api_for(operator_a).post(LIST, payload(**overrides))
    assert response.status_code == 422
    assert field in response.json()["detail"]
    assert not Participant.objects.exists()


def test_a_malformed_body_answers_422(api_for, operator_a):
    response = api_for(operator_a).post(LIST, payload(sex="Q", birth_date="not a date"))
    assert response.status_code == 422
    assert not Participant.objects.exists()


# --- Organisations and the schema -----------------------------------------------------------------


def test_every_member_lists_organisations(api_for, viewer_a, org_a, org_b):
    response = api_for(viewer_a).get("/api/v1/organisations/")
    assert response.status_code == 200
    names = {item["name"] for item in response.json()["items"]}
    assert {"Comune di Napoli", "Cooperativa Esempio"} <= names


def test_a_user_without_membership_gets_403_on_organisations(api_for, outsider):
    assert api_for(outsider).get("/api/v1/organisations/").status_code == 403


def test_one_organisation(api_for, operator_a, org_b):
    response = api_for(operator_a).get(f"/api/v1/organisations/{org_b.pk}")
    assert response.status_code == 200
    assert response.json()["municipality_name"] == "Caserta"


def test_the_openapi_schema_is_valid_json_with_the_paths(client, db):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["title"] == "InterAzioni API"
    paths = schema["paths"]
    assert {"get", "post"} <= set(paths["/api/v1/participants/"])
    assert {"get", "put"} <= set(paths["/api/v1/participants/{participant_id}"])
    assert "get" in paths["/api/v1/organisations/"]
    assert "get" in paths["/api/v1/organisations/{organisation_id}"]
    assert schema["components"]["securitySchemes"]
