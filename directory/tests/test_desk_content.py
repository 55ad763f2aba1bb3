"""Information pages, content languages and needs on the editorial desk."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import municipality
from directory.models import Article, ContentLanguage, EditorialState, Revision, SearchEntry
from directory.tests.desk_personas import *  # noqa: F403 (fixtures)
from directory.tests.factories import make_article, make_service, need, translate

pytestmark = pytest.mark.django_db


def article_post(**overrides) -> dict:
    data = {
        "title": "Come rinnovare il permesso di soggiorno a Napoli",
        "slug": "",
        "summary": "Dove andare, che cosa portare, quanto costa.",
        "body": "Il rinnovo si chiede prima della scadenza.\n\n- passaporto\n- 4 fototessere",
        "needs": [str(need("residence-permit").pk)],
        "services": [],
        "province": "",
        "municipality": "",
        "note": "",
    }
    data.update(overrides)
    return data


# --- information pages -------------------------------------------------------------------------------------


def test_editor_creates_an_information_page_with_needs_services_and_a_slug(as_editor, own_service):
    response = as_editor.post(
        reverse("directory:article_create"),
        article_post(services=[str(own_service.pk)], municipality=municipality("Napoli").pk),
    )
    article = Article.objects.get()
    assert response["Location"] == reverse("directory:article_detail", args=[article.pk])
    assert article.slug == "come-rinnovare-il-permesso-di-soggiorno-a-napoli"
    assert (article.state, article.version) == (EditorialState.DRAFT, 1)
    assert list(article.needs.all()) == [need("residence-permit")]
    assert list(article.services.all()) == [own_service]


def test_a_second_page_with_the_same_title_gets_its_own_address(as_editor):
    make_article(slug="come-rinnovare-il-permesso-di-soggiorno-a-napoli")
    as_editor.post(reverse("directory:article_create"), article_post())
    assert Article.objects.filter(slug="come-rinnovare-il-permesso-di-soggiorno-a-napoli-2").exists()


def test_only_published_services_can_be_related(as_editor, own_org):
    draft = make_service("Bozza", organization=own_org, state=EditorialState.DRAFT)
    response = as_editor.post(reverse("directory:article_create"), article_post(services=[str(draft.pk)]))
    assert response.status_code == 200
    assert "services" in response.context["form"].errors
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"title": ""}, "title"),
        ({"municipality": "999999999"}, "municipality"),
        ({"slug": "scheda-esistente"}, "slug"),
        ({"municipality": "CASERTA", "province": "NA"}, "municipality"),
    ],
)
def test_bad_information_page_input_is_refused(as_editor, overrides, field):
    from territory.models import Province

    make_article(slug="scheda-esistente")
    if overrides.get("municipality") == "CASERTA":
        overrides = {
            "municipality": municipality("Caserta").pk,
            "province": Province.objects.get(abbreviation="NA").pk,
        }
    response = as_editor.post(reverse("directory:article_create"), article_post(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Article.objects.count() == 1


def test_editing_an_information_page_outdates_its_translations(as_editor):
    article = make_article("Scheda")
    translate(article, "body", "en", "First paragraph.")
    response = as_editor.post(
        reverse("directory:article_edit", args=[article.pk]),
        article_post(title="Scheda", slug=article.slug, summary=article.summary, body="Testo nuovo."),
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.version == 2
    assert article.text_revision("body") == 2
    screen = as_editor.get(reverse("directory:translations", args=["article", article.pk]) + "?lang=en")
    assert next(r for r in screen.context["rows"] if r["name"] == "body")["outdated"]


def test_information_page_workflow_and_history(as_editor):
    article = make_article("Scheda", state=EditorialState.DRAFT)
    as_editor.post(reverse("directory:article_state", args=[article.pk]), {"state": EditorialState.PUBLISHED})
    article.refresh_from_db()
    assert article.state == EditorialState.PUBLISHED
    response = as_editor.get(reverse("directory:article_history", args=[article.pk]))
    assert [r.number for r in response.context["page"].object_list] == [2]


def test_article_list_filters_by_state(as_editor):
    make_article("Pubblicata")
    make_article("Bozza", state=EditorialState.DRAFT)
    response = as_editor.get(reverse("directory:article_list"), {"state": "draft"})
    assert [a.title for a in response.context["page"].object_list] == ["Bozza"]


# --- content languages -------------------------------------------------------------------------------------


def test_adding_a_language_rebuilds_the_search_in_the_background(
    as_editor, own_service, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = as_editor.post(
            reverse("directory:language_create"),
            {
                "code": "TI",
                "name_local": "ትግርኛ",
                "name_it": "Tigrino",
                "name_en": "Tigrinya",
                "is_active": "on",
                "position": "20",
            },
        )
    assert response["Location"] == reverse("directory:language_list")
    assert ContentLanguage.objects.get(code="ti").name_it == "Tigrino"
    assert SearchEntry.objects.filter(service=own_service, language="ti").exists()


def test_deactivating_a_language_drops_it_from_the_search_and_the_translation_tabs(
    as_editor, own_service, django_capture_on_commit_callbacks
):
    bengali = ContentLanguage.objects.get(code="bn")
    data = {
        "name_local": bengali.name_local,
        "name_it": bengali.name_it,
        "name_en": bengali.name_en,
        "position": bengali.position,
    }
    with django_capture_on_commit_callbacks(execute=True):
        as_editor.post(reverse("directory:language_edit", args=[bengali.pk]), data)
    assert not ContentLanguage.objects.get(code="bn").is_active
    assert not SearchEntry.objects.filter(language="bn").exists()
    tabs = as_editor.get(reverse("directory:translations", args=["service", own_service.pk])).context["tabs"]
    assert "bn" not in [tab["language"].code for tab in tabs]


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"code": "not a code", "name_local": "x", "name_it": "x", "name_en": "x", "position": "1"}, "code"),
        ({"code": "en", "name_local": "x", "name_it": "x", "name_en": "x", "position": "1"}, "code"),
        ({"code": "ti", "name_local": "", "name_it": "x", "name_en": "x", "position": "1"}, "name_local"),
    ],
)
def test_bad_language_input_is_refused(as_editor, data, field):
    count = ContentLanguage.objects.count()
    response = as_editor.post(reverse("directory:language_create"), data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert ContentLanguage.objects.count() == count


def test_italian_stays_active_and_codes_do_not_change(as_editor):
    italian = ContentLanguage.objects.get(code="it")
    response = as_editor.post(
        reverse("directory:language_edit", args=[italian.pk]),
        {
            "code": "xx",
            "name_local": "Italiano",
            "name_it": "Italiano",
            "name_en": "Italian",
            "position": "0",
        },
    )
    assert response.status_code == 200
    assert "is_active" in response.context["form"].errors
    italian.refresh_from_db()
    assert (italian.code, italian.is_active) == ("it", True)


# --- needs -------------------------------------------------------------------------------------------------


def test_needs_list_shows_counts_and_translation_status(as_viewer, own_service):
    response = as_viewer.get(reverse("directory:need_list"))
    needs = {n.code: n for n in response.context["needs"]}
    assert needs["residence-permit"].service_count == 1
    # The reference data translates every need's name, not yet its description.
    assert needs["health"].complete == 0
    assert not Revision.objects.exists()
