from django.conf import settings
from django.utils.translation import get_language, get_language_bidi

from core.roles import role_can
from core.scoping import active_membership


def platform(request):
    user = getattr(request, "user", None)
    membership = active_membership(user) if user is not None else None
    memberships = []
    unread = 0
    if membership is not None:
        from paths.models import Notification

        unread = Notification.objects.for_user(user).unread().count()
        memberships = list(
            user.memberships.active().select_related("organisation").order_by("organisation__name", "role")
        )
    return {
        "PLATFORM_NAME": settings.PLATFORM_NAME,
        "DEMO_MODE": settings.DEMO_MODE,
        "LANGUAGE_CODE": get_language(),
        "LANGUAGE_BIDI": get_language_bidi(),
        # The workspace offers the languages its interface is fully translated into (the portal offers all).
        "WORKSPACE_LANGUAGE_CHOICES": [
            (code, name) for code, name in settings.LANGUAGES if code in settings.WORKSPACE_LANGUAGES
        ],
        "active_membership": membership,
        "user_memberships": memberships,
        "unread_notifications": unread,
        "can": _Capabilities(membership.role if membership else None),
    }


class _Capabilities:
    """Template helper: {% if can.participant_change %} asks the role table."""

    def __init__(self, role):
        self.role = role

    def __getattr__(self, name):
        try:
            return role_can(self.role, name.replace("_", ".", 1))
        except KeyError:
            raise AttributeError(name) from None
