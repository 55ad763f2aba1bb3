"""The rules of skills profiles: evidence levels and their history, course assessments flowing into the
profile, completeness, next steps becoming goals, and who may write or see what."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from activities import actions as activity_actions
from activities.models import AssessmentEvidence, CEFRLevel
from conftest import make_activity, make_participant
from paths.models import Goal, GoalArea
from skills import actions
from skills.models import (
    ChangeSource,
    ClaimChange,
    DigitalSkill,
    EvidenceLevel,
    LanguageSkill,
    Occupation,
    ProfileConstraint,
    Qualification,
    Section,
    SkillsProfile,
    SoftSkill,
    WorkExperience,
)
from skills.reference import RecognitionStatus
from territory.models import Language

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def italian():
    return Language.objects.get(code="ita")


@pytest.fixture
def profile(participant_a, operator_a):
    return actions.start_profile(participant_a, acting_user=operator_a)


def assess(enrolment, user, *, moment="exit", overall=CEFRLevel.B1, days_ago=1, **extra):
    return activity_actions.record_assessment(
        enrolment,
        acting_user=user,
        data={
            "moment": moment,
            "date": TODAY - datetime.timedelta(days=days_ago),
            "overall": overall,
            "evidence": AssessmentEvidence.PLACEMENT_TEST,
            **extra,
        },
    )


@pytest.fixture
def enrolment(org_a, operator_a, participant_a):
    activity = make_activity(org_a)
    return activity_actions.enrol(activity, acting_user=operator_a, participant=participant_a)


# ------------------------------------------------------------------------------------------- evidence


def test_evidence_levels_are_ordered_from_self_declared_to_recognised():
    assert (
        EvidenceLevel.SELF_DECLARED < EvidenceLevel.OBSERVED < EvidenceLevel.TESTED < EvidenceLevel.RECOGNISED
    )
    assert sorted(EvidenceLevel, reverse=True)[0] == EvidenceLevel.RECOGNISED


def test_raising_evidence_records_who_when_and_the_history(profile, operator_a, colleague_a):
    claim = actions.save_claim(
        profile,
        SoftSkill,
        acting_user=operator_a,
        data={"skill": "teamwork", "example": "Cucina di un ristorante"},
    )
    assert claim.evidence_level == EvidenceLevel.SELF_DECLARED
    assert claim.evidence_set_by == operator_a

    actions.set_evidence(
        claim, EvidenceLevel.OBSERVED, "Visto nel laboratorio di gruppo", acting_user=colleague_a
    )
    claim.refresh_from_db()
    assert claim.evidence_level == EvidenceLevel.OBSERVED
    assert claim.evidence_set_by == colleague_a
    assert claim.evidence_note == "Visto nel laboratorio di gruppo"

    history = list(ClaimChange.objects.filter(profile=profile, section=Section.SOFT_SKILLS).order_by("pk"))
    assert [h.source for h in history] == [ChangeSource.INTERVIEW, ChangeSource.CORRECTION]
    assert history[1].previous_evidence_level == EvidenceLevel.SELF_DECLARED
    assert history[1].evidence_level == EvidenceLevel.OBSERVED
    assert history[1].changes["evidence_level"] == [EvidenceLevel.SELF_DECLARED, EvidenceLevel.OBSERVED]
    assert history[1].changed_by == colleague_a


def test_tested_or_recognised_evidence_needs_a_note(profile, operator_a):
    with pytest.raises(ValidationError) as error:
        actions.save_claim(
            profile,
            DigitalSkill,
            acting_user=operator_a,
            data={"area": "1", "level": 3, "evidence_level": EvidenceLevel.TESTED},
        )
    assert "evidence_note" in error.value.message_dict
    assert not DigitalSkill.objects.exists()
    assert not ClaimChange.objects.filter(section=Section.DIGITAL).exists()


def test_a_qualification_is_recognised_only_with_its_recognition_recorded(profile, operator_a):
    data = {
        "title": "Diploma di scuola superiore",
        "eqf_level": 4,
        "evidence_level": EvidenceLevel.RECOGNISED,
        "evidence_note": "Dichiarazione di valore",
    }
    with pytest.raises(ValidationError) as error:
        actions.save_claim(profile, Qualification, acting_user=operator_a, data=data)
    assert "evidence_level" in error.value.message_dict
    recognised = {
        **data,
        "recognition_status": RecognitionStatus.RECOGNISED,
        "recognition_applied_on": TODAY - datetime.timedelta(days=90),
        "recognised_on": TODAY - datetime.timedelta(days=10),
    }
    claim = actions.save_claim(profile, Qualification, acting_user=operator_a, data=recognised)
    assert claim.evidence_level == EvidenceLevel.RECOGNISED


def test_recognition_applied_needs_a_date_not_in_the_future(profile, operator_a):
    data = {"title": "Laurea in ingegneria", "recognition_status": RecognitionStatus.APPLIED}
    with pytest.raises(ValidationError) as error:
        actions.save_claim(profile, Qualification, acting_user=operator_a, data=data)
    assert "recognition_applied_on" in error.value.message_dict
    with pytest.raises(ValidationError):
        actions.save_claim(
            profile,
            Qualification,
            acting_user=operator_a,
            data={**data, "recognition_applied_on": TODAY + datetime.timedelta(days=3)},
        )
    assert not Qualification.objects.exists()


def test_work_experience_needs_an_occupation_or_a_description_and_years_in_order(profile, operator_a):
    with pytest.raises(ValidationError) as error:
        actions.save_claim(profile, WorkExperience, acting_user=operator_a, data={"employer": "Ristorante"})
    assert "occupation" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        actions.save_claim(
            profile,
            WorkExperience,
            acting_user=operator_a,
            data={"job_title": "Cuoco", "start_year": 2020, "end_year": 2018},
        )
    assert "end_year" in error.value.message_dict
    cook = Occupation.objects.search("cook").first()
    claim = actions.save_claim(
        profile,
        WorkExperience,
        acting_user=operator_a,
        data={"occupation": cook, "start_year": 2015, "end_year": 2019, "years": 4},
        skills=list(cook.__class__.objects.none()),
    )
    assert claim.occupation == cook
    assert ClaimChange.objects.filter(claim_id=claim.pk, section=Section.WORK).exists()


def test_digital_competences_must_belong_to_the_area(profile, operator_a):
    with pytest.raises(ValidationError) as error:
        actions.save_claim(
            profile,
            DigitalSkill,
            acting_user=operator_a,
            data={"area": "1", "level": 2, "competences": ["4.2"]},
        )
    assert "competences" in error.value.message_dict
    claim = actions.save_claim(
        profile,
        DigitalSkill,
        acting_user=operator_a,
        data={"area": "1", "level": 2, "competences": ["1.1", "1.3"]},
    )
    assert claim.competences == ["1.1", "1.3"]


def test_removing_a_claim_keeps_it_in_the_history(profile, operator_a):
    claim = actions.save_claim(profile, SoftSkill, acting_user=operator_a, data={"skill": "care"})
    actions.remove_claim(claim, acting_user=operator_a)
    assert not SoftSkill.objects.exists()
    last = ClaimChange.objects.filter(profile=profile).first()
    assert last.source == ChangeSource.REMOVAL
    assert last.claim_label == str(claim)


# ---------------------------------------------------------------------------------- course assessments


def test_a_course_assessment_sets_the_italian_level_with_tested_evidence(
    enrolment, trainer_a, org_a, participant_a
):
    enrolment.activity.trainers.add(trainer_a)
    assessment = assess(enrolment, trainer_a, overall=CEFRLevel.A2, listening=CEFRLevel.B1)
    skill = LanguageSkill.objects.get(profile__participant=participant_a, language=italian())
    assert skill.overall == CEFRLevel.A2
    assert skill.listening == CEFRLevel.B1
    assert skill.evidence_level == EvidenceLevel.TESTED
    assert skill.source_assessment == assessment
    assert skill.assessed_on == assessment.date
    assert enrolment.activity.title in skill.evidence_note
    change = ClaimChange.objects.get(section=Section.LANGUAGES, source=ChangeSource.ASSESSMENT)
    assert change.applied and change.assessment == assessment
    assert change.changes["overall"] == [None, CEFRLevel.A2]


def test_a_later_exit_assessment_replaces_the_entry_level_and_keeps_the_history(enrolment, operator_a):
    assess(enrolment, operator_a, moment="entry", overall=CEFRLevel.A1, days_ago=20)
    assess(enrolment, operator_a, moment="exit", overall=CEFRLevel.A2, days_ago=1)
    skill = LanguageSkill.objects.get(language=italian())
    assert skill.overall == CEFRLevel.A2
    history = list(ClaimChange.objects.filter(source=ChangeSource.ASSESSMENT).order_by("pk"))
    assert [h.changes["overall"] for h in history] == [[None, CEFRLevel.A1], [CEFRLevel.A1, CEFRLevel.A2]]
    assert all(h.applied for h in history)


def test_an_older_assessment_entered_late_does_not_overwrite_a_newer_one(enrolment, operator_a):
    assess(enrolment, operator_a, moment="exit", overall=CEFRLevel.B1, days_ago=1)
    assess(enrolment, operator_a, moment="entry", overall=CEFRLevel.A1, days_ago=25)
    skill = LanguageSkill.objects.get(language=italian())
    assert skill.overall == CEFRLevel.B1
    not_applied = ClaimChange.objects.get(source=ChangeSource.ASSESSMENT, applied=False)
    assert not_applied.changes["overall"] == [CEFRLevel.B1, CEFRLevel.A1]


def test_an_assessment_replaces_a_self_declared_level(profile, enrolment, operator_a):
    actions.save_claim(
        profile, LanguageSkill, acting_user=operator_a, data={"language": italian(), "overall": CEFRLevel.B2}
    )
    assess(enrolment, operator_a, overall=CEFRLevel.A2)
    skill = LanguageSkill.objects.get(language=italian())
    assert (skill.overall, skill.evidence_level) == (CEFRLevel.A2, EvidenceLevel.TESTED)


def test_an_assessment_does_not_override_a_formally_recognised_level(profile, enrolment, operator_a):
    actions.save_claim(
        profile,
        LanguageSkill,
        acting_user=operator_a,
        data={
            "language": italian(),
            "overall": CEFRLevel.B1,
            "evidence_level": EvidenceLevel.RECOGNISED,
            "evidence_note": "Certificazione riconosciuta dalla Prefettura",
        },
    )
    assess(enrolment, operator_a, overall=CEFRLevel.A2)
    skill = LanguageSkill.objects.get(language=italian())
    assert (skill.overall, skill.evidence_level) == (CEFRLevel.B1, EvidenceLevel.RECOGNISED)
    assert ClaimChange.objects.get(source=ChangeSource.ASSESSMENT).applied is False


def test_correcting_the_same_assessment_corrects_the_profile(enrolment, operator_a):
    assess(enrolment, operator_a, overall=CEFRLevel.B2)
    assess(enrolment, operator_a, overall=CEFRLevel.B1)  # the same exit assessment, corrected
    assert LanguageSkill.objects.get(language=italian()).overall == CEFRLevel.B1


def test_an_assessment_starts_the_profile_when_there_is_none(enrolment, operator_a, participant_a):
    assert not SkillsProfile.objects.filter(participant=participant_a).exists()
    assess(enrolment, operator_a)
    profile = SkillsProfile.objects.get(participant=participant_a)
    assert profile.completeness < 100 and profile.completed_at is None


def test_a_rejected_assessment_changes_nothing_in_the_profile(enrolment, operator_a, participant_a):
    with pytest.raises(ValidationError):
        assess(enrolment, operator_a, overall=None)
    assert not LanguageSkill.objects.exists()
    assert not SkillsProfile.objects.filter(participant=participant_a).exists()


# ---------------------------------------------------------------------------------------- completeness


def fill_every_section(profile, user):
    actions.update_profile(
        profile,
        acting_user=user,
        data={
            "summary": "Cuoca con dieci anni di esperienza.",
            "aspirations": "Lavorare in una mensa.",
            "mother_tongues": [Language.objects.get(code="ara")],
        },
    )
    actions.save_claim(profile, LanguageSkill, acting_user=user, data={"language": italian(), "overall": 2})
    for section in (Section.EDUCATION, Section.WORK, Section.DIGITAL, Section.SOFT_SKILLS, Section.LICENCES):
        actions.set_nothing_to_declare(profile, section, True, acting_user=user)
    actions.add_next_step(
        profile,
        acting_user=user,
        data={"text": "Iscrizione al corso HACCP", "area": GoalArea.objects.get(code="work")},
    )


def test_completeness_counts_answered_sections_and_nothing_to_declare(profile, operator_a):
    assert profile.completeness == 0
    actions.update_profile(profile, acting_user=operator_a, data={"summary": "Sarta"})
    profile.refresh_from_db()
    assert profile.completeness == round(100 / 9)
    actions.set_nothing_to_declare(profile, Section.LICENCES, True, acting_user=operator_a)
    profile.refresh_from_db()
    assert profile.completeness == round(200 / 9)
    states = {s.section: s.state for s in actions.section_states(profile)}
    assert states[Section.LICENCES] == "nothing"
    assert states[Section.SUMMARY] == "done"
    assert states[Section.WORK] == "todo"


def test_the_interview_language_is_one_of_the_interface(profile, operator_a):
    with pytest.raises(ValidationError):
        actions.update_profile(profile, acting_user=operator_a, data={"interview_language": "xx"})
    data = {"interview_language": "ar"}
    actions.update_profile(profile, acting_user=operator_a, data=data)
    assert data == {"interview_language": "ar"}
    profile.refresh_from_db()
    assert profile.interview_language == "ar"


def test_languages_need_the_mother_tongue_and_another_language(profile, operator_a):
    actions.update_profile(
        profile, acting_user=operator_a, data={"mother_tongues": [Language.objects.get(code="ara")]}
    )
    assert {s.section: s.state for s in actions.section_states(profile)}[Section.LANGUAGES] == "todo"
    actions.save_claim(
        profile, LanguageSkill, acting_user=operator_a, data={"language": italian(), "overall": 0}
    )
    assert {s.section: s.state for s in actions.section_states(profile)}[Section.LANGUAGES] == "done"


def test_adding_a_claim_clears_nothing_to_declare(profile, operator_a):
    actions.set_nothing_to_declare(profile, Section.SOFT_SKILLS, True, acting_user=operator_a)
    actions.save_claim(profile, SoftSkill, acting_user=operator_a, data={"skill": "learning"})
    profile.refresh_from_db()
    assert Section.SOFT_SKILLS not in profile.nothing_to_declare


def test_next_steps_cannot_be_nothing_to_declare(profile, operator_a):
    with pytest.raises(ValidationError):
        actions.set_nothing_to_declare(profile, Section.NEXT_STEPS, True, acting_user=operator_a)


def test_a_profile_is_completed_only_when_every_section_is_answered(profile, operator_a):
    with pytest.raises(ValidationError):
        actions.complete_profile(profile, acting_user=operator_a)
    fill_every_section(profile, operator_a)
    profile.refresh_from_db()
    assert profile.completeness == 100
    actions.complete_profile(profile, acting_user=operator_a)
    assert SkillsProfile.objects.completed_between(TODAY, TODAY).get() == profile


# -------------------------------------------------------------------------------------------- next steps


def test_a_next_step_becomes_a_goal_of_the_current_plan(profile, operator_a, participant_a):
    step = actions.add_next_step(
        profile,
        acting_user=operator_a,
        data={"text": "Chiedere la dichiarazione di valore", "area": GoalArea.objects.get(code="work")},
    )
    goal = Goal.objects.get()
    assert step.goal == goal
    assert goal.plan.participant == participant_a and goal.plan.is_current
    assert goal.title == "Chiedere la dichiarazione di valore"
    # A second step goes into the same plan.
    actions.add_next_step(
        profile,
        acting_user=operator_a,
        data={"text": "Corso di italiano B1", "area": GoalArea.objects.get(code="work")},
    )
    assert Goal.objects.filter(plan=goal.plan).count() == 2


def test_a_next_step_can_wait_before_becoming_a_goal(profile, operator_a):
    step = actions.add_next_step(
        profile,
        acting_user=operator_a,
        data={"text": "Valutare il corso OSS", "area": GoalArea.objects.get(code="training")},
        make_goal=False,
    )
    assert step.goal is None and not Goal.objects.exists()
    goal = actions.next_step_to_goal(step, acting_user=operator_a)
    assert actions.next_step_to_goal(step, acting_user=operator_a) == goal  # idempotent
    assert Goal.objects.count() == 1


# ------------------------------------------------------------------------------------------------ access


def test_other_organisation_cannot_open_or_write_the_profile(participant_a, operator_b, profile):
    with pytest.raises(Http404):
        actions.start_profile(participant_a, acting_user=operator_b)
    with pytest.raises(Http404):
        actions.update_profile(profile, acting_user=operator_b, data={"summary": "x"})


def test_read_only_roles_cannot_write(participant_a, profile, viewer_a, coordinator, trainer_a):
    for user in (viewer_a, coordinator):
        with pytest.raises(PermissionDenied):
            actions.update_profile(profile, acting_user=user, data={"summary": "x"})
    with pytest.raises((PermissionDenied, Http404)):
        actions.start_profile(participant_a, acting_user=trainer_a)
    profile.refresh_from_db()
    assert profile.summary == ""


def test_an_accepted_referral_lets_the_receiving_organisation_work_on_the_profile(
    participant_a, profile, operator_a, operator_b, org_b
):
    from conftest import make_consent
    from paths import actions as path_actions
    from paths.models import ServiceType
    from people.models import ConsentScope

    make_consent(participant_a, operator_a, scope=ConsentScope.NETWORK)
    referral = path_actions.send_referral(
        participant_a,
        acting_user=operator_a,
        to_organisation=org_b,
        service_type=ServiceType.objects.first(),
        reason="Orientamento al lavoro",
    )
    path_actions.transition_referral(referral, "accepted", acting_user=operator_b)
    actions.update_profile(
        profile, acting_user=operator_b, data={"summary": "Visto dal centro per l'impiego"}
    )
    profile.refresh_from_db()
    assert profile.summary == "Visto dal centro per l'impiego"


def test_constraints_are_hidden_from_roles_without_the_sensitive_permission(
    profile, operator_a, admin_a, viewer_a, coordinator, monitoring, trainer_a
):
    constraint = actions.add_constraint(
        profile, acting_user=operator_a, kind="health", note="Terapia settimanale"
    )
    assert list(ProfileConstraint.objects.visible_to(operator_a)) == [constraint]
    assert list(ProfileConstraint.objects.visible_to(admin_a)) == [constraint]
    for user in (viewer_a, coordinator, monitoring, trainer_a):
        assert not ProfileConstraint.objects.visible_to(user).exists()
    with pytest.raises(PermissionDenied):
        actions.add_constraint(profile, acting_user=viewer_a, kind="transport")
    # The note is encrypted at rest and the history names only the kind.
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT note FROM skills_profileconstraint")
        assert "Terapia" not in cursor.fetchone()[0]
    # The profile's history (read by every reader of the profile) does not even say that a constraint exists,
    # and neither does completeness.
    assert not ClaimChange.objects.filter(profile=profile).exists()
    assert {s.section: s.state for s in actions.section_states(profile)}[Section.ASPIRATIONS] == "todo"


def test_the_audit_log_masks_the_constraint_note(profile, operator_a):
    from auditlog.models import LogEntry

    constraint = actions.add_constraint(
        profile, acting_user=operator_a, kind="childcare", note="Figlio di 2 anni"
    )
    entry = LogEntry.objects.get_for_object(constraint).get()
    assert "Figlio" not in str(entry.changes)


def test_profiles_of_other_organisations_are_out_of_scope(
    profile, operator_b, coordinator, monitoring, viewer_a
):
    other = actions.start_profile(
        make_participant(operator_b.memberships.get().organisation), acting_user=operator_b
    )
    assert list(SkillsProfile.objects.visible_to(operator_b)) == [other]
    assert set(SkillsProfile.objects.visible_to(coordinator)) == {profile, other}
    assert list(SkillsProfile.objects.visible_to(viewer_a)) == [profile]
    assert not SkillsProfile.objects.visible_to(monitoring).exists()


# ---------------------------------------------------------------------------------- review follow-ups


def test_changing_only_the_evidence_works_for_every_kind_of_claim(profile, operator_a):
    cook = Occupation.objects.search("cook").first()
    claims = [
        actions.save_claim(profile, WorkExperience, acting_user=operator_a, data={"occupation": cook}),
        actions.save_claim(
            profile, LanguageSkill, acting_user=operator_a, data={"language": italian(), "overall": 2}
        ),
        actions.save_claim(profile, DigitalSkill, acting_user=operator_a, data={"area": "2", "level": 3}),
        actions.save_claim(profile, SoftSkill, acting_user=operator_a, data={"skill": "teamwork"}),
        actions.save_claim(
            profile,
            Qualification,
            acting_user=operator_a,
            data={
                "title": "Laurea in farmacia",
                "recognition_status": RecognitionStatus.RECOGNISED,
                "recognition_applied_on": TODAY - datetime.timedelta(days=200),
                "recognised_on": TODAY - datetime.timedelta(days=20),
            },
        ),
    ]
    for claim in claims:
        actions.set_evidence(claim, EvidenceLevel.OBSERVED, acting_user=operator_a)
        claim.refresh_from_db()
        assert claim.evidence_level == EvidenceLevel.OBSERVED
        assert claim.evidence_organisation == operator_a.memberships.get().organisation
    actions.set_evidence(
        claims[-1], EvidenceLevel.RECOGNISED, "Decreto del Ministero", acting_user=operator_a
    )
    assert Qualification.objects.get().evidence_level == EvidenceLevel.RECOGNISED


def test_correcting_levels_from_a_course_asks_for_the_evidence_again(enrolment, operator_a):
    assess(enrolment, operator_a, overall=CEFRLevel.A2)
    skill = LanguageSkill.objects.get(language=italian())
    with pytest.raises(ValidationError) as error:
        actions.save_claim(
            skill.profile, LanguageSkill, acting_user=operator_a, claim=skill, data={"overall": 5}
        )
    assert "evidence_level" in error.value.message_dict
    actions.save_claim(
        skill.profile,
        LanguageSkill,
        acting_user=operator_a,
        claim=skill,
        data={"overall": CEFRLevel.B1, "evidence_level": EvidenceLevel.OBSERVED, "evidence_note": ""},
    )
    skill.refresh_from_db()
    assert (skill.overall, skill.evidence_level, skill.source_assessment) == (
        CEFRLevel.B1,
        EvidenceLevel.OBSERVED,
        None,
    )


def test_the_assessing_organisation_is_kept_on_the_claim_and_in_the_history(enrolment, operator_a, org_a):
    assess(enrolment, operator_a)
    skill = LanguageSkill.objects.get(language=italian())
    assert skill.evidence_organisation == org_a
    assert ClaimChange.objects.get(source=ChangeSource.ASSESSMENT).organisation == org_a


def test_a_profile_opened_by_an_assessment_is_not_a_started_interview(enrolment, operator_a, participant_a):
    assess(enrolment, operator_a)
    assert not SkillsProfile.objects.interviewed().exists()
    profile = actions.start_profile(participant_a, acting_user=operator_a)
    assert profile.interview_started_at is not None and profile.created_by == operator_a
    assert list(SkillsProfile.objects.interviewed()) == [profile]


def test_the_audit_log_does_not_name_the_kind_of_constraint(profile, operator_a):
    from auditlog.models import LogEntry

    constraint = actions.add_constraint(profile, acting_user=operator_a, kind="health", note="x")
    entry = LogEntry.objects.get_for_object(constraint).get()
    assert (
        "health" not in str(entry.changes)
        and "Salute" not in entry.object_repr
        and "health" not in entry.object_repr
    )


def test_recognition_applied_counts_qualifications_from_abroad_only(profile, operator_a):
    from conftest import country

    for code, title in (("MA", "Diploma marocchino"), ("IT", "Diploma italiano")):
        actions.save_claim(
            profile,
            Qualification,
            acting_user=operator_a,
            data={
                "title": title,
                "country": country(code),
                "recognition_status": RecognitionStatus.APPLIED,
                "recognition_applied_on": TODAY,
            },
        )
    assert [q.title for q in Qualification.objects.recognition_applied()] == ["Diploma marocchino"]


def test_a_next_step_removed_keeps_its_goal(profile, operator_a):
    step = actions.add_next_step(
        profile,
        acting_user=operator_a,
        data={"text": "Corso OSS", "area": GoalArea.objects.get(code="training")},
    )
    actions.remove_next_step(step, acting_user=operator_a)
    assert not profile.next_steps.exists()
    assert Goal.objects.filter(title="Corso OSS").exists()
    assert ClaimChange.objects.filter(section=Section.NEXT_STEPS, source=ChangeSource.REMOVAL).exists()
