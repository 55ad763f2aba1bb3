"""Public events, the actions: capacity shared with enrolments, waiting list, promotion on cancel, codes,
e-mails in the visitor's language, check-in and the purge of names and contacts."""

from __future__ import annotations

import datetime
import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db import connection
from django.http import Http404

from activities import actions, actions_events
from activities.models import ActivityStatus, Audience, PublicRegistration, RegistrationStatus
from conftest import make_activity, make_member, make_participant

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()


def public_event(organiser, **overrides):
    fields = {
        "title": "Festa dei popoli",
        "kind": "community_event",
        "action": "03",
        "audience": Audience.PUBLIC,
        "status": ActivityStatus.OPEN,
        "start_date": TODAY + datetime.timedelta(days=10),
        "end_date": TODAY + datetime.timedelta(days=10),
        "planned_hours": 3,
        "capacity": 10,
    }
    fields.update(overrides)
    return make_activity(organiser, **fields)


def register(activity, people=1, contact="amina@example.org", name="Amina Benali", language="it"):
    return actions_events.register_public(
        activity, full_name=name, contact=contact, people=people, consent=True, language=language
    )


@pytest.fixture
def event(org_a):
    return public_event(org_a, capacity=5)


# --------------------------------------------------------------------------------- capacity, waiting list


def test_registrations_are_confirmed_while_places_are_left_then_go_on_the_waiting_list(event):
    first = register(event, people=3)
    second = register(event, people=2)
    third = register(event, people=1)
    assert [first.status, second.status, third.status] == [
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITING,
    ]
    assert actions_events.places_left(event) == 0


def test_a_group_larger_than_the_places_left_waits_even_if_one_place_is_free(event):
    register(event, people=4)
    group = register(event, people=2)
    assert group.status == RegistrationStatus.WAITING
    assert actions_events.places_left(event) == 1


def test_enrolments_holding_a_place_count_against_the_capacity(event, operator_a, org_a):
    for _ in range(4):
        actions.enrol(event, acting_user=operator_a, participant=make_participant(org_a))
    assert actions_events.places_used(event) == 4
    assert register(event, people=2).status == RegistrationStatus.WAITING
    assert register(event, people=1).status == RegistrationStatus.CONFIRMED


def test_an_event_without_a_limit_confirms_everyone(org_a):
    event = public_event(org_a, capacity=None)
    assert all(register(event, people=5).status == RegistrationStatus.CONFIRMED for _ in range(5))
    assert actions_events.places_left(event) is None


def test_registrations_take_the_activity_row_lock_so_racing_ones_are_serialised(event):
    """Two visitors for the last place: each registration locks the activity first (SELECT … FOR UPDATE on
    PostgreSQL; SQLite's IMMEDIATE transactions take the write lock at BEGIN), then counts; so the second
    one counts the first and goes on the waiting list."""
    register(event, people=4)
    with pytest.MonkeyPatch.context() as patch:
        locked = []
        original = actions_events._lock

        def spy(activity):
            locked.append(connection.in_atomic_block)
            return original(activity)

        patch.setattr(actions_events, "_lock", spy)
        results = [register(event, people=1), register(event, people=1)]
    assert locked == [True, True]
    assert [r.status for r in results] == [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING]


@pytest.mark.skipif(
    connection.vendor == "sqlite",
    reason="the in-memory SQLite test database is shared-cache: no real concurrency",
)
@pytest.mark.django_db(transaction=True)
def test_two_threads_registering_for_the_last_place_do_not_overbook(reference_data, org_a):
    event = public_event(org_a, capacity=1)
    errors = []
    barrier = threading.Barrier(2)

    def attempt(n):
        try:
            barrier.wait(timeout=5)
            register(event, contact=f"visitor{n}@example.org")
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    statuses = sorted(PublicRegistration.objects.filter(activity=event).values_list("status", flat=True))
    assert statuses == [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING]


# -------------------------------------------------------------------------------------------- cancel


def test_cancelling_frees_the_places_and_promotes_the_first_waiting_registrations_that_fit(event):
    big = register(event, people=5)
    waiting_group = register(event, people=4)
    waiting_single = register(event, people=1)
    waiting_pair = register(event, people=2)
    promoted = actions_events.cancel_registration(big)
    assert [r.pk for r in promoted] == [waiting_group.pk, waiting_single.pk]
    waiting_pair.refresh_from_db()
    assert waiting_pair.status == RegistrationStatus.WAITING
    big.refresh_from_db()
    assert big.status == RegistrationStatus.CANCELLED and big.cancelled_at is not None
    waiting_group.refresh_from_db()
    assert waiting_group.status == RegistrationStatus.CONFIRMED and waiting_group.promoted_at is not None


def test_a_group_too_big_for_the_freed_places_keeps_its_turn_and_smaller_ones_come_in(event):
    first = register(event, people=2)
    register(event, people=3)
    group = register(event, people=4)
    single = register(event, people=1)
    assert [r.pk for r in actions_events.cancel_registration(first)] == [single.pk]
    group.refresh_from_db()
    assert group.status == RegistrationStatus.WAITING


def test_cancelling_a_waiting_registration_promotes_nobody(event):
    register(event, people=5)
    waiting = register(event, people=1)
    assert actions_events.cancel_registration(waiting) == []


def test_cancelling_twice_changes_nothing(event):
    registration = register(event)
    actions_events.cancel_registration(registration)
    registration.refresh_from_db()
    cancelled_at = registration.cancelled_at
    assert actions_events.cancel_registration(registration) == []
    registration.refresh_from_db()
    assert registration.cancelled_at == cancelled_at


def test_a_registration_cannot_be_cancelled_after_the_event(event):
    registration = register(event)
    event.start_date = event.end_date = TODAY - datetime.timedelta(days=1)
    event.save()
    with pytest.raises(ValidationError):
        actions_events.cancel_registration(registration)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


# ------------------------------------------------------------------------------------ closed, invalid


@pytest.mark.parametrize(
    "change",
    [
        {"status": ActivityStatus.CANCELLED},
        {"status": ActivityStatus.COMPLETED},
        {"audience": Audience.PARTICIPANTS},
        {"start_date": TODAY - datetime.timedelta(days=3), "end_date": TODAY - datetime.timedelta(days=1)},
    ],
    ids=["cancelled", "completed", "not-public", "past"],
)
def test_registration_is_refused_when_the_event_is_closed(org_a, change):
    event = public_event(org_a, **change)
    with pytest.raises(ValidationError) as error:
        register(event)
    assert error.value.code == "closed"
    assert not PublicRegistration.objects.exists()


@pytest.mark.parametrize(
    "fields",
    [
        {"full_name": "   "},
        {"contact": "not a contact"},
        {"contact": "12"},
        {"people": 0},
        {"people": 6},
        {"consent": False},
    ],
    ids=["name", "contact", "short-phone", "zero-people", "too-many", "no-consent"],
)
def test_invalid_registrations_save_nothing(event, fields):
    data = {
        "full_name": "Amina",
        "contact": "amina@example.org",
        "people": 1,
        "consent": True,
        "language": "it",
    }
    data.update(fields)
    with pytest.raises(ValidationError):
        actions_events.register_public(event, **data)
    assert not PublicRegistration.objects.exists()


@pytest.mark.parametrize("contact", ["+39 333 123 4567", "081-555.1234", "(081) 5551234", "a.b@example.it"])
def test_an_email_or_a_phone_number_is_a_valid_contact(contact):
    assert actions_events.clean_contact(f"  {contact} ") == contact


def test_the_registration_records_the_consent_version_and_time(event):
    registration = register(event)
    assert registration.consent_text_version == actions_events.CONSENT_TEXT_VERSION
    assert registration.consent_at is not None


# --------------------------------------------------------------------------------------------- codes


def test_codes_are_well_formed_and_unique(event, org_a):
    other = public_event(org_a, capacity=None)
    registrations = [register(event if n % 2 else other, people=1) for n in range(40)]
    confirmation = [r.confirmation_code for r in registrations]
    assert len(set(confirmation)) == 40
    assert all(len(code) == 10 and code.startswith("EV-") and code[7] == "-" for code in confirmation)
    for activity in (event, other):
        codes = list(
            PublicRegistration.objects.filter(activity=activity).values_list("checkin_code", flat=True)
        )
        assert len(codes) == len(set(codes))
        assert all(len(code) == 6 and set(code) <= set(actions_events.CODE_ALPHABET) for code in codes)
    tokens = {r.cancel_token for r in registrations}
    assert len(tokens) == 40 and all(len(token) >= 40 for token in tokens)


def test_a_taken_code_is_drawn_again(event, monkeypatch):
    first = register(event)
    draws = iter([first.checkin_code, "ZZZZZZ"])
    monkeypatch.setattr(
        actions_events, "_random", lambda length: next(draws) if length == 6 else "AAAA"[:length]
    )
    monkeypatch.setattr(actions_events, "_confirmation_code", lambda: "EV-TEST-22")
    second = register(event)
    assert second.checkin_code == "ZZZZZZ"


# ------------------------------------------------------------------------------------------- e-mails


def test_a_confirmation_email_is_sent_in_the_chosen_language(
    event, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        registration = register(event, language="en")
    assert len(mailoutbox) == 1
    message = mailoutbox[0]
    assert message.to == ["amina@example.org"]
    assert "Registration confirmed" in message.subject
    assert registration.confirmation_code in message.body and registration.checkin_code in message.body
    assert f"/en/eventi/iscrizione/{registration.cancel_token}/" in message.body


def test_a_phone_contact_gets_no_email(event, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        register(event, contact="+39 333 1234567")
    assert mailoutbox == []


def test_the_people_moved_up_from_the_waiting_list_are_told_by_email(
    event, mailoutbox, django_capture_on_commit_callbacks
):
    first = register(event, people=5)
    waiting = register(event, contact="youssef@example.org", language="fr")
    with django_capture_on_commit_callbacks(execute=True):
        actions_events.cancel_registration(first)
    assert [m.to for m in mailoutbox] == [["youssef@example.org"]]
    assert waiting.confirmation_code in mailoutbox[0].body


# ------------------------------------------------------------------------------------------ check-in


def test_check_in_by_checkin_code_or_confirmation_code_in_any_case(event, operator_a):
    one, two = register(event), register(event)
    assert actions_events.check_in(event, one.checkin_code.lower(), acting_user=operator_a).pk == one.pk
    typed = two.confirmation_code.replace("-", " ").lower()
    checked = actions_events.check_in(event, typed, acting_user=operator_a)
    assert checked.pk == two.pk and checked.checked_in_by == operator_a and checked.checked_in_at


def test_check_in_twice_says_already_checked_in(event, operator_a):
    registration = register(event)
    actions_events.check_in(event, registration.checkin_code, acting_user=operator_a)
    with pytest.raises(actions_events.AlreadyCheckedIn):
        actions_events.check_in(event, registration.checkin_code, acting_user=operator_a)


def test_check_in_refuses_wrong_codes_other_events_waiting_and_cancelled(event, org_a, operator_a):
    other = public_event(org_a)
    elsewhere = register(other)
    register(event, people=5)
    waiting = register(event)
    cancelled = register(other)
    actions_events.cancel_registration(cancelled)
    for code in ("", "ZZZZZZ", elsewhere.checkin_code, waiting.checkin_code):
        with pytest.raises(ValidationError):
            actions_events.check_in(event, code, acting_user=operator_a)
    with pytest.raises(ValidationError):
        actions_events.check_in(other, cancelled.checkin_code, acting_user=operator_a)
    assert not PublicRegistration.objects.filter(checked_in_at__isnull=False).exists()


def test_check_in_needs_the_permission_and_the_activity_in_scope(event, viewer_a, operator_b):
    registration = register(event)
    with pytest.raises(PermissionDenied):
        actions_events.check_in(event, registration.checkin_code, acting_user=viewer_a)
    with pytest.raises(Http404):
        actions_events.check_in(event, registration.checkin_code, acting_user=operator_b)
    registration.refresh_from_db()
    assert registration.checked_in_at is None


def test_counts_give_registrations_and_people_per_status_and_the_people_reached(event, operator_a):
    a = register(event, people=3)
    register(event, people=2)
    register(event, people=2)
    c = register(event, people=1)
    actions_events.check_in(event, a.checkin_code, acting_user=operator_a)
    actions_events.cancel_registration(c)
    counts = actions_events.registration_counts(event)
    assert counts == actions_events.Counts(
        confirmed=2,
        confirmed_people=5,
        waiting=1,
        waiting_people=2,
        cancelled=1,
        checked_in=1,
        checked_in_people=3,
    )
    assert PublicRegistration.objects.filter(activity=event).reached().count() == 1


# --------------------------------------------------------------------------------------------- purge


def test_the_purge_removes_names_and_contacts_30_days_after_the_event_and_keeps_the_counts(org_a, operator_a):
    old = public_event(org_a, capacity=None)
    recent = public_event(org_a, capacity=None)
    kept = register(recent)
    gone = register(old, people=3)
    actions_events.check_in(old, gone.checkin_code, acting_user=operator_a)
    ended = TODAY - datetime.timedelta(days=actions_events.PURGE_AFTER_DAYS + 1)
    old.start_date = old.end_date = ended
    old.save()
    recent.start_date = recent.end_date = TODAY - datetime.timedelta(days=actions_events.PURGE_AFTER_DAYS - 1)
    recent.save()
    before = actions_events.registration_counts(old)

    call_command("purge_public_registrations", stdout=open("/dev/null", "w"))  # noqa: SIM115

    gone.refresh_from_db()
    kept.refresh_from_db()
    assert (gone.full_name, gone.contact) == ("—", "—") and gone.anonymised_at is not None
    assert (kept.full_name, kept.contact) == (
        "Amina Benali",
        "amina@example.org",
    ) and kept.anonymised_at is None
    assert actions_events.registration_counts(old) == before
    assert actions_events.purge_public_registrations() == 0  # nothing left to do the second time


def test_the_purge_command_can_run_as_of_a_date(org_a):
    event = public_event(org_a)
    register(event)
    later = event.end_date + datetime.timedelta(days=actions_events.PURGE_AFTER_DAYS + 1)
    assert actions_events.purge_public_registrations(event.end_date) == 0
    assert actions_events.purge_public_registrations(later) == 1


def test_the_trainer_of_another_activity_cannot_check_in(event, org_a):
    from core.roles import Role

    trainer = make_member(org_a, Role.TRAINER)
    registration = register(event)
    with pytest.raises(Http404):
        actions_events.check_in(event, registration.checkin_code, acting_user=trainer)
    event.trainers.add(trainer)
    assert actions_events.check_in(event, registration.checkin_code, acting_user=trainer).checked_in_at


def test_enrolments_and_public_registrations_share_one_capacity_and_a_withdrawal_moves_the_public_list(
    operator_a, org_a
):
    from activities.models import EnrolmentStatus

    activity = public_event(org_a, capacity=2)
    enrolment = actions.enrol(activity, participant=make_participant(org_a), acting_user=operator_a)
    first = register(activity, name="Uno", contact="uno@example.org")
    second = register(activity, name="Due", contact="due@example.org")
    assert enrolment.status == EnrolmentStatus.ENROLLED
    assert first.status == RegistrationStatus.CONFIRMED
    assert second.status == RegistrationStatus.WAITING

    actions.change_enrolment_status(enrolment, EnrolmentStatus.WITHDRAWN, acting_user=operator_a)
    second.refresh_from_db()
    assert second.status == RegistrationStatus.CONFIRMED
