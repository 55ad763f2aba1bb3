"""The public list of migrant associations and informal groups: only approved, active ones that chose to be
listed; no person's name or contact; their upcoming public events."""

from __future__ import annotations

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from activities.models import ActivityStatus, Audience
from conftest import make_activity, make_organisation, municipality
from network.models import Approval, OrganisationKind, Sector
from territory.models import Language

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (Linux; Android 10) Chrome/120 Mobile"}


def association(name, *, kind=OrganisationKind.MIGRANT_ASSOCIATION, town="Napoli", **overrides):
    fields = {"approval": Approval.APPROVED, "listed_publicly": True}
    fields.update(overrides)
    return make_organisation(name, kind=kind, town=town, **fields)


@pytest.fixture
def listed():
    org = association(
        "Comunità Senegalese di Napoli",
        email="info@senegalesi.example.org",
        phone="081 123456",
        website="https://senegalesi.example.org",
        contact_person="Mamadou Diallo",
        sectors=[Sector.CULTURE, Sector.LEGAL],
    )
    org.languages_offered.set(Language.objects.filter(code__in=["fra", "wol"]))
    return org


def test_only_approved_active_listed_associations_and_groups_appear(client, listed):
    group = association("Gruppo Donne Ucraine", kind=OrganisationKind.INFORMAL_GROUP, town="Salerno")
    hidden = [
        association("In attesa", approval=Approval.PENDING),
        association("Respinta", approval=Approval.REJECTED),
        association("Non elencata", listed_publicly=False),
        association("Chiusa", is_active=False),
        association("Cooperativa", kind=OrganisationKind.THIRD_SECTOR),
    ]
    response = client.get(reverse("associations:list"))
    assert response.status_code == 200 and not response.cookies
    names = [org.name for org in response.context["page"].object_list]
    assert names == [listed.name, group.name]
    for org in hidden:
        assert org.name not in response.content.decode()
        assert client.get(reverse("associations:detail", args=[org.pk])).status_code == 404


def test_the_list_filters_by_province_and_kind(client, listed):
    group = association("Gruppo Donne Ucraine", kind=OrganisationKind.INFORMAL_GROUP, town="Salerno")
    salerno = municipality("Salerno").province_id
    assert [
        o.pk for o in client.get(reverse("associations:list"), {"province": salerno}).context["page"]
    ] == [group.pk]
    by_kind = client.get(reverse("associations:list"), {"kind": OrganisationKind.MIGRANT_ASSOCIATION})
    assert [o.pk for o in by_kind.context["page"]] == [listed.pk]
    bad = client.get(reverse("associations:list"), {"province": "abc", "kind": "region", "page": "-1"})
    assert bad.status_code == 200 and len(bad.context["page"].object_list) == 2


def test_the_list_query_count_does_not_grow_with_associations(client, django_assert_max_num_queries):
    for n in range(15):
        org = association(f"Associazione {n:02d}")
        org.languages_offered.set(Language.objects.filter(code__in=["ara", "eng"]))
    with django_assert_max_num_queries(4):
        response = client.get(reverse("associations:list"))
    assert len(response.context["page"].object_list) == 15


def test_the_page_shows_what_the_association_offers_and_no_person(client, listed):
    response = client.get(reverse("associations:detail", args=[listed.pk]))
    page = response.content.decode()
    assert response.status_code == 200
    for shown in ("info@senegalesi.example.org", "081 123456", "https://senegalesi.example.org", "Napoli"):
        assert shown in page
    assert str(Sector.CULTURE.label) in page and str(Sector.LEGAL.label) in page
    assert "Mamadou Diallo" not in page


def test_an_informal_group_never_shows_its_reference_person(client):
    group = association(
        "Gruppo Bangla Salerno",
        kind=OrganisationKind.INFORMAL_GROUP,
        reference_person="Rahim Uddin",
        reference_contact="rahim@example.org",
    )
    page = client.get(reverse("associations:detail", args=[group.pk])).content.decode()
    assert "Rahim Uddin" not in page and "rahim@example.org" not in page


def test_the_page_lists_upcoming_public_events_organised_or_partnered(client, listed, org_a):
    soon = TODAY + datetime.timedelta(days=7)
    public = {
        "audience": Audience.PUBLIC,
        "status": ActivityStatus.OPEN,
        "start_date": soon,
        "end_date": soon,
    }
    own = make_activity(listed, title="Festa senegalese", **public)
    partnered = make_activity(org_a, title="Giornata interculturale", **public)
    partnered.partners.add(listed)
    past = make_activity(
        listed,
        title="Evento passato",
        audience=Audience.PUBLIC,
        start_date=TODAY - datetime.timedelta(days=9),
        end_date=TODAY - datetime.timedelta(days=8),
    )
    private = make_activity(listed, title="Corso interno", audience=Audience.PARTICIPANTS)
    cancelled = make_activity(listed, title="Annullato", **{**public, "status": ActivityStatus.CANCELLED})
    response = client.get(reverse("associations:detail", args=[listed.pk]))
    assert [a.pk for a in response.context["activities"]] == [own.pk, partnered.pk]
    page = response.content.decode()
    assert reverse("events:detail", args=[own.pk]) in page
    for hidden in (past, private, cancelled):
        assert hidden.title not in page


def test_the_pages_work_in_arabic_right_to_left(client, listed):
    with translation.override("ar"):
        list_url = reverse("associations:list")
        detail_url = reverse("associations:detail", args=[listed.pk])
    assert list_url.startswith("/ar/")
    for address in (list_url, detail_url):
        response = client.get(address, **BROWSER)
        assert response.status_code == 200 and 'dir="rtl"' in response.content.decode()
        assert not response.cookies
