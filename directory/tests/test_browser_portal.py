"""The public portal in headless Chromium: axe-core in Italian and Arabic, right-to-left layout, no JavaScript.

Slow: marked `browser` (deselect with `-m "not browser"`). Needs Debian's chromium at /usr/bin/chromium;
without it the tests are skipped, unless REQUIRE_BROWSER=1 (CI), where they fail.
"""

from __future__ import annotations

import json
import os

import pytest

from core.tests.test_browser import CHROMIUM, CHROMIUM_ARGS
from directory.models import Phone
from directory.tests.factories import make_article, make_service, need

pytestmark = pytest.mark.browser

BLOCKING_IMPACTS = {"critical", "serious"}
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def browser(monkeypatch):
    if not CHROMIUM.exists():
        message = "Chromium not installed: apt-get install -y chromium"
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; the ORM calls made here are still sync.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def content(reference_data):
    service = make_service(
        "Sportello per il permesso di soggiorno",
        needs=("residence-permit",),
        description="Informazioni e aiuto per la richiesta e il rinnovo del permesso di soggiorno.",
        application_process="Prenota un appuntamento per telefono.\n\n- porta il passaporto\n- porta due foto",
        languages=("it", "ar", "fr"),
        latitude=40.8518,
        longitude=14.2681,
        by_appointment=True,
        translations={
            "ar": {
                "name": "مكتب تصريح الإقامة",
                "description": "معلومات ومساعدة في طلب وتجديد تصريح الإقامة.",
            }
        },
    )
    Phone.objects.create(service=service, number="+39 081 123 4567")
    make_service("Corso di italiano per adulti", needs=("italian-courses",), town="Salerno", is_free=False)
    article = make_article(
        "Come rinnovare il permesso di soggiorno",
        slug="rinnovo-permesso",
        body="Che cosa serve.\n\n1. la ricevuta\n2. il passaporto\n\nVedi https://www.interno.gov.it/.",
    )
    article.services.add(service)
    article.needs.add(need("residence-permit"))
    return service, article


def _serious_violations(page, name: str, folder) -> list[str]:
    """Run axe-core; keep the full report next to the test's files, return critical and serious findings."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    (folder / f"axe-{name}.json").write_text(json.dumps(results.response["violations"], indent=1))
    return [
        f"{name}: {violation['id']} ({violation['impact']}): {[node['target'] for node in violation['nodes']]}"
        for violation in results.response["violations"]
        if violation.get("impact") in BLOCKING_IMPACTS
    ]


def test_main_portal_pages_have_no_serious_accessibility_violation_in_italian_and_arabic(
    live_server, browser, content, tmp_path
):
    service, article = content
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    pages = {
        "home": "/",
        "search": "/servizi/?q=permesso&need=residence-permit",
        "service": f"/servizi/{service.pk}/",
        "information": f"/informazioni/{article.slug}/",
    }
    violations = []
    try:
        for prefix in ("", "/ar"):
            for name, path in pages.items():
                response = page.goto(live_server.url + prefix + path)
                assert response.status == 200, path
                violations += _serious_violations(page, f"{name}-{prefix.strip('/') or 'it'}", tmp_path)
        assert context.cookies() == []  # reading the portal left no cookie
    finally:
        context.close()
    assert violations == [], "\n".join(violations)


def test_the_arabic_search_page_is_laid_out_right_to_left(live_server, browser, content, tmp_path):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/ar/servizi/?q=الإقامة")
        page.screenshot(path=str(tmp_path / "search-ar.png"), full_page=True)
        assert page.evaluate("getComputedStyle(document.documentElement).direction") == "rtl"
        assert page.locator("html").get_attribute("lang") == "ar"
        links = page.locator("nav.portal-nav a")
        first, last = links.first.bounding_box(), links.last.bounding_box()
        # The first item of the main menu is on the right, the last on its left.
        assert first["x"] > last["x"]
        assert page.locator(".result-card h3").first.inner_text().startswith("مكتب تصريح الإقامة")
    finally:
        context.close()
    assert (tmp_path / "search-ar.png").stat().st_size > 0


def test_search_works_with_javascript_disabled(live_server, browser, content):
    context = browser.new_context(java_script_enabled=False, viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        page.goto(f"{live_server.url}/")
        page.fill("#id_q", "italiano")
        page.locator("form[role=search] button[type=submit]").click()
        page.wait_for_url("**/servizi/?q=italiano**")
        cards = page.locator(".result-card")
        assert cards.count() == 1
        assert "Corso di italiano per adulti" in cards.first.inner_text()

        # Filters too: the filter panel is a native <details>, open on a first visit; choose a province.
        page.goto(f"{live_server.url}/servizi/")
        if page.locator("details.filters").get_attribute("open") is None:
            page.locator("details.filters summary").click()
        page.select_option("#id_province", "NA")
        page.locator("details.filters button[type=submit]").click()
        page.wait_for_url("**province=NA**")
        assert page.locator(".result-card").count() == 1
        assert "Sportello per il permesso di soggiorno" in page.locator(".result-card").first.inner_text()
        assert context.cookies() == []
    finally:
        context.close()
