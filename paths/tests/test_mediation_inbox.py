"""Cultural mediation (requests, mediator scoping, hours), the notification inbox and the due-goals job."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from conftest import client_for, make_member
from core.roles import Role
from paths import actions
from paths.models import (
    Goal,
    GoalArea,
    IndividualPlan,
    MediationRequest,
    MediationStatus,
    MediatorProfile,
    Notification,
)
from paths.notifications import notify
from territory.models import Language


@pytest.fixture
def arabic():
    return (
        Language.objects.get(code="arb")
        if Language.objects.filter(code="arb").exists()
        else Language.objects.first()
    )


@pytest.fixture
def profile_a(mediator_a, org_a, arabic):
    profile = MediatorProfile.objects.create(user=mediator_a, organisation=org_a, availability="Mornings")
    profile.languages.set([arabic])
    return profile


@pytest.fixture
def other_mediator(org_a, arabic):
    user = make_member(org_a, Role.MEDIATOR, "mediator_two@example.org")
    profile = MediatorProfile.objects.create(user=user, organisation=org_a)
    profile.languages.set([arabic])
    return user


def request_for(user, participant, language, **overrides):
    data = {
        "participant": participant,
        "language": language,
        "service_context": "Meeting at the school",
        "starts_at": timezone.now() + datetime.timedelta(days=3),
        "planned_minutes": 60,
        "place": "Via Toledo 1, Napoli",
        **overrides,
    }
    return actions.request_mediation(acting_user=user, data=data)


@pytest.fixture
def mediation(operator_a, participant_a, arabic, admin_a):
    return request_for(operator_a, participant_a, arabic)


@pytest.fixture
def assigned(mediation, operator_a, mediator_a, profile_a):
    return actions.assign_mediator(mediation, acting_user=operator_a, mediator=mediator_a)


def transition_url(mediation, status):
    return reverse("paths:mediation_transition", args=[mediation.pk, status])


# --- Requests -----------------------------------------------------------------------------------------


def test_an_operator_requests_a_mediator_for_a_participant(operator_a, participant_a, arabic, admin_a):
    url = reverse("paths:mediation_create")
    client = client_for(operator_a)
    form_page = client.get(url, {"participant": participant_a.pk})
    assert form_page.context["form"]["participant"].value() == participant_a.pk
    starts = (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        url,
        {
            "participant": participant_a.pk,
            "language": arabic.pk,
            "service_context": "Health centre",
            "starts_at": starts,
            "planned_minutes": 90,
            "place": "ASL Napoli 1",
        },
    )
    mediation = MediationRequest.objects.get()
    assert response.status_code == 302
    assert mediation.requested_by == operator_a
    assert mediation.status == MediationStatus.REQUESTED
    assert Notification.objects.filter(recipient=admin_a, kind="mediation_requested").exists()


def test_a_request_needs_a_participant_or_a_meeting(operator_a, arabic):
    response = client_for(operator_a).post(
        reverse("paths:mediation_create"),
        {
            "language": arabic.pk,
            "service_context": "x",
            "starts_at": (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            "planned_minutes": 60,
            "place": "x",
        },
    )
    assert response.status_code == 200
    assert not MediationRequest.objects.exists()


def test_another_organisations_participant_cannot_be_chosen(operator_a, participant_b, arabic):
    response = client_for(operator_a).post(
        reverse("paths:mediation_create"),
        {
            "participant": participant_b.pk,
            "language": arabic.pk,
            "service_context": "x",
            "starts_at": (timezone.localtime() + datetime.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M"),
            "planned_minutes": 60,
            "place": "x",
        },
    )
    assert response.status_code == 200
    assert "participant" in response.context["form"].errors
    assert not MediationRequest.objects.exists()


def test_a_viewer_cannot_request_mediation(viewer_a):
    assert client_for(viewer_a).get(reverse("paths:mediation_create")).status_code == 403


# --- Assignment and the mediator's answers ---------------------------------------------------------


def test_the_requester_assigns_a_mediator_from_the_roster_by_language(
    mediation, operator_a, mediator_a, profile_a
):
    page = client_for(operator_a).get(reverse("paths:mediation_detail", args=[mediation.pk]))
    assert [p.user for p in page.context["roster"]] == [mediator_a]
    response = client_for(operator_a).post(
        reverse("paths:mediation_assign", args=[mediation.pk]), {"mediator": mediator_a.pk}
    )
    assert response.status_code == 302
    mediation.refresh_from_db()
    assert mediation.mediator == mediator_a
    assert mediation.status == MediationStatus.ASSIGNED
    assert Notification.objects.filter(recipient=mediator_a, kind="mediation_assigned").exists()


def test_a_mediator_sees_only_the_requests_assigned_to_them(assigned, mediator_a, other_mediator, operator_a):
    own = client_for(mediator_a)
    assert own.get(reverse("paths:mediation_detail", args=[assigned.pk])).status_code == 200
    groups = {key: rows for key, _t, rows in own.get(reverse("paths:mediation_list")).context["groups"]}
    assert [m.pk for m in groups["confirm"]] == [assigned.pk]
    other = client_for(other_mediator)
    assert other.get(reverse("paths:mediation_detail", args=[assigned.pk])).status_code == 404
    assert other.post(transition_url(assigned, "confirmed")).status_code == 404
    groups = {key: rows for key, _t, rows in other.get(reverse("paths:mediation_list")).context["groups"]}
    assert all(rows == [] for rows in groups.values())
    assigned.refresh_from_db()
    assert assigned.status == MediationStatus.ASSIGNED


def test_a_mediator_does_not_see_the_participants_name(assigned, mediator_a, participant_a):
    page = client_for(mediator_a).get(reverse("paths:mediation_detail", args=[assigned.pk])).content.decode()
    assert participant_a.last_name not in page


def test_completion_requires_the_hours_worked(assigned, mediator_a, operator_a):
    client = client_for(mediator_a)
    client.post(transition_url(assigned, "confirmed"))
    assigned.refresh_from_db()
    assert assigned.status == MediationStatus.CONFIRMED
    assert Notification.objects.filter(recipient=operator_a, kind="mediation_answered").exists()
    client.post(transition_url(assigned, "completed"), {"hours": ""})
    assigned.refresh_from_db()
    assert assigned.status == MediationStatus.CONFIRMED
    assert assigned.hours is None
    client.post(transition_url(assigned, "completed"), {"hours": "1.5"})
    assigned.refresh_from_db()
    assert assigned.status == MediationStatus.COMPLETED
    assert str(assigned.hours) == "1.50"


def test_the_requester_cannot_confirm_and_the_mediator_cannot_cancel(assigned, operator_a, mediator_a):
    assert client_for(operator_a).post(transition_url(assigned, "confirmed")).status_code == 403
    assert client_for(mediator_a).post(transition_url(assigned, "cancelled")).status_code == 403
    assigned.refresh_from_db()
    assert assigned.status == MediationStatus.ASSIGNED


def test_the_requester_cancels(assigned, operator_a):
    client_for(operator_a).post(transition_url(assigned, "cancelled"))
    assigned.refresh_from_db()
    assert assigned.status == MediationStatus.CANCELLED


def test_another_organisation_gets_404(mediation, operator_b, admin_b):
    assert (
        client_for(operator_b).get(reverse("paths:mediation_detail", args=[mediation.pk])).status_code == 404
    )
    assert client_for(admin_b).post(transition_url(mediation, "cancelled")).status_code == 404
    mediation.refresh_from_db()
    assert mediation.status == MediationStatus.REQUESTED


def test_the_list_of_requesters_filters_by_status(mediation, assigned, operator_a, participant_a):
    client = client_for(operator_a)
    page = client.get(reverse("paths:mediation_list"))
    assert [m.pk for m in page.context["page"].object_list] == [mediation.pk]
    assert participant_a.last_name in page.content.decode()
    filtered = client.get(reverse("paths:mediation_list"), {"status": "completed"})
    assert list(filtered.context["page"].object_list) == []


# --- Roster -----------------------------------------------------------------------------------------


def test_the_roster_shows_mediators_with_languages(
    profile_a, operator_a, coordinator, arabic, viewer_a, mediator_a
):
    page = client_for(operator_a).get(reverse("paths:mediator_list"), {"language": arabic.code})
    assert [p.pk for p in page.context["roster"]] == [profile_a.pk]
    assert client_for(coordinator).get(reverse("paths:mediator_list")).status_code == 200
    assert client_for(viewer_a).get(reverse("paths:mediator_list")).status_code == 403


def test_a_mediator_creates_and_edits_their_own_profile(mediator_a, org_a, arabic):
    url = reverse("paths:mediator_profile")
    client = client_for(mediator_a)
    assert client.get(url).status_code == 200
    client.post(url, {"languages": [arabic.pk], "availability": "Afternoons", "is_available": "on"})
    profile = MediatorProfile.objects.get(user=mediator_a)
    assert profile.organisation == org_a
    assert list(profile.languages.all()) == [arabic]
    assert profile.is_available


def test_only_mediators_have_a_mediator_profile_page(operator_a):
    assert client_for(operator_a).get(reverse("paths:mediator_profile")).status_code == 403


# --- API --------------------------------------------------------------------------------------------


def test_api_mediation_is_scoped_and_completion_needs_hours(assigned, mediator_a, other_mediator, operator_a):
    own = client_for(mediator_a)
    assert [item["id"] for item in own.get("/api/v1/mediation/").json()["items"]] == [assigned.pk]
    assert client_for(other_mediator).get("/api/v1/mediation/").json()["items"] == []
    url = f"/api/v1/mediation/{assigned.pk}/transition"
    assert own.post(url, {"status": "confirmed"}, content_type="application/json").status_code == 200
    assert own.post(url, {"status": "completed"}, content_type="application/json").status_code == 422
    done = own.post(url, {"status": "completed", "hours": "2"}, content_type="application/json")
    assert done.status_code == 200
    assert done.json()["status"] == "completed"
    assert (
        client_for(other_mediator)
        .post(url, {"status": "cancelled"}, content_type="application/json")
        .status_code
        == 404
    )


# --- Inbox ------------------------------------------------------------------------------------------


@pytest.fixture
def notes(operator_a, operator_b):
    mine = [
        notify([operator_a], "goal_due", {"goal": f"Goal {n}", "due": "01/12/2026"}, url="/x/")[0]
        for n in range(3)
    ]
    theirs = notify([operator_b], "goal_due", {"goal": "Other", "due": "01/12/2026"})[0]
    return mine, theirs


def test_the_inbox_lists_only_my_notifications(notes, operator_a):
    mine, _theirs = notes
    page = client_for(operator_a).get(reverse("paths:inbox"))
    assert {n.pk for n in page.context["page"].object_list} == {n.pk for n in mine}
    assert "Goal 1" in page.content.decode()
    assert "Other" not in page.content.decode()


def test_marking_one_then_all_as_read(notes, operator_a):
    mine, theirs = notes
    client = client_for(operator_a)
    response = client.post(reverse("paths:inbox_mark_read"), {"id": mine[0].pk})
    assert response.status_code == 302
    assert Notification.objects.filter(recipient=operator_a, read_at__isnull=True).count() == 2
    partial = client.post(reverse("paths:inbox_mark_read"), HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    assert "<html" not in partial.content.decode()
    assert not Notification.objects.filter(recipient=operator_a, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_someone_elses_notification_changes_nothing(notes, operator_a):
    _mine, theirs = notes
    client_for(operator_a).post(reverse("paths:inbox_mark_read"), {"id": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_inbox_needs_a_login(client):
    assert client.get(reverse("paths:inbox")).status_code == 302


# --- Due goals job --------------------------------------------------------------------------------


def test_notify_due_goals_command_prints_the_count_once(operator_a, participant_a, org_a):
    plan = IndividualPlan.objects.create(participant=participant_a, organisation=org_a, created_by=operator_a)
    area = GoalArea.objects.first()
    today = timezone.localdate()
    Goal.objects.create(
        plan=plan,
        area=area,
        title="Book the exam",
        owner=operator_a,
        owner_organisation=org_a,
        due_date=today + datetime.timedelta(days=3),
    )
    Goal.objects.create(
        plan=plan,
        area=area,
        title="Later",
        owner=operator_a,
        owner_organisation=org_a,
        due_date=today + datetime.timedelta(days=20),
    )
    out = io.StringIO()
    call_command("notify_due_goals", stdout=out)
    assert out.getvalue().strip() == "1"
    out = io.StringIO()
    call_command("notify_due_goals", "--days", "30", stdout=out)
    assert out.getvalue().strip() == "1"  # the first goal was already notified
    assert Notification.objects.filter(recipient=operator_a, kind="goal_due").count() == 2
