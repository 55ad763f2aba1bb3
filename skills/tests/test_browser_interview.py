"""End to end in headless Chromium: an operator walks the skills interview (summary, "nothing to declare",
a work experience chosen with the ESCO search-as-you-type), in Italian and Arabic side by side; axe-core
checks the interview screen.

Slow: marked `browser`. Needs Debian's chromium at /usr/bin/chromium; skipped without it unless
REQUIRE_BROWSER=1, where it fails (see core/tests/test_browser.py)."""

from __future__ import annotations

import pytest

from conftest import PASSWORD, make_member, make_organisation, make_participant
from core.roles import Role
from core.tests import test_browser
from network.models import OrganisationKind
from skills import actions
from skills.models import Occupation, SkillsProfile, WorkExperience

pytestmark = pytest.mark.browser

# The project's Playwright set-up (Debian's chromium, skipped unless installed or REQUIRE_BROWSER=1).
browser_page = test_browser.browser_page
ARTIFACTS = test_browser.ARTIFACTS


def test_operator_walks_the_interview_with_the_esco_occupation_search(
    live_server, reference_data, browser_page
):
    # Given operator A with a known password and a participant whose profile is started, in Arabic
    org = make_organisation("Comune di Napoli", kind=OrganisationKind.MUNICIPALITY, town="Napoli")
    operator = make_member(org, Role.OPERATOR, "browser.operator@example.org")
    participant = make_participant(org, first_name="Amina", last_name="Benali")
    profile = actions.start_profile(participant, acting_user=operator)
    actions.update_profile(profile, acting_user=operator, data={"interview_language": "ar"})
    cook = Occupation.objects.get(label="cook", isco_code="")
    page = browser_page
    base = f"{live_server.url}/area-riservata/competenze/{participant.pk}/colloquio/"

    # When the operator logs in and opens the interview
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", operator.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/area-riservata/")
    page.goto(f"{base}?sezione=summary")
    assert page.locator('#section-title [lang="ar"][dir="rtl"]').count() == 1

    # And writes the summary: saving moves on to education
    page.fill("#id_summary", "Ho lavorato dieci anni in un ristorante a Casablanca.")
    page.locator("main form[method=post] button.btn-primary[type=submit]").first.click()
    page.wait_for_url("**/colloquio/?sezione=education")

    # And answers "nothing to declare" for education: the interview moves on to work
    page.locator("form[action$='/colloquio/niente/'] button[type=submit]").click()
    page.wait_for_url("**/colloquio/?sezione=work")

    # And searches the occupation as they type, without reloading the page, and picks "cook"
    page.evaluate("window.__marker = 'same page'")
    page.locator("#occupation-q").press_sequentially("cook", delay=50)
    option = page.locator(f"#occupation-{cook.pk}")
    option.wait_for()
    assert page.evaluate("window.__marker") == "same page"
    page.locator(f"label[for=occupation-{cook.pk}]").click()  # Bootstrap Italia draws the radio on the label
    assert option.is_checked()
    page.fill("#id_start_year", "2012")
    page.fill("#id_end_year", "2022")
    page.select_option("#id_country", label="Marocco")

    # And the skills picker keeps a ticked skill when searching again
    page.locator("#skills-q").press_sequentially("seafood", delay=50)
    first_skill = page.locator("#skills-options input[name=skills]").first
    first_skill.wait_for()
    skill_id = first_skill.get_attribute("value")
    page.locator(f"label[for=skill-{skill_id}]").click()
    page.locator("#skills-q").fill("")
    page.locator("#skills-q").press_sequentially("pizza", delay=50)
    page.wait_for_selector("#skills-options :text('pizza')")
    assert page.locator(f"#skill-{skill_id}").is_checked()

    violations = test_browser._serious_violations(page, "skills-interview")
    page.screenshot(path=str(ARTIFACTS / "skills_interview.png"), full_page=True)

    page.locator("#claim-form button.btn-primary[type=submit]").click()
    page.wait_for_url("**/colloquio/?sezione=work")

    # Then the work experience is saved with the ESCO occupation and skill, and the sections are answered
    experience = WorkExperience.objects.get(profile=profile)
    assert experience.occupation == cook
    assert (experience.start_year, experience.end_year) == (2012, 2022)
    assert [str(s.pk) for s in experience.skills.all()] == [skill_id]
    profile = SkillsProfile.objects.get(pk=profile.pk)
    assert profile.summary.startswith("Ho lavorato")
    assert "education" in profile.nothing_to_declare
    assert profile.completeness == 33

    # And the profile page shows it, accessible too
    page.goto(f"{live_server.url}/area-riservata/competenze/{participant.pk}/")
    page.wait_for_selector("#section-work :text('2012')")
    profile_violations = test_browser._serious_violations(page, "skills-profile")
    page.screenshot(path=str(ARTIFACTS / "skills_profile.png"), full_page=True)
    assert violations == [], "axe-core on the interview screen"
    assert profile_violations == [], "axe-core on the profile page"
