"""The periodic check of the directory: records due for verification are flagged to the people who can fix them.

A published record not verified for `DIRECTORY_VERIFY_MONTHS` is flagged (the desk lists it, and its editors and
the owning partner's administrators get a notification, once per record and verification date); after
`DIRECTORY_HIDE_GRACE_MONTHS` more the portal stops showing it (`EditorialQuerySet.public()`) until someone
verifies it. Hiding needs no job: it follows from the dates. The job also drops hidden services from the search
index so the index only holds what the portal shows.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone

from core.roles import Role
from directory.actions import _desk_url, editors
from directory.models import Article, Editorial, SearchEntry, Service


def _partner_admins(service: Service):
    from accounts.models import User

    organisation_id = service.organization.network_organisation_id
    if organisation_id is None:
        return []
    return list(
        User.objects.filter(
            is_active=True,
            memberships__is_active=True,
            memberships__organisation_id=organisation_id,
            memberships__role=Role.ORG_ADMIN,
        ).distinct()
    )


def notify_due_verifications(now: datetime.datetime | None = None) -> dict[str, int]:
    from paths.notifications import notify

    now = now or timezone.now()
    _flag_before, hide_before = Editorial.verification_cutoffs(now)
    desk = editors()
    sent = 0
    for model in (Service, Article):
        queryset = model.objects.stale(now)
        if model is Service:
            queryset = queryset.select_related("organization")
        for record in queryset:
            since = record.last_verified_at
            hide_on = (since or now) + (now - hide_before)
            recipients = desk + (_partner_admins(record) if model is Service else [])
            with transaction.atomic():
                sent += len(
                    notify(
                        recipients,
                        "directory_verification_due",
                        {
                            "name": str(record),
                            "since": f"{timezone.localtime(since):%d/%m/%Y}" if since else "—",
                            "hide_on": f"{timezone.localtime(max(hide_on, now)):%d/%m/%Y}",
                        },
                        url=_desk_url(record),
                        key=f"directory_verify:{record.pk}:{since:%Y%m%d}"
                        if since
                        else f"directory_verify:{record.pk}",
                    )
                )
    hidden_ids = Service.objects.hidden_as_stale(now).values("pk")
    dropped, _detail = SearchEntry.objects.filter(service__in=hidden_ids).delete()
    return {"notifications": sent, "index_entries_dropped": dropped}
