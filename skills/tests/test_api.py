"""The skills API: profiles listed and read with the pages' scoping (other organisations: absent and 404),
never with constraints; ESCO search; the OpenAPI schema still builds."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.models import ApiToken
from conftest import client_for, make_participant
from paths.models import GoalArea
from people.models import ParticipantAccessLog
from skills import actions
from skills.models import DrivingLicence, LanguageSkill, Occupation, Qualification, Skill, WorkExperience
from territory.models import Language

pytestmark = pytest.mark.django_db

BASE = "/api/v1"
NOTE = "Problemi di salute, visite settimanali"


class Api:
    """A JSON client authenticated with a personal token."""

    def __init__(self, user):
        _token, raw = ApiToken.issue(user, "tests")
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def get(self, url, **params):
        return self.client.get(BASE + url, params, **self.headers)


def make_profile(participant, user, *, claims: int = 1):
    profile = actions.start_profile(participant, acting_user=user)
    actions.update_profile(profile, acting_user=user, data={"summary": "Magazziniere"})
    for n in range(claims):
        actions.save_claim(
            profile, Qualification, acting_user=user, data={"title": f"Titolo {n}", "eqf_level": 3}
        )
    cook = Occupation.objects.get(label="cook", isco_code="")
    actions.save_claim(
        profile,
        WorkExperience,
        acting_user=user,
        data={"occupation": cook, "start_year": 2015},
        skills=list(Skill.objects.search("cook")[:claims]),
    )
    actions.save_claim(
        profile,
        LanguageSkill,
        acting_user=user,
        data={"language": Language.objects.get(code="ita"), "overall": 2},
    )
    actions.save_claim(profile, DrivingLicence, acting_user=user, data={"category": "B"})
    actions.add_constraint(profile, acting_user=user, kind="health", note=NOTE)
    actions.add_next_step(
        profile,
        acting_user=user,
        data={"text": "Corso di carrellista", "area": GoalArea.objects.get(code="work")},
    )
    return profile


@pytest.fixture
def profile_a(participant_a, operator_a):
    return make_profile(participant_a, operator_a)


@pytest.fixture
def profile_b(participant_b, operator_b):
    return make_profile(participant_b, operator_b)


# --- List ---------------------------------------------------------------------------------------------------


def test_the_operator_lists_only_the_profiles_of_their_organisation(profile_a, profile_b, operator_a):
    response = Api(operator_a).get("/skills-profiles")

    assert response.status_code == 200
    items = response.json()["items"]
    assert [item["participant_id"] for item in items] == [profile_a.participant_id]
    assert items[0]["counts"] == {
        "education": 1,
        "work": 1,
        "languages": 1,
        "digital": 0,
        "soft_skills": 0,
        "licences": 1,
        "next_steps": 1,
    }
    assert items[0]["completeness"] == profile_a.completeness and items[0]["completed_at"] is None


def test_the_region_lists_every_profile(profile_a, profile_b, coordinator):
    items = Api(coordinator).get("/skills-profiles").json()["items"]

    assert {item["participant_id"] for item in items} == {profile_a.participant_id, profile_b.participant_id}


def test_the_list_can_be_filtered_by_completion(profile_a, operator_a):
    assert Api(operator_a).get("/skills-profiles", completed="true").json()["items"] == []
    assert len(Api(operator_a).get("/skills-profiles", completed="false").json()["items"]) == 1


def test_the_list_tells_and_filters_the_profiles_whose_interview_started(profile_a, operator_a, org_a):
    from skills.models import SkillsProfile

    opened = SkillsProfile.objects.create(participant=make_participant(org_a))  # as a course assessment does
    api = Api(operator_a)
    items = {item["participant_id"]: item for item in api.get("/skills-profiles").json()["items"]}
    assert items[profile_a.participant_id]["interview_started_at"] is not None
    assert items[opened.participant_id]["interview_started_at"] is None
    started = api.get("/skills-profiles", started="true").json()["items"]
    assert [item["participant_id"] for item in started] == [profile_a.participant_id]
    not_started = api.get("/skills-profiles", started="false").json()["items"]
    assert [item["participant_id"] for item in not_started] == [opened.participant_id]


def test_the_list_takes_the_same_queries_for_more_profiles(profile_a, operator_a, org_a):
    api = Api(operator_a)
    api.get("/skills-profiles")  # the token's first use is recorded once
    with CaptureQueriesContext(connection) as one:
        api.get("/skills-profiles")
    make_profile(make_participant(org_a), operator_a, claims=3)
    make_profile(make_participant(org_a), operator_a, claims=2)
    with CaptureQueriesContext(connection) as three:
        response = api.get("/skills-profiles")

    assert len(response.json()["items"]) == 3
    assert len(three) == len(one)


def test_a_trainer_may_not_list_profiles(profile_a, trainer_a):
    assert Api(trainer_a).get("/skills-profiles").status_code == 403


def test_anonymous_gets_401(profile_a):
    assert Client().get(BASE + "/skills-profiles").status_code == 401


# --- Detail -------------------------------------------------------------------------------------------------


def test_the_operator_reads_a_profile_with_its_codes_and_without_constraints(profile_a, operator_a):
    response = Api(operator_a).get(f"/skills-profiles/{profile_a.participant_id}", sensibili="1")

    assert response.status_code == 200
    data = response.json()
    assert (data["format"], data["version"]) == ("interazioni-skills-profile", 1)
    assert data["education"][0]["eqf"]["uri"] == "http://data.europa.eu/esco/eqf/3"
    assert data["work"][0]["occupation"]["uri"].startswith("http://data.europa.eu/esco/occupation/")
    assert data["languages"][0]["overall"] == "A2"
    assert data["licences"][0]["category"] == "B"
    assert "constraints" not in data
    assert NOTE not in response.content.decode()
    assert not any("constraint" in entry["changes"] for entry in data["history"])
    log = ParticipantAccessLog.objects.get(participant=profile_a.participant)
    assert (log.user, log.channel) == (operator_a, "api")


def test_another_organisation_gets_404_for_a_profile(profile_a, operator_b):
    response = Api(operator_b).get(f"/skills-profiles/{profile_a.participant_id}")

    assert response.status_code == 404
    assert not ParticipantAccessLog.objects.exists()


def test_a_participant_without_a_profile_gives_404(participant_a, operator_a):
    assert Api(operator_a).get(f"/skills-profiles/{participant_a.pk}").status_code == 404


def test_an_id_beyond_the_database_range_is_refused_not_a_server_error(operator_a):
    assert Api(operator_a).get(f"/skills-profiles/{2**40}").status_code in (404, 422)


def test_the_viewer_reads_a_profile(profile_a, viewer_a):
    response = Api(viewer_a).get(f"/skills-profiles/{profile_a.participant_id}")

    assert response.status_code == 200 and "constraints" not in response.json()


def test_the_browser_session_reads_the_api_too(profile_a, operator_a):
    response = client_for(operator_a).get(f"{BASE}/skills-profiles/{profile_a.participant_id}")

    assert response.status_code == 200


# --- ESCO search --------------------------------------------------------------------------------------------


def test_occupation_search_returns_at_most_15_with_uris_and_isco_codes(operator_a):
    response = Api(operator_a).get("/esco/occupations", q="cook")

    assert response.status_code == 200
    results = response.json()
    assert 1 <= len(results) <= 15
    assert results[0]["label"] == "cook"
    assert all(r["uri"].startswith("http://data.europa.eu/esco/") for r in results)
    isco = next(r for r in results if r["isco_code"])
    assert isco["uri"].startswith("http://data.europa.eu/esco/isco/")
    assert set(results[0]) == {"uri", "label", "label_it", "isco_code"}


def test_skill_search_returns_esco_skills(operator_a):
    results = Api(operator_a).get("/esco/skills", q="cook").json()

    assert 1 <= len(results) <= 15
    assert all(r["uri"].startswith("http://data.europa.eu/esco/skill/") for r in results)


def test_a_search_needs_some_text(operator_a):
    assert Api(operator_a).get("/esco/occupations", q="").status_code == 422
    assert Api(operator_a).get("/esco/skills").status_code == 422


def test_a_trainer_may_not_search_esco_through_the_api(trainer_a):
    assert Api(trainer_a).get("/esco/occupations", q="cook").status_code == 403


# --- Schema -------------------------------------------------------------------------------------------------


def test_the_openapi_schema_builds_with_the_skills_endpoints(operator_a):
    response = client_for(operator_a).get(f"{BASE}/openapi.json")

    assert response.status_code == 200
    paths = response.json()["paths"]
    assert {"/api/v1/skills-profiles", "/api/v1/skills-profiles/{participant_id}"} <= set(paths)
    assert {"/api/v1/esco/occupations", "/api/v1/esco/skills"} <= set(paths)
