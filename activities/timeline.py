"""Sources of the participant's timeline (paths.views_dashboard.TIMELINE_SOURCES): enrolments in
activities and language assessments. Each answers with two queries whatever the number of rows: the
records in the user's scope, and which of their activities the user may open (only those get a link)."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.utils import timezone
from django.utils.translation import gettext as _

from activities.models import Activity, AssessmentMoment, Enrolment, EnrolmentStatus, LanguageAssessment
from core.scoping import VIEW

if TYPE_CHECKING:
    from paths.views_dashboard import TimelineItem

LIMIT = 200
# A status saved this soon after the enrolment is the enrolment itself, not a later change.
STATUS_GRACE = datetime.timedelta(seconds=5)


def _newest(window, queryset, field: str, *, by_day: bool = False):
    """The window's slice of `queryset` (already ordered newest first), or the newest LIMIT rows."""
    if window is None:
        return queryset[:LIMIT]
    return window.newest_by_day(queryset, field) if by_day else window.newest(queryset, field)


def _at_day(day: datetime.date, moment: datetime.datetime | None) -> datetime.datetime:
    time = timezone.localtime(moment).time() if moment else datetime.time(12)
    return timezone.make_aware(datetime.datetime.combine(day, time))


def _activity_urls(user, activity_ids) -> dict[int, str]:
    visible = (
        Activity.objects.visible_to(user, VIEW).filter(pk__in=set(activity_ids)).values_list("pk", flat=True)
    )
    return {pk: Activity(pk=pk).get_absolute_url() for pk in visible}


def enrolments(participant, user, window=None) -> list[TimelineItem]:
    """Enrolments in activities, and their later changes of status (completed, withdrawn...)."""
    from paths.views_dashboard import TimelineItem  # here: the dashboard imports this module

    rows = list(
        _newest(
            window,
            Enrolment.objects.visible_to(user, VIEW)
            .filter(participant=participant)
            .select_related("activity__organiser", "created_by")
            .only(
                "enrolled_at",
                "status",
                "status_changed_at",
                "activity__title",
                "activity__organiser__name",
                "created_by__first_name",
                "created_by__last_name",
                "created_by__email",
            )
            .order_by("-status_changed_at", "-pk"),
            "status_changed_at",
        )
    )
    urls = _activity_urls(user, [e.activity_id for e in rows])
    items = []
    for enrolment in rows:
        names = {"activity": enrolment.activity.title, "organisation": enrolment.activity.organiser.name}
        url = urls.get(enrolment.activity_id, "")
        changed = enrolment.status_changed_at - enrolment.enrolled_at > STATUS_GRACE
        first_status = EnrolmentStatus.ENROLLED if changed else enrolment.status
        if first_status == EnrolmentStatus.WAITING:
            text = _("On the waiting list of %(activity)s (%(organisation)s)") % names
        else:
            text = _("Enrolled in %(activity)s (%(organisation)s)") % names
        items.append(
            TimelineItem(
                when=enrolment.enrolled_at,
                kind="enrolment",
                text=text,
                who=str(enrolment.created_by or ""),
                url=url,
            )
        )
        if changed:
            items.append(
                TimelineItem(
                    when=enrolment.status_changed_at,
                    kind="enrolment",
                    text=_("%(activity)s: %(status)s") % {**names, "status": enrolment.get_status_display()},
                    url=url,
                )
            )
    return items


def assessments(participant, user, window=None) -> list[TimelineItem]:
    """Entry and exit language assessments (CEFR levels) in courses."""
    from paths.views_dashboard import TimelineItem  # here: the dashboard imports this module

    rows = list(
        _newest(
            window,
            LanguageAssessment.objects.visible_to(user, VIEW)
            .filter(enrolment__participant=participant)
            .select_related("enrolment__activity", "assessed_by")
            .only(
                "moment",
                "date",
                "overall",
                "evidence",
                "certificate_name",
                "assessor_name",
                "created_at",
                "enrolment__activity__title",
                "assessed_by__first_name",
                "assessed_by__last_name",
                "assessed_by__email",
            )
            .order_by("-date", "-pk"),
            "date",
            by_day=True,
        )
    )
    urls = _activity_urls(user, [a.enrolment.activity_id for a in rows])
    items = []
    for assessment in rows:
        evidence = assessment.get_evidence_display()
        if assessment.certificate_name:
            evidence = f"{evidence} {assessment.get_certificate_name_display()}"
        items.append(
            TimelineItem(
                when=_at_day(assessment.date, assessment.created_at),
                kind="assessment",
                text=(
                    _("Entry language assessment in %(activity)s: %(level)s (%(evidence)s)")
                    if assessment.moment == AssessmentMoment.ENTRY
                    else _("Exit language assessment in %(activity)s: %(level)s (%(evidence)s)")
                )
                % {
                    "activity": assessment.enrolment.activity.title,
                    "level": assessment.get_overall_display(),
                    "evidence": evidence,
                },
                who=assessment.assessor_name or str(assessment.assessed_by or ""),
                url=urls.get(assessment.enrolment.activity_id, ""),
                date_only=True,
            )
        )
    return items
