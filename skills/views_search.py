"""ESCO search-as-you-type for the interview (htmx): occupations and skills by label, as radio buttons and
check boxes of the work-experience form. The choices already ticked come back ticked, so a new search
never loses them. Reference data, no personal data: login and `skills.view` are enough."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.views.decorators.http import require_GET

from core.scoping import require_permission
from skills.views_interview import occupation_options, pks_from, skill_options


@login_required
@require_GET
def occupation_search(request):
    require_permission(request.user, "skills.view")
    query = request.GET.get("q") or request.GET.get("occupation_q") or ""
    context = occupation_options(pks_from(request.GET.getlist("occupation")), query[:100])
    return render(request, "skills/_occupation_options.html", context)


@login_required
@require_GET
def skill_search(request):
    require_permission(request.user, "skills.view")
    query = request.GET.get("q") or request.GET.get("skills_q") or ""
    context = skill_options(pks_from(request.GET.getlist("skills")), query[:100])
    return render(request, "skills/_skill_options.html", context)
