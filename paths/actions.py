"""Writes that matter for individual paths: plans and goals, services, referrals, mediation.

Each is atomic, takes a keyword-only `acting_user`, checks the actor's scope itself, is audited by
django-auditlog, and queues notifications after commit."""

from __future__ import annotations

import datetime
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Membership
from core.roles import Role
from core.scoping import VIEW, active_membership, get_for_user, require_permission
from paths.models import (
    Goal,
    GoalStatus,
    GoalStep,
    IndividualPlan,
    MediationRequest,
    MediationStatus,
    MediatorProfile,
    Referral,
    ReferralEvent,
    ReferralStatus,
    ServiceRecord,
)
from paths.notifications import notify
from people.models import WORK, Consent, Participant

# ---------------------------------------------------------------------------------------------- plans


def current_plan(participant: Participant) -> IndividualPlan | None:
    return participant.plans.filter(is_current=True).first()


@transaction.atomic
def start_plan(
    participant: Participant, *, acting_user, summary: str = "", next_review=None
) -> IndividualPlan:
    """Create the first plan, or a new version that copies the open goals of the current one."""
    get_for_user(Participant.objects.all(), acting_user, WORK, pk=participant.pk)
    require_permission(acting_user, "plan.change")
    membership = active_membership(acting_user)
    previous = (
        IndividualPlan.objects.select_for_update().filter(participant=participant, is_current=True).first()
    )
    version = 1
    if previous is not None:
        previous.is_current = False
        previous.save(update_fields=["is_current"])
        version = previous.version + 1
    plan = IndividualPlan.objects.create(
        participant=participant,
        version=version,
        summary=summary if summary or previous is None else previous.summary,
        next_review=next_review if next_review or previous is None else previous.next_review,
        organisation=membership.organisation,
        created_by=acting_user,
    )
    if previous is not None:
        for goal in previous.goals.prefetch_related("steps"):
            steps = list(goal.steps.all())
            goal.pk = None
            goal.plan = plan
            goal.save()
            GoalStep.objects.bulk_create(
                GoalStep(goal=goal, description=s.description, due_date=s.due_date, done_at=s.done_at)
                for s in steps
            )
    return plan


@transaction.atomic
def add_goal(plan: IndividualPlan, *, acting_user, data: dict, steps: list[str] | None = None) -> Goal:
    _check_plan_writable(plan, acting_user)
    membership = active_membership(acting_user)
    goal = Goal.objects.create(plan=plan, owner_organisation=membership.organisation, **data)
    for description in steps or []:
        if description.strip():
            GoalStep.objects.create(goal=goal, description=description.strip())
    return goal


@transaction.atomic
def update_goal(goal: Goal, *, acting_user, data: dict) -> Goal:
    _check_plan_writable(goal.plan, acting_user)
    changed = [name for name, value in data.items() if getattr(goal, name) != value]
    for name in changed:
        setattr(goal, name, data[name])
    if changed:
        goal.save(update_fields=[*changed, "updated_at"])
    return goal


@transaction.atomic
def add_step(goal: Goal, *, acting_user, description: str, due_date=None) -> GoalStep:
    _check_plan_writable(goal.plan, acting_user)
    return GoalStep.objects.create(goal=goal, description=description, due_date=due_date)


@transaction.atomic
def toggle_step(step: GoalStep, *, acting_user) -> GoalStep:
    _check_plan_writable(step.goal.plan, acting_user)
    step.done_at = None if step.done_at else timezone.now()
    step.save(update_fields=["done_at"])
    return step


def _check_plan_writable(plan: IndividualPlan, acting_user) -> None:
    require_permission(acting_user, "plan.change")
    get_for_user(IndividualPlan.objects.all(), acting_user, WORK, pk=plan.pk)
    if not plan.is_current:
        raise ValidationError(_("Earlier versions of a plan cannot be changed."))


# ------------------------------------------------------------------------------------------- services


@transaction.atomic
def record_service(participant: Participant, *, acting_user, data: dict) -> ServiceRecord:
    require_permission(acting_user, "service.record")
    get_for_user(Participant.objects.all(), acting_user, WORK, pk=participant.pk)
    membership = active_membership(acting_user)
    data = {"operator": acting_user, **data}
    data.setdefault("action", data["service_type"].default_action)
    return ServiceRecord.objects.create(participant=participant, organisation=membership.organisation, **data)


@transaction.atomic
def record_group_session(participants: list[Participant], *, acting_user, data: dict) -> list[ServiceRecord]:
    """One service delivered to several people at once (a group session): all saved, or none."""
    require_permission(acting_user, "service.record")
    workable = set(
        Participant.objects.visible_to(acting_user, WORK)
        .filter(pk__in=[p.pk for p in participants])
        .values_list("pk", flat=True)
    )
    if len(workable) != len({p.pk for p in participants}):
        raise PermissionDenied
    membership = active_membership(acting_user)
    session = uuid.uuid4()
    data = {"operator": acting_user, **data}
    data.setdefault("action", data["service_type"].default_action)
    return [
        ServiceRecord.objects.create(
            participant=participant, organisation=membership.organisation, group_session=session, **data
        )
        for participant in participants
    ]


# ------------------------------------------------------------------------------------------ referrals

# Allowed transitions and who may make them: the sending ("from") or receiving ("to") organisation.
TRANSITIONS: dict[tuple[str, str], str] = {
    (ReferralStatus.SENT, ReferralStatus.ACCEPTED): "to",
    (ReferralStatus.SENT, ReferralStatus.REJECTED): "to",
    (ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED): "to",
    (ReferralStatus.SENT, ReferralStatus.WITHDRAWN): "from",
    (ReferralStatus.ACCEPTED, ReferralStatus.WITHDRAWN): "from",
}


def minimal_summary(participant: Participant) -> str:
    """What the receiver sees before accepting: first name, initial, age, languages, municipality."""
    languages = ", ".join(str(language) for language in participant.languages.all()[:3])
    parts = [
        f"{participant.first_name} {participant.last_name[:1]}.",
        _("%(age)s years") % {"age": participant.age()},
    ]
    if languages:
        parts.append(languages)
    if participant.municipality_id:
        parts.append(participant.municipality.name)
    return " · ".join(parts)[:300]


def covering_consent(participant: Participant, organisation) -> Consent | None:
    return (
        Consent.objects.filter(participant=participant)
        .covering(organisation)
        .order_by("-recorded_at")
        .first()
    )


@transaction.atomic
def send_referral(
    participant: Participant,
    *,
    acting_user,
    to_organisation,
    service_type,
    reason: str = "",
    urgent: bool = False,
    override_reason: str = "",
) -> Referral:
    require_permission(acting_user, "referral.send")
    participant = get_for_user(Participant.objects.all(), acting_user, WORK, pk=participant.pk)
    membership = active_membership(acting_user)
    if to_organisation.pk == membership.organisation_id:
        raise ValidationError(_("A referral goes to another organisation."))
    if not to_organisation.is_active:
        raise ValidationError(_("The receiving organisation is not active."))
    consent = covering_consent(participant, to_organisation)
    override_reason = (override_reason or "").strip()
    if consent is None:
        if not override_reason:
            raise ValidationError(
                _(
                    "No consent in force lets you share this person's data with %(organisation)s. Record the "
                    "consent first, or ask an administrator to send it with a recorded reason."
                )
                % {"organisation": to_organisation}
            )
        require_permission(acting_user, "referral.override_consent")
    elif override_reason:
        override_reason = ""  # a consent covers it: nothing to override
    referral = Referral.objects.create(
        participant=participant,
        from_organisation=membership.organisation,
        to_organisation=to_organisation,
        service_type=service_type,
        reason=reason,
        summary=minimal_summary(participant),
        urgent=urgent,
        consent=consent,
        consent_override_reason=override_reason,
        sent_by=acting_user,
    )
    ReferralEvent.objects.create(
        referral=referral,
        to_status=ReferralStatus.SENT,
        actor=acting_user,
        organisation=membership.organisation,
        note=override_reason,
    )
    notify(
        _caseworkers(to_organisation),
        "referral_received",
        {"from": membership.organisation.name, "service": service_type.name_it},
        url=referral.get_absolute_url(),
    )
    return referral


@transaction.atomic
def transition_referral(referral: Referral, new_status: str, *, acting_user, note: str = "") -> Referral:
    """Move a referral along its state machine; anything else is refused and nothing changes."""
    require_permission(
        acting_user, "referral.answer" if new_status != ReferralStatus.WITHDRAWN else "referral.send"
    )
    referral = get_for_user(Referral.objects.select_for_update(), acting_user, VIEW, pk=referral.pk)
    membership = active_membership(acting_user)
    side = TRANSITIONS.get((referral.status, new_status))
    if side is None:
        raise ValidationError(
            _("A referral that is %(current)s cannot become %(new)s.")
            % {"current": referral.get_status_display(), "new": ReferralStatus(new_status).label}
        )
    acting_org = referral.to_organisation_id if side == "to" else referral.from_organisation_id
    if membership.organisation_id != acting_org:
        raise PermissionDenied
    if new_status == ReferralStatus.REJECTED and not note.strip():
        raise ValidationError(_("Give the reason for the rejection."))
    previous = referral.status
    referral.status = new_status
    now = timezone.now()
    fields = ["status"]
    if new_status in (ReferralStatus.ACCEPTED, ReferralStatus.REJECTED):
        referral.answered_at = now
        fields.append("answered_at")
        if new_status == ReferralStatus.ACCEPTED and referral.assigned_to_id is None:
            referral.assigned_to = acting_user
            fields.append("assigned_to")
    if new_status == ReferralStatus.REJECTED:
        referral.rejection_reason = note.strip()[:300]
        fields.append("rejection_reason")
    if new_status in (ReferralStatus.COMPLETED, ReferralStatus.WITHDRAWN, ReferralStatus.REJECTED):
        referral.closed_at = now
        fields.append("closed_at")
    referral.save(update_fields=fields)
    ReferralEvent.objects.create(
        referral=referral,
        from_status=previous,
        to_status=new_status,
        actor=acting_user,
        organisation=membership.organisation,
        note=note.strip()[:300],
    )
    params = {
        "from": referral.from_organisation.name,
        "to": referral.to_organisation.name,
        "service": referral.service_type.name_it,
    }
    if side == "to":
        recipients = [referral.sent_by]
    else:
        recipients = (
            [referral.assigned_to] if referral.assigned_to else _caseworkers(referral.to_organisation)
        )
    notify(recipients, f"referral_{new_status}", params, url=referral.get_absolute_url())
    return referral


@transaction.atomic
def assign_referral(referral: Referral, *, acting_user, assignee) -> Referral:
    require_permission(acting_user, "referral.answer")
    referral = get_for_user(Referral.objects.select_for_update(), acting_user, VIEW, pk=referral.pk)
    membership = active_membership(acting_user)
    if membership.organisation_id != referral.to_organisation_id or not referral.is_open:
        raise PermissionDenied
    if (
        not Membership.objects.active()
        .filter(
            user=assignee,
            organisation_id=referral.to_organisation_id,
            role__in=[Role.ORG_ADMIN, Role.OPERATOR],
        )
        .exists()
    ):
        raise ValidationError(_("Assign the referral to a case worker of your organisation."))
    referral.assigned_to = assignee
    referral.save(update_fields=["assigned_to"])
    notify(
        [assignee],
        "referral_assigned",
        {"service": referral.service_type.name_it},
        url=referral.get_absolute_url(),
    )
    return referral


def _caseworkers(organisation):
    from accounts.models import User

    return list(
        User.objects.filter(
            memberships__organisation=organisation,
            memberships__is_active=True,
            memberships__role__in=[Role.ORG_ADMIN, Role.OPERATOR],
            is_active=True,
        ).distinct()
    )


# ------------------------------------------------------------------------------------------ mediation


@transaction.atomic
def request_mediation(*, acting_user, data: dict) -> MediationRequest:
    require_permission(acting_user, "mediation.request")
    membership = active_membership(acting_user)
    participant = data.get("participant")
    if participant is not None:
        get_for_user(Participant.objects.all(), acting_user, WORK, pk=participant.pk)
    elif not (data.get("meeting") or "").strip():
        raise ValidationError(_("Say which participant or which meeting the mediation is for."))
    mediation = MediationRequest.objects.create(
        organisation=membership.organisation, requested_by=acting_user, **data
    )
    managers = (
        Membership.objects.active()
        .filter(organisation=membership.organisation, role=Role.ORG_ADMIN)
        .select_related("user")
    )
    notify(
        [m.user for m in managers],
        "mediation_requested",
        {
            "language": str(mediation.language),
            "when": f"{timezone.localtime(mediation.starts_at):%d/%m/%Y %H:%M}",
        },
        url=mediation.get_absolute_url(),
    )
    return mediation


MEDIATION_TRANSITIONS = {
    (MediationStatus.ASSIGNED, MediationStatus.CONFIRMED): "mediator",
    (MediationStatus.ASSIGNED, MediationStatus.DECLINED): "mediator",
    (MediationStatus.CONFIRMED, MediationStatus.COMPLETED): "mediator",
    (MediationStatus.REQUESTED, MediationStatus.CANCELLED): "requester",
    (MediationStatus.ASSIGNED, MediationStatus.CANCELLED): "requester",
    (MediationStatus.CONFIRMED, MediationStatus.CANCELLED): "requester",
}


@transaction.atomic
def assign_mediator(mediation: MediationRequest, *, acting_user, mediator) -> MediationRequest:
    mediation = get_for_user(MediationRequest.objects.select_for_update(), acting_user, VIEW, pk=mediation.pk)
    membership = active_membership(acting_user)
    if not (membership.can("mediation.manage") or membership.can("mediation.request")):
        raise PermissionDenied
    if mediation.status not in (MediationStatus.REQUESTED, MediationStatus.DECLINED):
        raise ValidationError(_("Only a request still waiting for a mediator can be assigned."))
    profile = getattr(mediator, "mediator_profile", None)
    if profile is None or not profile.languages.filter(pk=mediation.language_id).exists():
        raise ValidationError(_("This mediator does not work in the requested language."))
    mediation.mediator = mediator
    mediation.status = MediationStatus.ASSIGNED
    mediation.save(update_fields=["mediator", "status", "updated_at"])
    notify(
        [mediator],
        "mediation_assigned",
        {
            "language": str(mediation.language),
            "when": f"{timezone.localtime(mediation.starts_at):%d/%m/%Y %H:%M}",
        },
        url=mediation.get_absolute_url(),
    )
    return mediation


@transaction.atomic
def transition_mediation(
    mediation: MediationRequest, new_status: str, *, acting_user, hours=None, note: str = ""
) -> MediationRequest:
    mediation = get_for_user(MediationRequest.objects.select_for_update(), acting_user, VIEW, pk=mediation.pk)
    side = MEDIATION_TRANSITIONS.get((mediation.status, new_status))
    if side is None:
        raise ValidationError(
            _("A mediation request that is %(current)s cannot become %(new)s.")
            % {"current": mediation.get_status_display(), "new": MediationStatus(new_status).label}
        )
    membership = active_membership(acting_user)
    if side == "mediator" and mediation.mediator_id != acting_user.pk:
        raise PermissionDenied
    if side == "requester" and (
        membership.organisation_id != mediation.organisation_id
        or not (membership.can("mediation.request") or membership.can("mediation.manage"))
    ):
        raise PermissionDenied
    fields = ["status", "updated_at"]
    if new_status == MediationStatus.COMPLETED:
        if hours is None or hours <= 0 or hours > 24:
            raise ValidationError(_("Enter the hours worked (more than 0, at most 24)."))
        mediation.hours = hours
        fields.append("hours")
    if new_status == MediationStatus.DECLINED:
        mediation.mediator = None
        fields.append("mediator")
    if note:
        mediation.note = note[:300]
        fields.append("note")
    mediation.status = new_status
    mediation.save(update_fields=fields)
    if side == "mediator":
        notify(
            [mediation.requested_by],
            "mediation_answered",
            {
                "when": f"{timezone.localtime(mediation.starts_at):%d/%m/%Y %H:%M}",
                "status": str(mediation.get_status_display()),
            },
            url=mediation.get_absolute_url(),
        )
    return mediation


# ---------------------------------------------------------------------------------------- batch jobs


def notify_due_goals(today: datetime.date | None = None, days: int = 7) -> int:
    """Notify goal owners of open goals due within `days` (once per goal and due date)."""
    today = today or timezone.localdate()
    goals = (
        Goal.objects.filter(
            plan__is_current=True, owner__isnull=False, status__in=[GoalStatus.OPEN, GoalStatus.IN_PROGRESS]
        )
        .filter(due_date__gte=today, due_date__lte=today + datetime.timedelta(days=days))
        .select_related("owner", "plan")
    )
    sent = 0
    for goal in goals:
        with transaction.atomic():
            sent += len(
                notify(
                    [goal.owner],
                    "goal_due",
                    {"goal": goal.title, "due": f"{goal.due_date:%d/%m/%Y}"},
                    url=goal.plan.get_absolute_url(),
                    key=f"goal_due:{goal.pk}:{goal.due_date:%Y%m%d}",
                )
            )
    return sent


@transaction.atomic
def update_mediator_profile(*, acting_user, languages, availability: str, is_available: bool):
    """A mediator keeps their own roster entry (languages, availability); it belongs to their organisation."""
    require_permission(acting_user, "mediation.perform")
    membership = active_membership(acting_user)
    profile, _created = MediatorProfile.objects.get_or_create(
        user=acting_user, defaults={"organisation": membership.organisation}
    )
    profile.availability = availability
    profile.is_available = is_available
    profile.save(update_fields=["availability", "is_available"])
    profile.languages.set(languages)
    return profile
