"""Query counts of list pages and API lists do not grow with the number of rows (no N+1).

Each list is measured with a few rows and with a full page; both must issue the recorded number of
queries. When a change adds a query on purpose, update the number here in the same commit.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import ApiToken
from conftest import client_for, country, make_organisation, make_participant, municipality
from territory.models import Language

# Queries per request, recorded. Pages include the session, the user, the active membership, the
# membership switcher and the session save (UPDATE between SAVEPOINT and RELEASE) that every request
# makes; the participant list adds its count, the filter form's two selects, the page and one prefetch.
PARTICIPANT_LIST_QUERIES = 13  # includes the unread-notification count in the header
# Token look-up, membership, count, page, citizenships and languages prefetches.
PARTICIPANT_API_LIST_QUERIES = 6
ORGANISATION_LIST_QUERIES = 10  # includes the unread-notification count in the header
ORGANISATION_API_LIST_QUERIES = 6  # token, membership, count, page, provinces served and languages offered


def _add_participants(owner, n: int) -> None:
    """`n` participants with one or two citizenships, different municipalities and three languages."""
    towns = ["Napoli", "Caserta", "Salerno", "Avellino", "Benevento"]
    languages = list(Language.objects.filter(code__in=["ara", "fra", "eng"]))
    for i in range(n):
        participant = make_participant(
            owner,
            citizenships=("MA", "TN") if i % 2 else ("NG",),
            municipality=municipality(towns[i % len(towns)]),
            country_of_birth=country("MA" if i % 2 else "NG"),
        )
        participant.languages.set(languages)


@pytest.fixture
def token_for():
    def issue(user) -> dict:
        _token, raw = ApiToken.issue(user, "query counts")
        return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    return issue


@pytest.mark.parametrize("rows", [5, 30])
def test_participant_list_queries_do_not_grow_with_rows(operator_a, org_a, rows, django_assert_num_queries):
    # Given A has `rows` participants with citizenships, municipalities and languages
    _add_participants(org_a, rows)
    client = client_for(operator_a)
    client.get(reverse("people:participant_list"))  # warm the session

    # When operator A opens the list, then the number of queries is the recorded one
    with django_assert_num_queries(PARTICIPANT_LIST_QUERIES):
        response = client.get(reverse("people:participant_list"))
    assert response.status_code == 200
    assert len(response.context["page"].object_list) == min(rows, 25)


@pytest.mark.parametrize("rows", [5, 30])
def test_participant_list_filtered_by_target_group_queries_do_not_grow(
    coordinator, org_a, rows, django_assert_num_queries
):
    _add_participants(org_a, rows)
    client = client_for(coordinator)
    url = reverse("people:participant_list") + "?target_group=woman&status=active&sort=-municipality"
    client.get(url)
    with django_assert_num_queries(PARTICIPANT_LIST_QUERIES):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("rows", [5, 30])
def test_participant_api_list_queries_do_not_grow_with_rows(
    operator_a, org_a, rows, token_for, django_assert_num_queries
):
    _add_participants(org_a, rows)
    client = client_for(None)
    headers = token_for(operator_a)
    client.get("/api/v1/participants/", **headers)  # the first use stamps last_used_at

    with django_assert_num_queries(PARTICIPANT_API_LIST_QUERIES):
        response = client.get("/api/v1/participants/", **headers)
    assert response.status_code == 200
    assert response.json()["count"] == rows


@pytest.mark.parametrize("rows", [5, 30])
def test_organisation_list_queries_do_not_grow_with_rows(admin_a, rows, django_assert_num_queries):
    towns = ["Napoli", "Caserta", "Salerno"]
    for i in range(rows):
        make_organisation(f"Associazione {i:02d}", town=towns[i % len(towns)])
    client = client_for(admin_a)
    client.get(reverse("network:organisation_list"))

    with django_assert_num_queries(ORGANISATION_LIST_QUERIES):
        response = client.get(reverse("network:organisation_list"))
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [5, 30])
def test_organisation_api_list_queries_do_not_grow_with_rows(
    admin_a, rows, token_for, django_assert_num_queries
):
    for i in range(rows):
        make_organisation(f"Associazione {i:02d}")
    client = client_for(None)
    headers = token_for(admin_a)
    client.get("/api/v1/organisations/", **headers)

    with django_assert_num_queries(ORGANISATION_API_LIST_QUERIES):
        response = client.get("/api/v1/organisations/", **headers)
    assert response.status_code == 200
