"""Accounts: acting for an organisation, managing staff, login protection, sessions, API tokens."""

from __future__ import annotations

import pytest
from allauth.mfa.models import Authenticator
from axes.models import AccessAttempt
from axes.utils import reset as reset_axes
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import ApiToken, Membership, User
from conftest import PASSWORD, client_for, make_member, make_participant
from core.roles import REGIONAL_ROLES, Role

SWITCH_URL = reverse("accounts:switch_membership")
LIST_URL = reverse("people:participant_list")
STAFF_CREATE_URL = reverse("accounts:staff_create")


# --- Acting for one organisation at a time --------------------------------------------------------


@pytest.fixture
def two_hats(org_a, org_b):
    """A person who is an operator both at A and at B, acting for A."""
    user = make_member(org_a, Role.OPERATOR, "two.hats@example.org")
    Membership.objects.create(user=user, organisation=org_b, role=Role.OPERATOR)
    return user


def _shown(client) -> set[str]:
    return {p.last_name for p in client.get(LIST_URL).context["page"].object_list}


def test_switching_membership_changes_what_the_list_shows(two_hats, org_a, org_b):
    make_participant(org_a, last_name="DiA")
    make_participant(org_b, last_name="DiB")
    client = client_for(two_hats)
    assert _shown(client) == {"DiA"}

    # When they switch to acting for B
    membership_b = two_hats.memberships.get(organisation=org_b)
    response = client.post(SWITCH_URL, {"membership": membership_b.pk, "next": LIST_URL})

    # Then the list shows B's records, and the choice is remembered
    assert response.status_code == 302
    assert response["Location"] == LIST_URL
    assert _shown(client) == {"DiB"}
    two_hats.refresh_from_db()
    assert two_hats.active_membership == membership_b


def test_after_switching_a_detail_page_is_not_reopened(two_hats, org_b):
    membership_b = two_hats.memberships.get(organisation=org_b)
    response = client_for(two_hats).post(
        SWITCH_URL, {"membership": membership_b.pk, "next": "/area-riservata/partecipanti/7/"}
    )
    assert response["Location"] == reverse("core:home")


def test_switching_refuses_an_unsafe_next_url(two_hats, org_b):
    membership_b = two_hats.memberships.get(organisation=org_b)
    response = client_for(two_hats).post(
        SWITCH_URL, {"membership": membership_b.pk, "next": "https://evil.example/"}
    )
    assert response["Location"] == reverse("core:home")


def test_a_user_cannot_switch_to_a_membership_that_is_not_theirs(two_hats, admin_b, org_a):
    client = client_for(two_hats)
    response = client.post(SWITCH_URL, {"membership": admin_b.active_membership.pk}, follow=True)
    assert response.status_code == 200
    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    two_hats.refresh_from_db()
    assert two_hats.active_membership.organisation == org_a


def test_a_user_cannot_switch_to_an_inactive_membership(two_hats, org_a, org_b):
    membership_b = two_hats.memberships.get(organisation=org_b)
    membership_b.is_active = False
    membership_b.save()
    client_for(two_hats).post(SWITCH_URL, {"membership": membership_b.pk})
    two_hats.refresh_from_db()
    assert two_hats.active_membership.organisation == org_a


def test_a_garbage_membership_id_is_refused(two_hats, org_a):
    response = client_for(two_hats).post(SWITCH_URL, {"membership": "1 OR 1=1"})
    assert response.status_code == 302
    two_hats.refresh_from_db()
    assert two_hats.active_membership.organisation == org_a


def test_a_deactivated_membership_no_longer_grants_access(operator_a, participant_a):
    Membership.objects.filter(user=operator_a).update(is_active=False)
    client = client_for(operator_a)
    assert client.get(LIST_URL).status_code == 403
    assert client.get(reverse("people:participant_detail", args=[participant_a.pk])).status_code == 404


# --- Staff management -----------------------------------------------------------------------------


def _staff_form(organisation, **overrides) -> dict:
    data = {
        "email": "Nuova.Collega@Example.org",
        "first_name": "Nuova",
        "last_name": "Collega",
        "organisation": organisation.pk,
        "role": Role.OPERATOR,
        "password": "Una-Password-Lunga-2025!",
    }
    data.update(overrides)
    return data


def test_org_admin_adds_a_staff_member_to_their_organisation(admin_a, org_a):
    response = client_for(admin_a).post(STAFF_CREATE_URL, _staff_form(org_a))
    assert response.status_code == 302
    user = User.objects.get(email="nuova.collega@example.org")
    membership = user.memberships.get()
    assert membership.organisation == org_a
    assert membership.role == Role.OPERATOR
    assert membership.created_by == admin_a
    assert user.check_password("Una-Password-Lunga-2025!")


def test_adding_an_existing_person_only_adds_the_role(admin_a, org_a, operator_b):
    response = client_for(admin_a).post(
        STAFF_CREATE_URL, _staff_form(org_a, email=operator_b.email, password="")
    )
    assert response.status_code == 302
    assert set(operator_b.memberships.values_list("organisation__name", flat=True)) == {
        "Cooperativa Esempio",
        "Comune di Napoli",
    }
    assert User.objects.filter(email=operator_b.email).count() == 1


def test_org_admin_is_not_offered_regional_roles(admin_a):
    form = client_for(admin_a).get(STAFF_CREATE_URL).context["form"]
    offered = {value for value, _label in form.fields["role"].choices}
    assert offered & set(REGIONAL_ROLES) == set()
    assert Role.OPERATOR in offered


def test_the_coordinator_is_offered_regional_roles(coordinator):
    form = client_for(coordinator).get(STAFF_CREATE_URL).context["form"]
    assert set(REGIONAL_ROLES) <= {value for value, _label in form.fields["role"].choices}


@pytest.mark.parametrize("role", sorted(REGIONAL_ROLES))
def test_a_forged_post_with_a_regional_role_is_rejected(admin_a, org_a, role):
    users_before = User.objects.count()
    response = client_for(admin_a).post(STAFF_CREATE_URL, _staff_form(org_a, role=role))
    assert response.status_code == 200
    assert "role" in response.context["form"].errors
    assert User.objects.count() == users_before
    assert not Membership.objects.filter(role=role).exists()


def test_a_forged_post_for_another_organisation_is_rejected(admin_a, org_b):
    response = client_for(admin_a).post(STAFF_CREATE_URL, _staff_form(org_b))
    assert response.status_code == 200
    assert "organisation" in response.context["form"].errors
    assert not User.objects.filter(email="nuova.collega@example.org").exists()


def test_org_admin_cannot_promote_a_colleague_to_a_regional_role(admin_a, colleague_a):
    membership = colleague_a.active_membership
    response = client_for(admin_a).post(
        reverse("accounts:membership_edit", args=[membership.pk]),
        {"role": Role.REGIONAL_COORDINATOR, "is_active": "on"},
    )
    assert response.status_code == 200
    membership.refresh_from_db()
    assert membership.role == Role.OPERATOR


def test_org_admin_cannot_deactivate_the_membership_they_act_with(admin_a):
    membership = admin_a.active_membership
    response = client_for(admin_a).post(
        reverse("accounts:membership_edit", args=[membership.pk]), {"role": Role.ORG_ADMIN}
    )
    assert response.status_code == 200
    membership.refresh_from_db()
    assert membership.is_active


def test_a_short_password_for_a_new_staff_member_is_refused(admin_a, org_a):
    response = client_for(admin_a).post(STAFF_CREATE_URL, _staff_form(org_a, password="Corta1!"))
    assert response.status_code == 200
    assert "password" in response.context["form"].errors
    assert not User.objects.filter(email="nuova.collega@example.org").exists()


@pytest.mark.parametrize("password", ["Corta-2025", "password1234", "123456789012345"])
def test_password_validators_reject_weak_passwords(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_password_validators_accept_a_long_passphrase():
    validate_password("Cavallo-Batteria-Graffetta-42")


# --- Mandatory two-factor authentication ----------------------------------------------------------


def test_an_org_requiring_mfa_sends_users_without_totp_to_the_setup_page(operator_a, org_a):
    org_a.require_mfa = True
    org_a.save()
    response = client_for(operator_a).get(LIST_URL)
    assert response.status_code == 302
    assert response["Location"].split("?")[0] == reverse("mfa_activate_totp")


def test_logging_in_to_an_org_requiring_mfa_leads_to_the_setup_page(axes_clean, operator_a, org_a):
    # Given an organisation that requires MFA, when its operator logs in with the login form
    org_a.require_mfa = True
    org_a.save()
    client = Client()
    response = client.post(
        reverse("account_login"), {"login": operator_a.email, "password": PASSWORD}, follow=True
    )
    # Then the workspace sends them to the authenticator set-up (allauth asks to confirm the password
    # first), and the pages on the way answer instead of looping
    hops = [url.split("?")[0] for url, _status in response.redirect_chain]
    assert hops[:2] == [reverse("core:home"), reverse("mfa_activate_totp")]
    assert response.status_code == 200
    # When they confirm the password, then the set-up page opens
    response = client.post(
        reverse("account_reauthenticate") + "?next=" + reverse("mfa_activate_totp"),
        {"password": PASSWORD},
        follow=True,
    )
    assert response.status_code == 200
    assert response.redirect_chain[-1][0].split("?")[0] == reverse("mfa_activate_totp")


def test_an_org_requiring_mfa_lets_users_with_totp_in(operator_a, org_a):
    org_a.require_mfa = True
    org_a.save()
    Authenticator.objects.create(user=operator_a, type=Authenticator.Type.TOTP, data={"secret": "x"})
    assert client_for(operator_a).get(LIST_URL).status_code == 200


def test_an_org_without_mfa_requirement_does_not_redirect(operator_a, org_a):
    assert not org_a.require_mfa
    assert client_for(operator_a).get(LIST_URL).status_code == 200


# --- Login protection and sessions ----------------------------------------------------------------


@pytest.fixture
def axes_clean(db, settings):
    settings.AXES_ENABLED = True
    reset_axes()
    yield
    reset_axes()


def test_login_with_the_right_password_works(axes_clean, operator_a):
    client = Client()
    response = client.post(reverse("account_login"), {"login": operator_a.email, "password": PASSWORD})
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200


def test_axes_locks_the_account_out_after_repeated_failures(axes_clean, operator_a):
    client = Client()
    limit = settings.AXES_FAILURE_LIMIT
    # Given `limit` failed attempts
    for _ in range(limit):
        response = client.post(
            reverse("account_login"), {"login": operator_a.email, "password": "wrong-password"}
        )
        assert response.status_code in (200, 429)
    # When the right password is then given, then the login is still refused
    response = client.post(reverse("account_login"), {"login": operator_a.email, "password": PASSWORD})
    assert response.status_code == 429
    assert "_auth_user_id" not in client.session
    assert client.get(reverse("core:home")).status_code == 302


def test_failed_attempts_are_recorded_against_the_account_typed(axes_clean, operator_a):
    # The lockout is per account and IP (AXES_LOCKOUT_PARAMETERS), so the account must be recorded.
    Client().post(reverse("account_login"), {"login": operator_a.email, "password": "wrong-password"})
    attempt = AccessAttempt.objects.get()
    assert attempt.username == operator_a.email


def test_failures_on_one_account_do_not_lock_out_a_colleague_on_the_same_ip(
    axes_clean, operator_a, colleague_a
):
    # Given someone in the office mistypes operator A's password until it locks
    for _ in range(settings.AXES_FAILURE_LIMIT):
        Client().post(reverse("account_login"), {"login": operator_a.email, "password": "wrong-password"})
    # When a colleague logs in from the same address, then they get in
    response = Client().post(reverse("account_login"), {"login": colleague_a.email, "password": PASSWORD})
    assert response.status_code == 302


def test_fewer_failures_than_the_limit_do_not_lock_out(axes_clean, operator_a):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        client.post(reverse("account_login"), {"login": operator_a.email, "password": "wrong-password"})
    response = client.post(reverse("account_login"), {"login": operator_a.email, "password": PASSWORD})
    assert response.status_code == 302


def test_sessions_expire_after_inactivity():
    assert settings.SESSION_COOKIE_AGE <= 3600
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_COOKIE_HTTPONLY


# --- API tokens -----------------------------------------------------------------------------------


def test_an_api_token_is_issued_used_and_revoked(operator_a, participant_a):
    client = client_for(operator_a)
    # Given operator A issues a token from the profile page
    response = client.post(
        reverse("accounts:token_create"), {"name": "Script mensile", "expires_in_days": 30}
    )
    assert response.status_code == 200
    raw = response.context["raw"]
    token = ApiToken.objects.get(user=operator_a)
    assert raw.startswith(ApiToken.PREFIX)
    assert token.key_hash != raw and raw not in token.key_hash
    assert token.expires_at > timezone.now()

    # When it is used as a Bearer token, then the API answers in A's scope
    api = Client()
    response = api.get("/api/v1/participants/", HTTP_AUTHORIZATION=f"Bearer {raw}")
    assert response.status_code == 200
    assert [item["id"] for item in response.json()["items"]] == [participant_a.pk]
    token.refresh_from_db()
    assert token.last_used_at is not None

    # When it is revoked, then it no longer works
    response = client.post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 302
    assert api.get("/api/v1/participants/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_the_token_also_works_in_the_x_api_key_header(operator_a):
    _token, raw = ApiToken.issue(operator_a, "header")
    assert Client().get("/api/v1/participants/", HTTP_X_API_KEY=raw).status_code == 200


def test_an_expired_token_is_refused(operator_a):
    _token, raw = ApiToken.issue(operator_a, "old", expires_at=timezone.now() - timezone.timedelta(minutes=1))
    assert Client().get("/api/v1/participants/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_a_token_of_a_deactivated_user_is_refused(operator_a):
    _token, raw = ApiToken.issue(operator_a, "script")
    User.objects.filter(pk=operator_a.pk).update(is_active=False)
    assert Client().get("/api/v1/participants/", HTTP_AUTHORIZATION=f"Bearer {raw}").status_code == 401


def test_a_user_cannot_revoke_someone_elses_token(operator_a, colleague_a):
    token, _raw = ApiToken.issue(colleague_a, "theirs")
    response = client_for(operator_a).post(reverse("accounts:token_revoke", args=[token.pk]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
