"""Workspace pages of skills profiles: who reaches what, the profile page, the interview (both languages,
every section's form, corrections, evidence, removal, "nothing to declare"), the ESCO search, the overview,
and the query counts of the profile page and the overview."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from activities.models import CEFRLevel
from conftest import client_for, country, make_member, make_organisation, make_participant
from core.roles import Role
from paths.models import Goal, GoalArea
from people.models import ParticipantAccessLog
from skills import actions
from skills.models import (
    ClaimChange,
    DigitalSkill,
    DrivingLicence,
    EvidenceLevel,
    LanguageSkill,
    NextStep,
    Occupation,
    ProfileConstraint,
    Qualification,
    Section,
    Skill,
    SkillsProfile,
    SoftSkill,
    WorkExperience,
)
from skills.reference import ConstraintKind, RecognitionStatus
from skills.views_common import export_links
from territory.models import Language

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
SECRET_NOTE = "Figlio di due anni, nessun posto al nido"


def lang(code: str) -> Language:
    return Language.objects.get(code=code)


def snapshot() -> dict:
    """Everything the skills pages could write."""
    return {
        "profiles": list(SkillsProfile.objects.order_by("pk").values()),
        "mother_tongues": list(SkillsProfile.mother_tongues.through.objects.order_by("pk").values_list()),
        "qualifications": list(Qualification.objects.order_by("pk").values()),
        "work": list(WorkExperience.objects.order_by("pk").values()),
        "work_skills": list(WorkExperience.skills.through.objects.order_by("pk").values_list()),
        "languages": list(LanguageSkill.objects.order_by("pk").values()),
        "digital": list(DigitalSkill.objects.order_by("pk").values()),
        "soft": list(SoftSkill.objects.order_by("pk").values()),
        "licences": list(DrivingLicence.objects.order_by("pk").values()),
        "constraints": list(ProfileConstraint.objects.order_by("pk").values("pk", "kind", "is_active")),
        "steps": list(NextStep.objects.order_by("pk").values()),
        "changes": ClaimChange.objects.count(),
        "goals": Goal.objects.count(),
    }


def interview(participant, section: str = "summary", **params) -> str:
    query = "&".join([f"sezione={section}", *(f"{k}={v}" for k, v in params.items())])
    return f"{reverse('skills:interview', args=[participant.pk])}?{query}"


def cook() -> Occupation:
    return Occupation.objects.get(label="cook", isco_code="")


@pytest.fixture
def profile(participant_a, operator_a):
    return actions.start_profile(participant_a, acting_user=operator_a)


@pytest.fixture
def filled(profile, operator_a):
    """A profile with a claim in every section, a confidential constraint and a next step that is a goal."""
    actions.update_profile(
        profile,
        acting_user=operator_a,
        data={"summary": "Cucino da quando avevo 15 anni.", "mother_tongues": [lang("ary")]},
    )
    actions.save_claim(
        profile,
        Qualification,
        acting_user=operator_a,
        data={
            "title": "Diploma di scuola superiore",
            "country": country("MA"),
            "year": 2008,
            "eqf_level": 4,
            "recognition_status": RecognitionStatus.APPLIED,
            "recognition_applied_on": TODAY - datetime.timedelta(days=10),
        },
    )
    actions.save_claim(
        profile,
        WorkExperience,
        acting_user=operator_a,
        data={"occupation": cook(), "country": country("MA"), "start_year": 2010, "end_year": 2018},
        skills=list(Skill.objects.search("cook seafood", limit=1)),
    )
    actions.save_claim(
        profile,
        LanguageSkill,
        acting_user=operator_a,
        data={"language": lang("ita"), "overall": CEFRLevel.A2, "listening": CEFRLevel.B1},
    )
    actions.save_claim(
        profile, DigitalSkill, acting_user=operator_a, data={"area": "1", "level": 2, "competences": ["1.1"]}
    )
    actions.save_claim(
        profile, SoftSkill, acting_user=operator_a, data={"skill": "teamwork", "example": "Cucina"}
    )
    actions.save_claim(
        profile, DrivingLicence, acting_user=operator_a, data={"category": "B", "country": country("MA")}
    )
    actions.update_profile(profile, acting_user=operator_a, data={"aspirations": "Lavorare in una cucina"})
    actions.add_constraint(profile, acting_user=operator_a, kind=ConstraintKind.CHILDCARE, note=SECRET_NOTE)
    actions.add_next_step(
        profile,
        acting_user=operator_a,
        data={"text": "Iscrizione al corso HACCP", "area": GoalArea.objects.filter(is_active=True).first()},
    )
    profile.refresh_from_db()
    return profile


# ----------------------------------------------------------------------------------------- who reaches what


def profile_url(participant) -> str:
    return reverse("skills:profile", args=[participant.pk])


def test_operator_sees_the_profile_of_their_participant_and_the_read_is_logged(
    filled, operator_a, participant_a
):
    response = client_for(operator_a).get(profile_url(participant_a))

    assert response.status_code == 200
    html = response.content.decode()
    assert "Diploma di scuola superiore" in html
    assert "Cucino da quando avevo 15 anni." in html
    assert f"{filled.completeness}%" in html
    assert ParticipantAccessLog.objects.filter(participant=participant_a, user=operator_a).exists()


def test_operator_of_another_organisation_gets_404_everywhere(filled, operator_b, participant_a):
    client = client_for(operator_b)
    claim = Qualification.objects.get(profile=filled)
    for url in (
        profile_url(participant_a),
        interview(participant_a),
        reverse("skills:claim_evidence", args=[participant_a.pk, "education", claim.pk]),
    ):
        assert client.get(url).status_code == 404, url
    step = NextStep.objects.filter(profile=filled).first()
    constraint = ProfileConstraint.objects.get(profile=filled)
    before = snapshot()
    for url in (
        reverse("skills:start", args=[participant_a.pk]),
        reverse("skills:complete", args=[participant_a.pk]),
        interview(participant_a),
        reverse("skills:interview_language", args=[participant_a.pk]),
        reverse("skills:nothing_to_declare", args=[participant_a.pk]),
        reverse("skills:claim_remove", args=[participant_a.pk, "education", claim.pk]),
        reverse("skills:claim_evidence", args=[participant_a.pk, "education", claim.pk]),
        reverse("skills:constraint_close", args=[participant_a.pk, constraint.pk]),
        reverse("skills:next_step_goal", args=[participant_a.pk, step.pk]),
        reverse("skills:next_step_remove", args=[participant_a.pk, step.pk]),
    ):
        data = {
            "form": "summary",
            "summary": "x",
            "sezione": "work",
            "value": "1",
            "interview_language": "ar",
        }
        assert client.post(url, data).status_code == 404, url
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["trainer_a", "mediator_a", "monitoring"])
def test_roles_without_the_participant_record_get_404(request, filled, participant_a, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(profile_url(participant_a)).status_code == 404
    assert client.get(interview(participant_a)).status_code == 404


@pytest.mark.parametrize("persona", ["trainer_a", "mediator_a", "monitoring", "outsider"])
def test_roles_without_skills_view_cannot_search_esco(request, persona):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(reverse("skills:occupation_search"), {"q": "cook"}).status_code == 403
    assert client.get(reverse("skills:skill_search"), {"q": "cook"}).status_code == 403


def test_anonymous_is_sent_to_the_login_page(client, filled, participant_a):
    claim = SoftSkill.objects.get(profile=filled)
    for url in (
        profile_url(participant_a),
        interview(participant_a),
        reverse("skills:occupation_search") + "?q=cook",
        reverse("skills:skill_search") + "?q=cook",
        reverse("skills:overview"),
        reverse("skills:claim_evidence", args=[participant_a.pk, "soft_skills", claim.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"], url
    before = snapshot()
    response = client.post(reverse("skills:complete", args=[participant_a.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert snapshot() == before


@pytest.mark.parametrize("persona", ["viewer_a", "coordinator"])
def test_read_only_roles_see_the_profile_but_every_write_is_403_and_changes_nothing(
    request, filled, participant_a, persona
):
    client = client_for(request.getfixturevalue(persona))
    assert client.get(profile_url(participant_a)).status_code == 200
    page = client.get(interview(participant_a, "education"))
    assert page.status_code == 200
    assert 'name="form"' not in page.content.decode()  # no form to fill in

    qualification = Qualification.objects.get(profile=filled)
    step = NextStep.objects.get(profile=filled)
    step.goal = None
    step.save(update_fields=["goal"])
    constraint = ProfileConstraint.objects.get(profile=filled)
    before = snapshot()
    posts = [
        (reverse("skills:start", args=[participant_a.pk]), {}),
        (reverse("skills:complete", args=[participant_a.pk]), {}),
        (interview(participant_a, "summary"), {"form": "summary", "summary": "Cambiato"}),
        (
            interview(participant_a, "soft_skills"),
            {"form": "claim", "skill": "numeracy", "evidence_level": "1", "evidence_note": ""},
        ),
        (interview(participant_a, "work"), {"form": "claim", "cerca": "occupation", "occupation_q": "cook"}),
        (reverse("skills:interview_language", args=[participant_a.pk]), {"interview_language": "ar"}),
        (reverse("skills:nothing_to_declare", args=[participant_a.pk]), {"sezione": "work", "value": "1"}),
        (reverse("skills:claim_remove", args=[participant_a.pk, "education", qualification.pk]), {}),
        (
            reverse("skills:claim_evidence", args=[participant_a.pk, "education", qualification.pk]),
            {"evidence_level": "2"},
        ),
        (reverse("skills:constraint_close", args=[participant_a.pk, constraint.pk]), {}),
        (reverse("skills:next_step_goal", args=[participant_a.pk, step.pk]), {}),
        (reverse("skills:next_step_remove", args=[participant_a.pk, step.pk]), {}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403, url
    assert snapshot() == before


def test_a_claim_of_another_profile_is_404_through_this_participant(
    filled, operator_a, participant_b, operator_b
):
    other = actions.start_profile(participant_b, acting_user=operator_b)
    claim = actions.save_claim(other, SoftSkill, acting_user=operator_b, data={"skill": "numeracy"})
    client = client_for(operator_a)
    participant_a = filled.participant
    before = snapshot()
    assert client.get(interview(participant_a, "soft_skills", modifica=claim.pk)).status_code == 404
    url = reverse("skills:claim_remove", args=[participant_a.pk, "soft_skills", claim.pk])
    assert client.post(url).status_code == 404
    response = client.post(
        interview(participant_a, "soft_skills"),
        {"form": "claim", "claim": claim.pk, "skill": "numeracy", "example": "x", "evidence_level": "1"},
    )
    assert response.status_code == 404
    assert snapshot() == before


# ----------------------------------------------------------------------------------------- the constraints


def _kind_labels(kind) -> list[str]:
    labels = []
    for code in ("it", "en"):
        with translation.override(code):
            labels.append(str(ConstraintKind(kind).label))
    return labels


@pytest.mark.parametrize("persona", ["viewer_a", "coordinator"])
def test_constraints_are_invisible_to_roles_without_skills_sensitive(request, filled, participant_a, persona):
    client = client_for(request.getfixturevalue(persona))
    for url in (profile_url(participant_a), interview(participant_a, "aspirations")):
        html = client.get(url).content.decode()
        assert SECRET_NOTE not in html
        for label in _kind_labels(ConstraintKind.CHILDCARE):
            assert label not in html, (url, label)
        assert "Lavorare in una cucina" in html  # the wishes themselves are not confidential


def test_constraints_are_visible_to_the_operator_of_the_case(filled, operator_a, participant_a):
    client = client_for(operator_a)
    for url in (profile_url(participant_a), interview(participant_a, "aspirations")):
        html = client.get(url).content.decode()
        assert SECRET_NOTE in html
        assert any(label in html for label in _kind_labels(ConstraintKind.CHILDCARE))


def test_operator_adds_and_closes_a_constraint(profile, operator_a, participant_a):
    client = client_for(operator_a)
    response = client.post(
        interview(participant_a, "aspirations"),
        {"form": "constraint", "kind": "transport", "note": "Nessuna auto"},
    )
    assert response.status_code == 302
    constraint = ProfileConstraint.objects.get(profile=profile)
    assert (constraint.kind, constraint.note, constraint.is_active) == ("transport", "Nessuna auto", True)

    client.post(reverse("skills:constraint_close", args=[participant_a.pk, constraint.pk]))
    constraint.refresh_from_db()
    assert constraint.is_active is False


# --------------------------------------------------------------------------------------- the profile page


def test_without_a_profile_the_operator_starts_one_and_lands_in_the_interview(operator_a, participant_a):
    client = client_for(operator_a)
    html = client.get(profile_url(participant_a)).content.decode()
    assert reverse("skills:start", args=[participant_a.pk]) in html

    response = client.post(reverse("skills:start", args=[participant_a.pk]))

    assert response.status_code == 302 and "/colloquio/" in response["Location"]
    assert SkillsProfile.objects.filter(participant=participant_a, created_by=operator_a).exists()


def test_without_a_profile_the_viewer_sees_no_start_button(viewer_a, participant_a):
    response = client_for(viewer_a).get(profile_url(participant_a))
    assert response.status_code == 200
    assert reverse("skills:start", args=[participant_a.pk]) not in response.content.decode()
    assert client_for(viewer_a).get(interview(participant_a)).status_code == 302  # back to the profile


def test_profile_page_shows_evidence_who_set_it_and_a_readable_history(filled, operator_a, participant_a):
    skill = LanguageSkill.objects.get(profile=filled)
    actions.save_claim(
        filled,
        LanguageSkill,
        acting_user=operator_a,
        claim=skill,
        data={"overall": CEFRLevel.B1, "evidence_level": EvidenceLevel.TESTED, "evidence_note": "CILS B1"},
    )

    html = client_for(operator_a).get(profile_url(participant_a)).content.decode()

    assert "CILS B1" in html
    assert str(operator_a) in html
    assert "A2 → B1" in html  # CEFR ranks shown as levels in the history
    assert "B1" in html
    # the next step links to the plan it became a goal of
    assert reverse("paths:plan", args=[participant_a.pk]) in html


def test_conclude_lists_the_missing_sections_then_completes(profile, operator_a, participant_a):
    client = client_for(operator_a)
    response = client.post(reverse("skills:complete", args=[participant_a.pk]), follow=True)
    profile.refresh_from_db()
    assert profile.completed_at is None
    messages = [str(m) for m in response.context["messages"]]
    assert any(str(Section.EDUCATION.label) in m or "Education" in m for m in messages), messages

    actions.update_profile(profile, acting_user=operator_a, data={"summary": "Chi sono"})
    for section in sorted(actions.NOTHING_TO_DECLARE_SECTIONS):
        actions.set_nothing_to_declare(profile, section, True, acting_user=operator_a)
    actions.update_profile(profile, acting_user=operator_a, data={"mother_tongues": [lang("ara")]})
    actions.save_claim(
        profile, LanguageSkill, acting_user=operator_a, data={"language": lang("ita"), "overall": 0}
    )
    area = GoalArea.objects.filter(is_active=True).first()
    actions.add_next_step(
        profile, acting_user=operator_a, data={"text": "Corso", "area": area}, make_goal=False
    )

    client.post(reverse("skills:complete", args=[participant_a.pk]))

    profile.refresh_from_db()
    assert profile.completed_at is not None and profile.completeness == 100


def test_participant_detail_shows_the_skills_card_with_completeness(
    filled, operator_a, viewer_a, participant_a
):
    for user in (operator_a, viewer_a):
        html = client_for(user).get(participant_a.get_absolute_url()).content.decode()
        assert profile_url(participant_a) in html
        assert f'aria-valuenow="{filled.completeness}"' in html


def test_profile_page_query_count_does_not_grow_with_claims(
    filled, operator_a, participant_a, django_assert_max_num_queries
):
    # Given a profile with one claim of every kind, measured once
    client = client_for(operator_a)
    client.get(profile_url(participant_a))  # warm the caches (content types, sessions)
    with CaptureQueriesContext(connection) as one:
        assert client.get(profile_url(participant_a)).status_code == 200
    profile = filled

    # When it gets many of each
    skills = list(Skill.objects.search("cook", limit=6))
    for year in range(2000, 2006):
        actions.save_claim(
            profile,
            Qualification,
            acting_user=operator_a,
            data={"title": f"Titolo {year}", "year": year, "country": country("TN")},
        )
        actions.save_claim(
            profile,
            WorkExperience,
            acting_user=operator_a,
            data={"occupation": cook(), "start_year": year, "country": country("MA")},
            skills=skills,
        )
    for code in ("eng", "fra", "spa"):
        actions.save_claim(
            profile, LanguageSkill, acting_user=operator_a, data={"language": lang(code), "overall": 2}
        )
    for area in "2345":
        actions.save_claim(profile, DigitalSkill, acting_user=operator_a, data={"area": area, "level": 2})
    for skill in ("numeracy", "care", "manual"):
        actions.save_claim(profile, SoftSkill, acting_user=operator_a, data={"skill": skill})
    for category in ("A", "C"):
        actions.save_claim(profile, DrivingLicence, acting_user=operator_a, data={"category": category})
    area = GoalArea.objects.filter(is_active=True).first()
    for i in range(3):
        actions.add_next_step(profile, acting_user=operator_a, data={"text": f"Passo {i}", "area": area})
        actions.add_constraint(profile, acting_user=operator_a, kind="transport", note="x")

    # Then the page costs no more queries
    with django_assert_max_num_queries(len(one)):
        assert client.get(profile_url(participant_a)).status_code == 200


# ------------------------------------------------------------------------------------------- the interview


def test_interview_shows_italian_and_the_participant_language_side_by_side(
    profile, operator_a, participant_a
):
    client = client_for(operator_a)
    response = client.post(
        reverse("skills:interview_language", args=[participant_a.pk]),
        {"interview_language": "ar", "sezione": "languages"},
    )
    assert response.status_code == 302
    profile.refresh_from_db()
    assert profile.interview_language == "ar"

    html = client.get(interview(participant_a, "languages")).content.decode()

    with translation.override("ar"):
        arabic_title = str(Section.LANGUAGES.label)
    with translation.override("it"):
        italian_title = str(Section.LANGUAGES.label)
    assert arabic_title != italian_title  # "Languages" is translated in both catalogues
    assert f'<span class="col-md-6" lang="it">{italian_title}</span>' in html
    assert f'lang="ar" dir="rtl">{arabic_title}</span>' in html
    # every field label of the section carries its Arabic side
    assert html.count('lang="ar" dir="rtl"') >= 10


def test_interview_in_english_is_left_to_right(profile, operator_a, participant_a):
    actions.update_profile(profile, acting_user=operator_a, data={"interview_language": "en"})
    html = client_for(operator_a).get(interview(participant_a, "education")).content.decode()
    assert 'lang="en" dir="ltr"' in html
    assert 'dir="rtl"' not in html.split("<main", 1)[1]


def test_interview_defaults_to_a_language_of_the_participant(profile, operator_a, participant_a):
    participant_a.languages.set([lang("ara")])
    html = client_for(operator_a).get(interview(participant_a, "summary")).content.decode()
    assert 'lang="ar" dir="rtl"' in html


def test_interview_shows_a_pictogram_and_the_nine_steps(profile, operator_a, participant_a):
    html = client_for(operator_a).get(interview(participant_a, "licences")).content.decode()
    assert "#it-car" in html
    assert html.count('aria-current="step"') == 1
    for section in Section.values:
        assert f"sezione={section}" in html


def test_summary_is_saved_and_the_interview_moves_on(profile, operator_a, participant_a):
    response = client_for(operator_a).post(
        interview(participant_a, "summary"), {"form": "summary", "summary": "Sono una cuoca."}
    )
    assert response.status_code == 302 and "sezione=education" in response["Location"]
    profile.refresh_from_db()
    assert profile.summary == "Sono una cuoca."
    assert profile.completeness == 11


def test_education_claim_is_saved_with_documents_and_recognition(profile, operator_a, participant_a):
    response = client_for(operator_a).post(
        interview(participant_a, "education"),
        {
            "form": "claim",
            "title": "Laurea in economia",
            "institution": "Université Hassan II",
            "country": country("MA").pk,
            "year": "2012",
            "completed": "on",
            "eqf_level": "6",
            "field_of_study": "04",
            "documents_held": ["diploma", "translation"],
            "recognition_status": "applied",
            "recognition_applied_on": (TODAY - datetime.timedelta(days=3)).isoformat(),
            "recognition_body": "CIMEA",
            "evidence_level": "2",
        },
    )
    assert response.status_code == 302
    claim = Qualification.objects.get(profile=profile)
    assert (claim.title, claim.eqf_level, claim.documents_held) == (
        "Laurea in economia",
        6,
        ["diploma", "translation"],
    )
    assert claim.recognition_status == "applied" and claim.evidence_set_by == operator_a


def test_an_action_error_shows_on_its_field_and_nothing_is_saved(profile, operator_a, participant_a):
    client = client_for(operator_a)
    before = snapshot()
    response = client.post(
        interview(participant_a, "education"),
        {
            "form": "claim",
            "title": "Diploma",
            "recognition_status": "applied",  # no date of the application
            "evidence_level": "3",  # tested, with no note
            "completed": "on",
        },
    )
    assert response.status_code == 200
    form = response.context["forms"]["claim"]
    assert "recognition_applied_on" in form.errors
    assert "evidence_note" in form.errors
    assert 'aria-invalid="true"' in response.content.decode()
    assert snapshot() == before


def test_a_work_experience_needs_an_occupation_or_a_description(profile, operator_a, participant_a):
    before = snapshot()
    response = client_for(operator_a).post(
        interview(participant_a, "work"), {"form": "claim", "employer": "Ristorante", "evidence_level": "1"}
    )
    assert response.status_code == 200
    assert "occupation" in response.context["forms"]["claim"].errors
    assert snapshot() == before


def test_work_experience_is_saved_with_esco_occupation_and_skills(profile, operator_a, participant_a):
    skills = list(Skill.objects.search("cook", limit=2))
    response = client_for(operator_a).post(
        interview(participant_a, "work"),
        {
            "form": "claim",
            "occupation": cook().pk,
            "occupation_q": "cook",
            "job_title": "Aiuto cuoco",
            "country": country("MA").pk,
            "start_year": "2015",
            "end_year": "2019",
            "years": "4",
            "is_informal": "on",
            "tasks": "Preparavo i piatti",
            "skills": [s.pk for s in skills],
            "evidence_level": "1",
        },
    )
    assert response.status_code == 302
    claim = WorkExperience.objects.get(profile=profile)
    assert claim.occupation == cook() and claim.is_informal and claim.job_title == "Aiuto cuoco"
    assert set(claim.skills.all()) == set(skills)


def test_the_occupation_search_without_javascript_keeps_what_was_typed(profile, operator_a, participant_a):
    before = snapshot()
    response = client_for(operator_a).post(
        interview(participant_a, "work"),
        {"form": "claim", "cerca": "occupation", "occupation_q": "cook", "employer": "Trattoria Da Mario"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="Trattoria Da Mario"' in html
    assert f'name="occupation" value="{cook().pk}"' in html
    assert snapshot() == before


def test_correcting_a_claim_prefills_the_form_and_records_the_change(filled, operator_a, participant_a):
    client = client_for(operator_a)
    licence = DrivingLicence.objects.get(profile=filled)
    page = client.get(interview(participant_a, "licences", modifica=licence.pk))
    assert page.context["forms"]["claim"].initial["category"] == "B"
    assert f'name="claim" value="{licence.pk}"' in page.content.decode()

    response = client.post(
        interview(participant_a, "licences"),
        {
            "form": "claim",
            "claim": licence.pk,
            "category": "B",
            "country": country("MA").pk,
            "status": "to_convert",
            "evidence_level": "2",
        },
    )
    assert response.status_code == 302
    licence.refresh_from_db()
    assert licence.status == "to_convert" and licence.evidence_level == EvidenceLevel.OBSERVED
    change = ClaimChange.objects.filter(profile=filled, section=Section.LICENCES).first()
    assert change.changes["status"] == ["unknown", "to_convert"]
    assert DrivingLicence.objects.filter(profile=filled).count() == 1


def test_languages_section_saves_mother_tongues_and_cefr_levels(profile, operator_a, participant_a):
    client = client_for(operator_a)
    # Moroccan Arabic is not among the common languages: the search offers it
    page = client.get(interview(participant_a, "languages", altra_lingua="Moroccan"))
    assert f'value="{lang("ary").pk}"' in page.content.decode()

    client.post(
        interview(participant_a, "languages"),
        {"form": "mother_tongues", "mother_tongues": [lang("ary").pk, lang("fra").pk]},
    )
    response = client.post(
        interview(participant_a, "languages"),
        {
            "form": "claim",
            "language": lang("ita").pk,
            "overall": "2",
            "listening": "3",
            "reading": "2",
            "writing": "1",
            "evidence_level": "1",
        },
    )
    assert response.status_code == 302
    assert set(profile.mother_tongues.values_list("code", flat=True)) == {"ary", "fra"}
    skill = LanguageSkill.objects.get(profile=profile)
    assert (skill.overall, skill.listening, skill.writing) == (CEFRLevel.A2, CEFRLevel.B1, CEFRLevel.A1)
    # the language now claimed is no longer offered for a new claim
    form = client.get(interview(participant_a, "languages")).context["forms"]["claim"]
    assert lang("ita") not in form.fields["language"].queryset


def test_a_language_needs_a_level(profile, operator_a, participant_a):
    before = snapshot()
    response = client_for(operator_a).post(
        interview(participant_a, "languages"),
        {"form": "claim", "language": lang("ita").pk, "evidence_level": "1"},
    )
    assert response.status_code == 200 and "overall" in response.context["forms"]["claim"].errors
    assert snapshot() == before


def test_digital_area_is_saved_then_corrected_in_place(profile, operator_a, participant_a):
    client = client_for(operator_a)
    data = {"form": "digital-2", "area2-area": "2", "area2-level": "3", "area2-competences": ["2.1", "2.4"]}
    data["area2-evidence_level"] = "1"
    assert client.post(interview(participant_a, "digital"), data).status_code == 302
    data["area2-level"] = "5"
    assert client.post(interview(participant_a, "digital"), data).status_code == 302
    skill = DigitalSkill.objects.get(profile=profile)
    assert (skill.area, skill.level, skill.competences) == ("2", 5, ["2.1", "2.4"])


def test_a_competence_of_another_area_is_refused(profile, operator_a, participant_a):
    before = snapshot()
    data = {"form": "digital-1", "area1-area": "1", "area1-level": "2", "area1-competences": ["2.1"]}
    response = client_for(operator_a).post(
        interview(participant_a, "digital"), {**data, "area1-evidence_level": "1"}
    )
    assert response.status_code == 200
    assert response.context["forms"]["digital-1"].errors["competences"]
    assert snapshot() == before


def test_soft_skill_and_licence_are_saved(profile, operator_a, participant_a):
    client = client_for(operator_a)
    client.post(
        interview(participant_a, "soft_skills"),
        {"form": "claim", "skill": "care", "example": "Assistevo la nonna", "evidence_level": "1"},
    )
    client.post(
        interview(participant_a, "licences"),
        {"form": "claim", "category": "B", "status": "unknown", "evidence_level": "1"},
    )
    assert SoftSkill.objects.get(profile=profile).example == "Assistevo la nonna"
    assert DrivingLicence.objects.get(profile=profile).category == "B"


def test_next_step_becomes_a_goal_of_the_plan_by_default(profile, operator_a, participant_a):
    area = GoalArea.objects.filter(is_active=True).first()
    client = client_for(operator_a)
    client.post(
        interview(participant_a, "next_steps"),
        {"form": "next_step", "text": "Corso HACCP", "area": area.pk, "make_goal": "on"},
    )
    client.post(
        interview(participant_a, "next_steps"), {"form": "next_step", "text": "Bilancio", "area": area.pk}
    )
    with_goal, without_goal = NextStep.objects.filter(profile=profile).order_by("pk")
    assert with_goal.goal is not None and with_goal.goal.title == "Corso HACCP"
    assert without_goal.goal is None

    html = client.get(interview(participant_a, "next_steps")).content.decode()
    url = reverse("skills:next_step_goal", args=[participant_a.pk, without_goal.pk])
    assert url in html
    client.post(url)
    without_goal.refresh_from_db()
    assert without_goal.goal is not None


def test_nothing_to_declare_moves_on_and_can_be_undone(profile, operator_a, participant_a):
    client = client_for(operator_a)
    url = reverse("skills:nothing_to_declare", args=[participant_a.pk])
    response = client.post(url, {"sezione": "licences", "value": "1"})
    assert response.status_code == 302 and "sezione=aspirations" in response["Location"]
    profile.refresh_from_db()
    assert "licences" in profile.nothing_to_declare

    client.post(url, {"sezione": "licences", "value": "0"})
    profile.refresh_from_db()
    assert "licences" not in profile.nothing_to_declare
    # the summary is not a section where "nothing to declare" is an answer
    assert client.post(url, {"sezione": "summary", "value": "1"}).status_code == 404


def test_skip_goes_to_the_next_section_without_saving(profile, operator_a, participant_a):
    html = client_for(operator_a).get(interview(participant_a, "education")).content.decode()
    assert 'href="' + interview(participant_a, "work").replace("&", "&amp;") + '" rel="next"' in html


def test_removing_a_claim_asks_first_then_keeps_the_history(filled, operator_a, participant_a):
    client = client_for(operator_a)
    soft = SoftSkill.objects.get(profile=filled)
    url = reverse("skills:claim_remove", args=[participant_a.pk, "soft_skills", soft.pk])
    assert client.get(url).status_code == 200
    assert SoftSkill.objects.filter(pk=soft.pk).exists()

    response = client.post(url, {"da": "profilo"})

    assert response.status_code == 302 and response["Location"] == profile_url(participant_a)
    assert not SoftSkill.objects.filter(pk=soft.pk).exists()
    assert ClaimChange.objects.filter(profile=filled, section=Section.SOFT_SKILLS, source="removal").exists()


def test_changing_the_evidence_needs_a_note_from_tested_up(filled, operator_a, participant_a):
    client = client_for(operator_a)
    qualification = Qualification.objects.get(profile=filled)
    url = reverse("skills:claim_evidence", args=[participant_a.pk, "education", qualification.pk])
    before = snapshot()
    response = client.post(url, {"evidence_level": "3", "evidence_note": ""})
    assert response.status_code == 200 and "evidence_note" in response.context["form"].errors
    # "formally recognised" needs the recognition recorded: the error is on the evidence level
    response = client.post(url, {"evidence_level": "4", "evidence_note": "Decreto"})
    assert response.status_code == 200 and "evidence_level" in response.context["form"].errors
    assert snapshot() == before

    response = client.post(url, {"evidence_level": "3", "evidence_note": "Diploma originale visto"})
    assert response.status_code == 302
    qualification.refresh_from_db()
    assert qualification.evidence_level == EvidenceLevel.TESTED


# ------------------------------------------------------------------------------------------ ESCO search


def test_occupation_search_finds_esco_concepts_with_isco_codes(operator_a):
    response = client_for(operator_a).get(
        reverse("skills:occupation_search"), {"q": "cook"}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert f'value="{cook().pk}"' in html
    assert "ISCO 5120" in html
    assert "derived label" in html or "etichetta derivata" in html  # derived labels are marked
    assert html.count('name="occupation"') <= 15 + 1  # the results and "no occupation"


def test_occupation_search_keeps_the_chosen_occupation(operator_a):
    chosen = cook()
    html = (
        client_for(operator_a)
        .get(reverse("skills:occupation_search"), {"occupation_q": "mason", "occupation": chosen.pk})
        .content.decode()
    )
    assert f'value="{chosen.pk}" id="occupation-{chosen.pk}" checked' in html


def test_skill_search_finds_skills_and_keeps_the_ticked_ones(viewer_a):
    ticked = Skill.objects.search("cook seafood", limit=1)[0]
    response = client_for(viewer_a).get(
        reverse("skills:skill_search"), {"skills_q": "bake", "skills": [ticked.pk]}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert f'value="{ticked.pk}" id="skill-{ticked.pk}" checked' in html
    assert html.count('name="skills"') <= 16


def test_search_needs_two_characters(operator_a):
    html = client_for(operator_a).get(reverse("skills:occupation_search"), {"q": "c"}).content.decode()
    assert 'name="occupation" value="' in html  # only "no occupation"
    assert html.count('name="occupation"') == 1


# --------------------------------------------------------------------------------------------- overview


@pytest.fixture
def network(org_a, org_b, operator_a, operator_b, participant_a, participant_b):
    """Two profiles in A (one completed, one with recognition applied for) and one in B."""
    a1 = actions.start_profile(participant_a, acting_user=operator_a)
    a2 = actions.start_profile(
        make_participant(org_a, first_name="Omar", last_name="Said"), acting_user=operator_a
    )
    b1 = actions.start_profile(participant_b, acting_user=operator_b)
    actions.save_claim(
        a2,
        Qualification,
        acting_user=operator_a,
        data={"title": "Diploma", "recognition_status": "applied", "recognition_applied_on": TODAY},
    )
    actions.save_claim(
        a2,
        Qualification,
        acting_user=operator_a,
        data={"title": "Laurea", "recognition_status": "applied", "recognition_applied_on": TODAY},
    )
    SkillsProfile.objects.filter(pk=a1.pk).update(
        completed_at=datetime.datetime.now(datetime.UTC), completeness=100
    )
    return a1, a2, b1


def test_org_admin_sees_the_organisation_profiles_with_figures(network, admin_a, participant_b):
    response = client_for(admin_a).get(reverse("skills:overview"))
    assert response.status_code == 200
    totals = response.context["totals"]
    assert (totals["profiles"], totals["completed"], totals["recognition"]) == (2, 1, 1)
    html = response.content.decode()
    assert "Benali Amina" in html and "Said Omar" in html
    assert participant_b.last_name not in html


@pytest.mark.parametrize("persona", ["coordinator", "monitoring"])
def test_regional_roles_see_aggregates_by_organisation_and_no_names(request, network, persona, participant_b):
    response = client_for(request.getfixturevalue(persona)).get(reverse("skills:overview"))
    assert response.status_code == 200
    totals = response.context["totals"]
    assert (totals["profiles"], totals["completed"], totals["recognition"]) == (3, 1, 1)
    rows = {row["participant__owner__name"]: row["profiles"] for row in response.context["by_organisation"]}
    assert rows == {"Comune di Napoli": 2, "Cooperativa Esempio": 1}
    html = response.content.decode()
    for name in ("Benali", "Said", participant_b.last_name):
        assert name not in html


@pytest.mark.parametrize("persona", ["operator_a", "viewer_a", "trainer_a"])
def test_overview_is_403_without_skills_overview(request, persona):
    assert client_for(request.getfixturevalue(persona)).get(reverse("skills:overview")).status_code == 403


def test_overview_period_filter_counts_completions_in_the_period(network, coordinator):
    client = client_for(coordinator)
    old = (TODAY - datetime.timedelta(days=400)).isoformat()
    response = client.get(reverse("skills:overview"), {"start": old, "end": old})
    assert response.context["totals"]["completed"] == 0
    assert response.context["totals"]["profiles"] == 3


@pytest.mark.parametrize("persona", ["admin_a", "coordinator"])
def test_overview_query_count_does_not_grow_with_profiles(
    request, persona, org_a, org_b, operator_a, operator_b, django_assert_max_num_queries
):
    client = client_for(request.getfixturevalue(persona))
    actions.start_profile(make_participant(org_a), acting_user=operator_a)
    client.get(reverse("skills:overview"))
    with CaptureQueriesContext(connection) as one:
        assert client.get(reverse("skills:overview")).status_code == 200

    for owner, operator in ((org_a, operator_a), (org_b, operator_b)) * 6:
        profile = actions.start_profile(make_participant(owner), acting_user=operator)
        actions.save_claim(
            profile,
            Qualification,
            acting_user=operator,
            data={"title": "Diploma", "recognition_status": "applied", "recognition_applied_on": TODAY},
        )
    third = make_organisation("Associazione Terza")
    other = make_member(third, Role.OPERATOR)
    actions.start_profile(make_participant(third), acting_user=other)

    with django_assert_max_num_queries(len(one)):
        assert client.get(reverse("skills:overview")).status_code == 200


# ----------------------------------------------------------------------------- ids that cannot be ids

HUGE_ID = "99999999999999999999"  # past SQLite's 64-bit integers
BAD_IDS = ["²", HUGE_ID]  # "²".isdigit() is true, int("²") fails


def _error_message(response) -> bool:
    from django.contrib.messages import constants

    return any(m.level == constants.ERROR for m in response.context["messages"])


@pytest.mark.parametrize("bad", BAD_IDS)
def test_the_esco_searches_leave_out_ids_that_cannot_be_ids(operator_a, bad):
    client = client_for(operator_a)
    response = client.get(reverse("skills:occupation_search"), {"q": "cuoco", "occupation": bad})
    assert response.status_code == 200
    assert response.context["results"] and response.context["chosen"] == []
    response = client.get(reverse("skills:skill_search"), {"q": "cook", "skills": bad})
    assert response.status_code == 200
    assert response.context["results"] and response.context["chosen"] == []


@pytest.mark.parametrize("bad", BAD_IDS)
def test_correcting_a_claim_whose_id_cannot_be_one_is_404(profile, operator_a, participant_a, bad):
    client = client_for(operator_a)
    assert client.get(interview(participant_a, "work", modifica=bad)).status_code == 404
    response = client.post(
        interview(participant_a, "work"),
        {"form": "claim", "claim": bad, "job_title": "Cuoco", "evidence_level": "1"},
    )
    assert response.status_code == 404


@pytest.mark.parametrize("bad", BAD_IDS)
@pytest.mark.parametrize(
    ("section", "data", "form_name", "field"),
    [
        ("work", {"form": "claim", "job_title": "Cuoco", "evidence_level": "1"}, "claim", "skills"),
        ("work", {"form": "claim", "job_title": "Cuoco", "evidence_level": "1"}, "claim", "occupation"),
        ("work", {"form": "claim", "job_title": "Cuoco", "evidence_level": "1"}, "claim", "country"),
        ("languages", {"form": "mother_tongues"}, "mother_tongues", "mother_tongues"),
        ("languages", {"form": "claim", "overall": "2", "evidence_level": "1"}, "claim", "language"),
        ("next_steps", {"form": "next_step", "text": "Corso HACCP"}, "next_step", "area"),
    ],
)
def test_an_id_that_cannot_be_one_is_a_form_error_and_nothing_is_saved(
    profile, operator_a, participant_a, bad, section, data, form_name, field
):
    before = snapshot()

    response = client_for(operator_a).post(interview(participant_a, section), {**data, field: bad})

    assert response.status_code == 200
    assert field in response.context["forms"][form_name].errors
    assert _error_message(response)
    assert snapshot() == before


def test_the_no_javascript_search_keeps_going_with_ids_that_cannot_be_ids(profile, operator_a, participant_a):
    response = client_for(operator_a).post(
        interview(participant_a, "work"),
        {"cerca": "1", "occupation_q": "cuoco", "occupation": HUGE_ID, "skills": ["²", HUGE_ID]},
    )
    assert response.status_code == 200
    assert response.context["occupation_picker"]["chosen"] == []
    assert response.context["skills_picker"]["chosen"] == []


# ------------------------------------------------------------------- a profile a course assessment opened


def assess_only(participant, operator):
    """A profile opened by a course's assessment of Italian (B1), with no interview."""
    from activities import actions as activity_actions
    from activities.models import AssessmentEvidence
    from conftest import make_activity

    activity = make_activity(participant.owner)
    enrolment = activity_actions.enrol(activity, acting_user=operator, participant=participant)
    activity_actions.record_assessment(
        enrolment,
        acting_user=operator,
        data={
            "moment": "exit",
            "date": TODAY - datetime.timedelta(days=1),
            "overall": CEFRLevel.B1,
            "evidence": AssessmentEvidence.PLACEMENT_TEST,
        },
    )
    profile = SkillsProfile.objects.get(participant=participant)
    assert profile.interview_started_at is None
    return profile


@pytest.fixture
def assessed(operator_a, participant_a):
    return assess_only(participant_a, operator_a)


def test_a_profile_opened_by_a_course_shows_its_levels_and_offers_to_start_the_interview(
    assessed, operator_a, participant_a
):
    response = client_for(operator_a).get(profile_url(participant_a))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="interview-not-started"' in html
    assert reverse("skills:start", args=[participant_a.pk]) in html
    assert str(lang("ita")) in html and "B1" in html  # the level from the course
    assert not response.context["started"]
    assert 'id="completeness-label"' not in html
    assert reverse("skills:complete", args=[participant_a.pk]) not in html
    assert [s["code"] for s in response.context["sections"]] == [Section.LANGUAGES]
    claim = LanguageSkill.objects.get(profile=assessed)
    assert reverse("skills:claim_evidence", args=[participant_a.pk, "languages", claim.pk]) in html
    assert "modifica=" not in html  # corrections happen in the interview, once started


def test_starting_the_interview_of_a_profile_opened_by_a_course_keeps_its_levels(
    assessed, operator_a, participant_a
):
    client = client_for(operator_a)
    # The interview screen sends back to the profile page, which starts the interview.
    response = client.get(interview(participant_a, "summary"))
    assert response.status_code == 302 and response["Location"] == profile_url(participant_a)

    response = client.post(reverse("skills:start", args=[participant_a.pk]))

    assert response.status_code == 302
    assessed.refresh_from_db()
    assert assessed.interview_started_at is not None
    assert LanguageSkill.objects.get(profile=assessed).overall == CEFRLevel.B1
    assert client.get(interview(participant_a, "summary")).status_code == 200
    html = client.get(profile_url(participant_a)).content.decode()
    assert 'id="interview-not-started"' not in html and 'id="completeness-label"' in html


def test_a_viewer_sees_the_course_levels_but_no_start_button(assessed, viewer_a, participant_a):
    response = client_for(viewer_a).get(profile_url(participant_a))

    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="interview-not-started"' in html and "B1" in html
    assert reverse("skills:start", args=[participant_a.pk]) not in html


def test_the_overview_counts_only_profiles_whose_interview_started(
    network, org_a, operator_a, admin_a, coordinator
):
    assessed = assess_only(make_participant(org_a), operator_a)
    for user, expected in ((admin_a, 2), (coordinator, 3)):
        response = client_for(user).get(reverse("skills:overview"))
        assert response.context["totals"]["profiles"] == expected
    rows = client_for(admin_a).get(reverse("skills:overview")).context["page"].object_list
    assert assessed not in list(rows)


# ---------------------------------------------------------------------------------------------- R.2.10


def test_r210_counts_qualifications_from_abroad_and_says_where_the_figure_comes_from(
    network, admin_a, operator_a
):
    a1 = network[0]
    actions.save_claim(
        a1,
        Qualification,
        acting_user=operator_a,
        data={
            "title": "Diploma italiano",
            "country": country("IT"),
            "recognition_status": "applied",
            "recognition_applied_on": TODAY,
        },
    )
    response = client_for(admin_a).get(reverse("skills:overview"))

    assert response.context["totals"]["recognition"] == 1  # a2's qualifications; not a1's Italian one
    html = response.content.decode()
    assert 'id="recognition-source"' in html
    form = response.context["form"]
    with translation.override("en"):
        assert (str(form.fields["start"].label), str(form.fields["end"].label)) == (
            "Period from",
            "Period to",
        )


def test_r210_counts_the_refused_applications_too(network, admin_a, operator_a):
    profile = network[0]
    actions.save_claim(
        profile,
        Qualification,
        acting_user=operator_a,
        data={
            "title": "Laurea",
            "country": country("MA"),
            "recognition_status": "refused",
            "recognition_applied_on": TODAY - datetime.timedelta(days=5),
        },
    )
    assert client_for(admin_a).get(reverse("skills:overview")).context["totals"]["recognition"] == 2


# ------------------------------------------------------------------------------ completed, then emptied


def test_a_concluded_interview_with_a_section_emptied_since_says_so(filled, operator_a, participant_a):
    actions.complete_profile(filled, acting_user=operator_a)
    client = client_for(operator_a)
    html = client.get(profile_url(participant_a)).content.decode()
    assert 'id="completed-then-emptied"' not in html

    actions.remove_claim(DrivingLicence.objects.get(profile=filled), acting_user=operator_a)

    html = client.get(profile_url(participant_a)).content.decode()
    filled.refresh_from_db()
    assert filled.completeness < 100 and filled.completed_at is not None
    assert 'id="completed-then-emptied"' in html
    assert timezone.localtime(filled.completed_at).strftime("%d/%m/%Y") in html  # Italian dates: dd/mm/yyyy


# ------------------------------------------------------------------------------------------ access log


def test_the_evidence_and_remove_pages_log_the_read(filled, operator_a, participant_a):
    client = client_for(operator_a)
    soft = SoftSkill.objects.get(profile=filled)
    step = NextStep.objects.get(profile=filled)
    urls = [
        reverse("skills:claim_evidence", args=[participant_a.pk, "soft_skills", soft.pk]),
        reverse("skills:claim_remove", args=[participant_a.pk, "soft_skills", soft.pk]),
        reverse("skills:next_step_remove", args=[participant_a.pk, step.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 200, url
    logged = ParticipantAccessLog.objects.filter(participant=participant_a, user=operator_a)
    assert set(logged.values_list("path", flat=True)) >= set(urls)


# -------------------------------------------------------------------------------------- next steps


def test_a_next_step_is_removed_after_asking_and_its_goal_stays_in_the_plan(
    filled, operator_a, participant_a
):
    client = client_for(operator_a)
    step = NextStep.objects.get(profile=filled)
    assert step.goal_id
    url = reverse("skills:next_step_remove", args=[participant_a.pk, step.pk])
    html = client.get(profile_url(participant_a)).content.decode()
    assert url in html  # the profile page offers it

    response = client.get(url, {"da": "profilo"})
    assert response.status_code == 200 and 'id="goal-stays"' in response.content.decode()
    assert NextStep.objects.filter(pk=step.pk).exists()

    response = client.post(url, {"da": "profilo"})

    assert response.status_code == 302 and response["Location"] == profile_url(participant_a)
    assert not NextStep.objects.filter(pk=step.pk).exists()
    assert Goal.objects.filter(pk=step.goal_id).exists()
    assert ClaimChange.objects.filter(profile=filled, section=Section.NEXT_STEPS, source="removal").exists()


@pytest.mark.parametrize(
    ("persona", "status"), [("viewer_a", 403), ("operator_b", 404), ("coordinator", 403)]
)
def test_others_cannot_remove_a_next_step(request, filled, participant_a, persona, status):
    step = NextStep.objects.get(profile=filled)
    url = reverse("skills:next_step_remove", args=[participant_a.pk, step.pk])
    client = client_for(request.getfixturevalue(persona))
    before = snapshot()
    assert client.get(url).status_code == status
    assert client.post(url).status_code == status
    assert snapshot() == before


# -------------------------------------------------------------------------------------------- downloads


def test_the_profile_page_offers_downloads_with_the_constraints_to_those_who_may_see_them(
    filled, operator_a, viewer_a, participant_a
):
    pdf = reverse("skills_docs:profile_pdf", args=[participant_a.pk])
    json_url = reverse("skills_docs:profile_json", args=[participant_a.pk])
    xml = reverse("skills_docs:profile_europass_xml", args=[participant_a.pk])
    html = client_for(operator_a).get(profile_url(participant_a)).content.decode()
    assert f"{pdf}?sensibili=1" in html and f"{json_url}?sensibili=1" in html
    assert f"{xml}?sensibili=1" not in html
    with translation.override("en"):
        labels = [str(label) for _url, label, _icon in export_links(participant_a)]
    assert labels == ["PDF profile", "Europass XML", "JSON (all data)"]
    html = client_for(viewer_a).get(profile_url(participant_a)).content.decode()
    assert "sensibili=1" not in html and pdf in html
