"""The rules of activities: waiting list, attendance maths, completion rule, CEFR improvement, certificates,
feedback, and who may do what."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from activities import actions
from activities.models import (
    AssessmentEvidence,
    Attendance,
    AttendanceStatus,
    CEFRLevel,
    CertificateKind,
    CompletionRule,
    Enrolment,
    EnrolmentKind,
    EnrolmentStatus,
    FeedbackResponse,
    LanguageAssessment,
    TrainingTopic,
)
from conftest import make_activity, make_participant, make_sessions

pytestmark = pytest.mark.django_db


def enrol_many(activity, user, owner, n):
    return [actions.enrol(activity, acting_user=user, participant=make_participant(owner)) for _ in range(n)]


# ----------------------------------------------------------------------------------------- waiting list


def test_full_activity_puts_people_on_the_waiting_list_and_promotes_in_order(org_a, operator_a):
    activity = make_activity(org_a, capacity=2)
    first, second, third, fourth = enrol_many(activity, operator_a, org_a, 4)
    assert [e.status for e in (first, second, third, fourth)] == [
        EnrolmentStatus.ENROLLED,
        EnrolmentStatus.ENROLLED,
        EnrolmentStatus.WAITING,
        EnrolmentStatus.WAITING,
    ]
    promoted = actions.change_enrolment_status(first, EnrolmentStatus.WITHDRAWN, acting_user=operator_a)
    assert promoted == [third]
    third.refresh_from_db()
    fourth.refresh_from_db()
    assert third.status == EnrolmentStatus.ENROLLED
    assert fourth.status == EnrolmentStatus.WAITING
    # Dropping out also frees the place.
    actions.change_enrolment_status(second, EnrolmentStatus.DROPPED_OUT, acting_user=operator_a)
    fourth.refresh_from_db()
    assert fourth.status == EnrolmentStatus.ENROLLED


def test_more_places_promote_from_the_waiting_list(org_a, operator_a):
    activity = make_activity(org_a, capacity=1)
    _enrolled, waiting1, waiting2 = enrol_many(activity, operator_a, org_a, 3)
    promoted = actions.set_capacity(activity, 2, acting_user=operator_a)
    assert promoted == [waiting1]
    waiting2.refresh_from_db()
    assert waiting2.status == EnrolmentStatus.WAITING
    with pytest.raises(ValidationError):
        actions.set_capacity(activity, 1, acting_user=operator_a)
    promoted = actions.set_capacity(activity, None, acting_user=operator_a)
    assert promoted == [waiting2]


def test_waiting_person_cannot_jump_a_full_activity(org_a, operator_a):
    activity = make_activity(org_a, capacity=1)
    _enrolled, waiting = enrol_many(activity, operator_a, org_a, 2)
    with pytest.raises(ValidationError):
        actions.change_enrolment_status(waiting, EnrolmentStatus.ENROLLED, acting_user=operator_a)
    waiting.refresh_from_db()
    assert waiting.status == EnrolmentStatus.WAITING


def test_withdrawn_is_final_and_duplicates_are_refused(org_a, operator_a, participant_a):
    activity = make_activity(org_a)
    enrolment = actions.enrol(activity, acting_user=operator_a, participant=participant_a)
    with pytest.raises(ValidationError):
        actions.enrol(activity, acting_user=operator_a, participant=participant_a)
    actions.change_enrolment_status(enrolment, EnrolmentStatus.WITHDRAWN, acting_user=operator_a)
    with pytest.raises(ValidationError):
        actions.change_enrolment_status(enrolment, EnrolmentStatus.ENROLLED, acting_user=operator_a)


def test_operator_without_account_can_be_enrolled(org_a, org_b, operator_a):
    activity = make_activity(org_a, kind="operator_training", audience="operators", action="01")
    enrolment = actions.enrol(
        activity,
        acting_user=operator_a,
        kind=EnrolmentKind.OPERATOR,
        full_name="Giulia Esposito",
        organisation=org_b,
        role_title="Assistente sociale",
    )
    assert enrolment.person_name == "Giulia Esposito"
    assert enrolment.initials == "G. E."
    with pytest.raises(ValidationError):
        actions.enrol(activity, acting_user=operator_a, kind=EnrolmentKind.OPERATOR, full_name="  ")


def test_enrolling_needs_the_organiser_and_a_reachable_participant(
    org_a, operator_a, operator_b, participant_b
):
    activity = make_activity(org_a)
    with pytest.raises(Http404):  # org B does not see org A's activity
        actions.enrol(activity, acting_user=operator_b, participant=participant_b)
    with pytest.raises(Http404):  # org A cannot reach org B's participant
        actions.enrol(activity, acting_user=operator_a, participant=participant_b)
    assert not Enrolment.objects.exists()


def test_viewer_and_trainer_cannot_enrol(org_a, viewer_a, trainer_a, participant_a):
    activity = make_activity(org_a, trainers=[trainer_a])
    with pytest.raises(PermissionDenied):
        actions.enrol(activity, acting_user=viewer_a, participant=participant_a)
    with pytest.raises(PermissionDenied):
        actions.enrol(activity, acting_user=trainer_a, participant=participant_a)


# ------------------------------------------------------------------------------------ attendance maths


def test_attendance_hours_and_percentage(org_a, operator_a, participant_a):
    activity = make_activity(org_a, planned_hours=30)
    sessions = make_sessions(activity, count=5, hours=4)  # 20 hours scheduled
    enrolment = actions.enrol(activity, acting_user=operator_a, participant=participant_a)
    actions.mark_attendance(sessions[0], enrolment, AttendanceStatus.PRESENT, acting_user=operator_a)
    actions.mark_attendance(
        sessions[1], enrolment, AttendanceStatus.PRESENT, acting_user=operator_a, hours="2,5"
    )
    actions.mark_attendance(sessions[2], enrolment, AttendanceStatus.ABSENT, acting_user=operator_a)
    actions.mark_attendance(sessions[3], enrolment, AttendanceStatus.EXCUSED, acting_user=operator_a)
    enrolment.refresh_from_db()
    assert enrolment.attended_hours == Decimal("6.5")
    total = actions.activity_hours(activity)
    assert total == Decimal("20")  # the scheduled sessions, not the planned 30
    assert actions.attendance_percent(enrolment.attended_hours, total) == Decimal("32.5")
    # Correcting a mark replaces it; a cancelled session stops counting.
    actions.mark_attendance(sessions[2], enrolment, AttendanceStatus.PRESENT, acting_user=operator_a)
    enrolment.refresh_from_db()
    assert enrolment.attended_hours == Decimal("10.5")
    assert Attendance.objects.filter(enrolment=enrolment).count() == 4
    sessions[0].is_cancelled = True
    sessions[0].save()
    actions.refresh_attended_hours(Enrolment.objects.filter(pk=enrolment.pk))
    enrolment.refresh_from_db()
    assert enrolment.attended_hours == Decimal("6.5")
    assert actions.activity_hours(activity) == Decimal("16")


def test_impossible_marks_are_refused(org_a, operator_a, participant_a):
    activity = make_activity(org_a)
    past, *_ = make_sessions(activity, count=1, hours=3)
    future = make_sessions(activity, count=1, hours=3, start_days_ago=-5)[0]
    enrolment = actions.enrol(activity, acting_user=operator_a, participant=participant_a)
    for status, hours in (("present", "4"), ("present", "0"), ("present", "abc"), ("late", None)):
        with pytest.raises(ValidationError):
            actions.mark_attendance(past, enrolment, status, acting_user=operator_a, hours=hours)
    with pytest.raises(ValidationError):
        actions.mark_attendance(future, enrolment, "present", acting_user=operator_a)
    assert not Attendance.objects.exists()


def test_waiting_list_is_not_on_the_register(org_a, operator_a):
    activity = make_activity(org_a, capacity=1)
    session = make_sessions(activity, count=1)[0]
    _enrolled, waiting = enrol_many(activity, operator_a, org_a, 2)
    with pytest.raises(ValidationError):
        actions.mark_attendance(session, waiting, "present", acting_user=operator_a)


def test_mark_all_present_skips_people_already_marked(org_a, operator_a):
    activity = make_activity(org_a)
    session = make_sessions(activity, count=1, hours=2)[0]
    first, second, third = enrol_many(activity, operator_a, org_a, 3)
    actions.mark_attendance(session, first, "absent", acting_user=operator_a)
    assert actions.mark_all_present(session, acting_user=operator_a) == 2
    assert {e.pk: e.attended_hours for e in Enrolment.objects.all()} == {
        first.pk: 0,
        second.pk: 2,
        third.pk: 2,
    }


def test_trainer_keeps_only_their_activities_register(org_a, trainer_a, operator_a, participant_a):
    mine = make_activity(org_a, trainers=[trainer_a])
    other = make_activity(org_a)
    my_session = make_sessions(mine, count=1)[0]
    other_session = make_sessions(other, count=1)[0]
    my_enrolment = actions.enrol(mine, acting_user=operator_a, participant=participant_a)
    other_enrolment = actions.enrol(other, acting_user=operator_a, participant=participant_a)
    actions.mark_attendance(my_session, my_enrolment, "present", acting_user=trainer_a)
    with pytest.raises(Http404):
        actions.mark_attendance(other_session, other_enrolment, "present", acting_user=trainer_a)
    assert list(Enrolment.objects.visible_to(trainer_a)) == [my_enrolment]


def test_viewer_cannot_mark_attendance(org_a, viewer_a, operator_a, participant_a):
    activity = make_activity(org_a)
    session = make_sessions(activity, count=1)[0]
    enrolment = actions.enrol(activity, acting_user=operator_a, participant=participant_a)
    with pytest.raises(PermissionDenied):
        actions.mark_attendance(session, enrolment, "present", acting_user=viewer_a)


# ---------------------------------------------------------------------------------------- completion


def test_completion_rule_from_data(org_a, operator_a):
    activity = make_activity(org_a)
    sessions = make_sessions(activity, count=10, hours=2)  # 20 hours
    at_70, at_65, at_100 = enrol_many(activity, operator_a, org_a, 3)
    for enrolment, attended in ((at_70, 7), (at_65, 6), (at_100, 10)):
        for session in sessions[:attended]:
            actions.mark_attendance(session, enrolment, "present", acting_user=operator_a)
    actions.mark_attendance(sessions[6], at_65, "present", acting_user=operator_a, hours=1)  # 13 h = 65%
    assert actions.close_activity(activity, acting_user=operator_a) == {"completed": 2, "not_met": 1}
    statuses = dict(Enrolment.objects.values_list("pk", "status"))
    assert statuses == {
        at_70.pk: EnrolmentStatus.COMPLETED,
        at_65.pk: EnrolmentStatus.ENROLLED,
        at_100.pk: EnrolmentStatus.COMPLETED,
    }


def test_completion_rule_with_exit_test(org_a, operator_a, participant_a):
    rule = CompletionRule.objects.get(code="lingua-70-verifica")
    activity = make_activity(org_a, completion_rule=rule)
    sessions = make_sessions(activity, count=2, hours=2)
    enrolment = actions.enrol(activity, acting_user=operator_a, participant=participant_a)
    for session in sessions:
        actions.mark_attendance(session, enrolment, "present", acting_user=operator_a)
    enrolment.refresh_from_db()
    check = actions.check_completion(enrolment)
    assert check.percent == 100 and check.missing_exit_assessment and not check.met
    with pytest.raises(ValidationError):
        actions.change_enrolment_status(enrolment, EnrolmentStatus.COMPLETED, acting_user=operator_a)
    actions.record_assessment(
        enrolment,
        acting_user=operator_a,
        data={
            "moment": "exit",
            "date": datetime.date.today(),
            "overall": CEFRLevel.A2,
            "evidence": AssessmentEvidence.TEACHER,
        },
    )
    assert actions.check_completion(enrolment).met
    actions.change_enrolment_status(enrolment, EnrolmentStatus.COMPLETED, acting_user=operator_a)


# ---------------------------------------------------------------------------------------------- CEFR


def assess(enrolment, user, moment, overall, **skills):
    return actions.record_assessment(
        enrolment,
        acting_user=user,
        data={
            "moment": moment,
            "date": datetime.date.today() - datetime.timedelta(days=10 if moment == "entry" else 1),
            "overall": overall,
            "evidence": AssessmentEvidence.PLACEMENT_TEST,
            **skills,
        },
    )


def test_cefr_improvement_overall_and_per_skill(org_a, operator_a, participant_a):
    activity = make_activity(org_a)
    enrolment = actions.enrol(activity, acting_user=operator_a, participant=participant_a)
    entry = assess(
        enrolment, operator_a, "entry", CEFRLevel.PRE_A1, listening=CEFRLevel.A1, writing=CEFRLevel.PRE_A1
    )
    # Without an exit level there is no improvement to report (not zero).
    missing = actions.cefr_improvement(entry, None)
    assert missing.overall is None and missing.improved is None
    exit_ = assess(enrolment, operator_a, "exit", CEFRLevel.A2, listening=CEFRLevel.A2, reading=CEFRLevel.A1)
    result = actions.cefr_improvement(entry, exit_)
    assert result.overall == 2 and result.improved is True
    assert result.skills == {
        "listening": 1,
        "reading": None,  # no entry level for reading
        "spoken_interaction": None,
        "spoken_production": None,
        "writing": None,  # no exit level for writing
    }
    same = assess(enrolment, operator_a, "exit", CEFRLevel.PRE_A1)  # a correction replaces the exit test
    assert LanguageAssessment.objects.filter(enrolment=enrolment).count() == 2
    assert actions.cefr_improvement(entry, same).improved is False


def test_cefr_parse():
    assert CEFRLevel.parse("pre-A1") == CEFRLevel.PRE_A1
    assert CEFRLevel.parse(" a2 ") == CEFRLevel.A2
    assert CEFRLevel.parse("PreA1") == CEFRLevel.PRE_A1
    assert CEFRLevel.parse("A3") is None
    assert CEFRLevel.parse("") is None


def test_assessment_validation(org_a, operator_a, participant_a):
    activity = make_activity(org_a)
    enrolment = actions.enrol(activity, acting_user=operator_a, participant=participant_a)
    today = datetime.date.today()
    bad = [
        {"moment": "entry", "date": today + datetime.timedelta(days=1), "overall": 1, "evidence": "teacher"},
        {
            "moment": "exit",
            "date": activity.start_date - datetime.timedelta(days=1),
            "overall": 1,
            "evidence": "teacher",
        },
        {"moment": "entry", "date": today, "overall": 9, "evidence": "teacher"},
        {"moment": "entry", "date": today, "overall": 1, "evidence": "certificate"},
        {"moment": "middle", "date": today, "overall": 1, "evidence": "teacher"},
    ]
    for data in bad:
        with pytest.raises(ValidationError):
            actions.record_assessment(enrolment, acting_user=operator_a, data=data)
    assert not LanguageAssessment.objects.exists()


# ------------------------------------------------------------------------------- operator training


def test_self_assessment_shows_competence_growth(org_a, org_b, operator_a):
    activity = make_activity(org_a, kind="operator_training", audience="operators", action="01")
    law = TrainingTopic.objects.create(activity=activity, title="Diritto dell'immigrazione", position=1)
    bias = TrainingTopic.objects.create(activity=activity, title="Comunicazione interculturale", position=2)
    one, two, three = (
        actions.enrol(
            activity, acting_user=operator_a, kind="operator", full_name=f"Operatore {n}", organisation=org_b
        )
        for n in range(3)
    )
    actions.record_self_assessment(one, "pre", {law.pk: 2, bias.pk: 3}, acting_user=operator_a)
    actions.record_self_assessment(one, "post", {law.pk: 4, bias.pk: 3}, acting_user=operator_a)
    actions.record_self_assessment(two, "pre", {law.pk: 1}, acting_user=operator_a)
    actions.record_self_assessment(two, "post", {law.pk: 4}, acting_user=operator_a)
    actions.record_self_assessment(three, "pre", {law.pk: 5}, acting_user=operator_a)  # no "after": left out
    rows = {row["topic"].title: row for row in actions.competence_growth(activity)}
    assert rows["Diritto dell'immigrazione"] == {
        "topic": law,
        "people": 2,
        "pre": 1.5,
        "post": 4.0,
        "change": 2.5,
    }
    assert rows["Comunicazione interculturale"]["change"] == 0
    with pytest.raises(ValidationError):
        actions.record_self_assessment(one, "pre", {law.pk: 6}, acting_user=operator_a)


# ------------------------------------------------------------------------------- certificates, feedback


def test_certificates_need_attendance_or_completion_and_are_issued_once(org_a, operator_a, participant_a):
    activity = make_activity(org_a)
    session = make_sessions(activity, count=1, hours=2)[0]
    enrolment = actions.enrol(activity, acting_user=operator_a, participant=participant_a)
    with pytest.raises(ValidationError):
        actions.issue_certificate(enrolment, CertificateKind.ATTENDANCE, acting_user=operator_a)
    actions.mark_attendance(session, enrolment, "present", acting_user=operator_a)
    enrolment.refresh_from_db()
    with pytest.raises(ValidationError):
        actions.issue_certificate(enrolment, CertificateKind.COMPLETION, acting_user=operator_a)
    first = actions.issue_certificate(enrolment, CertificateKind.ATTENDANCE, acting_user=operator_a)
    again = actions.issue_certificate(enrolment, CertificateKind.ATTENDANCE, acting_user=operator_a)
    assert first == again and first.hours_attended == 2 and len(first.code) == 14
    actions.revoke_certificate(first, acting_user=operator_a, reason="Errore nei dati")
    renewed = actions.issue_certificate(enrolment, CertificateKind.ATTENDANCE, acting_user=operator_a)
    assert renewed != first and renewed.is_valid and not first.is_valid


def test_feedback_link_answers_once_and_can_be_anonymous(org_a, operator_a, participant_a):
    activity = make_activity(org_a)
    enrolment = actions.enrol(activity, acting_user=operator_a, participant=participant_a)
    invitation = actions.feedback_invitation(enrolment, acting_user=operator_a)
    assert actions.feedback_invitation(enrolment, acting_user=operator_a) == invitation
    answer = {"helpful_for_integration": 5, "satisfaction": 4, "would_recommend": True, "comment": ""}
    response = actions.answer_feedback_link(invitation.token, answer, anonymous=True, language="ar")
    assert response.enrolment is None and response.activity == activity and response.language == "ar"
    with pytest.raises(ValidationError):
        actions.answer_feedback_link(invitation.token, answer, anonymous=False, language="it")
    with pytest.raises(PermissionDenied):
        actions.answer_feedback_link("not-a-token", answer, anonymous=False, language="it")
    assert FeedbackResponse.objects.count() == 1


def test_operator_entered_feedback(org_a, operator_a, participant_a):
    activity = make_activity(org_a)
    enrolment = actions.enrol(activity, acting_user=operator_a, participant=participant_a)
    answer = {"helpful_for_integration": 3, "satisfaction": 3}
    actions.enter_feedback(activity, answer, acting_user=operator_a, enrolment=enrolment)
    with pytest.raises(ValidationError):
        actions.enter_feedback(activity, answer, acting_user=operator_a, enrolment=enrolment)
    actions.enter_feedback(activity, answer, acting_user=operator_a)  # anonymous paper questionnaire
    assert FeedbackResponse.objects.filter(activity=activity).count() == 2


def test_an_event_with_a_zero_percent_rule_still_needs_attendance(org_a, operator_a):
    rule = CompletionRule.objects.get(code="evento-presenza")
    event = make_activity(org_a, kind="community_event", audience="public", action="03", completion_rule=rule)
    session = make_sessions(event, count=1, hours=2)[0]
    came, stayed_home = enrol_many(event, operator_a, org_a, 2)
    actions.mark_attendance(session, came, "present", acting_user=operator_a)
    assert actions.close_activity(event, acting_user=operator_a) == {"completed": 1, "not_met": 1}
    stayed_home.refresh_from_db()
    assert stayed_home.status == EnrolmentStatus.ENROLLED


# ------------------------------------------------------------------------------------------ review fixes


def test_a_trainer_who_left_the_organiser_loses_the_activity(
    org_a, org_b, trainer_a, operator_a, participant_a
):
    from accounts.models import Membership
    from activities.models import Activity
    from core.roles import Role

    activity = make_activity(org_a, trainers=[trainer_a])
    session = make_sessions(activity, count=1)[0]
    enrolment = actions.enrol(activity, acting_user=operator_a, participant=participant_a)
    assert Activity.objects.visible_to(trainer_a).filter(pk=activity.pk).exists()
    Membership.objects.filter(user=trainer_a).update(is_active=False)
    moved = Membership.objects.create(user=trainer_a, organisation=org_b, role=Role.TRAINER)
    trainer_a.active_membership = moved
    trainer_a.save(update_fields=["active_membership"])
    trainer_a._active_membership_cache = None
    assert not Activity.objects.visible_to(trainer_a).exists()
    assert not Enrolment.objects.visible_to(trainer_a).exists()
    with pytest.raises(Http404):
        actions.mark_attendance(session, enrolment, "present", acting_user=trainer_a)


def test_all_present_leaves_out_people_who_dropped_out(org_a, operator_a):
    activity = make_activity(org_a)
    first, second = make_sessions(activity, count=2, hours=2)
    staying, leaving = enrol_many(activity, operator_a, org_a, 2)
    actions.mark_attendance(first, leaving, "present", acting_user=operator_a)
    actions.change_enrolment_status(leaving, EnrolmentStatus.DROPPED_OUT, acting_user=operator_a)
    assert actions.mark_all_present(second, acting_user=operator_a) == 1
    assert not Attendance.objects.filter(session=second, enrolment=leaving).exists()
    assert Attendance.objects.filter(session=second, enrolment=staying).exists()


def test_completion_compares_exact_hours_not_the_rounded_percentage(org_a, operator_a, participant_a):
    activity = make_activity(org_a)
    sessions = make_sessions(activity, count=10, hours=2)  # 20 hours, 70% = 14 hours
    enrolment = actions.enrol(activity, acting_user=operator_a, participant=participant_a)
    for session in sessions[:6]:
        actions.mark_attendance(session, enrolment, "present", acting_user=operator_a)
    actions.mark_attendance(sessions[6], enrolment, "present", acting_user=operator_a, hours="1.99")
    enrolment.refresh_from_db()
    check = actions.check_completion(enrolment)
    assert enrolment.attended_hours == Decimal("13.99")
    assert check.percent == Decimal("70.0") and not check.met  # 69.95% displays as 70.0% but is short
    actions.mark_attendance(sessions[6], enrolment, "present", acting_user=operator_a, hours="2")
    enrolment.refresh_from_db()
    assert actions.check_completion(enrolment).met


def test_hours_that_round_to_nothing_or_are_not_numbers_are_refused(org_a, operator_a, participant_a):
    activity = make_activity(org_a)
    session = make_sessions(activity, count=1, hours=2)[0]
    enrolment = actions.enrol(activity, acting_user=operator_a, participant=participant_a)
    for hours in ("0.001", "NaN", "sNaN", "Infinity", "1e-999999999"):
        with pytest.raises(ValidationError):
            actions.mark_attendance(session, enrolment, "present", acting_user=operator_a, hours=hours)
    assert not Attendance.objects.exists()


def test_session_hours_are_at_most_a_day(org_a):
    activity = make_activity(org_a)
    session = make_sessions(activity, count=1, hours=2)[0]
    session.hours = Decimal("25")
    with pytest.raises(ValidationError):
        session.full_clean()


def test_an_anonymous_answer_keeps_only_the_day(org_a, operator_a, participant_a):
    activity = make_activity(org_a)
    enrolment = actions.enrol(activity, acting_user=operator_a, participant=participant_a)
    invitation = actions.feedback_invitation(enrolment, acting_user=operator_a)
    response = actions.answer_feedback_link(
        invitation.token, {"helpful_for_integration": 4, "satisfaction": 4}, anonymous=True, language="it"
    )
    invitation.refresh_from_db()
    for moment in (response.submitted_at, invitation.used_at):
        assert (moment.hour, moment.minute, moment.second, moment.microsecond) == (0, 0, 0, 0)
    assert actions.has_answered(enrolment)
    with pytest.raises(ValidationError):  # nor can an operator type a second, named answer
        actions.enter_feedback(
            activity,
            {"helpful_for_integration": 1, "satisfaction": 1},
            acting_user=operator_a,
            enrolment=enrolment,
        )


def test_feedback_invitations_in_bulk(org_a, operator_a, django_assert_max_num_queries):
    activity = make_activity(org_a)
    people = enrol_many(activity, operator_a, org_a, 12)
    first = actions.feedback_invitation(people[0], acting_user=operator_a)
    with django_assert_max_num_queries(8):
        links = actions.feedback_invitations(activity, people, acting_user=operator_a)
    assert len(links) == 12 and links[people[0].pk] == first
    assert len({link.token for link in links.values()}) == 12


def test_a_link_printed_after_a_typed_in_answer_cannot_answer_again(org_a, operator_a, participant_a):
    activity = make_activity(org_a)
    enrolment = actions.enrol(activity, acting_user=operator_a, participant=participant_a)
    answer = {"helpful_for_integration": 4, "satisfaction": 4}
    actions.enter_feedback(activity, answer, acting_user=operator_a, enrolment=enrolment)
    invitation = actions.feedback_invitation(enrolment, acting_user=operator_a)
    for anonymous in (True, False):
        with pytest.raises(ValidationError):
            actions.answer_feedback_link(invitation.token, answer, anonymous=anonymous, language="it")
    assert FeedbackResponse.objects.count() == 1
