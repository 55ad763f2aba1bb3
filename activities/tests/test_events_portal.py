"""Public events, the portal pages: calendar and filters, event page, registration without an account (no
cookie, protected by a signed token, origin check, honeypot and rate limit), the private registration page
and cancellation."""

from __future__ import annotations

import datetime
import time

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from activities import actions_events
from activities.models import ActivityStatus, Audience, PublicRegistration, RegistrationStatus
from activities.tests.test_events_actions import public_event, register
from conftest import make_activity, municipality
from core import portal_forms
from directory.models import PageCount

pytestmark = pytest.mark.django_db

TODAY = datetime.date.today()
BROWSER = {"HTTP_USER_AGENT": "Mozilla/5.0 (Linux; Android 10) Chrome/120 Mobile"}


def token(purpose="event-registration", age=10):
    return portal_forms.make_token(purpose, issued_at=time.time() - age)


def form_data(**overrides):
    data = {
        "full_name": "Amina Benali",
        "contact": "amina@example.org",
        "language": "ar",
        "people": "2",
        "consent": "on",
        portal_forms.TOKEN_FIELD: token(),
        portal_forms.HONEYPOT_FIELD: "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def event(org_a):
    return public_event(org_a, capacity=3, venue="Piazza Dante", municipality=municipality("Napoli"))


def url(name, *args, language="it"):
    with translation.override(language):
        return reverse(name, args=args)


# ---------------------------------------------------------------------------------------------- list


def test_the_calendar_lists_upcoming_public_events_only(client, org_a, event):
    past = public_event(
        org_a,
        title="Evento passato",
        start_date=TODAY - datetime.timedelta(days=5),
        end_date=TODAY - datetime.timedelta(days=1),
    )
    cancelled = public_event(org_a, title="Evento annullato", status=ActivityStatus.CANCELLED)
    course = make_activity(org_a, title="Corso riservato")
    running = public_event(
        org_a, title="In corso", start_date=TODAY - datetime.timedelta(days=2), end_date=TODAY
    )
    response = client.get(url("events:list"), **BROWSER)
    assert response.status_code == 200
    titles = [activity.title for activity in response.context["page"].object_list]
    assert titles == ["In corso", "Festa dei popoli"]
    for hidden in (past, cancelled, course):
        assert hidden.title not in response.content.decode()
    assert running.title in response.content.decode()


def test_the_calendar_filters_by_province_municipality_and_month(client, org_a, event):
    public_event(org_a, title="A Salerno", municipality=municipality("Salerno"))
    far = TODAY + datetime.timedelta(days=70)
    public_event(org_a, title="Più avanti", start_date=far, end_date=far)
    salerno = municipality("Salerno")
    by_province = client.get(url("events:list"), {"province": salerno.province_id})
    assert [a.title for a in by_province.context["page"].object_list] == ["A Salerno"]
    by_town = client.get(url("events:list"), {"municipality": municipality("Napoli").pk})
    assert {a.title for a in by_town.context["page"].object_list} == {"Festa dei popoli", "Più avanti"}
    month = far.strftime("%Y-%m")
    by_month = client.get(url("events:list"), {"month": month})
    assert [a.title for a in by_month.context["page"].object_list] == ["Più avanti"]


def test_wrong_filter_values_are_ignored_not_an_error(client, event):
    response = client.get(
        url("events:list"), {"province": "x", "municipality": "999999", "month": "2020-99", "page": "z"}
    )
    assert response.status_code == 200
    assert [a.title for a in response.context["page"].object_list] == ["Festa dei popoli"]


def test_the_calendar_shows_places_left_and_full_events(client, org_a, event):
    full = public_event(org_a, title="Pieno", capacity=1)
    register(full)
    register(event)
    page = client.get(url("events:list", language="en")).content.decode()
    assert "2 places left" in page
    assert "Full: join the waiting list" in page


def test_the_calendar_query_count_does_not_grow_with_events(client, org_a, django_assert_max_num_queries):
    for n in range(12):
        register(public_event(org_a, title=f"Evento {n}"))
    with django_assert_max_num_queries(4):
        response = client.get(url("events:list"))
    assert len(response.context["page"].object_list) == 12


def test_views_are_counted_without_any_visitor_data(client, event):
    client.get(url("events:list"), **BROWSER)
    client.get(url("events:detail", event.pk, language="ar"), **BROWSER)
    assert set(PageCount.objects.values_list("page", "key", "language", "count")) == {
        ("events", "", "it", 1),
        ("events", str(event.pk), "ar", 1),
    }


# -------------------------------------------------------------------------------------------- detail


def test_the_event_page_shows_dates_venue_organiser_and_places(client, event, org_a):
    response = client.get(url("events:detail", event.pk, language="en"))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Piazza Dante" in page and org_a.name in page and "3 places left" in page
    assert url("events:register", event.pk, language="en") in page


@pytest.mark.parametrize("audience", [Audience.PARTICIPANTS, Audience.OPERATORS, Audience.ASSOCIATIONS])
def test_activities_not_open_to_the_public_are_not_found(client, org_a, audience):
    activity = public_event(org_a, audience=audience)
    assert client.get(url("events:detail", activity.pk)).status_code == 404
    assert client.get(url("events:register", activity.pk)).status_code == 404
    assert client.post(url("events:register", activity.pk), form_data()).status_code == 404
    assert not PublicRegistration.objects.exists()


def test_a_past_event_is_shown_with_registration_closed(client, org_a):
    past = public_event(
        org_a, start_date=TODAY - datetime.timedelta(days=3), end_date=TODAY - datetime.timedelta(days=1)
    )
    assert (
        "registration is closed" in client.get(url("events:detail", past.pk, language="en")).content.decode()
    )
    closed = client.get(url("events:register", past.pk, language="en"))
    assert closed.status_code == 200 and "Registration closed" in closed.content.decode()
    response = client.post(url("events:register", past.pk), form_data())
    assert response.status_code == 400
    assert not PublicRegistration.objects.exists()


def test_a_cancelled_event_says_so_and_takes_no_registration(client, org_a):
    cancelled = public_event(org_a, status=ActivityStatus.CANCELLED)
    # The Italian page (the default language) shows the translated notice.
    assert (
        "Questo evento è stato annullato." in client.get(url("events:detail", cancelled.pk)).content.decode()
    )
    assert client.post(url("events:register", cancelled.pk), form_data()).status_code == 404
    assert not PublicRegistration.objects.exists()


# -------------------------------------------------------------------------------------- registration


def test_registering_saves_the_registration_and_shows_the_codes_without_a_cookie(client, event):
    form = client.get(url("events:register", event.pk, language="ar"))
    assert form.status_code == 200 and not form.cookies
    assert 'dir="rtl"' in form.content.decode()
    assert url("portal:privacy", language="ar") in form.content.decode()
    response = client.post(url("events:register", event.pk, language="ar"), form_data())
    assert response.status_code == 302 and not response.cookies
    registration = PublicRegistration.objects.get()
    assert (registration.full_name, registration.contact, registration.language, registration.people) == (
        "Amina Benali",
        "amina@example.org",
        "ar",
        2,
    )
    assert registration.status == RegistrationStatus.CONFIRMED
    assert (
        response["Location"]
        == url("events:registration", registration.cancel_token, language="ar") + "?done=registered"
    )
    page = client.get(response["Location"])
    assert page.status_code == 200 and not page.cookies
    text = page.content.decode()
    assert registration.confirmation_code in text and registration.checkin_code in text
    assert url("events:cancel", registration.cancel_token, language="ar") in text
    assert page["Referrer-Policy"] == "no-referrer" and "no-store" in page["Cache-Control"]


def test_registering_when_full_puts_the_visitor_on_the_waiting_list(client, event):
    register(event, people=3, contact="first@example.org")
    assert (
        "Join the waiting list"
        in client.get(url("events:register", event.pk, language="en")).content.decode()
    )
    response = client.post(
        url("events:register", event.pk, language="en"), form_data(people="1"), follow=True
    )
    assert PublicRegistration.objects.get(contact="amina@example.org").status == RegistrationStatus.WAITING
    assert "On the waiting list" in response.content.decode()


def test_the_confirmation_email_goes_out_after_registering(
    client, event, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("events:register", event.pk), form_data(language="fr"))
    assert len(mailoutbox) == 1 and mailoutbox[0].to == ["amina@example.org"]
    assert "/fr/eventi/iscrizione/" in mailoutbox[0].body


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"full_name": " "}, "full_name"),
        ({"contact": "nessuno"}, "contact"),
        ({"people": "6"}, "people"),
        ({"people": "0"}, "people"),
        ({"consent": ""}, "consent"),
        ({"language": "xx"}, "language"),
    ],
)
def test_an_invalid_registration_shows_the_error_and_saves_nothing(client, event, changes, field):
    response = client.post(url("events:register", event.pk), form_data(**changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not response.cookies
    assert not PublicRegistration.objects.exists()


# ---------------------------------------------------------------------------------- form protection


@pytest.mark.parametrize(
    "changes, headers, status",
    [
        (lambda: {portal_forms.TOKEN_FIELD: ""}, {}, 400),
        (lambda: {portal_forms.TOKEN_FIELD: "forged:abc:def"}, {}, 400),
        (lambda: {portal_forms.TOKEN_FIELD: token(age=0)}, {}, 400),
        (lambda: {portal_forms.TOKEN_FIELD: token(age=3 * 60 * 60)}, {}, 400),
        (lambda: {portal_forms.TOKEN_FIELD: token(purpose="service-feedback")}, {}, 400),
        (lambda: {portal_forms.HONEYPOT_FIELD: "http://spam.example"}, {}, 400),
        (dict, {"HTTP_ORIGIN": "https://evil.example"}, 400),
        (dict, {"HTTP_ORIGIN": "null"}, 400),
        (dict, {"HTTP_SEC_FETCH_SITE": "cross-site"}, 400),
    ],
    ids=[
        "no-token",
        "forged",
        "too-fast",
        "expired",
        "other-form",
        "honeypot",
        "origin",
        "null-origin",
        "fetch-site",
    ],
)
def test_suspicious_posts_are_refused_with_a_friendly_page_and_nothing_saved(
    client, event, changes, headers, status
):
    response = client.post(url("events:register", event.pk, language="uk"), form_data(**changes()), **headers)
    assert response.status_code == status
    assert '<html lang="uk"' in response.content.decode()
    assert not response.cookies
    assert not PublicRegistration.objects.exists()


def test_a_post_from_the_site_itself_is_accepted(client, event):
    response = client.post(
        url("events:register", event.pk),
        form_data(),
        HTTP_ORIGIN="http://testserver",
        HTTP_SEC_FETCH_SITE="same-origin",
    )
    assert response.status_code == 302


@override_settings(PORTAL_FORM_RATE_LIMIT=2)
def test_too_many_posts_from_one_address_are_refused(event):
    client = Client(REMOTE_ADDR="203.0.113.9")
    for n in range(2):
        assert (
            client.post(url("events:register", event.pk), form_data(contact=f"p{n}@example.org")).status_code
            == 302
        )
    refused = client.post(url("events:register", event.pk), form_data(contact="p3@example.org"))
    assert refused.status_code == 429 and refused["Retry-After"]
    assert PublicRegistration.objects.count() == 2
    other = Client(REMOTE_ADDR="198.51.100.7")
    assert (
        other.post(url("events:register", event.pk), form_data(contact="p4@example.org")).status_code == 302
    )


def test_the_register_view_does_not_need_the_csrf_cookie(event):
    client = Client(enforce_csrf_checks=True)
    assert client.post(url("events:register", event.pk), form_data()).status_code == 302


# ------------------------------------------------------------------------------------- registration page


def test_an_unknown_token_is_not_found(client, event):
    register(event)
    for token_value in ("nope", "x" * 43, "x" * 100):
        assert client.get(url("events:registration", token_value)).status_code == 404
        assert client.get(url("events:cancel", token_value)).status_code == 404
        assert (
            client.post(
                url("events:cancel", token_value), {portal_forms.TOKEN_FIELD: token("event-cancel")}
            ).status_code
            == 404
        )


def test_cancelling_asks_for_confirmation_then_frees_the_place_for_the_waiting_list(
    client, event, mailoutbox, django_capture_on_commit_callbacks
):
    first = register(event, people=3)
    waiting = register(event, contact="youssef@example.org")
    confirm = client.get(url("events:cancel", first.cancel_token, language="en"))
    assert confirm.status_code == 200 and not confirm.cookies
    first.refresh_from_db()
    assert first.status == RegistrationStatus.CONFIRMED  # GET changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url("events:cancel", first.cancel_token, language="en"),
            {portal_forms.TOKEN_FIELD: token("event-cancel")},
        )
    assert response.status_code == 302 and response["Location"].endswith("?done=cancelled")
    assert not response.cookies
    first.refresh_from_db()
    waiting.refresh_from_db()
    assert first.status == RegistrationStatus.CANCELLED
    assert waiting.status == RegistrationStatus.CONFIRMED
    assert [m.to for m in mailoutbox] == [["youssef@example.org"]]
    page = client.get(response["Location"]).content.decode()
    assert (
        "has been cancelled" in page and url("events:cancel", first.cancel_token, language="en") not in page
    )


def test_cancelling_without_a_valid_form_token_changes_nothing(client, event):
    registration = register(event)
    response = client.post(url("events:cancel", registration.cancel_token), {})
    assert response.status_code == 400
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_a_registration_of_a_past_event_can_no_longer_be_cancelled(client, event):
    registration = register(event)
    event.start_date = event.end_date = TODAY - datetime.timedelta(days=1)
    event.save()
    assert (
        url("events:cancel", registration.cancel_token)
        not in client.get(url("events:registration", registration.cancel_token)).content.decode()
    )
    response = client.post(
        url("events:cancel", registration.cancel_token), {portal_forms.TOKEN_FIELD: token("event-cancel")}
    )
    assert response.status_code == 400
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_the_places_left_are_never_negative(event, operator_a, org_a):
    register(event, people=3)
    event.capacity = 1
    event.save()
    assert actions_events.places_left(event) == 0
