"""Workspace pages of activities: who reaches what, the list, create and edit, the activity's page,
closing, sessions, enrolments (search scoping), assessments (the all-or-nothing class grid),
self-assessments, topics and the timeline sources."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.urls import reverse
from django.utils import timezone

from activities import actions, timeline
from activities.models import (
    Activity,
    ActivityKind,
    ActivityStatus,
    AssessmentEvidence,
    AssessmentMoment,
    Attendance,
    AttendanceStatus,
    CEFRLevel,
    Enrolment,
    EnrolmentKind,
    EnrolmentStatus,
    LanguageAssessment,
    SelfAssessment,
    Session,
    TrainingTopic,
)
from conftest import client_for, make_activity, make_member, make_participant, make_sessions
from core.roles import Role

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def enrol_many(activity, user, owner, n, **fields):
    return [
        actions.enrol(activity, acting_user=user, participant=make_participant(owner, **fields))
        for _ in range(n)
    ]


def snapshot() -> dict:
    """Everything the activity pages could write."""
    return {
        "activities": list(Activity.objects.order_by("pk").values()),
        "partners": list(Activity.partners.through.objects.order_by("pk").values_list()),
        "trainers": list(Activity.trainers.through.objects.order_by("pk").values_list()),
        "sessions": list(Session.objects.order_by("pk").values()),
        "enrolments": list(Enrolment.objects.order_by("pk").values()),
        "attendance": list(Attendance.objects.order_by("pk").values("pk", "status", "hours")),
        "assessments": list(LanguageAssessment.objects.order_by("pk").values()),
        "self_assessments": list(SelfAssessment.objects.order_by("pk").values("pk", "score")),
        "topics": list(TrainingTopic.objects.order_by("pk").values()),
        "audit_entries": LogEntry.objects.count(),
    }


@pytest.fixture
def other_trainer(org_a):
    return make_member(org_a, Role.TRAINER, "other.trainer@example.org")


@pytest.fixture
def course(org_a, trainer_a):
    """A course of A taught by trainer A, with 3 past sessions and 2 people enrolled."""
    activity = make_activity(org_a, trainers=[trainer_a], capacity=10)
    make_sessions(activity, count=3)
    return activity


@pytest.fixture
def enrolled(course, operator_a, org_a):
    return enrol_many(course, operator_a, org_a, 2)


def activity_post(**overrides) -> dict:
    data = {
        "title": "Corso di italiano per il lavoro",
        "description": "",
        "kind": ActivityKind.ITALIAN_WORK,
        "action": "",
        "audience": "participants",
        "status": ActivityStatus.OPEN,
        "municipality": "",
        "venue": "Via Roma 1",
        "start_date": (TODAY - datetime.timedelta(days=10)).isoformat(),
        "end_date": (TODAY + datetime.timedelta(days=60)).isoformat(),
        "planned_hours": "40",
        "capacity": "15",
        "language_of_instruction": "",
        "target_level": "",
        "completion_rule": "",
    }
    data.update(overrides)
    return data


def _rule_pk():
    from activities.models import CompletionRule

    return str(CompletionRule.objects.get(code="presenza-70").pk)


# ------------------------------------------------------------------------------------------ access matrix


@dataclass(frozen=True)
class Page:
    name: str
    url: callable
    post: callable | None = None  # builds a valid POST body; None = GET only
    get: bool = True


def _first_session(course):
    return course.sessions.order_by("date").first()


PAGES = [
    Page("detail", lambda c, e: reverse("activities:detail", args=[c.pk])),
    Page(
        "edit",
        lambda c, e: reverse("activities:edit", args=[c.pk]),
        lambda c, e: activity_post(
            title="Nuovo titolo",
            completion_rule=str(c.completion_rule_id),
            start_date=c.start_date.isoformat(),
            end_date=c.end_date.isoformat(),
        ),
    ),
    Page("close", lambda c, e: reverse("activities:close", args=[c.pk]), lambda c, e: {}),
    Page(
        "session_create",
        lambda c, e: reverse("activities:session_create", args=[c.pk]),
        lambda c, e: {"date": TODAY.isoformat(), "hours": "2"},
    ),
    Page(
        "session_series",
        lambda c, e: reverse("activities:session_series", args=[c.pk]),
        lambda c, e: {"weekdays": ["0"], "first_date": TODAY.isoformat(), "count": "2", "hours": "2"},
    ),
    Page(
        "session_edit",
        lambda c, e: reverse("activities:session_edit", args=[c.pk, _first_session(c).pk]),
        lambda c, e: {"date": _first_session(c).date.isoformat(), "hours": "3", "topic": "Ripasso"},
    ),
    Page(
        "session_cancel",
        lambda c, e: reverse("activities:session_cancel", args=[c.pk, _first_session(c).pk]),
        lambda c, e: {},
        get=False,
    ),
    Page("enrol", lambda c, e: reverse("activities:enrol", args=[c.pk]) + "?q=Am"),
    Page("enrol_search", lambda c, e: reverse("activities:enrol_search", args=[c.pk]) + "?q=Am"),
    Page(
        "enrol_person",
        lambda c, e: reverse("activities:enrol_person", args=[c.pk]),
        lambda c, e: {"kind": EnrolmentKind.OPERATOR, "full_name": "Mario Rossi"},
        get=False,
    ),
    Page(
        "enrolment_status",
        lambda c, e: reverse("activities:enrolment_status", args=[e.pk, EnrolmentStatus.WITHDRAWN]),
        lambda c, e: {},
        get=False,
    ),
    Page(
        "assessment_entry",
        lambda c, e: reverse("activities:assessment_entry", args=[e.pk]),
        lambda c, e: {"overall": "1", "date": TODAY.isoformat(), "evidence": AssessmentEvidence.TEACHER},
    ),
    Page(
        "assessment_grid_exit",
        lambda c, e: reverse("activities:assessment_grid_exit", args=[c.pk]),
        lambda c, e: {
            "all-date": TODAY.isoformat(),
            "all-evidence": AssessmentEvidence.TEACHER,
            f"e{e.pk}-overall": "2",
        },
    ),
    Page("register_today", lambda c, e: reverse("activities:register_today", args=[c.pk])),
]

# persona -> expected answer for GET and for POST
EXPECTED = {
    # page name: {persona: (get, post)}
    "operator_a": {"*": (200, 302), "register_today": (302, None)},
    "viewer_a": {"*": (403, 403), "detail": (200, None), "register_today": (302, None)},
    "trainer_a": {
        "*": (200, 302),
        "register_today": (302, None),
        "edit": (403, 403),
        "close": (403, 403),
        "enrol": (403, None),
        "enrol_search": (403, None),
        "enrol_person": (None, 403),
        "enrolment_status": (None, 403),
    },
    "other_trainer": {"*": (404, 404)},
    "operator_b": {"*": (404, 404)},
}


def _expected(persona, page, method):
    table = EXPECTED[persona]
    get, post = table.get(page.name, table["*"])
    return get if method == "get" else post


def _cases():
    for page in PAGES:
        for persona in EXPECTED:
            if page.get and _expected(persona, page, "get") is not None:
                yield pytest.param(page, "get", persona, id=f"{page.name}-get-{persona}")
            if page.post and _expected(persona, page, "post") is not None:
                yield pytest.param(page, "post", persona, id=f"{page.name}-post-{persona}")


@pytest.mark.parametrize(("page", "method", "persona"), list(_cases()))
def test_access_matrix(request, course, enrolled, page, method, persona):
    # Given a persona and A's course with two people enrolled
    user = request.getfixturevalue(persona)
    client = client_for(user)
    url = page.url(course, enrolled[0])
    expected = _expected(persona, page, method)

    # When they open the page or send a valid form
    if method == "get":
        response = client.get(url)
        assert response.status_code == expected, (url, response.status_code)
        return
    before = snapshot()
    response = client.post(url, page.post(course, enrolled[0]))
    after = snapshot()

    # Then the answer is the expected one, and only allowed writes change the database
    assert response.status_code == expected, (url, response.status_code, getattr(response, "context", None))
    if expected == 302:
        assert after != before, "an allowed POST should change something"
    else:
        assert after == before, "a refused request must not change anything"


@pytest.mark.parametrize("page", PAGES, ids=[p.name for p in PAGES])
def test_anonymous_visitors_are_sent_to_login_and_nothing_changes(client, course, enrolled, page):
    url = page.url(course, enrolled[0])
    before = snapshot()
    response = client.post(url, page.post(course, enrolled[0])) if page.post else client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")
    assert snapshot() == before


def test_list_and_create_need_a_login(client):
    for name in ("activities:list", "activities:create"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


# ------------------------------------------------------------------------------------------------- list


def test_operator_lists_own_and_partnered_activities_but_not_other_organisations(org_a, org_b, operator_a):
    own = make_activity(org_a, title="Corso di Napoli")
    partnered = make_activity(org_b, title="Corso in partenariato")
    partnered.partners.add(org_a)
    make_activity(org_b, title="Corso di Caserta")
    response = client_for(operator_a).get(reverse("activities:list"))
    assert response.status_code == 200
    titles = {a.title for a in response.context["page"].object_list}
    assert titles == {own.title, partnered.title}
    assert reverse("activities:create").encode() in response.content


def test_trainer_lists_only_the_activities_they_teach_and_gets_no_new_button(org_a, trainer_a):
    mine = make_activity(org_a, trainers=[trainer_a])
    make_activity(org_a)
    response = client_for(trainer_a).get(reverse("activities:list"))
    assert [a.pk for a in response.context["page"].object_list] == [mine.pk]
    assert reverse("activities:create").encode() not in response.content


def test_list_shows_places_taken_and_waiting_counts(org_a, operator_a):
    activity = make_activity(org_a, capacity=2)
    enrol_many(activity, operator_a, org_a, 3)
    response = client_for(operator_a).get(reverse("activities:list"))
    row = response.context["page"].object_list[0]
    assert (row.places_taken, row.waiting_count) == (2, 1)
    assert "2 / 2" in response.content.decode()


def test_list_filters_by_kind_status_and_title(org_a, operator_a):
    make_activity(org_a, title="Italiano A1")
    digital = make_activity(org_a, title="Competenze digitali", kind=ActivityKind.DIGITAL)
    make_activity(org_a, title="Evento chiuso", status=ActivityStatus.COMPLETED)
    client = client_for(operator_a)

    def titles(**params):
        response = client.get(reverse("activities:list"), params)
        return {a.title for a in response.context["page"].object_list}

    assert titles(kind=ActivityKind.DIGITAL) == {digital.title}
    assert titles(status=ActivityStatus.COMPLETED) == {"Evento chiuso"}
    assert titles(q="digitali") == {digital.title}
    assert titles(action="03") == set()


def test_list_htmx_answers_the_table_only(org_a, operator_a):
    make_activity(org_a)
    response = client_for(operator_a).get(reverse("activities:list"), HTTP_HX_REQUEST="true")
    assert b"<html" not in response.content
    assert b"<table" in response.content


@pytest.mark.parametrize("rows", [3, 30])
def test_list_queries_do_not_grow_with_activities(org_a, operator_a, rows, django_assert_num_queries):
    for _ in range(rows):
        activity = make_activity(org_a, capacity=5)
        enrol_many(activity, operator_a, org_a, 1)
    client = client_for(operator_a)
    client.get(reverse("activities:list"))
    with django_assert_num_queries(LIST_QUERIES):
        response = client.get(reverse("activities:list"))
    assert len(response.context["page"].object_list) == min(rows, 25)


# Session, user, membership, the header's memberships and notifications, the session save (3), the filter
# form's municipality select, the count and the page.
LIST_QUERIES = 11


# ------------------------------------------------------------------------------------- create and edit


def test_operator_creates_an_activity_owned_by_their_organisation_with_the_kinds_action(org_a, operator_a):
    response = client_for(operator_a).post(
        reverse("activities:create"), activity_post(completion_rule=_rule_pk(), trainers=[])
    )
    assert response.status_code == 302
    activity = Activity.objects.get(title="Corso di italiano per il lavoro")
    assert activity.organiser == org_a
    assert activity.action == "02"  # the kind's default
    assert activity.created_by == operator_a
    assert response["Location"] == activity.get_absolute_url()


def test_operator_training_defaults_to_action_01_and_trainers_come_from_the_organiser(
    org_a, org_b, operator_a, trainer_a
):
    outsider_trainer = make_member(org_b, Role.TRAINER, "trainer_b@example.org")
    client = client_for(operator_a)
    form = client.get(reverse("activities:create")).context["form"]
    assert set(form.fields["trainers"].queryset) == {operator_a, trainer_a}
    response = client.post(
        reverse("activities:create"),
        activity_post(
            kind=ActivityKind.OPERATOR_TRAINING,
            completion_rule=_rule_pk(),
            trainers=[str(trainer_a.pk), str(outsider_trainer.pk)],
        ),
    )
    assert response.status_code == 200  # a trainer of another organisation is refused
    assert "trainers" in response.context["form"].errors
    response = client.post(
        reverse("activities:create"),
        activity_post(
            kind=ActivityKind.OPERATOR_TRAINING, completion_rule=_rule_pk(), trainers=[str(trainer_a.pk)]
        ),
    )
    activity = Activity.objects.get()
    assert activity.action == "01"
    assert list(activity.trainers.all()) == [trainer_a]


def test_end_before_start_is_an_error_next_to_the_end_date(operator_a):
    response = client_for(operator_a).post(
        reverse("activities:create"),
        activity_post(completion_rule=_rule_pk(), end_date=(TODAY - datetime.timedelta(days=30)).isoformat()),
    )
    assert response.status_code == 200
    assert "end_date" in response.context["form"].errors
    assert not Activity.objects.exists()


def test_viewer_and_trainer_cannot_create_activities(viewer_a, trainer_a):
    for user in (viewer_a, trainer_a):
        client = client_for(user)
        assert client.get(reverse("activities:create")).status_code == 403
        response = client.post(reverse("activities:create"), activity_post(completion_rule=_rule_pk()))
        assert response.status_code == 403
    assert not Activity.objects.exists()


def _edit_post(activity, **overrides):
    fields = {
        "title": activity.title,
        "kind": activity.kind,
        "action": activity.action,
        "status": activity.status,
        "start_date": activity.start_date.isoformat(),
        "end_date": activity.end_date.isoformat(),
        "completion_rule": str(activity.completion_rule_id),
    }
    return activity_post(**{**fields, **overrides})


def test_more_places_in_the_edit_form_promote_from_the_waiting_list(org_a, operator_a):
    activity = make_activity(org_a, capacity=1)
    _first, waiting = enrol_many(activity, operator_a, org_a, 2)
    response = client_for(operator_a).post(
        reverse("activities:edit", args=[activity.pk]), _edit_post(activity, capacity="2")
    )
    assert response.status_code == 302
    waiting.refresh_from_db()
    activity.refresh_from_db()
    assert activity.capacity == 2
    assert waiting.status == EnrolmentStatus.ENROLLED


def test_fewer_places_than_people_enrolled_is_refused_and_nothing_is_saved(org_a, operator_a):
    activity = make_activity(org_a, capacity=3)
    enrol_many(activity, operator_a, org_a, 3)
    before = snapshot()
    response = client_for(operator_a).post(
        reverse("activities:edit", args=[activity.pk]), _edit_post(activity, capacity="2", title="Cambiato")
    )
    assert response.status_code == 200
    assert response.context["form"].errors["capacity"]
    assert snapshot() == before


# ----------------------------------------------------------------------------------------------- detail


def test_detail_groups_enrolments_with_hours_completion_and_waiting_positions(org_a, operator_a):
    activity = make_activity(org_a, capacity=2)
    sessions = make_sessions(activity, count=2, hours=4)
    first, second, waiting1, waiting2 = enrol_many(activity, operator_a, org_a, 4)
    for session in sessions:
        actions.mark_attendance(session, first, AttendanceStatus.PRESENT, acting_user=operator_a)
    actions.mark_attendance(sessions[0], second, AttendanceStatus.PRESENT, acting_user=operator_a)
    response = client_for(operator_a).get(activity.get_absolute_url())
    groups = {key: rows for key, _title, rows in response.context["groups"]}
    assert [e.pk for e in groups["enrolled"]] == [first.pk, second.pk]
    assert [(e.pk, e.position) for e in groups["waiting"]] == [(waiting1.pk, 1), (waiting2.pk, 2)]
    by_pk = {e.pk: e for e in groups["enrolled"]}
    assert by_pk[first.pk].percent == Decimal("100.0")
    assert by_pk[first.pk].check.met
    assert by_pk[second.pk].percent == Decimal("50.0")
    assert not by_pk[second.pk].check.met
    html = response.content.decode()
    assert first.participant.get_absolute_url() in html  # the operator may open the record
    assert reverse("activities:enrolment_status", args=[waiting1.pk, EnrolmentStatus.ENROLLED]) in html


def test_detail_shows_entry_exit_levels_and_improvement(course, enrolled, operator_a):
    enrolment = enrolled[0]
    base = {"evidence": AssessmentEvidence.TEACHER, "date": TODAY}
    actions.record_assessment(
        enrolment, acting_user=operator_a, data={"moment": "entry", "overall": CEFRLevel.A1, **base}
    )
    actions.record_assessment(
        enrolment, acting_user=operator_a, data={"moment": "exit", "overall": CEFRLevel.B1, **base}
    )
    response = client_for(operator_a).get(course.get_absolute_url())
    row = next(e for e in response.context["groups"][0][2] if e.pk == enrolment.pk)
    assert row.improvement.overall == 2
    assert "B1" in response.content.decode()


def test_trainer_sees_the_names_but_no_link_to_the_participant_record(course, enrolled, trainer_a):
    response = client_for(trainer_a).get(course.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    participant = enrolled[0].participant
    assert f"{participant.last_name} {participant.first_name}" in html
    assert participant.get_absolute_url() not in html
    assert "/partecipanti/" not in html
    assert participant.birth_date.strftime("%d/%m/%Y") not in html
    # and no buttons that change enrolments
    assert (
        reverse("activities:enrolment_status", args=[enrolled[0].pk, EnrolmentStatus.WITHDRAWN]) not in html
    )


def test_partner_organisation_sees_the_activity_but_only_its_own_participants(
    org_a, org_b, operator_a, operator_b
):
    activity = make_activity(org_a)
    activity.partners.add(org_b)
    enrol_many(activity, operator_a, org_a, 1)
    # (B's participant, enrolled by A through a referral: made directly here)
    theirs = Enrolment.objects.create(
        activity=activity, kind=EnrolmentKind.PARTICIPANT, participant=make_participant(org_b)
    )
    response = client_for(operator_b).get(activity.get_absolute_url())
    assert response.status_code == 200
    assert response.context["enrolment_count"] == 1
    assert theirs.participant.get_absolute_url() in response.content.decode()


@pytest.mark.parametrize("people", [3, 30])
def test_detail_queries_do_not_grow_with_enrolments(org_a, operator_a, people, django_assert_num_queries):
    activity = make_activity(org_a)
    sessions = make_sessions(activity, count=3)
    enrolments = enrol_many(activity, operator_a, org_a, people)
    for enrolment in enrolments:
        actions.mark_attendance(sessions[0], enrolment, AttendanceStatus.PRESENT, acting_user=operator_a)
        actions.record_assessment(
            enrolment,
            acting_user=operator_a,
            data={
                "moment": "entry",
                "overall": CEFRLevel.A1,
                "evidence": AssessmentEvidence.TEACHER,
                "date": TODAY,
            },
        )
    client = client_for(operator_a)
    client.get(activity.get_absolute_url())
    with django_assert_num_queries(DETAIL_QUERIES):
        response = client.get(activity.get_absolute_url())
    assert response.context["enrolment_count"] == people


# Request overhead (session, user, membership, header's memberships and notifications, session save ×3),
# the activity, partners, trainers, may-change, may-register, sessions, hours, enrolments, assessments,
# certificates, visible participants.
DETAIL_QUERIES = 19


# ----------------------------------------------------------------------------------- enrolment status


def test_withdrawing_frees_the_place_for_the_first_on_the_waiting_list(org_a, operator_a):
    activity = make_activity(org_a, capacity=1)
    first, waiting = enrol_many(activity, operator_a, org_a, 2)
    response = client_for(operator_a).post(
        reverse("activities:enrolment_status", args=[first.pk, EnrolmentStatus.WITHDRAWN]), follow=True
    )
    assert response.status_code == 200
    first.refresh_from_db()
    waiting.refresh_from_db()
    assert first.status == EnrolmentStatus.WITHDRAWN
    assert waiting.status == EnrolmentStatus.ENROLLED
    assert waiting.person_name in response.content.decode()  # named in the message


def test_an_impossible_transition_is_shown_as_an_error_and_nothing_changes(course, enrolled, operator_a):
    before = snapshot()
    response = client_for(operator_a).post(
        reverse("activities:enrolment_status", args=[enrolled[0].pk, EnrolmentStatus.COMPLETED]), follow=True
    )
    assert response.status_code == 200
    assert any(m.level_tag == "error" for m in response.context["messages"])
    assert snapshot() == before


# ------------------------------------------------------------------------------------------------ close


def test_closing_asks_for_confirmation_then_completes_who_meets_the_rule(org_a, operator_a):
    activity = make_activity(org_a)
    sessions = make_sessions(activity, count=2, hours=4)
    good, poor = enrol_many(activity, operator_a, org_a, 2)
    for session in sessions:
        actions.mark_attendance(session, good, AttendanceStatus.PRESENT, acting_user=operator_a)
    client = client_for(operator_a)
    page = client.get(reverse("activities:close", args=[activity.pk]))
    assert [e.pk for e in page.context["met"]] == [good.pk]
    assert [e.pk for e in page.context["not_met"]] == [poor.pk]
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.RUNNING  # a GET changes nothing
    response = client.post(reverse("activities:close", args=[activity.pk]))
    assert response.status_code == 302
    activity.refresh_from_db()
    good.refresh_from_db()
    poor.refresh_from_db()
    assert activity.status == ActivityStatus.COMPLETED
    assert (good.status, poor.status) == (EnrolmentStatus.COMPLETED, EnrolmentStatus.ENROLLED)


# --------------------------------------------------------------------------------------------- sessions


def test_a_weekly_series_creates_the_sessions_in_one_go(org_a, trainer_a):
    activity = make_activity(
        org_a,
        trainers=[trainer_a],
        start_date=datetime.date(2025, 1, 6),  # a Monday
        end_date=datetime.date(2025, 3, 31),
    )
    response = client_for(trainer_a).post(
        reverse("activities:session_series", args=[activity.pk]),
        {
            "weekdays": ["0", "2"],  # Monday and Wednesday
            "first_date": "2025-01-07",
            "count": "5",
            "start_time": "09:00",
            "end_time": "11:30",
            "hours": "",
            "topic": "Italiano",
        },
    )
    assert response.status_code == 302
    sessions = list(activity.sessions.order_by("date"))
    assert [s.date for s in sessions] == [
        datetime.date(2025, 1, 8),
        datetime.date(2025, 1, 13),
        datetime.date(2025, 1, 15),
        datetime.date(2025, 1, 20),
        datetime.date(2025, 1, 22),
    ]
    assert {s.hours for s in sessions} == {Decimal("2.50")}  # from the times
    assert {s.start_time for s in sessions} == {datetime.time(9)}


def test_a_series_past_the_end_of_the_activity_is_refused(org_a, operator_a):
    activity = make_activity(org_a, start_date=datetime.date(2025, 1, 6), end_date=datetime.date(2025, 1, 31))
    response = client_for(operator_a).post(
        reverse("activities:session_series", args=[activity.pk]),
        {"weekdays": ["0"], "first_date": "2025-01-06", "count": "10", "hours": "2"},
    )
    assert response.status_code == 200
    assert "count" in response.context["form"].errors
    assert not activity.sessions.exists()


def test_a_session_outside_the_activity_dates_or_without_hours_is_refused(course, operator_a):
    client = client_for(operator_a)
    url = reverse("activities:session_create", args=[course.pk])
    response = client.post(
        url, {"date": (course.end_date + datetime.timedelta(days=1)).isoformat(), "hours": "2"}
    )
    assert "date" in response.context["form"].errors
    response = client.post(url, {"date": TODAY.isoformat(), "hours": ""})
    assert "hours" in response.context["form"].errors
    assert course.sessions.count() == 3


def test_shortening_a_session_keeps_attended_hours_true(course, enrolled, operator_a):
    session = _first_session(course)
    full, late = enrolled
    actions.mark_attendance(session, full, AttendanceStatus.PRESENT, acting_user=operator_a)
    actions.mark_attendance(session, late, AttendanceStatus.PRESENT, acting_user=operator_a, hours="3")
    response = client_for(operator_a).post(
        reverse("activities:session_edit", args=[course.pk, session.pk]),
        {"date": session.date.isoformat(), "hours": "2"},
    )
    assert response.status_code == 302
    full.refresh_from_db()
    late.refresh_from_db()
    assert (full.attended_hours, late.attended_hours) == (Decimal("2"), Decimal("2"))


def test_cancelling_a_session_stops_its_hours_counting_and_restoring_brings_them_back(
    course, enrolled, operator_a
):
    session = _first_session(course)
    actions.mark_attendance(session, enrolled[0], AttendanceStatus.PRESENT, acting_user=operator_a)
    client = client_for(operator_a)
    url = reverse("activities:session_cancel", args=[course.pk, session.pk])
    client.post(url)
    enrolled[0].refresh_from_db()
    assert enrolled[0].attended_hours == 0
    client.post(url, {"restore": "1"})
    enrolled[0].refresh_from_db()
    session.refresh_from_db()
    assert not session.is_cancelled
    assert enrolled[0].attended_hours == Decimal("4")


# ------------------------------------------------------------------------------------------- enrolment


def test_enrol_search_finds_only_the_people_the_operator_works_with(course, org_a, org_b, operator_a):
    mine = make_participant(org_a, first_name="Amira", last_name="Testsearch")
    theirs = make_participant(org_b, first_name="Amira", last_name="Testsearch")
    client = client_for(operator_a)
    for url in (
        reverse("activities:enrol_search", args=[course.pk]),
        reverse("activities:enrol", args=[course.pk]),
    ):
        response = client.get(url, {"q": "Testsearch"})
        found = [p.pk for p in response.context["results"]]
        assert found == [mine.pk]
        assert theirs.pk not in found
        assert f'name="participant" value="{theirs.pk}"' not in response.content.decode()


def test_enrol_search_needs_two_characters_and_shows_at_most_twenty(course, org_a, operator_a):
    for _ in range(25):
        make_participant(org_a, last_name="Moltissimi")
    client = client_for(operator_a)
    response = client.get(reverse("activities:enrol_search", args=[course.pk]), {"q": "M"})
    assert response.context["results"] == []
    response = client.get(reverse("activities:enrol_search", args=[course.pk]), {"q": "Moltissimi"})
    assert len(response.context["results"]) == 20
    assert response.context["more"]
    assert b"<html" not in response.content


def test_enrolling_a_participant_and_the_waiting_list(org_a, operator_a):
    activity = make_activity(org_a, capacity=1)
    first, second = make_participant(org_a), make_participant(org_a)
    client = client_for(operator_a)
    url = reverse("activities:enrol", args=[activity.pk])
    assert client.post(url, {"participant": first.pk}).status_code == 302
    response = client.post(url, {"participant": second.pk}, follow=True)
    assert Enrolment.objects.get(participant=second).status == EnrolmentStatus.WAITING
    assert [m.level_tag for m in response.context["messages"]][-1] == "success"
    # enrolling twice: the action's error is shown in the page and nothing is saved
    response = client.post(url, {"participant": first.pk})
    assert response.status_code == 200
    assert response.context["error"]
    assert activity.enrolments.count() == 2


def test_enrolling_a_participant_of_another_organisation_is_404_and_saves_nothing(course, org_b, operator_a):
    stranger = make_participant(org_b)
    response = client_for(operator_a).post(
        reverse("activities:enrol", args=[course.pk]), {"participant": stranger.pk}
    )
    assert response.status_code == 404
    assert not course.enrolments.filter(participant=stranger).exists()


def test_enrolling_an_operator_with_a_linked_account(course, org_b, operator_a, operator_b):
    response = client_for(operator_a).post(
        reverse("activities:enrol_person", args=[course.pk]),
        {
            "kind": EnrolmentKind.OPERATOR,
            "full_name": "Operatrice Esterna",
            "email": operator_b.email.upper(),
            "organisation": org_b.pk,
            "role_title": "Assistente sociale",
            "link_account": "on",
        },
    )
    assert response.status_code == 302
    enrolment = course.enrolments.get(kind=EnrolmentKind.OPERATOR)
    assert (enrolment.user, enrolment.organisation, enrolment.full_name) == (
        operator_b,
        org_b,
        "Operatrice Esterna",
    )


def test_enrolling_a_person_without_a_name_shows_the_error_next_to_the_field(course, operator_a):
    response = client_for(operator_a).post(
        reverse("activities:enrol_person", args=[course.pk]),
        {"kind": EnrolmentKind.ASSOCIATION, "full_name": ""},
    )
    assert response.status_code == 200
    assert "full_name" in response.context["person_form"].errors
    assert not course.enrolments.exists()


def test_nobody_can_be_enrolled_in_a_closed_activity(org_a, operator_a):
    activity = make_activity(org_a, status=ActivityStatus.COMPLETED)
    participant = make_participant(org_a)
    response = client_for(operator_a).post(
        reverse("activities:enrol", args=[activity.pk]), {"participant": participant.pk}
    )
    assert response.status_code == 200
    assert response.context["error"]
    assert not activity.enrolments.exists()


# ----------------------------------------------------------------------------------------- assessments


def test_trainer_records_an_entry_assessment_with_skills(course, enrolled, trainer_a):
    enrolment = enrolled[0]
    response = client_for(trainer_a).post(
        reverse("activities:assessment_entry", args=[enrolment.pk]),
        {
            "overall": str(CEFRLevel.A2),
            "listening": str(CEFRLevel.B1),
            "date": TODAY.isoformat(),
            "evidence": AssessmentEvidence.PLACEMENT_TEST,
        },
    )
    assert response.status_code == 302
    assessment = LanguageAssessment.objects.get(enrolment=enrolment, moment=AssessmentMoment.ENTRY)
    assert (assessment.overall, assessment.listening, assessment.reading) == (
        CEFRLevel.A2,
        CEFRLevel.B1,
        None,
    )
    assert assessment.assessed_by == trainer_a


def test_assessment_errors_from_the_action_appear_next_to_their_field(course, enrolled, operator_a):
    response = client_for(operator_a).post(
        reverse("activities:assessment_exit", args=[enrolled[0].pk]),
        {
            "overall": str(CEFRLevel.B1),
            "date": (TODAY + datetime.timedelta(days=3)).isoformat(),  # in the future
            "evidence": AssessmentEvidence.CERTIFICATE,  # without naming it
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "date" in errors
    assert "certificate_name" in errors
    assert not LanguageAssessment.objects.exists()


def test_class_grid_saves_every_row_filled_and_skips_empty_rows(course, enrolled, trainer_a):
    first, second = enrolled
    response = client_for(trainer_a).post(
        reverse("activities:assessment_grid_entry", args=[course.pk]),
        {
            "all-date": TODAY.isoformat(),
            "all-evidence": AssessmentEvidence.TEACHER,
            f"e{first.pk}-overall": str(CEFRLevel.A1),
            f"e{first.pk}-writing": str(CEFRLevel.PRE_A1),
            f"e{second.pk}-overall": "",
        },
    )
    assert response.status_code == 302
    saved = LanguageAssessment.objects.get()
    assert (saved.enrolment, saved.overall, saved.writing) == (first, CEFRLevel.A1, CEFRLevel.PRE_A1)


def test_class_grid_is_all_or_nothing_and_highlights_the_wrong_row(course, enrolled, trainer_a):
    first, second = enrolled
    response = client_for(trainer_a).post(
        reverse("activities:assessment_grid_entry", args=[course.pk]),
        {
            "all-date": TODAY.isoformat(),
            "all-evidence": AssessmentEvidence.TEACHER,
            f"e{first.pk}-overall": str(CEFRLevel.A2),
            # a skill without the overall level: this row is wrong
            f"e{second.pk}-overall": "",
            f"e{second.pk}-reading": str(CEFRLevel.A1),
        },
    )
    assert response.status_code == 200
    assert not LanguageAssessment.objects.exists()
    html = response.content.decode()
    assert f'id="grid-row-{second.pk}" class="table-danger"' in html
    assert f'id="grid-row-{first.pk}" class="table-danger"' not in html


def test_class_grid_refuses_an_unknown_level_and_saves_nothing(course, enrolled, operator_a):
    first, second = enrolled
    response = client_for(operator_a).post(
        reverse("activities:assessment_grid_exit", args=[course.pk]),
        {
            "all-date": TODAY.isoformat(),
            "all-evidence": AssessmentEvidence.TEACHER,
            f"e{first.pk}-overall": str(CEFRLevel.B1),
            f"e{second.pk}-overall": "9",
        },
    )
    assert response.status_code == 200
    assert not LanguageAssessment.objects.exists()
    assert f'id="grid-row-{second.pk}" class="table-danger"' in response.content.decode()


def test_class_grid_date_error_is_shown_once_on_top_and_nothing_saved(course, enrolled, operator_a):
    first, second = enrolled
    response = client_for(operator_a).post(
        reverse("activities:assessment_grid_exit", args=[course.pk]),
        {
            "all-date": (course.start_date - datetime.timedelta(days=1)).isoformat(),  # before the course
            "all-evidence": AssessmentEvidence.TEACHER,
            f"e{first.pk}-overall": str(CEFRLevel.B1),
            f"e{second.pk}-overall": str(CEFRLevel.B1),
        },
    )
    assert response.status_code == 200
    assert len(response.context["details"].errors["date"]) == 1
    assert not LanguageAssessment.objects.exists()


# ------------------------------------------------------------------------------- operator training


@pytest.fixture
def training(org_a, trainer_a, operator_a):
    activity = make_activity(
        org_a, kind=ActivityKind.OPERATOR_TRAINING, action="01", trainers=[trainer_a], audience="operators"
    )
    for title in ("Normativa sull'immigrazione", "Mediazione interculturale"):
        TrainingTopic.objects.create(activity=activity, title=title)
    enrolment = actions.enrol(
        activity, acting_user=operator_a, kind=EnrolmentKind.OPERATOR, full_name="Anna Bianchi"
    )
    return activity, enrolment


def test_self_assessment_before_and_after_shows_competence_growth(training, trainer_a):
    activity, enrolment = training
    topics = list(activity.topics.all())
    client = client_for(trainer_a)
    for name, scores in (
        ("activities:self_assessment_pre", (2, 1)),
        ("activities:self_assessment_post", (4, 3)),
    ):
        response = client.post(
            reverse(name, args=[enrolment.pk]),
            {f"topic_{t.pk}": str(s) for t, s in zip(topics, scores, strict=True)},
        )
        assert response.status_code == 302
    assert SelfAssessment.objects.count() == 4
    response = client.get(activity.get_absolute_url())
    growth = {row["topic"].pk: row["change"] for row in response.context["growth"]}
    assert growth == {topics[0].pk: 2, topics[1].pk: 2}


def test_self_assessment_needs_at_least_one_rating(training, operator_a):
    _activity, enrolment = training
    response = client_for(operator_a).post(reverse("activities:self_assessment_pre", args=[enrolment.pk]), {})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not SelfAssessment.objects.exists()


def test_self_assessment_is_only_for_operator_trainings(course, enrolled, operator_a):
    response = client_for(operator_a).get(reverse("activities:self_assessment_pre", args=[enrolled[0].pk]))
    assert response.status_code == 404


def test_topics_are_added_and_removed_unless_rated(training, operator_a, trainer_a):
    activity, enrolment = training
    client = client_for(operator_a)
    response = client.post(reverse("activities:topics", args=[activity.pk]), {"title": "Lavoro di rete"})
    assert response.status_code == 302
    assert activity.topics.get(title="Lavoro di rete").position == 1
    rated, unrated = activity.topics.order_by("pk")[:2]
    actions.record_self_assessment(enrolment, "pre", {rated.pk: 3}, acting_user=operator_a)
    client.post(reverse("activities:topic_delete", args=[activity.pk, rated.pk]))
    client.post(reverse("activities:topic_delete", args=[activity.pk, unrated.pk]))
    assert activity.topics.filter(pk=rated.pk).exists()
    assert not activity.topics.filter(pk=unrated.pk).exists()
    # a trainer keeps the register but does not edit the training's programme
    assert client_for(trainer_a).get(reverse("activities:topics", args=[activity.pk])).status_code == 403


# --------------------------------------------------------------------------------------------- timeline


def test_timeline_sources_list_enrolments_status_changes_and_assessments(
    course, enrolled, operator_a, trainer_a
):
    enrolment = enrolled[0]
    actions.record_assessment(
        enrolment,
        acting_user=operator_a,
        data={
            "moment": "entry",
            "overall": CEFRLevel.A2,
            "evidence": AssessmentEvidence.TEACHER,
            "date": TODAY,
        },
    )
    Enrolment.objects.filter(pk=enrolment.pk).update(
        status=EnrolmentStatus.WITHDRAWN, status_changed_at=timezone.now() + datetime.timedelta(minutes=5)
    )
    participant = enrolment.participant
    items = timeline.enrolments(participant, operator_a)
    assert [i.kind for i in items] == ["enrolment", "enrolment"]
    assert all(i.url == course.get_absolute_url() for i in items)
    assert course.title in items[0].text
    assessments = timeline.assessments(participant, operator_a)
    assert len(assessments) == 1
    assert "A2" in assessments[0].text
    assert assessments[0].date_only


def test_timeline_sources_hide_what_the_user_may_not_see_and_cost_two_queries(
    course, enrolled, org_b, operator_a, operator_b, django_assert_num_queries
):
    participant = enrolled[0].participant
    # operator B (another organisation) sees neither the enrolment nor the assessments
    assert timeline.enrolments(participant, operator_b) == []
    assert timeline.assessments(participant, operator_b) == []
    # a participant of B enrolled in A's course: B follows the course on the timeline, without a link
    theirs = make_participant(org_b)
    Enrolment.objects.create(activity=course, kind=EnrolmentKind.PARTICIPANT, participant=theirs)
    operator_b._active_membership_cache = None
    with django_assert_num_queries(3):  # membership, enrolments, visible activities
        items = timeline.enrolments(theirs, operator_b)
    assert len(items) == 1
    assert items[0].url == ""


def test_timeline_sources_accept_the_dashboard_window(course, enrolled, operator_a):
    from paths import views_dashboard

    window_class = getattr(views_dashboard, "TimelineWindow", None)
    if window_class is None:
        pytest.skip("the dashboard has no timeline window yet")
    items = timeline.enrolments(enrolled[0].participant, operator_a, window_class(limit=5))
    assert len(items) == 1


# ------------------------------------------------------------------------------------------ review fixes

CHILDCARE_BADGE = 'class="badge bg-info text-dark"'


def test_only_who_may_see_the_participant_sees_that_they_need_childcare(org_a, operator_a, trainer_a):
    activity = make_activity(org_a, trainers=[trainer_a], childcare_offered=True)
    actions.enrol(
        activity, acting_user=operator_a, participant=make_participant(org_a), childcare_needed=True
    )
    assert CHILDCARE_BADGE in client_for(operator_a).get(activity.get_absolute_url()).content.decode()
    page = client_for(trainer_a).get(activity.get_absolute_url())
    assert page.status_code == 200
    assert CHILDCARE_BADGE not in page.content.decode()


def _enrol_person_post(**overrides) -> dict:
    data = {
        "kind": EnrolmentKind.OPERATOR,
        "full_name": "Operatrice Esterna",
        "email": "",
        "organisation": "",
        "role_title": "",
        "link_account": "on",
    }
    data.update(overrides)
    return data


def test_linking_an_account_finds_only_members_of_the_chosen_organisation(
    course, org_a, org_b, operator_a, operator_b, colleague_a
):
    """The answer is the same whether the e-mail has an account elsewhere or none at all."""
    client = client_for(operator_a)
    url = reverse("activities:enrol_person", args=[course.pk])
    messages = []
    for email in (operator_b.email, "nobody@example.org"):
        response = client.post(url, _enrol_person_post(email=email, organisation=org_a.pk))
        assert response.status_code == 200
        messages.append(response.context["form"].errors["email"])
    assert messages[0] == messages[1]

    response = client.post(url, _enrol_person_post(email=operator_b.email))  # no organisation chosen
    assert "organisation" in response.context["form"].errors

    inactive = make_member(org_b, Role.OPERATOR, "gone_b@example.org")
    inactive.memberships.update(is_active=False)
    response = client.post(url, _enrol_person_post(email=inactive.email, organisation=org_b.pk))
    assert response.context["form"].errors["email"] == messages[0]
    assert not course.enrolments.filter(kind=EnrolmentKind.OPERATOR).exists()

    response = client.post(url, _enrol_person_post(email=colleague_a.email, organisation=org_a.pk))
    assert response.status_code == 302
    assert course.enrolments.get(kind=EnrolmentKind.OPERATOR).user == colleague_a


def test_class_grid_leaves_the_rows_it_did_not_change_as_they_were(course, enrolled, operator_a, trainer_a):
    """The reviewer's case: an entry level certified by CILS, assessed by Prof. Rossi, must keep its date,
    evidence, certificate and assessor when the grid is saved to give someone else a level."""
    certified, newcomer = enrolled
    actions.record_assessment(
        certified,
        acting_user=operator_a,
        data={
            "moment": AssessmentMoment.ENTRY,
            "date": course.start_date,
            "overall": CEFRLevel.A2,
            "listening": CEFRLevel.B1,
            "evidence": AssessmentEvidence.CERTIFICATE,
            "certificate_name": "CILS",
            "assessor_name": "Prof. Rossi",
        },
    )
    before = LanguageAssessment.objects.filter(enrolment=certified).values().get()
    client = client_for(trainer_a)
    url = reverse("activities:assessment_grid_entry", args=[course.pk])
    forms = dict(client.get(url).context["rows"])
    post = {"all-date": TODAY.isoformat(), "all-evidence": AssessmentEvidence.TEACHER}
    for form in forms.values():  # what the browser sends back: every row, as shown
        for name in form.fields:
            value = form.initial.get(name)
            post[f"{form.prefix}-{name}"] = "" if value is None else str(value)
    post[f"e{newcomer.pk}-overall"] = str(CEFRLevel.A1)

    response = client.post(url, post)

    assert response.status_code == 302
    assert LanguageAssessment.objects.filter(enrolment=certified).values().get() == before
    added = LanguageAssessment.objects.get(enrolment=newcomer)
    assert (added.overall, added.evidence, added.date, added.assessed_by) == (
        CEFRLevel.A1,
        AssessmentEvidence.TEACHER,
        TODAY,
        trainer_a,
    )

    # Sending the grid back unchanged saves nothing and says so.
    response = client.post(url, {**post, f"e{newcomer.pk}-overall": str(CEFRLevel.A1)})
    assert response.status_code == 200
    assert response.context["details"].non_field_errors()
    assert LanguageAssessment.objects.get(enrolment=newcomer).date == TODAY


def test_a_municipality_that_is_not_a_plain_number_is_a_form_error(operator_a):
    for value in ("²", "9" * 30):
        response = client_for(operator_a).post(
            reverse("activities:create"), activity_post(completion_rule=_rule_pk(), municipality=value)
        )
        assert response.status_code == 200
        assert "municipality" in response.context["form"].errors
    assert not Activity.objects.exists()


def test_activity_dates_must_be_in_a_sane_range(operator_a):
    client = client_for(operator_a)
    for start, end in (("1899-01-01", "2025-01-01"), ("2025-01-01", "9999-12-31")):
        response = client.post(
            reverse("activities:create"),
            activity_post(completion_rule=_rule_pk(), start_date=start, end_date=end),
        )
        assert response.status_code == 200
        errors = response.context["form"].errors
        assert ("start_date" if start < "2000" else "end_date") in errors
    assert not Activity.objects.exists()


def test_a_series_starting_near_the_end_of_the_calendar_is_a_form_error(org_a, operator_a):
    activity = make_activity(org_a, start_date=datetime.date(2025, 1, 6), end_date=datetime.date(2025, 3, 31))
    url = reverse("activities:session_series", args=[activity.pk])
    response = client_for(operator_a).post(
        url, {"weekdays": ["0", "3"], "first_date": "9999-12-25", "count": "200", "hours": "2"}
    )
    assert response.status_code == 200
    assert "first_date" in response.context["form"].errors
    # Even an activity that (from older data) ends near the calendar's end.
    Activity.objects.filter(pk=activity.pk).update(end_date=datetime.date(9999, 12, 30))
    response = client_for(operator_a).post(
        url, {"weekdays": ["0", "3"], "first_date": "9999-12-20", "count": "200", "hours": "2"}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert not activity.sessions.exists()


def test_a_session_lasts_at_most_a_day(course, operator_a):
    client = client_for(operator_a)
    response = client.post(
        reverse("activities:session_create", args=[course.pk]), {"date": TODAY.isoformat(), "hours": "25"}
    )
    assert response.status_code == 200
    assert "hours" in response.context["form"].errors
    response = client.post(
        reverse("activities:session_series", args=[course.pk]),
        {"weekdays": ["0"], "first_date": TODAY.isoformat(), "count": "1", "hours": "25"},
    )
    assert response.status_code == 200
    assert "hours" in response.context["form"].errors
    assert course.sessions.count() == 3
