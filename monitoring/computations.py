"""The named computations an indicator definition points to (`Indicator.computation`).

Each takes the indicator's parameters and a `Scope` and returns a `Spec`: the sources of events (querysets,
narrowed to the period, organisation, organisation type and action) that the engine aggregates. What counts
is written next to each indicator as its counting rule; keep the two in step.
"""

from __future__ import annotations

import dataclasses
import datetime
from collections.abc import Callable

from django.db.models import Case, CharField, F, IntegerField, OuterRef, Q, Subquery, TextField, Value, When
from django.db.models.functions import Cast, Coalesce, Concat, TruncDate

from monitoring.engine import COUNT, MEDIAN, SHARE, SUM, Scope, Spec, Value_, source

REGISTRY: dict[str, Callable[[dict, Scope], Spec]] = {}


def computation(name: str):
    def register(function):
        REGISTRY[name] = function
        return function

    return register


def _day_range(field: str, scope: Scope) -> Q:
    return Q(**{f"{field}__gte": scope.start, f"{field}__lte": scope.end})


def _datetime_range(field: str, scope: Scope) -> Q:
    return Q(**{f"{field}__date__gte": scope.start, f"{field}__date__lte": scope.end})


# --- participants --------------------------------------------------------------------------------------------


def _services(params: dict, scope: Scope):
    """Services recorded in the period, of the types the parameters name (by indicator code or type code)."""
    from paths.models import ServiceRecord

    records = ServiceRecord.objects.filter(_day_range("date", scope))
    codes, types = params.get("indicator_codes"), params.get("service_types")
    if codes is not None or types is not None:
        condition = Q(pk__in=[])
        if codes:
            condition |= Q(service_type__indicator_code__in=codes)
        if types:
            condition |= Q(service_type__code__in=types)
        records = records.filter(condition)
    records = scope.narrow(records, organisation="organisation", action="action")
    return source(
        records,
        m_subject=F("participant_id"),
        m_day=F("date"),
        m_org=F("organisation_id"),
        m_act=F("action"),
    )


def _attendance(params: dict, scope: Scope, kind: str = "participant"):
    """Presence at sessions held in the period (an enrolment counts from the first session attended).

    Participants' figures belong to the activity's organiser; operators' and associations' to the
    organisation the trainee comes from (the one the breakdown shows)."""
    from activities.models import Attendance, AttendanceStatus

    rows = Attendance.objects.filter(
        _day_range("session__date", scope),
        status=AttendanceStatus.PRESENT,
        session__is_cancelled=False,
        enrolment__kind=kind,
    )
    if params.get("activity_kinds") is not None:
        rows = rows.filter(session__activity__kind__in=params["activity_kinds"])
    organisation = "session__activity__organiser" if kind == "participant" else "enrolment__organisation"
    return scope.narrow(rows, organisation=organisation, action="session__activity__action")


def _participant_attendance(params: dict, scope: Scope):
    return source(
        _attendance(params, scope),
        m_subject=F("enrolment__participant_id"),
        m_record=F("enrolment_id"),
        m_day=F("session__date"),
        m_org=F("session__activity__organiser_id"),
        m_act=F("session__activity__action"),
    )


def _mediations(scope: Scope):
    from paths.models import MediationRequest, MediationStatus

    rows = MediationRequest.objects.filter(
        _datetime_range("starts_at", scope), status=MediationStatus.COMPLETED
    )
    # Mediation is part of action 01 (governance of the services): kept for no action or 01, none otherwise.
    rows = dataclasses.replace(scope, action="").narrow(rows, organisation="organisation", action=None)
    return rows if scope.action in ("", "01") else rows.none()


@computation("participants_supported")
def participants_supported(params: dict, scope: Scope) -> Spec:
    """A service recorded, presence at an activity's session, or a completed mediation, in the period."""
    mediations = source(
        _mediations(scope).filter(participant__isnull=False),
        m_subject=F("participant_id"),
        m_day=TruncDate("starts_at"),
        m_org=F("organisation_id"),
        m_act=Value("01"),
    )
    if scope.action and scope.action != "01":
        mediations = mediations.none()
    return Spec(
        sources=[_services({}, scope), _participant_attendance({}, scope), mediations],
        target_group=params.get("target_group", ""),
    )


@computation("participants_with_services")
def participants_with_services(params: dict, scope: Scope) -> Spec:
    return Spec(sources=[_services(params, scope)], target_group=params.get("target_group", ""))


@computation("participants_in_activities")
def participants_in_activities(params: dict, scope: Scope) -> Spec:
    """Presence at the activities of the given kinds; plus services of the given indicator codes, if any."""
    sources = [_participant_attendance(params, scope)]
    if params.get("indicator_codes") or params.get("service_types"):
        sources.append(_services(params, scope))
    return Spec(sources=sources, target_group=params.get("target_group", ""))


@computation("language_level_improved")
def language_level_improved(params: dict, scope: Scope) -> Spec:
    """Exit assessment in the period at least `min_gain` levels above the entry one, same enrolment."""
    from activities.models import AssessmentMoment, LanguageAssessment

    entry = LanguageAssessment.objects.filter(enrolment=OuterRef("enrolment"), moment=AssessmentMoment.ENTRY)
    exits = (
        LanguageAssessment.objects.filter(_day_range("date", scope), moment=AssessmentMoment.EXIT)
        .filter(enrolment__activity__kind__in=params.get("activity_kinds", []))
        .annotate(entry_level=Subquery(entry.order_by("date", "pk").values("overall")[:1]))
        .filter(entry_level__isnull=False, overall__gte=F("entry_level") + int(params.get("min_gain", 1)))
    )
    exits = scope.narrow(
        exits, organisation="enrolment__activity__organiser", action="enrolment__activity__action"
    )
    return Spec(
        sources=[
            source(
                exits,
                m_subject=F("enrolment__participant_id"),
                m_day=F("date"),
                m_org=F("enrolment__activity__organiser_id"),
                m_act=F("enrolment__activity__action"),
            )
        ]
    )


@computation("helpful_for_integration")
def helpful_for_integration(params: dict, scope: Scope) -> Spec:
    from activities.models import FeedbackResponse

    answers = FeedbackResponse.objects.filter(
        _datetime_range("submitted_at", scope),
        enrolment__participant__isnull=False,
        helpful_for_integration__gte=int(params.get("positive_min", 4)),
    )
    answers = scope.narrow(answers, organisation="activity__organiser", action="activity__action")
    return Spec(
        sources=[
            source(
                answers,
                m_subject=F("enrolment__participant_id"),
                m_day=TruncDate("submitted_at"),
                m_org=F("activity__organiser_id"),
                m_act=F("activity__action"),
            )
        ]
    )


@computation("recognition_applied")
def recognition_applied(params: dict, scope: Scope) -> Spec:
    """Two sources (decision 0007): the skills profile's foreign qualifications, and the services recorded."""
    from skills.models import Qualification

    qualifications = Qualification.objects.recognition_applied().filter(
        _day_range("recognition_applied_on", scope)
    )
    # A profile belongs to the person, not to an organisation or an action: it counts only when the scope
    # does not ask for one.
    if scope.organisation_id or scope.organisation_kind or scope.action:
        qualifications = qualifications.none()
    return Spec(
        sources=[
            _services(params, scope),
            source(qualifications, m_subject=F("profile__participant_id"), m_day=F("recognition_applied_on")),
        ]
    )


@computation("skills_profiles_completed")
def skills_profiles_completed(params: dict, scope: Scope) -> Spec:
    from skills.models import SkillsProfile

    profiles = SkillsProfile.objects.filter(_datetime_range("completed_at", scope))
    profiles = scope.narrow(profiles, organisation="participant__owner", action=None)
    return Spec(
        sources=[
            source(
                profiles,
                m_subject=F("participant_id"),
                m_day=TruncDate("completed_at"),
                m_org=F("participant__owner_id"),
            )
        ]
    )


@computation("participants_with_plan")
def participants_with_plan(params: dict, scope: Scope) -> Spec:
    from paths.models import IndividualPlan

    plans = scope.narrow(
        IndividualPlan.objects.filter(_datetime_range("created_at", scope)),
        organisation="organisation",
        action=None,
    )
    return Spec(
        sources=[
            source(
                plans,
                m_subject=F("participant_id"),
                m_day=TruncDate("created_at"),
                m_org=F("organisation_id"),
            )
        ]
    )


# --- operators, organisations, records ----------------------------------------------------------------------


def _operator_key():
    """An operator is their account or, without one, their name at their organisation."""
    return Coalesce(
        Cast("enrolment__user_id", CharField()),
        Concat(F("enrolment__full_name"), Value("|"), Cast("enrolment__organisation_id", CharField())),
        output_field=CharField(),
    )


def _trainee_source(rows, **columns):
    """Attendance of trainees (operators, association representatives), credited to their own organisation."""
    return source(
        rows,
        **{
            "m_record": F("enrolment_id"),
            "m_day": F("session__date"),
            "m_org": F("enrolment__organisation_id"),
            "m_act": F("session__activity__action"),
            "m_muni": F("enrolment__organisation__municipality_id"),
            **columns,
        },
    )


@computation("operators_trained")
def operators_trained(params: dict, scope: Scope) -> Spec:
    from activities.models import Enrolment

    rows = _attendance(params, scope, kind="operator")
    return Spec(
        sources=[_trainee_source(rows, m_subject=_operator_key())], subject="operator", record_model=Enrolment
    )


@computation("operator_training_hours")
def operator_training_hours(params: dict, scope: Scope) -> Spec:
    from activities.models import Enrolment

    rows = _attendance(params, scope, kind="operator")
    return Spec(
        sources=[_trainee_source(rows, m_subject=_operator_key(), m_amount=F("hours"))],
        subject="operator",
        aggregate=SUM,
        record_model=Enrolment,
    )


@computation("operators_improved")
def operators_improved(params: dict, scope: Scope) -> Spec:
    """Operator enrolments whose average self-assessment after is above the average before."""
    from activities.models import Enrolment, SelfAssessment

    def average(moment):
        return Subquery(
            SelfAssessment.objects.filter(enrolment=OuterRef("pk"), moment=moment)
            .values("enrolment")
            .annotate(a=_avg("score"))
            .values("a")[:1]
        )

    last_post = Subquery(
        SelfAssessment.objects.filter(enrolment=OuterRef("pk"), moment="post")
        .order_by("-recorded_at")
        .values("recorded_at")[:1]
    )
    enrolments = (
        Enrolment.objects.filter(kind="operator", activity__kind__in=params.get("activity_kinds", []))
        .annotate(before=average("pre"), after=average("post"), post_at=last_post)
        .filter(before__isnull=False, after__gt=F("before"))
        .filter(post_at__date__gte=scope.start, post_at__date__lte=scope.end)
    )
    enrolments = scope.narrow(enrolments, organisation="organisation", action="activity__action")
    key = Coalesce(
        Cast("user_id", CharField()),
        Concat(F("full_name"), Value("|"), Cast("organisation_id", CharField())),
        output_field=CharField(),
    )
    return Spec(
        sources=[
            source(
                enrolments,
                m_subject=key,
                m_day=TruncDate("post_at"),
                m_org=F("organisation_id"),
                m_act=F("activity__action"),
                m_muni=F("organisation__municipality_id"),
            )
        ],
        subject="operator",
        record_model=Enrolment,
    )


def _avg(field):
    from django.db.models import Avg

    return Avg(field)


@computation("authorities_supported")
def authorities_supported(params: dict, scope: Scope) -> Spec:
    """Public authorities with staff trained, an activity held, or services delivered, in the period."""
    from activities.models import Session
    from network.models import Organisation
    from paths.models import ServiceRecord

    kinds = params.get("organisation_kinds", [])
    trained = _attendance({"activity_kinds": ["operator_training"]}, scope, kind="operator").filter(
        enrolment__organisation__kind__in=kinds
    )
    sessions = scope.narrow(
        Session.objects.filter(
            _day_range("date", scope), is_cancelled=False, activity__organiser__kind__in=kinds
        ),
        organisation="activity__organiser",
        action="activity__action",
    )
    services = scope.narrow(
        ServiceRecord.objects.filter(_day_range("date", scope), organisation__kind__in=kinds),
        organisation="organisation",
        action="action",
    )
    return Spec(
        sources=[
            _trainee_source(trained, m_subject=F("enrolment__organisation_id")),
            source(
                sessions,
                m_subject=F("activity__organiser_id"),
                m_day=F("date"),
                m_org=F("activity__organiser_id"),
                m_act=F("activity__action"),
                m_muni=F("activity__organiser__municipality_id"),
            ),
            source(
                services,
                m_subject=F("organisation_id"),
                m_day=F("date"),
                m_org=F("organisation_id"),
                m_act=F("action"),
                m_muni=F("organisation__municipality_id"),
            ),
        ],
        subject="organisation",
        subject_model=Organisation,
    )


@computation("activities_held")
def activities_held(params: dict, scope: Scope) -> Spec:
    from activities.models import Activity, Session

    sessions = Session.objects.filter(
        _day_range("date", scope), is_cancelled=False, activity__kind__in=params.get("activity_kinds", [])
    )
    sessions = scope.narrow(sessions, organisation="activity__organiser", action="activity__action")
    return Spec(
        sources=[
            source(
                sessions,
                m_subject=F("activity_id"),
                m_day=F("date"),
                m_org=F("activity__organiser_id"),
                m_act=F("activity__action"),
                m_muni=Coalesce("activity__municipality_id", "activity__organiser__municipality_id"),
            )
        ],
        subject="activity",
        subject_model=Activity,
    )


@computation("people_reached")
def people_reached(params: dict, scope: Scope) -> Spec:
    """Checked-in portal registrations (their people) plus enrolled participants present, at events with a
    session in the period. A sum: registrations cannot be de-duplicated (they carry no identity)."""
    from activities.models import Activity, PublicRegistration, Session

    kinds = params.get("activity_kinds", [])
    held = Session.objects.filter(_day_range("date", scope), is_cancelled=False, activity__kind__in=kinds)
    registrations = scope.narrow(
        PublicRegistration.objects.filter(
            checked_in_at__isnull=False, activity__in=held.values("activity_id")
        ),
        organisation="activity__organiser",
        action="activity__action",
    )
    day = Subquery(held.filter(activity=OuterRef("activity_id")).order_by("date").values("date")[:1])
    present = _attendance({"activity_kinds": kinds}, scope).values("enrolment_id")
    from activities.models import Enrolment

    enrolments = scope.narrow(
        Enrolment.objects.filter(pk__in=present),
        organisation="activity__organiser",
        action="activity__action",
    )
    return Spec(
        sources=[
            source(
                registrations,
                m_subject=F("activity_id"),
                m_day=day,
                m_org=F("activity__organiser_id"),
                m_act=F("activity__action"),
                m_muni=Coalesce("activity__municipality_id", "activity__organiser__municipality_id"),
                m_amount=F("people"),
            ),
            source(
                enrolments,
                m_subject=F("activity_id"),
                m_day=Subquery(
                    held.filter(activity=OuterRef("activity_id")).order_by("date").values("date")[:1]
                ),
                m_org=F("activity__organiser_id"),
                m_act=F("activity__action"),
                m_muni=Coalesce("activity__municipality_id", "activity__organiser__municipality_id"),
            ),
        ],
        subject="activity",
        aggregate=SUM,
        subject_model=Activity,
    )


@computation("organisations_in_network")
def organisations_in_network(params: dict, scope: Scope) -> Spec:
    from network.models import Approval, NetworkStatus, Organisation

    organisations = Organisation.objects.filter(
        Q(joined_on__isnull=True) | Q(joined_on__lte=scope.end),
        Q(left_on__isnull=True) | Q(left_on__gte=scope.start),
        approval__in=[Approval.NOT_NEEDED, Approval.APPROVED],
    ).exclude(network_status=NetworkStatus.CANDIDATE)
    if scope.organisation_id:
        organisations = organisations.filter(pk=scope.organisation_id)
    if scope.organisation_kind:
        organisations = organisations.filter(kind=scope.organisation_kind)
    if scope.action:
        organisations = organisations.none()
    return Spec(
        sources=[
            source(
                organisations,
                m_subject=F("pk"),
                m_day=Coalesce("joined_on", Value(scope.start)),
                m_org=F("pk"),
                m_muni=F("municipality_id"),
            )
        ],
        subject="organisation",
        subject_model=Organisation,
        snapshot=True,
    )


@computation("agreements_in_force")
def agreements_in_force(params: dict, scope: Scope) -> Spec:
    from network.models import Agreement, AgreementParty, AgreementStatus, PartyRole

    agreements = Agreement.objects.filter(
        Q(valid_from__isnull=True) | Q(valid_from__lte=scope.end),
        Q(valid_until__isnull=True) | Q(valid_until__gte=scope.start),
        Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gte=scope.start),
        status__in=[AgreementStatus.SIGNED, AgreementStatus.EXPIRED, AgreementStatus.WITHDRAWN],
        signed_on__isnull=False,
        signed_on__lte=scope.end,
        kind__in=params.get("agreement_kinds", []),
    )
    lead = AgreementParty.objects.filter(agreement=OuterRef("pk"), role=PartyRole.LEAD)
    if params.get("lead_kinds"):
        agreements = agreements.filter(
            pk__in=AgreementParty.objects.filter(
                role=PartyRole.LEAD, organisation__kind__in=params["lead_kinds"]
            ).values("agreement_id")
        )
    if scope.organisation_id:
        agreements = agreements.filter(parties__organisation_id=scope.organisation_id)
    if scope.organisation_kind:
        agreements = agreements.filter(parties__organisation__kind=scope.organisation_kind)
    if scope.action:  # a JSON list of action codes; its text form is portable ("contains" on JSON is not)
        agreements = agreements.annotate(actions_text=Cast("actions", TextField())).filter(
            actions_text__contains=f'"{scope.action}"'
        )
    agreements = agreements.distinct()
    return Spec(
        sources=[
            source(
                agreements,
                m_subject=F("pk"),
                m_day=F("signed_on"),
                m_org=Subquery(lead.order_by("pk").values("organisation_id")[:1]),
                m_muni=Subquery(lead.order_by("pk").values("organisation__municipality_id")[:1]),
            )
        ],
        subject="agreement",
        subject_model=Agreement,
        snapshot=True,
    )


@computation("meetings_held")
def meetings_held(params: dict, scope: Scope) -> Spec:
    from network.models import Meeting, MeetingStatus

    meetings = Meeting.objects.filter(_datetime_range("starts_at", scope), status=MeetingStatus.HELD)
    if scope.organisation_id:
        meetings = meetings.filter(participants__organisation_id=scope.organisation_id).distinct()
    if scope.organisation_kind:
        meetings = meetings.filter(participants__organisation__kind=scope.organisation_kind).distinct()
    if scope.action and scope.action != "01":
        meetings = meetings.none()
    return Spec(
        sources=[
            source(
                meetings,
                m_subject=F("pk"),
                m_day=TruncDate("starts_at"),
                m_act=Value("01"),
                m_muni=_table_capital(),
            )
        ],
        subject="meeting",
        subject_model=Meeting,
    )


def _table_capital():
    """A meeting's place for the province breakdown: the first municipality of its table's province."""
    from territory.models import Municipality

    return Subquery(
        Municipality.objects.filter(province_id=OuterRef("table__province_id"))
        .order_by("pk")
        .values("pk")[:1]
    )


@computation("meeting_organisations")
def meeting_organisations(params: dict, scope: Scope) -> Spec:
    from network.models import MeetingParticipant, MeetingStatus, Organisation, Presence

    present = MeetingParticipant.objects.filter(
        _datetime_range("meeting__starts_at", scope),
        meeting__status=MeetingStatus.HELD,
        presence=Presence.PRESENT,
    )
    if scope.action and scope.action != "01":  # consultation tables are governance, action 01
        present = present.none()
    present = scope.narrow(present, organisation="organisation", action=None) if not scope.action else present
    if scope.action == "01" and (scope.organisation_id or scope.organisation_kind):
        present = Scope(
            scope.start,
            scope.end,
            organisation_id=scope.organisation_id,
            organisation_kind=scope.organisation_kind,
        ).narrow(present, organisation="organisation", action=None)
    return Spec(
        sources=[
            source(
                present,
                m_subject=F("organisation_id"),
                m_day=TruncDate("meeting__starts_at"),
                m_org=F("organisation_id"),
                m_act=Value("01"),
                m_muni=F("organisation__municipality_id"),
            )
        ],
        subject="organisation",
        subject_model=Organisation,
    )


def _referrals(scope: Scope):
    from paths.models import Referral

    return scope.narrow(
        Referral.objects.filter(_datetime_range("sent_at", scope)),
        organisation="from_organisation",
        action=None,
    )


def _referral_source(rows, **columns):
    return source(
        rows,
        **{
            "m_subject": F("pk"),
            "m_day": TruncDate("sent_at"),
            "m_org": F("from_organisation_id"),
            "m_muni": F("from_organisation__municipality_id"),
            **columns,
        },
    )


@computation("referrals_sent")
def referrals_sent(params: dict, scope: Scope) -> Spec:
    from paths.models import Referral

    return Spec(sources=[_referral_source(_referrals(scope))], subject="referral", subject_model=Referral)


ACCEPTED_STATUSES = ("accepted", "completed")


@computation("referrals_accepted_share")
def referrals_accepted_share(params: dict, scope: Scope) -> Spec:
    from paths.models import Referral

    answered = _referrals(scope).filter(answered_at__isnull=False)
    accepted = Case(
        When(status__in=ACCEPTED_STATUSES, then=Value(1)), default=Value(0), output_field=IntegerField()
    )
    return Spec(
        sources=[_referral_source(answered, m_amount=accepted)],
        subject="referral",
        aggregate=SHARE,
        subject_model=Referral,
    )


@computation("referral_median_days")
def referral_median_days(params: dict, scope: Scope) -> Spec:
    from paths.models import Referral

    accepted = _referrals(scope).filter(answered_at__isnull=False, status__in=ACCEPTED_STATUSES)
    return Spec(
        sources=[_referral_source(accepted, m_amount=_days_between("sent_at", "answered_at"))],
        subject="referral",
        aggregate=MEDIAN,
        subject_model=Referral,
    )


def _days_between(start: str, end: str):
    """Whole days between the local dates of two datetimes (the dates as `TruncDate` gives them in the
    current time zone, on both backends): SQLite by julianday, PostgreSQL by date subtraction."""
    from django.db.models import Func

    class Days(Func):
        output_field = IntegerField()

        def as_sqlite(self, compiler, connection, **extra):
            lhs, lhs_params = compiler.compile(self.source_expressions[1])
            rhs, rhs_params = compiler.compile(self.source_expressions[0])
            return f"CAST(julianday({lhs}) - julianday({rhs}) AS INTEGER)", [*lhs_params, *rhs_params]

        def as_postgresql(self, compiler, connection, **extra):
            lhs, lhs_params = compiler.compile(self.source_expressions[1])
            rhs, rhs_params = compiler.compile(self.source_expressions[0])
            return f"(({lhs}) - ({rhs}))", [*lhs_params, *rhs_params]

    return Days(TruncDate(start), TruncDate(end))


def _mediation_source(rows, **columns):
    return source(
        rows,
        **{
            "m_subject": F("pk"),
            "m_day": TruncDate("starts_at"),
            "m_org": F("organisation_id"),
            "m_act": Value("01"),
            "m_muni": F("organisation__municipality_id"),
            "m_lang": F("language__code"),
            **columns,
        },
    )


@computation("mediations_delivered")
def mediations_delivered(params: dict, scope: Scope) -> Spec:
    from paths.models import MediationRequest

    rows = _mediations(scope) if scope.action in ("", "01") else _mediations(scope).none()
    return Spec(sources=[_mediation_source(rows)], subject="mediation", subject_model=MediationRequest)


@computation("mediation_hours")
def mediation_hours(params: dict, scope: Scope) -> Spec:
    from paths.models import MediationRequest

    rows = _mediations(scope) if scope.action in ("", "01") else _mediations(scope).none()
    rows = rows.filter(hours__isnull=False)
    return Spec(
        sources=[_mediation_source(rows, m_amount=F("hours"))],
        subject="mediation",
        aggregate=SUM,
        subject_model=MediationRequest,
    )


@computation("plans_with_goal_reached")
def plans_with_goal_reached(params: dict, scope: Scope) -> Spec:
    from paths.models import Goal, GoalStatus, IndividualPlan

    reached = Goal.objects.filter(
        _datetime_range("updated_at", scope), status=GoalStatus.REACHED, plan__is_current=True
    ).exclude(plan__participant__citizenships__is_eu=True)  # plans of participants (third-country nationals)
    reached = scope.narrow(reached, organisation="plan__organisation", action=None)
    return Spec(
        sources=[
            source(
                reached,
                m_subject=F("plan_id"),
                m_day=TruncDate("updated_at"),
                m_org=F("plan__organisation_id"),
                m_muni=F("plan__organisation__municipality_id"),
            )
        ],
        subject="plan",
        subject_model=IndividualPlan,
    )


@computation("associations_supported")
def associations_supported(params: dict, scope: Scope) -> Spec:
    from network.models import Organisation

    rows = _attendance(params, scope, kind="association").filter(
        enrolment__organisation__kind__in=params.get("organisation_kinds", [])
    )
    return Spec(
        sources=[_trainee_source(rows, m_subject=F("enrolment__organisation_id"))],
        subject="organisation",
        subject_model=Organisation,
    )


# --- the directory (a state, not events) --------------------------------------------------------------------


def _directory_moment(scope: Scope) -> datetime.datetime:
    from django.utils import timezone

    today = timezone.localdate()
    day = min(scope.end, today)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.max))


@computation("directory_services_published")
def directory_services_published(params: dict, scope: Scope) -> Spec:
    from directory.search import public_services

    services = public_services().filter(published_at__lte=_directory_moment(scope))
    services = (
        services.none() if (scope.organisation_id or scope.organisation_kind or scope.action) else services
    )
    return Spec(
        sources=[source(services, m_subject=F("pk"), m_day=TruncDate("published_at"))],
        subject="service",
        snapshot=True,
    )


@computation("directory_translated_share")
def directory_translated_share(params: dict, scope: Scope) -> Spec:
    """Per content language other than Italian, the share of published services whose every public text is
    translated from the current Italian (and, with `verified`, verified by a person): the desk's P3.3 query.
    The value is the average over those languages. A current state: the directory keeps no history of its
    translations, so the period does not change it."""
    from directory.desk import content_languages, translation_coverage

    verified = bool(params.get("verified"))

    def compute(scope: Scope, by: str | None):
        languages = [language for language in content_languages() if language.code != "it"]
        if scope.organisation_id or scope.organisation_kind or scope.action:
            return Value_(None, 0) if by is None else []
        total, coverage = translation_coverage(languages)
        shares = [
            (c.language.code, round(c.verified_share if verified else c.translated_share, 1), total)
            for c in coverage
        ]
        if by is None:
            value = (
                round(sum(share for _code, share, _n in shares) / len(shares), 1)
                if shares and total
                else None
            )
            return Value_(value, total)
        return shares if by == "language" else []

    return Spec(sources=[], subject="service", aggregate=SHARE, snapshot=True, direct=compute)


__all__ = ["COUNT", "MEDIAN", "REGISTRY", "SHARE", "SUM"]
