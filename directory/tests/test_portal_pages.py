"""The portal's reading pages: every page in Italian and Arabic, no cookie, language from the address,
only public records, translation provenance, and the accessibility and privacy statements."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone, translation

from directory.models import EditorialState, Phone, ServiceStatus, TranslationMethod
from directory.tests.factories import make_article, make_service, need, translate

pytestmark = pytest.mark.django_db

PHONE_BROWSER = "Mozilla/5.0 (Linux; Android 10; K) AppleWebKit/537.36 Chrome/124.0 Mobile Safari/537.36"


@pytest.fixture
def service():
    service = make_service(
        "Sportello immigrazione",
        needs=("residence-permit",),
        description="Informazioni e aiuto per il permesso di soggiorno.",
        application_process="Prenota un appuntamento per telefono.",
        latitude=40.8518,
        longitude=14.2681,
        languages=("it", "ar"),
        by_appointment=True,
        translations={"ar": {"name": "مكتب الهجرة", "description": "معلومات ومساعدة بشأن تصريح الإقامة."}},
    )
    Phone.objects.create(service=service, number="+39 081 123 4567")
    return service


@pytest.fixture
def article(service):
    article = make_article(
        "Come rinnovare il permesso di soggiorno a Napoli",
        slug="rinnovo-permesso-napoli",
        body="Serve il passaporto.\n\n- la ricevuta\n- le foto\n\n<script>alert(1)</script>",
    )
    article.services.add(service)
    article.needs.add(need("residence-permit"))
    return article


def portal_urls(service, article):
    return [
        "/",
        "/servizi/",
        "/servizi/?q=permesso&need=residence-permit&province=NA",
        f"/servizi/{service.pk}/",
        "/informazioni/",
        f"/informazioni/{article.slug}/",
        "/accessibilita/",
        "/privacy/",
    ]


@pytest.mark.parametrize("prefix", ["", "/ar"])
def test_every_portal_page_answers_in_italian_and_arabic_without_setting_a_cookie(
    client, service, article, prefix
):
    for url in portal_urls(service, article):
        response = client.get(prefix + url, HTTP_USER_AGENT=PHONE_BROWSER)
        assert response.status_code == 200, url
        assert response.cookies == {}, (url, response.cookies)
        html = response.content.decode()
        if prefix == "/ar":
            assert '<html lang="ar" dir="rtl">' in html, url
        else:
            assert '<html lang="it" dir="ltr">' in html, url
        assert "csrfmiddlewaretoken" not in html.split('class="service-feedback"')[0], url


@pytest.mark.parametrize(
    ("prefix", "lang", "direction"),
    [
        ("", "it", "ltr"),
        ("/en", "en", "ltr"),
        ("/fr", "fr", "ltr"),
        ("/ar", "ar", "rtl"),
        ("/uk", "uk", "ltr"),
        ("/zh-hans", "zh-hans", "ltr"),
        ("/bn", "bn", "ltr"),
        ("/ur", "ur", "rtl"),
    ],
)
def test_home_and_search_answer_in_every_portal_language(client, service, prefix, lang, direction):
    for path in ("/", "/servizi/?q=sportello"):
        response = client.get(prefix + path)
        assert response.status_code == 200
        assert f'<html lang="{lang}" dir="{direction}">' in response.content.decode()


def test_the_portal_404_page_is_a_light_portal_page(rf):
    from django.template.loader import render_to_string
    from django.utils import translation

    with translation.override("it"):
        html = render_to_string("directory/portal/404.html", request=rf.get("/servizi/x/"))
    assert 'href="/servizi/"' in html and "csrfmiddlewaretoken" not in html


def test_the_language_comes_from_the_address_not_from_the_browser_or_a_cookie(client, service):
    client.cookies["django_language"] = "fr"
    arabic = client.get("/ar/servizi/", HTTP_ACCEPT_LANGUAGE="fr")
    italian = client.get("/servizi/", HTTP_ACCEPT_LANGUAGE="ar")
    assert arabic.status_code == italian.status_code == 200
    assert '<html lang="ar" dir="rtl">' in arabic.content.decode()
    assert '<html lang="it" dir="ltr">' in italian.content.decode()
    # The Arabic page is the same for every browser: caches need not key it on Accept-Language.
    assert "accept-language" not in arabic.get("Vary", "").lower()


def test_the_home_page_offers_every_language_the_needs_and_the_latest_information(client, article):
    html = client.get("/").content.decode()
    for code, href in (("ar", "/ar/"), ("uk", "/uk/"), ("zh-hans", "/zh-hans/"), ("ur", "/ur/")):
        assert f'href="{href}" lang="{code}"' in html
    assert 'href="/servizi/?need=health"' in html
    assert "Come rinnovare il permesso di soggiorno a Napoli" in html
    assert 'href="/eventi/"' in html
    assert 'action="/servizi/"' in html and 'method="get"' in html


def test_the_arabic_home_page_names_the_needs_in_arabic(client):
    html = client.get("/ar/").content.decode()
    assert "تصريح الإقامة" in html
    assert 'href="/ar/servizi/?need=residence-permit"' in html


def test_the_service_page_shows_its_public_parts(client, service, article):
    html = client.get(f"/servizi/{service.pk}/").content.decode()
    assert "Sportello immigrazione" in html
    assert "Informazioni e aiuto per il permesso di soggiorno." in html
    assert "Prenota un appuntamento per telefono." in html
    assert "Passaporto" in html  # document to bring
    assert 'href="tel:+390811234567"' in html
    assert "https://www.openstreetmap.org/?mlat=40.851800&amp;mlon=14.268100" in html
    assert "09:00 – 13:00" in html
    assert "Su appuntamento" in html  # the by-appointment schedule's note
    assert 'href="/informazioni/rinnovo-permesso-napoli/"' in html
    assert 'href="/servizi/?need=residence-permit"' in html
    assert f'action="/servizi/{service.pk}/opinione/"' in html  # the feedback form


def test_the_arabic_service_page_marks_untranslated_texts_as_italian(client, service):
    html = client.get(f"/ar/servizi/{service.pk}/").content.decode()
    assert "مكتب الهجرة" in html  # translated name
    assert "معلومات ومساعدة بشأن تصريح الإقامة." in html  # translated description
    # application_process has no Arabic translation: shown in Italian, marked for screen readers and readers
    assert (
        '<div lang="it" dir="ltr"><p>Prenota un appuntamento per telefono.</p></div><span class="in-italian" dir="auto">'
        in html
    )
    assert f'href="/servizi/{service.pk}/" hreflang="it"' in html  # read the page in Italian


def test_the_service_page_says_when_the_translation_was_verified(client, service):
    html = client.get(f"/ar/servizi/{service.pk}/").content.decode()
    assert "translation-status state-verified" in html
    assert timezone.localdate().strftime("%Y") in html.split("translation-status")[1][:400]


def test_a_machine_translation_not_yet_verified_is_labelled_as_such(client):
    service = make_service("Corso di italiano", needs=("italian-courses",))
    translate(service, "name", "fr", "Cours d'italien", method=TranslationMethod.MACHINE, verified=False)
    html = client.get(f"/fr/servizi/{service.pk}/").content.decode()
    assert "translation-status state-machine" in html
    assert "Traduction automatique, pas encore vérifiée." in html  # the French page, in French


def test_a_translation_older_than_the_italian_text_is_flagged_as_outdated(client, service):
    service.text_revisions = {"name": 2}
    service.save(update_fields=["text_revisions"])
    html = client.get(f"/ar/servizi/{service.pk}/").content.decode()
    assert "translation-status state-outdated" in html
    assert "تغيّر النص الإيطالي بعد هذه الترجمة: راجع النسخة الإيطالية." in html  # the Arabic page, in Arabic


@pytest.mark.parametrize(
    "changes",
    [
        {"state": EditorialState.DRAFT},
        {"state": EditorialState.IN_REVIEW},
        {"state": EditorialState.ARCHIVED},
        {"last_verified_at": None},
        {"last_verified_at": "stale"},
        {"status": ServiceStatus.INACTIVE},
    ],
    ids=["draft", "in-review", "archived", "never-verified", "stale", "inactive"],
)
def test_a_service_that_is_not_public_answers_404(client, service, changes):
    if changes.get("last_verified_at") == "stale":
        changes = {"last_verified_at": timezone.now() - datetime.timedelta(days=500)}
    for name, value in changes.items():
        setattr(service, name, value)
    service.save()
    assert client.get(f"/servizi/{service.pk}/").status_code == 404
    assert client.get(f"/ar/servizi/{service.pk}/").status_code == 404


def test_a_temporarily_closed_service_stays_visible_with_a_notice(client, service):
    service.status = ServiceStatus.TEMPORARILY_CLOSED
    service.save()
    html = client.get(f"/servizi/{service.pk}/").content.decode()
    assert "Questo servizio è temporaneamente chiuso." in html  # the Italian page, in Italian


def test_the_service_page_shows_the_alert_box(client, service):
    service.alert = "Chiuso il 24 dicembre."
    service.save()
    html = client.get(f"/servizi/{service.pk}/").content.decode()
    assert 'class="notice notice-warning" role="note"' in html and "Chiuso il 24 dicembre." in html


def test_the_information_page_renders_its_text_safely_with_related_services(client, article, service):
    html = client.get(f"/informazioni/{article.slug}/").content.decode()
    assert "<p>Serve il passaporto.</p>" in html
    assert "<ul><li>la ricevuta</li><li>le foto</li></ul>" in html
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert f'href="/servizi/{service.pk}/"' in html


def test_a_related_service_that_is_not_public_is_left_out_of_the_information_page(client, article):
    draft = make_service("Servizio in bozza", state=EditorialState.DRAFT)
    article.services.add(draft)
    html = client.get(f"/informazioni/{article.slug}/").content.decode()
    assert "Servizio in bozza" not in html


@pytest.mark.parametrize(
    "changes",
    [{"state": EditorialState.DRAFT}, {"state": EditorialState.ARCHIVED}, {"last_verified_at": None}],
    ids=["draft", "archived", "never-verified"],
)
def test_an_information_page_that_is_not_public_answers_404_and_is_not_listed(client, article, changes):
    for name, value in changes.items():
        setattr(article, name, value)
    article.save()
    assert client.get(f"/informazioni/{article.slug}/").status_code == 404
    assert article.title not in client.get("/informazioni/").content.decode()


def test_the_information_list_filters_by_need_and_province(client, article):
    salerno = make_article("Scuola a Salerno", slug="scuola-salerno", province=_province("SA"))
    salerno.needs.add(need("school"))
    region = make_article("Il medico di base", slug="medico-di-base")
    region.needs.add(need("health"))

    by_need = client.get("/informazioni/?need=school").content.decode()
    assert "Scuola a Salerno" in by_need and "Il medico di base" not in by_need
    in_naples = client.get("/informazioni/?province=NA").content.decode()
    # Pages for the whole region apply everywhere; Salerno's page does not apply to Napoli.
    assert "Il medico di base" in in_naples and "Scuola a Salerno" not in in_naples


def test_the_information_list_shows_the_arabic_title_when_translated(client, article):
    translate(article, "title", "ar", "كيفية تجديد تصريح الإقامة في نابولي")
    html = client.get("/ar/informazioni/").content.decode()
    assert "كيفية تجديد تصريح الإقامة في نابولي" in html


@pytest.mark.parametrize("query", ["need=nonsense", "province=ZZ", "page=abc", "page=-4", "need=%00"])
def test_bad_filters_on_the_information_list_never_fail(client, article, query):
    assert client.get("/informazioni/?" + query).status_code == 200


def test_the_accessibility_statement_has_a_feedback_mechanism(client, settings):
    settings.PORTAL_ACCESSIBILITY_EMAIL = "a11y@regione.example.org"
    html = client.get("/accessibilita/").content.decode()
    assert 'id="feedback"' in html
    assert 'href="mailto:a11y@regione.example.org"' in html
    assert "WCAG" in html and "2.1" in html
    assert "https://form.agid.gov.it/" in html
    # The footer of every page links to it.
    assert 'href="/accessibilita/#feedback"' in client.get("/").content.decode()


def test_the_privacy_page_says_what_is_stored(client):
    html = client.get("/en/privacy/").content.decode()
    assert "no cookies" in html.lower()
    assert "per day and per language" in html


def _province(code):
    from territory.models import Province

    return Province.objects.get(abbreviation=code)


def _add_place(service, town_name: str, n: int):
    from conftest import municipality
    from directory.models import Accessibility, Address, Location, ServiceAtLocation

    location = Location.objects.create(
        name=f"Sede {n}",
        municipality=municipality(town_name),
        transportation="Metro linea 1, fermata Garibaldi.",
        description="Al primo piano.",
        latitude=40.85,
        longitude=14.27,
    )
    translate(location, "transportation", "ar", "المترو الخط 1")
    Address.objects.create(
        location=location,
        address_1=f"Via Toledo {n}",
        city=town_name,
        state_province="NA",
        postal_code="80100",
        country="IT",
        address_type="physical",
    )
    Accessibility.objects.create(location=location, description="Ingresso senza gradini.")
    Phone.objects.create(location=location, number=f"081 55{n}")
    ServiceAtLocation.objects.create(service=service, location=location)


def test_the_service_page_needs_the_same_queries_for_two_places_or_five(
    client, service, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    _add_place(service, "Napoli", 9)
    client.get(f"/ar/servizi/{service.pk}/")  # warm the content-type cache
    with CaptureQueriesContext(connection) as two_places:
        assert client.get(f"/ar/servizi/{service.pk}/").status_code == 200
    for n in range(3):
        _add_place(service, "Napoli", n)
    with django_assert_num_queries(len(two_places)):
        html = client.get(f"/ar/servizi/{service.pk}/").content.decode()
    assert "المترو الخط 1" in html and "Ingresso senza gradini." in html and 'href="tel:08155' in html


def test_service_page_shows_approved_opinions_only_from_five_answers_up(client):
    from directory.models import ModerationStatus, ServiceFeedback
    from directory.tests.factories import make_service as _make

    service = _make("Sportello con opinioni")
    for useful in ["yes"] * 6 + ["no"] * 2:
        ServiceFeedback.objects.create(
            service=service,
            language="it",
            useful=useful,
            could_access="yes",
            wait_time="days",
            status=ModerationStatus.APPROVED,
        )
    ServiceFeedback.objects.create(
        service=service, language="it", useful="no", could_access="no", wait_time="months", comment="pending"
    )
    with translation.override("en"):
        english_url = service.get_absolute_url()
    content = client.get(english_url).content.decode()
    assert "8 opinions checked by the editorial staff" in content
    assert "<td>fewer than 5</td>" in content  # the two "no" answers
    assert "pending" not in content


def test_a_missing_portal_page_answers_in_the_portal_look_without_a_cookie(client):
    response = client.get("/ar/servizi/00000000-0000-0000-0000-000000000000/")
    assert response.status_code == 404
    assert response.cookies == {}
    assert b'dir="rtl"' in response.content
    assert b"portal-header" in response.content
