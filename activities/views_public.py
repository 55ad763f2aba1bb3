"""Public pages of activities, no account needed: the certificate check and the feedback questionnaire.

The certificate check reveals only what the paper already says in short (initials, activity, organiser,
dates, kind, validity) and is rate-limited per address so that codes cannot be enumerated. The
questionnaire is reached through a personal link (or its QR code), answers once, and works without
JavaScript on a cheap phone, in the language chosen with the header's switcher.
"""

from __future__ import annotations

import re
import time

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_http_methods

from activities import actions
from activities.models import Certificate, FeedbackInvitation, FeedbackResponse, HelpfulScale

# ----------------------------------------------------------------------------------- certificate check

VERIFY_LIMIT = 30  # look-ups per address and window
VERIFY_WINDOW_SECONDS = 10 * 60
_CODE_CHARACTERS = re.compile(r"[^0-9A-Z]")


def normalise_code(text: str) -> str:
    """'abcd efgh jkmn', 'ABCDEFGHJKMN', ' abcd-efgh-jkmn ' -> 'ABCD-EFGH-JKMN'. Other lengths stay as typed
    (uppercase, without separators) and match nothing."""
    raw = _CODE_CHARACTERS.sub("", (text or "").upper())
    if len(raw) == 12:
        return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
    return raw


def client_address(request) -> str:
    """The caller's address for rate limiting. Behind `TRUSTED_PROXY_COUNT` proxies (default: one in
    production, none elsewhere) the address is the one the outermost trusted proxy appended to
    X-Forwarded-For; entries a client adds itself are ignored, so they cannot dodge the limit."""
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 1 if settings.PRODUCTION else 0)
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if hop.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    return request.META.get("REMOTE_ADDR", "") or "unknown"


def over_rate_limit(request) -> bool:
    """Count one look-up for the caller; True when they went over VERIFY_LIMIT in this window."""
    window = int(time.time() // VERIFY_WINDOW_SECONDS)
    key = f"certificate-verify:{client_address(request)}:{window}"
    cache.add(key, 0, VERIFY_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, VERIFY_WINDOW_SECONDS)
        count = 1
    return count > VERIFY_LIMIT


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_("The code printed on the certificate, e.g. ABCD-EFGH-JKMN."),
        widget=forms.TextInput(
            attrs={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"}
        ),
    )


@require_GET
def certificate_verify_form(request):
    """The form to type a code; a submitted code goes to its own page."""
    form = VerifyForm(request.GET or None)
    if form.is_bound and form.is_valid():
        code = normalise_code(form.cleaned_data["code"])
        if code:
            return redirect("certificate_verify", code=code)
        form.add_error("code", _("Type the code printed on the certificate."))
    return render(request, "activities/public_certificate_verify.html", {"form": form})


@require_GET
def certificate_verify(request, code):
    canonical = normalise_code(code)
    if canonical and canonical != code:
        return redirect("certificate_verify", code=canonical)
    if over_rate_limit(request):
        response = render(
            request,
            "activities/public_rate_limited.html",
            {"minutes": VERIFY_WINDOW_SECONDS // 60},
            status=429,
        )
        response["Retry-After"] = str(VERIFY_WINDOW_SECONDS)
        return response
    certificate = (
        Certificate.objects.select_related("enrolment__participant", "enrolment__activity__organiser")
        .filter(code=canonical)
        .first()
    )
    form = VerifyForm(initial={"code": canonical})
    if certificate is None:
        return render(
            request,
            "activities/public_certificate_verify.html",
            {"form": form, "searched": canonical, "not_found": True},
            status=404,
        )
    activity = certificate.enrolment.activity
    # Only these fields leave the database for an anonymous visitor: never the full name.
    result = {
        "initials": certificate.enrolment.initials,
        "activity_title": activity.title,
        "organiser": activity.organiser.name,
        "start_date": activity.start_date,
        "end_date": activity.end_date,
        "kind": certificate.get_kind_display(),
        "issued_at": certificate.issued_at,
        "revoked_at": certificate.revoked_at,
        "code": certificate.code,
    }
    return render(request, "activities/public_certificate_verify.html", {"form": form, "result": result})


# --------------------------------------------------------------------------------------------- feedback

# Faces drawn next to each point of the scale, for people who read little: the mouth's curve.
FACE_MOUTHS = {
    1: "M8 17 Q12 12 16 17",
    2: "M8 16 Q12 14 16 16",
    3: "M8 15 L16 15",
    4: "M8 14 Q12 17 16 14",
    5: "M7 13 Q12 19 17 13",
}
FACE_COLOURS = {1: "#b30000", 2: "#d9534f", 3: "#8a6d00", 4: "#2e7d32", 5: "#1b5e20"}


def _question(name):
    return FeedbackResponse._meta.get_field(name).verbose_name


def _scale_field(name):
    return forms.TypedChoiceField(
        label=_question(name),
        choices=HelpfulScale.choices,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose one answer.")},
    )


def _yes_no(value) -> bool | None:
    return {"yes": True, "no": False}.get(value)


class FeedbackForm(forms.Form):
    """The end-of-activity questionnaire (the questions are the model's field names, kept every year)."""

    helpful_for_integration = _scale_field("helpful_for_integration")
    satisfaction = _scale_field("satisfaction")
    would_recommend = forms.TypedChoiceField(
        label=_question("would_recommend"),
        choices=[("yes", _("Yes")), ("no", _("No")), ("", _("I don't know"))],
        coerce=_yes_no,
        empty_value=None,
        required=False,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_question("comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def answers(self) -> dict:
        return {name: self.cleaned_data[name] for name in actions.FEEDBACK_FIELDS}


class PublicFeedbackForm(FeedbackForm):
    anonymous = forms.BooleanField(
        label=_("I answer anonymously"),
        required=False,
        help_text=_("Your answer will not be linked to your name."),
    )


def _invitation(token) -> FeedbackInvitation:
    invitation = (
        FeedbackInvitation.objects.select_related("enrolment__activity__organiser")
        .filter(token=token)
        .first()
    )
    if invitation is None:
        raise Http404
    return invitation


def scale_choices(bound_field):
    """Radio inputs of a 1-5 question with the face to draw for each."""
    return [
        {
            "radio": radio,
            "mouth": FACE_MOUTHS[int(radio.data["value"])],
            "colour": FACE_COLOURS[int(radio.data["value"])],
        }
        for radio in bound_field
    ]


@require_http_methods(["GET", "POST"])
def feedback_answer(request, token):
    invitation = _invitation(token)
    activity = invitation.enrolment.activity
    if invitation.used_at is not None:
        return render(request, "activities/feedback_already.html", {"activity": activity})
    form = PublicFeedbackForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.answer_feedback_link(
                token,
                form.answers(),
                anonymous=form.cleaned_data["anonymous"],
                language=translation.get_language() or settings.LANGUAGE_CODE,
            )
        except PermissionDenied:
            raise Http404 from None
        except ValidationError:
            # Answered in another tab or by the operator meanwhile.
            return render(request, "activities/feedback_already.html", {"activity": activity})
        return redirect("feedback_thanks", token=token)
    return render(
        request,
        "activities/feedback_answer.html",
        {
            "activity": activity,
            "form": form,
            "scales": [
                (form["helpful_for_integration"], scale_choices(form["helpful_for_integration"])),
                (form["satisfaction"], scale_choices(form["satisfaction"])),
            ],
        },
    )


@require_GET
def feedback_thanks(request, token):
    invitation = _invitation(token)
    if invitation.used_at is None:
        return redirect(reverse("feedback_answer", args=[token]))
    return render(request, "activities/feedback_thanks.html", {"activity": invitation.enrolment.activity})
