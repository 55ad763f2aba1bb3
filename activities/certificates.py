"""Certificates of attendance and completion as PDF, and the printing helpers the other activity documents
share: a PDF from HTML (WeasyPrint), QR codes as inline SVG (segno), absolute links for paper.

A certificate is bilingual: Italian, plus the participant's language when the interface has it (the
certificate's `second_language`, else the first of the participant's languages that the interface speaks).
The second text is rendered with that language active, right to left where the language is.
"""

from __future__ import annotations

from decimal import Decimal

import segno
from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, translation
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import slugify

from activities.models import Certificate, CertificateKind, EnrolmentKind

# ISO 639-3 codes whose ISO 639-1 code (pycountry's alpha_2) is not the interface language: varieties of
# Arabic and Chinese spoken by Campania's communities.
_INTERFACE_LANGUAGE_OVERRIDES = {
    "arb": "ar",
    "ary": "ar",
    "arz": "ar",
    "apc": "ar",
    "acm": "ar",
    "aeb": "ar",
    "arq": "ar",
    "cmn": "zh",
    "yue": "zh",
    "wuu": "zh",
}


def interface_language(iso639_3: str) -> str | None:
    """The interface language (a code of settings.LANGUAGES) for an ISO 639-3 code, or None."""
    import pycountry

    code = (iso639_3 or "").lower()
    short = _INTERFACE_LANGUAGE_OVERRIDES.get(code)
    if short is None:
        record = pycountry.languages.get(alpha_3=code) if code else None
        short = getattr(record, "alpha_2", None)
    if not short:
        return None
    for interface_code, _name in settings.LANGUAGES:
        if interface_code == short or interface_code.startswith(short + "-"):
            return interface_code
    return None


def second_languages() -> list[tuple[str, str]]:
    """The interface languages a certificate may add to Italian."""
    return [(code, name) for code, name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]


def second_language_for(certificate: Certificate) -> str | None:
    """The language of the certificate's second text, or None for Italian only.

    The language chosen at issue wins; otherwise the participant's languages decide. English is a lingua
    franca for many, so another language the interface speaks comes first."""
    allowed = {code for code, _name in second_languages()}
    if certificate.second_language:
        return certificate.second_language if certificate.second_language in allowed else None
    participant = certificate.enrolment.participant
    if participant is None:
        return None
    found = {interface_language(code) for code in participant.languages.values_list("code", flat=True)}
    found &= allowed
    if not found:
        return None
    order = [code for code, _name in settings.LANGUAGES]
    return sorted(found, key=lambda code: (code == "en", order.index(code)))[0]


def absolute_url(path: str) -> str:
    """A link that works on paper: the site's public address plus `path`."""
    return settings.SITE_URL.rstrip("/") + path


def qr_svg(data: str, title: str = "") -> SafeString:
    """A QR code as inline SVG that scales with its container (size it with CSS)."""
    code = segno.make(data, error="m")
    return mark_safe(code.svg_inline(scale=4, border=2, omitsize=True, title=title or None))  # noqa: S308 (segno output, no user markup)


def format_hours(value) -> str:
    """Hours as people write them: 20, 12,5, 7,25 (localised decimal separator, no trailing zeros)."""
    value = Decimal(value or 0)
    value = value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize()
    return formats.number_format(value, use_l10n=True)


def pdf_from_html(html: str) -> bytes:
    """Render an HTML document (with its own @page CSS) to PDF."""
    from weasyprint import HTML

    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf()


def safe_filename(*parts, extension: str) -> str:
    """An ASCII file name from free text (activity titles hold accents, slashes, quotes)."""
    stem = "-".join(slugify(str(part))[:50] for part in parts if str(part).strip())
    return f"{stem or 'documento'}.{extension}"


# -------------------------------------------------------------------------------------------- certificates


def load_certificate(queryset, pk):
    """The related rows a certificate prints, in one query."""
    return queryset.select_related(
        "enrolment__participant",
        "enrolment__organisation",
        "enrolment__activity__organiser",
        "enrolment__activity__municipality",
    ).get(pk=pk)


def holder_name(certificate: Certificate) -> str:
    enrolment = certificate.enrolment
    if enrolment.kind == EnrolmentKind.PARTICIPANT and enrolment.participant_id:
        return f"{enrolment.participant.first_name} {enrolment.participant.last_name}"
    return enrolment.full_name


def _text_block(certificate: Certificate, context: dict, language: str) -> str:
    with translation.override(language):
        return render_to_string(
            "activities/certificate_text.html",
            {
                **context,
                "kind_label": CertificateKind(certificate.kind).label,
                "hours": format_hours(certificate.hours_attended),
                "language": language,
                "bidi": translation.get_language_bidi(),
            },
        )


def certificate_html(certificate: Certificate) -> str:
    """The certificate as an HTML document ready for WeasyPrint."""
    activity = certificate.enrolment.activity
    verification_url = absolute_url(certificate.get_verification_url())
    context = {
        "certificate": certificate,
        "activity": activity,
        "name": holder_name(certificate),
        "is_completion": certificate.kind == CertificateKind.COMPLETION,
        "verification_url": verification_url,
    }
    second = second_language_for(certificate)
    with translation.override(settings.LANGUAGE_CODE):
        return render_to_string(
            "activities/certificate_pdf.html",
            {
                **context,
                "italian_text": mark_safe(_text_block(certificate, context, settings.LANGUAGE_CODE)),  # noqa: S308 (rendered template)
                "second_text": mark_safe(_text_block(certificate, context, second)) if second else "",  # noqa: S308 (rendered template)
                "second_language": second,
                "qr": qr_svg(verification_url),
            },
        )


def certificate_pdf(certificate: Certificate) -> bytes:
    return pdf_from_html(certificate_html(certificate))


def certificate_filename(certificate: Certificate) -> str:
    prefix = "attestato-revocato" if certificate.revoked_at else "attestato"
    return safe_filename(prefix, certificate.code, extension="pdf")
