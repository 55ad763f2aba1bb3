"""Writes that matter for participants: each one atomic, audited by django-auditlog, with an acting user."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from core.scoping import CHANGE, VIEW, active_membership, get_for_user
from people.models import Consent, Participant, ParticipantAccessLog, VulnerabilityFlag

PARTICIPANT_M2M = ("citizenships", "languages")


@transaction.atomic
def register_participant(*, acting_user, data: dict) -> Participant:
    """Create a participant owned by the acting user's organisation."""
    membership = active_membership(acting_user)
    fields = {k: v for k, v in data.items() if k not in PARTICIPANT_M2M}
    participant = Participant(**fields, owner=membership.organisation, created_by=acting_user)
    participant.save()
    for name in PARTICIPANT_M2M:
        if name in data:
            getattr(participant, name).set(data[name])
    return participant


@transaction.atomic
def update_participant(participant: Participant, *, acting_user, data: dict) -> Participant:
    # Re-check inside the transaction: the caller's object may come from a form, not from the scope.
    # Compare with the stored row: a ModelForm has already copied the new values onto `participant`.
    stored = get_for_user(Participant.objects.all(), acting_user, CHANGE, pk=participant.pk)
    changed = []
    for name, value in data.items():
        if name in PARTICIPANT_M2M:
            continue
        if getattr(stored, name) != value:
            setattr(participant, name, value)
            changed.append(name)
    if changed:
        participant.save(update_fields=[*changed, "updated_at"])
    for name in PARTICIPANT_M2M:
        if name in data:
            getattr(participant, name).set(data[name])
    return participant


@transaction.atomic
def record_consent(
    participant: Participant, *, acting_user, data: dict, supersedes: Consent | None = None
) -> Consent:
    organisations = data.pop("organisations", [])
    if supersedes is not None and supersedes.in_force:
        withdraw_consent(supersedes, acting_user=acting_user, reason="superseded")
    consent = Consent.objects.create(
        participant=participant, recorded_by=acting_user, supersedes=supersedes, **data
    )
    if organisations:
        consent.organisations.set(organisations)
    return consent


@transaction.atomic
def withdraw_consent(consent: Consent, *, acting_user, reason: str = "") -> Consent:
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = acting_user
    consent.withdrawal_reason = reason[:200]
    consent.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawal_reason"])
    return consent


@transaction.atomic
def add_vulnerability(
    participant: Participant, *, acting_user, kind: str, note: str = ""
) -> VulnerabilityFlag:
    return VulnerabilityFlag.objects.create(
        participant=participant, kind=kind, note=note, recorded_by=acting_user
    )


@transaction.atomic
def close_vulnerability(flag: VulnerabilityFlag, *, acting_user) -> VulnerabilityFlag:
    flag.is_active = False
    flag.save(update_fields=["is_active"])
    return flag


def log_participant_access(
    participant: Participant, *, acting_user, request=None, channel: str = "web"
) -> None:
    """Record a read of a participant's record (the access log regional coordinators browse)."""
    membership = active_membership(acting_user)
    ParticipantAccessLog.objects.create(
        participant=participant,
        user=acting_user,
        organisation=membership.organisation if membership else None,
        role=membership.role if membership else "",
        ip_address=_client_ip(request) if request is not None else None,
        channel=channel,
        path=request.path[:300] if request is not None else "",
    )


def _client_ip(request) -> str | None:
    # Behind the production proxy REMOTE_ADDR is the proxy; the proxy must set X-Forwarded-For.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return (forwarded.split(",")[0].strip() or request.META.get("REMOTE_ADDR")) or None


def participant_for(user, pk: int, action: str = VIEW) -> Participant:
    return get_for_user(
        Participant.objects.select_related("owner", "country_of_birth", "municipality__province"),
        user,
        action,
        pk=pk,
    )
