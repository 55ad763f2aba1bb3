"""Public events: registration without an account, the waiting list, cancellation, check-in and the purge.

A visitor registers on the portal for an activity whose audience is the general public, for up to
`MAX_PEOPLE` people. The registration is confirmed while places are left, otherwise it goes on the waiting
list; a cancellation frees its places and moves up the first waiting registrations that fit. Places are
shared with the activity's own enrolments (the ones holding a place), so an event run as a course with a
few seats opened to the public never overbooks.

Every write locks the activity row first (`select_for_update`; on SQLite the IMMEDIATE transaction takes the
write lock up front), so two visitors registering for the last place are served one after the other.

The e-mails (confirmation, promotion from the waiting list) go out after the commit, in the language the
visitor chose, through Django's `send_mail` (the project's backend queues them for the worker).
"""

from __future__ import annotations

import datetime
import re
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Sum
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from activities.models import (
    HOLDS_PLACE,
    Activity,
    ActivityStatus,
    Audience,
    PublicRegistration,
    RegistrationStatus,
)
from core.scoping import get_for_user, require_permission

# The version of the short privacy notice shown next to the consent box; stored with every registration so
# that we know which text a person agreed to. Change it whenever the notice's wording changes.
CONSENT_TEXT_VERSION = "events-2025-1"
MAX_PEOPLE = 5
# Name and contact are replaced by "—" this many days after the event's end; the counts stay.
PURGE_AFTER_DAYS = getattr(settings, "PUBLIC_REGISTRATION_PURGE_DAYS", 30)
REMOVED = "—"

# Codes are read aloud and typed on a phone: no 0/O, 1/I/L, 5/S, 8/B lookalikes.
CODE_ALPHABET = "2345679ACDEFGHJKMNPQRTUVWXYZ"
CHECKIN_CODE_LENGTH = 6
_PHONE = re.compile(r"^\+?\(?[0-9][0-9 ./()-]{4,22}$")
_NOT_CODE = re.compile(r"[^0-9A-Z]")


# ------------------------------------------------------------------------------------------- questions


def places_used(activity: Activity) -> int:
    """People holding a place: confirmed public registrations plus the activity's enrolments holding one."""
    registered = (
        PublicRegistration.objects.filter(activity=activity, status=RegistrationStatus.CONFIRMED).aggregate(
            total=Sum("people")
        )["total"]
        or 0
    )
    return registered + activity.enrolments.filter(status__in=HOLDS_PLACE).count()


def places_left(activity: Activity) -> int | None:
    """Free places, or None when the activity has no limit."""
    if activity.capacity is None:
        return None
    return max(activity.capacity - places_used(activity), 0)


def is_registration_open(activity: Activity, today: datetime.date | None = None) -> bool:
    """Open to the public, not cancelled nor closed, and not over yet."""
    today = today or timezone.localdate()
    return (
        activity.audience == Audience.PUBLIC
        and activity.status not in (ActivityStatus.CANCELLED, ActivityStatus.COMPLETED)
        and activity.end_date >= today
    )


def is_email(contact: str) -> bool:
    try:
        validate_email(contact)
    except ValidationError:
        return False
    return True


def clean_contact(contact: str) -> str:
    """An e-mail address or a phone number, trimmed; anything else is refused."""
    contact = (contact or "").strip()
    if is_email(contact):
        return contact
    if _PHONE.match(contact) and 6 <= sum(ch.isdigit() for ch in contact) <= 15:
        return contact
    raise ValidationError(_("Enter a valid e-mail address or phone number."), code="contact")


def normalise_code(text: str) -> str:
    """Upper case, without spaces or dashes: 'ev-7k3p-q9' -> 'EV7K3PQ9'."""
    return _NOT_CODE.sub("", (text or "").upper())


def _random(length: int) -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def _confirmation_code() -> str:
    while True:
        code = f"EV-{_random(4)}-{_random(2)}"
        if not PublicRegistration.objects.filter(confirmation_code=code).exists():
            return code


def _checkin_code(activity: Activity) -> str:
    while True:
        code = _random(CHECKIN_CODE_LENGTH)
        if not PublicRegistration.objects.filter(activity=activity, checkin_code=code).exists():
            return code


def _lock(activity: Activity) -> Activity:
    return Activity.objects.select_for_update().get(pk=activity.pk)


# ------------------------------------------------------------------------------------------ e-mails


def registration_url(registration: PublicRegistration) -> str:
    """The private page of a registration, in its language, as an absolute address for e-mails."""
    with translation.override(registration.language):
        path = reverse("events:registration", args=[registration.cancel_token])
    return settings.SITE_URL.rstrip("/") + path


def _send(registration: PublicRegistration, template: str) -> None:
    if not is_email(registration.contact):
        return
    with translation.override(registration.language):
        context = {
            "registration": registration,
            "activity": registration.activity,
            "url": registration_url(registration),
            "platform": settings.PLATFORM_NAME,
        }
        subject = render_to_string(f"activities/portal/{template}_subject.txt", context).strip()
        body = render_to_string(f"activities/portal/{template}_body.txt", context)
    send_mail(subject, body, None, [registration.contact])


def _send_later(registration: PublicRegistration, template: str) -> None:
    transaction.on_commit(lambda: _send(registration, template))


# -------------------------------------------------------------------------------------------- writes


@transaction.atomic
def register_public(
    activity: Activity,
    *,
    full_name: str,
    contact: str,
    people: int = 1,
    consent: bool,
    language: str,
) -> PublicRegistration:
    """Register a visitor for a public event: confirmed while places are left, else on the waiting list."""
    activity = _lock(activity)
    if not is_registration_open(activity):
        raise ValidationError(_("Registration for this event is closed."), code="closed")
    full_name = " ".join((full_name or "").split())
    if not full_name:
        raise ValidationError(_("Enter your name."), code="name")
    contact = clean_contact(contact)
    if not 1 <= int(people) <= MAX_PEOPLE:
        raise ValidationError(
            _("You can register from 1 to %(max)s people.") % {"max": MAX_PEOPLE}, code="people"
        )
    if not consent:
        raise ValidationError(_("Please accept the privacy notice to register."), code="consent")
    if language not in dict(settings.LANGUAGES):
        language = settings.LANGUAGE_CODE
    left = places_left(activity)
    status = RegistrationStatus.CONFIRMED if left is None or people <= left else RegistrationStatus.WAITING
    now = timezone.now()
    registration = PublicRegistration.objects.create(
        activity=activity,
        full_name=full_name[:200],
        contact=contact[:200],
        language=language,
        people=people,
        consent_at=now,
        consent_text_version=CONSENT_TEXT_VERSION,
        status=status,
        confirmation_code=_confirmation_code(),
        checkin_code=_checkin_code(activity),
        cancel_token=secrets.token_urlsafe(32),
        created_at=now,
    )
    _send_later(registration, "registration")
    return registration


def promote_waiting(activity: Activity) -> list[PublicRegistration]:
    """Confirm waiting registrations, oldest first, as long as places are left. A group larger than the
    places left is skipped (it keeps its turn) so that smaller ones behind it can come in. Call inside a
    transaction, with the activity locked."""
    if not is_registration_open(activity):
        return []
    left = places_left(activity)
    waiting = PublicRegistration.objects.filter(activity=activity).waiting()
    promoted = []
    now = timezone.now()
    for registration in waiting:
        if left is not None and registration.people > left:
            continue
        registration.status = RegistrationStatus.CONFIRMED
        registration.promoted_at = now
        registration.save(update_fields=["status", "promoted_at"])
        promoted.append(registration)
        if left is not None:
            left -= registration.people
            if left <= 0:
                break
    for registration in promoted:
        _send_later(registration, "promoted")
    return promoted


@transaction.atomic
def cancel_registration(registration: PublicRegistration) -> list[PublicRegistration]:
    """The visitor cancels through their private link. Frees the places; returns who moved up."""
    activity = _lock(registration.activity)
    registration = PublicRegistration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == RegistrationStatus.CANCELLED:
        return []
    if activity.end_date < timezone.localdate():
        raise ValidationError(_("This event is over: the registration can no longer be cancelled."))
    was_confirmed = registration.status == RegistrationStatus.CONFIRMED
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = timezone.now()
    registration.save(update_fields=["status", "cancelled_at"])
    return promote_waiting(activity) if was_confirmed else []


class AlreadyCheckedIn(ValidationError):
    """The code is right but was already used: the message says when."""

    def __init__(self, registration: PublicRegistration):
        self.registration = registration
        super().__init__(
            _("Already checked in at %(time)s.")
            % {"time": timezone.localtime(registration.checked_in_at).strftime("%H:%M %d/%m/%Y")},
            code="already",
        )


def checkin_activity(acting_user, pk) -> Activity:
    """The activity for the check-in desk: 404 when the user cannot see it, 403 without the permission."""
    activity = get_for_user(Activity.objects.select_related("organiser", "municipality"), acting_user, pk=pk)
    require_permission(acting_user, "event.checkin")
    return activity


def find_registration(activity: Activity, code: str) -> PublicRegistration | None:
    """The registration of this activity with this check-in code or confirmation code, typed in any case,
    with or without dashes and spaces."""
    raw = normalise_code(code)
    if not raw:
        return None
    registrations = PublicRegistration.objects.filter(activity=activity)
    if len(raw) == CHECKIN_CODE_LENGTH:
        found = registrations.filter(checkin_code=raw).first()
        if found:
            return found
    if len(raw) == 8 and raw.startswith("EV"):
        return registrations.filter(confirmation_code=f"EV-{raw[2:6]}-{raw[6:]}").first()
    return None


@transaction.atomic
def check_in(activity: Activity, code: str, *, acting_user) -> PublicRegistration:
    """Record that the people of a registration arrived. Wrong code, waiting list, cancelled, already
    checked in: a ValidationError with a message for the desk."""
    activity = checkin_activity(acting_user, activity.pk)
    registration = find_registration(activity, code)
    if registration is None:
        raise ValidationError(_("No registration for this event has this code. Check it and try again."))
    registration = PublicRegistration.objects.select_for_update().get(pk=registration.pk)
    if registration.status == RegistrationStatus.CANCELLED:
        raise ValidationError(_("This registration was cancelled."))
    if registration.status == RegistrationStatus.WAITING:
        raise ValidationError(_("This registration is still on the waiting list: it has no place."))
    if registration.checked_in_at is not None:
        raise AlreadyCheckedIn(registration)
    registration.checked_in_at = timezone.now()
    registration.checked_in_by = acting_user
    registration.save(update_fields=["checked_in_at", "checked_in_by"])
    return registration


@dataclass(frozen=True)
class Counts:
    confirmed: int
    confirmed_people: int
    waiting: int
    waiting_people: int
    cancelled: int
    checked_in: int
    checked_in_people: int  # people reached (indicator P3.2)


def registration_counts(activity: Activity) -> Counts:
    """Registrations and people per status, in one query."""
    totals = {
        "confirmed": 0,
        "confirmed_people": 0,
        "waiting": 0,
        "waiting_people": 0,
        "cancelled": 0,
        "cancelled_people": 0,
    }
    checked_in = checked_in_people = 0
    rows = (
        PublicRegistration.objects.filter(activity=activity)
        .values_list("status", "people", "checked_in_at")
        .order_by()
    )
    for status, people, arrived in rows:
        totals[status] += 1
        totals[f"{status}_people"] += people
        if arrived is not None:
            checked_in += 1
            checked_in_people += people
    totals.pop("cancelled_people")
    return Counts(**totals, checked_in=checked_in, checked_in_people=checked_in_people)


@transaction.atomic
def purge_public_registrations(today: datetime.date | None = None) -> int:
    """Remove name and contact from registrations of events that ended more than PURGE_AFTER_DAYS ago.
    Status, people, codes and check-in stay, so counts and indicators do not change. Returns how many."""
    today = today or timezone.localdate()
    cutoff = today - datetime.timedelta(days=PURGE_AFTER_DAYS)
    return PublicRegistration.objects.filter(
        activity__end_date__lt=cutoff, anonymised_at__isnull=True
    ).update(full_name=REMOVED, contact=REMOVED, anonymised_at=timezone.now())
