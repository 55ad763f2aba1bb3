"""End to end in headless Chromium: log in, register a participant, find them in the list; axe-core checks.

Slow: marked `browser` (deselect with `-m "not browser"`). Needs Debian's chromium at /usr/bin/chromium;
without it the test is skipped, unless REQUIRE_BROWSER=1 (CI), where it fails.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from django.conf import settings

from conftest import PASSWORD, make_member, make_organisation
from core.roles import Role
from network.models import OrganisationKind

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
BLOCKING_IMPACTS = {"critical", "serious"}


@pytest.fixture
def browser_page(monkeypatch):
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
        context = browser.new_context(locale="it-IT", viewport={"width": 1280, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        try:
            yield page
        finally:
            context.close()
            browser.close()


def _serious_violations(page, name: str) -> list[str]:
    """Run axe-core; keep the full report in test-artifacts/, return the critical and serious findings."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / f"axe-{name}.json").write_text(json.dumps(results.response["violations"], indent=1))
    return [
        f"{violation['id']} ({violation['impact']}): {[node['target'] for node in violation['nodes']]}"
        for violation in results.response["violations"]
        if violation.get("impact") in BLOCKING_IMPACTS
    ]


def test_operator_logs_in_registers_a_participant_and_finds_them_in_the_list(
    live_server, reference_data, browser_page
):
    from people.models import Participant

    # Given operator A with a known password
    org = make_organisation("Comune di Napoli", kind=OrganisationKind.MUNICIPALITY, town="Napoli")
    operator = make_member(org, Role.OPERATOR, "browser.operator@example.org")
    page = browser_page

    # When they log in through the login form
    page.goto(f"{live_server.url}/accounts/login/")
    login_violations = _serious_violations(page, "login")
    page.fill("input[name=login]", operator.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/area-riservata/")

    # And register a participant with the required fields
    page.goto(f"{live_server.url}/area-riservata/partecipanti/nuovo/")
    page.fill("#id_first_name", "Fatima")
    page.fill("#id_last_name", "Zahrawi")
    page.select_option("#id_sex", value="F")
    page.fill("#id_birth_date", "1992-03-04")
    page.select_option("#id_country_of_birth", label="Marocco")
    page.select_option("#id_citizenships", label=["Marocco"])
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_url("**/area-riservata/partecipanti/*/")

    # Then the record exists, owned by their organisation
    participant = Participant.objects.get(last_name="Zahrawi")
    assert participant.owner == org
    assert [c.iso_alpha2 for c in participant.citizenships.all()] == ["MA"]

    # And searching the list finds them
    page.goto(f"{live_server.url}/area-riservata/partecipanti/")
    page.fill("#id_q", "Zahrawi")
    page.locator("main aside form button[type=submit]").click()
    page.wait_for_selector("#participant-results a:has-text('Zahrawi Fatima')")
    assert page.locator("#participant-results tbody tr").count() == 1

    list_violations = _serious_violations(page, "participant-list")
    page.screenshot(path=str(ARTIFACTS / "participant_list.png"), full_page=True)

    assert login_violations == [], "axe-core on the login page"
    assert list_violations == [], "axe-core on the participant list"
