"""Sources of the participant's timeline (paths.views_dashboard.TIMELINE_SOURCES): the skills profile
(started, completed) and applications for the recognition of qualifications. One query each."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from core.scoping import VIEW
from skills.models import Qualification, SkillsProfile
from skills.reference import RecognitionStatus

if TYPE_CHECKING:
    from paths.views_dashboard import TimelineItem


def profile_events(participant, user, window=None) -> list[TimelineItem]:
    from paths.views_dashboard import TimelineItem  # here: the dashboard imports this module

    profile = (
        SkillsProfile.objects.visible_to(user, VIEW)
        .filter(participant=participant)
        .select_related("created_by", "completed_by")
        .first()
    )
    if profile is None:
        return []
    url = profile.get_absolute_url()
    items = [
        TimelineItem(
            when=profile.created_at,
            kind="skills",
            text=_("Skills profile started"),
            who=str(profile.created_by or ""),
            url=url,
        )
    ]
    if profile.completed_at:
        items.append(
            TimelineItem(
                when=profile.completed_at,
                kind="skills",
                text=_("Skills profile completed"),
                who=str(profile.completed_by or ""),
                url=url,
            )
        )
    if window is not None and window.before is not None:
        items = [item for item in items if item.when < window.before]
    return items


def recognition_requests(participant, user, window=None) -> list[TimelineItem]:
    """Applications for the recognition of a qualification obtained abroad (indicator R.2.10)."""
    from paths.views_dashboard import TimelineItem

    rows = (
        Qualification.objects.visible_to(user, VIEW)
        .filter(profile__participant=participant)
        .exclude(recognition_status=RecognitionStatus.NONE)
        .order_by("-recognition_applied_on", "-pk")
    )
    if window is not None:
        rows = window.newest_by_day(rows, "recognition_applied_on")
    items = []
    for qualification in rows:
        moment = timezone.make_aware(
            datetime.datetime.combine(qualification.recognition_applied_on, datetime.time(12))
        )
        items.append(
            TimelineItem(
                when=moment,
                kind="skills",
                text=_("Recognition applied for: %(title)s (%(status)s)")
                % {"title": qualification.title, "status": qualification.get_recognition_status_display()},
                url=reverse_profile(participant),
            )
        )
    return items


def reverse_profile(participant) -> str:
    return SkillsProfile(participant_id=participant.pk).get_absolute_url()
