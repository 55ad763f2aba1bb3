"""The notification inbox: the user's own messages, newest first; marking them read."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_POST

from paths.models import Notification
from paths.notifications import mark_read as mark_notifications_read

PAGE_SIZE = 25


def _list_context(request):
    qs = Notification.objects.for_user(request.user).order_by("-created_at", "-pk")
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page") or request.POST.get("page"))
    return {
        "page": page,
        "query": "",
        "has_unread": Notification.objects.for_user(request.user).unread().exists(),
    }


@login_required
@require_GET
def inbox(request):
    template = "paths/_referral_inbox_list.html" if request.htmx else "paths/inbox.html"
    return render(request, template, _list_context(request))


@login_required
@require_POST
def mark_read(request):
    one = request.POST.get("id", "")
    mark_notifications_read(request.user, [int(one)] if one.isdigit() else None)
    if request.htmx:
        return render(request, "paths/_referral_inbox_list.html", _list_context(request))
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(back, allowed_hosts={request.get_host()}):
        return redirect(back)
    return redirect("paths:inbox")
