"""Consultation tables and meetings: invitations, presence, minutes as safe rich text, the .ics file, and
action items followed until closed (owner updates; others 404/403; overdue computed)."""

from __future__ import annotations

import datetime
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from django.utils import timezone, translation
from icalendar import Calendar

from conftest import client_for, make_member, make_organisation
from core.roles import Role
from network import actions
from network.models import ActionItem, ActionItemStatus, Meeting, MeetingParticipant, Presence
from network.tests.governance_helpers import make_action_item, make_meeting, make_table

ROME = zoneinfo.ZoneInfo("Europe/Rome")


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def table(org_a, org_b):
    return make_table(org_a, [org_b], name="Tavolo lavoro Napoli")


@pytest.fixture
def meeting(table):
    return make_meeting(table, title="Incontro di marzo", agenda="1. Saluti\n2. Mappatura dei servizi")


# --- tables and meetings --------------------------------------------------------------------------------


def test_a_new_meeting_invites_the_members_of_the_table(table, admin_a, org_a, org_b):
    start = timezone.make_aware(datetime.datetime(2031, 3, 4, 10, 0), ROME)
    meeting = actions.create_meeting(
        table,
        acting_user=admin_a,
        data={
            "title": "Incontro",
            "starts_at": start,
            "ends_at": start + datetime.timedelta(hours=2),
            "place": "Sala",
        },
    )
    invited = {(p.organisation_id, p.presence) for p in meeting.participants.all()}
    assert invited == {(org_a.pk, Presence.INVITED), (org_b.pk, Presence.INVITED)}
    assert meeting.created_by == admin_a


def test_the_meeting_form_builds_local_times_and_needs_a_place_or_link(table, admin_a):
    client = client_for(admin_a)
    url = reverse("network:meeting_create", args=[table.pk])
    data = {
        "title": "Incontro online",
        "date": "2031-07-01",
        "start_time": "15:00",
        "end_time": "14:00",
        "place": "",
        "online_url": "",
        "status": "planned",
    }
    response = client.post(url, data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"end_time", "place"}
    data.update(end_time="16:30", online_url="https://meet.example.org/tavolo")
    response = client.post(url, data)
    assert response.status_code == 302
    meeting = Meeting.objects.get(title="Incontro online")
    assert timezone.localtime(meeting.starts_at, ROME).strftime("%Y-%m-%d %H:%M") == "2031-07-01 15:00"
    assert (meeting.ends_at - meeting.starts_at) == datetime.timedelta(minutes=90)


def test_a_member_that_does_not_coordinate_cannot_add_meetings(table, admin_b):
    with pytest.raises(PermissionDenied):
        actions.create_meeting(table, acting_user=admin_b, data={"title": "X"})
    assert not Meeting.objects.exists()


def test_an_organisation_creates_tables_it_coordinates_only(operator_a, org_b):
    from network.forms import ConsultationTableForm

    form = ConsultationTableForm(
        {"name": "T", "theme": "Casa", "coordinator": str(org_b.pk), "is_active": "on"},
        user=operator_a,
        can_choose_coordinator=False,
    )
    assert not form.is_valid()
    assert "coordinator" in form.errors


def test_presence_is_recorded_with_the_person_and_rows_can_be_removed(meeting, admin_a, org_a, org_b):
    rows = {p.organisation_id: p for p in meeting.participants.all()}
    actions.record_presence(
        meeting,
        acting_user=admin_a,
        rows={rows[org_a.pk].pk: {"person_name": "Anna Bianchi", "presence": Presence.PRESENT}},
        remove=[rows[org_b.pk].pk],
    )
    assert list(meeting.participants.values_list("organisation_id", "person_name", "presence")) == [
        (org_a.pk, "Anna Bianchi", Presence.PRESENT)
    ]
    guest = make_organisation("Prefettura di Napoli")
    actions.add_meeting_participant(
        meeting, acting_user=admin_a, organisation=guest, presence=Presence.EXCUSED
    )
    with pytest.raises(ValidationError):
        actions.add_meeting_participant(meeting, acting_user=admin_a, organisation=guest)
    assert MeetingParticipant.objects.filter(meeting=meeting, organisation=guest).count() == 1


def test_the_presence_page_saves_every_row(meeting, admin_a):
    data = {}
    for p in meeting.participants.all():
        data[f"p{p.pk}-person_name"] = ""
        data[f"p{p.pk}-presence"] = "excused"
    response = client_for(admin_a).post(reverse("network:meeting_participants", args=[meeting.pk]), data)
    assert response.status_code == 302
    assert set(meeting.participants.values_list("presence", flat=True)) == {"excused"}


# --- minutes ----------------------------------------------------------------------------------------------


def test_minutes_keep_basic_formatting_and_lose_scripts_and_handlers():
    dirty = (
        '<h3>Sintesi</h3><p onclick="steal()">Presenti <strong>tutti</strong>, <em>quasi</em>.</p>'
        "<script>alert('x')</script><img src=x onerror=alert(1)>"
        '<ul><li><a href="https://comune.napoli.it" onmouseover="x()">sito</a></li>'
        '<li><a href="javascript:alert(1)">trappola</a></li></ul>'
        '<style>body{display:none}</style><iframe src="https://evil.example"></iframe><h1>Titolo</h1>'
    )
    clean = actions.clean_rich_text(dirty)
    for forbidden in (
        "<script",
        "alert('x')",
        "onerror",
        "onclick",
        "onmouseover",
        "<img",
        "javascript:",
        "<style",
        "<iframe",
        "<h1",
    ):
        assert forbidden not in clean, forbidden
    assert "<h3>Sintesi</h3>" in clean
    assert "<strong>tutti</strong>" in clean and "<em>quasi</em>" in clean
    assert '<a href="https://comune.napoli.it" rel="noopener noreferrer">sito</a>' in clean
    assert "<ul><li>" in clean


def test_plain_text_minutes_keep_paragraphs_and_line_breaks():
    clean = actions.clean_rich_text("Primo punto\nsecondo rigo\n\nSecondo paragrafo <b>non</b> HTML & co.")
    assert clean.startswith("<p>Primo punto<br>secondo rigo</p>")
    assert "<b>" not in clean


def test_plain_text_with_angle_brackets_is_escaped_not_interpreted():
    clean = actions.clean_rich_text("Se a < b e b > c, allora a < c")
    assert clean == "<p>Se a &lt; b e b &gt; c, allora a &lt; c</p>"


def test_minutes_are_sanitised_before_saving_and_shown_as_safe_html(meeting, admin_a, viewer_a):
    data = {
        "title": meeting.title,
        "date": timezone.localtime(meeting.starts_at).date().isoformat(),
        "start_time": "09:00",
        "end_time": "11:00",
        "place": "Sala",
        "online_url": "",
        "agenda": "",
        "minutes": '<p>Ok</p><script>alert("x")</script><img src=x onerror="alert(1)">',
        "decisions": "",
        "status": "held",
    }
    response = client_for(admin_a).post(reverse("network:meeting_edit", args=[meeting.pk]), data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.minutes == "<p>Ok</p>"
    page = client_for(viewer_a).get(reverse("network:meeting_detail", args=[meeting.pk]))
    assert b"<p>Ok</p>" in page.content
    assert b"onerror" not in page.content and b'alert("x")' not in page.content


# --- the calendar file --------------------------------------------------------------------------------


def test_the_ics_file_parses_and_carries_the_times_in_utc(meeting, viewer_a, settings):
    settings.SITE_URL = "https://interazioni.example.org"
    response = client_for(viewer_a).get(reverse("network:meeting_ics", args=[meeting.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".ics" in response["Content-Disposition"]
    calendar = Calendar.from_ical(response.content)
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == f"{meeting.uid}@interazioni"
    start, end = event.decoded("DTSTART"), event.decoded("DTEND")
    assert start.utcoffset() == datetime.timedelta(0) and end.utcoffset() == datetime.timedelta(0)
    assert start == meeting.starts_at and end == meeting.ends_at
    assert b"DTSTART:" in response.content and b"Z\r\n" in response.content  # written as UTC ("...Z")
    assert str(event["SUMMARY"]) == f"Tavolo lavoro Napoli: {meeting.title}"
    assert str(event["LOCATION"]) == "Sala consiliare"
    assert (
        str(event["URL"])
        == f"https://interazioni.example.org/area-riservata/organizzazioni/incontri/{meeting.pk}/"
    )
    assert "Mappatura dei servizi" in str(event["DESCRIPTION"])


def test_the_ics_url_of_an_online_meeting_is_the_link(table, viewer_a):
    online = make_meeting(table, place="", online_url="https://meet.example.org/abc")
    response = client_for(viewer_a).get(reverse("network:meeting_ics", args=[online.pk]))
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert str(event["URL"]) == "https://meet.example.org/abc"
    assert str(event["LOCATION"]) == "https://meet.example.org/abc"


def test_the_ics_needs_a_login(meeting, client):
    response = client.get(reverse("network:meeting_ics", args=[meeting.pk]))
    assert response.status_code == 302


# --- action items -----------------------------------------------------------------------------------------


@pytest.fixture
def item_b(meeting, org_b):
    return make_action_item(meeting, org_b, description="Mappare gli sportelli", due_in_days=5)


def test_adding_an_action_notifies_the_owner_admins(meeting, admin_a, admin_b, operator_b, org_b):
    item = actions.add_action_item(
        meeting,
        acting_user=admin_a,
        description="Preparare la scheda",
        owner=org_b,
        due_date=timezone.localdate() + datetime.timedelta(days=10),
    )
    assert item.status == ActionItemStatus.OPEN
    from paths.models import Notification

    assert set(
        Notification.objects.filter(kind="action_item_assigned").values_list("recipient", flat=True)
    ) == {admin_b.pk}


def test_the_owner_updates_closes_and_reopens_an_action(item_b, operator_b):
    actions.update_action_item(item_b, acting_user=operator_b, status="in_progress", note="Avviata")
    item_b.refresh_from_db()
    assert (item_b.status, item_b.note, item_b.closed_at) == ("in_progress", "Avviata", None)

    actions.update_action_item(item_b, acting_user=operator_b, status="done", note="Fatto")
    item_b.refresh_from_db()
    assert item_b.status == "done" and item_b.closed_at is not None
    closed_at = item_b.closed_at

    actions.update_action_item(item_b, acting_user=operator_b, status="done", note="Fatto davvero")
    item_b.refresh_from_db()
    assert item_b.closed_at == closed_at  # closing again keeps the first time

    actions.update_action_item(item_b, acting_user=operator_b, status="open", note="Riaperta")
    item_b.refresh_from_db()
    assert item_b.status == "open" and item_b.closed_at is None


def test_the_table_coordinator_and_the_region_update_it_too(item_b, admin_a, coordinator):
    actions.update_action_item(item_b, acting_user=admin_a, status="in_progress")
    actions.update_action_item(item_b, acting_user=coordinator, status="dropped", note="Non più necessaria")
    item_b.refresh_from_db()
    assert item_b.status == "dropped" and item_b.closed_at is not None


def _item_state(item):
    return ActionItem.objects.filter(pk=item.pk).values("status", "note", "closed_at").get()


def test_other_organisations_get_403_and_nothing_changes(item_b, db):
    other = make_organisation("Ente terzo")
    admin_c = make_member(other, Role.ORG_ADMIN, "admin_c@example.org")
    before = _item_state(item_b)
    with pytest.raises(PermissionDenied):
        actions.update_action_item(item_b, acting_user=admin_c, status="done")
    response = client_for(admin_c).post(
        reverse("network:action_item_update", args=[item_b.pk]), {"status": "done", "note": "x"}
    )
    assert response.status_code == 403
    assert _item_state(item_b) == before


def test_a_viewer_of_the_owner_gets_403(item_b, org_b):
    viewer_b = make_member(org_b, Role.VIEWER, "viewer_b@example.org")
    before = _item_state(item_b)
    response = client_for(viewer_b).post(
        reverse("network:action_item_update", args=[item_b.pk]), {"status": "done", "note": "x"}
    )
    assert response.status_code == 403
    assert _item_state(item_b) == before


def test_someone_without_a_membership_gets_404(item_b, outsider):
    with pytest.raises(Http404):
        actions.update_action_item(item_b, acting_user=outsider, status="done")
    response = client_for(outsider).post(
        reverse("network:action_item_update", args=[item_b.pk]), {"status": "done", "note": "x"}
    )
    assert response.status_code == 404


def test_overdue_means_open_and_past_its_due_date(meeting, org_a, org_b):
    late = make_action_item(meeting, org_b, due_in_days=-3)
    late_in_progress = make_action_item(meeting, org_a, due_in_days=-1, status="in_progress")
    late_but_done = make_action_item(meeting, org_b, due_in_days=-3, status="done")
    due_today = make_action_item(meeting, org_b, due_in_days=0)
    assert set(ActionItem.objects.overdue()) == {late, late_in_progress}
    assert late.is_overdue and not late_but_done.is_overdue and not due_today.is_overdue


def test_the_follow_up_page_filters_by_my_organisation_table_and_overdue(
    meeting, table, org_a, org_b, operator_b
):
    other_table = make_table(org_b, [], name="Tavolo Caserta")
    other_meeting = make_meeting(other_table)
    mine_late = make_action_item(meeting, org_b, due_in_days=-2)
    mine_later = make_action_item(other_meeting, org_b, due_in_days=20)
    theirs = make_action_item(meeting, org_a, due_in_days=3)
    closed = make_action_item(meeting, org_b, due_in_days=-10, status="done")
    client = client_for(operator_b)

    def shown(query=""):
        response = client.get(reverse("network:action_item_list") + query)
        assert response.status_code == 200
        return {item.pk for item in response.context["page"].object_list}

    assert shown() == {mine_late.pk, mine_later.pk, theirs.pk}
    assert shown("?mine=on") == {mine_late.pk, mine_later.pk}
    assert shown(f"?table={table.pk}") == {mine_late.pk, theirs.pk}
    assert shown("?overdue=on") == {mine_late.pk}
    assert shown("?state=closed") == {closed.pk}
    page = client.get(reverse("network:action_item_list") + "?overdue=on")
    (row,) = page.context["page"].object_list
    assert row.days_late == 2 and row.can_update


def test_the_follow_up_row_is_updated_with_htmx(item_b, operator_b):
    response = client_for(operator_b).post(
        reverse("network:action_item_update", args=[item_b.pk]),
        {"status": "done", "note": "Consegnata la mappa"},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert f'id="action-item-{item_b.pk}"'.encode() in response.content
    assert b"Consegnata la mappa" in response.content
    item_b.refresh_from_db()
    assert item_b.status == "done"


def test_after_an_update_the_page_goes_back_only_to_a_local_address(item_b, operator_b):
    client = client_for(operator_b)
    url = reverse("network:action_item_update", args=[item_b.pk])
    response = client.post(url, {"status": "in_progress", "next": "https://evil.example/"})
    assert response["Location"] == reverse("network:action_item_list")
    response = client.post(
        url, {"status": "in_progress", "next": "/area-riservata/organizzazioni/azioni/?mine=on"}
    )
    assert response["Location"] == "/area-riservata/organizzazioni/azioni/?mine=on"


def test_the_table_list_shows_my_organisations_tables(table, org_b, admin_b, region, db):
    coordinated = make_table(org_b, [], name="Tavolo coordinato da B")
    make_table(region, [], name="Tavolo regionale")
    response = client_for(admin_b).get(reverse("network:table_list") + "?mine=on")
    assert {t.name for t in response.context["page"].object_list} == {table.name, coordinated.name}
    response = client_for(admin_b).get(reverse("network:table_list"))
    assert response.context["page"].paginator.count == 3
