"""Network analytics (network.analytics and its pages): metrics on a small known network with hand-computed
values, the comparison of two periods, the territory filter, exports read back, the picture, access and a
constant number of queries."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile

import networkx as nx
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import client_for, make_activity, make_organisation, make_participant, make_user, municipality
from network import analytics
from network.analytics import Period
from network.models import (
    Agreement,
    AgreementParty,
    AgreementStatus,
    Approval,
    ConsultationTable,
    Meeting,
    MeetingParticipant,
    MeetingStatus,
    NetworkStatus,
    OrganisationKind,
    PartyRole,
    Presence,
)
from paths.models import Referral, ServiceType

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def days_ago(n: int) -> datetime.date:
    return TODAY - datetime.timedelta(days=n)


def moment(days: int) -> datetime.datetime:
    """Ten o'clock, `days` days ago."""
    tz = timezone.get_current_timezone()
    return datetime.datetime.combine(days_ago(days), datetime.time(10), tzinfo=tz)


PERIOD_A, PERIOD_B = analytics.default_periods(TODAY)


# --- Building blocks ------------------------------------------------------------------------------------------


def agreement(parties, *, signed_days_ago, valid_days=365, status=AgreementStatus.SIGNED, **fields):
    signed = days_ago(signed_days_ago) if status != AgreementStatus.DRAFT else None
    record = Agreement.objects.create(
        kind="memorandum",
        title=f"Protocollo {signed_days_ago}",
        status=status,
        signed_on=signed,
        valid_from=signed,
        valid_until=signed + datetime.timedelta(days=valid_days) if signed else None,
        **fields,
    )
    for index, organisation in enumerate(parties):
        AgreementParty.objects.create(
            agreement=record,
            organisation=organisation,
            role=PartyRole.LEAD if index == 0 else PartyRole.PARTNER,
        )
    return record


def meeting(table, presences: dict, *, days, status=MeetingStatus.HELD):
    record = Meeting.objects.create(
        table=table,
        title="Riunione",
        starts_at=moment(days),
        ends_at=moment(days) + datetime.timedelta(hours=2),
        status=status,
    )
    for organisation, presence in presences.items():
        MeetingParticipant.objects.create(meeting=record, organisation=organisation, presence=presence)
    return record


def referral(sender, receiver, *, days, user):
    return Referral.objects.create(
        participant=make_participant(sender),
        from_organisation=sender,
        to_organisation=receiver,
        service_type=ServiceType.objects.order_by("pk").first(),
        summary="A. B., 30 anni",
        sent_by=user,
        sent_at=moment(days),
    )


@pytest.fixture
def network():
    """Six members of the network (A-D in Napoli, E in Caserta, F in Salerno) and two that are not.

    Period A (the last twelve months): an agreement A-B-C, a meeting with A, B, D present (E excused), an
    activity of C with partner D, three referrals between B and E. Period B (the twelve months before):
    an agreement A-E (expired since), one referral B→E; D had not joined yet.
    """
    orgs = {
        "A": make_organisation(
            "Comune di Pomigliano", kind=OrganisationKind.MUNICIPALITY, sectors=["social", "housing"], joined_on=days_ago(900)
        ),
        "B": make_organisation(
            "Cooperativa Alfa", kind=OrganisationKind.THIRD_SECTOR, sectors=["social", "labour"], joined_on=days_ago(900)
        ),
        "C": make_organisation("CPIA Alfa", kind=OrganisationKind.SCHOOL, sectors=["education"]),
        "D": make_organisation(
            "Associazione Beta",
            kind=OrganisationKind.MIGRANT_ASSOCIATION,
            sectors=["culture"],
            approval=Approval.APPROVED,
            migrant_led=True,
            joined_on=days_ago(200),
        ),
        "E": make_organisation(
            "Centro per l'impiego Gamma", kind=OrganisationKind.JOB_CENTRE, town="Caserta", sectors=["labour"]
        ),
        "F": make_organisation(
            "ASL Delta", kind=OrganisationKind.HEALTH_AUTHORITY, town="Salerno", sectors=["health"]
        ),
        # Not members: a candidate and an association awaiting approval, neither with ties.
        "G": make_organisation("Ente candidato", network_status=NetworkStatus.CANDIDATE),
        "H": make_organisation(
            "Gruppo in attesa", kind=OrganisationKind.INFORMAL_GROUP, approval=Approval.PENDING,
            network_status=NetworkStatus.CANDIDATE,
        ),
        # Left before period B began.
        "L": make_organisation(
            "Ente uscito", network_status=NetworkStatus.LEFT, joined_on=days_ago(2000), left_on=days_ago(800)
        ),
    }  # fmt: skip
    A, B, C, D, E, F = (orgs[key] for key in "ABCDEF")
    user = make_user()
    agreement([A, B, C], signed_days_ago=100)
    agreement([A, E], signed_days_ago=600, valid_days=150, status=AgreementStatus.EXPIRED)
    # Not ties: a draft, and an agreement withdrawn before period A (signed 500 days ago, so it counts in B
    # only until its withdrawal... which came before B started: not at all).
    agreement([B, F], signed_days_ago=0, status=AgreementStatus.DRAFT)
    agreement(
        [C, F],
        signed_days_ago=900,
        valid_days=2000,
        status=AgreementStatus.WITHDRAWN,
        withdrawn_on=days_ago(800),
        withdrawal_reason="Superato",
    )
    table = ConsultationTable.objects.create(name="Tavolo Napoli", theme="Accoglienza", coordinator=A)
    meeting(
        table, {A: Presence.PRESENT, B: Presence.PRESENT, D: Presence.PRESENT, E: Presence.EXCUSED}, days=50
    )
    meeting(table, {C: Presence.PRESENT, F: Presence.PRESENT}, days=20, status=MeetingStatus.CANCELLED)
    meeting(table, {E: Presence.PRESENT, F: Presence.PRESENT}, days=-20, status=MeetingStatus.PLANNED)
    make_activity(C).partners.add(D)
    for days in (10, 40):
        referral(B, E, days=days, user=user)
    referral(E, B, days=70, user=user)
    referral(B, E, days=450, user=user)
    return orgs


def edge_set(G) -> set[frozenset]:
    return {frozenset((u, v)) for u, v in G.edges()}


def pair(orgs, a: str, b: str) -> frozenset:
    return frozenset((orgs[a].pk, orgs[b].pk))


# --- The graph ------------------------------------------------------------------------------------------------


def test_graph_of_the_last_twelve_months(network):
    G = analytics.build_graph(PERIOD_A.start, PERIOD_A.end)

    assert set(G) == {network[key].pk for key in "ABCDEF"}
    assert edge_set(G) == {pair(network, *p) for p in ("AB", "AC", "BC", "AD", "BD", "CD", "BE")}
    A, B, C, D, E = (network[key].pk for key in "ABCDE")
    assert G[A][B] == {"weight": 2, "agreements": 1, "meetings": 1, "activities": 0, "referrals": 0}
    assert G[C][D] == {"weight": 1, "agreements": 0, "meetings": 0, "activities": 1, "referrals": 0}
    assert G[B][E] == {"weight": 3, "agreements": 0, "meetings": 0, "activities": 0, "referrals": 3}
    assert G.nodes[D] == {
        "name": "Associazione Beta",
        "kind": "migrant_association",
        "sectors": ("culture",),
        "province": "NA",
        "migrant_led": True,
    }
    assert G.nodes[A]["sectors"] == ("housing", "social")


def test_metrics_of_the_known_network(network):
    G = analytics.build_graph(PERIOD_A.start, PERIOD_A.end)
    m = analytics.metrics(G)
    A, B, C, D, E, F = (network[key].pk for key in "ABCDEF")

    assert m["organisations"] == 6
    assert m["ties"] == 7
    assert m["density"] == pytest.approx(7 / 15)  # 7 ties out of 6·5/2 possible
    assert m["average_degree"] == pytest.approx(14 / 6)
    assert m["isolated"] == [F] and m["isolated_count"] == 1
    assert m["components"] == 1 and m["largest_component"] == 5
    # Sectors: A-B share "social", B-E share "labour"; the other five ties join disjoint sectors.
    assert (m["cross_sector_ties"], m["ties_with_sectors"]) == (5, 7)
    assert m["cross_sector_share"] == pytest.approx(5 / 7)
    assert (m["cross_kind_ties"], m["cross_kind_share"]) == (7, 1.0)
    assert m["ties_by_kind"] == {"agreements": 3, "meetings": 3, "activities": 1, "referrals": 1}
    assert m["by_kind"] == {
        "health_authority": 1,
        "job_centre": 1,
        "migrant_association": 1,
        "municipality": 1,
        "school": 1,
        "third_sector": 1,
    }
    # Weighted degrees: B 2+1+1+3, A 2+1+1, then D, C, E with 3 each (by name when equal).
    assert [(r["id"], r["degree"], r["weighted_degree"]) for r in m["central"]] == [
        (B, 4, 7),
        (A, 3, 4),
        (D, 3, 3),
        (C, 3, 3),
        (E, 1, 3),
        (F, 0, 0),
    ]
    # Only B is on shortest paths: E reaches A, C and D through it, 3 of the 10 pairs of the other five.
    between = {r["id"]: r["betweenness"] for r in m["central"]}
    assert between[B] == pytest.approx(3 / 10)
    assert all(between[node] == 0 for node in (A, C, D, E, F))
    assert [r["id"] for r in m["brokers"]] == [B]
    assert m["betweenness_sampled"] is False


def test_period_b_and_the_change(network):
    comparison = analytics.compare(PERIOD_A, PERIOD_B)
    G = comparison.graph_b
    m = comparison.metrics_b

    # D joined 200 days ago: not a member in period B and without ties then.
    assert set(G) == {network[key].pk for key in "ABCEF"}
    assert edge_set(G) == {pair(network, "A", "E"), pair(network, "B", "E")}
    assert m["density"] == pytest.approx(2 / 10)
    assert m["isolated"] == sorted([network["F"].pk, network["C"].pk], key=lambda pk: G.nodes[pk]["name"])
    change = comparison.change
    assert change["new_ties"] == 6  # AB, AC, BC, AD, BD, CD
    assert change["lost_ties"] == 1  # AE: the agreement expired
    assert (
        change["kept_ties"] == 1 and change["stronger_ties"] == 1 and change["weaker_ties"] == 0
    )  # BE 3 vs 1
    assert change["new_organisations"] == 1
    assert change["organisations"] == 1 and change["ties"] == 5
    assert change["density"] == pytest.approx(7 / 15 - 2 / 10)
    assert change["isolated"] == 1 - 2
    assert change["cross_sector_share"] == pytest.approx(5 / 7 - 1 / 2)  # A-E cross, B-E not


def test_the_territory_filter_keeps_organisations_seated_in_the_province_and_their_ties(network):
    napoli = municipality("Napoli").province
    G = analytics.build_graph(PERIOD_A.start, PERIOD_A.end, province=napoli)

    assert set(G) == {network[key].pk for key in "ABCD"}
    assert edge_set(G) == {pair(network, *p) for p in ("AB", "AC", "BC", "AD", "BD", "CD")}
    m = analytics.metrics(G)
    assert m["density"] == 1.0 and m["isolated_count"] == 0
    caserta = municipality("Caserta").province
    G = analytics.build_graph(PERIOD_A.start, PERIOD_A.end, province=caserta.pk)
    assert set(G) == {network["E"].pk} and G.number_of_edges() == 0


def test_kinds_of_tie_can_be_chosen(network):
    G = analytics.build_graph(PERIOD_A.start, PERIOD_A.end, tie_kinds=["referrals"])

    assert edge_set(G) == {pair(network, "B", "E")}
    assert G.graph["tie_kinds"] == ("referrals",)
    G = analytics.build_graph(PERIOD_A.start, PERIOD_A.end, tie_kinds=["activities", "meetings"])
    assert edge_set(G) == {pair(network, *p) for p in ("AB", "AD", "BD", "CD")}


def test_an_organisation_outside_the_network_appears_when_it_has_a_tie(network):
    user = make_user()
    referral(network["G"], network["A"], days=5, user=user)

    G = analytics.build_graph(PERIOD_A.start, PERIOD_A.end)

    assert network["G"].pk in G and network["H"].pk not in G and network["L"].pk not in G


def test_the_graph_is_read_with_a_fixed_number_of_queries(network):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            analytics.build_graph(PERIOD_A.start, PERIOD_A.end)
        return len(captured.captured_queries)

    few = queries()
    user = make_user()
    table = ConsultationTable.objects.create(name="Tavolo 2", theme="Lavoro", coordinator=network["A"])
    for n in range(10):
        extra = [make_organisation(f"Nuovo ente {n}-{i}") for i in range(3)]
        agreement(extra, signed_days_ago=10 + n)
        meeting(table, dict.fromkeys(extra, Presence.PRESENT), days=5 + n)
        make_activity(extra[0]).partners.add(extra[1])
        referral(extra[0], extra[2], days=3, user=user)
    assert queries() == few == 5


# --- Pure metrics ---------------------------------------------------------------------------------------------


def test_betweenness_equals_networkx_exact_and_sampled():
    for seed in range(3):
        G = nx.gnm_random_graph(40, 90, seed=seed)
        G.add_nodes_from([100, 101])
        G.add_edge(102, 103)
        exact, reference = analytics.betweenness(G), nx.betweenness_centrality(G)
        assert exact == pytest.approx(reference, abs=1e-12)
        sampled = analytics.betweenness(G, sample=15, seed=3)
        assert sampled == pytest.approx(nx.betweenness_centrality(G, k=15, seed=3), abs=1e-12)


def test_metrics_of_an_empty_graph_and_of_a_lonely_organisation():
    assert analytics.metrics(nx.Graph())["density"] == 0.0
    G = nx.Graph()
    G.add_node(1, name="Solo", kind="school", sectors=(), province="NA", migrant_led=False)
    m = analytics.metrics(G)
    assert m["isolated"] == [1] and m["components"] == 0 and m["cross_sector_share"] is None


def test_a_tie_with_an_organisation_without_sectors_is_not_counted_across_sectors():
    G = nx.Graph()
    G.add_node(1, name="A", kind="school", sectors=("education",))
    G.add_node(2, name="B", kind="school", sectors=())
    G.add_node(3, name="C", kind="employer", sectors=("labour",))
    G.add_edge(1, 2, weight=1)
    G.add_edge(1, 3, weight=1)
    m = analytics.metrics(G)
    assert (m["cross_sector_ties"], m["ties_with_sectors"], m["cross_sector_share"]) == (1, 1, 1.0)
    assert (m["cross_kind_ties"], m["cross_kind_share"]) == (1, 0.5)


def test_default_periods_are_the_last_twelve_months_and_the_twelve_before():
    a, b = analytics.default_periods(datetime.date(2026, 3, 15))
    assert (a.start, a.end) == (datetime.date(2025, 3, 16), datetime.date(2026, 3, 15))
    assert (b.start, b.end) == (datetime.date(2024, 3, 16), datetime.date(2025, 3, 15))
    a, b = analytics.default_periods(datetime.date(2024, 2, 29))
    assert a.start == datetime.date(2023, 3, 1) and b.end == datetime.date(2023, 2, 28)
    with pytest.raises(ValueError):
        Period(datetime.date(2025, 1, 2), datetime.date(2025, 1, 1))


# --- Exports and picture --------------------------------------------------------------------------------------


def test_graphml_reads_back_with_networkx(network):
    G = analytics.build_graph(PERIOD_A.start, PERIOD_A.end)

    back = nx.read_graphml(io.BytesIO(analytics.graphml_bytes(G)))

    assert back.number_of_nodes() == 6 and back.number_of_edges() == 7
    A, B = str(network["A"].pk), str(network["B"].pk)
    assert back.nodes[A]["name"] == "Comune di Pomigliano"
    assert back.nodes[A]["sectors"] == "housing;social"
    assert back.nodes[str(network["D"].pk)]["migrant_led"] is True
    assert back[A][B]["weight"] == 2 and back[A][B]["meetings"] == 1
    assert back.graph["start"] == PERIOD_A.start.isoformat()


def test_csv_has_one_row_per_organisation_and_tie_and_no_formulas(network):
    network["F"].name = '=HYPERLINK("http://example.org")'
    network["F"].save()
    referral(network["F"], network["A"], days=5, user=make_user())
    G = analytics.build_graph(PERIOD_A.start, PERIOD_A.end)

    archive = zipfile.ZipFile(io.BytesIO(analytics.csv_zip_bytes(G)))

    nodes = list(csv.DictReader(io.StringIO(archive.read("nodes.csv").decode("utf-8-sig"))))
    edges = list(csv.DictReader(io.StringIO(archive.read("edges.csv").decode("utf-8-sig"))))
    assert len(nodes) == 6 and len(edges) == 8
    assert {row["name"] for row in nodes} >= {"Cooperativa Alfa", '\'=HYPERLINK("http://example.org")'}
    cooperativa = next(row for row in nodes if row["name"] == "Cooperativa Alfa")
    assert (cooperativa["ties"], cooperativa["weighted_degree"], cooperativa["sectors"]) == (
        "4",
        "7",
        "labour;social",
    )
    formula = next(row for row in edges if row["referrals"] == "1")
    assert "'=HYPERLINK" in (formula["source_name"] + formula["target_name"])
    assert set(edges[0]) == {"source", "target", "source_name", "target_name", "weight", *analytics.TIE_KINDS}


def test_the_picture_is_an_accessible_svg_limited_to_the_most_connected(network):
    G = analytics.build_graph(PERIOD_A.start, PERIOD_A.end)
    network["A"].name = "<script>alert(1)</script>"

    picture = analytics.picture(G, title="Rete <A>", description="Sei enti", limit=3)

    svg = str(picture.svg)
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert '<title id="network-graph-title">Rete &lt;A&gt;</title>' in svg
    assert "<desc" in svg and "<script" not in svg
    assert picture.shown[0] == network["B"].pk and len(picture.shown) == 3 and picture.total == 6
    assert svg.count("<line") == picture.ties_shown == 3  # B, A and C are all tied to each other
    assert (
        analytics.picture(G, title="t", description="d").svg
        == analytics.picture(G, title="t", description="d").svg
    )


# --- Pages ----------------------------------------------------------------------------------------------------


URL = "network_analytics:overview"


@pytest.mark.parametrize("persona", ["viewer_a", "operator_a", "trainer_a", "outsider"])
def test_roles_without_the_permission_get_403(request, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse(URL)).status_code == 403
    assert client.get(reverse("network_analytics:export_graphml")).status_code == 403
    assert client.get(reverse("network_analytics:export_csv")).status_code == 403


@pytest.mark.parametrize("persona", ["coordinator", "monitoring", "admin_a"])
def test_the_region_the_monitoring_officer_and_org_admins_see_the_analytics(request, persona, network):
    response = client_for(request.getfixturevalue(persona)).get(reverse(URL))

    assert response.status_code == 200
    content = response.content.decode()
    assert 'role="img"' in content and "Cooperativa Alfa" in content
    assert response.context["comparison"].metrics_a["ties"] == 7


def test_anonymous_visitors_are_sent_to_login(client):
    assert client.get(reverse(URL)).status_code == 302


def test_the_page_compares_the_chosen_periods_and_province(coordinator, network):
    napoli = municipality("Napoli").province
    params = {
        "a_start": PERIOD_A.start.isoformat(),
        "a_end": PERIOD_A.end.isoformat(),
        "b_start": PERIOD_B.start.isoformat(),
        "b_end": PERIOD_B.end.isoformat(),
        "province": napoli.pk,
        "ties": ["agreements", "meetings"],
    }
    response = client_for(coordinator).get(reverse(URL), params)

    assert response.status_code == 200
    comparison = response.context["comparison"]
    # Napoli: A, B, C, D, the coordinator's Region and the persona organisations seated in Napoli.
    assert edge_set(comparison.graph_a) == {pair(network, *p) for p in ("AB", "AC", "BC", "AD", "BD")}
    assert comparison.graph_a.graph["tie_kinds"] == ("agreements", "meetings")
    assert network["E"].pk not in comparison.graph_a
    content = response.content.decode()
    assert f"province={napoli.pk}" in content and "ties=agreements" in content  # in the export links


def test_a_period_ending_before_it_starts_is_an_error(coordinator):
    response = client_for(coordinator).get(
        reverse(URL),
        {"a_start": "2025-05-01", "a_end": "2025-04-01", "b_start": "2024-01-01", "b_end": "2024-12-31"},
    )
    assert response.status_code == 200
    assert "comparison" not in response.context and response.context["form"].errors["a_end"]


def test_isolated_organisations_are_paginated(coordinator, network):
    for n in range(30):
        make_organisation(f"Ente isolato {n:02d}")

    client = client_for(coordinator)
    first = client.get(reverse(URL)).context["isolated"]
    second = client.get(reverse(URL), {"isolated_page": 2}).context["isolated"]

    assert first.paginator.count == 32  # F, the Region and the thirty
    assert len(first.object_list) == 25 and len(second.object_list) == 7


def test_the_page_costs_the_same_queries_with_more_organisations(coordinator, network):
    client = client_for(coordinator)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(URL)).status_code == 200
        return len(captured.captured_queries)

    queries()
    few = queries()
    user = make_user()
    table = ConsultationTable.objects.create(name="Tavolo 3", theme="Casa", coordinator=network["B"])
    for n in range(15):
        extra = [make_organisation(f"Altro ente {n}-{i}", town="Caserta") for i in range(3)]
        agreement(extra, signed_days_ago=30 + n)
        meeting(table, dict.fromkeys(extra, Presence.PRESENT), days=400 + n)
        referral(extra[0], extra[1], days=3, user=user)
    assert queries() == few


def test_exports_download_the_chosen_period(coordinator, network):
    client = client_for(coordinator)
    params = {"start": PERIOD_B.start.isoformat(), "end": PERIOD_B.end.isoformat()}

    response = client.get(reverse("network_analytics:export_graphml"), params)
    assert response.status_code == 200
    assert response["Content-Disposition"].endswith(
        f'rete-interazioni-{PERIOD_B.start:%Y%m%d}-{PERIOD_B.end:%Y%m%d}.graphml"'
    )
    back = nx.read_graphml(io.BytesIO(response.content))
    assert {frozenset(map(int, e)) for e in back.edges()} == {
        pair(network, "A", "E"),
        pair(network, "B", "E"),
    }

    response = client.get(reverse("network_analytics:export_csv"), {**params, "ties": "referrals"})
    assert response.status_code == 200 and response["Content-Type"] == "application/zip"
    edges = zipfile.ZipFile(io.BytesIO(response.content)).read("edges.csv").decode("utf-8-sig").splitlines()
    assert len(edges) == 2  # the header and B-E

    assert client.get(reverse("network_analytics:export_csv"), {"start": "x", "end": "y"}).status_code == 400


def test_far_future_periods_are_refused_not_crashing(coordinator, network):
    client = client_for(coordinator)
    far = {"a_start": "2024-01-01", "a_end": "9999-12-31", "b_start": "2023-01-01", "b_end": "2023-12-31"}
    assert client.get(reverse(URL), far).status_code in (200, 400)
    for name in ("network_analytics:export_graphml", "network_analytics:export_csv"):
        assert client.get(reverse(name), {"start": "2024-01-01", "end": "9999-12-31"}).status_code in (
            400,
            422,
        )
    for path, params in (
        ("/api/v1/network/metrics", {"start": "2024-01-01", "end": "9999-12-31"}),
        ("/api/v1/network/compare", {"a_start": "2024-01-01", "a_end": "9999-12-31"}),
    ):
        assert client.get(path, params).status_code == 422
    assert analytics.period_error(datetime.date(2024, 1, 1), datetime.date(9999, 12, 31))
    with pytest.raises(ValueError):
        Period(datetime.date(2024, 1, 1), datetime.date(9999, 12, 31))
