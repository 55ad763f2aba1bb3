"""The search page, through the view: ranking sanity in several languages, every filter, bad input, paging,
query counts and page weight."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from directory.forms_public import find_municipality
from directory.models import EditorialState
from directory.tests.factories import make_service

pytestmark = pytest.mark.django_db


def found(response) -> list[str]:
    assert response.status_code == 200
    return [service.name for service in response.context["result"].services]


@pytest.fixture
def permit():
    return make_service(
        "Sportello permesso di soggiorno",
        needs=("residence-permit",),
        description="Aiuto per la richiesta e il rinnovo del permesso di soggiorno.",
        languages=("it", "ar", "fr"),
        translations={
            "fr": {
                "name": "Guichet titre de séjour",
                "description": "Aide pour demander le titre de séjour.",
            },
            "ar": {"name": "مكتب تصريح الإقامة", "description": "مساعدة في طلب وتجديد تصريح الإقامة."},
        },
    )


@pytest.fixture
def italian_course():
    return make_service(
        "Corso di italiano per adulti",
        needs=("italian-courses",),
        town="Salerno",
        is_free=False,
        languages=("it", "en"),
        hours=(("SA", datetime.time(9), datetime.time(12)),),
        translations={"fr": {"name": "Cours d'italien pour adultes"}},
    )


@pytest.fixture
def health_desk():
    return make_service(
        "Iscrizione al Servizio sanitario",
        needs=("health",),
        town="Caserta",
        hours=(),
        by_appointment=True,
        description="Tessera sanitaria e scelta del medico di base.",
    )


@pytest.fixture
def directory(permit, italian_course, health_desk):
    return permit, italian_course, health_desk


# --- ranking sanity ----------------------------------------------------------------------------------------


def test_a_french_query_finds_the_french_text(client, directory):
    response = client.get("/fr/servizi/", {"q": "séjour"})
    assert found(response) == ["Sportello permesso di soggiorno"]
    assert "Guichet titre de séjour" in response.content.decode()  # the card shows the French name


def test_an_arabic_query_finds_the_arabic_text(client, directory):
    response = client.get("/ar/servizi/", {"q": "الإقامة"})
    assert found(response) == ["Sportello permesso di soggiorno"]
    assert "مكتب تصريح الإقامة" in response.content.decode()


def test_an_arabic_query_without_hamza_still_finds_the_arabic_text(client, directory):
    assert found(client.get("/ar/servizi/", {"q": "الاقامة"})) == ["Sportello permesso di soggiorno"]


@pytest.mark.parametrize("prefix", ["", "/en", "/fr", "/ar", "/uk", "/zh-hans", "/bn", "/ur"])
def test_an_italian_word_finds_the_service_in_every_language(client, directory, prefix):
    assert found(client.get(prefix + "/servizi/", {"q": "permesso"})) == ["Sportello permesso di soggiorno"]


def test_a_match_in_the_name_ranks_above_a_match_in_the_description(client, directory):
    make_service("Mediazione culturale", description="Anche per chi segue un corso di italiano.")
    assert found(client.get("/servizi/", {"q": "corso"}))[0] == "Corso di italiano per adulti"


def test_a_service_shown_in_italian_for_want_of_a_translation_is_marked_as_italian(client, directory):
    html = client.get("/ar/servizi/", {"q": "sanitario"}).content.decode()
    assert '<a href="/ar/servizi/' in html
    assert (
        'lang="it" dir="ltr">Iscrizione al Servizio sanitario</a><span class="in-italian" dir="auto">' in html
    )


# --- filters -----------------------------------------------------------------------------------------------


def test_the_need_filter_keeps_only_services_for_that_need(client, directory):
    assert found(client.get("/servizi/", {"need": "health"})) == ["Iscrizione al Servizio sanitario"]


def test_the_municipality_filter_ignores_case_and_accents(client, directory):
    assert found(client.get("/servizi/", {"municipality": "SALERNO"})) == ["Corso di italiano per adulti"]


def test_the_province_filter_keeps_services_in_that_province(client, directory):
    assert found(client.get("/servizi/", {"province": "CE"})) == ["Iscrizione al Servizio sanitario"]
    assert found(client.get("/servizi/", {"province": "NA"})) == ["Sportello permesso di soggiorno"]


def test_the_language_spoken_filter_offers_and_applies_the_languages_services_list(client, directory):
    response = client.get("/servizi/", {"spoken": "ar"})
    assert found(response) == ["Sportello permesso di soggiorno"]
    html = response.content.decode()
    assert '<option value="ar" selected>العربية</option>' in html
    assert '<option value="en">English</option>' in html


def test_the_free_filter_leaves_out_paid_services(client, directory):
    assert "Corso di italiano per adulti" not in found(client.get("/servizi/", {"free": "on"}))


def _this_week(weekday: int, hour: int) -> datetime.datetime:
    today = timezone.localtime()
    monday = today - datetime.timedelta(days=today.weekday())
    return (monday + datetime.timedelta(days=weekday)).replace(hour=hour, minute=0, second=0, microsecond=0)


def _freeze(monkeypatch, moment: datetime.datetime) -> None:
    monkeypatch.setattr(timezone, "now", lambda: moment)


def test_open_now_on_a_monday_morning_keeps_the_weekday_service(client, directory, monkeypatch):
    _freeze(monkeypatch, _this_week(0, 10))
    response = client.get("/servizi/", {"open_now": "on"})
    assert found(response) == ["Sportello permesso di soggiorno"]
    assert "badge-open" in response.content.decode()


def test_open_now_on_a_saturday_morning_keeps_the_saturday_course(client, directory, monkeypatch):
    _freeze(monkeypatch, _this_week(5, 10))
    assert found(client.get("/servizi/", {"open_now": "on"})) == ["Corso di italiano per adulti"]


def test_a_service_by_appointment_only_is_never_open_now_but_says_so(client, directory, monkeypatch):
    _freeze(monkeypatch, _this_week(2, 10))
    assert "Iscrizione al Servizio sanitario" not in found(client.get("/servizi/", {"open_now": "on"}))
    html = client.get("/en/servizi/", {"need": "health"}).content.decode()
    assert "By appointment only" in html


def test_the_card_shows_todays_hours_and_how_to_access(client, directory, monkeypatch):
    _freeze(monkeypatch, _this_week(0, 15))
    html = client.get("/en/servizi/", {"q": "permesso"}).content.decode()
    assert "09:00 – 13:00" in html
    assert "Closed now" in html
    assert "Passaporto" in html  # documents to bring
    assert "Via Roma 1, 80100 Napoli" in html


def test_a_shared_position_sorts_by_distance_and_shows_it(client):
    make_service("Lontano", town="Salerno", latitude=40.6824, longitude=14.7681)
    make_service("Vicino", town="Napoli", latitude=40.8518, longitude=14.2681)
    response = client.get("/en/servizi/", {"near": "40.85,14.27"})
    assert found(response) == ["Vicino", "Lontano"]
    assert "km away" in response.content.decode()


def test_filters_combine(client, directory):
    make_service("Sportello permesso Salerno", town="Salerno", needs=("residence-permit",))
    response = client.get("/servizi/", {"q": "permesso", "province": "SA", "need": "residence-permit"})
    assert found(response) == ["Sportello permesso Salerno"]


@pytest.mark.parametrize(
    "changes",
    [
        {"state": EditorialState.DRAFT},
        {"state": EditorialState.ARCHIVED},
        {"verified_days_ago": 500},
        {"verified_days_ago": None},
    ],
    ids=["draft", "archived", "stale", "never-verified"],
)
def test_services_that_are_not_public_never_appear_in_results(client, directory, changes):
    make_service("Servizio nascosto permesso", **changes)
    assert "Servizio nascosto permesso" not in found(client.get("/servizi/", {"q": "permesso"}))
    assert "Servizio nascosto permesso" not in found(client.get("/servizi/"))


# --- bad input ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"need": "../../etc/passwd"},
        {"province": "ZZ"},
        {"municipality": "<script>alert(1)</script>"},
        {"municipality": "x" * 500},
        {"spoken": "klingon"},
        {"near": "91,200"},
        {"near": "nan,nan"},
        {"near": "inf,-inf"},
        {"near": "40.8"},
        {"page": "abc"},
        {"page": "-1"},
        {"page": "99999999999999999999"},
        {"q": "x" * 5000},
        {"q": "100%_"},
        {"q": "a\x00b"},
        {"open_now": "maybe", "free": "[]"},
        {"q": "   ", "municipality": "   "},
    ],
)
def test_bad_filter_values_never_fail_the_page(client, directory, params):
    response = client.get("/servizi/", params)
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_an_unknown_town_gets_a_friendly_message_and_suggestions(client, directory):
    response = client.get("/servizi/", {"municipality": "Salernoo", "need": "italian-courses"})
    html = response.content.decode()
    # The Italian page (the default language) says it in Italian, with the name the visitor typed.
    assert "Non abbiamo trovato un comune chiamato “Salernoo” in Campania." in html
    assert 'href="/servizi/?need=italian-courses&amp;municipality=Salerno"' in html
    # The other filters still apply.
    assert found(response) == ["Corso di italiano per adulti"]


def test_a_town_outside_the_chosen_province_wins_and_says_so(client, directory):
    response = client.get("/en/servizi/", {"municipality": "Salerno", "province": "NA"})
    assert found(response) == ["Corso di italiano per adulti"]
    assert "Salerno is in the province of Salerno" in response.content.decode()


def test_town_names_match_without_apostrophes_or_accents():
    place, suggestions = find_municipality("sant anastasia")
    assert place is not None and place.name == "Sant'Anastasia"
    assert suggestions == []


def test_zero_results_suggest_removing_each_filter(client, directory):
    response = client.get("/servizi/", {"q": "permesso", "province": "CE"})
    html = response.content.decode()
    assert found(response) == []
    assert 'href="/servizi/?province=CE"' in html  # without the words
    assert 'href="/servizi/?q=permesso"' in html  # without the province
    assert "permesso di soggiorno" in html  # the hint to try Italian words
    assert 'href="/informazioni/"' in html


# --- paging, query counts, weight --------------------------------------------------------------------------


def test_pagination_links_keep_the_filters(client):
    for n in range(25):
        make_service(f"Servizio permesso {n:02d}", index=True)
    response = client.get("/servizi/", {"q": "permesso", "free": "on"})
    html = response.content.decode()
    assert response.context["result"].pages == 2
    assert 'href="?q=permesso&amp;free=on&amp;page=2"' in html
    second = client.get("/servizi/", {"q": "permesso", "free": "on", "page": "2"})
    assert len(found(second)) == 5


def _queries(client, params) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get("/servizi/", params).status_code == 200
    return len(context)


@pytest.mark.parametrize("params", [{}, {"q": "servizio"}, {"need": "residence-permit", "free": "on"}])
def test_the_number_of_queries_does_not_grow_with_the_results(client, params):
    for n in range(5):
        make_service(
            f"Servizio numero {n}", languages=("it", "ar"), documents=("Passaporto", "Codice fiscale")
        )
    with_five = _queries(client, params)
    for n in range(5, 20):
        make_service(
            f"Servizio numero {n}", languages=("it", "ar"), documents=("Passaporto", "Codice fiscale")
        )
    with_twenty = _queries(client, params)
    assert with_five == with_twenty
    assert with_twenty <= 25


def test_a_page_of_twenty_results_weighs_less_than_60_kb(client):
    for n in range(20):
        make_service(
            f"Servizio di orientamento numero {n}",
            description="Orientamento ai servizi del territorio. " * 10,
            application_process="Presentarsi allo sportello con un documento di identità. " * 5,
            languages=("it", "ar", "fr", "en"),
            documents=("Passaporto", "Codice fiscale", "Permesso di soggiorno"),
        )
    response = client.get("/ar/servizi/")
    assert len(found(response)) == 20
    assert len(response.content) < 60_000, len(response.content)
