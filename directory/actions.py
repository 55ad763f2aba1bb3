"""Writes that matter in the directory: editing with version history, proposals, review, translations.

Who may do what:
- editors (and the regional coordinator) edit any record, send it to review, publish, verify, archive,
  approve or reject proposals, moderate feedback;
- a partner organisation's administrators and operators propose changes to the services of the directory
  organisation linked to their network organisation: a proposal is a pending `Revision` that an editor applies
  or rejects; a new service they create stays a draft until an editor publishes it.

Every applied change bumps the record's `version` and stores a `Revision` snapshot; a change to an Italian
public text bumps that field's revision in `text_revisions` (so translations made from the older text show as
outdated) unless the change is saved as a minor edit.
"""

from __future__ import annotations

from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.roles import role_can
from core.scoping import active_membership
from directory import search
from directory.models import (
    ITALIAN,
    ContentLanguage,
    EditorialState,
    ModerationStatus,
    Revision,
    RevisionStatus,
    Service,
    ServiceFeedback,
    Translatable,
    Translation,
    TranslationMethod,
)

# Fields a snapshot records besides the translatable ones (the simple, editable fields of each model).
SNAPSHOT_EXTRA_FIELDS = {
    "service": (
        "alternate_name",
        "url",
        "email",
        "status",
        "minimum_age",
        "maximum_age",
        "is_free",
        "accreditations",
        "licenses",
    ),
    "article": ("slug", "province_id", "municipality_id"),
}


# --- permissions -----------------------------------------------------------------------------------------


def can_edit_directly(user) -> bool:
    membership = active_membership(user)
    return membership is not None and role_can(membership.role, "directory.edit")


def can_propose(user, service: Service | None = None) -> bool:
    """Partners propose changes to their own organisation's services (editors edit directly)."""
    membership = active_membership(user)
    if membership is None or not role_can(membership.role, "directory.propose"):
        return False
    if service is None:
        return True
    return service.organization.network_organisation_id == membership.organisation_id


def _require_editor(user):
    if not can_edit_directly(user):
        raise PermissionDenied


# --- snapshots ------------------------------------------------------------------------------------------


def _jsonable(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def snapshot(obj) -> dict[str, Any]:
    fields = list(obj.TRANSLATABLE_FIELDS) + list(SNAPSHOT_EXTRA_FIELDS.get(obj._meta.model_name, ()))
    return {name: _jsonable(getattr(obj, name)) for name in fields}


def _record_revision(obj, *, acting_user, status, changed, minor_edit=False, note="", data=None):
    membership = active_membership(acting_user)
    return Revision.objects.create(
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        number=obj.version if status == RevisionStatus.APPLIED else None,
        status=status,
        state=obj.state,
        snapshot=data if data is not None else snapshot(obj),
        changed_fields=sorted(changed),
        minor_edit=minor_edit,
        note=note[:500],
        author=acting_user,
        author_organisation=membership.organisation if membership else None,
    )


def _apply_changes(obj, changes: dict[str, Any], *, minor_edit: bool) -> set[str]:
    """Set the changed fields; bump the text revision of changed Italian texts unless minor. Returns changed."""
    changed = set()
    for name, value in changes.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed.add(name)
    if not minor_edit:
        revisions = dict(obj.text_revisions)
        for name in changed & set(obj.TRANSLATABLE_FIELDS):
            revisions[name] = int(revisions.get(name, 1)) + 1
        obj.text_revisions = revisions
    return changed


def editors():
    """Who runs the editorial desk: active editors of any organisation and the regional coordinators."""
    from accounts.models import User
    from core.roles import Role

    return list(
        User.objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__organisation__is_active=True,
            memberships__role__in=[Role.EDITOR, Role.REGIONAL_COORDINATOR],
        ).distinct()
    )


def _desk_url(obj) -> str:
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse("directory:service_detail", args=[obj.pk]) if isinstance(obj, Service) else ""
    except NoReverseMatch:
        return ""


def _after_change(obj):
    """Re-index the services whose searchable text `obj` is part of (after the transaction commits)."""
    from directory.models import Location, TaxonomyTerm

    if isinstance(obj, Service):
        service_ids = [obj.pk]
    elif isinstance(obj, TaxonomyTerm):
        service_ids = list(obj.services.values_list("pk", flat=True))
    elif isinstance(obj, Location):
        service_ids = list(obj.service_at_locations.values_list("service_id", flat=True))
    elif getattr(obj, "service_id", None):
        service_ids = [obj.service_id]
    else:
        return
    for service_id in dict.fromkeys(service_ids):
        transaction.on_commit(lambda pk=service_id: search.index_service(pk))


# --- editing ---------------------------------------------------------------------------------------------


@transaction.atomic
def create_record(model, values: dict[str, Any], *, acting_user, m2m: dict | None = None, note: str = ""):
    """Create a draft. Editors create anything; partners create services of their own organisation."""
    if not can_edit_directly(acting_user):
        if model is not Service or not can_propose(acting_user):
            raise PermissionDenied
        organization = values.get("organization")
        membership = active_membership(acting_user)
        if organization is None or organization.network_organisation_id != membership.organisation_id:
            raise PermissionDenied
    obj = model(**values)
    obj.state = EditorialState.DRAFT
    obj.version = 1
    obj.full_clean(exclude=["text_revisions"])
    obj.save()
    for name, items in (m2m or {}).items():
        getattr(obj, name).set(items)
    _record_revision(
        obj, acting_user=acting_user, status=RevisionStatus.APPLIED, changed=set(values), note=note
    )
    return obj


@transaction.atomic
def update_record(obj, changes: dict[str, Any], *, acting_user, minor_edit=False, note="", m2m=None):
    """An editor's change, applied at once (a published record stays published and is re-indexed)."""
    _require_editor(acting_user)
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)
    changed = _apply_changes(obj, changes, minor_edit=minor_edit)
    for name, items in (m2m or {}).items():
        manager = getattr(obj, name)
        if set(manager.values_list("pk", flat=True)) != {item.pk for item in items}:
            manager.set(items)
            changed.add(name)
    if not changed:
        return obj
    obj.full_clean(exclude=["text_revisions"])
    obj.version += 1
    if isinstance(obj, Service):
        obj.last_modified = timezone.now()
    obj.save()
    _record_revision(
        obj,
        acting_user=acting_user,
        status=RevisionStatus.APPLIED,
        changed=changed,
        minor_edit=minor_edit,
        note=note,
    )
    _after_change(obj)
    return obj


@transaction.atomic
def propose_change(
    service: Service, changes: dict[str, Any], *, acting_user, note="", minor_edit=False
) -> Revision:
    """A partner proposes new values for its own service; nothing changes until an editor approves."""
    if not can_propose(acting_user, service):
        raise PermissionDenied
    proposed = {name: _jsonable(value) for name, value in changes.items()}
    current = snapshot(service)
    changed = {name for name, value in proposed.items() if current.get(name) != value}
    if not changed:
        raise ValidationError(_("The proposal changes nothing."))
    # Validate the proposal now, on a copy, so the editor is never asked to approve an invalid record.
    candidate = Service.objects.get(pk=service.pk)
    for name in changed:
        setattr(candidate, name, changes[name])
    candidate.full_clean(exclude=["text_revisions"])
    revision = _record_revision(
        service,
        acting_user=acting_user,
        status=RevisionStatus.PENDING,
        changed=changed,
        minor_edit=minor_edit,
        note=note,
        data={name: proposed[name] for name in changed},
    )
    from paths.notifications import notify

    notify(
        editors(),
        "directory_proposal_received",
        {"organisation": str(revision.author_organisation or ""), "name": service.name},
        url=_desk_url(service),
        key=f"directory_proposal:{revision.pk}",
    )
    return revision


@transaction.atomic
def approve_proposal(revision: Revision, *, acting_user, note="") -> Revision:
    _require_editor(acting_user)
    revision = Revision.objects.select_for_update().get(pk=revision.pk)
    if revision.status != RevisionStatus.PENDING:
        raise ValidationError(_("This proposal has already been decided."))
    obj = type(revision.target).objects.select_for_update().get(pk=revision.object_id)
    values = {}
    for name, value in revision.snapshot.items():
        field = obj._meta.get_field(name)
        values[name] = field.to_python(value)
    changed = _apply_changes(obj, values, minor_edit=revision.minor_edit)
    obj.full_clean(exclude=["text_revisions"])
    obj.version += 1
    if isinstance(obj, Service):
        obj.last_modified = timezone.now()
    obj.save()
    revision.status = RevisionStatus.APPLIED
    revision.number = obj.version
    revision.state = obj.state
    revision.changed_fields = sorted(changed)
    revision.decided_by = acting_user
    revision.decided_at = timezone.now()
    revision.decision_note = note[:500]
    revision.save()
    _after_change(obj)
    _tell_author(revision, obj, "directory_proposal_approved")
    return revision


def _tell_author(revision: Revision, obj, kind: str):
    from paths.notifications import notify

    if revision.author_id and revision.author_id != revision.decided_by_id:
        notify(
            [revision.author],
            kind,
            {"name": str(obj), "reason": revision.decision_note},
            url=_desk_url(obj),
            key=f"{kind}:{revision.pk}",
        )


@transaction.atomic
def reject_proposal(revision: Revision, *, acting_user, reason: str) -> Revision:
    _require_editor(acting_user)
    if not reason.strip():
        raise ValidationError(_("Say why the proposal is rejected: the partner will read it."))
    revision = Revision.objects.select_for_update().get(pk=revision.pk)
    if revision.status != RevisionStatus.PENDING:
        raise ValidationError(_("This proposal has already been decided."))
    revision.status = RevisionStatus.REJECTED
    revision.decided_by = acting_user
    revision.decided_at = timezone.now()
    revision.decision_note = reason[:500]
    revision.save()
    _tell_author(revision, revision.target, "directory_proposal_rejected")
    return revision


# --- workflow --------------------------------------------------------------------------------------------

_TRANSITIONS = {
    EditorialState.DRAFT: {EditorialState.IN_REVIEW, EditorialState.PUBLISHED, EditorialState.ARCHIVED},
    EditorialState.IN_REVIEW: {EditorialState.DRAFT, EditorialState.PUBLISHED, EditorialState.ARCHIVED},
    EditorialState.PUBLISHED: {EditorialState.DRAFT, EditorialState.ARCHIVED},
    EditorialState.ARCHIVED: {EditorialState.DRAFT},
}


@transaction.atomic
def change_state(obj, state: str, *, acting_user, note="") -> Any:
    """Move a record along draft → in review → published (or archived). Only editors publish.

    A partner may send its own draft service to review (and take it back to draft).
    """
    obj = type(obj).objects.select_for_update().get(pk=obj.pk)
    if state not in _TRANSITIONS.get(obj.state, set()):
        raise ValidationError(
            _("A record cannot go from “%(old)s” to “%(new)s”.")
            % {
                "old": EditorialState(obj.state).label,
                "new": EditorialState(state).label,
            }
        )
    partner_move = (
        isinstance(obj, Service)
        and {obj.state, state} <= {EditorialState.DRAFT, EditorialState.IN_REVIEW}
        and can_propose(acting_user, obj)
    )
    if not partner_move:
        _require_editor(acting_user)
    now = timezone.now()
    obj.state = state
    obj.version += 1
    update = ["state", "version", "updated_at"]
    if state == EditorialState.PUBLISHED:
        obj.published_at = now
        # Publishing is a verification: an editor has read the record now.
        obj.last_verified_at = now
        obj.last_verified_by = acting_user
        update += ["published_at", "last_verified_at", "last_verified_by"]
    obj.save(update_fields=update)
    _record_revision(
        obj, acting_user=acting_user, status=RevisionStatus.APPLIED, changed={"state"}, note=note
    )
    _after_change(obj)
    return obj


@transaction.atomic
def verify_record(obj, *, acting_user, note="") -> Any:
    """An editor confirms the record is still true today (resets the 12-month clock)."""
    _require_editor(acting_user)
    obj.last_verified_at = timezone.now()
    obj.last_verified_by = acting_user
    obj.save(update_fields=["last_verified_at", "last_verified_by", "updated_at"])
    _after_change(obj)
    return obj


# --- translations ----------------------------------------------------------------------------------------


def _check_translation_target(obj: Translatable, field: str, language: str):
    if field not in obj.TRANSLATABLE_FIELDS:
        raise ValidationError(_("This field is not translatable."))
    if language == ITALIAN:
        raise ValidationError(_("Italian is the source text: edit the record itself."))
    if not ContentLanguage.objects.filter(code=language, is_active=True).exists():
        raise ValidationError(_("Unknown or inactive language."))


@transaction.atomic
def save_translation(
    obj: Translatable,
    field: str,
    language: str,
    text: str,
    *,
    acting_user,
    method: str = TranslationMethod.HUMAN,
    translator_name: str = "",
    verified: bool = False,
) -> Translation | None:
    """Store the translation of one field, made from the current Italian revision. Empty text removes it."""
    _require_editor(acting_user)
    _check_translation_target(obj, field, language)
    if method not in TranslationMethod.values:
        raise ValidationError(_("Unknown translation method."))
    text = text.strip()
    content_type = ContentType.objects.get_for_model(obj)
    lookup = {"content_type": content_type, "object_id": obj.pk, "field": field, "language": language}
    if not text:
        Translation.objects.filter(**lookup).delete()
        _after_change(obj)
        return None
    now = timezone.now()
    translation, _created = Translation.objects.update_or_create(
        **lookup,
        defaults={
            "text": text,
            "method": method,
            "source_revision": obj.text_revision(field),
            "translated_by": acting_user,
            "translator_name": translator_name[:120],
            "translated_at": now,
            # A machine translation is never verified by being saved; a person must read it.
            "verified_by": acting_user if verified and method == TranslationMethod.HUMAN else None,
            "verified_at": now if verified and method == TranslationMethod.HUMAN else None,
        },
    )
    _after_change(obj)
    return translation


@transaction.atomic
def verify_translation(translation: Translation, *, acting_user) -> Translation:
    """A person checked the translation against the current Italian: it is verified and up to date again."""
    _require_editor(acting_user)
    obj = translation.content_type.get_object_for_this_type(pk=translation.object_id)
    translation.verified_by = acting_user
    translation.verified_at = timezone.now()
    translation.source_revision = obj.text_revision(translation.field)
    translation.save(update_fields=["verified_by", "verified_at", "source_revision"])
    return translation


def is_outdated(translation: Translation, obj: Translatable) -> bool:
    return translation.source_revision < obj.text_revision(translation.field)


def translation_status(obj: Translatable, languages) -> list[dict]:
    """Per language: how many fields are translated, outdated, verified, and the last verification."""
    fields = [name for name in obj.TRANSLATABLE_FIELDS if getattr(obj, name)]
    rows = list(obj._translation_rows())
    out = []
    for language in languages:
        code = language.code if hasattr(language, "code") else language
        mine = [t for t in rows if t.language == code and t.field in fields]
        verified = [t for t in mine if t.verified_at]
        out.append(
            {
                "language": language,
                "fields": len(fields),
                "translated": len(mine),
                "outdated": sum(1 for t in mine if is_outdated(t, obj)),
                "machine": sum(1 for t in mine if t.method == TranslationMethod.MACHINE),
                "verified": len(verified),
                "last_verified_at": max((t.verified_at for t in verified), default=None),
            }
        )
    return out


# --- feedback --------------------------------------------------------------------------------------------


@transaction.atomic
def submit_feedback(service: Service, *, useful, could_access, wait_time, comment="", language=ITALIAN):
    """Anonymous feedback from the portal: only the day is stored; it waits for moderation."""
    feedback = ServiceFeedback(
        service=service,
        useful=useful,
        could_access=could_access,
        wait_time=wait_time,
        comment=comment.strip()[:1000],
        language=language,
        submitted_on=timezone.localdate(),
    )
    feedback.full_clean()
    feedback.save()
    return feedback


@transaction.atomic
def moderate_feedback(feedback: ServiceFeedback, status: str, *, acting_user) -> ServiceFeedback:
    membership = active_membership(acting_user)
    if membership is None or not role_can(membership.role, "directory.moderate"):
        raise PermissionDenied
    if status not in (ModerationStatus.APPROVED, ModerationStatus.REJECTED):
        raise ValidationError(_("Unknown moderation decision."))
    feedback.status = status
    feedback.moderated_by = acting_user
    feedback.moderated_at = timezone.now()
    feedback.save(update_fields=["status", "moderated_by", "moderated_at"])
    return feedback


# --- parts of a service (schedules, documents, places, languages, costs) -------------------------------------


@transaction.atomic
def save_part(service: Service, part, values: dict[str, Any], *, acting_user, minor_edit=False):
    """Create or change one part of a service (a `Schedule`, `RequiredDocument`, `CostOption`…). Editors only.

    The service gets a new version (its history says which part changed) and is re-indexed.
    """
    _require_editor(acting_user)
    is_new = part._state.adding
    changed = set(values) if is_new else set()
    for name, value in values.items():
        if not is_new and getattr(part, name) != value:
            changed.add(name)
        setattr(part, name, value)
    if not changed:
        return part
    if not minor_edit and not is_new and isinstance(part, Translatable):
        revisions = dict(part.text_revisions)
        for name in changed & set(part.TRANSLATABLE_FIELDS):
            revisions[name] = int(revisions.get(name, 1)) + 1
        part.text_revisions = revisions
    part.full_clean(exclude=["text_revisions"])
    part.save()
    _touch_service(service, acting_user, part._meta.model_name, minor_edit)
    return part


@transaction.atomic
def delete_part(service: Service, part, *, acting_user):
    _require_editor(acting_user)
    name = part._meta.model_name
    part.delete()
    _touch_service(service, acting_user, name, False)


def _touch_service(service, acting_user, part_name, minor_edit):
    service = Service.objects.select_for_update().get(pk=service.pk)
    service.version += 1
    service.last_modified = timezone.now()
    service.save(update_fields=["version", "last_modified", "updated_at"])
    _record_revision(
        service,
        acting_user=acting_user,
        status=RevisionStatus.APPLIED,
        changed={part_name},
        minor_edit=minor_edit,
    )
    _after_change(service)


# --- places and content languages (editorial desk) ------------------------------------------------------


@transaction.atomic
def save_place(
    service: Service,
    location,
    values: dict[str, Any],
    *,
    address: dict[str, Any] | None = None,
    accessibility: str | None = None,
    acting_user,
    minor_edit=False,
):
    """Create or change a place of a service in one version: the location, its address, its accessibility
    notes and its link to the service (`ServiceAtLocation`). Editors only.

    `location` is a new or existing `Location`; `values` its fields; `address` the fields of its first
    address (None leaves it alone); `accessibility` the text of its first accessibility note ("" removes it).
    """
    from directory.models import Accessibility, Address, ServiceAtLocation

    _require_editor(acting_user)
    is_new = location._state.adding
    changed = set()
    for name, value in values.items():
        if is_new or getattr(location, name) != value:
            changed.add(name)
        setattr(location, name, value)
    if not minor_edit and not is_new:
        revisions = dict(location.text_revisions)
        for name in changed & set(location.TRANSLATABLE_FIELDS):
            revisions[name] = int(revisions.get(name, 1)) + 1
        location.text_revisions = revisions
    location.full_clean(exclude=["text_revisions"])
    location.save()
    if address is not None:
        current = location.addresses.first() or Address(location=location)
        if current._state.adding or any(getattr(current, k) != v for k, v in address.items()):
            for name, value in address.items():
                setattr(current, name, value)
            current.full_clean()
            current.save()
            changed.add("address")
    if accessibility is not None:
        note = location.accessibility.first()
        if note is not None and not accessibility.strip():
            note.delete()
            changed.add("accessibility")
        elif accessibility.strip() and (note is None or note.description != accessibility.strip()):
            note = note or Accessibility(location=location)
            if not note._state.adding and not minor_edit:
                note.text_revisions = {
                    **note.text_revisions,
                    "description": note.text_revision("description") + 1,
                }
            note.description = accessibility.strip()
            note.full_clean(exclude=["text_revisions"])
            note.save()
            changed.add("accessibility")
    _link, linked = ServiceAtLocation.objects.get_or_create(service=service, location=location)
    if changed or linked:
        _touch_service(service, acting_user, "location", minor_edit)
    return location


@transaction.atomic
def save_content_language(
    language: ContentLanguage, values: dict[str, Any], *, acting_user
) -> ContentLanguage:
    """Add or change a content language; the search index is rebuilt in the background afterwards."""
    from directory.tasks import rebuild_search_index

    _require_editor(acting_user)
    if language.pk and language.code == ITALIAN and values.get("is_active") is False:
        raise ValidationError(_("Italian is the source language and stays active."))
    for name, value in values.items():
        setattr(language, name, value)
    language.full_clean()
    language.save()
    transaction.on_commit(lambda: rebuild_search_index.enqueue())
    return language
