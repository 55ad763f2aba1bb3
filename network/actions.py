"""Writes on the network: organisations and their contact people, the registry of migrant associations
and informal groups, agreements, consultation tables, meetings and action items.

Each write is atomic, takes a keyword-only `acting_user`, checks the actor's scope itself (out of scope:
404; visible but read-only: 403, nothing changed), is recorded by django-auditlog, and queues
notifications (in-app + e-mail through the task worker) after commit."""

from __future__ import annotations

import datetime
import re

import nh3
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.roles import ALL_RECORDS_ROLES, Role
from core.scoping import CHANGE, VIEW, active_membership, get_for_user, require_permission
from network import documents
from network.models import (
    NEEDS_APPROVAL,
    OPEN_ACTION_ITEM_STATUSES,
    ActionItem,
    ActionItemStatus,
    Agreement,
    AgreementParty,
    AgreementStatus,
    Approval,
    ConsultationTable,
    ContactPerson,
    Meeting,
    MeetingParticipant,
    NetworkStatus,
    Organisation,
    PartyRole,
    Presence,
)
from paths.notifications import notify

# ------------------------------------------------------------------------------------------ helpers


def acts_for_region(acting_user) -> bool:
    membership = active_membership(acting_user)
    return membership is not None and membership.role in ALL_RECORDS_ROLES


def _acting_organisation_id(acting_user) -> int | None:
    membership = active_membership(acting_user)
    return membership.organisation_id if membership else None


def _users_with_roles(organisation_ids=None, roles=(Role.ORG_ADMIN,), regional_coordinators: bool = False):
    """Active users holding one of `roles` in the given organisations, plus the regional coordinators."""
    from accounts.models import User

    condition = Q()
    if organisation_ids:
        condition |= Q(
            memberships__organisation_id__in=list(organisation_ids), memberships__role__in=list(roles)
        )
    if regional_coordinators:
        condition |= Q(memberships__role=Role.REGIONAL_COORDINATOR)
    if not condition:
        return []
    return list(
        User.objects.filter(
            condition,
            is_active=True,
            memberships__is_active=True,
            memberships__organisation__is_active=True,
        ).distinct()
    )


def _changed(instance, data: dict) -> list[str]:
    changed = [name for name, value in data.items() if getattr(instance, name) != value]
    for name in changed:
        setattr(instance, name, data[name])
    return changed


# ------------------------------------------------------------------------------------- organisations


def _registry_errors(organisation: Organisation) -> dict[str, str]:
    """The registry rules an organisation must respect, as {field: message}."""
    errors = {}
    if organisation.kind == "informal_group":
        if not organisation.reference_person.strip():
            errors["reference_person"] = _("An informal group needs a reference person.")
        if not organisation.reference_contact.strip():
            errors["reference_contact"] = _("Give a phone number or e-mail of the reference person.")
    if organisation.kind in NEEDS_APPROVAL and organisation.approval != Approval.APPROVED:
        if organisation.listed_publicly:
            errors["listed_publicly"] = _("Only associations approved by the Region can be listed publicly.")
        if organisation.network_status == NetworkStatus.ACTIVE:
            errors["network_status"] = _(
                "An association becomes an active member when the Region approves it."
            )
    if organisation.left_on and organisation.joined_on and organisation.left_on < organisation.joined_on:
        errors["left_on"] = _("The date of leaving comes after the date of joining.")
    return errors


def check_registry_rules(organisation: Organisation) -> None:
    errors = _registry_errors(organisation)
    if errors:
        raise ValidationError(errors)


def _follow_kind(organisation: Organisation, acting_user, *, previous_kind: str | None) -> None:
    """Keep the approval state in step with the kind. Only the Region sets or changes a kind, so an
    association it creates (or turns an organisation into) is approved by that act."""
    if organisation.kind not in NEEDS_APPROVAL:
        organisation.approval = Approval.NOT_NEEDED
    elif previous_kind not in NEEDS_APPROVAL or organisation.approval == Approval.NOT_NEEDED:
        organisation.approval = Approval.APPROVED
        organisation.approved_by = acting_user
        organisation.approved_at = timezone.now()


def _follow_status(organisation: Organisation, previous_status: str | None) -> None:
    if organisation.network_status == previous_status:
        return
    today = timezone.localdate()
    if organisation.network_status == NetworkStatus.ACTIVE and organisation.joined_on is None:
        organisation.joined_on = today
    if organisation.network_status == NetworkStatus.LEFT and organisation.left_on is None:
        organisation.left_on = today


@transaction.atomic
def create_organisation(*, acting_user, form) -> Organisation:
    require_permission(acting_user, "organisation.create")
    organisation = form.save(commit=False)
    _follow_kind(organisation, acting_user, previous_kind=None)
    _follow_status(organisation, None)
    check_registry_rules(organisation)
    organisation.save()
    form.save_m2m()
    return organisation


@transaction.atomic
def update_organisation(organisation: Organisation, *, acting_user, form) -> Organisation:
    current = get_for_user(Organisation.objects.select_for_update(), acting_user, CHANGE, pk=organisation.pk)
    organisation = form.save(commit=False)
    if organisation.kind != current.kind:
        require_permission(acting_user, "organisation.create")  # the form disables it for others
        _follow_kind(organisation, acting_user, previous_kind=current.kind)
    _follow_status(organisation, current.network_status)
    check_registry_rules(organisation)
    organisation.save()
    form.save_m2m()
    return organisation


def _check_organisation_change(organisation_id: int, acting_user) -> Organisation:
    return get_for_user(Organisation.objects.all(), acting_user, CHANGE, pk=organisation_id)


def _only_one_primary(contact: ContactPerson) -> None:
    if contact.is_primary:
        for other in contact.organisation.contacts.filter(is_primary=True).exclude(pk=contact.pk):
            other.is_primary = False
            other.save(update_fields=["is_primary"])


@transaction.atomic
def add_contact(organisation: Organisation, *, acting_user, data: dict) -> ContactPerson:
    organisation = _check_organisation_change(organisation.pk, acting_user)
    contact = ContactPerson.objects.create(organisation=organisation, **data)
    _only_one_primary(contact)
    return contact


@transaction.atomic
def update_contact(contact: ContactPerson, *, acting_user, data: dict) -> ContactPerson:
    _check_organisation_change(contact.organisation_id, acting_user)
    # Read it again: a model form has already copied the new values onto the caller's instance.
    contact = ContactPerson.objects.select_for_update().get(pk=contact.pk)
    changed = _changed(contact, data)
    if changed:
        contact.save(update_fields=changed)
    _only_one_primary(contact)
    return contact


@transaction.atomic
def remove_contact(contact: ContactPerson, *, acting_user) -> None:
    _check_organisation_change(contact.organisation_id, acting_user)
    contact.delete()


# ------------------------------------------------------------------ migrant associations, informal groups


def association_queue_url() -> str:
    return reverse("network:association_queue")


@transaction.atomic
def propose_association(*, acting_user, form) -> Organisation:
    """Any organisation admin (or the Region) proposes an association or informal group; it waits for the
    Region's approval before it counts as a member or can be listed publicly."""
    require_permission(acting_user, "organisation.change")
    organisation = form.save(commit=False)
    if organisation.kind not in NEEDS_APPROVAL:
        raise ValidationError(_("Only migrant associations and informal groups are proposed here."))
    organisation.approval = Approval.PENDING
    organisation.network_status = NetworkStatus.CANDIDATE
    organisation.listed_publicly = False
    organisation.is_active = True
    check_registry_rules(organisation)
    organisation.save()
    form.save_m2m()
    # The audit entry of the creation names the proposer (requests set it already; scripts do not).
    LogEntry.objects.get_for_object(organisation).filter(
        action=LogEntry.Action.CREATE, actor__isnull=True
    ).update(actor=acting_user, actor_email=acting_user.email)
    membership = active_membership(acting_user)
    notify(
        [u for u in _users_with_roles(regional_coordinators=True) if u.pk != acting_user.pk],
        "association_proposed",
        {"name": organisation.name, "by": membership.organisation.name},
        url=association_queue_url(),
        key=f"association_proposed:{organisation.pk}",
    )
    return organisation


def association_proposer(organisation: Organisation):
    """Who proposed the association: the author of its creation in the audit log."""
    entry = (
        LogEntry.objects.get_for_object(organisation)
        .filter(action=LogEntry.Action.CREATE, actor__isnull=False)
        .select_related("actor")
        .order_by("timestamp")
        .first()
    )
    return entry.actor if entry else None


def _decide(organisation: Organisation, acting_user, allowed_from: tuple[str, ...]) -> Organisation:
    require_permission(acting_user, "association.approve")
    organisation = get_for_user(
        Organisation.objects.select_for_update(),
        acting_user,
        VIEW,
        pk=organisation.pk,
        kind__in=NEEDS_APPROVAL,
    )
    if organisation.approval not in allowed_from:
        raise ValidationError(
            _("This association is already %(state)s.") % {"state": organisation.get_approval_display()}
        )
    return organisation


@transaction.atomic
def approve_association(organisation: Organisation, *, acting_user, note: str = "") -> Organisation:
    organisation = _decide(organisation, acting_user, (Approval.PENDING, Approval.REJECTED))
    organisation.approval = Approval.APPROVED
    organisation.approval_note = note.strip()[:300]
    organisation.approved_by = acting_user
    organisation.approved_at = timezone.now()
    organisation.network_status = NetworkStatus.ACTIVE
    organisation.joined_on = organisation.joined_on or timezone.localdate()
    organisation.left_on = None
    organisation.save(
        update_fields=[
            "approval",
            "approval_note",
            "approved_by",
            "approved_at",
            "network_status",
            "joined_on",
            "left_on",
            "updated_at",
        ]
    )
    notify(
        [association_proposer(organisation)],
        "association_approved",
        {"name": organisation.name},
        url=organisation.get_absolute_url(),
        key=f"association_approved:{organisation.pk}",
    )
    return organisation


@transaction.atomic
def reject_association(organisation: Organisation, *, acting_user, note: str) -> Organisation:
    note = (note or "").strip()
    if not note:
        raise ValidationError(_("Give the reason, so that the proposer knows what to fix."))
    organisation = _decide(organisation, acting_user, (Approval.PENDING,))
    organisation.approval = Approval.REJECTED
    organisation.approval_note = note[:300]
    # approved_by / approved_at record who decided and when, whatever the decision.
    organisation.approved_by = acting_user
    organisation.approved_at = timezone.now()
    organisation.network_status = NetworkStatus.CANDIDATE
    organisation.listed_publicly = False
    organisation.save(
        update_fields=[
            "approval",
            "approval_note",
            "approved_by",
            "approved_at",
            "network_status",
            "listed_publicly",
            "updated_at",
        ]
    )
    notify(
        [association_proposer(organisation)],
        "association_rejected",
        {"name": organisation.name, "note": organisation.approval_note},
        url=organisation.get_absolute_url(),
    )
    return organisation


def members_in_good_standing(queryset=None):
    """Organisations that count as active members: active in the network and, for associations and
    informal groups, approved by the Region."""
    queryset = Organisation.objects.all() if queryset is None else queryset
    return queryset.filter(is_active=True, network_status=NetworkStatus.ACTIVE).exclude(
        approval__in=[Approval.PENDING, Approval.REJECTED]
    )


# ---------------------------------------------------------------------------------------- agreements

# Allowed status changes and how each happens. Anything else is refused and nothing changes.
TRANSITIONS: dict[tuple[str, str], str] = {
    (AgreementStatus.DRAFT, AgreementStatus.SIGNED): "sign",  # needs signed_on, two parties, one lead
    (AgreementStatus.DRAFT, AgreementStatus.WITHDRAWN): "withdraw",
    (AgreementStatus.SIGNED, AgreementStatus.WITHDRAWN): "withdraw",  # needs a reason
    (AgreementStatus.SIGNED, AgreementStatus.EXPIRED): "expire",  # only the daily job (expire_agreements)
    (AgreementStatus.EXPIRED, AgreementStatus.SIGNED): "renew",  # a new validity, logged
    (AgreementStatus.SIGNED, AgreementStatus.SIGNED): "renew",  # renewed before it expires
}
EDITABLE_STATUSES = (AgreementStatus.DRAFT, AgreementStatus.SIGNED)
# Days before `valid_until` when the parties' admins and the regional coordinators are reminded.
REMINDER_DAYS = (90, 30, 7)


def allowed_transitions(agreement: Agreement) -> set[str]:
    """The ways this agreement can move now (for the page's buttons): "sign", "withdraw", "renew"."""
    return {how for (current, _new), how in TRANSITIONS.items() if current == agreement.status} - {"expire"}


def _check_transition(agreement: Agreement, new_status: str, how: str) -> None:
    if TRANSITIONS.get((agreement.status, new_status)) != how:
        raise ValidationError(
            _("An agreement that is %(current)s cannot become %(new)s this way.")
            % {
                "current": agreement.get_status_display().lower(),
                "new": AgreementStatus(new_status).label.lower(),
            }
        )


def _lock_agreement(agreement: Agreement, acting_user, action: str = CHANGE) -> Agreement:
    return get_for_user(Agreement.objects.select_for_update(), acting_user, action, pk=agreement.pk)


def _check_parties(parties: list[tuple[Organisation, str]], *, signing: bool = False) -> None:
    organisation_ids = [organisation.pk for organisation, _role in parties]
    if len(set(organisation_ids)) != len(organisation_ids):
        raise ValidationError(_("Each organisation is a party only once."))
    leads = sum(1 for _organisation, role in parties if role == PartyRole.LEAD)
    if leads != 1:
        raise ValidationError(_("An agreement has exactly one lead organisation."))
    if signing and len(parties) < 2:
        raise ValidationError(_("An agreement is signed by at least two organisations."))


def _check_acting_party(parties: list[tuple[Organisation, str]], acting_user) -> None:
    # Whoever is not the Region stays a party: otherwise they would lose the agreement they are editing.
    if acts_for_region(acting_user):
        return
    if _acting_organisation_id(acting_user) not in {organisation.pk for organisation, _role in parties}:
        raise ValidationError(_("Your organisation must be one of the parties."))


# Agreement dates outside these years are typing errors (and would overflow date arithmetic).
FIRST_DAY = datetime.date(2000, 1, 1)
LAST_DAY = datetime.date(2100, 12, 31)


def _check_dates(valid_from, valid_until, signed_on=None) -> None:
    for name, day in (("valid_from", valid_from), ("valid_until", valid_until), ("signed_on", signed_on)):
        if day and not FIRST_DAY <= day <= LAST_DAY:
            raise ValidationError(
                {
                    name: _("Enter a date between the years %(first)s and %(last)s.")
                    % {"first": 2000, "last": 2100}
                }
            )
    if valid_from and valid_until and valid_until < valid_from:
        raise ValidationError({"valid_until": _("The end of validity comes after its start.")})


def _visible_party_organisations(parties, acting_user) -> None:
    ids = {organisation.pk for organisation, _role in parties}
    visible = set(
        Organisation.objects.visible_to(acting_user, VIEW).filter(pk__in=ids).values_list("pk", flat=True)
    )
    if visible != ids:
        raise PermissionDenied


@transaction.atomic
def create_agreement(*, acting_user, data: dict, parties: list[tuple[Organisation, str]]) -> Agreement:
    """A new agreement, in draft. `data` holds the agreement's fields; `parties` (organisation, role)."""
    require_permission(acting_user, "governance.change")
    _visible_party_organisations(parties, acting_user)
    _check_parties(parties)
    _check_acting_party(parties, acting_user)
    _check_dates(data.get("valid_from"), data.get("valid_until"))
    agreement = Agreement.objects.create(status=AgreementStatus.DRAFT, created_by=acting_user, **data)
    for organisation, role in parties:
        AgreementParty.objects.create(agreement=agreement, organisation=organisation, role=role)
    return agreement


@transaction.atomic
def update_agreement(
    agreement: Agreement, *, acting_user, data: dict, parties: list[tuple[Organisation, str]]
) -> Agreement:
    agreement = _lock_agreement(agreement, acting_user)
    if agreement.status not in EDITABLE_STATUSES:
        raise ValidationError(_("An expired or withdrawn agreement can no longer be changed."))
    if agreement.status == AgreementStatus.SIGNED:
        # The dates of a signed agreement change only through a renewal.
        data = {k: v for k, v in data.items() if k not in ("signed_on", "valid_from", "valid_until")}
    _visible_party_organisations(parties, acting_user)
    _check_parties(parties, signing=agreement.status == AgreementStatus.SIGNED)
    _check_acting_party(parties, acting_user)
    _check_dates(data.get("valid_from", agreement.valid_from), data.get("valid_until", agreement.valid_until))
    changed = _changed(agreement, data)
    if changed:
        agreement.save(update_fields=[*changed, "updated_at"])
    current = {party.organisation_id: party for party in agreement.parties.all()}
    wanted = {organisation.pk: role for organisation, role in parties}
    for organisation_id, party in current.items():
        if organisation_id not in wanted:
            party.delete()
    # Roles are changed after removals and before additions, so the single lead is clear at every step.
    for organisation_id, role in wanted.items():
        party = current.get(organisation_id)
        if party is not None and party.role != role:
            party.role = role
            party.save(update_fields=["role"])
    for organisation, role in parties:
        if organisation.pk not in current:
            AgreementParty.objects.create(agreement=agreement, organisation=organisation, role=role)
    return agreement


def _party_list(agreement: Agreement) -> list[tuple[Organisation, str]]:
    return [(party.organisation, party.role) for party in agreement.parties.select_related("organisation")]


@transaction.atomic
def sign_agreement(
    agreement: Agreement, *, acting_user, signed_on: datetime.date, valid_from=None, valid_until=None
) -> Agreement:
    """draft → signed. The validity starts on the signing date unless another start is given."""
    agreement = _lock_agreement(agreement, acting_user)
    _check_transition(agreement, AgreementStatus.SIGNED, "sign")
    if signed_on is None:
        raise ValidationError({"signed_on": _("Give the date of signature.")})
    if signed_on > timezone.localdate():
        raise ValidationError({"signed_on": _("The date of signature cannot be in the future.")})
    _check_parties(_party_list(agreement), signing=True)
    valid_from = valid_from or agreement.valid_from or signed_on
    valid_until = valid_until if valid_until is not None else agreement.valid_until
    _check_dates(valid_from, valid_until)
    agreement.status = AgreementStatus.SIGNED
    agreement.signed_on = signed_on
    agreement.valid_from = valid_from
    agreement.valid_until = valid_until
    agreement.save(update_fields=["status", "signed_on", "valid_from", "valid_until", "updated_at"])
    return agreement


@transaction.atomic
def withdraw_agreement(agreement: Agreement, *, acting_user, reason: str) -> Agreement:
    """draft → withdrawn, signed → withdrawn (a signed agreement needs the reason)."""
    agreement = _lock_agreement(agreement, acting_user)
    _check_transition(agreement, AgreementStatus.WITHDRAWN, "withdraw")
    reason = (reason or "").strip()
    if agreement.status == AgreementStatus.SIGNED and not reason:
        raise ValidationError({"reason": _("Give the reason for the withdrawal.")})
    agreement.status = AgreementStatus.WITHDRAWN
    agreement.withdrawn_on = timezone.localdate()
    agreement.withdrawal_reason = reason[:300]
    agreement.save(update_fields=["status", "withdrawn_on", "withdrawal_reason", "updated_at"])
    return agreement


@transaction.atomic
def renew_agreement(
    agreement: Agreement, *, acting_user, valid_until: datetime.date, valid_from=None, signed_on=None
) -> Agreement:
    """expired → signed (or signed, before it expires): a new period of validity, in the history."""
    agreement = _lock_agreement(agreement, acting_user)
    _check_transition(agreement, AgreementStatus.SIGNED, "renew")
    today = timezone.localdate()
    if valid_until is None or valid_until < today:
        raise ValidationError({"valid_until": _("A renewal runs until a date that has not passed yet.")})
    _check_dates(None, valid_until, signed_on)
    if signed_on is not None and signed_on > today:
        raise ValidationError({"signed_on": _("The date of signature cannot be in the future.")})
    if valid_from is None:
        # Before expiry the new period follows the old one; after it, it starts today.
        follows = (
            agreement.status == AgreementStatus.SIGNED
            and agreement.valid_until is not None
            and agreement.valid_until < LAST_DAY
        )
        valid_from = agreement.valid_until + datetime.timedelta(days=1) if follows else today
    _check_dates(valid_from, valid_until)
    _check_parties(_party_list(agreement), signing=True)
    agreement.status = AgreementStatus.SIGNED
    agreement.signed_on = signed_on or agreement.signed_on
    agreement.valid_from = valid_from
    agreement.valid_until = valid_until
    agreement.save(update_fields=["status", "signed_on", "valid_from", "valid_until", "updated_at"])
    return agreement


@transaction.atomic
def attach_agreement_document(agreement: Agreement, *, acting_user, upload) -> Agreement:
    """Store the signed PDF under a random name, with its SHA-256, after the checks of `documents`."""
    agreement = _lock_agreement(agreement, acting_user)
    if agreement.status not in EDITABLE_STATUSES:
        raise ValidationError(_("An expired or withdrawn agreement can no longer be changed."))
    checked = documents.check_agreement_pdf(upload)
    agreement.document.save(documents.random_storage_name(), ContentFile(checked.content), save=False)
    agreement.document_sha256 = checked.sha256
    agreement.save(update_fields=["document", "document_sha256", "updated_at"])
    return agreement


def _agreement_recipients(agreement: Agreement):
    party_ids = list(agreement.parties.values_list("organisation_id", flat=True))
    return _users_with_roles(party_ids, regional_coordinators=True)


def expire_agreements(today: datetime.date | None = None) -> list[Agreement]:
    """signed → expired for every agreement whose validity ended before `today` (run by the daily job).
    Each is saved on its own so the audit log records it, and its parties are told."""
    today = today or timezone.localdate()
    expired = []
    ids = list(
        Agreement.objects.filter(status=AgreementStatus.SIGNED, valid_until__lt=today).values_list(
            "pk", flat=True
        )
    )
    for pk in ids:
        with transaction.atomic():
            agreement = Agreement.objects.select_for_update().filter(pk=pk).first()
            if agreement is None or not (
                agreement.status == AgreementStatus.SIGNED
                and agreement.valid_until
                and agreement.valid_until < today
            ):
                continue
            _check_transition(agreement, AgreementStatus.EXPIRED, "expire")
            agreement.status = AgreementStatus.EXPIRED
            agreement.save(update_fields=["status", "updated_at"])
            notify(
                _agreement_recipients(agreement),
                "agreement_expired",
                {"title": agreement.title, "until": f"{agreement.valid_until:%d/%m/%Y}"},
                url=agreement.get_absolute_url(),
                key=f"agreement_expired:{agreement.pk}:{agreement.valid_until:%Y%m%d}",
            )
            expired.append(agreement)
    return expired


def reminder_threshold(days_left: int) -> int | None:
    """The reminder due for an agreement `days_left` days from expiry: the nearest threshold not yet
    passed (20 days left → the 30-day reminder). A job that skipped a day still sends it."""
    due = [days for days in REMINDER_DAYS if days_left <= days]
    return min(due) if due else None


def remind_expiring_agreements(today: datetime.date | None = None) -> int:
    """Remind the org admins of every party and the regional coordinators 90, 30 and 7 days before an
    agreement expires; once per agreement, threshold and end date (a renewal starts the count again)."""
    today = today or timezone.localdate()
    horizon = today + datetime.timedelta(days=max(REMINDER_DAYS))
    agreements = Agreement.objects.filter(
        status=AgreementStatus.SIGNED, valid_until__gte=today, valid_until__lte=horizon
    ).prefetch_related("parties")
    sent = 0
    for agreement in agreements:
        days_left = (agreement.valid_until - today).days
        threshold = reminder_threshold(days_left)
        if threshold is None:
            continue
        with transaction.atomic():
            sent += len(
                notify(
                    _users_with_roles(
                        [party.organisation_id for party in agreement.parties.all()],
                        regional_coordinators=True,
                    ),
                    "agreement_expiring",
                    {
                        "title": agreement.title,
                        "until": f"{agreement.valid_until:%d/%m/%Y}",
                        "days": str(days_left),
                    },
                    url=agreement.get_absolute_url(),
                    key=f"agreement_expiring:{agreement.pk}:{threshold}:{agreement.valid_until:%Y%m%d}",
                )
            )
    return sent


def notify_expiring_agreements(today: datetime.date | None = None) -> dict[str, int]:
    """The daily job: expire what ended, then send the reminders that are due."""
    expired = expire_agreements(today)
    return {"expired": len(expired), "reminders": remind_expiring_agreements(today)}


# ---------------------------------------------------------------------------- tables, meetings, items

MINUTES_TAGS = frozenset({"p", "br", "strong", "em", "ul", "ol", "li", "a", "h3", "h4"})
# Text without block-level markup gets its paragraphs and line breaks from blank lines and newlines.
_BLOCK_MARKUP = re.compile(r"<\s*/?\s*(?:p|br|ul|ol|li|h[1-6]|div|table|blockquote|pre)\b", re.IGNORECASE)


def clean_rich_text(text: str) -> str:
    """Safe rich text for minutes: basic HTML is kept (p, br, strong, em, lists, links, h3, h4); scripts,
    styles, event handlers and every other tag or attribute are removed, links get rel="noopener
    noreferrer". Text typed without block markup keeps its paragraphs and line breaks."""
    text = (text or "").strip()
    if not text:
        return ""
    if not _BLOCK_MARKUP.search(text):
        paragraphs = [p for p in re.split(r"\r?\n\s*\r?\n", text) if p.strip()]
        text = "".join(
            "<p>" + "<br>".join(line.strip() for line in p.splitlines()) + "</p>" for p in paragraphs
        )
    return nh3.clean(
        text,
        tags=set(MINUTES_TAGS),
        clean_content_tags={"script", "style"},
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def _check_table_coordinator(coordinator: Organisation, acting_user) -> None:
    # A table's coordinator is the acting organisation, unless the Region sets it up for someone else.
    if not acts_for_region(acting_user) and coordinator.pk != _acting_organisation_id(acting_user):
        raise ValidationError({"coordinator": _("Your organisation coordinates the tables it creates.")})


@transaction.atomic
def create_table(*, acting_user, form) -> ConsultationTable:
    require_permission(acting_user, "governance.change")
    table = form.save(commit=False)
    _check_table_coordinator(table.coordinator, acting_user)
    table.save()
    form.save_m2m()
    table.members.add(table.coordinator)
    return table


@transaction.atomic
def update_table(table: ConsultationTable, *, acting_user, form) -> ConsultationTable:
    current = get_for_user(ConsultationTable.objects.select_for_update(), acting_user, CHANGE, pk=table.pk)
    table = form.save(commit=False)
    if table.coordinator_id != current.coordinator_id:
        _check_table_coordinator(table.coordinator, acting_user)
    table.save()
    form.save_m2m()
    table.members.add(table.coordinator)
    return table


def _meeting_data(data: dict) -> dict:
    data = dict(data)
    if "minutes" in data:
        data["minutes"] = clean_rich_text(data["minutes"])
    starts_at, ends_at = data.get("starts_at"), data.get("ends_at")
    if starts_at and ends_at and ends_at <= starts_at:
        raise ValidationError({"ends_at": _("The meeting ends after it starts.")})
    return data


@transaction.atomic
def create_meeting(table: ConsultationTable, *, acting_user, data: dict) -> Meeting:
    """A meeting of the table; the table's member organisations are invited."""
    table = get_for_user(ConsultationTable.objects.all(), acting_user, CHANGE, pk=table.pk)
    meeting = Meeting.objects.create(table=table, created_by=acting_user, **_meeting_data(data))
    invited = {table.coordinator_id, *table.members.values_list("pk", flat=True)}
    for organisation_id in sorted(invited):
        MeetingParticipant.objects.create(meeting=meeting, organisation_id=organisation_id)
    return meeting


@transaction.atomic
def update_meeting(meeting: Meeting, *, acting_user, data: dict) -> Meeting:
    meeting = get_for_user(Meeting.objects.select_for_update(), acting_user, CHANGE, pk=meeting.pk)
    changed = _changed(meeting, _meeting_data(data))
    if changed:
        meeting.save(update_fields=[*changed, "updated_at"])
    return meeting


@transaction.atomic
def add_meeting_participant(
    meeting: Meeting,
    *,
    acting_user,
    organisation: Organisation,
    person_name: str = "",
    presence=Presence.INVITED,
) -> MeetingParticipant:
    meeting = get_for_user(Meeting.objects.all(), acting_user, CHANGE, pk=meeting.pk)
    get_for_user(Organisation.objects.all(), acting_user, VIEW, pk=organisation.pk)
    try:
        with transaction.atomic():
            return MeetingParticipant.objects.create(
                meeting=meeting, organisation=organisation, person_name=person_name.strip(), presence=presence
            )
    except IntegrityError:
        raise ValidationError(_("This organisation and person are already on the list.")) from None


@transaction.atomic
def record_presence(meeting: Meeting, *, acting_user, rows: dict[int, dict], remove=()) -> int:
    """Update who was there: `rows` maps a participant's id to {"person_name", "presence"}; `remove`
    lists the participants to take off the list. Returns the number of rows changed."""
    meeting = get_for_user(Meeting.objects.all(), acting_user, CHANGE, pk=meeting.pk)
    participants = {p.pk: p for p in meeting.participants.all()}
    changed = 0
    for pk in remove:
        participant = participants.pop(pk, None)
        if participant is not None:
            participant.delete()
            changed += 1
    for pk, data in rows.items():
        participant = participants.get(pk)
        if participant is None:
            continue
        fields = _changed(
            participant, {"person_name": data.get("person_name", "").strip(), "presence": data["presence"]}
        )
        if fields:
            try:
                with transaction.atomic():
                    participant.save(update_fields=fields)
            except IntegrityError:
                raise ValidationError(_("This organisation and person are already on the list.")) from None
            changed += 1
    return changed


@transaction.atomic
def add_action_item(
    meeting: Meeting, *, acting_user, description: str, owner: Organisation, due_date: datetime.date
) -> ActionItem:
    meeting = get_for_user(Meeting.objects.select_related("table"), acting_user, CHANGE, pk=meeting.pk)
    get_for_user(Organisation.objects.all(), acting_user, VIEW, pk=owner.pk)
    item = ActionItem.objects.create(
        meeting=meeting, description=description.strip(), owner=owner, due_date=due_date
    )
    notify(
        [u for u in _users_with_roles([owner.pk]) if u.pk != acting_user.pk],
        "action_item_assigned",
        {"owner": owner.name, "due": f"{due_date:%d/%m/%Y}", "action": item.description},
        url=reverse("network:action_item_list") + "?mine=on",
    )
    return item


CLOSED_ACTION_ITEM_STATUSES = (ActionItemStatus.DONE, ActionItemStatus.DROPPED)


@transaction.atomic
def update_action_item(item: ActionItem, *, acting_user, status: str, note: str = "") -> ActionItem:
    """The owner (or the table's coordinator, or the Region) reports progress; closing stamps the time,
    reopening clears it."""
    item = get_for_user(ActionItem.objects.select_for_update(), acting_user, CHANGE, pk=item.pk)
    if status not in ActionItemStatus.values:
        raise ValidationError(_("Unknown status."))
    fields = _changed(item, {"status": status, "note": (note or "").strip()[:300]})
    if status in CLOSED_ACTION_ITEM_STATUSES and item.closed_at is None:
        item.closed_at = timezone.now()
        fields.append("closed_at")
    elif status in OPEN_ACTION_ITEM_STATUSES and item.closed_at is not None:
        item.closed_at = None
        fields.append("closed_at")
    if fields:
        item.save(update_fields=[*fields, "updated_at"])
    return item
