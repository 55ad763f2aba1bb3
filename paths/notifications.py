"""In-app notifications and their e-mail copies (sent through the task worker)."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import translation
from django.utils.translation import gettext as _

from paths.models import Notification

# The texts are rendered in the reader's language when shown, from the kind and its parameters.
KINDS = {
    "referral_received": lambda p: _("New referral from %(from)s: %(service)s") % p,
    "referral_accepted": lambda p: _("%(to)s accepted your referral: %(service)s") % p,
    "referral_rejected": lambda p: _("%(to)s rejected your referral: %(service)s") % p,
    "referral_completed": lambda p: _("%(to)s completed your referral: %(service)s") % p,
    "referral_withdrawn": lambda p: _("%(from)s withdrew a referral: %(service)s") % p,
    "referral_assigned": lambda p: _("A referral was assigned to you: %(service)s") % p,
    "mediation_requested": lambda p: _("Mediation requested in %(language)s on %(when)s") % p,
    "mediation_assigned": lambda p: _("You have a mediation request in %(language)s on %(when)s") % p,
    "mediation_answered": lambda p: _("The mediator answered your request of %(when)s: %(status)s") % p,
    "goal_due": lambda p: _("Goal due on %(due)s: %(goal)s") % p,
    # Governance of the network (network.actions)
    "association_proposed": lambda p: _("%(by)s proposed %(name)s for the registry of associations") % p,
    "association_approved": lambda p: _("The Region approved %(name)s in the registry of associations") % p,
    "association_rejected": lambda p: _("The Region did not approve %(name)s: %(note)s") % p,
    "agreement_expiring": lambda p: (
        _("The agreement “%(title)s” expires on %(until)s (in %(days)s days)") % p
    ),
    "agreement_expired": lambda p: _("The agreement “%(title)s” expired on %(until)s") % p,
    "action_item_assigned": lambda p: _("Action for %(owner)s by %(due)s: %(action)s") % p,
    # Public directory (directory.actions, directory.review)
    "directory_proposal_received": lambda p: _("%(organisation)s proposed a change to “%(name)s”") % p,
    "directory_proposal_approved": lambda p: _("The editors applied your change to “%(name)s”") % p,
    "directory_proposal_rejected": lambda p: (
        _("The editors did not apply your change to “%(name)s”: %(reason)s") % p
    ),
    "directory_verification_due": lambda p: (
        _("“%(name)s” was last verified on %(since)s: check it, or the portal hides it from %(hide_on)s") % p
    ),
}


def render_text(kind: str, params: dict) -> str:
    render = KINDS.get(kind)
    if render is None:
        return kind
    try:
        return render(params)
    except (KeyError, TypeError):
        return kind


def notify(recipients, kind: str, params: dict, url: str = "", key: str = "") -> list[Notification]:
    """Create one notification per recipient (once per `key`, if given) and queue the e-mails after commit.

    Parameters must be plain strings: the text is rendered at reading time in the reader's language."""
    created = []
    for user in {u.pk: u for u in recipients if u is not None and u.is_active}.values():
        try:
            with transaction.atomic():
                created.append(
                    Notification.objects.create(recipient=user, kind=kind, params=params, url=url, key=key)
                )
        except IntegrityError:
            continue  # already notified for this key
    to_email = [n for n in created if n.recipient.email_notifications and n.recipient.email]
    if to_email:
        transaction.on_commit(lambda: _send_emails([n.pk for n in to_email]))
    return created


def _send_emails(notification_ids: list[int]) -> None:
    for notification in Notification.objects.filter(pk__in=notification_ids).select_related("recipient"):
        language = notification.recipient.preferred_language or settings.LANGUAGE_CODE
        with translation.override(language):
            text = notification.text
            link = f"{settings.SITE_URL.rstrip('/')}{notification.url}" if notification.url else ""
            body = _("%(text)s\n\n%(link)s\n\nYou can turn off e-mail notifications in My account.") % {
                "text": text,
                "link": link,
            }
            send_mail(f"[InterAzioni] {text}", body, None, [notification.recipient.email])
        notification.emailed = True
        notification.save(update_fields=["emailed"])


def mark_read(user, notification_ids=None) -> int:
    from django.utils import timezone

    qs = Notification.objects.for_user(user).unread()
    if notification_ids is not None:
        qs = qs.filter(pk__in=notification_ids)
    return qs.update(read_at=timezone.now())
