"""Workspace documents of activities: certificates (issue, issue to all, revoke, PDF), feedback (QR cards,
typed-in paper questionnaires, summary), the register as XLSX and the signature sheets as PDF.

Every page takes its activity, enrolment or certificate through `get_for_user` (out of scope: 404;
visible but not allowed: 403) and writes only through `activities.actions`.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_GET, require_http_methods

from activities import actions, certificates, exports
from activities.models import (
    PEOPLE,
    REGISTER,
    Activity,
    Certificate,
    CertificateKind,
    Enrolment,
    EnrolmentStatus,
    FeedbackResponse,
    HelpfulScale,
    Session,
)
from activities.views_public import FeedbackForm
from core.scoping import CHANGE, VIEW, get_for_user, require_permission

# ------------------------------------------------------------------------------------------------ helpers


def _back(request, activity: Activity, fallback: str):
    """Where to go after a write: a safe `next`, else the activity's page, else `fallback`."""
    next_url = request.POST.get("next") or request.GET.get("next")
    if next_url and url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(next_url)
    try:
        return redirect(reverse("activities:detail", args=[activity.pk]))
    except NoReverseMatch:  # the activity pages are not there yet
        return redirect(fallback)


def _file_response(content: bytes, content_type: str, filename: str, *, attachment: bool) -> HttpResponse:
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(attachment, filename)
    response["Cache-Control"] = "private, no-store"
    return response


def _pdf_response(content: bytes, filename: str) -> HttpResponse:
    return _file_response(content, "application/pdf", filename, attachment=False)


def _error_text(error: ValidationError) -> str:
    return " ".join(error.messages)


# ------------------------------------------------------------------------------------------- certificates


class CertificateIssueForm(forms.Form):
    kind = forms.ChoiceField(
        label=gettext_lazy("Certificate"), choices=CertificateKind.choices, widget=forms.RadioSelect
    )
    second_language = forms.ChoiceField(
        label=gettext_lazy("Second language"),
        required=False,
        help_text=gettext_lazy(
            "The certificate is in Italian and, where the interface has it, in the participant's language."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["second_language"].choices = [
            ("", _("Automatic (from the languages the participant speaks)")),
            *certificates.second_languages(),
        ]


class CertificateRevokeForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason for revocation"), max_length=300, widget=forms.Textarea(attrs={"rows": 3})
    )


@login_required
@require_http_methods(["GET", "POST"])
def certificate_issue(request, pk):
    """Issue a certificate to one enrolment (GET: the form and the certificates already issued)."""
    enrolment = get_for_user(
        Enrolment.objects.select_related("activity", "participant"), request.user, CHANGE, pk=pk
    )
    require_permission(request.user, "certificate.issue")
    form = CertificateIssueForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        kind = form.cleaned_data["kind"]
        existed = enrolment.certificates.filter(kind=kind, revoked_at__isnull=True).exists()
        try:
            certificate = actions.issue_certificate(
                enrolment,
                kind,
                acting_user=request.user,
                second_language=form.cleaned_data["second_language"],
            )
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            text = (
                _("%(person)s already has a valid %(kind)s (code %(code)s).")
                if existed
                else _("%(kind)s issued to %(person)s (code %(code)s).")
            )
            messages.success(
                request,
                text
                % {
                    "kind": certificate.get_kind_display(),
                    "person": enrolment.person_name,
                    "code": certificate.code,
                },
            )
        return _back(
            request, enrolment.activity, reverse("activity_docs:certificate_issue", args=[enrolment.pk])
        )
    return render(
        request,
        "activities/certificate_issue.html",
        {
            "enrolment": enrolment,
            "activity": enrolment.activity,
            "form": form,
            "certificates": enrolment.certificates.select_related("issued_by").order_by("-issued_at"),
            "percent": enrolment.attendance_percent(actions.activity_hours(enrolment.activity)),
        },
    )


def _qualifying(activity: Activity, kind: str):
    """The enrolments that may receive a certificate of `kind`."""
    if kind == CertificateKind.COMPLETION:
        return activity.enrolments.filter(status=EnrolmentStatus.COMPLETED)
    return activity.enrolments.filter(attended_hours__gt=0)


def _holding_valid(enrolments, kind: str):
    return enrolments.filter(certificates__kind=kind, certificates__revoked_at__isnull=True)


@login_required
@require_http_methods(["GET", "POST"])
def certificate_issue_all(request, pk):
    """Issue a certificate of one kind to everybody who qualifies and has none yet."""
    activity = get_for_user(Activity.objects.all(), request.user, CHANGE, pk=pk)
    require_permission(request.user, "certificate.issue")
    fallback = reverse("activity_docs:certificate_issue_all", args=[activity.pk])
    if request.method == "POST":
        kind = request.POST.get("kind", "")
        if kind not in CertificateKind.values:
            messages.error(request, _("Choose the kind of certificate."))
            return redirect(fallback)
        qualifying = _qualifying(activity, kind)
        already = _holding_valid(qualifying, kind).count()
        to_issue = list(qualifying.exclude(pk__in=_holding_valid(qualifying, kind).values("pk")))
        issued, errors = 0, []
        with transaction.atomic():
            for enrolment in to_issue:
                enrolment.activity = activity
                try:
                    actions.issue_certificate(enrolment, kind, acting_user=request.user)
                except ValidationError as error:
                    errors.append(f"{enrolment.person_name}: {_error_text(error)}")
                else:
                    issued += 1
        label = CertificateKind(kind).label
        messages.success(
            request,
            ngettext("%(count)s %(kind)s issued.", "%(count)s certificates issued (%(kind)s).", issued)
            % {"count": issued, "kind": label},
        )
        if already:
            messages.info(
                request,
                ngettext("%(count)s person already had one.", "%(count)s people already had one.", already)
                % {"count": already},
            )
        for error in errors:
            messages.error(request, error)
        return _back(request, activity, fallback)
    options = []
    for kind, label in CertificateKind.choices:
        qualifying = _qualifying(activity, kind)
        total = qualifying.count()
        holding = _holding_valid(qualifying, kind).count()
        options.append(
            {
                "kind": kind,
                "label": label,
                "qualifying": total,
                "holding": holding,
                "to_issue": total - holding,
            }
        )
    return render(
        request, "activities/certificate_issue_all.html", {"activity": activity, "options": options}
    )


@login_required
@require_http_methods(["GET", "POST"])
def certificate_revoke(request, pk):
    certificate = get_for_user(
        Certificate.objects.select_related("enrolment__activity", "enrolment__participant"),
        request.user,
        CHANGE,
        pk=pk,
    )
    require_permission(request.user, "certificate.issue")
    enrolment = certificate.enrolment
    fallback = reverse("activity_docs:certificate_issue", args=[enrolment.pk])
    if certificate.revoked_at is not None:
        messages.info(request, _("This certificate was already revoked."))
        return redirect(fallback)
    form = CertificateRevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.revoke_certificate(
                certificate, acting_user=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error("reason", error)
        else:
            messages.success(
                request,
                _("Certificate %(code)s revoked: the verification page now shows it as not valid.")
                % {"code": certificate.code},
            )
            return _back(request, enrolment.activity, fallback)
    return render(
        request,
        "activities/certificate_revoke.html",
        {"certificate": certificate, "enrolment": enrolment, "activity": enrolment.activity, "form": form},
    )


@login_required
@require_GET
def certificate_pdf(request, pk):
    """The certificate as PDF. A revoked certificate prints stamped REVOCATO (the record stays readable)."""
    certificate = get_for_user(
        Certificate.objects.select_related(
            "enrolment__participant",
            "enrolment__organisation",
            "enrolment__activity__organiser",
            "enrolment__activity__municipality",
        ),
        request.user,
        VIEW,
        pk=pk,
    )
    pdf = certificates.certificate_pdf(certificate)
    return _pdf_response(pdf, certificates.certificate_filename(certificate))


# ----------------------------------------------------------------------------------------------- feedback


def feedback_card_instructions() -> list[dict]:
    """The sentence printed on each card, in every interface language (the same text once)."""
    seen, lines = set(), []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            text = _(
                "Scan the code with your phone's camera and tell us what you think of this activity. "
                "It takes two minutes; you can answer anonymously."
            )
            bidi = translation.get_language_bidi()
        if text not in seen:
            seen.add(text)
            lines.append({"language": code, "text": text, "bidi": bidi})
    return lines


def feedback_cards(activity: Activity, user) -> list[dict]:
    """One card per person on the register: the personal questionnaire link and its QR code. Links are
    created on the first print, all at once; later prints reuse them (a fixed number of queries either
    way)."""
    people = exports.register_people(activity, user)
    invitations = actions.feedback_invitations(activity, people, acting_user=user)
    # Answers typed in by staff for people whose link was never printed leave no used link behind.
    named = set(
        FeedbackResponse.objects.filter(enrolment__in=[e.pk for e in people])
        .order_by()
        .values_list("enrolment_id", flat=True)
    )
    cards = []
    for enrolment in people:
        invitation = invitations[enrolment.pk]
        url = certificates.absolute_url(invitation.get_absolute_url())
        cards.append(
            {
                "name": enrolment.person_name,
                "url": url,
                "qr": certificates.qr_svg(
                    url, title=_("Questionnaire of %(name)s") % {"name": enrolment.person_name}
                ),
                "answered": invitation.used_at is not None or enrolment.pk in named,
            }
        )
    return cards


def _feedback_sheet_context(request, pk) -> dict:
    activity = get_for_user(Activity.objects.select_related("organiser"), request.user, REGISTER, pk=pk)
    return {
        "activity": activity,
        "cards": feedback_cards(activity, request.user),
        "instructions": feedback_card_instructions(),
    }


@login_required
@require_GET
def feedback_qr_sheet(request, pk):
    """Printable cards with each person's questionnaire link (cut them and hand them out)."""
    return render(request, "activities/feedback_qr_sheet.html", _feedback_sheet_context(request, pk))


@login_required
@require_GET
def feedback_qr_sheet_pdf(request, pk):
    context = _feedback_sheet_context(request, pk)
    html = render_to_string("activities/feedback_qr_sheet_pdf.html", context, request=request)
    return _pdf_response(
        certificates.pdf_from_html(html),
        certificates.safe_filename("questionari", context["activity"].title, extension="pdf"),
    )


class OperatorFeedbackForm(FeedbackForm):
    """A paper (or spoken) questionnaire typed in by an operator or trainer."""

    enrolment = forms.ModelChoiceField(
        label=gettext_lazy("Who answered"),
        queryset=Enrolment.objects.none(),
        required=False,
        empty_label=gettext_lazy("Anonymous (no name on the questionnaire)"),
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Language of the questionnaire"), choices=settings.LANGUAGES
    )
    field_order = ["enrolment", "language"]

    def __init__(self, *args, activity: Activity, user, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["enrolment"]
        field.queryset = (
            Enrolment.objects.visible_to(user, REGISTER)
            .filter(activity=activity, status__in=actions.ON_REGISTER, feedback__isnull=True)
            # Nor who answered through their link, even anonymously (see `actions.has_answered`).
            .exclude(feedback_invitation__used_at__isnull=False)
            .select_related("participant")
            .order_by("participant__last_name", "full_name", "pk")
        )
        field.label_from_instance = lambda enrolment: enrolment.person_name


@login_required
@require_http_methods(["GET", "POST"])
def feedback_enter(request, pk):
    activity = get_for_user(Activity.objects.all(), request.user, REGISTER, pk=pk)
    form = OperatorFeedbackForm(
        request.POST or None,
        activity=activity,
        user=request.user,
        initial={"language": translation.get_language()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            actions.enter_feedback(
                activity,
                form.answers(),
                acting_user=request.user,
                enrolment=form.cleaned_data["enrolment"],
                language=form.cleaned_data["language"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Questionnaire saved. You can type in the next one."))
            return redirect("activity_docs:feedback_enter", activity.pk)
    answers = FeedbackResponse.objects.visible_to(request.user, REGISTER).filter(activity=activity).count()
    return render(
        request, "activities/feedback_enter.html", {"activity": activity, "form": form, "answers": answers}
    )


def _percent(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.1"))


CHART_BAR_WIDTH = 240  # SVG units of the longest bar


def summarise_feedback(answers: list[tuple[int, int, bool | None]], people: int) -> dict:
    """Counts per point of both scales, the share answering 4-5 on "helpful for integration", would
    recommend (yes / no / no answer), and the response rate against the people on the register."""
    total = len(answers)

    def distribution(index: int) -> list[dict]:
        counts = Counter(answer[index] for answer in answers)
        biggest = max(counts.values(), default=0)
        return [
            {
                "value": value,
                "label": label,
                "count": counts.get(value, 0),
                "percent": _percent(counts.get(value, 0), total),
                "bar": round(counts.get(value, 0) * CHART_BAR_WIDTH / biggest) if biggest else 0,
                "y": 8 + (value - 1) * 30,
            }
            for value, label in HelpfulScale.choices
        ]

    helpful_high = sum(1 for answer in answers if answer[0] >= 4)
    recommend = Counter(answer[2] for answer in answers)
    return {
        "answers": total,
        "people": people,
        "response_rate": _percent(total, people),
        "helpful": distribution(0),
        "satisfaction": distribution(1),
        "helpful_high": helpful_high,
        "helpful_high_percent": _percent(helpful_high, total),
        "recommend_yes": recommend.get(True, 0),
        "recommend_no": recommend.get(False, 0),
        "recommend_unknown": recommend.get(None, 0),
    }


def sees_feedback_comments(user, activity: Activity) -> bool:
    """Whether the user may read the comments (the PEOPLE scope of activities)."""
    return Activity.objects.visible_to(user, PEOPLE).filter(pk=activity.pk).exists()


@login_required
@require_GET
def feedback_summary(request, pk):
    activity = get_for_user(Activity.objects.select_related("organiser"), request.user, VIEW, pk=pk)
    responses = FeedbackResponse.objects.visible_to(request.user, VIEW).filter(activity=activity)
    answers = list(responses.values_list("helpful_for_integration", "satisfaction", "would_recommend"))
    people = activity.enrolments.filter(status__in=actions.ON_REGISTER).count()
    summary = summarise_feedback(answers, people)
    show_comments = sees_feedback_comments(request.user, activity)
    comments = (
        list(responses.exclude(comment="").order_by("submitted_at").values_list("comment", "submitted_at"))
        if show_comments
        else []
    )
    return render(
        request,
        "activities/feedback_summary.html",
        {
            "activity": activity,
            "summary": summary,
            "charts": [
                (
                    "helpful",
                    FeedbackResponse._meta.get_field("helpful_for_integration").verbose_name,
                    summary["helpful"],
                ),
                (
                    "satisfaction",
                    FeedbackResponse._meta.get_field("satisfaction").verbose_name,
                    summary["satisfaction"],
                ),
            ],
            "show_comments": show_comments,
            "comments": comments,
            "can_enter": Activity.objects.visible_to(request.user, REGISTER).filter(pk=activity.pk).exists(),
        },
    )


# ------------------------------------------------------------------------------------------------ exports


@login_required
@require_GET
def register_xlsx(request, pk):
    activity = get_for_user(Activity.objects.all(), request.user, REGISTER, pk=pk)
    content = exports.register_workbook(activity, request.user)
    return _file_response(
        content,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        certificates.safe_filename("registro", activity.title, activity.pk, extension="xlsx"),
        attachment=True,
    )


@login_required
@require_GET
def signature_sheet(request, pk, session_pk):
    activity = get_for_user(Activity.objects.all(), request.user, REGISTER, pk=pk)
    session = get_object_or_404(
        Session.objects.visible_to(request.user, REGISTER), activity=activity, pk=session_pk
    )
    pdf = exports.signature_sheets_pdf(activity, [session], request.user)
    return _pdf_response(
        pdf,
        certificates.safe_filename(
            "foglio-firme", activity.title, f"{session.date:%Y-%m-%d}", extension="pdf"
        ),
    )


@login_required
@require_GET
def signature_sheets(request, pk):
    """The signature sheets of every session that is not cancelled, one per page."""
    activity = get_for_user(Activity.objects.all(), request.user, REGISTER, pk=pk)
    sessions = list(
        Session.objects.visible_to(request.user, REGISTER).filter(activity=activity, is_cancelled=False)
    )
    pdf = exports.signature_sheets_pdf(activity, sessions, request.user)
    return _pdf_response(pdf, certificates.safe_filename("fogli-firme", activity.title, extension="pdf"))
