"""The activities API: the same scoping as the pages (a trainer reaches only their activities and sees the
register, not the participant records), 404 out of scope, 403 read-only, 422 for refused writes."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import ApiToken
from activities import actions
from activities.models import (
    ActivityKind,
    ActivityStatus,
    Attendance,
    CEFRLevel,
    Enrolment,
    LanguageAssessment,
    Session,
)
from conftest import make_activity, make_participant, make_sessions

pytestmark = pytest.mark.django_db

BASE = "/api/v1"


class Api:
    """A JSON client authenticated with a personal token."""

    def __init__(self, user):
        _token, raw = ApiToken.issue(user, "tests")
        self.client = Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"}

    def get(self, url, **params):
        return self.client.get(BASE + url, params, **self.headers)

    def post(self, url, payload):
        return self.client.post(
            BASE + url, json.dumps(payload), content_type="application/json", **self.headers
        )


@pytest.fixture
def course(org_a, trainer_a):
    return make_activity(org_a, trainers=[trainer_a], capacity=3)


@pytest.fixture
def sessions(course):
    return make_sessions(course, count=2, hours=4)


@pytest.fixture
def learners(course, org_a, operator_a):
    return [
        actions.enrol(course, acting_user=operator_a, participant=make_participant(org_a)) for _ in range(2)
    ]


# --- Activities ----------------------------------------------------------------------------------------------


def test_operator_lists_only_their_organisation_activities(operator_a, org_a, org_b, course, learners):
    theirs = make_activity(org_b)

    response = Api(operator_a).get("/activities/")

    assert response.status_code == 200
    items = response.json()["items"]
    assert [a["id"] for a in items] == [course.pk]
    assert items[0]["places_taken"] == 2 and items[0]["capacity"] == 3 and items[0]["waiting_list"] == 0
    assert items[0]["completion_rule"] == "presenza-70" and items[0]["kind"] == "italian_l2"
    assert Api(operator_a).get(f"/activities/{theirs.pk}").status_code == 404
    assert Api(operator_a).get(f"/activities/{course.pk}").json()["title"] == course.title


def test_activities_filter_by_kind_status_and_dates(operator_a, org_a):
    today = timezone.localdate()
    course = make_activity(org_a)
    event = make_activity(
        org_a,
        kind=ActivityKind.COMMUNITY_EVENT,
        status=ActivityStatus.COMPLETED,
        start_date=today - datetime.timedelta(days=200),
        end_date=today - datetime.timedelta(days=200),
    )
    api = Api(operator_a)

    def ids(**params):
        return [a["id"] for a in api.get("/activities/", **params).json()["items"]]

    assert ids(kind="community_event") == [event.pk]
    assert ids(status="running") == [course.pk]
    assert ids(**{"from": (today - datetime.timedelta(days=100)).isoformat()}) == [course.pk]
    assert ids(to=(today - datetime.timedelta(days=100)).isoformat()) == [event.pk]
    assert api.get("/activities/", kind="nonsense").status_code == 422


def test_activity_list_query_count_does_not_grow(operator_a, org_a, org_b):
    api = Api(operator_a)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get("/activities/").status_code == 200
        return len(captured.captured_queries)

    queries()  # the first request also records the token's use
    for _ in range(2):
        make_activity(org_a).partners.add(org_b)
    few = queries()
    for _ in range(8):
        make_activity(org_a).partners.add(org_b)
    assert queries() == few


def test_a_trainer_reaches_only_their_activities(trainer_a, org_a, course, sessions):
    other = make_activity(org_a)
    api = Api(trainer_a)

    assert [a["id"] for a in api.get("/activities/").json()["items"]] == [course.pk]
    assert api.get(f"/activities/{other.pk}").status_code == 404
    assert api.get(f"/activities/{other.pk}/sessions").status_code == 404
    assert api.get(f"/activities/{other.pk}/enrolments").status_code == 404
    response = api.get(f"/activities/{course.pk}/sessions")
    assert response.status_code == 200
    assert [s["id"] for s in response.json()] == [s.pk for s in sessions]


def test_a_partner_organisation_sees_the_activity(operator_b, org_a, org_b):
    shared = make_activity(org_a)
    shared.partners.add(org_b)
    response = Api(operator_b).get(f"/activities/{shared.pk}")
    assert response.status_code == 200 and response.json()["partner_ids"] == [org_b.pk]


# --- Enrolments ----------------------------------------------------------------------------------------------


def test_the_register_shows_names_and_hours_but_participant_ids_only_to_who_sees_them(
    operator_a, trainer_a, course, sessions, learners
):
    first = learners[0]
    actions.mark_attendance(sessions[0], first, "present", acting_user=trainer_a)

    mine = Api(operator_a).get(f"/activities/{course.pk}/enrolments").json()["items"]
    theirs = Api(trainer_a).get(f"/activities/{course.pk}/enrolments").json()["items"]

    assert [e["id"] for e in mine] == [e["id"] for e in theirs] == [e.pk for e in learners]
    assert mine[0]["participant_id"] == first.participant_id and mine[0]["childcare_needed"] is False
    assert theirs[0]["participant_id"] is None and theirs[0]["childcare_needed"] is None
    assert theirs[0]["name"] == f"{first.participant.last_name} {first.participant.first_name}"
    assert Decimal(theirs[0]["attended_hours"]) == 4
    assert Decimal(theirs[0]["attendance_percent"]) == 50  # 4 of the 8 hours scheduled
    assert theirs[0]["status"] == "enrolled"


def test_enrolment_list_query_count_does_not_grow(operator_a, org_a, course):
    course.capacity = None
    course.save()
    api = Api(operator_a)

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get(f"/activities/{course.pk}/enrolments").status_code == 200
        return len(captured.captured_queries)

    queries()  # the first request also records the token's use
    for _ in range(2):
        actions.enrol(course, acting_user=operator_a, participant=make_participant(org_a))
    few = queries()
    for _ in range(10):
        actions.enrol(course, acting_user=operator_a, participant=make_participant(org_a))
    assert queries() == few


def test_enrolling_fills_places_then_the_waiting_list(operator_a, org_a, course, learners):
    api = Api(operator_a)
    third, fourth = make_participant(org_a), make_participant(org_a)

    response = api.post(
        f"/activities/{course.pk}/enrolments", {"participant_id": third.pk, "childcare_needed": True}
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "enrolled" and response.json()["childcare_needed"] is True

    response = api.post(f"/activities/{course.pk}/enrolments", {"participant_id": fourth.pk})
    assert response.status_code == 201 and response.json()["status"] == "waiting"

    response = api.post(f"/activities/{course.pk}/enrolments", {"participant_id": fourth.pk})
    assert response.status_code == 422  # already enrolled
    assert response.json()["detail"]

    operator = api.post(
        f"/activities/{course.pk}/enrolments",
        {"kind": "operator", "full_name": "Rosa Greco", "role_title": "Assistente sociale"},
    )
    assert operator.status_code == 201 and operator.json()["name"] == "Rosa Greco"


def test_enrolment_writes_out_of_scope_are_404_and_read_only_403(
    operator_a, viewer_a, trainer_a, org_a, org_b, course
):
    mine, theirs = make_participant(org_a), make_participant(org_b)
    foreign = make_activity(org_b)
    before = Enrolment.objects.count()

    assert (
        Api(operator_a).post(f"/activities/{foreign.pk}/enrolments", {"participant_id": mine.pk}).status_code
        == 404
    )
    assert (
        Api(operator_a).post(f"/activities/{course.pk}/enrolments", {"participant_id": theirs.pk}).status_code
        == 404
    )
    assert (
        Api(viewer_a).post(f"/activities/{course.pk}/enrolments", {"participant_id": mine.pk}).status_code
        == 403
    )
    assert (
        Api(trainer_a).post(f"/activities/{course.pk}/enrolments", {"participant_id": mine.pk}).status_code
        == 403
    )
    assert Enrolment.objects.count() == before


def test_a_closed_activity_refuses_enrolments_with_the_reason(operator_a, org_a):
    closed = make_activity(org_a, status=ActivityStatus.COMPLETED)
    response = Api(operator_a).post(
        f"/activities/{closed.pk}/enrolments", {"participant_id": make_participant(org_a).pk}
    )
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list) and response.json()["detail"][0]
    assert not Enrolment.objects.filter(activity=closed).exists()


# --- Attendance ----------------------------------------------------------------------------------------------


def test_a_trainer_marks_a_session(trainer_a, course, sessions, learners):
    first, second = learners
    response = Api(trainer_a).post(
        f"/sessions/{sessions[0].pk}/attendance",
        [
            {"enrolment": first.pk, "status": "present"},
            {"enrolment": second.pk, "status": "present", "hours": "2.5"},
        ],
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert [(m["enrolment_id"], Decimal(m["hours"])) for m in body] == [
        (first.pk, 4),
        (second.pk, Decimal("2.5")),
    ]
    assert Decimal(body[1]["attended_hours"]) == Decimal("2.5")
    first.refresh_from_db()
    assert first.attended_hours == 4

    # Marking again replaces the mark.
    response = Api(trainer_a).post(
        f"/sessions/{sessions[0].pk}/attendance", [{"enrolment": first.pk, "status": "absent"}]
    )
    assert response.status_code == 200
    first.refresh_from_db()
    assert first.attended_hours == 0
    assert Attendance.objects.filter(session=sessions[0]).count() == 2


def test_one_refused_mark_saves_none(trainer_a, org_a, operator_a, course, sessions, learners):
    first, second = learners
    stranger = actions.enrol(
        make_activity(org_a), acting_user=operator_a, participant=make_participant(org_a)
    )
    response = Api(trainer_a).post(
        f"/sessions/{sessions[0].pk}/attendance",
        [
            {"enrolment": first.pk, "status": "present"},
            {"enrolment": second.pk, "status": "present", "hours": "9"},
            {"enrolment": stranger.pk, "status": "present"},
        ],
    )

    assert response.status_code == 422
    assert set(response.json()["detail"]) == {"1", "2"}
    assert not Attendance.objects.exists()
    first.refresh_from_db()
    assert first.attended_hours == 0


def test_a_future_session_cannot_be_marked(trainer_a, course, learners):
    future = Session.objects.create(
        activity=course, date=timezone.localdate() + datetime.timedelta(days=2), hours=2
    )
    response = Api(trainer_a).post(
        f"/sessions/{future.pk}/attendance", [{"enrolment": learners[0].pk, "status": "present"}]
    )
    assert response.status_code == 422
    assert not Attendance.objects.exists()


def test_attendance_out_of_scope_is_404_and_read_only_403(
    trainer_a, viewer_a, org_a, course, sessions, learners
):
    other = make_activity(org_a)
    other_session = make_sessions(other, count=1)[0]
    marks = [{"enrolment": learners[0].pk, "status": "present"}]

    assert Api(trainer_a).post(f"/sessions/{other_session.pk}/attendance", marks).status_code == 404
    assert Api(viewer_a).post(f"/sessions/{sessions[0].pk}/attendance", marks).status_code == 403
    assert not Attendance.objects.exists()


# --- Assessments ---------------------------------------------------------------------------------------------


def test_a_trainer_records_and_corrects_assessments(trainer_a, course, learners):
    first = learners[0]
    url = f"/enrolments/{first.pk}/assessments"
    entry = {
        "moment": "entry",
        "date": course.start_date.isoformat(),
        "overall": "pre-A1",
        "evidence": "placement_test",
    }

    response = Api(trainer_a).post(url, {**entry, "listening": "A1"})
    assert response.status_code == 201, response.content
    assert response.json()["overall"] == "pre-A1" and response.json()["listening"] == "A1"
    assert response.json()["language"] == "ita"

    response = Api(trainer_a).post(url, {**entry, "overall": "A1"})
    assert response.status_code == 200
    assert LanguageAssessment.objects.get(enrolment=first).overall == CEFRLevel.A1

    exit_ = {
        "moment": "exit",
        "date": timezone.localdate().isoformat(),
        "overall": "A2",
        "evidence": "certificate",
        "certificate_name": "CILS",
        "assessor_name": "Commissione CILS",
    }
    assert Api(trainer_a).post(url, exit_).status_code == 201
    listed = Api(trainer_a).get(url).json()
    assert [(a["moment"], a["overall"]) for a in listed] == [("entry", "A1"), ("exit", "A2")]


def test_impossible_assessments_are_422_with_the_field(trainer_a, course, learners):
    url = f"/enrolments/{learners[0].pk}/assessments"
    base = {"moment": "entry", "date": course.start_date.isoformat(), "overall": "A1", "evidence": "teacher"}

    bad_level = Api(trainer_a).post(url, {**base, "overall": "D1"})
    assert bad_level.status_code == 422 and "overall" in bad_level.json()["detail"]

    too_early = (course.start_date - datetime.timedelta(days=400)).isoformat()
    out_of_range = Api(trainer_a).post(url, {**base, "date": too_early})
    assert out_of_range.status_code == 422 and "date" in out_of_range.json()["detail"]

    no_certificate = Api(trainer_a).post(url, {**base, "evidence": "certificate"})
    assert no_certificate.status_code == 422 and "certificate_name" in no_certificate.json()["detail"]
    assert not LanguageAssessment.objects.exists()


def test_assessments_out_of_scope_are_404_and_read_only_403(
    trainer_a, viewer_a, operator_b, org_a, operator_a, course, learners
):
    other = actions.enrol(make_activity(org_a), acting_user=operator_a, participant=make_participant(org_a))
    entry = {"moment": "entry", "date": course.start_date.isoformat(), "overall": "A1", "evidence": "teacher"}

    assert Api(trainer_a).get(f"/enrolments/{other.pk}/assessments").status_code == 404
    assert Api(operator_b).post(f"/enrolments/{learners[0].pk}/assessments", entry).status_code == 404
    assert Api(viewer_a).get(f"/enrolments/{learners[0].pk}/assessments").status_code == 200
    assert Api(viewer_a).post(f"/enrolments/{learners[0].pk}/assessments", entry).status_code == 403
    assert not LanguageAssessment.objects.exists()


def test_the_openapi_schema_lists_the_activity_endpoints(client):
    paths = json.loads(client.get(f"{BASE}/openapi.json").content)["paths"]
    assert "get" in paths[f"{BASE}/activities/"]
    assert "get" in paths[f"{BASE}/activities/{{activity_id}}"]
    assert "get" in paths[f"{BASE}/activities/{{activity_id}}/sessions"]
    assert {"get", "post"} <= set(paths[f"{BASE}/activities/{{activity_id}}/enrolments"])
    assert "post" in paths[f"{BASE}/sessions/{{session_id}}/attendance"]
    assert {"get", "post"} <= set(paths[f"{BASE}/enrolments/{{enrolment_id}}/assessments"])


# --- Review fixes --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("enrolment", [10**30, 2**31, 0, -1])
def test_an_enrolment_id_out_of_range_is_422_not_a_server_error(trainer_a, sessions, learners, enrolment):
    response = Api(trainer_a).post(
        f"/sessions/{sessions[0].pk}/attendance", [{"enrolment": enrolment, "status": "present"}]
    )
    assert response.status_code == 422
    assert not Attendance.objects.exists()


def test_enrolment_ids_and_e_mail_are_checked_before_anything_is_saved(operator_a, course):
    api = Api(operator_a)
    url = f"/activities/{course.pk}/enrolments"
    before = Enrolment.objects.count()
    for payload in (
        {"participant_id": 10**30},
        {"kind": "operator", "full_name": "Rosa Greco", "organisation_id": 10**30},
        {"kind": "operator", "full_name": "Rosa Greco", "organisation_id": 0},
    ):
        assert api.post(url, payload).status_code == 422, payload

    response = api.post(url, {"kind": "operator", "full_name": "Rosa Greco", "email": "not an e-mail"})
    assert response.status_code == 422
    assert list(response.json()["detail"]) == ["email"] and response.json()["detail"]["email"][0]
    assert Enrolment.objects.count() == before

    response = api.post(url, {"kind": "operator", "full_name": "Rosa Greco", "email": " rosa@example.org "})
    assert response.status_code == 201
    assert Enrolment.objects.get(full_name="Rosa Greco").email == "rosa@example.org"


def test_a_page_number_out_of_range_is_422(operator_a, course):
    api = Api(operator_a)
    for url in ("/activities/", f"/activities/{course.pk}/enrolments"):
        assert api.get(url, page=10**30).status_code == 422, url
        assert api.get(url, page_size=10**30).status_code == 422, url
        assert api.get(url, page=2).status_code == 200, url
