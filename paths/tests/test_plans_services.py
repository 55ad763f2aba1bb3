"""Individual plans, goals and steps; services delivered (fast entry, group sessions, list, import, API)."""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from conftest import client_for, make_consent, make_participant
from core.imports import get_kind, run_import
from paths import actions
from paths.models import (
    Goal,
    GoalArea,
    GoalStatus,
    GoalStep,
    IndividualPlan,
    ReferralStatus,
    ServiceRecord,
    ServiceType,
)
from people.models import ConsentScope

TODAY = timezone.localdate()


def area(code="work") -> GoalArea:
    return GoalArea.objects.get(code=code)


def service_type(code="legal_advice") -> ServiceType:
    return ServiceType.objects.get(code=code)


def plan_with_goal(participant, user, **goal_fields) -> tuple[IndividualPlan, Goal]:
    plan = actions.start_plan(participant, acting_user=user, summary="Obiettivi iniziali")
    data = {"area": area(), "title": "Trovare lavoro", "owner": user, "due_date": TODAY}
    data.update(goal_fields)
    goal = actions.add_goal(plan, acting_user=user, data=data, steps=["Scrivere il CV"])
    return plan, goal


def service_post(**overrides) -> dict:
    data = {
        "service_type": str(service_type().pk),
        "date": TODAY.isoformat(),
        "duration_minutes": "30",
        "action": "",
        "outcome": "delivered",
        "note": "",
    }
    data.update(overrides)
    return data


def accepted_referral(participant, sender, receiver):
    """A referral from the participant's organisation to the receiver's, accepted, with a sharing consent."""
    make_consent(participant, sender, scope=ConsentScope.NETWORK)
    referral = actions.send_referral(
        participant,
        acting_user=sender,
        to_organisation=receiver.active_membership.organisation,
        service_type=service_type(),
    )
    return actions.transition_referral(referral, ReferralStatus.ACCEPTED, acting_user=receiver)


# --- Plans ----------------------------------------------------------------------------------------


def test_operator_starts_the_first_plan(operator_a, participant_a):
    client = client_for(operator_a)
    response = client.get(reverse("paths:plan", args=[participant_a.pk]))
    assert response.status_code == 200
    assert response.context["plan"] is None
    response = client.post(
        reverse("paths:plan_revise", args=[participant_a.pk]), {"summary": "Primo piano", "next_review": ""}
    )
    assert response.status_code == 302
    plan = IndividualPlan.objects.get(participant=participant_a)
    assert (plan.version, plan.is_current, plan.summary, plan.created_by) == (
        1,
        True,
        "Primo piano",
        operator_a,
    )


def test_revision_keeps_the_earlier_version_read_only_and_copies_goals(operator_a, participant_a):
    first, goal = plan_with_goal(participant_a, operator_a)
    client = client_for(operator_a)
    response = client.post(reverse("paths:plan_revise", args=[participant_a.pk]), {"summary": "Rivisto"})
    assert response.status_code == 302
    first.refresh_from_db()
    current = IndividualPlan.objects.get(participant=participant_a, is_current=True)
    assert not first.is_current and current.version == 2
    assert [g.title for g in current.goals.all()] == ["Trovare lavoro"]
    assert current.goals.get().steps.count() == 1
    # The earlier version is shown read-only
    response = client.get(reverse("paths:plan", args=[participant_a.pk]), {"version": 1})
    assert response.status_code == 200
    assert response.context["plan"] == first and response.context["read_only"]
    # And cannot be changed: the form shows the error, nothing is saved
    response = client.post(
        reverse("paths:goal_edit", args=[goal.pk]),
        {"title": "Altro", "status": "reached", "owner": "", "due_date": "", "review_date": ""},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    goal.refresh_from_db()
    assert goal.title == "Trovare lavoro"


def test_only_one_current_plan_per_participant(operator_a, participant_a, org_a):
    actions.start_plan(participant_a, acting_user=operator_a)
    with pytest.raises(IntegrityError), transaction.atomic():
        IndividualPlan.objects.create(
            participant=participant_a, version=9, organisation=org_a, created_by=operator_a, is_current=True
        )


def test_goal_create_edit_and_steps(operator_a, colleague_a, participant_a):
    actions.start_plan(participant_a, acting_user=operator_a)
    client = client_for(operator_a)
    response = client.post(
        reverse("paths:goal_create", args=[participant_a.pk]),
        {
            "area": str(area("housing").pk),
            "title": "Trovare casa",
            "owner": str(colleague_a.pk),
            "due_date": "",
            "review_date": "",
            "steps": "Contattare l'agenzia\n\nVisitare due case",
        },
    )
    assert response.status_code == 302
    goal = Goal.objects.get(title="Trovare casa")
    assert goal.owner == colleague_a and goal.steps.count() == 2
    response = client.post(
        reverse("paths:goal_edit", args=[goal.pk]),
        {
            "title": "Trovare casa",
            "status": GoalStatus.IN_PROGRESS,
            "owner": str(colleague_a.pk),
            "due_date": "2030-01-31",
            "review_date": "",
        },
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.status == GoalStatus.IN_PROGRESS and goal.due_date == datetime.date(2030, 1, 31)
    response = client.post(
        reverse("paths:step_create", args=[goal.pk]), {"description": "Firmare", "due_date": ""}
    )
    assert response.status_code == 302
    assert goal.steps.count() == 3


def test_goal_owner_must_be_a_member_of_the_acting_organisation(operator_a, operator_b, participant_a):
    actions.start_plan(participant_a, acting_user=operator_a)
    response = client_for(operator_a).post(
        reverse("paths:goal_create", args=[participant_a.pk]),
        {"area": str(area().pk), "title": "X", "owner": str(operator_b.pk), "steps": ""},
    )
    assert response.status_code == 200
    assert "owner" in response.context["form"].errors
    assert not Goal.objects.exists()


def test_step_toggle_with_htmx_swaps_the_row_and_without_js_redirects(operator_a, participant_a):
    _plan, goal = plan_with_goal(participant_a, operator_a)
    step = goal.steps.get()
    client = client_for(operator_a)
    url = reverse("paths:step_toggle", args=[step.pk])
    response = client.post(url, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="step-{step.pk}"' in response.content.decode()
    assert GoalStep.objects.get(pk=step.pk).done_at is not None
    response = client.post(url)
    assert response.status_code == 302
    assert GoalStep.objects.get(pk=step.pk).done_at is None


def test_plan_page_shows_goals_and_steps(operator_a, participant_a):
    plan_with_goal(participant_a, operator_a)
    response = client_for(operator_a).get(reverse("paths:plan", args=[participant_a.pk]))
    content = response.content.decode()
    assert "Trovare lavoro" in content and "Scrivere il CV" in content


# --- Scoping --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["paths:plan", "paths:timeline", "paths:service_create", "paths:plan_revise", "paths:goal_create"]
)
def test_operator_of_another_org_gets_404_on_participant_pages(name, operator_b, participant_a):
    assert client_for(operator_b).get(reverse(name, args=[participant_a.pk])).status_code == 404


def test_operator_of_another_org_gets_404_on_goals_and_steps(operator_a, operator_b, participant_a):
    _plan, goal = plan_with_goal(participant_a, operator_a)
    client = client_for(operator_b)
    assert client.get(reverse("paths:goal_edit", args=[goal.pk])).status_code == 404
    assert client.post(reverse("paths:step_toggle", args=[goal.steps.get().pk])).status_code == 404


def test_viewer_reads_the_plan_but_gets_403_on_writes_and_nothing_changes(
    operator_a, viewer_a, participant_a
):
    _plan, goal = plan_with_goal(participant_a, operator_a)
    step = goal.steps.get()
    client = client_for(viewer_a)
    response = client.get(reverse("paths:plan", args=[participant_a.pk]))
    assert response.status_code == 200 and response.context["read_only"]
    assert (
        client.post(reverse("paths:plan_revise", args=[participant_a.pk]), {"summary": "x"}).status_code
        == 403
    )
    assert client.post(reverse("paths:goal_create", args=[participant_a.pk]), {}).status_code == 403
    assert client.post(reverse("paths:goal_edit", args=[goal.pk]), {"title": "x"}).status_code == 403
    assert client.post(reverse("paths:step_create", args=[goal.pk]), {"description": "x"}).status_code == 403
    assert client.post(reverse("paths:step_toggle", args=[step.pk])).status_code == 403
    assert (
        client.post(reverse("paths:service_create", args=[participant_a.pk]), service_post()).status_code
        == 403
    )
    assert IndividualPlan.objects.count() == 1 and Goal.objects.count() == 1 and GoalStep.objects.count() == 1
    assert GoalStep.objects.get().done_at is None and not ServiceRecord.objects.exists()


def test_receiver_of_an_accepted_referral_records_a_service_and_sees_the_timeline_until_completion(
    operator_a, operator_b, participant_a
):
    referral = accepted_referral(participant_a, operator_a, operator_b)
    client = client_for(operator_b)
    response = client.post(reverse("paths:service_create", args=[participant_a.pk]), service_post())
    assert response.status_code == 302
    record = ServiceRecord.objects.get()
    assert record.organisation == operator_b.active_membership.organisation
    assert client.get(reverse("paths:timeline", args=[participant_a.pk])).status_code == 200
    actions.transition_referral(referral, ReferralStatus.COMPLETED, acting_user=operator_b)
    assert client.get(reverse("paths:timeline", args=[participant_a.pk])).status_code == 404
    response = client.post(reverse("paths:service_create", args=[participant_a.pk]), service_post())
    assert response.status_code == 404
    assert ServiceRecord.objects.count() == 1


# --- Services -------------------------------------------------------------------------------------


def test_fast_entry_records_a_service_with_the_type_action_and_goes_back(operator_a, participant_a):
    client = client_for(operator_a)
    response = client.get(reverse("paths:service_create", args=[participant_a.pk]))
    assert response.context["form"]["date"].value() == TODAY
    assert response.context["form"]["duration_minutes"].value() == 30
    response = client.post(reverse("paths:service_create", args=[participant_a.pk]), service_post(note="ok"))
    assert response.status_code == 302
    assert response["Location"] == participant_a.get_absolute_url()
    record = ServiceRecord.objects.get()
    assert (record.operator, record.action, record.note) == (operator_a, service_type().default_action, "ok")


def test_save_and_add_another_returns_to_the_form(operator_a, participant_a):
    url = reverse("paths:service_create", args=[participant_a.pk])
    response = client_for(operator_a).post(url, {**service_post(action="03"), "add_another": "1"})
    assert response["Location"] == url
    assert ServiceRecord.objects.get().action == "03"


def test_a_service_in_the_future_is_refused(operator_a, participant_a):
    tomorrow = (TODAY + datetime.timedelta(days=1)).isoformat()
    response = client_for(operator_a).post(
        reverse("paths:service_create", args=[participant_a.pk]), service_post(date=tomorrow)
    )
    assert response.status_code == 200 and not ServiceRecord.objects.exists()


def test_group_session_records_one_service_per_participant(operator_a, org_a, participant_a):
    other = make_participant(org_a)
    response = client_for(operator_a).post(
        reverse("paths:service_group"), {**service_post(), "participants": [participant_a.pk, other.pk]}
    )
    assert response.status_code == 302
    records = list(ServiceRecord.objects.all())
    assert {r.participant_id for r in records} == {participant_a.pk, other.pk}
    assert len({r.group_session for r in records}) == 1 and records[0].group_session


def test_group_session_with_one_participant_out_of_scope_is_refused_and_saves_nothing(
    operator_a, participant_a, participant_b
):
    response = client_for(operator_a).post(
        reverse("paths:service_group"),
        {**service_post(), "participants": [participant_a.pk, participant_b.pk]},
    )
    assert response.status_code == 403
    assert not ServiceRecord.objects.exists()


def test_group_session_page_lists_only_people_the_user_works_on(operator_a, participant_a, participant_b):
    response = client_for(operator_a).get(reverse("paths:service_group"))
    values = {value for value, _label in response.context["form"].fields["participants"].choices}
    assert values == {participant_a.pk}


def test_service_list_shows_the_organisation_services_with_constant_queries(
    operator_a, operator_b, org_a, participant_a, participant_b, django_assert_num_queries
):
    actions.record_service(
        participant_b, acting_user=operator_b, data={"service_type": service_type(), "date": TODAY}
    )
    client = client_for(operator_a)
    url = reverse("paths:service_list")

    def add(n):
        for _ in range(n):
            actions.record_service(
                make_participant(org_a),
                acting_user=operator_a,
                data={"service_type": service_type(), "date": TODAY},
            )

    add(3)
    client.get(url)  # warm the session and caches
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        response = client.get(url)
    assert response.context["page"].paginator.count == 3
    add(17)
    with django_assert_num_queries(len(few)):
        response = client.get(url)
    assert response.context["page"].paginator.count == 20
    response = client.get(url, {"service_type": service_type("housing_support").pk})
    assert response.context["page"].paginator.count == 0


# --- Import ---------------------------------------------------------------------------------------


def _csv(rows: list[str]) -> SimpleUploadedFile:
    header = (
        "participant_id,codice_fiscale,service_type,date,duration_minutes,action,outcome,note,operator_email"
    )
    return SimpleUploadedFile("servizi.csv", "\n".join([header, *rows]).encode(), content_type="text/csv")


def test_services_import_saves_every_row(operator_a, colleague_a, org_a, participant_a):
    other = make_participant(org_a, codice_fiscale="BNLMNA90E57Z330X")
    date = TODAY.strftime("%d/%m/%Y")
    report = run_import(
        get_kind("services"),
        _csv(
            [
                f"{participant_a.pk},,legal_advice,{date},45,,,,",
                f",{other.codice_fiscale},housing_support,{date},,03,partial,nota,colleague_a@example.org",
            ]
        ),
        operator_a,
        dry_run=False,
    )
    assert report.ok, [str(e) for e in report.errors]
    assert report.imported == 2
    first = ServiceRecord.objects.get(participant=participant_a)
    second = ServiceRecord.objects.get(participant=other)
    assert (first.duration_minutes, first.operator, first.action) == (45, operator_a, "02")
    assert (second.duration_minutes, second.operator, second.action, second.outcome) == (
        30,
        colleague_a,
        "03",
        "partial",
    )


def test_services_import_with_a_bad_row_saves_nothing_and_does_not_leak_existence(
    operator_a, operator_b, participant_a, participant_b
):
    date = TODAY.strftime("%d/%m/%Y")
    report = run_import(
        get_kind("services"),
        _csv(
            [
                f"{participant_a.pk},,legal_advice,{date},30,,,,",
                f"{participant_b.pk},,legal_advice,{date},30,,,,",
                f"999999,,legal_advice,{date},30,,,,",
                f"{participant_a.pk},,nope,{date},30,,,,operator_b@example.org",
                f",,legal_advice,{date},30,,,,",
            ]
        ),
        operator_a,
        dry_run=False,
    )
    assert not report.ok and report.imported == 0
    assert not ServiceRecord.objects.exists()
    messages = {(e.row, e.column): e.message for e in report.errors}
    assert messages[(3, "participant_id")] == messages[(4, "participant_id")]
    assert (5, "service_type") in messages and (5, "operator_email") in messages
    assert (6, "participant_id") in messages


def test_services_import_needs_the_permission(viewer_a):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        run_import(get_kind("services"), _csv([]), viewer_a)


def test_services_import_template_builds(operator_a):
    from core.imports import build_template

    assert build_template(get_kind("services"), operator_a)[:2] == b"PK"


# --- API ------------------------------------------------------------------------------------------


def test_api_returns_the_current_plan_with_goals_and_steps(operator_a, operator_b, participant_a):
    plan_with_goal(participant_a, operator_a)
    url = f"/api/v1/plans/{participant_a.pk}"
    response = client_for(operator_a).get(url)
    assert response.status_code == 200
    body = response.json()
    assert body["version"] == 1
    assert body["goals"][0]["title"] == "Trovare lavoro"
    assert body["goals"][0]["steps"][0]["description"] == "Scrivere il CV"
    assert client_for(operator_b).get(url).status_code == 404


def test_api_lists_services_in_scope_paginated_with_constant_queries(
    operator_a, operator_b, org_a, participant_a, participant_b, django_assert_num_queries
):
    actions.record_service(
        participant_b, acting_user=operator_b, data={"service_type": service_type(), "date": TODAY}
    )
    for _ in range(3):
        actions.record_service(
            participant_a, acting_user=operator_a, data={"service_type": service_type(), "date": TODAY}
        )
    client = client_for(operator_a)
    client.get("/api/v1/services/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        response = client.get("/api/v1/services/")
    assert response.json()["count"] == 3
    for _ in range(17):
        actions.record_service(
            participant_a, acting_user=operator_a, data={"service_type": service_type(), "date": TODAY}
        )
    with django_assert_num_queries(len(few)):
        response = client.get("/api/v1/services/", {"participant": participant_a.pk})
    assert response.json()["count"] == 20


def test_api_records_a_service(operator_a, viewer_a, operator_b, participant_a):
    payload = {
        "participant_id": participant_a.pk,
        "service_type": "legal_advice",
        "date": TODAY.isoformat(),
        "duration_minutes": 60,
        "outcome": "delivered",
        "note": "",
    }
    post = lambda user, data: client_for(user).post(  # noqa: E731
        "/api/v1/services/", json.dumps(data), content_type="application/json"
    )
    assert post(viewer_a, payload).status_code == 403
    assert post(operator_b, payload).status_code == 404
    assert post(operator_a, {**payload, "service_type": "nope"}).status_code == 422
    assert post(operator_a, {**payload, "duration_minutes": 0}).status_code == 422
    assert not ServiceRecord.objects.exists()
    response = post(operator_a, payload)
    assert response.status_code == 201, response.content
    assert response.json()["duration_minutes"] == 60
    assert ServiceRecord.objects.get().operator == operator_a
