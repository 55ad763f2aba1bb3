"""Agreements: the status machine (allowed changes, and refused ones that change nothing), parties and their
single lead, editing, history, list filters."""

from __future__ import annotations

import datetime

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from conftest import client_for, make_member, make_organisation
from core.roles import Role
from network import actions
from network.models import Agreement, AgreementParty, AgreementStatus
from network.tests.governance_helpers import make_agreement

TODAY = timezone.localdate


@pytest.fixture(autouse=True)
def _english():
    # Messages are checked in the source language, whatever the catalogue says.
    with translation.override("en"):
        yield


def days(n: int) -> datetime.date:
    return TODAY() + datetime.timedelta(days=n)


def state(agreement: Agreement) -> dict:
    """What a refused change must leave untouched."""
    row = Agreement.objects.filter(pk=agreement.pk).values().get()
    row.pop("updated_at")
    parties = list(AgreementParty.objects.filter(agreement=agreement).order_by("pk").values())
    return {"agreement": row, "parties": parties}


@pytest.fixture
def draft(org_a, org_b):
    return make_agreement([(org_a, "lead"), (org_b, "partner")], title="Protocollo per l'orientamento")


# --- the status machine ---------------------------------------------------------------------------


def test_signing_a_draft_records_the_date_and_validity_starts_on_it(draft, admin_a):
    signed_on = days(-3)
    actions.sign_agreement(draft, acting_user=admin_a, signed_on=signed_on, valid_until=days(365))
    draft.refresh_from_db()
    assert draft.status == AgreementStatus.SIGNED
    assert draft.signed_on == signed_on
    assert draft.valid_from == signed_on
    assert draft.valid_until == days(365)
    assert draft.in_force_on(TODAY())


def test_signing_needs_two_parties_and_changes_nothing_otherwise(org_a, admin_a):
    alone = make_agreement([(org_a, "lead")])
    before = state(alone)
    with pytest.raises(ValidationError, match="at least two"):
        actions.sign_agreement(alone, acting_user=admin_a, signed_on=days(-1))
    assert state(alone) == before


def test_signing_needs_exactly_one_lead(org_a, org_b, admin_a):
    no_lead = make_agreement([(org_a, "partner"), (org_b, "partner")])
    before = state(no_lead)
    with pytest.raises(ValidationError, match="exactly one lead"):
        actions.sign_agreement(no_lead, acting_user=admin_a, signed_on=days(-1))
    assert state(no_lead) == before


def test_signing_needs_a_date_not_in_the_future(draft, admin_a):
    before = state(draft)
    with pytest.raises(ValidationError):
        actions.sign_agreement(draft, acting_user=admin_a, signed_on=None)
    with pytest.raises(ValidationError):
        actions.sign_agreement(draft, acting_user=admin_a, signed_on=days(2))
    assert state(draft) == before


def test_validity_cannot_end_before_it_starts(draft, admin_a):
    before = state(draft)
    with pytest.raises(ValidationError):
        actions.sign_agreement(draft, acting_user=admin_a, signed_on=days(-1), valid_until=days(-10))
    assert state(draft) == before


def test_withdrawing_a_signed_agreement_needs_a_reason(org_a, org_b, admin_a):
    signed = make_agreement([(org_a, "lead"), (org_b, "partner")], status="signed")
    before = state(signed)
    with pytest.raises(ValidationError):
        actions.withdraw_agreement(signed, acting_user=admin_a, reason="  ")
    assert state(signed) == before
    actions.withdraw_agreement(signed, acting_user=admin_a, reason="Sostituito dal nuovo protocollo")
    signed.refresh_from_db()
    assert signed.status == AgreementStatus.WITHDRAWN
    assert signed.withdrawn_on == TODAY()
    assert signed.withdrawal_reason == "Sostituito dal nuovo protocollo"


def test_a_draft_can_be_withdrawn_without_a_reason(draft, admin_a):
    actions.withdraw_agreement(draft, acting_user=admin_a, reason="")
    draft.refresh_from_db()
    assert draft.status == AgreementStatus.WITHDRAWN


def test_an_expired_agreement_comes_back_only_through_a_renewal(org_a, org_b, admin_a):
    expired = make_agreement(
        [(org_a, "lead"), (org_b, "partner")], status="expired", valid_from=days(-400), valid_until=days(-35)
    )
    with pytest.raises(ValidationError):
        actions.sign_agreement(expired, acting_user=admin_a, signed_on=days(-1))
    actions.renew_agreement(expired, acting_user=admin_a, valid_until=days(730))
    expired.refresh_from_db()
    assert expired.status == AgreementStatus.SIGNED
    assert expired.valid_from == TODAY()  # after expiry the new period starts today
    assert expired.valid_until == days(730)


def test_renewing_before_expiry_continues_the_validity(org_a, org_b, admin_a):
    signed = make_agreement([(org_a, "lead"), (org_b, "partner")], status="signed", valid_until=days(20))
    actions.renew_agreement(signed, acting_user=admin_a, valid_until=days(400))
    signed.refresh_from_db()
    assert signed.status == AgreementStatus.SIGNED
    assert signed.valid_from == days(21)
    assert signed.valid_until == days(400)


def test_a_renewal_must_end_in_the_future(org_a, org_b, admin_a):
    expired = make_agreement([(org_a, "lead"), (org_b, "partner")], status="expired", valid_until=days(-5))
    before = state(expired)
    with pytest.raises(ValidationError):
        actions.renew_agreement(expired, acting_user=admin_a, valid_until=days(-1))
    assert state(expired) == before


def test_dates_at_the_ends_of_the_calendar_are_refused_not_crashing(org_a, org_b, admin_a, coordinator):
    signed = make_agreement(
        [(org_a, "lead"), (org_b, "partner")], status="signed", valid_until=datetime.date(9999, 12, 31)
    )
    before = state(signed)
    with pytest.raises(ValidationError):  # the old far-future end cannot be continued by a day
        actions.renew_agreement(signed, acting_user=admin_a, valid_until=datetime.date(9999, 12, 31))
    assert state(signed) == before
    draft = make_agreement([(org_a, "lead"), (org_b, "partner")])
    with pytest.raises(ValidationError):
        actions.sign_agreement(
            draft, acting_user=admin_a, signed_on=days(-1), valid_until=datetime.date(9999, 12, 31)
        )
    response = client_for(coordinator).post(
        reverse("network:agreement_renew", args=[signed.pk]), {"valid_until": "9999-12-31"}
    )
    assert response.status_code in (200, 400)  # the form again with its error, never a server error


OPERATIONS = {
    "sign": lambda a, user: actions.sign_agreement(a, acting_user=user, signed_on=days(-1)),
    "withdraw": lambda a, user: actions.withdraw_agreement(a, acting_user=user, reason="Motivo"),
    "renew": lambda a, user: actions.renew_agreement(a, acting_user=user, valid_until=days(500)),
}


@pytest.mark.parametrize("status", AgreementStatus.values)
@pytest.mark.parametrize("operation", list(OPERATIONS))
def test_every_status_change_follows_the_transition_table(org_a, org_b, admin_a, status, operation):
    # Given an agreement in `status` (dates consistent with it)
    fields = {"valid_until": days(-5)} if status == "expired" else {}
    agreement = make_agreement([(org_a, "lead"), (org_b, "partner")], status=status, **fields)
    target = AgreementStatus.WITHDRAWN if operation == "withdraw" else AgreementStatus.SIGNED
    allowed = actions.TRANSITIONS.get((status, target)) == operation
    before = state(agreement)

    # When the operation is attempted
    if allowed:
        OPERATIONS[operation](agreement, admin_a)
        agreement.refresh_from_db()
        # Then it happens...
        assert agreement.status == target
    else:
        # ...or it is refused and nothing changes
        with pytest.raises(ValidationError):
            OPERATIONS[operation](agreement, admin_a)
        assert state(agreement) == before


def test_nobody_expires_an_agreement_by_hand():
    assert "expire" not in actions.allowed_transitions(Agreement(status=AgreementStatus.SIGNED))
    assert actions.allowed_transitions(Agreement(status=AgreementStatus.WITHDRAWN)) == set()


def test_an_organisation_that_is_not_a_party_cannot_sign_and_nothing_changes(draft, org_b, db):
    outsider_org = make_organisation("Associazione Terza")
    admin_c = make_member(outsider_org, Role.ORG_ADMIN, "admin_c@example.org")
    before = state(draft)
    with pytest.raises(PermissionDenied):
        actions.sign_agreement(draft, acting_user=admin_c, signed_on=days(-1))
    assert state(draft) == before


def test_a_viewer_of_a_party_cannot_sign(draft, viewer_a):
    before = state(draft)
    response = client_for(viewer_a).post(
        reverse("network:agreement_sign", args=[draft.pk]), {"signed_on": days(-1).isoformat()}
    )
    assert response.status_code == 403
    assert state(draft) == before


def test_the_region_signs_any_agreement(draft, coordinator):
    actions.sign_agreement(draft, acting_user=coordinator, signed_on=days(-1))
    draft.refresh_from_db()
    assert draft.status == AgreementStatus.SIGNED


# --- creating and editing ---------------------------------------------------------------------------


def test_an_operator_creates_a_draft_with_their_organisation_among_the_parties(operator_a, org_a, org_b):
    agreement = actions.create_agreement(
        acting_user=operator_a,
        data={"kind": "adhesion", "title": "Lettera di adesione", "actions": ["03"]},
        parties=[(org_a, "lead"), (org_b, "adherent")],
    )
    assert agreement.status == AgreementStatus.DRAFT
    assert agreement.created_by == operator_a
    assert {(p.organisation_id, p.role) for p in agreement.parties.all()} == {
        (org_a.pk, "lead"),
        (org_b.pk, "adherent"),
    }


def test_an_organisation_cannot_create_an_agreement_it_is_not_part_of(operator_a, org_b, db):
    other = make_organisation("Ente Terzo")
    with pytest.raises(ValidationError, match="must be one of the parties"):
        actions.create_agreement(
            acting_user=operator_a,
            data={"kind": "memorandum", "title": "X"},
            parties=[(org_b, "lead"), (other, "partner")],
        )
    assert not Agreement.objects.exists()


def test_the_parties_form_needs_exactly_one_lead(admin_a, org_a, org_b):
    client = client_for(admin_a)
    data = {
        "kind": "memorandum",
        "title": "Protocollo senza capofila",
        "parties-TOTAL_FORMS": "2",
        "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "0",
        "parties-MAX_NUM_FORMS": "1000",
        "parties-0-organisation": str(org_a.pk),
        "parties-0-role": "partner",
        "parties-1-organisation": str(org_b.pk),
        "parties-1-role": "partner",
    }
    response = client.post(reverse("network:agreement_create"), data)
    assert response.status_code == 200
    with translation.override("en"):
        assert "exactly one lead" in str(response.context["formset"].non_form_errors())
    data["parties-0-role"] = "lead"
    data["parties-1-organisation"] = str(org_a.pk)  # the same organisation twice
    response = client.post(reverse("network:agreement_create"), data)
    with translation.override("en"):
        assert "only once" in str(response.context["formset"].non_form_errors())
    assert not Agreement.objects.exists()


def test_editing_replaces_parties_and_the_history_shows_it(draft, admin_a, org_a, org_b, region):
    client = client_for(admin_a)
    response = client.post(
        reverse("network:agreement_edit", args=[draft.pk]),
        {
            "kind": "convention",
            "title": "Convenzione per l'orientamento",
            "actions": ["01", "02"],
            "objectives": "Orientare",
            "description": "",
            "valid_from": "",
            "valid_until": "",
            "parties-TOTAL_FORMS": "2",
            "parties-INITIAL_FORMS": "0",
            "parties-MIN_NUM_FORMS": "0",
            "parties-MAX_NUM_FORMS": "1000",
            "parties-0-organisation": str(org_a.pk),
            "parties-0-role": "partner",
            "parties-1-organisation": str(region.pk),
            "parties-1-role": "lead",
        },
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.kind == "convention"
    assert draft.actions == ["01", "02"]
    assert {(p.organisation_id, p.role) for p in draft.parties.all()} == {
        (org_a.pk, "partner"),
        (region.pk, "lead"),
    }

    page = client.get(reverse("network:agreement_detail", args=[draft.pk]))
    history = page.context["history"]
    timestamps = [row["entry"].timestamp for row in history]
    assert timestamps == sorted(timestamps, reverse=True)
    removed = [row for row in history if row["entry"].action == LogEntry.Action.DELETE]
    assert [row["entry"].object_repr.startswith("Cooperativa Esempio") for row in removed] == [True]
    added = [row for row in history if row["entry"].action == LogEntry.Action.CREATE]
    assert any(row["entry"].object_repr.startswith("Regione Campania") for row in added)
    edits = [row for row in history if row["entry"].content_type.model == "agreement" and row["changes"]]
    assert any(
        new == "Convenzione per l'orientamento" for row in edits for _label, _old, new in row["changes"]
    )


def test_the_dates_of_a_signed_agreement_change_only_by_renewal(org_a, org_b, admin_a):
    signed = make_agreement([(org_a, "lead"), (org_b, "partner")], status="signed", valid_until=days(100))
    actions.update_agreement(
        signed,
        acting_user=admin_a,
        data={"title": "Nuovo titolo", "valid_until": days(1000)},
        parties=[(org_a, "lead"), (org_b, "partner")],
    )
    signed.refresh_from_db()
    assert signed.title == "Nuovo titolo"
    assert signed.valid_until == days(100)


def test_a_signed_agreement_keeps_two_parties(org_a, org_b, admin_a):
    signed = make_agreement([(org_a, "lead"), (org_b, "partner")], status="signed")
    before = state(signed)
    with pytest.raises(ValidationError):
        actions.update_agreement(signed, acting_user=admin_a, data={}, parties=[(org_a, "lead")])
    assert state(signed) == before


def test_an_expired_agreement_cannot_be_edited(org_a, org_b, admin_a):
    expired = make_agreement([(org_a, "lead"), (org_b, "partner")], status="expired", valid_until=days(-3))
    response = client_for(admin_a).get(reverse("network:agreement_edit", args=[expired.pk]))
    assert response.status_code == 302
    with pytest.raises(ValidationError):
        actions.update_agreement(expired, acting_user=admin_a, data={"title": "X"}, parties=[])


# --- the list ---------------------------------------------------------------------------------------


def test_the_list_filters_by_kind_status_organisation_and_expiry(org_a, org_b, region, viewer_a):
    soon = make_agreement([(org_a, "lead"), (org_b, "partner")], status="signed", valid_until=days(30))
    later = make_agreement([(org_a, "lead"), (region, "partner")], status="signed", valid_until=days(300))
    draft = make_agreement([(org_b, "lead"), (region, "partner")], kind="convention")
    client = client_for(viewer_a)

    def shown(query: str) -> set[int]:
        response = client.get(reverse("network:agreement_list") + query)
        assert response.status_code == 200
        return {a.pk for a in response.context["page"].object_list}

    assert shown("") == {soon.pk, later.pk, draft.pk}
    assert shown("?kind=convention") == {draft.pk}
    assert shown("?status=signed") == {soon.pk, later.pk}
    assert shown(f"?organisation={org_b.pk}") == {soon.pk, draft.pk}
    assert shown("?expiring=90") == {soon.pk}
    assert shown("?expiring=365") == {soon.pk, later.pk}
