"""Privacy-friendly usage counts: one daily counter per page, record and language; no visitor data."""

from __future__ import annotations

import pytest
from django.db import DatabaseError
from django.utils import timezone

from conftest import client_for
from directory.models import PageCount
from directory.tests.factories import make_article, make_service
from directory.usage import is_bot

pytestmark = pytest.mark.django_db

PHONE_BROWSER = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 Chrome/124.0 Mobile Safari/537.36"


def counts() -> dict[tuple[str, str, str], int]:
    return {(c.page, c.key, c.language): c.count for c in PageCount.objects.all()}


def test_each_view_adds_one_to_todays_counter_without_setting_a_cookie(client):
    for _ in range(3):
        response = client.get("/", HTTP_USER_AGENT=PHONE_BROWSER)
        assert response.cookies == {}
    client.get("/ar/", HTTP_USER_AGENT=PHONE_BROWSER)
    assert counts() == {("home", "", "it"): 3, ("home", "", "ar"): 1}
    assert PageCount.objects.get(language="it").day == timezone.localdate()


def test_service_and_information_pages_are_counted_per_record(client):
    service = make_service("Sportello")
    make_article(slug="guida")
    client.get(f"/fr/servizi/{service.pk}/", HTTP_USER_AGENT=PHONE_BROWSER)
    client.get("/informazioni/guida/", HTTP_USER_AGENT=PHONE_BROWSER)
    client.get("/servizi/?need=health&q=mario+rossi", HTTP_USER_AGENT=PHONE_BROWSER)
    assert counts() == {
        ("service", str(service.pk), "fr"): 1,
        ("article", "guida", "it"): 1,
        # The need is kept, never the words typed: they could be personal data.
        ("search", "health", "it"): 1,
    }


def test_a_count_row_holds_nothing_about_the_visitor():
    fields = {field.name for field in PageCount._meta.get_fields()}
    assert fields == {"id", "day", "page", "key", "language", "count"}


@pytest.mark.parametrize(
    "agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "Mozilla/5.0 (compatible; bingbot/2.0)",
        "facebookexternalhit/1.1",
        "curl/8.5.0",
        "python-requests/2.32",
        "",
    ],
)
def test_crawlers_and_scripts_are_not_counted(client, agent):
    assert is_bot(_request(agent))
    client.get("/", HTTP_USER_AGENT=agent)
    assert counts() == {}


def test_logged_in_staff_are_not_counted(operator_a):
    response = client_for(operator_a).get("/", HTTP_USER_AGENT=PHONE_BROWSER)
    assert response.status_code == 200
    assert counts() == {}


def test_a_failing_counter_never_fails_the_page(client, monkeypatch):
    def broken(*args, **kwargs):
        raise DatabaseError("database is locked")

    monkeypatch.setattr(PageCount.objects, "filter", broken)
    response = client.get("/", HTTP_USER_AGENT=PHONE_BROWSER)
    assert response.status_code == 200
    monkeypatch.undo()
    assert counts() == {}


def _request(agent):
    from django.test import RequestFactory

    return RequestFactory().get("/", HTTP_USER_AGENT=agent)
