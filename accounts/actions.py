"""Writes on accounts and memberships."""

from django.contrib.auth.forms import PasswordResetForm
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from accounts.models import ApiToken, Membership, User
from core.scoping import CHANGE, active_membership, get_for_user, require_permission


@transaction.atomic
def add_staff_member(*, acting_user, data: dict, existing_user: User | None, request=None) -> Membership:
    """Create (or reuse) an account and give it a role in an organisation the acting user manages."""
    require_permission(acting_user, "staff.change")
    acting = active_membership(acting_user)
    organisation = data["organisation"]
    if acting.organisation_id != organisation.pk and acting.role != "regional_coordinator":
        raise PermissionDenied("not your organisation")
    user = existing_user
    if user is None:
        user = User.objects.create_user(
            email=data["email"],
            password=data.get("password") or None,
            first_name=data["first_name"],
            last_name=data["last_name"],
        )
        if not data.get("password"):
            user.set_unusable_password()
            user.save(update_fields=["password"])
    membership = Membership.objects.create(
        user=user, organisation=organisation, role=data["role"], created_by=acting_user
    )
    if existing_user is None and not data.get("password") and request is not None:
        reset = PasswordResetForm({"email": user.email})
        if reset.is_valid():
            transaction.on_commit(lambda: reset.save(request=request, use_https=request.is_secure()))
    return membership


@transaction.atomic
def update_membership(membership: Membership, *, acting_user, role: str, is_active: bool) -> Membership:
    get_for_user(Membership.objects.all(), acting_user, CHANGE, pk=membership.pk)
    membership.role = role
    membership.is_active = is_active
    membership.save(update_fields=["role", "is_active"])
    return membership


def switch_membership(*, acting_user, membership_id: int) -> Membership | None:
    membership = Membership.objects.active().filter(user=acting_user, pk=membership_id).first()
    if membership is None:
        return None
    acting_user.active_membership = membership
    acting_user.save(update_fields=["active_membership"])
    acting_user._active_membership_cache = membership
    return membership


def issue_api_token(*, acting_user, name: str, expires_in_days: int) -> tuple[ApiToken, str]:
    expires_at = timezone.now() + timezone.timedelta(days=expires_in_days) if expires_in_days else None
    return ApiToken.issue(acting_user, name, expires_at=expires_at)


def revoke_api_token(token: ApiToken, *, acting_user) -> ApiToken:
    if token.user_id != acting_user.pk:
        raise PermissionDenied("not your token")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    return token
