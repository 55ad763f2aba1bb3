"""Organisation scoping: the one place that decides which records a user reaches.

Every scoped model's manager is built from `ScopedQuerySet` and implements `scope(membership, action)`.
Views, API endpoints, exports, counts and form choices all call `visible_to(user, action)`; single objects
go through `get_for_user`, which answers 404 for records out of scope (the same answer as "does not
exist") and 403 when the record is visible but the action is not allowed.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import Http404

from core.roles import role_can

if TYPE_CHECKING:
    from accounts.models import Membership

VIEW = "view"
CHANGE = "change"


def active_membership(user) -> Membership | None:
    """The membership the user is acting through, or None (anonymous, no membership, inactive)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    cached = getattr(user, "_active_membership_cache", None)
    if cached is not None:
        return cached or None
    from accounts.models import Membership

    membership = None
    qs = Membership.objects.filter(user=user, is_active=True, organisation__is_active=True).select_related(
        "organisation"
    )
    if user.active_membership_id:
        membership = qs.filter(pk=user.active_membership_id).first()
    if membership is None:
        membership = qs.order_by("pk").first()
    user._active_membership_cache = membership or False
    return membership


def user_can(user, permission: str) -> bool:
    membership = active_membership(user)
    return membership is not None and role_can(membership.role, permission)


def require_permission(user, permission: str) -> None:
    if not user_can(user, permission):
        raise PermissionDenied


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows how to restrict itself to what a user may reach."""

    def visible_to(self, user, action: str = VIEW):
        membership = active_membership(user)
        if membership is None:
            return self.none()
        return self.scope(membership, action)

    def scope(self, membership: Membership, action: str):
        # Deny by default: a model that does not say who may reach it shows nothing.
        return self.none()


def get_for_user(queryset: ScopedQuerySet, user, action: str = VIEW, **lookup: Any):
    """Fetch one object in the user's scope: 404 when out of scope, 403 when read-only for `action`."""
    obj = queryset.visible_to(user, VIEW).filter(**lookup).first()
    if obj is None:
        raise Http404
    if action != VIEW and not queryset.visible_to(user, action).filter(pk=obj.pk).exists():
        raise PermissionDenied
    return obj


def restrict_form_fields(form, user) -> None:
    """Limit every model-choice field of a form to the records the user may see."""
    for field in form.fields.values():
        queryset = getattr(field, "queryset", None)
        if isinstance(queryset, ScopedQuerySet):
            field.queryset = queryset.visible_to(user, VIEW)
