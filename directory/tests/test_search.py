"""Public search: text in the visitor's language with Italian fallback, ranking sanity, and every filter."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.utils import timezone

from conftest import municipality
from directory import search
from directory.models import EditorialState, SearchEntry, ServiceStatus
from directory.search import Filters
from directory.tests.factories import make_service, need

pytestmark = pytest.mark.django_db


def names(result):
    return [service.name for service in result.services]


@pytest.fixture
def housing():
    return make_service(
        "Sportello casa",
        needs=("housing",),
        description="Aiuto nella ricerca di un alloggio in affitto.",
        translations={
            "fr": {"name": "Guichet logement", "description": "Aide pour trouver un logement à louer."},
            "ar": {"name": "مكتب السكن", "description": "مساعدة في إيجاد سكن للإيجار."},
            "zh-hans": {"name": "住房服务窗口", "description": "帮助寻找出租房屋。"},
        },
    )


@pytest.fixture
def health():
    return make_service(
        "Iscrizione al Servizio sanitario",
        needs=("health",),
        town="Caserta",
        description="Tessera sanitaria e scelta del medico di base.",
        translations={"fr": {"name": "Inscription au service de santé"}},
    )


def test_french_query_finds_the_french_text(housing, health):
    assert names(search.search(Filters(query="logement"), "fr")) == ["Sportello casa"]


def test_arabic_query_finds_the_arabic_text(housing, health):
    assert names(search.search(Filters(query="السكن"), "ar")) == ["Sportello casa"]


def test_arabic_query_matches_without_diacritics_and_letter_variants(housing):
    # "السَّكَن" with vowel marks, as some keyboards type it.
    assert names(search.search(Filters(query="السَّكَن"), "ar")) == ["Sportello casa"]


def test_chinese_query_matches_inside_words_without_spaces(housing):
    assert names(search.search(Filters(query="住房"), "zh-hans")) == ["Sportello casa"]


def test_untranslated_service_is_found_by_its_italian_text_in_any_language(housing, health):
    # The health service has no Ukrainian translation: its Italian text stands in for it.
    assert names(search.search(Filters(query="medico"), "uk")) == ["Iscrizione al Servizio sanitario"]


def test_italian_words_still_find_a_translated_service(housing):
    assert names(search.search(Filters(query="casa"), "fr")) == ["Sportello casa"]


def test_translated_need_name_finds_the_service(housing, health):
    # "Santé" is the French name of the need, not a word of the service's own text.
    assert names(search.search(Filters(query="santé"), "fr")) == ["Iscrizione al Servizio sanitario"]


def test_name_match_ranks_above_a_body_match():
    make_service("Orientamento", description="Informazioni sul corso di italiano serale.")
    make_service("Corso di italiano", description="Lezioni gratuite.")
    assert names(search.search(Filters(query="italiano"), "it")) == ["Corso di italiano", "Orientamento"]


def test_every_word_of_the_query_must_match(housing, health):
    assert names(search.search(Filters(query="sportello medico"), "it")) == []


def test_accents_and_case_are_ignored():
    make_service("Centro per l'impiego", description="Attività di orientamento è gratuita.")
    assert names(search.search(Filters(query="ATTIVITA"), "it")) == ["Centro per l'impiego"]


def test_draft_archived_stale_and_closed_services_are_never_found():
    make_service("Visibile uno")
    make_service("Bozza uno", state=EditorialState.DRAFT)
    make_service("Scaduto uno", verified_days_ago=600)
    make_service("Chiuso uno", status=ServiceStatus.DEFUNCT)
    assert names(search.search(Filters(query="uno"), "it")) == ["Visibile uno"]
    assert names(search.search(Filters(), "it")) == ["Visibile uno"]


def test_need_filter_includes_child_terms(housing, health):
    assert names(search.search(Filters(need=need("health")), "it")) == ["Iscrizione al Servizio sanitario"]


def test_place_filters_use_locations_and_service_areas(housing, health):
    napoli, caserta = municipality("Napoli"), municipality("Caserta")
    assert names(search.search(Filters(municipality=napoli), "it")) == ["Sportello casa"]
    assert names(search.search(Filters(province=caserta.province), "it")) == [
        "Iscrizione al Servizio sanitario"
    ]
    housing.service_areas.create(province=caserta.province, name="Provincia di Caserta")
    assert set(names(search.search(Filters(municipality=caserta), "it"))) == {
        "Sportello casa",
        "Iscrizione al Servizio sanitario",
    }


def test_language_spoken_and_free_filters():
    make_service("Con arabo", languages=("it", "ar"), is_free=False)
    make_service("Solo italiano", languages=("it",))
    assert names(search.search(Filters(language_spoken="ar"), "it")) == ["Con arabo"]
    assert names(search.search(Filters(free_only=True), "it")) == ["Solo italiano"]


def test_open_now_reads_weekly_hours_and_skips_appointment_only():
    # Wednesday 25 November 2026, 10:30 in Rome.
    wednesday_morning = timezone.make_aware(datetime.datetime(2026, 11, 25, 10, 30))
    make_service("Mattina", hours=(("MO,WE", datetime.time(9), datetime.time(12)),))
    make_service("Pomeriggio", hours=(("WE", datetime.time(15), datetime.time(18)),))
    make_service("Su appuntamento", hours=(), by_appointment=True)
    result = search.search(Filters(open_now=True), "it", now=wednesday_morning)
    assert names(result) == ["Mattina"]
    [service] = result.services
    assert search.is_open_now(service, now=wednesday_morning) is True


def test_near_orders_by_distance_and_reports_kilometres():
    make_service("Lontano", latitude=41.07, longitude=14.33)  # Caserta
    make_service("Vicino", latitude=40.853, longitude=14.268)  # Napoli centro
    make_service("Senza coordinate")
    result = search.search(Filters(near=(40.85, 14.27)), "it")
    assert names(result) == ["Vicino", "Lontano", "Senza coordinate"]
    assert result.distances[result.services[0].pk] < 1
    assert 20 < result.distances[result.services[1].pk] < 30


def test_results_are_paged():
    for n in range(25):
        make_service(f"Servizio {n:02d}")
    first = search.search(Filters(), "it", page=1)
    last = search.search(Filters(), "it", page=99)
    assert first.total == 25 and first.pages == 2 and len(first.services) == 20
    assert last.page == 2 and len(last.services) == 5


def test_query_count_does_not_grow_with_the_number_of_results(django_assert_max_num_queries):
    for n in range(3):
        make_service(f"Pochi {n}")
    with django_assert_max_num_queries(20) as few:
        search.search(Filters(query="pochi"), "fr")
    for n in range(15):
        make_service(f"Pochi altri {n}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        result = search.search(Filters(query="pochi"), "fr")
    assert result.total == 18


def test_index_has_one_entry_per_active_language_and_rebuild_is_idempotent(housing):
    assert SearchEntry.objects.filter(service=housing).count() == 8
    search.rebuild_index()
    search.rebuild_index()
    assert SearchEntry.objects.filter(service=housing).count() == 8
    entry = SearchEntry.objects.get(service=housing, language="fr")
    assert entry.name == "guichet logement"


def test_normalise_folds_case_accents_and_arabic_variants():
    assert search.normalise("Perché  ÈCCO!") == "perche ecco"
    assert search.normalise("أحمد") == search.normalise("احمد")
    assert search.tokens("a il permesso") == ["il", "permesso"]


def test_normalise_keeps_indic_vowel_signs_inside_words():
    # "া" and "ে" are spacing combining marks: a Bengali word must not break on them.
    assert len(search.normalise("বসবাসের অনুমতিপত্র").split()) == 2
    assert search.tokens("বাসা") == ["বাসা"]


def test_a_service_that_falls_past_the_verification_cutoff_disappears_without_reindexing():
    make_service("Verificato da poco", verified_days_ago=30)
    now = timezone.now()
    assert names(search.search(Filters(query="verificato"), "it", now=now)) == ["Verificato da poco"]
    # Fifteen months on, nobody has verified it again: hidden, although its entries are still there.
    later = now + datetime.timedelta(days=470)
    assert SearchEntry.objects.exists()
    assert search.search(Filters(query="verificato"), "it", now=later).total == 0
    assert search.search(Filters(), "it", now=later).total == 0


def test_one_query_counts_and_pages_the_matches(django_assert_num_queries):
    for n in range(25):
        make_service(f"Corso {n:02d}")
    with django_assert_num_queries(1):
        entries = search.matching_entries(Filters(query="corso"), "it", ["corso"])
        assert entries.count() == 25
    second = search.search(Filters(query="corso"), "it", page=2)
    assert second.total == 25 and names(second) == [f"Corso {n:02d}" for n in range(20, 25)]


@pytest.mark.skipif(connection.vendor != "sqlite", reason="row placement is SQLite's table order")
def test_on_sqlite_each_language_has_its_own_block_of_ids(housing, health):
    search.index_service(housing.pk)  # re-indexing appends inside the blocks
    blocks = {}
    for pk, language in SearchEntry.objects.values_list("pk", "language"):
        blocks.setdefault(language, set()).add(pk >> 40)
    assert all(len(block) == 1 for block in blocks.values())
    assert len({next(iter(block)) for block in blocks.values()}) == len(blocks)
