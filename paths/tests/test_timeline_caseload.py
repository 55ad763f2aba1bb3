"""The participant's timeline and the caseload dashboard: content, scope and constant query counts."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import client_for, make_consent, make_participant
from paths import actions
from paths.models import GoalArea, GoalStatus, ReferralStatus, ServiceType
from people.models import ConsentScope, ParticipantAccessLog

TODAY = timezone.localdate()


def service_type(code="legal_advice") -> ServiceType:
    return ServiceType.objects.get(code=code)


def fill_history(participant, user, n: int) -> None:
    """n services, n goals (due over the next days) and n consents for the participant."""
    plan = actions.current_plan(participant) or actions.start_plan(participant, acting_user=user)
    area = GoalArea.objects.get(code="work")
    for i in range(n):
        actions.record_service(
            participant, acting_user=user, data={"service_type": service_type(), "date": TODAY}
        )
        actions.add_goal(
            plan,
            acting_user=user,
            data={
                "area": area,
                "title": f"Obiettivo {i}",
                "owner": user,
                "due_date": TODAY + datetime.timedelta(days=i % 5),
            },
        )
        make_consent(participant, user)


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


# --- Timeline -------------------------------------------------------------------------------------


def test_timeline_lists_everything_newest_first_and_logs_the_read(operator_a, operator_b, participant_a):
    actions.start_plan(participant_a, acting_user=operator_a)
    fill_history(participant_a, operator_a, 1)
    make_consent(participant_a, operator_a, scope=ConsentScope.NETWORK)
    referral = actions.send_referral(
        participant_a,
        acting_user=operator_a,
        to_organisation=operator_b.active_membership.organisation,
        service_type=service_type(),
    )
    actions.transition_referral(referral, ReferralStatus.ACCEPTED, acting_user=operator_b)
    response = client_for(operator_a).get(reverse("paths:timeline", args=[participant_a.pk]))
    assert response.status_code == 200
    items = response.context["items"]
    kinds = {item.kind for item in items}
    assert {"registration", "consent", "service", "referral", "plan", "goal"} <= kinds
    assert [i.when for i in items] == sorted((i.when for i in items), reverse=True)
    assert items[-1].kind == "registration"
    assert ParticipantAccessLog.objects.filter(participant=participant_a, user=operator_a).exists()


def test_timeline_folds_copied_goals_and_shows_updates(operator_a, participant_a):
    plan = actions.start_plan(participant_a, acting_user=operator_a)
    goal = actions.add_goal(
        plan, acting_user=operator_a, data={"area": GoalArea.objects.get(code="work"), "title": "Lavoro"}
    )
    actions.start_plan(participant_a, acting_user=operator_a)
    copy = actions.current_plan(participant_a).goals.get()
    type(copy).objects.filter(pk=copy.pk).update(
        status=GoalStatus.REACHED, updated_at=copy.created_at + datetime.timedelta(minutes=5)
    )
    items = client_for(operator_a).get(reverse("paths:timeline", args=[participant_a.pk])).context["items"]
    goal_texts = [i.text for i in items if i.kind == "goal"]
    assert len(goal_texts) == 2, goal_texts
    assert any("Lavoro" in t for t in goal_texts)
    assert goal.pk != copy.pk


def test_timeline_queries_do_not_grow_with_the_items(operator_a, participant_a, django_assert_num_queries):
    client = client_for(operator_a)
    url = reverse("paths:timeline", args=[participant_a.pk])
    fill_history(participant_a, operator_a, 3)
    client.get(url)
    few = count_queries(client, url)
    fill_history(participant_a, operator_a, 17)
    with django_assert_num_queries(few):
        response = client.get(url)
    assert len([i for i in response.context["items"] if i.kind == "service"]) >= 10
    assert response.context["has_more"]  # 62 events, the first page shows 50


def test_timeline_pages_through_older_events_without_gaps_or_repeats(operator_a, participant_a):
    from paths.views_dashboard import TIMELINE_PAGE

    fill_history(participant_a, operator_a, 25)  # 25 services, 25 goals, 25 consents, a plan, a registration
    client = client_for(operator_a)
    url = reverse("paths:timeline", args=[participant_a.pk])
    first = client.get(url)
    assert len(first.context["items"]) == TIMELINE_PAGE and first.context["has_more"]
    seen = [(i.kind, i.when, i.text) for i in first.context["items"]]
    older_url = first.context["older_url"]
    while older_url:
        page = client.get(url + older_url, headers={"HX-Request": "true"})
        assert page.status_code == 200
        assert next(t.name for t in page.templates) == "paths/_timeline_items.html"  # a fragment for htmx
        seen += [(i.kind, i.when, i.text) for i in page.context["items"]]
        older_url = page.context["older_url"]
    assert len(seen) == len(set(seen)) == 25 * 3 + 2
    assert [when for _kind, when, _text in seen] == sorted((w for _k, w, _t in seen), reverse=True)
    # Without JavaScript the link opens a whole page of older events.
    plain = client.get(url + first.context["older_url"])
    assert "paths/timeline.html" in [t.name for t in plain.templates]
    assert client.get(url + "?prima=not-a-date").context["items"] == first.context["items"]


def test_viewer_sees_the_timeline_and_other_org_gets_404(viewer_a, operator_b, participant_a):
    url = reverse("paths:timeline", args=[participant_a.pk])
    assert client_for(viewer_a).get(url).status_code == 200
    assert client_for(operator_b).get(url).status_code == 404


def test_anonymous_is_sent_to_login(client, participant_a):
    for url in (reverse("paths:timeline", args=[participant_a.pk]), reverse("paths:caseload")):
        assert client.get(url).status_code == 302


# --- Caseload -------------------------------------------------------------------------------------


def test_caseload_shows_my_people_due_goals_and_waiting_referrals(operator_a, admin_b, org_a, participant_a):
    plan = actions.start_plan(participant_a, acting_user=operator_a)
    area = GoalArea.objects.get(code="work")
    overdue = actions.add_goal(
        plan,
        acting_user=operator_a,
        data={
            "area": area,
            "title": "In ritardo",
            "owner": operator_a,
            "due_date": TODAY - datetime.timedelta(days=3),
        },
    )
    actions.add_goal(
        plan,
        acting_user=operator_a,
        data={
            "area": area,
            "title": "Domani",
            "owner": operator_a,
            "due_date": TODAY + datetime.timedelta(days=1),
        },
    )
    actions.add_goal(
        plan,
        acting_user=operator_a,
        data={
            "area": area,
            "title": "Lontano",
            "owner": operator_a,
            "due_date": TODAY + datetime.timedelta(days=30),
        },
    )
    served = make_participant(org_a)
    actions.record_service(
        served, acting_user=operator_a, data={"service_type": service_type(), "date": TODAY}
    )
    make_participant(org_a)  # not mine
    # A referral from org B waiting for org A's answer
    theirs = make_participant(admin_b.active_membership.organisation)
    make_consent(theirs, admin_b, scope=ConsentScope.NETWORK)
    actions.send_referral(theirs, acting_user=admin_b, to_organisation=org_a, service_type=service_type())

    response = client_for(operator_a).get(reverse("paths:caseload"))
    assert response.status_code == 200
    assert set(response.context["participants"]) == {participant_a, served}
    goals = response.context["goals"]
    assert [g.title for g in goals] == ["In ritardo", "Domani"]
    assert goals[0] == overdue and goals[0].days_late == 3
    assert len(response.context["awaiting"]) == 1
    assert theirs.last_name not in response.content.decode()  # only the summary before acceptance


def test_caseload_is_only_for_case_workers(viewer_a, coordinator, operator_a):
    assert client_for(viewer_a).get(reverse("paths:caseload")).status_code == 403
    assert client_for(coordinator).get(reverse("paths:caseload")).status_code == 403
    assert client_for(operator_a).get(reverse("paths:caseload")).status_code == 200


@pytest.mark.parametrize("extra", [17])
def test_caseload_queries_do_not_grow_with_the_items(operator_a, org_a, extra, django_assert_num_queries):
    client = client_for(operator_a)
    url = reverse("paths:caseload")
    people = [make_participant(org_a) for _ in range(3)]
    for p in people:
        fill_history(p, operator_a, 1)
    client.get(url)
    few = count_queries(client, url)
    for _ in range(extra):
        fill_history(make_participant(org_a), operator_a, 1)
    with django_assert_num_queries(few):
        response = client.get(url)
    assert len(response.context["participants"]) == 20
    assert len(response.context["goals"]) == 20
