"""The portal's results page (/risultati/): public, cookie-free, in the address's language, and under
disclosure control (a count of 3 is "<5", 12 is "10")."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.utils import timezone

from conftest import make_participant
from monitoring.tests.test_views import serve
from monitoring.views_public import figures
from people.models import Sex

pytestmark = pytest.mark.django_db

PHONE_BROWSER = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/120.0 Mobile Safari/537.36"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def row(response, code: str) -> dict:
    """The whole-project row of an indicator, as the template gets it."""
    project = next(table for table in response.context["tables"] if table["id"] == "project")
    return next(line for line in project["rows"] if line["indicator"].code == code)


@pytest.mark.parametrize(
    ("prefix", "lang", "direction"), [("", "it", "ltr"), ("/en", "en", "ltr"), ("/ar", "ar", "rtl")]
)
def test_results_page_answers_in_each_language_without_a_cookie_or_a_login(client, prefix, lang, direction):
    response = client.get(f"{prefix}/risultati/", HTTP_USER_AGENT=PHONE_BROWSER)
    assert response.status_code == 200
    assert response.cookies == {}
    html = response.content.decode()
    assert f'<html lang="{lang}" dir="{direction}">' in html
    assert "csrfmiddlewaretoken" not in html
    assert 'id="disclosure-note"' in html


def test_results_are_always_controlled(client, org_a, org_b, operator_a, operator_b):
    for n in range(3):
        serve(make_participant(org_a, last_name=f"Napoli{n}"), org_a, operator_a)
    html = client.get("/risultati/").content.decode()
    assert row(client.get("/risultati/"), "O.2.3")["total"] == "<5"
    assert "&lt;5" in html
    assert "Napoli0" not in html
    cache.clear()
    for n in range(9):
        serve(make_participant(org_b, last_name=f"Caserta{n}", sex=Sex.MALE), org_b, operator_b)
    response = client.get("/en/risultati/")
    line = row(response, "O.2.3")
    assert line["total"] == "10"  # 12 rounded to 5
    provinces = dict(zip([p.name for p in response.context["provinces"]], line["provinces"], strict=True))
    assert provinces["Napoli"] == "10" and provinces["Salerno"] == "0"  # all 12 live in Napoli
    assert "values under 5 are shown as &lt;5" in response.content.decode()


def test_results_figures_are_cached_so_the_page_stays_cheap(
    client, org_a, operator_a, django_assert_max_num_queries
):
    serve(make_participant(org_a), org_a, operator_a)
    client.get("/risultati/")
    assert figures(timezone.localdate())["O.2.3"]["project"]["total"] == "<5"
    with django_assert_max_num_queries(8):
        response = client.get("/ar/risultati/")
    assert response.status_code == 200 and row(response, "O.2.3")["total"] == "<5"


def test_results_page_names_no_one_and_has_no_workspace_links(client, participant_a, org_a, operator_a):
    serve(participant_a, org_a, operator_a)
    html = client.get("/risultati/").content.decode()
    assert participant_a.last_name not in html
    assert "/area-riservata/monitoraggio/" not in html
