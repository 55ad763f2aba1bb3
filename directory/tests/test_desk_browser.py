"""The editorial desk in headless Chromium: an editor verifies a stale service from the dashboard, edits the
Italian, sees the translation outdated and verifies it; axe-core finds no serious issue on the pages.

Slow: marked `browser`. Needs Debian's chromium at /usr/bin/chromium (skipped without it)."""

from __future__ import annotations

import pytest

from conftest import PASSWORD, make_member, make_organisation
from core.roles import Role
from core.tests.test_browser import ARTIFACTS, _serious_violations, browser_page  # noqa: F401 (fixture)
from directory.models import Service, Translation
from directory.tests.factories import make_directory_org, make_service, translate
from network.models import OrganisationKind

pytestmark = pytest.mark.browser


def test_editor_verifies_edits_and_reviews_a_translation_without_javascript_tricks(
    live_server,
    reference_data,
    browser_page,  # noqa: F811
):
    region = make_organisation("Regione Campania", kind=OrganisationKind.REGION, town="Napoli")
    editor = make_member(region, Role.EDITOR, "browser.editor@example.org")
    service = make_service(
        "Sportello immigrazione", organization=make_directory_org("Comune di Napoli"), verified_days_ago=500
    )
    translate(service, "description", "ar", "خدمة للأجانب.")
    page = browser_page
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", editor.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/area-riservata/")

    # The dashboard's queue: one click verifies the stale service.
    page.goto(f"{live_server.url}/area-riservata/elenco-servizi/")
    dashboard_violations = _serious_violations(page, "desk-dashboard")
    page.screenshot(path=str(ARTIFACTS / "desk_dashboard.png"), full_page=True)
    page.locator("#verify-title ~ table form button[type=submit]").first.click()
    page.wait_for_url(f"{live_server.url}/area-riservata/elenco-servizi/")
    service.refresh_from_db()
    assert not service.needs_verification

    # Editing the Italian outdates the Arabic translation.
    page.goto(f"{live_server.url}/area-riservata/elenco-servizi/servizi/{service.pk}/modifica/")
    page.fill("#id_description", "Un servizio rinnovato per i cittadini stranieri.")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url(f"**/servizi/{service.pk}/")
    detail_violations = _serious_violations(page, "desk-service")
    page.screenshot(path=str(ARTIFACTS / "desk_service.png"), full_page=True)
    assert Service.objects.get(pk=service.pk).text_revision("description") == 2

    page.goto(f"{live_server.url}/area-riservata/elenco-servizi/traduzioni/service/{service.pk}/?lang=ar")
    assert page.locator("section[aria-labelledby=field-description] .alert-warning").count() == 1
    assert page.locator("textarea[name=description-text]").get_attribute("dir") == "rtl"
    translation_violations = _serious_violations(page, "desk-translations")
    page.screenshot(path=str(ARTIFACTS / "desk_translations.png"), full_page=True)
    page.locator("button[form=verify-description]").click()
    page.wait_for_url("**/traduzioni/service/**")
    translation = Translation.objects.get(object_id=service.pk, field="description", language="ar")
    assert translation.source_revision == 2 and translation.verified_at is not None

    assert dashboard_violations == [], "axe-core on the desk dashboard"
    assert detail_violations == [], "axe-core on the desk's service page"
    assert translation_violations == [], "axe-core on the translation screen"
