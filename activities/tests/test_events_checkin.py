"""Public events, the organiser's side: the registrations list and the check-in desk in the workspace."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.urls import reverse

from activities import actions_events
from activities.models import PublicRegistration
from activities.tests.test_events_actions import public_event, register
from conftest import client_for, make_member
from core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def event(org_a):
    return public_event(org_a, capacity=4)


@pytest.fixture
def registrations(event):
    confirmed = register(event, people=3, name="Amina Benali", contact="amina@example.org")
    small = register(event, people=1, name="Youssef Haddad", contact="+39 333 1234567")
    waiting = register(event, people=2, name="Olena Shevchenko", contact="olena@example.org")
    return confirmed, small, waiting


def english_client_for(user):
    """Workspace pages take their language from the cookie: behaviour tests read the English messages."""
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def list_url(event):
    return reverse("activities:event_registrations", args=[event.pk])


def checkin_url(event):
    return reverse("activities:event_checkin", args=[event.pk])


def test_the_organiser_sees_the_registrations_with_names_and_counts(operator_a, event, registrations):
    response = client_for(operator_a).get(list_url(event))
    assert response.status_code == 200
    page = response.content.decode()
    for registration in registrations:
        assert registration.full_name in page and registration.confirmation_code in page
    counts = response.context["counts"]
    assert (counts.confirmed, counts.confirmed_people, counts.waiting, counts.waiting_people) == (2, 4, 1, 2)
    assert response.context["places_left"] == 0


def test_the_list_filters_by_status(operator_a, event, registrations):
    _confirmed, small, waiting = registrations
    actions_events.check_in(event, small.checkin_code, acting_user=operator_a)
    client = client_for(operator_a)
    assert [r.pk for r in client.get(list_url(event), {"status": "waiting"}).context["rows"]] == [waiting.pk]
    assert [r.pk for r in client.get(list_url(event), {"status": "checked_in"}).context["rows"]] == [small.pk]
    assert len(client.get(list_url(event), {"status": "bogus"}).context["rows"]) == 3


def test_the_registrations_list_query_count_does_not_grow(operator_a, event, django_assert_max_num_queries):
    for n in range(15):
        register(event, contact=f"visitor{n}@example.org")
    client = client_for(operator_a)
    client.get(list_url(event))  # warm the session
    with django_assert_max_num_queries(14):
        response = client.get(list_url(event))
    assert len(response.context["rows"]) == 15


def test_checking_in_by_code_says_welcome_and_counts_people_reached(operator_a, event, registrations):
    confirmed = registrations[0]
    response = client_for(operator_a).post(checkin_url(event), {"code": confirmed.checkin_code.lower()})
    assert response.status_code == 200
    page = response.content.decode()
    # Italian is the default language of the workspace: the plural message is translated with its number.
    assert "Benvenuti: possono entrare 3 persone." in page and confirmed.full_name in page
    confirmed.refresh_from_db()
    assert confirmed.checked_in_by == operator_a
    assert response.context["counts"].checked_in_people == 3


def test_a_wrong_code_gives_a_clear_message(operator_a, event, registrations):
    response = english_client_for(operator_a).post(checkin_url(event), {"code": "ZZZZZZ"})
    assert "No registration for this event has this code" in response.content.decode()
    assert not PublicRegistration.objects.filter(checked_in_at__isnull=False).exists()


def test_checking_in_twice_says_already_checked_in(operator_a, event, registrations):
    confirmed = registrations[0]
    client = english_client_for(operator_a)
    client.post(checkin_url(event), {"code": confirmed.confirmation_code})
    response = client.post(checkin_url(event), {"code": confirmed.checkin_code})
    assert "Already checked in at" in response.content.decode()


def test_the_waiting_list_cannot_check_in(operator_a, event, registrations):
    waiting = registrations[2]
    response = english_client_for(operator_a).post(checkin_url(event), {"code": waiting.checkin_code})
    assert "still on the waiting list" in response.content.decode()
    waiting.refresh_from_db()
    assert waiting.checked_in_at is None


def test_staff_of_another_organisation_get_not_found(operator_b, admin_b, event, registrations):
    for user in (operator_b, admin_b):
        client = client_for(user)
        assert client.get(list_url(event)).status_code == 404
        assert client.get(checkin_url(event)).status_code == 404
        assert client.post(checkin_url(event), {"code": registrations[0].checkin_code}).status_code == 404
    assert not PublicRegistration.objects.filter(checked_in_at__isnull=False).exists()


def test_the_read_only_viewer_is_forbidden(viewer_a, event, registrations):
    client = client_for(viewer_a)
    assert client.get(list_url(event)).status_code == 403
    assert client.post(checkin_url(event), {"code": registrations[0].checkin_code}).status_code == 403
    assert not PublicRegistration.objects.filter(checked_in_at__isnull=False).exists()


def test_anonymous_visitors_and_outsiders_are_sent_away(client, outsider, event):
    assert client.get(list_url(event)).status_code == 302
    assert client_for(outsider).get(list_url(event)).status_code == 404


def test_a_trainer_checks_in_only_at_activities_they_teach(org_a, event, registrations):
    trainer = make_member(org_a, Role.TRAINER)
    client = client_for(trainer)
    assert client.get(checkin_url(event)).status_code == 404
    event.trainers.add(trainer)
    assert client.post(checkin_url(event), {"code": registrations[0].checkin_code}).status_code == 200
    registrations[0].refresh_from_db()
    assert registrations[0].checked_in_by == trainer


def test_a_partner_organisation_checks_in_but_does_not_see_names(org_b, operator_b, event, registrations):
    event.partners.add(org_b)
    client = english_client_for(operator_b)
    response = client.get(list_url(event))
    assert response.status_code == 200
    page = response.content.decode()
    assert registrations[0].confirmation_code in page
    assert "Amina Benali" not in page and "amina@example.org" not in page
    checked = client.post(checkin_url(event), {"code": registrations[0].checkin_code})
    assert "Welcome" in checked.content.decode() and "Amina Benali" not in checked.content.decode()


def test_the_regional_coordinator_sees_every_event(coordinator, event, registrations):
    response = client_for(coordinator).get(list_url(event))
    assert response.status_code == 200 and "Amina Benali" in response.content.decode()


def test_the_activity_page_links_to_the_registrations_of_a_public_event(operator_a, event, org_a):
    from conftest import make_activity

    assert list_url(event) in client_for(operator_a).get(event.get_absolute_url()).content.decode()
    course = make_activity(org_a)
    assert list_url(course) not in client_for(operator_a).get(course.get_absolute_url()).content.decode()
