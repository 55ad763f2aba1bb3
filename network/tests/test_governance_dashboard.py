"""The Region's governance dashboard (figures on a small known network) and the query counts of the
governance list pages and of the dashboard, which must not grow with the number of rows."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import client_for, make_organisation
from network.models import Approval, NetworkStatus
from network.tests.governance_helpers import make_action_item, make_agreement, make_meeting, make_table
from territory.models import Province

TODAY = timezone.localdate()


def days(n: int) -> datetime.date:
    return TODAY + datetime.timedelta(days=n)


def province(abbreviation: str):
    return Province.objects.get(abbreviation=abbreviation)


# --- figures ------------------------------------------------------------------------------------------------


@pytest.fixture
def network(org_a, org_b, region):
    napoli_table = make_table(org_a, [org_b], name="Tavolo Napoli", province=province("NA"))
    caserta_table = make_table(org_b, [], name="Tavolo Caserta", province=province("CE"))
    regional_table = make_table(region, [org_a, org_b], name="Tavolo regionale")
    held = {"status": "held"}
    meetings = [
        make_meeting(napoli_table, days_from_now=-30, **held),
        make_meeting(napoli_table, days_from_now=-200, **held),
        make_meeting(napoli_table, days_from_now=-400, **held),  # more than a year ago
        make_meeting(napoli_table, days_from_now=10),  # planned
        make_meeting(caserta_table, days_from_now=-5, **held),
        make_meeting(regional_table, days_from_now=-60, **held),
    ]
    soon = make_agreement(
        [(org_a, "lead"), (org_b, "partner")], status="signed", valid_until=days(45), title="Scade presto"
    )
    make_agreement([(org_a, "lead"), (region, "partner")], status="signed", valid_until=days(400))
    make_agreement([(org_b, "lead"), (region, "partner")], status="signed", kind="convention")
    make_agreement([(org_a, "lead"), (org_b, "partner")])  # draft
    make_agreement([(org_a, "lead"), (org_b, "partner")], status="expired", valid_until=days(-10))
    make_agreement([(org_a, "lead"), (org_b, "partner")], status="signed", valid_until=days(-1))  # ended
    make_agreement([(org_a, "lead"), (org_b, "partner")], status="signed", valid_from=days(10))  # not yet
    late = make_action_item(meetings[0], org_b, due_in_days=-4, description="In ritardo")
    make_action_item(meetings[0], org_a, due_in_days=-4, status="done")
    make_action_item(meetings[0], org_a, due_in_days=4)
    joined = make_organisation("Nuovo ente", joined_on=days(-20))
    make_organisation("Ente storico", joined_on=days(-800))
    make_organisation("Ente uscito", joined_on=days(-20), network_status=NetworkStatus.LEFT)
    make_organisation(
        "Associazione in attesa", kind="migrant_association", approval=Approval.PENDING, joined_on=days(-3)
    )
    return {"soon": soon, "late": late, "joined": joined}


def test_the_dashboard_shows_the_state_of_the_network(network, coordinator):
    response = client_for(coordinator).get(reverse("network:governance_dashboard"))
    assert response.status_code == 200
    ctx = response.context
    assert ctx["in_force_total"] == 3
    by_kind = {str(k): n for k, n in ctx["in_force_by_kind"]}
    assert sorted(by_kind.values()) == [0, 0, 1, 2]
    assert [a.pk for a in ctx["expiring"]] == [network["soon"].pk]
    assert ctx["expiring"][0].days_left == 45
    assert ctx["expiring"][0].lead.name == "Comune di Napoli"
    per_province = {row["province"]: row["meetings"] for row in ctx["meetings_by_province"]}
    assert per_province == {"Napoli": 2, "Caserta": 1, None: 1}
    assert ctx["meetings_total"] == 4
    assert [i.pk for i in ctx["overdue"]] == [network["late"].pk]
    assert ctx["overdue"][0].days_late == 4
    assert ctx["overdue_count"] == 1
    assert [o.name for o in ctx["joined"]] == ["Nuovo ente"]
    assert [o.name for o in ctx["pending"]] == ["Associazione in attesa"]
    assert ctx["pending_count"] == 1
    assert b"Scade presto" in response.content


def test_every_role_reads_the_dashboard_but_only_the_region_reviews_proposals(network, viewer_a, coordinator):
    assert client_for(viewer_a).get(reverse("network:governance_dashboard")).context["can_approve"] is False
    assert client_for(coordinator).get(reverse("network:governance_dashboard")).context["can_approve"] is True


# --- query counts ---------------------------------------------------------------------------------------------

# Queries per request, recorded. Every page makes the session, user, active membership, membership switcher,
# unread-notification count and session save; each list adds its own (filter choices, count, page, prefetch,
# one look-up of the rows the user may change). When a change adds a query on purpose, update it here.
QUERIES = {
    "agreement_list": 12,
    "table_list": 11,
    "action_item_list": 12,
    "association_list": 11,
    "association_queue": 10,
    "governance_dashboard": 18,
}


def _grow(rows: int, org_a, org_b, region) -> None:
    tables = [make_table(org_a, [org_b], province=province("NA")) for _ in range(max(1, rows // 5))]
    for i in range(rows):
        make_agreement(
            [(org_a, "lead"), (org_b, "partner"), (region, "supporter")],
            status="signed",
            valid_until=days(10 + i),
        )
        meeting = make_meeting(tables[i % len(tables)], days_from_now=-(i + 1), status="held")
        make_action_item(meeting, org_b if i % 2 else org_a, due_in_days=-(i + 1))
        make_organisation(f"Ente nuovo {rows}-{i:02d}", joined_on=days(-i - 1))
        make_organisation(
            f"Associazione {rows}-{i:02d}",
            kind="migrant_association",
            approval=Approval.PENDING,
            town="Salerno",
        )
        make_organisation(
            f"Gruppo {rows}-{i:02d}", kind="informal_group", approval=Approval.APPROVED, town="Caserta"
        )


def _count(client, url) -> int:
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


@pytest.mark.parametrize("name", list(QUERIES))
def test_governance_pages_make_a_fixed_number_of_queries(name, org_a, org_b, region, coordinator, admin_b):
    url = reverse(f"network:{name}")
    user = coordinator if name == "association_queue" else admin_b
    client = client_for(user)
    _grow(3, org_a, org_b, region)
    few = _count(client, url)
    _grow(30, org_a, org_b, region)
    many = _count(client, url)
    assert few == many, f"{name}: {few} queries with a few rows, {many} with many"
    assert many == QUERIES[name], f"{name}: {many} queries (recorded {QUERIES[name]})"


@pytest.mark.parametrize("name", ["agreement_list", "action_item_list", "table_list"])
def test_filtered_lists_make_a_fixed_number_of_queries(name, org_a, org_b, region, admin_b):
    filters = {
        "agreement_list": f"?status=signed&expiring=90&organisation={org_a.pk}&kind=memorandum",
        "action_item_list": "?mine=on&overdue=on&state=all",
        "table_list": "?mine=on&province=" + str(province("NA").pk),
    }
    url = reverse(f"network:{name}") + filters[name]
    client = client_for(admin_b)
    _grow(3, org_a, org_b, region)
    few = _count(client, url)
    _grow(30, org_a, org_b, region)
    assert _count(client, url) == few
