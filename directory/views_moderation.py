"""Workspace pages behind the public portal: feedback moderation and privacy-friendly usage counts.

The moderation queue (`directory.moderate`: editors and the Region) lists the visitors' opinions on services,
the ones still to moderate first, with their comments; approving or rejecting is a POST through
`directory.actions.moderate_feedback`. The usage page (`portal.usage`) shows the daily page counts
(`PageCount`: no visitor data at all) per page type and language, and the most viewed services and articles.
"""

from __future__ import annotations

import datetime
import uuid

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Case, IntegerField, Q, Sum, Value, When
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods

from core.scoping import require_permission
from directory import actions
from directory.models import Answer, Article, ModerationStatus, PageCount, Service, ServiceFeedback

PAGE_SIZE = 50

# ------------------------------------------------------------------------------------------ moderation


class FeedbackFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", gettext_lazy("All (to moderate first)")), *ModerationStatus.choices],
    )
    useful = forms.ChoiceField(
        label=gettext_lazy("Was it useful?"),
        required=False,
        choices=[("", gettext_lazy("Any")), *Answer.choices],
    )
    with_comment = forms.BooleanField(label=gettext_lazy("Only with a comment"), required=False)
    q = forms.CharField(label=gettext_lazy("Service"), required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            field.widget.attrs["class"] = "form-check-input" if name == "with_comment" else "form-control"


def _filtered_feedback(form: FeedbackFilterForm):
    rows = ServiceFeedback.objects.select_related("service", "moderated_by").annotate(
        pending_first=Case(
            When(status=ModerationStatus.PENDING, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    )
    if form.is_valid():
        data = form.cleaned_data
        if data["status"]:
            rows = rows.filter(status=data["status"])
        if data["useful"]:
            rows = rows.filter(useful=data["useful"])
        if data["with_comment"]:
            rows = rows.exclude(comment="")
        if data["q"]:
            rows = rows.filter(
                Q(service__name__icontains=data["q"]) | Q(service__alternate_name__icontains=data["q"])
            )
    return rows.order_by("pending_first", "-submitted_on", "-pk")


@login_required
@require_http_methods(["GET", "POST"])
def feedback_queue(request):
    require_permission(request.user, "directory.moderate")
    if request.method == "POST":
        feedback_id = request.POST.get("feedback", "")
        if not feedback_id.isdigit():
            raise Http404
        feedback = get_object_or_404(ServiceFeedback, pk=int(feedback_id))
        try:
            actions.moderate_feedback(feedback, request.POST.get("decision", ""), acting_user=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            if feedback.status == ModerationStatus.APPROVED:
                messages.success(request, _("Opinion approved: it now counts on the service page."))
            else:
                messages.success(request, _("Opinion rejected: it will not be counted."))
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
            target = ""
        return redirect(target or "directory_moderation:feedback_queue")
    form = FeedbackFilterForm(request.GET or {"status": ""})
    page = Paginator(_filtered_feedback(form), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "directory/moderation/feedback_queue.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "pending": ServiceFeedback.objects.pending().count(),
            "here": request.get_full_path(),
        },
    )


# -------------------------------------------------------------------------------------------- usage

DEFAULT_DAYS = 30
MAX_DAYS = 366
TOP = 10
CHART_BAR_WIDTH = 240  # SVG units of the longest bar
CHART_ROW_HEIGHT = 26


class PeriodForm(forms.Form):
    start = forms.DateField(
        label=gettext_lazy("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=gettext_lazy("To"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-control"

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            raise ValidationError(_("The start of the period must come before its end."))
        if start and end and (end - start).days >= MAX_DAYS:
            raise ValidationError(_("Choose a period of at most one year."))
        return data


def _period(form: PeriodForm) -> tuple[datetime.date, datetime.date]:
    today = timezone.localdate()
    end, start = today, today - datetime.timedelta(days=DEFAULT_DAYS - 1)
    if form.is_bound and form.is_valid():
        end = form.cleaned_data["end"] or today
        start = form.cleaned_data["start"] or end - datetime.timedelta(days=DEFAULT_DAYS - 1)
        if start > end or (end - start).days >= MAX_DAYS:
            start = end - datetime.timedelta(days=DEFAULT_DAYS - 1)
    return start, end


def chart_rows(rows: list[dict]) -> list[dict]:
    """Add the bar length and vertical position of each row of a horizontal bar chart."""
    biggest = max((row["views"] for row in rows), default=0)
    return [
        {
            **row,
            "bar": round(row["views"] * CHART_BAR_WIDTH / biggest) if biggest else 0,
            "y": 4 + index * CHART_ROW_HEIGHT,
        }
        for index, row in enumerate(rows)
    ]


def _chart(rows: list[dict]) -> dict:
    return {"rows": chart_rows(rows), "height": 8 + len(rows) * CHART_ROW_HEIGHT}


PAGE_LABELS = {
    "home": gettext_lazy("Home page"),
    "search": gettext_lazy("Service search"),
    "service": gettext_lazy("Service page"),
    "articles": gettext_lazy("Information pages list"),
    "article": gettext_lazy("Information page"),
    "events": gettext_lazy("Events"),
    "associations": gettext_lazy("Associations"),
    "results": gettext_lazy("Results of the plan"),
}


def _valid_uuids(keys) -> list[uuid.UUID]:
    valid = []
    for key in keys:
        try:
            valid.append(uuid.UUID(str(key)))
        except ValueError:
            continue
    return valid


def _top_records(counts, page: str, model) -> list[dict]:
    """The most viewed records of one page type, with their names (keys that no longer exist are shown as
    such rather than dropped, so that totals add up)."""
    top = list(
        counts.filter(page=page)
        .exclude(key="")
        .values("key")
        .annotate(views=Sum("count"))
        .order_by("-views", "key")[:TOP]
    )
    keys = [row["key"] for row in top]
    by_key = {str(obj.pk): obj for obj in model.objects.filter(pk__in=_valid_uuids(keys))}
    if model is Article:
        by_key.update({obj.slug: obj for obj in Article.objects.filter(slug__in=keys)})
    for row in top:
        row["record"] = by_key.get(row["key"])
    return top


@login_required
@require_GET
def portal_usage(request):
    require_permission(request.user, "portal.usage")
    form = PeriodForm(request.GET or None)
    start, end = _period(form)
    counts = PageCount.objects.filter(day__gte=start, day__lte=end)
    by_page = [
        {**row, "label": PAGE_LABELS.get(row["page"], row["page"])}
        for row in counts.values("page").annotate(views=Sum("count")).order_by("-views", "page")
    ]
    languages = dict(settings.LANGUAGES)
    by_language = [
        {**row, "label": languages.get(row["language"], row["language"])}
        for row in counts.values("language").annotate(views=Sum("count")).order_by("-views", "language")
    ]
    total = sum(row["views"] for row in by_page)
    return render(
        request,
        "directory/moderation/portal_usage.html",
        {
            "form": form,
            "start": start,
            "end": end,
            "days": (end - start).days + 1,
            "total": total,
            "by_page": _chart(by_page),
            "by_language": _chart(by_language),
            "top_services": _top_records(counts, "service", Service),
            "top_articles": _top_records(counts, "article", Article),
        },
    )
