"""Pages of the core: workspace home, audit and access logs, error pages."""

import datetime

from auditlog.models import LogEntry
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone

from core.scoping import require_permission
from people.models import ParticipantAccessLog


@login_required
def home(request):
    from network.models import Organisation, OrganisationKind
    from people.models import Participant

    membership = request.membership
    context = {"membership": membership}
    if membership is not None:
        participants = Participant.objects.visible_to(request.user)
        today = timezone.localdate()
        context.update(
            {
                "participant_count": participants.active().count(),
                # A plain datetime comparison: `__date` would call a conversion function on every row.
                "new_this_month": participants.filter(
                    created_at__gte=timezone.make_aware(
                        datetime.datetime.combine(today.replace(day=1), datetime.time.min)
                    )
                ).count(),
                "permits_expiring": participants.active()
                .filter(permit_expiry__gte=today, permit_expiry__lte=today + timezone.timedelta(days=60))
                .order_by("permit_expiry")
                .only("pk", "first_name", "last_name", "permit_expiry", "permit_being_renewed")[:10],
                "organisation_count": Organisation.objects.visible_to(request.user).active().count(),
                "organisations_by_kind": [
                    {"kind_label": OrganisationKind(row["kind"]).label, "n": row["n"]}
                    for row in Organisation.objects.visible_to(request.user)
                    .active()
                    .values("kind")
                    .annotate(n=Count("pk"))
                    .order_by("-n")
                ],
            }
        )
    return render(request, "core/home.html", context)


AUDIT_PAGE_SIZE = 50


@login_required
def audit_log(request):
    """Every write to audited records, newest first; regional coordinators only."""
    require_permission(request.user, "audit.view")
    entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp")
    model = request.GET.get("model", "")
    if model:
        entries = entries.filter(content_type__model=model)
    actor = request.GET.get("actor", "").strip()
    if actor:
        entries = entries.filter(actor__email__icontains=actor)
    object_id = request.GET.get("object", "").strip()
    if object_id.isdigit():
        entries = entries.filter(object_pk=object_id)
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    models = LogEntry.objects.order_by().values_list("content_type__model", flat=True).distinct()
    return render(
        request,
        "core/audit_log.html",
        {"page": page, "models": sorted(set(models)), "filters": request.GET},
    )


@login_required
def access_log(request):
    """Reads of participant records (who, as which organisation, when, from where)."""
    require_permission(request.user, "audit.view")
    entries = ParticipantAccessLog.objects.select_related("user", "organisation").order_by("-accessed_at")
    participant = request.GET.get("participant", "").strip()
    if participant.isdigit():
        entries = entries.filter(participant_id=participant)
    user = request.GET.get("user", "").strip()
    if user:
        entries = entries.filter(user__email__icontains=user)
    page = Paginator(entries, AUDIT_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "core/access_log.html", {"page": page, "filters": request.GET})


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    from core.middleware import is_portal_path

    # A visitor of the public portal stays in the portal's look and gets no cookie (decision 0008).
    if is_portal_path(request.path_info):
        return render(request, "directory/portal/404.html", status=404)
    return render(request, "404.html", status=404)
