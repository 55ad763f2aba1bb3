"""End to end in headless Chromium: a trainer marks the attendance of a session on the register, by
keyboard and by tap, without reloading the page; axe-core checks the register.

Slow: marked `browser`. Needs Debian's chromium at /usr/bin/chromium; skipped without it unless
REQUIRE_BROWSER=1, where it fails (see core/tests/test_browser.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from activities import actions
from activities.models import Attendance, AttendanceStatus, Session
from conftest import PASSWORD, make_activity, make_member, make_organisation, make_participant, make_sessions
from core.roles import Role
from core.tests import test_browser
from network.models import OrganisationKind

pytestmark = pytest.mark.browser

# The project's Playwright set-up (Debian's chromium, skipped unless installed or REQUIRE_BROWSER=1).
browser_page = test_browser.browser_page
ARTIFACTS = test_browser.ARTIFACTS


def test_trainer_marks_attendance_on_the_register_without_reloading(
    live_server, reference_data, browser_page
):
    # Given a course of organisation A with three people, taught by a trainer with a known password
    org = make_organisation("Comune di Napoli", kind=OrganisationKind.MUNICIPALITY, town="Napoli")
    operator = make_member(org, Role.OPERATOR, "browser.operator@example.org")
    trainer = make_member(org, Role.TRAINER, "browser.trainer@example.org")
    course = make_activity(org, trainers=[trainer], title="Corso di italiano A2")
    session = make_sessions(course, count=2, hours=4)[-1]
    names = [("Amina", "Alaoui"), ("Bilal", "Bakr"), ("Chiara", "Chen")]
    people = [
        actions.enrol(
            course, acting_user=operator, participant=make_participant(org, first_name=first, last_name=last)
        )
        for first, last in names
    ]
    page = browser_page

    # When the trainer logs in and opens today's register of the course
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", trainer.email)
    page.fill("input[name=password]", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"{live_server.url}/area-riservata/")
    page.goto(f"{live_server.url}/area-riservata/attivita/{course.pk}/registro/")
    page.wait_for_url(f"**/registro/{session.pk}/")
    page.evaluate("window.__marker = 'same page'")  # gone if the page reloads
    rows = [page.locator(f"#row-{e.pk}") for e in people]

    # And marks the first person present with the P key: the focus moves on to the next person
    rows[0].locator("button[value=present]").focus()
    page.keyboard.press("p")
    page.wait_for_selector(f"#row-{people[0].pk} button[value=present][aria-pressed=true]")
    focused_row = page.evaluate("document.activeElement.closest('tr').id")
    assert focused_row == f"row-{people[1].pk}"

    # And the second absent with the A key
    page.keyboard.press("a")
    page.wait_for_selector(f"#row-{people[1].pk} button[value=absent][aria-pressed=true]")

    # And the third, who arrived late, present for 2,5 hours with a tap
    rows[2].locator("input[name=hours]").fill("2,5")
    rows[2].locator("button[value=present]").click()
    page.wait_for_selector(f"#row-{people[2].pk} button[value=present][aria-pressed=true]")

    # Then every mark is saved, the page never reloaded, and the row shows the hours so far
    assert page.evaluate("window.__marker") == "same page"
    marks = {m.enrolment_id: (m.status, m.hours) for m in Attendance.objects.filter(session=session)}
    assert marks == {
        people[0].pk: (AttendanceStatus.PRESENT, Decimal("4")),
        people[1].pk: (AttendanceStatus.ABSENT, Decimal("0")),
        people[2].pk: (AttendanceStatus.PRESENT, Decimal("2.5")),
    }
    assert "2,50" in rows[2].inner_text()
    # (the counts follow each swap, once htmx has settled the new row)
    page.wait_for_function("document.querySelector('[data-count=present]').textContent === '2'")
    assert page.locator("[data-count=absent]").inner_text() == "1"

    # And the arrow keys move between people
    rows[2].locator("button[value=present]").focus()
    page.keyboard.press("ArrowUp")
    assert page.evaluate("document.activeElement.closest('tr').id") == f"row-{people[1].pk}"

    violations = test_browser._serious_violations(page, "attendance-register")
    page.screenshot(path=str(ARTIFACTS / "attendance_register.png"), full_page=True)
    assert violations == [], "axe-core on the attendance register"
    assert Session.objects.filter(pk=session.pk).exists()
