"""A small hand-built dataset for the indicator tests, over the year 2025, with records just outside it.

Every indicator's expected value is computed by hand in `test_indicators.py` from the people and records
below; the comments here say who is meant to count where. Dates are calendar days; moments (datetimes)
are local time in Europe/Rome, so a moment at 00:30 on 1 January 2025 is in the period although it is
still 2024 in UTC, and one at 00:30 on 1 January 2026 is outside it although it is still 2025 in UTC (the
engine must judge moments on the local date).

The participants (age on 1 January 2025, the first day of the period):

  p1  amina     F 1990-05-17 (34, 25-34) MA, Napoli. Two Italian courses (L2 by A, work-oriented by B):
                counts once in O.2.3 and O.2.3.1. L2: entry A1, exit A2 (R.2.8). Helpful 5 and 4 (R.2.9).
                Present at the information event E1. Legal advice by A. Italian qualification (not R.2.10).
  p2  youssef   M 1985-02-01 (39, 35-54) TN, Caserta, owner B. Family reunification by B on 1 Jan 2025 (O.2.5),
                long-term permit by B on 31 Dec 2025 (R.2.11); absent at the L2 course; plan v2 in 2025
                with a goal reached (P2.4, P2.4.1); helpful 5 answered on 1 Jan 2026 00:30 (outside).
  p3  karim     M 2007-01-02 (17, 0-17: turns 18 on 2 Jan 2025) AF, Salerno, arrived 2024-03-01,
                unaccompanied: a newly-arrived and unaccompanied minor on the first day of the period.
                School inclusion by A in September 2025, when already 18 (P2.3.1 still counts him).
                L2: entry pre-A1 in 2024, exit A1 on 1 Jan 2025 (R.2.8, boundary).
  p4  elena     F 1995 MA → corrected to RO (EU) after her records: counted nowhere.
  p5  omar      M 1960-03-03 (64, 55+) stateless (no citizenship), no municipality of residence, owner B.
                Professional guidance by B (O.2.3.3).
  p6  sara      F IT + MA (an Italian dual citizen): counted nowhere.
  p7  fatou     F 2000-01-01 (25, 25-34: birthday on the first day) EG, Napoli; consent withdrawn.
                Housing by A, civic-orientation course by A (O.2.3.2), skills profile completed in 2025
                (P2.1), foreign qualification with recognition applied in 2025 (R.2.10), helpful 4 on
                31 Dec 2025 23:00 (R.2.9).
  p8  chidi     M 2007-01-01 (18 on the first day, 18-24) NG, Napoli, arrived 2010 aged 3 (second
                generation). L2 present, entry only (no exit: not R.2.8); civic orientation by A (O.2.3.2);
                helpful 3 (not R.2.9); profile not completed; qualification applied in 2024 (outside).
  p9  olena     F 1970 UA, Napoli: services on 31 Dec 2024 and 1 Jan 2026, L2 exit with a gain on
                31 Dec 2024, a mediation only confirmed, a session attended in December 2024: nowhere.
  p10 bilal     M 2003 PK, Caserta: present only at a cancelled session: nowhere.
  p11 rahima    F 1988-08-08 (36, 35-54) BD, Caserta, owner B: a completed mediation by A (O.2.3 only).
  p12 moussa    M 1992-10-10 (32, 25-34) SN + MA, born in Italy (second generation), Napoli.
                Job placement by A (action 02); digital course by A (P2.2.1); vocational orientation by A
                (O.2.3.3); recognition service by B (R.2.10); plan v1 in 2025 without a reached goal.

So O.2.3 counts p1 p2 p3 p5 p7 p8 p11 p12 = 8.
"""

from __future__ import annotations

import datetime
import itertools
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from activities.models import (
    ActivityKind,
    AssessmentEvidence,
    AssessmentMoment,
    Attendance,
    AttendanceStatus,
    Enrolment,
    EnrolmentKind,
    FeedbackChannel,
    FeedbackResponse,
    LanguageAssessment,
    PublicRegistration,
    SelfAssessment,
    Session,
    TrainingTopic,
)
from conftest import country, make_activity, make_consent, make_member, make_organisation, make_participant
from core.roles import Role
from network.models import (
    Agreement,
    AgreementParty,
    Approval,
    ConsultationTable,
    Meeting,
    MeetingParticipant,
    MeetingStatus,
    NetworkStatus,
    OrganisationKind,
    PartyRole,
    Presence,
)
from paths.models import (
    Goal,
    GoalArea,
    GoalStatus,
    IndividualPlan,
    MediationRequest,
    MediationStatus,
    Referral,
    ReferralStatus,
    ServiceRecord,
    ServiceType,
)
from people.models import Sex
from skills.models import Qualification, SkillsProfile
from territory.models import Language

ROME = ZoneInfo("Europe/Rome")
START = datetime.date(2025, 1, 1)
END = datetime.date(2025, 12, 31)

_n = itertools.count(1)


def day(y: int, m: int, d: int) -> datetime.date:
    return datetime.date(y, m, d)


def at(y: int, m: int, d: int, hour: int = 10, minute: int = 0) -> datetime.datetime:
    """A moment in local (Rome) time."""
    return datetime.datetime(y, m, d, hour, minute, tzinfo=ROME)


# --- one record at a time ------------------------------------------------------------------------------------


def service(participant, code: str, date, organisation, operator, action: str | None = None) -> ServiceRecord:
    service_type = ServiceType.objects.get(code=code)
    return ServiceRecord.objects.create(
        participant=participant,
        service_type=service_type,
        date=date,
        operator=operator,
        organisation=organisation,
        action=action or service_type.default_action,
    )


def activity(organiser, kind: str, *, action: str = "02", town=None, **fields):
    from conftest import municipality

    return make_activity(
        organiser,
        title=f"{ActivityKind(kind).label} {next(_n)}",
        kind=kind,
        action=action,
        municipality=municipality(town) if town else None,
        start_date=day(2024, 12, 1),
        end_date=day(2026, 1, 31),
        **fields,
    )


def session(activity_, date, hours: str | int = 3, *, cancelled: bool = False) -> Session:
    return Session.objects.create(
        activity=activity_, date=date, hours=Decimal(str(hours)), is_cancelled=cancelled
    )


def enrol(activity_, participant) -> Enrolment:
    return Enrolment.objects.create(
        activity=activity_, kind=EnrolmentKind.PARTICIPANT, participant=participant
    )


def enrol_person(activity_, kind: str, organisation, *, user=None, full_name: str = "") -> Enrolment:
    """An operator or an association's representative (with an account, or a name only)."""
    return Enrolment.objects.create(
        activity=activity_,
        kind=kind,
        user=user,
        full_name=full_name or (user.get_full_name() if user else f"Persona {next(_n)}"),
        organisation=organisation,
    )


def attend(enrolment, session_, status: str = AttendanceStatus.PRESENT, hours=None) -> Attendance:
    if hours is None:
        hours = session_.hours if status == AttendanceStatus.PRESENT else 0
    return Attendance.objects.create(session=session_, enrolment=enrolment, status=status, hours=hours)


def assess(enrolment, moment: str, date, level: int) -> LanguageAssessment:
    return LanguageAssessment.objects.create(
        enrolment=enrolment,
        moment=moment,
        date=date,
        language=Language.objects.get(code="ita"),
        overall=level,
        evidence=AssessmentEvidence.TEACHER,
    )


def feedback(enrolment, helpful: int, submitted_at, *, activity_=None) -> FeedbackResponse:
    return FeedbackResponse.objects.create(
        activity=activity_ or enrolment.activity,
        enrolment=enrolment,
        helpful_for_integration=helpful,
        satisfaction=helpful,
        language="it",
        channel=FeedbackChannel.OPERATOR,
        submitted_at=submitted_at,
    )


def self_assess(enrolment, topics, moment: str, scores, recorded_at) -> None:
    for topic, score in zip(topics, scores, strict=True):
        row = SelfAssessment.objects.create(enrolment=enrolment, topic=topic, moment=moment, score=score)
        SelfAssessment.objects.filter(pk=row.pk).update(recorded_at=recorded_at)  # auto_now otherwise


def mediation(
    organisation, requested_by, starts_at, *, participant=None, language="ara", hours=None, status=None
):
    return MediationRequest.objects.create(
        organisation=organisation,
        requested_by=requested_by,
        participant=participant,
        meeting="" if participant else "Incontro con le famiglie",
        language=Language.objects.get(code=language),
        service_context="Colloquio",
        starts_at=starts_at,
        place="Sede",
        status=status or MediationStatus.COMPLETED,
        hours=Decimal(str(hours)) if hours is not None else None,
    )


def referral(
    participant, from_org, to_org, sent_by, sent_at, *, answered_at=None, status=ReferralStatus.SENT
):
    return Referral.objects.create(
        participant=participant,
        from_organisation=from_org,
        to_organisation=to_org,
        service_type=ServiceType.objects.get(code="housing_support"),
        summary="Persona di 30 anni",
        sent_by=sent_by,
        sent_at=sent_at,
        answered_at=answered_at,
        status=status,
    )


def plan(participant, organisation, created_by, created_at, *, version=1, is_current=True) -> IndividualPlan:
    row = IndividualPlan.objects.create(
        participant=participant,
        organisation=organisation,
        created_by=created_by,
        version=version,
        is_current=is_current,
    )
    IndividualPlan.objects.filter(pk=row.pk).update(created_at=created_at)  # auto_now_add otherwise
    return row


def goal(plan_, status: str, updated_at) -> Goal:
    row = Goal.objects.create(
        plan=plan_,
        area=GoalArea.objects.order_by("pk").first(),
        title=f"Obiettivo {next(_n)}",
        owner_organisation=plan_.organisation,
        status=status,
    )
    Goal.objects.filter(pk=row.pk).update(updated_at=updated_at)  # auto_now otherwise
    return row


def profile(participant, completed_at=None) -> SkillsProfile:
    return SkillsProfile.objects.create(participant=participant, completed_at=completed_at)


def qualification(profile_, country_code: str, applied_on) -> Qualification:
    return Qualification.objects.create(
        profile=profile_,
        title="Diploma",
        country=country(country_code),
        recognition_status="applied",
        recognition_applied_on=applied_on,
    )


def registration(activity_, people: int, *, checked_in: bool = True) -> PublicRegistration:
    n = next(_n)
    return PublicRegistration.objects.create(
        activity=activity_,
        full_name=f"Visitatore {n}",
        contact=f"visitatore{n}@example.org",
        language="it",
        people=people,
        consent_at=at(2025, 1, 2),
        consent_text_version="1",
        confirmation_code=f"C{n:08d}",
        checkin_code=f"K{n:05d}",
        cancel_token=f"token-{n}",
        checked_in_at=at(2025, 9, 9) if checked_in else None,
    )


def agreement(kind: str, status: str, lead, *, signed_on=None, partners=(), **fields) -> Agreement:
    row = Agreement.objects.create(
        kind=kind, status=status, signed_on=signed_on, title=f"Accordo {next(_n)}", **fields
    )
    AgreementParty.objects.create(agreement=row, organisation=lead, role=PartyRole.LEAD)
    for organisation in partners:
        AgreementParty.objects.create(agreement=row, organisation=organisation, role=PartyRole.PARTNER)
    return row


def meeting(table, starts_at, status: str, present=(), excused=()) -> Meeting:
    row = Meeting.objects.create(
        table=table,
        title=f"Incontro {next(_n)}",
        starts_at=starts_at,
        ends_at=starts_at + datetime.timedelta(hours=2),
        status=status,
    )
    for organisation in present:
        MeetingParticipant.objects.create(meeting=row, organisation=organisation, presence=Presence.PRESENT)
    for organisation in excused:
        MeetingParticipant.objects.create(meeting=row, organisation=organisation, presence=Presence.EXCUSED)
    return row


# --- the dataset ---------------------------------------------------------------------------------------------


@dataclass
class Dataset:
    org_a: object = None  # Comune di Napoli (municipality, Napoli)
    org_b: object = None  # Cooperativa Esempio (third sector, Caserta)
    region: object = None  # Regione Campania (region, Napoli)
    prefecture: object = None  # Prefettura di Caserta (prefecture, Caserta)
    association: object = None  # migrant association, approved (Salerno)
    group: object = None  # informal group, approved (Napoli)
    admin_a: object = None
    admin_b: object = None
    operator_a: object = None
    operator_b: object = None
    people: dict = field(default_factory=dict)
    activities: dict = field(default_factory=dict)


def build_dataset() -> Dataset:
    from conftest import municipality

    d = Dataset()
    d.org_a = make_organisation("Comune di Napoli", kind=OrganisationKind.MUNICIPALITY, town="Napoli")
    d.org_b = make_organisation("Cooperativa Esempio", kind=OrganisationKind.THIRD_SECTOR, town="Caserta")
    d.region = make_organisation("Regione Campania", kind=OrganisationKind.REGION, town="Napoli")
    d.prefecture = make_organisation(
        "Prefettura di Caserta", kind=OrganisationKind.PREFECTURE, town="Caserta"
    )
    d.association = make_organisation(
        "Associazione Senegalesi",
        kind=OrganisationKind.MIGRANT_ASSOCIATION,
        town="Salerno",
        approval=Approval.APPROVED,
    )
    d.group = make_organisation(
        "Gruppo Donne del Vasto",
        kind=OrganisationKind.INFORMAL_GROUP,
        town="Napoli",
        approval=Approval.APPROVED,
    )
    # Not in the network in 2025 (P1.4): left before, candidate, awaiting approval, joined after.
    make_organisation(
        "Ente uscito", town="Napoli", left_on=day(2024, 12, 31), network_status=NetworkStatus.LEFT
    )
    make_organisation("Ente candidato", town="Napoli", network_status=NetworkStatus.CANDIDATE)
    make_organisation(
        "Associazione in attesa",
        kind=OrganisationKind.MIGRANT_ASSOCIATION,
        town="Napoli",
        approval=Approval.PENDING,
    )
    make_organisation("Ente entrato nel 2026", town="Salerno", joined_on=day(2026, 1, 1))
    # In the network from the last day of the period (counts).
    make_organisation("Ente entrato a fine anno", town="Salerno", joined_on=day(2025, 12, 31))

    d.admin_a = make_member(d.org_a, Role.ORG_ADMIN)
    d.operator_a = make_member(d.org_a, Role.OPERATOR, first_name="Giulia", last_name="Esposito")
    d.operator_b = make_member(d.org_b, Role.OPERATOR)
    d.admin_b = make_member(d.org_b, Role.ORG_ADMIN)
    a, b, op_a, op_b = d.org_a, d.org_b, d.operator_a, d.operator_b

    def person(key, owner, citizenships, **fields):
        d.people[key] = make_participant(owner, citizenships=citizenships, **fields)
        return d.people[key]

    p1 = person("p1", a, ("MA",), sex=Sex.FEMALE, birth_date=day(1990, 5, 17))
    p2 = person(
        "p2", b, ("TN",), sex=Sex.MALE, birth_date=day(1985, 2, 1), municipality=municipality("Caserta")
    )
    p3 = person(
        "p3",
        a,
        ("AF",),
        sex=Sex.MALE,
        birth_date=day(2007, 1, 2),
        municipality=municipality("Salerno"),
        arrival_date=day(2024, 3, 1),
        unaccompanied_minor=True,
    )
    p4 = person("p4", a, ("MA",), sex=Sex.FEMALE, birth_date=day(1995, 4, 4))
    p5 = person("p5", b, (), sex=Sex.MALE, birth_date=day(1960, 3, 3), is_stateless=True, municipality=None)
    p6 = person("p6", a, ("IT", "MA"), sex=Sex.FEMALE, birth_date=day(1993, 3, 3))
    p7 = person("p7", a, ("EG",), sex=Sex.FEMALE, birth_date=day(2000, 1, 1))
    p8 = person("p8", a, ("NG",), sex=Sex.MALE, birth_date=day(2007, 1, 1), arrival_date=day(2010, 5, 1))
    p9 = person("p9", a, ("UA",), sex=Sex.FEMALE, birth_date=day(1970, 7, 7))
    p10 = person(
        "p10", a, ("PK",), sex=Sex.MALE, birth_date=day(2003, 3, 3), municipality=municipality("Caserta")
    )
    p11 = person(
        "p11", b, ("BD",), sex=Sex.FEMALE, birth_date=day(1988, 8, 8), municipality=municipality("Caserta")
    )
    p12 = person("p12", a, ("SN", "MA"), sex=Sex.MALE, birth_date=day(1992, 10, 10), country_of_birth="IT")

    # A withdrawn consent (p7): support already received still counts.
    from people.actions import withdraw_consent

    withdraw_consent(make_consent(p7, d.admin_a), acting_user=d.admin_a, reason="richiesta dell'interessata")

    # --- services ----------------------------------------------------------------------------------------
    service(p1, "legal_advice", day(2025, 3, 10), a, op_a)
    service(p2, "family_reunification", START, b, op_b)  # first day: counts
    service(p2, "long_term_permit", END, b, op_b)  # last day: counts
    service(p3, "school_inclusion", day(2025, 9, 1), a, op_a)
    service(p4, "civic_orientation", day(2025, 2, 2), a, op_a)  # EU after correction
    service(p5, "professional_guidance", day(2025, 4, 15), b, op_b)
    service(p6, "legal_advice", day(2025, 4, 16), a, op_a)  # Italian citizen
    service(p7, "housing_support", day(2025, 5, 5), a, op_a)
    service(p8, "civic_orientation", day(2025, 10, 10), a, op_a)
    service(p9, "legal_advice", day(2024, 12, 31), d.prefecture, op_a)  # the day before: outside
    service(p9, "long_term_permit", day(2026, 1, 1), b, op_b)  # the day after: outside
    service(p12, "job_placement", day(2025, 3, 1), a, op_a)
    service(p12, "qualification_recognition", day(2025, 8, 1), b, op_b)

    # --- courses -----------------------------------------------------------------------------------------
    kinds = ActivityKind
    l2 = d.activities["l2"] = activity(a, kinds.ITALIAN_L2, town="Napoli")
    l2_s0 = session(l2, day(2024, 12, 20))
    l2_s1 = session(l2, day(2025, 3, 3))
    l2_s2 = session(l2, day(2025, 3, 10))
    l2_cancelled = session(l2, day(2025, 5, 5), cancelled=True)
    e1 = enrol(l2, p1)
    attend(e1, l2_s1)
    assess(e1, AssessmentMoment.ENTRY, day(2025, 2, 1), 1)  # A1
    assess(e1, AssessmentMoment.EXIT, day(2025, 6, 30), 2)  # A2: +1
    feedback(e1, 5, at(2025, 6, 30))
    e2 = enrol(l2, p2)
    attend(e2, l2_s1, AttendanceStatus.ABSENT)
    attend(e2, l2_s2, AttendanceStatus.ABSENT)
    feedback(e2, 5, at(2026, 1, 1, 0, 30))  # already 2026 in Rome: outside
    e3 = enrol(l2, p3)
    attend(e3, l2_s0)
    attend(e3, l2_s1)
    assess(e3, AssessmentMoment.ENTRY, day(2024, 10, 1), 0)  # pre-A1
    assess(e3, AssessmentMoment.EXIT, START, 1)  # A1 on the first day: counts
    e8 = enrol(l2, p8)
    attend(e8, l2_s2)
    assess(e8, AssessmentMoment.ENTRY, day(2025, 3, 3), 1)  # no exit level: not R.2.8
    feedback(e8, 3, at(2025, 7, 1))  # "somewhat": not positive
    e9 = enrol(l2, p9)
    attend(e9, l2_s0)  # December 2024 only
    assess(e9, AssessmentMoment.ENTRY, day(2024, 9, 1), 1)
    assess(e9, AssessmentMoment.EXIT, day(2024, 12, 31), 3)  # the day before: outside
    e10 = enrol(l2, p10)
    attend(e10, l2_cancelled)  # a cancelled session never counts
    # An anonymous answer (no enrolment) is left out of R.2.9.
    FeedbackResponse.objects.create(
        activity=l2,
        helpful_for_integration=5,
        satisfaction=5,
        language="it",
        channel="link",
        submitted_at=at(2025, 7, 2),
    )

    work = d.activities["work"] = activity(b, kinds.ITALIAN_WORK, town="Caserta")
    w1 = session(work, day(2025, 4, 4))
    e1w = enrol(work, p1)  # p1's second course
    attend(e1w, w1)
    assess(e1w, AssessmentMoment.ENTRY, day(2025, 4, 4), 2)
    assess(e1w, AssessmentMoment.EXIT, day(2025, 7, 7), 2)  # no gain in this one
    feedback(e1w, 4, at(2025, 7, 7))

    civic = d.activities["civic"] = activity(a, kinds.CIVIC_ORIENTATION, town="Napoli")
    c1 = session(civic, day(2025, 5, 10))
    e7 = enrol(civic, p7)
    attend(e7, c1)
    feedback(e7, 4, at(2025, 12, 31, 23, 0))  # last evening: counts

    digital = d.activities["digital"] = activity(a, kinds.DIGITAL, town="Napoli")
    dg1 = session(digital, day(2025, 6, 6))
    attend(enrol(digital, p12), dg1)
    attend(enrol(digital, p4), dg1)

    vocational = d.activities["vocational"] = activity(a, kinds.VOCATIONAL_ORIENTATION, town="Napoli")
    attend(enrol(vocational, p12), session(vocational, day(2025, 7, 7)))

    # --- events ------------------------------------------------------------------------------------------
    event1 = d.activities["event1"] = activity(b, kinds.INFORMATION_EVENT, action="03", town="Caserta")
    attend(enrol(event1, p1), session(event1, day(2025, 9, 9), 2))
    registration(event1, 3)
    registration(event1, 1, checked_in=False)
    registration(event1, 2)
    event2 = d.activities["event2"] = activity(a, kinds.INFORMATION_EVENT, action="03", town="Napoli")
    session(event2, day(2025, 10, 10), 2, cancelled=True)
    registration(event2, 7)  # the event never took place in the period
    event3 = d.activities["event3"] = activity(a, kinds.INFORMATION_EVENT, action="03", town="Napoli")
    session(event3, day(2026, 1, 1), 2)
    registration(event3, 5)
    community = d.activities["community"] = activity(a, kinds.COMMUNITY_EVENT, action="03", town="Napoli")
    session(community, END, 2)
    registration(community, 4)

    # --- operators and associations ----------------------------------------------------------------------
    t1 = d.activities["training1"] = activity(d.region, kinds.OPERATOR_TRAINING, action="01", town="Napoli")
    topics = [TrainingTopic.objects.create(activity=t1, title=f"Tema {i}") for i in (1, 2)]
    t1_s0 = session(t1, day(2024, 12, 31), 4)
    t1_s1 = session(t1, day(2025, 3, 15), 3)
    t1_s2 = session(t1, day(2025, 3, 22), "2.5")
    o1 = enrol_person(t1, EnrolmentKind.OPERATOR, a, user=op_a)
    attend(o1, t1_s1)
    attend(o1, t1_s2)
    self_assess(o1, topics, "pre", (2, 3), at(2025, 3, 15))
    self_assess(o1, topics, "post", (4, 3), at(2025, 3, 22))  # 2.5 → 3.5: improved
    o2 = enrol_person(t1, EnrolmentKind.OPERATOR, b, full_name="Mario Rossi")
    attend(o2, t1_s1)
    attend(o2, t1_s2, AttendanceStatus.ABSENT)
    self_assess(o2, topics, "pre", (3, 3), at(2025, 3, 15))
    self_assess(o2, topics, "post", (3, 3), at(2025, 3, 22))  # no change
    o3 = enrol_person(t1, EnrolmentKind.OPERATOR, d.prefecture, full_name="Lucia Bianchi")
    attend(o3, t1_s1, AttendanceStatus.EXCUSED)
    self_assess(o3, topics, "pre", (2, 2), at(2025, 3, 15))
    self_assess(o3, topics, "post", (4, 4), at(2026, 1, 2))  # improved, but recorded after the period
    o4 = enrol_person(t1, EnrolmentKind.OPERATOR, a, full_name="Anna Verdi")
    attend(o4, t1_s0)  # 31 Dec 2024 only
    self_assess(o4, topics, "post", (5, 5), at(2025, 3, 22))  # no "before": not P1.3
    t2 = d.activities["training2"] = activity(b, kinds.OPERATOR_TRAINING, action="01", town="Caserta")
    attend(enrol_person(t2, EnrolmentKind.OPERATOR, a, user=op_a), session(t2, day(2025, 10, 1), 2))

    capacity = d.activities["capacity"] = activity(b, kinds.CAPACITY_BUILDING, action="03", town="Caserta")
    cb1 = session(capacity, day(2025, 11, 11), 3)
    attend(enrol_person(capacity, EnrolmentKind.ASSOCIATION, d.association, full_name="Awa Diop"), cb1)
    attend(enrol_person(capacity, EnrolmentKind.ASSOCIATION, d.group, full_name="Rosa Ruiz"), cb1)
    attend(
        enrol_person(capacity, EnrolmentKind.ASSOCIATION, b, full_name="Ugo Neri"), cb1
    )  # not an association

    # --- mediations --------------------------------------------------------------------------------------
    mediation(a, op_a, at(2025, 2, 2), participant=p11, hours="1.5")
    mediation(b, op_b, at(2025, 12, 31, 23, 30), language="eng", hours=2)  # last evening, no participant
    mediation(a, op_a, at(2025, 3, 3), participant=p9, status=MediationStatus.CONFIRMED, hours=1)
    mediation(a, op_a, at(2024, 12, 31, 23, 59), participant=p9, hours=3)  # outside
    mediation(a, op_a, at(2025, 4, 4), participant=p6, hours=None)  # Italian citizen; no hours recorded

    # --- referrals ---------------------------------------------------------------------------------------
    referral(
        p1, a, b, op_a, at(2025, 2, 1), answered_at=at(2025, 2, 4), status=ReferralStatus.ACCEPTED
    )  # 3 days
    referral(p7, a, b, op_a, at(2025, 3, 1), answered_at=at(2025, 3, 2), status=ReferralStatus.REJECTED)
    referral(
        p8, a, b, op_a, at(2025, 4, 1), answered_at=at(2025, 4, 11), status=ReferralStatus.COMPLETED
    )  # 10
    referral(p12, a, b, op_a, at(2025, 5, 1))  # not answered
    referral(p2, b, a, op_b, at(2025, 6, 1), answered_at=at(2025, 6, 6), status=ReferralStatus.ACCEPTED)  # 5
    referral(
        p9, a, b, op_a, at(2024, 12, 31, 23, 0), answered_at=at(2025, 1, 2), status=ReferralStatus.ACCEPTED
    )

    # --- plans -------------------------------------------------------------------------------------------
    old = plan(p2, b, op_b, at(2024, 11, 1), version=1, is_current=False)
    goal(old, GoalStatus.REACHED, at(2025, 1, 15))  # reached, but not the current plan
    current = plan(p2, b, op_b, at(2025, 2, 1), version=2)
    goal(current, GoalStatus.REACHED, at(2025, 2, 15))
    goal(current, GoalStatus.OPEN, at(2025, 2, 15))
    p12_plan = plan(p12, a, op_a, at(2025, 3, 1))
    goal(p12_plan, GoalStatus.IN_PROGRESS, at(2025, 6, 1))
    goal(p12_plan, GoalStatus.REACHED, at(2026, 1, 1, 0, 30))  # 2026 in Rome: outside
    plan(p4, a, op_a, at(2025, 3, 1))  # EU citizen after the correction

    # --- skills profiles ---------------------------------------------------------------------------------
    qualification(profile(p7, completed_at=at(2025, 7, 1)), "EG", day(2025, 7, 2))
    qualification(profile(p1, completed_at=at(2024, 12, 1)), "IT", day(2025, 5, 5))  # Italian title
    qualification(profile(p8), "NG", day(2024, 11, 1))  # applied before the period
    profile(p4, completed_at=at(2025, 8, 8))  # EU citizen after the correction

    # --- network -----------------------------------------------------------------------------------------
    # O.2.7: conventions / partnerships led by a public authority; P1.4.1: any signed kind in force.
    agreement("convention", "signed", a, signed_on=day(2024, 6, 1), valid_from=day(2024, 6, 1),
              valid_until=day(2026, 6, 1), partners=[b])  # fmt: skip
    agreement("partnership", "signed", b, signed_on=day(2025, 3, 1), partners=[a])  # third-sector lead
    agreement("memorandum", "expired", d.region, signed_on=day(2023, 1, 1), valid_until=day(2024, 12, 31))
    agreement("memorandum", "withdrawn", d.region, signed_on=day(2024, 1, 1), withdrawn_on=day(2025, 2, 1))
    agreement("adhesion", "signed", d.region, signed_on=day(2026, 1, 5))  # signed after the period
    agreement("convention", "draft", a)

    napoli_province = municipality("Napoli").province
    table = ConsultationTable.objects.create(
        name="Tavolo di Napoli", theme="Lavoro", province=napoli_province, coordinator=a
    )
    meeting(table, at(2025, 5, 5), MeetingStatus.HELD, present=[a, b], excused=[d.region])
    meeting(table, at(2025, 1, 1, 0, 30), MeetingStatus.HELD, present=[a, d.association])  # first night
    meeting(table, at(2024, 12, 31, 23, 30), MeetingStatus.HELD, present=[d.prefecture])  # outside
    meeting(table, at(2025, 6, 6), MeetingStatus.PLANNED, present=[d.group])

    # --- citizenship corrected to an EU country after the records were made ------------------------------
    from people.actions import update_participant

    update_participant(p4, acting_user=d.admin_a, data={"citizenships": [country("RO")]})
    return d
