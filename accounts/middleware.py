"""Request-level glue: the membership the user acts through, and mandatory two-factor authentication."""

from django.shortcuts import redirect
from django.urls import reverse

from core.scoping import active_membership

MFA_EXEMPT_PREFIXES = ("/accounts/", "/static/", "/i18n/", "/api/", "/__debug__/")


class ActiveMembershipMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = active_membership(request.user)
        return self.get_response(request)


class RequireMFAMiddleware:
    """Send staff of an organisation that requires MFA to set up an authenticator before anything else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        membership = getattr(request, "membership", None)
        if (
            membership is not None
            and membership.organisation.require_mfa
            and not request.path.startswith(MFA_EXEMPT_PREFIXES)
            and not _has_mfa(request.user)
        ):
            return redirect(reverse("mfa_activate_totp") + "?required=1")
        return self.get_response(request)


def _has_mfa(user) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
