"""Referrals between organisations: consent check and override, state machine, scoping, queues, API."""

from __future__ import annotations

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import client_for, make_consent, make_member, make_organisation, make_participant
from core.roles import Role
from paths import actions
from paths.models import Notification, Referral, ReferralEvent, ReferralStatus, ServiceType
from people.actions import withdraw_consent
from people.models import ConsentScope


@pytest.fixture
def service():
    return ServiceType.objects.get(code="legal_advice")


@pytest.fixture
def consent_a(participant_a, operator_a):
    return make_consent(participant_a, operator_a, scope=ConsentScope.NETWORK)


@pytest.fixture
def org_c(db):
    return make_organisation("Associazione Terza")


@pytest.fixture
def operator_c(org_c):
    return make_member(org_c, Role.OPERATOR, "operator_c@example.org")


def send(participant, user, to, service, **kwargs):
    return actions.send_referral(
        participant, acting_user=user, to_organisation=to, service_type=service, **kwargs
    )


@pytest.fixture
def referral(participant_a, operator_a, org_b, service, consent_a, operator_b, admin_b):
    return send(participant_a, operator_a, org_b, service, reason="Needs legal advice on the permit")


def detail_url(referral):
    return reverse("paths:referral_detail", args=[referral.pk])


def transition_url(referral, status):
    return reverse("paths:referral_transition", args=[referral.pk, status])


# --- Sending and consent ----------------------------------------------------------------------------


def test_operator_sends_a_referral_covered_by_a_consent(operator_a, participant_a, org_b, service, consent_a):
    response = client_for(operator_a).post(
        reverse("paths:referral_create", args=[participant_a.pk]),
        {"to_organisation": org_b.pk, "service_type": service.pk, "reason": "Permit", "urgent": "on"},
    )
    referral = Referral.objects.get()
    assert response.status_code == 302
    assert response.url == detail_url(referral)
    assert referral.consent == consent_a
    assert referral.urgent
    assert referral.status == ReferralStatus.SENT
    assert referral.events.get().to_status == ReferralStatus.SENT


def test_operator_without_a_covering_consent_is_refused_and_nothing_is_saved(
    operator_a, participant_a, org_b, service, operator_b
):
    response = client_for(operator_a).post(
        reverse("paths:referral_create", args=[participant_a.pk]),
        {
            "to_organisation": org_b.pk,
            "service_type": service.pk,
            "reason": "Permit",
            "override_reason": "urgent",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert "override_reason" not in response.context["form"].fields
    assert not Referral.objects.exists()
    assert not ReferralEvent.objects.exists()
    assert not Notification.objects.exists()


def test_operator_cannot_override_a_missing_consent_through_the_action(
    operator_a, participant_a, org_b, service
):
    with pytest.raises(PermissionDenied):
        send(participant_a, operator_a, org_b, service, override_reason="It is urgent")
    assert not Referral.objects.exists()


def test_admin_sends_without_consent_with_a_reason_and_it_is_audited(admin_a, participant_a, org_b, service):
    response = client_for(admin_a).post(
        reverse("paths:referral_create", args=[participant_a.pk]),
        {
            "to_organisation": org_b.pk,
            "service_type": service.pk,
            "reason": "Secret reason",
            "override_reason": "Eviction tomorrow, consent form on its way",
        },
    )
    assert response.status_code == 302
    referral = Referral.objects.get()
    assert referral.consent is None
    assert referral.consent_override_reason == "Eviction tomorrow, consent form on its way"
    entry = LogEntry.objects.get_for_object(referral).get(action=LogEntry.Action.CREATE)
    assert entry.actor == admin_a
    assert "Eviction tomorrow" in str(entry.changes_dict["consent_override_reason"])
    assert "Secret reason" not in str(entry.changes_dict.get("reason"))
    page = client_for(admin_a).get(detail_url(referral))
    assert "Eviction tomorrow, consent form on its way" in page.content.decode()


def test_a_withdrawn_consent_no_longer_covers(operator_a, participant_a, org_b, service, consent_a):
    assert actions.covering_consent(participant_a, org_b) == consent_a
    withdraw_consent(consent_a, acting_user=operator_a, reason="Changed their mind")
    assert actions.covering_consent(participant_a, org_b) is None
    with pytest.raises(ValidationError):
        send(participant_a, operator_a, org_b, service)
    assert not Referral.objects.exists()


def test_a_listed_consent_covers_only_the_listed_organisations(operator_a, participant_a, org_b, org_c):
    consent = make_consent(participant_a, operator_a, scope=ConsentScope.LISTED, organisations=[org_b])
    assert actions.covering_consent(participant_a, org_b) == consent
    assert actions.covering_consent(participant_a, org_c) is None


def test_the_form_fragment_says_whether_a_consent_covers_the_organisation(
    operator_a, participant_a, org_b, org_c, consent_a
):
    url = reverse("paths:referral_create", args=[participant_a.pk])
    client = client_for(operator_a)
    consent_a.organisations.set([])
    covered = client.get(url, {"to_organisation": org_b.pk}, HTTP_HX_REQUEST="true")
    assert covered.status_code == 200
    assert covered.context["consent"] == consent_a
    assert "15/01/2025" in covered.content.decode()
    withdraw_consent(consent_a, acting_user=operator_a)
    uncovered = client.get(url, {"to_organisation": org_c.pk}, HTTP_HX_REQUEST="true")
    assert uncovered.context["consent"] is None
    assert reverse("people:consent_create", args=[participant_a.pk]) in uncovered.content.decode()


def test_the_referral_form_is_not_found_for_another_organisations_participant(operator_a, participant_b):
    response = client_for(operator_a).get(reverse("paths:referral_create", args=[participant_b.pk]))
    assert response.status_code == 404


def test_a_viewer_cannot_send_referrals(viewer_a, participant_a):
    response = client_for(viewer_a).get(reverse("paths:referral_create", args=[participant_a.pk]))
    assert response.status_code == 403


# --- State machine ----------------------------------------------------------------------------------


def test_the_receiver_accepts_and_completes(referral, operator_b):
    client = client_for(operator_b)
    assert client.post(transition_url(referral, "accepted")).status_code == 302
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.assigned_to == operator_b
    client.post(transition_url(referral, "completed"), {"note": "Done"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.COMPLETED
    assert referral.closed_at is not None
    assert list(referral.events.values_list("to_status", flat=True)) == ["sent", "accepted", "completed"]


def test_a_rejection_needs_a_reason(referral, operator_b):
    client = client_for(operator_b)
    client.post(transition_url(referral, "rejected"), {"note": ""})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT
    client.post(transition_url(referral, "rejected"), {"note": "No places left"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.REJECTED
    assert referral.rejection_reason == "No places left"


@pytest.mark.parametrize(
    ("setup", "actor", "target"),
    [
        (["rejected"], "operator_b", "completed"),
        (["rejected"], "operator_b", "accepted"),
        (["accepted", "completed"], "operator_a", "withdrawn"),
        (["withdrawn"], "operator_b", "accepted"),
    ],
)
def test_forbidden_transitions_change_nothing(referral, operator_a, operator_b, setup, actor, target):
    users = {"operator_a": operator_a, "operator_b": operator_b}
    for status in setup:
        user = operator_a if status == "withdrawn" else operator_b
        actions.transition_referral(referral, status, acting_user=user, note="reason")
    referral.refresh_from_db()
    before = (referral.status, referral.events.count())
    response = client_for(users[actor]).post(transition_url(referral, target), {"note": "x"})
    assert response.status_code == 302
    referral.refresh_from_db()
    assert (referral.status, referral.events.count()) == before


def test_the_receiver_cannot_withdraw_and_the_sender_cannot_accept(referral, operator_a, operator_b):
    assert client_for(operator_b).post(transition_url(referral, "withdrawn")).status_code == 403
    assert client_for(operator_a).post(transition_url(referral, "accepted")).status_code == 403
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT
    assert referral.events.count() == 1


def test_the_sender_withdraws_an_open_referral(referral, operator_a):
    client_for(operator_a).post(transition_url(referral, "withdrawn"), {"note": "Solved"})
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.WITHDRAWN


def test_an_unknown_status_is_not_found(referral, operator_b):
    assert client_for(operator_b).post(transition_url(referral, "teleported")).status_code == 404


def test_a_third_organisation_neither_sees_nor_acts(referral, operator_c):
    client = client_for(operator_c)
    assert client.get(detail_url(referral)).status_code == 404
    assert client.post(transition_url(referral, "accepted")).status_code == 404
    assert client.post(transition_url(referral, "withdrawn")).status_code == 404
    assert (
        client.post(
            reverse("paths:referral_assign", args=[referral.pk]), {"assignee": operator_c.pk}
        ).status_code
        == 404
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SENT
    assert referral.assigned_to is None


def test_the_receiver_assigns_a_colleague_but_not_an_outsider(referral, operator_b, admin_b, operator_a):
    url = reverse("paths:referral_assign", args=[referral.pk])
    client = client_for(operator_b)
    client.post(url, {"assignee": operator_a.pk})
    referral.refresh_from_db()
    assert referral.assigned_to is None
    assert client.post(url, {"assignee": admin_b.pk}).status_code == 302
    referral.refresh_from_db()
    assert referral.assigned_to == admin_b
    assert Notification.objects.filter(recipient=admin_b, kind="referral_assigned").exists()


def test_the_sender_cannot_assign(referral, operator_a, colleague_a):
    response = client_for(operator_a).post(
        reverse("paths:referral_assign", args=[referral.pk]), {"assignee": colleague_a.pk}
    )
    assert response.status_code == 403


# --- Visibility of the participant ----------------------------------------------------------------


def test_the_receiver_sees_the_person_only_while_the_referral_is_accepted(
    referral, participant_a, operator_b
):
    client = client_for(operator_b)
    person_url = reverse("people:participant_detail", args=[participant_a.pk])
    assert client.get(person_url).status_code == 404
    queue = client.get(reverse("paths:referral_queues")).content.decode()
    assert referral.summary in queue
    assert participant_a.last_name not in queue
    detail = client.get(detail_url(referral))
    assert detail.status_code == 200
    assert participant_a.last_name not in detail.content.decode()
    assert "Needs legal advice" not in detail.content.decode()

    actions.transition_referral(referral, "accepted", acting_user=operator_b)
    assert client.get(person_url).status_code == 200
    detail = client.get(detail_url(referral)).content.decode()
    assert person_url in detail
    assert "Needs legal advice" in detail

    actions.transition_referral(referral, "completed", acting_user=operator_b)
    assert client.get(person_url).status_code == 404
    assert client.get(detail_url(referral)).status_code == 200


def test_the_sender_sees_the_reason_and_the_participant(referral, operator_a, participant_a):
    page = client_for(operator_a).get(detail_url(referral)).content.decode()
    assert "Needs legal advice" in page
    assert reverse("people:participant_detail", args=[participant_a.pk]) in page


# --- Notifications ----------------------------------------------------------------------------------


def test_sending_notifies_the_receivers_caseworkers_and_emails_only_those_who_want_it(
    participant_a,
    operator_a,
    org_b,
    service,
    consent_a,
    operator_b,
    admin_b,
    django_capture_on_commit_callbacks,
):
    admin_b.email_notifications = False
    admin_b.save(update_fields=["email_notifications"])
    with django_capture_on_commit_callbacks(execute=True):
        referral = send(participant_a, operator_a, org_b, service)
    assert set(Notification.objects.filter(kind="referral_received").values_list("recipient", flat=True)) == {
        operator_b.pk,
        admin_b.pk,
    }
    assert [m.to for m in mail.outbox] == [[operator_b.email]]

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        actions.transition_referral(referral, "accepted", acting_user=operator_b)
    accepted = Notification.objects.get(kind="referral_accepted")
    assert accepted.recipient == operator_a
    assert accepted.url == detail_url(referral)
    assert [m.to for m in mail.outbox] == [[operator_a.email]]


# --- Queues and query counts --------------------------------------------------------------------------


def _make_referrals(count, participant_owner, sender, to, service):
    for _ in range(count):
        person = make_participant(participant_owner)
        make_consent(person, sender, scope=ConsentScope.NETWORK)
        send(person, sender, to, service)


def _queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_the_queues_list_each_side_and_the_coordinator_sees_the_network(
    referral, operator_a, operator_b, coordinator
):
    queues_b = {
        key: rows
        for key, _t, rows, _n in client_for(operator_b)
        .get(reverse("paths:referral_queues"))
        .context["queues"]
    }
    assert [r.pk for r in queues_b["incoming"]] == [referral.pk]
    assert queues_b["incoming"][0].visible_participant is None
    queues_a = {
        key: rows
        for key, _t, rows, _n in client_for(operator_a)
        .get(reverse("paths:referral_queues"))
        .context["queues"]
    }
    assert [r.pk for r in queues_a["outgoing"]] == [referral.pk]
    assert queues_a["outgoing"][0].visible_participant is not None
    network = client_for(coordinator).get(reverse("paths:referral_queues")).context["queues"]
    assert [key for key, _t, _r, _n in network] == ["network"]
    assert network[0][3] == 1
    assert [r.pk for r in network[0][2]] == [referral.pk]


def test_queue_and_detail_queries_do_not_grow_with_rows(org_a, org_b, operator_a, operator_b, service):
    _make_referrals(3, org_a, operator_a, org_b, service)
    referral = Referral.objects.first()
    url = reverse("paths:referral_queues")
    few_b, few_a = _queries(client_for(operator_b), url), _queries(client_for(operator_a), url)
    few_detail = _queries(client_for(operator_b), detail_url(referral))
    _make_referrals(12, org_a, operator_a, org_b, service)
    for other in Referral.objects.exclude(pk=referral.pk)[:6]:
        actions.transition_referral(other, "accepted", acting_user=operator_b)
    actions.transition_referral(referral, "accepted", acting_user=operator_b)
    assert _queries(client_for(operator_b), url) == few_b
    assert _queries(client_for(operator_a), url) == few_a
    assert _queries(client_for(operator_b), detail_url(referral)) == few_detail


# --- API --------------------------------------------------------------------------------------------


def test_api_incoming_sent_referrals_hide_the_participant_until_accepted(referral, operator_b, participant_a):
    client = client_for(operator_b)
    items = client.get("/api/v1/referrals/", {"queue": "incoming"}).json()["items"]
    assert [item["id"] for item in items] == [referral.pk]
    assert items[0]["participant_id"] is None
    assert items[0]["reason"] is None
    assert items[0]["summary"] == referral.summary
    response = client.post(
        f"/api/v1/referrals/{referral.pk}/transition", {"status": "accepted"}, content_type="application/json"
    )
    assert response.status_code == 200
    assert response.json()["participant_id"] == participant_a.pk
    assert client.get(f"/api/v1/referrals/{referral.pk}").json()["participant_id"] == participant_a.pk


def test_api_creates_a_referral_and_refuses_forbidden_transitions(
    operator_a, operator_b, participant_a, org_b, service, consent_a
):
    client = client_for(operator_a)
    response = client.post(
        "/api/v1/referrals/",
        {"participant_id": participant_a.pk, "to_organisation_id": org_b.pk, "service_type": service.code},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    referral_id = response.json()["id"]
    assert response.json()["participant_id"] == participant_a.pk
    outgoing = client.get("/api/v1/referrals/", {"queue": "outgoing"}).json()["items"]
    assert [item["id"] for item in outgoing] == [referral_id]
    forbidden = client.post(
        f"/api/v1/referrals/{referral_id}/transition",
        {"status": "completed"},
        content_type="application/json",
    )
    assert forbidden.status_code == 422
    wrong_side = client.post(
        f"/api/v1/referrals/{referral_id}/transition", {"status": "accepted"}, content_type="application/json"
    )
    assert wrong_side.status_code == 403
    assert Referral.objects.get(pk=referral_id).status == ReferralStatus.SENT


def test_api_refuses_a_referral_without_consent_and_hides_it_from_a_third_organisation(
    operator_a, operator_c, participant_a, org_b, service, referral
):
    # The `referral` fixture recorded a network consent: withdraw it.
    for consent in participant_a.consents.all():
        withdraw_consent(consent, acting_user=operator_a)
    response = client_for(operator_a).post(
        "/api/v1/referrals/",
        {"participant_id": participant_a.pk, "to_organisation_id": org_b.pk, "service_type": service.code},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert Referral.objects.count() == 1
    assert client_for(operator_c).get(f"/api/v1/referrals/{referral.pk}").status_code == 404
    assert (
        client_for(operator_c)
        .post(
            f"/api/v1/referrals/{referral.pk}/transition",
            {"status": "accepted"},
            content_type="application/json",
        )
        .status_code
        == 404
    )


def test_pages_render_for_each_side(
    referral, admin_a, operator_b, viewer_a, coordinator, participant_a, mediator_a
):
    form = client_for(admin_a).get(reverse("paths:referral_create", args=[participant_a.pk]))
    assert "override_reason" in form.context["form"].fields
    assert client_for(operator_b).get(reverse("paths:referral_assign", args=[referral.pk])).status_code == 200
    assert client_for(viewer_a).get(reverse("paths:referral_queues")).status_code == 200
    viewer_detail = client_for(viewer_a).get(detail_url(referral))
    assert viewer_detail.status_code == 200
    assert viewer_detail.context["transitions"] == []
    assert client_for(coordinator).get(detail_url(referral)).status_code == 200
    assert client_for(mediator_a).get(reverse("paths:referral_queues")).status_code == 403


def test_a_long_queue_shows_the_oldest_with_the_total_and_lists_all_on_its_own_page(
    org_a, org_b, operator_a, operator_b, service
):
    # Given more incoming referrals than the preview shows
    from paths.views_referrals import QUEUE_PREVIEW

    _make_referrals(QUEUE_PREVIEW + 3, org_a, operator_a, org_b, service)
    client = client_for(operator_b)
    # When the receiver opens the queues, then the preview is capped and the total is right
    incoming = {
        key: (rows, n) for key, _t, rows, n in client.get(reverse("paths:referral_queues")).context["queues"]
    }
    rows, total = incoming["incoming"]
    assert len(rows) == QUEUE_PREVIEW
    assert total == QUEUE_PREVIEW + 3
    # And the queue's own page lists all of them, oldest first
    response = client.get(reverse("paths:referral_queues") + "?queue=incoming")
    only = response.context["queues"]
    assert [key for key, *_ in only] == ["incoming"]
    assert len(only[0][2]) == QUEUE_PREVIEW + 3
    sent = [r.sent_at for r in only[0][2]]
    assert sent == sorted(sent)
