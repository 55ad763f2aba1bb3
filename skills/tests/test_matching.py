"""Matching hints (skills.matching): Italian courses at the next CEFR level, digital courses, orientation and
organisations of the network for the next steps, always within what the user may see, in a fixed number of
queries."""

import datetime

import pytest

from activities.models import (
    ActivityKind,
    ActivityStatus,
    Audience,
    CEFRLevel,
    Enrolment,
    EnrolmentKind,
    EnrolmentStatus,
)
from conftest import make_activity, make_organisation, make_participant, municipality
from network.models import Approval, NetworkStatus, OrganisationKind, Sector
from paths.models import GoalArea, GoalStatus
from paths.taxonomies import GOAL_AREAS
from skills import actions
from skills.matching import AREA_SECTORS, HintKind, hints
from skills.models import DigitalSkill, LanguageSkill, WorkExperience
from skills.reference import DigCompArea
from territory.models import Language

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def italian():
    return Language.objects.get(code="ita")


def area(code):
    return GoalArea.objects.get(code=code)


def course(organiser, *, kind=ActivityKind.ITALIAN_L2, level=CEFRLevel.B1, **overrides):
    """An activity open for enrolment, starting in two weeks."""
    fields = {
        "kind": kind,
        "target_level": level,
        "status": ActivityStatus.OPEN,
        "start_date": TODAY + datetime.timedelta(days=14),
        "end_date": TODAY + datetime.timedelta(days=90),
    }
    fields.update(overrides)
    return make_activity(organiser, **fields)


def of_kind(found, kind):
    return [hint for hint in found if hint.kind == kind]


def titles(found, kind):
    return [hint.title for hint in of_kind(found, kind)]


@pytest.fixture
def profile(participant_a, operator_a):
    return actions.start_profile(participant_a, acting_user=operator_a)


def set_italian(profile, user, level):
    actions.save_claim(
        profile, LanguageSkill, acting_user=user, data={"language": italian(), "overall": level}
    )


def set_digital(profile, user, levels: dict[str, int]):
    for code, level in levels.items():
        actions.save_claim(profile, DigitalSkill, acting_user=user, data={"area": code, "level": level})


def add_step(profile, user, code, text="Passo successivo", *, goal=False, **extra):
    data = {"text": text, "area": area(code), **extra}
    return actions.add_next_step(profile, acting_user=user, data=data, make_goal=goal)


# ------------------------------------------------------------------------------------------ Italian courses


def test_italian_courses_one_level_above_the_current_one(profile, operator_a, org_a):
    set_italian(profile, operator_a, CEFRLevel.A2)
    same = course(org_a, level=CEFRLevel.A2, title="Italiano A2")
    next_level = course(org_a, level=CEFRLevel.B1, title="Italiano B1")
    course(org_a, level=CEFRLevel.B2, title="Italiano B2")
    unstated = course(org_a, level=None, title="Italiano (livello da definire)")

    found = of_kind(hints(profile, operator_a), HintKind.COURSE)

    assert [h.object for h in found] == [next_level, unstated]  # the right level first, unstated after
    assert same not in [h.object for h in found]
    assert "A2" in found[0].reason and "B1" in found[0].reason
    assert found[0].url == next_level.get_absolute_url()
    assert found[0].starts_on == next_level.start_date


def test_the_lowest_skill_level_counts_when_there_is_no_overall_level(profile, operator_a, org_a):
    actions.save_claim(
        profile,
        LanguageSkill,
        acting_user=operator_a,
        data={"language": italian(), "listening": CEFRLevel.B1, "writing": CEFRLevel.A1},
    )
    course(org_a, level=CEFRLevel.A2, title="Italiano A2")
    course(org_a, level=CEFRLevel.B2, title="Italiano B2")

    assert titles(hints(profile, operator_a), HintKind.COURSE) == ["Italiano A2"]


def test_no_italian_level_suggests_beginners_courses(profile, operator_a, org_a):
    course(org_a, level=CEFRLevel.PRE_A1, title="Alfabetizzazione")
    course(org_a, level=CEFRLevel.A1, title="Italiano A1")
    course(org_a, level=CEFRLevel.A2, title="Italiano A2")

    found = of_kind(hints(profile, operator_a), HintKind.COURSE)

    assert sorted(h.title for h in found) == ["Alfabetizzazione", "Italiano A1"]
    assert all("A1" in h.reason for h in found)


def test_no_italian_course_above_c2(profile, operator_a, org_a):
    set_italian(profile, operator_a, CEFRLevel.C2)
    course(org_a, level=None)

    assert not of_kind(hints(profile, operator_a), HintKind.COURSE)


def test_work_oriented_courses_first_when_the_person_has_worked(profile, operator_a, org_a):
    set_italian(profile, operator_a, CEFRLevel.A2)
    course(org_a, kind=ActivityKind.ITALIAN_L2, title="Italiano B1", start_date=TODAY)
    course(org_a, kind=ActivityKind.ITALIAN_WORK, title="Italiano per il lavoro B1")

    assert titles(hints(profile, operator_a), HintKind.COURSE) == ["Italiano B1", "Italiano per il lavoro B1"]

    actions.save_claim(profile, WorkExperience, acting_user=operator_a, data={"job_title": "Cuoco"})
    found = of_kind(hints(profile, operator_a), HintKind.COURSE)
    assert [h.title for h in found] == ["Italiano per il lavoro B1", "Italiano B1"]


def test_a_work_next_step_also_puts_work_oriented_courses_first(profile, operator_a, org_a):
    set_italian(profile, operator_a, CEFRLevel.A2)
    course(org_a, kind=ActivityKind.ITALIAN_L2, title="Italiano B1", start_date=TODAY)
    course(org_a, kind=ActivityKind.ITALIAN_WORK, title="Italiano per il lavoro B1")
    add_step(profile, operator_a, "work", "Iscrizione al Centro per l'impiego")

    assert titles(hints(profile, operator_a), HintKind.COURSE)[0] == "Italiano per il lavoro B1"


def test_each_reason_is_one_whole_sentence_for_the_translators(profile, operator_a, org_a):
    from django.utils import translation

    set_italian(profile, operator_a, CEFRLevel.A2)
    course(org_a, kind=ActivityKind.ITALIAN_WORK, title="Italiano per il lavoro B1")
    course(org_a, kind=ActivityKind.ITALIAN_WORK, level=None, title="Italiano per il lavoro")
    actions.save_claim(profile, WorkExperience, acting_user=operator_a, data={"job_title": "Cuoco"})
    set_digital(profile, operator_a, {"4": 2})
    add_step(profile, operator_a, "training", "Corso OSS")
    course(org_a, kind=ActivityKind.DIGITAL, level=None)

    with translation.override("en"):
        found = hints(profile, operator_a)
        digital_area = str(DigCompArea("4").label)

    assert [h.reason for h in of_kind(found, HintKind.COURSE)] == [
        "Italian level A2: course of Italian for work at level B1, for the work plans",
        "Italian level A2: course of Italian for work, level not stated, for the work plans",
    ]
    assert [h.reason for h in of_kind(found, HintKind.DIGITAL_COURSE)] == [
        f"Digital skills at foundation level: {digital_area} (2); next step in training: Corso OSS"
    ]


# ----------------------------------------------------------------------------------- what never appears


def test_activities_of_other_organisations_the_user_cannot_see_never_appear(
    profile, operator_a, org_a, org_b
):
    set_italian(profile, operator_a, CEFRLevel.A2)
    hidden = course(org_b, title="Corso di un altro ente")
    for kind in (ActivityKind.DIGITAL, ActivityKind.VOCATIONAL_ORIENTATION):
        course(org_b, kind=kind, level=None)
    add_step(profile, operator_a, "work")

    found = hints(profile, operator_a)

    assert hidden not in [h.object for h in found]
    assert not [h for h in found if h.kind != HintKind.ORGANISATION]
    # As a partner of the course, org A sees it: then it is suggested.
    hidden.partners.add(org_a)
    assert hidden in [h.object for h in hints(profile, operator_a)]


def test_full_closed_past_and_enrolled_activities_are_left_out(profile, operator_a, org_a, participant_a):
    set_italian(profile, operator_a, CEFRLevel.A2)
    fine = course(org_a, title="Con posti liberi", capacity=2)
    full = course(org_a, title="Pieno", capacity=1)
    other = make_participant(org_a)
    Enrolment.objects.create(activity=full, kind=EnrolmentKind.PARTICIPANT, participant=other)
    withdrawn = make_participant(org_a)
    Enrolment.objects.create(
        activity=fine, kind=EnrolmentKind.PARTICIPANT, participant=withdrawn, status=EnrolmentStatus.WITHDRAWN
    )
    for status in (ActivityStatus.RUNNING, ActivityStatus.COMPLETED, ActivityStatus.CANCELLED):
        course(org_a, title=f"Stato {status}", status=status)
    course(
        org_a,
        title="Finito",
        status=ActivityStatus.OPEN,
        start_date=TODAY - datetime.timedelta(days=60),
        end_date=TODAY - datetime.timedelta(days=1),
    )
    course(org_a, title="Per operatori", audience=Audience.OPERATORS)
    enrolled = course(org_a, title="Già iscritta")
    Enrolment.objects.create(
        activity=enrolled,
        kind=EnrolmentKind.PARTICIPANT,
        participant=participant_a,
        status=EnrolmentStatus.WAITING,
    )
    planned = course(org_a, title="In programma", status=ActivityStatus.PLANNED)

    found = titles(hints(profile, operator_a), HintKind.COURSE)

    assert sorted(found) == sorted([fine.title, planned.title])


def test_at_most_five_hints_of_each_kind(profile, operator_a, org_a):
    set_italian(profile, operator_a, CEFRLevel.A2)
    for n in range(7):
        course(org_a, title=f"Italiano B1 n. {n}")

    assert len(of_kind(hints(profile, operator_a), HintKind.COURSE)) == 5


def test_nearer_activities_first(profile, operator_a, org_a):
    set_italian(profile, operator_a, CEFRLevel.A2)
    course(org_a, title="A Salerno", municipality=municipality("Salerno"), start_date=TODAY)
    course(org_a, title="A Napoli")

    assert titles(hints(profile, operator_a), HintKind.COURSE) == ["A Napoli", "A Salerno"]


def test_a_user_without_membership_gets_nothing(profile, outsider, org_a):
    course(org_a, level=CEFRLevel.A1)

    assert hints(profile, outsider) == []


# ----------------------------------------------------------------------------------------- digital courses


def test_digital_courses_when_no_digital_skill_is_recorded(profile, operator_a, org_a):
    digital = course(org_a, kind=ActivityKind.DIGITAL, level=None, title="Competenze digitali di base")

    found = of_kind(hints(profile, operator_a), HintKind.DIGITAL_COURSE)

    assert [h.object for h in found] == [digital]
    assert found[0].reason


def test_digital_courses_for_a_foundation_level_area_or_a_training_step(profile, operator_a, org_a):
    course(org_a, kind=ActivityKind.DIGITAL, level=None)
    set_digital(profile, operator_a, {"1": 4, "2": 3})
    assert not of_kind(hints(profile, operator_a), HintKind.DIGITAL_COURSE)

    set_digital(profile, operator_a, {"4": 2})
    found = of_kind(hints(profile, operator_a), HintKind.DIGITAL_COURSE)
    assert found and "(2)" in found[0].reason

    DigitalSkill.objects.filter(profile=profile, area="4").update(level=5)
    assert not of_kind(hints(profile, operator_a), HintKind.DIGITAL_COURSE)
    add_step(profile, operator_a, "training", "Corso di formazione per magazziniere")
    found = of_kind(hints(profile, operator_a), HintKind.DIGITAL_COURSE)
    assert found and "magazziniere" in found[0].reason


# --------------------------------------------------------------------------------------------- orientation


def test_orientation_only_for_a_work_or_training_step(profile, operator_a, org_a):
    vocational = course(org_a, kind=ActivityKind.VOCATIONAL_ORIENTATION, level=None)
    workshop = course(org_a, kind=ActivityKind.SCHOOL_TO_WORK, level=None)
    add_step(profile, operator_a, "housing", "Cercare casa")
    assert not of_kind(hints(profile, operator_a), HintKind.ORIENTATION)

    add_step(profile, operator_a, "work", "Bilancio di competenze al Centro per l'impiego")
    found = of_kind(hints(profile, operator_a), HintKind.ORIENTATION)

    assert {h.object for h in found} == {vocational, workshop}
    assert "Centro per l'impiego" in found[0].reason


def test_steps_whose_goal_is_reached_no_longer_count(profile, operator_a, org_a):
    course(org_a, kind=ActivityKind.VOCATIONAL_ORIENTATION, level=None)
    step = add_step(profile, operator_a, "work", goal=True)
    assert of_kind(hints(profile, operator_a), HintKind.ORIENTATION)

    step.goal.status = GoalStatus.REACHED
    step.goal.save()
    assert not of_kind(hints(profile, operator_a), HintKind.ORIENTATION)


# ------------------------------------------------------------------------------------------- organisations


@pytest.fixture
def network(db, org_a):
    """Organisations around Napoli (the participant lives there) and elsewhere."""
    org_a.sectors = [Sector.LABOUR, Sector.SOCIAL]
    org_a.save()
    napoli = municipality("Napoli").province
    orgs = {
        "job_centre": make_organisation(
            "Centro per l'impiego di Napoli", kind=OrganisationKind.JOB_CENTRE, sectors=[Sector.LABOUR]
        ),
        "housing": make_organisation("Casa Comune", sectors=[Sector.HOUSING, Sector.SOCIAL]),
        "salerno": make_organisation("Lavoro Salerno", town="Salerno", sectors=[Sector.LABOUR]),
        "serves_napoli": make_organisation("Rete Lavoro Campania", town="Salerno", sectors=[Sector.LABOUR]),
        "left": make_organisation("Ex partner", sectors=[Sector.LABOUR], network_status=NetworkStatus.LEFT),
        "inactive": make_organisation("Chiuso", sectors=[Sector.LABOUR], is_active=False),
        "pending": make_organisation(
            "Associazione in attesa",
            kind=OrganisationKind.MIGRANT_ASSOCIATION,
            sectors=[Sector.LABOUR],
            approval=Approval.PENDING,
            network_status=NetworkStatus.CANDIDATE,
        ),
        "listed": make_organisation(
            "Associazione approvata",
            kind=OrganisationKind.MIGRANT_ASSOCIATION,
            sectors=[Sector.LABOUR, Sector.CULTURE],
            approval=Approval.APPROVED,
            listed_publicly=True,
        ),
        "health": make_organisation(
            "ASL di prova", kind=OrganisationKind.HEALTH_AUTHORITY, sectors=[Sector.HEALTH]
        ),
    }
    orgs["region"] = make_organisation(
        "Regione di prova", kind=OrganisationKind.REGION, sectors=[Sector.LABOUR]
    )
    orgs["serves_napoli"].provinces_served.add(napoli)
    return orgs


def test_organisations_for_the_next_steps_in_the_participants_province(profile, operator_a, network):
    add_step(profile, operator_a, "work", "Iscrizione al Centro per l'impiego", due_date=TODAY)
    add_step(
        profile, operator_a, "housing", "Cercare un alloggio", due_date=TODAY + datetime.timedelta(days=30)
    )

    found = of_kind(hints(profile, operator_a), HintKind.ORGANISATION)

    # Labour first (the earlier step), then housing; by name within a sector.
    assert [h.title for h in found] == [
        "Associazione approvata",
        "Centro per l'impiego di Napoli",
        "Rete Lavoro Campania",
        "Casa Comune",
    ]
    assert found[0].url == network["listed"].get_absolute_url()
    assert "Iscrizione al Centro per l'impiego" in found[1].reason
    assert str(Sector.HOUSING.label) in found[3].reason
    assert found[3].starts_on is None


def test_no_organisation_without_open_steps(profile, operator_a, network):
    assert not of_kind(hints(profile, operator_a), HintKind.ORGANISATION)


def test_the_users_own_organisation_is_not_suggested(profile, operator_a, network, org_a):
    add_step(profile, operator_a, "work")

    assert org_a not in [h.object for h in hints(profile, operator_a)]


def test_every_goal_area_maps_to_known_sectors():
    assert {code for code, _it, _en in GOAL_AREAS} <= set(AREA_SECTORS)
    assert {s for sectors in AREA_SECTORS.values() for s in sectors} <= set(Sector.values)


# -------------------------------------------------------------------------------------------------- queries


def _fill(org, first, last):
    for i in range(first, last):
        course(org, title=f"Italiano B1 n. {i}")
        course(org, kind=ActivityKind.DIGITAL, level=None, title=f"Digitale n. {i}")
        course(org, kind=ActivityKind.SCHOOL_TO_WORK, level=None, title=f"Laboratorio n. {i}")
        make_organisation(f"Ente del lavoro n. {i}", sectors=[Sector.LABOUR, Sector.EDUCATION])


def test_a_fixed_number_of_queries_whatever_the_data(
    profile, operator_a, org_a, django_assert_max_num_queries
):
    set_italian(profile, operator_a, CEFRLevel.A2)
    set_digital(profile, operator_a, {"1": 1})
    add_step(profile, operator_a, "work")
    add_step(profile, operator_a, "training")
    _fill(org_a, 0, 2)
    operator_a._active_membership_cache = None

    with django_assert_max_num_queries(11):
        small = hints(profile, operator_a)

    _fill(org_a, 2, 12)
    for i in range(6):
        add_step(profile, operator_a, "documents", f"Documento {i}")
    operator_a._active_membership_cache = None
    with django_assert_max_num_queries(11):
        large = hints(profile, operator_a)

    assert len(small) < len(large) == 20  # 5 of each kind
