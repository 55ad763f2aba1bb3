"""The governance API (issue 5): organisation profiles, agreements, consultation tables, meetings, action items
and the network metrics; read-only, scoped like the pages, 403 without the permission."""

from __future__ import annotations

import datetime
import json

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import ApiToken
from conftest import make_organisation
from network.models import (
    ActionItem,
    ActionItemStatus,
    Agreement,
    AgreementParty,
    AgreementStatus,
    ConsultationTable,
    Meeting,
    MeetingParticipant,
    MeetingStatus,
    NetworkStatus,
    OrganisationKind,
    PartyRole,
    Presence,
)
from territory.models import Language, Province

pytestmark = pytest.mark.django_db

BASE = "/api/v1"
TODAY = timezone.localdate()


class Api:
    def __init__(self, user):
        _token, raw = ApiToken.issue(user, "tests")
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def get(self, url, **params):
        return self.client.get(BASE + url, params, **self.headers)


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def at(n: int) -> datetime.datetime:
    return datetime.datetime.combine(days(n), datetime.time(10), tzinfo=timezone.get_current_timezone())


@pytest.fixture
def governance(org_a, org_b, region):
    """Agreements in every status, a table in Napoli with a held and a planned meeting, action items."""
    org_a.sectors = ["social", "housing"]
    org_a.joined_on = days(-400)
    org_a.save()
    org_a.provinces_served.set(Province.objects.filter(abbreviation__in=["NA", "CE"]))
    org_a.languages_offered.set(Language.objects.filter(code__in=["ara", "ukr"]))

    def agreement(title, status, parties, **fields):
        record = Agreement.objects.create(kind="memorandum", title=title, status=status, **fields)
        for organisation, role in parties:
            AgreementParty.objects.create(agreement=record, organisation=organisation, role=role)
        return record

    lead_a = [(org_a, PartyRole.LEAD), (org_b, PartyRole.PARTNER)]
    expiring = agreement(
        "In scadenza",
        AgreementStatus.SIGNED,
        lead_a,
        signed_on=days(-300),
        valid_from=days(-300),
        valid_until=days(40),
    )
    lasting = agreement(
        "Di lunga durata", AgreementStatus.SIGNED, [(region, PartyRole.LEAD), (org_a, PartyRole.ADHERENT)],
        signed_on=days(-30), valid_from=days(-30), valid_until=days(700), actions=["01", "03"],
    )  # fmt: skip
    draft = agreement("Bozza", AgreementStatus.DRAFT, [(region, PartyRole.LEAD)])
    expired = agreement(
        "Scaduto",
        AgreementStatus.EXPIRED,
        lead_a,
        signed_on=days(-800),
        valid_from=days(-800),
        valid_until=days(-400),
    )
    table = ConsultationTable.objects.create(
        name="Tavolo Napoli",
        theme="Lavoro",
        province=Province.objects.get(abbreviation="NA"),
        coordinator=org_a,
    )
    table.members.set([org_a, org_b])
    regional = ConsultationTable.objects.create(
        name="Tavolo regionale", theme="Governance", coordinator=region
    )
    held = Meeting.objects.create(
        table=table,
        title="Primo incontro",
        starts_at=at(-60),
        ends_at=at(-60) + datetime.timedelta(hours=2),
        status=MeetingStatus.HELD,
        minutes="<p>Verbale</p>",
        decisions="Avviare lo sportello.",
    )
    planned = Meeting.objects.create(
        table=table, title="Secondo incontro", starts_at=at(20), ends_at=at(20) + datetime.timedelta(hours=2)
    )
    MeetingParticipant.objects.create(
        meeting=held, organisation=org_a, person_name="Anna Russo", presence=Presence.PRESENT
    )
    MeetingParticipant.objects.create(meeting=held, organisation=org_b, presence=Presence.EXCUSED)
    overdue = ActionItem.objects.create(
        meeting=held, description="Mappare i servizi", owner=org_b, due_date=days(-10)
    )
    done = ActionItem.objects.create(
        meeting=held,
        description="Inviare il verbale",
        owner=org_a,
        due_date=days(-50),
        status=ActionItemStatus.DONE,
    )
    upcoming = ActionItem.objects.create(
        meeting=held, description="Preparare il bando", owner=org_a, due_date=days(30)
    )
    return {
        "expiring": expiring,
        "lasting": lasting,
        "draft": draft,
        "expired": expired,
        "table": table,
        "regional": regional,
        "held": held,
        "planned": planned,
        "overdue": overdue,
        "done": done,
        "upcoming": upcoming,
    }


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [item["id"] for item in response.json()["items"]]


# --- Organisations -------------------------------------------------------------------------------------------


def test_organisations_show_the_profile_fields(operator_a, org_a, governance):
    response = Api(operator_a).get(f"/organisations/{org_a.pk}")

    assert response.status_code == 200
    data = response.json()
    assert data["sectors"] == ["social", "housing"]
    assert data["provinces_served"] == ["CE", "NA"]
    assert data["languages_offered"] == ["ara", "ukr"]
    assert data["network_status"] == "active" and data["joined_on"] == days(-400).isoformat()
    assert data["approval"] == "not_needed" and data["province"] == "NA"


def test_organisations_filter_by_sector_status_and_kind(viewer_a, org_a, org_b, governance):
    candidate = make_organisation(
        "Candidato", kind=OrganisationKind.SCHOOL, network_status=NetworkStatus.CANDIDATE, sectors=["housing"]
    )
    api = Api(viewer_a)

    assert ids(api.get("/organisations/", sector="housing")) == [candidate.pk, org_a.pk]  # by name
    assert ids(api.get("/organisations/", network_status="candidate")) == [candidate.pk]
    assert ids(api.get("/organisations/", kind=OrganisationKind.THIRD_SECTOR)) == [org_b.pk]
    assert api.get("/organisations/", sector="sport").status_code == 422


def test_the_organisation_list_query_count_does_not_grow(viewer_a):
    api = Api(viewer_a)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/organisations/").status_code == 200
        return len(captured.captured_queries)

    queries()
    few = queries()
    for n in range(8):
        make_organisation(f"Ente {n}").languages_offered.set(Language.objects.filter(code__in=["ara", "fra"]))
    assert queries() == few


# --- Agreements ----------------------------------------------------------------------------------------------


def test_every_role_reads_agreements_with_their_parties(viewer_a, org_a, org_b, governance):
    api = Api(viewer_a)
    response = api.get(f"/agreements/{governance['expiring'].pk}")

    assert response.status_code == 200
    data = response.json()
    assert data["status"] == "signed" and data["in_force"] is True and data["days_to_expiry"] == 40
    assert [(p["organisation_id"], p["role"]) for p in data["parties"]] == [
        (org_a.pk, "lead"),
        (org_b.pk, "partner"),
    ]
    assert data["parties"][0]["organisation_name"] == "Comune di Napoli"
    assert data["has_document"] is False
    assert len(ids(api.get("/agreements/"))) == 4


def test_agreements_filter_by_status_kind_organisation_and_expiry(operator_b, org_b, region, governance):
    api = Api(operator_b)

    assert ids(api.get("/agreements/", status="expired")) == [governance["expired"].pk]
    assert ids(api.get("/agreements/", organisation=org_b.pk)) == [
        governance["expiring"].pk,
        governance["expired"].pk,
    ]
    assert ids(api.get("/agreements/", expiring_within_days=90)) == [governance["expiring"].pk]
    assert ids(api.get("/agreements/", expiring_within_days=800)) == [
        governance["expiring"].pk,
        governance["lasting"].pk,
    ]
    assert ids(api.get("/agreements/", kind="adhesion")) == []
    assert api.get("/agreements/", status="lost").status_code == 422
    assert api.get("/agreements/999999").status_code == 404


def test_the_agreement_list_query_count_does_not_grow(viewer_a, org_a, org_b, governance):
    api = Api(viewer_a)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/agreements/").status_code == 200
        return len(captured.captured_queries)

    queries()
    few = queries()
    for n in range(6):
        extra = Agreement.objects.create(kind="convention", title=f"Convenzione {n}")
        AgreementParty.objects.create(agreement=extra, organisation=org_a, role=PartyRole.LEAD)
        AgreementParty.objects.create(agreement=extra, organisation=org_b)
    assert queries() == few


# --- Tables, meetings, action items --------------------------------------------------------------------------


def test_tables_and_their_meetings(trainer_a, org_a, org_b, governance):
    api = Api(trainer_a)
    tables = api.get("/tables/").json()["items"]

    assert [t["name"] for t in tables] == ["Tavolo Napoli", "Tavolo regionale"]
    napoli = tables[0]
    assert napoli["province"] == "NA" and napoli["member_ids"] == sorted([org_a.pk, org_b.pk])
    assert napoli["meetings_held"] == 1
    assert napoli["next_meeting"].startswith(days(20).isoformat())
    assert tables[1]["province"] is None
    assert ids(api.get("/tables/", province="regional")) == [governance["regional"].pk]
    assert ids(api.get("/tables/", province="na")) == [governance["table"].pk]
    meetings = api.get(f"/tables/{governance['table'].pk}/meetings")
    assert ids(meetings) == [governance["planned"].pk, governance["held"].pk]
    assert api.get("/tables/999999/meetings").status_code == 404


def test_one_meeting_with_participants_and_action_items(mediator_a, org_a, org_b, governance):
    response = Api(mediator_a).get(f"/meetings/{governance['held'].pk}")

    assert response.status_code == 200
    data = response.json()
    assert data["minutes"] == "<p>Verbale</p>" and data["status"] == "held"
    assert {(p["organisation_id"], p["person_name"], p["presence"]) for p in data["participants"]} == {
        (org_a.pk, "Anna Russo", "present"),
        (org_b.pk, "", "excused"),
    }
    assert [item["description"] for item in data["action_items"]] == [
        "Inviare il verbale",
        "Mappare i servizi",
        "Preparare il bando",
    ]
    assert [item["is_overdue"] for item in data["action_items"]] == [False, True, False]


def test_action_items_filter_by_owner_status_and_overdue(viewer_a, org_a, org_b, governance):
    api = Api(viewer_a)

    assert ids(api.get("/action-items/", overdue="true")) == [governance["overdue"].pk]
    assert ids(api.get("/action-items/", overdue="false")) == [
        governance["done"].pk,
        governance["upcoming"].pk,
    ]
    assert ids(api.get("/action-items/", owner=org_a.pk)) == [
        governance["done"].pk,
        governance["upcoming"].pk,
    ]
    assert ids(api.get("/action-items/", status="done")) == [governance["done"].pk]
    assert ids(api.get("/action-items/", meeting=governance["held"].pk, owner=org_b.pk)) == [
        governance["overdue"].pk
    ]


@pytest.mark.parametrize(
    "url", ["/agreements/", "/tables/", "/action-items/", "/network/metrics", "/network/compare"]
)
def test_a_user_without_membership_gets_403(outsider, url):
    assert Api(outsider).get(url).status_code == 403


def test_the_governance_api_is_read_only(coordinator, governance):
    api = Api(coordinator)
    url = BASE + f"/agreements/{governance['expiring'].pk}"
    response = api.client.put(url, json.dumps({"title": "x"}), content_type="application/json", **api.headers)
    assert response.status_code == 405
    assert Agreement.objects.get(pk=governance["expiring"].pk).title == "In scadenza"


# --- Network metrics -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("persona", ["viewer_a", "operator_a", "trainer_a", "mediator_a"])
def test_network_metrics_need_the_analytics_permission(request, persona):
    api = Api(request.getfixturevalue(persona))
    assert api.get("/network/metrics").status_code == 403
    assert api.get("/network/compare").status_code == 403


@pytest.mark.parametrize("persona", ["coordinator", "monitoring", "admin_a"])
def test_network_metrics_of_a_period(request, persona, org_a, org_b, region, governance):
    api = Api(request.getfixturevalue(persona))

    response = api.get("/network/metrics", start=days(-365).isoformat(), end=TODAY.isoformat())

    assert response.status_code == 200
    data = response.json()
    # The agreements in force: A-B (expiring) and Region-A (lasting); the meeting held: only A present.
    assert data["organisations"] == 3 and data["ties"] == 2
    assert data["density"] == pytest.approx(2 / 3)
    assert data["ties_by_kind"] == {"agreements": 2, "meetings": 0, "activities": 0, "referrals": 0}
    assert data["isolated"] == [] and data["components"] == 1
    assert data["central"][0]["id"] == org_a.pk and data["central"][0]["betweenness"] == pytest.approx(1.0)
    assert data["tie_kinds"] == ["agreements", "meetings", "activities", "referrals"]


def test_network_metrics_filter_by_province_and_kind_of_tie(coordinator, org_a, org_b, region, governance):
    api = Api(coordinator)

    napoli = api.get("/network/metrics", province="NA").json()
    assert napoli["province"] == "NA" and napoli["organisations"] == 2 and napoli["ties"] == 1  # Region-A
    meetings = api.get("/network/metrics", tie_kinds=["meetings", "referrals"]).json()
    assert meetings["ties"] == 0 and meetings["tie_kinds"] == ["meetings", "referrals"]
    assert api.get("/network/metrics", province="ZZ").status_code == 422
    assert api.get("/network/metrics", tie_kinds=["gossip"]).status_code == 422
    assert api.get("/network/metrics", start="2025-02-01", end="2025-01-01").status_code == 422


def test_network_compare_of_two_periods(coordinator, org_a, org_b, region, governance):
    response = Api(coordinator).get(
        "/network/compare",
        a_start=days(-365).isoformat(),
        a_end=TODAY.isoformat(),
        b_start=days(-730).isoformat(),
        b_end=days(-366).isoformat(),
    )

    assert response.status_code == 200
    data = response.json()
    assert data["a"]["ties"] == 2 and data["b"]["ties"] == 1  # in B: the expired agreement A-B
    assert data["change"]["new_ties"] == 1 and data["change"]["lost_ties"] == 0
    assert data["change"]["ties"] == 1


def test_the_schema_lists_the_governance_paths(client):
    schema = json.loads(client.get(BASE + "/openapi.json").content)
    paths = schema["paths"]
    for path in (
        "/api/v1/agreements/",
        "/api/v1/agreements/{agreement_id}",
        "/api/v1/tables/",
        "/api/v1/tables/{table_id}",
        "/api/v1/tables/{table_id}/meetings",
        "/api/v1/meetings/{meeting_id}",
        "/api/v1/action-items/",
        "/api/v1/network/metrics",
        "/api/v1/network/compare",
    ):
        assert set(paths[path]) == {"get"}, path
    organisation = schema["components"]["schemas"]["OrganisationOut"]["properties"]
    assert {"sectors", "provinces_served", "languages_offered", "network_status", "joined_on"} <= set(
        organisation
    )
