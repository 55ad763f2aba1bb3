"""Privacy-friendly usage counts of the public portal.

A page view adds one to a daily counter per page, record and language (`PageCount`): no address, no user
agent, no cookie, nothing that tells one visitor from another. Crawlers and logged-in staff are not
counted. Counting never breaks a page: if the database refuses, the view is simply not counted.

Any portal view may call `count_view(request, "events", key=str(activity.pk))`.
"""

from __future__ import annotations

import logging

from django.db import DatabaseError, IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import get_language

from directory.models import PageCount

logger = logging.getLogger(__name__)

# Lower-case fragments of the user agents of crawlers, link previews, monitors and command-line tools.
BOT_MARKERS = (
    "bot",
    "crawl",
    "spider",
    "slurp",
    "archiver",
    "facebookexternalhit",
    "embedly",
    "preview",
    "monitor",
    "uptime",
    "pingdom",
    "lighthouse",
    "headlesschrome",
    "python-requests",
    "python-urllib",
    "httpx",
    "curl/",
    "wget/",
    "go-http-client",
    "java/",
    "okhttp",
    "scrapy",
)


def is_bot(request) -> bool:
    agent = request.META.get("HTTP_USER_AGENT", "").lower()
    # No user agent at all: a script, not a person's browser.
    return not agent or any(marker in agent for marker in BOT_MARKERS)


def is_staff(request) -> bool:
    """Logged-in users are staff of partner organisations: their clicks are work, not public use."""
    user = getattr(request, "user", None)
    return bool(user is not None and user.is_authenticated)


def count_view(request, page: str, key: str = "") -> bool:
    """Add one view of `page` (and of record `key`) today in the active language. True when counted."""
    if request.method != "GET" or is_bot(request) or is_staff(request):
        return False
    fields = {
        "day": timezone.localdate(),
        "page": page[:60],
        "key": str(key)[:120],
        "language": (get_language() or "it")[:12],
    }
    try:
        # A savepoint of its own, so a failure here never spoils the transaction of the page around it.
        with transaction.atomic():
            if PageCount.objects.filter(**fields).update(count=F("count") + 1):
                return True
            try:
                with transaction.atomic():
                    PageCount.objects.create(count=1, **fields)
            except IntegrityError:  # another request created today's row in the meantime
                PageCount.objects.filter(**fields).update(count=F("count") + 1)
        return True
    except DatabaseError:
        logger.warning("Page view not counted: %s %s", page, key, exc_info=True)
        return False
