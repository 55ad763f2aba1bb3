"""Anonymous feedback on a service from the public portal (`portal:service_feedback`).

Three questions and an optional comment, posted from the form on the service page
(`directory/_feedback_form.html`). The post is protected by `core.portal_forms` (no cookie: signed token,
origin check, honeypot, rate limit per address); only the day and the answers are stored, nothing about the
visitor, and the opinion waits for an editor's moderation before it counts anywhere.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_http_methods

from core.portal_forms import portal_form
from directory import actions
from directory.models import Answer, WaitTime
from directory.search import public_services


class FeedbackForm(forms.Form):
    useful = forms.ChoiceField(label=_("Was it useful?"), choices=Answer.choices)
    could_access = forms.ChoiceField(label=_("Could you access the service?"), choices=Answer.choices)
    wait_time = forms.ChoiceField(label=_("How long did you wait?"), choices=WaitTime.choices)
    comment = forms.CharField(label=_("Comment (optional)"), required=False, max_length=1000)


@require_http_methods(["GET", "POST"])
@portal_form("service-feedback")
def service_feedback(request, pk):
    service = get_object_or_404(public_services(), pk=pk)
    if request.method == "GET":
        return redirect("portal:service_detail", pk=service.pk)
    form = FeedbackForm(request.POST)
    if form.is_valid():
        try:
            actions.submit_feedback(service, language=get_language() or "it", **form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return render(request, "directory/feedback_thanks.html", {"service": service})
    return render(request, "directory/feedback_thanks.html", {"service": service, "form": form}, status=400)
