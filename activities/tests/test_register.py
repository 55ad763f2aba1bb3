"""The attendance register: htmx saves that answer the row, the plain-form fallback, who may use it, the
session navigation and the number of queries (constant for the page, a handful for one mark)."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from activities import actions
from activities.models import Attendance, AttendanceStatus, Enrolment, EnrolmentStatus, Session
from conftest import client_for, make_activity, make_member, make_participant, make_sessions
from core.roles import Role

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
TODAY = timezone.localdate()


@pytest.fixture
def course(org_a, trainer_a):
    activity = make_activity(org_a, trainers=[trainer_a])
    make_sessions(activity, count=4, hours=4)  # 20, 18, 16 and 14 days ago
    return activity


@pytest.fixture
def people(course, operator_a, org_a):
    return [
        actions.enrol(course, acting_user=operator_a, participant=make_participant(org_a)) for _ in range(3)
    ]


def first_session(activity) -> Session:
    return activity.sessions.order_by("date").first()


def mark_url(activity, session, enrolment) -> str:
    return reverse("activities:register_mark", args=[activity.pk, session.pk, enrolment.pk])


def register_url(activity, session) -> str:
    return reverse("activities:register", args=[activity.pk, session.pk])


# ------------------------------------------------------------------------------------------------ saving


def test_htmx_mark_answers_the_updated_row_only_and_saves_it(course, people, trainer_a):
    session = first_session(course)
    enrolment = people[0]
    response = client_for(trainer_a).post(mark_url(course, session, enrolment), {"status": "present"}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode().strip()
    assert html.startswith(f'<tr id="row-{enrolment.pk}"')
    assert html.endswith("</tr>")
    assert "<html" not in html
    assert 'value="present" aria-keyshortcuts="P" aria-pressed="true"' in html
    mark = Attendance.objects.get(session=session, enrolment=enrolment)
    assert (mark.status, mark.hours, mark.recorded_by) == (AttendanceStatus.PRESENT, Decimal("4"), trainer_a)
    enrolment.refresh_from_db()
    assert enrolment.attended_hours == Decimal("4")
    # 4 of the course's 16 hours
    assert "25,0%" in html or "25.0%" in html


def test_changing_a_mark_replaces_it(course, people, trainer_a):
    session = first_session(course)
    client = client_for(trainer_a)
    client.post(mark_url(course, session, people[0]), {"status": "present"}, **HTMX)
    response = client.post(mark_url(course, session, people[0]), {"status": "excused"}, **HTMX)
    assert 'value="excused" aria-keyshortcuts="G" aria-pressed="true"' in response.content.decode()
    mark = Attendance.objects.get(session=session, enrolment=people[0])
    assert (mark.status, mark.hours) == (AttendanceStatus.EXCUSED, Decimal("0"))
    people[0].refresh_from_db()
    assert people[0].attended_hours == 0


def test_late_arrival_records_partial_hours_with_a_comma(course, people, trainer_a):
    session = first_session(course)
    response = client_for(trainer_a).post(
        mark_url(course, session, people[1]), {"status": "present", "hours": "2,5"}, **HTMX
    )
    assert (
        f'name="hours" id="hours-{people[1].pk}" class="form-control register-hours" value="2,5"'
        in response.content.decode()
    )
    assert Attendance.objects.get(session=session, enrolment=people[1]).hours == Decimal("2.5")


def test_impossible_hours_are_shown_in_the_row_and_nothing_is_saved(course, people, trainer_a):
    session = first_session(course)
    response = client_for(trainer_a).post(
        mark_url(course, session, people[0]), {"status": "present", "hours": "9"}, **HTMX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="table-danger"' in html
    assert 'role="alert"' in html
    assert not Attendance.objects.exists()


def test_a_future_session_cannot_be_marked(course, people, trainer_a):
    future = Session.objects.create(activity=course, date=TODAY + datetime.timedelta(days=3), hours=2)
    page = client_for(trainer_a).get(register_url(course, future))
    assert page.context["markable"] is False
    assert mark_url(course, future, people[0]) not in page.content.decode()
    response = client_for(trainer_a).post(mark_url(course, future, people[0]), {"status": "present"})
    assert response.status_code == 302
    assert not Attendance.objects.exists()


def test_without_javascript_a_mark_is_a_form_post_that_comes_back_to_the_register(course, people, trainer_a):
    session = first_session(course)
    response = client_for(trainer_a).post(mark_url(course, session, people[2]), {"status": "absent"})
    assert response.status_code == 302
    assert response["Location"] == register_url(course, session) + f"#row-{people[2].pk}"
    assert Attendance.objects.get(session=session, enrolment=people[2]).status == AttendanceStatus.ABSENT
    page = client_for(trainer_a).get(response["Location"])
    assert page.context["counts"]["absent"] == 1


def test_without_javascript_an_error_comes_back_as_a_message(course, people, trainer_a):
    session = first_session(course)
    response = client_for(trainer_a).post(
        mark_url(course, session, people[0]), {"status": "present", "hours": "0"}, follow=True
    )
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not Attendance.objects.exists()


def test_all_present_marks_everybody_without_a_mark(course, people, trainer_a):
    session = first_session(course)
    client = client_for(trainer_a)
    client.post(mark_url(course, session, people[0]), {"status": "absent"})
    response = client.post(reverse("activities:register_all_present", args=[course.pk, session.pk]))
    assert response.status_code == 302
    marks = dict(Attendance.objects.filter(session=session).values_list("enrolment_id", "status"))
    assert marks == {
        people[0].pk: AttendanceStatus.ABSENT,
        people[1].pk: AttendanceStatus.PRESENT,
        people[2].pk: AttendanceStatus.PRESENT,
    }


def test_people_off_the_register_are_not_listed_nor_markable(course, people, operator_a, trainer_a):
    actions.change_enrolment_status(people[0], EnrolmentStatus.WITHDRAWN, acting_user=operator_a)
    session = first_session(course)
    page = client_for(trainer_a).get(register_url(course, session))
    assert [row.pk for row in page.context["rows"]] == sorted(
        [people[1].pk, people[2].pk], key=lambda pk: Enrolment.objects.get(pk=pk).person_name
    )
    response = client_for(trainer_a).post(mark_url(course, session, people[0]), {"status": "present"}, **HTMX)
    assert response.status_code == 200
    assert 'role="alert"' in response.content.decode()
    assert not Attendance.objects.exists()


# ------------------------------------------------------------------------------------------------ access


def test_assigned_trainer_sees_the_register_with_names_only(course, people, trainer_a):
    page = client_for(trainer_a).get(register_url(course, first_session(course)))
    assert page.status_code == 200
    html = page.content.decode()
    assert people[0].person_name in html
    assert "/partecipanti/" not in html
    assert people[0].participant.birth_date.strftime("%d/%m/%Y") not in html


def test_another_trainer_gets_404_and_cannot_mark(course, people, org_a):
    stranger = make_member(org_a, Role.TRAINER, "trainer.other@example.org")
    session = first_session(course)
    client = client_for(stranger)
    assert client.get(register_url(course, session)).status_code == 404
    assert client.get(reverse("activities:register_today", args=[course.pk])).status_code == 404
    assert client.post(mark_url(course, session, people[0]), {"status": "present"}, **HTMX).status_code == 404
    assert not Attendance.objects.exists()


def test_other_organisation_gets_404(course, people, operator_b):
    session = first_session(course)
    assert client_for(operator_b).get(register_url(course, session)).status_code == 404
    response = client_for(operator_b).post(mark_url(course, session, people[0]), {"status": "present"})
    assert response.status_code == 404
    assert not Attendance.objects.exists()


def test_viewer_reads_the_register_but_gets_403_on_every_write_and_nothing_changes(course, people, viewer_a):
    session = first_session(course)
    client = client_for(viewer_a)
    page = client.get(register_url(course, session))
    assert page.status_code == 200
    assert page.context["writable"] is False
    assert "hx-post" not in page.content.decode()
    before = list(Enrolment.objects.order_by("pk").values_list("pk", "attended_hours"))
    assert client.post(mark_url(course, session, people[0]), {"status": "present"}, **HTMX).status_code == 403
    assert client.post(mark_url(course, session, people[0]), {"status": "present"}).status_code == 403
    url = reverse("activities:register_all_present", args=[course.pk, session.pk])
    assert client.post(url).status_code == 403
    assert not Attendance.objects.exists()
    assert list(Enrolment.objects.order_by("pk").values_list("pk", "attended_hours")) == before


def test_anonymous_visitors_go_to_login(client, course, people):
    session = first_session(course)
    for url in (register_url(course, session), reverse("activities:register_today", args=[course.pk])):
        assert client.get(url)["Location"].startswith(reverse("account_login"))
    response = client.post(mark_url(course, session, people[0]), {"status": "present"}, **HTMX)
    assert response.status_code == 302
    assert not Attendance.objects.exists()


def test_a_session_of_another_activity_is_404(course, people, org_a, trainer_a):
    other = make_activity(org_a, trainers=[trainer_a])
    other_session = make_sessions(other, count=1)[0]
    client = client_for(trainer_a)
    assert client.get(register_url(course, other_session)).status_code == 404
    assert client.post(mark_url(course, other_session, people[0]), {"status": "present"}).status_code == 404
    assert not Attendance.objects.exists()


# ------------------------------------------------------------------------------------------ navigation


def test_register_today_opens_todays_session(course, trainer_a):
    today = Session.objects.create(activity=course, date=TODAY, hours=2)
    Session.objects.create(activity=course, date=TODAY + datetime.timedelta(days=7), hours=2)
    response = client_for(trainer_a).get(reverse("activities:register_today", args=[course.pk]))
    assert response["Location"] == register_url(course, today)


def test_register_today_without_a_session_today_opens_the_last_one_held(course, trainer_a):
    Session.objects.create(activity=course, date=TODAY + datetime.timedelta(days=7), hours=2)
    last = course.sessions.filter(date__lt=TODAY).order_by("-date").first()
    response = client_for(trainer_a).get(reverse("activities:register_today", args=[course.pk]))
    assert response["Location"] == register_url(course, last)


def test_the_session_picker_and_the_previous_and_next_links(course, trainer_a):
    sessions = list(course.sessions.order_by("date"))
    client = client_for(trainer_a)
    response = client.get(reverse("activities:register_today", args=[course.pk]), {"session": sessions[2].pk})
    assert response["Location"] == register_url(course, sessions[2])
    page = client.get(register_url(course, sessions[2]))
    assert (page.context["previous"], page.context["next"]) == (sessions[1], sessions[3])
    html = page.content.decode()
    assert register_url(course, sessions[1]) in html
    assert register_url(course, sessions[3]) in html


def test_an_activity_without_sessions_sends_to_its_page(org_a, trainer_a):
    activity = make_activity(org_a, trainers=[trainer_a])
    response = client_for(trainer_a).get(reverse("activities:register_today", args=[activity.pk]))
    assert response["Location"] == activity.get_absolute_url() + "#sessions"


# -------------------------------------------------------------------------------------------- queries

# Session, user, membership, the header's memberships and notifications, the session save (3); the
# activity, may-register, sessions, hours of the course, and the rows with their marks.
REGISTER_QUERIES = 13
# Session, user, membership; session in scope, enrolment in scope; the action (savepoint, session in scope,
# may-register, get-or-create = select + savepoint + insert + release, audit entry, attended hours,
# release); the row and the course's hours; the session save (savepoint, update, release). Fourteen
# are reads and writes, six are savepoints.
MARK_QUERIES = 20


@pytest.mark.parametrize("size", [3, 30])
def test_register_queries_do_not_grow_with_people(
    org_a, operator_a, trainer_a, size, django_assert_num_queries
):
    # Given a course with `size` people, some already marked
    activity = make_activity(org_a, trainers=[trainer_a])
    session = make_sessions(activity, count=3)[0]
    enrolments = [
        actions.enrol(activity, acting_user=operator_a, participant=make_participant(org_a))
        for _ in range(size)
    ]
    for enrolment in enrolments[::2]:
        actions.mark_attendance(session, enrolment, AttendanceStatus.PRESENT, acting_user=operator_a)
    client = client_for(trainer_a)
    client.get(register_url(activity, session))
    # When the trainer opens the register, then the number of queries is the recorded one
    with django_assert_num_queries(REGISTER_QUERIES):
        response = client.get(register_url(activity, session))
    assert len(response.context["rows"]) == size


def test_saving_one_mark_is_a_handful_of_queries(course, people, trainer_a, django_assert_num_queries):
    session = first_session(course)
    client = client_for(trainer_a)
    client.post(mark_url(course, session, people[1]), {"status": "present"}, **HTMX)  # warm the caches
    with django_assert_num_queries(MARK_QUERIES):
        response = client.post(mark_url(course, session, people[0]), {"status": "present"}, **HTMX)
    assert response.status_code == 200


# ------------------------------------------------------------------------------------------ review fixes


def test_a_session_choice_that_is_not_a_plain_number_is_ignored_or_not_found(course, trainer_a):
    client = client_for(trainer_a)
    url = reverse("activities:register_today", args=[course.pk])
    last = course.sessions.filter(date__lt=TODAY).order_by("-date").first()
    for value in ("²", "١", "-1", "x"):
        response = client.get(url, {"session": value})
        assert response.status_code == 302, value
        assert response["Location"] == register_url(course, last)
    assert client.get(url, {"session": "9" * 30}).status_code == 404


@pytest.mark.parametrize("hours", ["NaN", "sNaN", "-NaN", "Infinity", "1e999999999"])
def test_hours_that_are_not_a_number_are_shown_in_the_row_and_nothing_is_saved(
    course, people, trainer_a, hours
):
    session = first_session(course)
    client = client_for(trainer_a)
    url = mark_url(course, session, people[0])

    response = client.post(url, {"status": "present", "hours": hours}, **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="table-danger"' in html and 'role="alert"' in html

    response = client.post(url, {"status": "present", "hours": hours}, follow=True)  # without JavaScript
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert not Attendance.objects.exists()
