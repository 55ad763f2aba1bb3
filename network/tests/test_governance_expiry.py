"""The daily job: agreements past their validity expire; the parties' administrators and the regional
coordinators are reminded 90, 30 and 7 days before, once per agreement and threshold, in the inbox and by
e-mail through the task worker."""

from __future__ import annotations

import datetime
import io

import pytest
from auditlog.models import LogEntry
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from accounts.models import Membership
from conftest import make_member, make_organisation
from core.roles import Role
from network import actions
from network.models import AgreementStatus
from network.tests.governance_helpers import make_agreement
from paths.models import Notification

TODAY = timezone.localdate()


def days(n: int, start: datetime.date = TODAY) -> datetime.date:
    return start + datetime.timedelta(days=n)


@pytest.fixture
def people(org_a, org_b, admin_a, operator_a, viewer_a, admin_b, coordinator, monitoring):
    other = make_organisation("Ente estraneo")
    return {"admin_c": make_member(other, Role.ORG_ADMIN, "admin_c@example.org")}


def reminded(kind: str = "agreement_expiring") -> set[str]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient__email", flat=True))


# --- expiry ---------------------------------------------------------------------------------------------


def test_agreements_past_their_validity_expire_and_others_do_not(org_a, org_b):
    ended = make_agreement([(org_a, "lead"), (org_b, "partner")], status="signed", valid_until=days(-1))
    last_day = make_agreement([(org_a, "lead"), (org_b, "partner")], status="signed", valid_until=TODAY)
    open_ended = make_agreement([(org_a, "lead"), (org_b, "partner")], status="signed")
    draft = make_agreement([(org_a, "lead"), (org_b, "partner")], valid_until=days(-10))

    expired = actions.expire_agreements(TODAY)

    assert [a.pk for a in expired] == [ended.pk]
    for agreement in (ended, last_day, open_ended, draft):
        agreement.refresh_from_db()
    assert {a.pk: a.status for a in (ended, last_day, open_ended, draft)} == {
        ended.pk: AgreementStatus.EXPIRED,
        last_day.pk: AgreementStatus.SIGNED,
        open_ended.pk: AgreementStatus.SIGNED,
        draft.pk: AgreementStatus.DRAFT,
    }
    # Each expiry is saved on its own, so the audit log records it.
    entry = LogEntry.objects.get_for_object(ended).order_by("-timestamp").first()
    assert entry.changes["status"] == ["signed", "expired"]


def test_expiry_tells_the_parties_admins_and_the_coordinators(
    org_a, org_b, people, admin_a, admin_b, coordinator
):
    make_agreement([(org_a, "lead"), (org_b, "partner")], status="signed", valid_until=days(-1))
    actions.expire_agreements(TODAY)
    assert reminded("agreement_expired") == {admin_a.email, admin_b.email, coordinator.email}


# --- reminders ------------------------------------------------------------------------------------------


def test_reminders_go_to_the_parties_admins_and_the_regional_coordinators_only(
    org_a, org_b, people, admin_a, admin_b, coordinator
):
    # Given an agreement of A and B expiring in 90 days
    make_agreement([(org_a, "lead"), (org_b, "partner")], status="signed", valid_until=days(90))
    # When the daily job runs
    sent = actions.remind_expiring_agreements(TODAY)
    # Then A's and B's admins and the coordinator are reminded; operators, viewers, monitoring and other
    # organisations are not
    assert sent == 3
    assert reminded() == {admin_a.email, admin_b.email, coordinator.email}
    notification = Notification.objects.filter(kind="agreement_expiring").first()
    assert notification.params["days"] == "90"
    assert notification.url.startswith("/area-riservata/organizzazioni/accordi/")


def test_each_threshold_is_sent_once(org_a, org_b, people):
    agreement = make_agreement([(org_a, "lead"), (org_b, "partner")], status="signed", valid_until=days(90))
    first = actions.remind_expiring_agreements(TODAY)
    assert first == 3
    # The same day again, and the days before the next threshold: nothing new
    assert actions.remind_expiring_agreements(TODAY) == 0
    assert actions.remind_expiring_agreements(days(1)) == 0
    assert actions.remind_expiring_agreements(days(59)) == 0
    # 30 days before, then 7 days before: one more each
    assert actions.remind_expiring_agreements(days(60)) == 3
    assert actions.remind_expiring_agreements(days(61)) == 0
    assert actions.remind_expiring_agreements(days(83)) == 3
    assert actions.remind_expiring_agreements(days(90)) == 0
    keys = set(Notification.objects.filter(kind="agreement_expiring").values_list("key", flat=True))
    assert {key.split(":")[2] for key in keys} == {"90", "30", "7"}
    assert all(key.startswith(f"agreement_expiring:{agreement.pk}:") for key in keys)


def test_a_missed_day_sends_only_the_nearest_threshold(org_a, org_b, people):
    # Signed with 20 days left: the 30-day reminder, not the 90-day one as well
    make_agreement([(org_a, "lead"), (org_b, "partner")], status="signed", valid_until=days(20))
    actions.remind_expiring_agreements(TODAY)
    assert {n.params["days"] for n in Notification.objects.all()} == {"20"}
    assert {k.split(":")[2] for k in Notification.objects.values_list("key", flat=True)} == {"30"}


def test_a_renewal_starts_the_reminders_again(org_a, org_b, people, admin_a):
    agreement = make_agreement([(org_a, "lead"), (org_b, "partner")], status="signed", valid_until=days(7))
    assert actions.remind_expiring_agreements(TODAY) == 3
    actions.renew_agreement(agreement, acting_user=admin_a, valid_until=days(90, days(7)))
    assert actions.remind_expiring_agreements(days(7)) == 3  # 90 days before the new end


def test_drafts_withdrawn_and_far_away_agreements_are_not_reminded(org_a, org_b, people):
    make_agreement([(org_a, "lead"), (org_b, "partner")], valid_until=days(10))
    make_agreement([(org_a, "lead"), (org_b, "partner")], status="withdrawn", valid_until=days(10))
    make_agreement([(org_a, "lead"), (org_b, "partner")], status="signed", valid_until=days(91))
    make_agreement([(org_a, "lead"), (org_b, "partner")], status="signed")
    assert actions.remind_expiring_agreements(TODAY) == 0


def test_inactive_admins_are_not_reminded(org_a, org_b, people, admin_a, admin_b, coordinator):
    Membership.objects.filter(user=admin_b).update(is_active=False)
    make_agreement([(org_a, "lead"), (org_b, "partner")], status="signed", valid_until=days(30))
    actions.remind_expiring_agreements(TODAY)
    assert reminded() == {admin_a.email, coordinator.email}


def test_reminders_are_e_mailed_through_the_task_worker(
    org_a, org_b, people, admin_a, admin_b, coordinator, django_capture_on_commit_callbacks
):
    admin_b.email_notifications = False
    admin_b.save(update_fields=["email_notifications"])
    make_agreement(
        [(org_a, "lead"), (org_b, "partner")], status="signed", valid_until=days(7), title="Protocollo scuole"
    )
    with django_capture_on_commit_callbacks(execute=True):
        actions.remind_expiring_agreements(TODAY)
    assert sorted(m.to[0] for m in mail.outbox) == sorted([admin_a.email, coordinator.email])
    assert all("Protocollo scuole" in m.subject for m in mail.outbox)
    assert Notification.objects.filter(kind="agreement_expiring", emailed=True).count() == 2


def test_the_daily_command_expires_and_reminds(org_a, org_b, people, django_capture_on_commit_callbacks):
    make_agreement([(org_a, "lead"), (org_b, "partner")], status="signed", valid_until=days(-1))
    make_agreement([(org_a, "lead"), (org_b, "partner")], status="signed", valid_until=days(30))
    out = io.StringIO()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("notify_expiring_agreements", stdout=out)
    assert out.getvalue().strip() == "expired=1 reminders=3"
    out = io.StringIO()
    call_command("notify_expiring_agreements", stdout=out)
    assert out.getvalue().strip() == "expired=0 reminders=0"


def test_the_command_can_run_for_a_given_date(org_a, org_b, people):
    make_agreement([(org_a, "lead"), (org_b, "partner")], status="signed", valid_until=days(40))
    out = io.StringIO()
    call_command("notify_expiring_agreements", "--date", days(10).isoformat(), stdout=out)
    assert out.getvalue().strip() == "expired=0 reminders=3"


@pytest.mark.parametrize(
    ("left", "threshold"), [(91, None), (90, 90), (31, 90), (30, 30), (8, 30), (7, 7), (0, 7)]
)
def test_reminder_threshold(left, threshold):
    assert actions.reminder_threshold(left) == threshold
