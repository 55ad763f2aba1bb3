"""Consents are immutable records: a change withdraws the old one and records a new one."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from conftest import client_for, make_consent, make_organisation, make_participant
from people.models import Consent, ConsentPurpose, ConsentScope


def _consent_form(**overrides) -> dict:
    data = {
        "purpose": ConsentPurpose.SHARING,
        "granted": "on",
        "scope": ConsentScope.NETWORK,
        "given_on": "2025-03-01",
        "evidence": "oral_mediator",
        "evidence_reference": "Mediatrice: L. Haddad",
    }
    data.update(overrides)
    return data


# --- Immutability ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("scope", ConsentScope.NETWORK),
        ("granted", False),
        ("purpose", ConsentPurpose.IMAGES),
        ("given_on", datetime.date(2024, 1, 1)),
        ("evidence", "other"),
    ],
)
def test_a_consent_cannot_be_edited(participant_a, operator_a, field, value):
    # Given a recorded consent
    consent = make_consent(participant_a, operator_a, scope=ConsentScope.OWN)
    # When one of its terms is changed and saved, then it is refused and the stored one is unchanged
    setattr(consent, field, value)
    with pytest.raises(ValidationError):
        consent.save()
    stored = Consent.objects.get(pk=consent.pk)
    assert stored.scope == ConsentScope.OWN
    assert stored.granted


def test_a_consent_cannot_be_deleted(participant_a, operator_a):
    consent = make_consent(participant_a, operator_a)
    with pytest.raises(ValidationError):
        consent.delete()
    assert Consent.objects.filter(pk=consent.pk).exists()


def test_consents_cannot_be_deleted_in_bulk_either(participant_a, operator_a):
    consent = make_consent(participant_a, operator_a)
    with pytest.raises(ValidationError):
        Consent.objects.filter(pk=consent.pk).delete()
    assert Consent.objects.filter(pk=consent.pk).exists()


def test_a_withdrawn_consent_cannot_be_reinstated(participant_a, operator_a):
    consent = make_consent(participant_a, operator_a)
    consent.withdrawn_at = timezone.now()
    consent.withdrawn_by = operator_a
    consent.save()
    consent.withdrawn_at = None
    with pytest.raises(ValidationError):
        consent.save()
    assert Consent.objects.get(pk=consent.pk).withdrawn_at is not None


# --- Through the workspace ------------------------------------------------------------------------


def test_recording_a_consent_through_the_form(operator_a, participant_a):
    response = client_for(operator_a).post(
        reverse("people:consent_create", args=[participant_a.pk]), _consent_form()
    )
    assert response.status_code == 302
    consent = Consent.objects.get(participant=participant_a)
    assert consent.scope == ConsentScope.NETWORK
    assert consent.recorded_by == operator_a
    assert consent.in_force


def test_changing_a_consent_withdraws_the_old_one_and_links_the_new_one(operator_a, participant_a):
    # Given a consent limited to the owner organisation
    old = make_consent(participant_a, operator_a, scope=ConsentScope.OWN)
    # When the operator records a replacement extending it to the whole network
    url = reverse("people:consent_create", args=[participant_a.pk]) + f"?replace={old.pk}"
    response = client_for(operator_a).post(url, _consent_form(scope=ConsentScope.NETWORK))
    # Then the old consent is withdrawn by them, and the new one says which it supersedes
    assert response.status_code == 302
    old.refresh_from_db()
    assert old.withdrawn_at is not None
    assert old.withdrawn_by == operator_a
    assert not old.in_force
    new = Consent.objects.exclude(pk=old.pk).get()
    assert new.supersedes == old
    assert old.superseded_by == new
    assert new.in_force
    assert new.scope == ConsentScope.NETWORK


def test_the_replacement_form_starts_from_the_old_terms(operator_a, participant_a):
    old = make_consent(participant_a, operator_a, scope=ConsentScope.OWN, purpose=ConsentPurpose.CONTACT)
    url = reverse("people:consent_create", args=[participant_a.pk]) + f"?replace={old.pk}"
    form = client_for(operator_a).get(url).context["form"]
    assert form.initial["purpose"] == ConsentPurpose.CONTACT
    assert form.initial["scope"] == ConsentScope.OWN


def test_a_consent_of_another_participant_cannot_be_replaced(operator_a, participant_a, org_a):
    other = make_participant(org_a)
    foreign = make_consent(other, operator_a)
    url = reverse("people:consent_create", args=[participant_a.pk]) + f"?replace={foreign.pk}"
    response = client_for(operator_a).post(url, _consent_form())
    assert response.status_code == 404
    assert Consent.objects.get(pk=foreign.pk).in_force
    assert not Consent.objects.filter(participant=participant_a).exists()


def test_withdrawing_records_who_and_when(operator_a, colleague_a, participant_a):
    # Given a consent recorded by a colleague
    consent = make_consent(participant_a, colleague_a)
    before = timezone.now()
    # When the operator withdraws it with a reason
    response = client_for(operator_a).post(
        reverse("people:consent_withdraw", args=[participant_a.pk, consent.pk]),
        {"reason": "Richiesta scritta"},
    )
    # Then who, when and why are recorded, and the original terms are untouched
    assert response.status_code == 302
    consent.refresh_from_db()
    assert consent.withdrawn_by == operator_a
    assert before <= consent.withdrawn_at <= timezone.now()
    assert consent.withdrawal_reason == "Richiesta scritta"
    assert consent.recorded_by == colleague_a
    assert not consent.in_force


def test_withdrawing_twice_changes_nothing(operator_a, colleague_a, participant_a):
    consent = make_consent(participant_a, colleague_a)
    url = reverse("people:consent_withdraw", args=[participant_a.pk, consent.pk])
    client = client_for(operator_a)
    client.post(url, {"reason": "prima"})
    first = Consent.objects.filter(pk=consent.pk).values().get()
    response = client_for(colleague_a).post(url, {"reason": "seconda"})
    assert response.status_code == 302
    assert Consent.objects.filter(pk=consent.pk).values().get() == first


def test_a_listed_consent_needs_organisations(operator_a, participant_a):
    response = client_for(operator_a).post(
        reverse("people:consent_create", args=[participant_a.pk]), _consent_form(scope=ConsentScope.LISTED)
    )
    assert response.status_code == 200
    assert "organisations" in response.context["form"].errors
    assert not Consent.objects.exists()


def test_a_future_consent_date_is_refused(operator_a, participant_a):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    response = client_for(operator_a).post(
        reverse("people:consent_create", args=[participant_a.pk]), _consent_form(given_on=tomorrow)
    )
    assert "given_on" in response.context["form"].errors


# --- Which consents cover an organisation ---------------------------------------------------------


@pytest.fixture
def partners(org_a, org_b):
    return {"a": org_a, "b": org_b, "c": make_organisation("Associazione Terza")}


def test_covering_honours_own_listed_and_network_scopes(partners, operator_a):
    a, b, c = partners["a"], partners["b"], partners["c"]
    own = make_consent(make_participant(a), operator_a, scope=ConsentScope.OWN)
    listed = make_consent(make_participant(a), operator_a, scope=ConsentScope.LISTED, organisations=[b])
    network = make_consent(make_participant(a), operator_a, scope=ConsentScope.NETWORK)

    assert set(Consent.objects.covering(a)) == {own, network}
    assert set(Consent.objects.covering(b)) == {listed, network}
    assert set(Consent.objects.covering(c)) == {network}


def test_covering_excludes_withdrawn_and_refused_consents(partners, operator_a):
    a = partners["a"]
    withdrawn = make_consent(make_participant(a), operator_a, scope=ConsentScope.NETWORK)
    withdrawn.withdrawn_at = timezone.now()
    withdrawn.withdrawn_by = operator_a
    withdrawn.save()
    make_consent(make_participant(a), operator_a, scope=ConsentScope.NETWORK, granted=False)

    assert not Consent.objects.covering(partners["b"]).exists()
    assert not Consent.objects.covering(a).exists()


def test_covering_is_per_purpose(partners, operator_a):
    contact = make_consent(
        make_participant(partners["a"]),
        operator_a,
        scope=ConsentScope.NETWORK,
        purpose=ConsentPurpose.CONTACT,
    )
    assert not Consent.objects.covering(partners["b"]).exists()
    assert list(Consent.objects.covering(partners["b"], purpose=ConsentPurpose.CONTACT)) == [contact]


def test_covering_lists_a_consent_once_even_with_many_organisations(partners, operator_a):
    consent = make_consent(
        make_participant(partners["a"]),
        operator_a,
        scope=ConsentScope.LISTED,
        organisations=[partners["b"], partners["c"]],
    )
    assert list(Consent.objects.covering(partners["b"])) == [consent]


@pytest.mark.django_db
def test_a_participant_with_a_replaced_consent_can_still_be_deleted(operator_a, participant_a):
    # Given a consent replaced by a newer one (the chain that PROTECT used to block)
    from people import actions

    first = actions.record_consent(
        participant_a,
        acting_user=operator_a,
        data={
            "purpose": "sharing",
            "scope": "network",
            "given_on": participant_a.created_at.date(),
            "evidence": "signed_form",
        },
    )
    actions.record_consent(
        participant_a,
        acting_user=operator_a,
        data={
            "purpose": "sharing",
            "scope": "own",
            "given_on": participant_a.created_at.date(),
            "evidence": "signed_form",
        },
        supersedes=first,
    )
    # When the participant is deleted (erasure), then the consents go with them
    participant_a.delete()
    assert not Consent.objects.filter(participant_id=participant_a.pk).exists()
