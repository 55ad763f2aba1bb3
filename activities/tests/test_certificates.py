"""Certificates: issuing and revoking from the workspace, the bilingual PDF, and the public verification page
(only initials revealed, code normalisation, rate limit)."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.messages import get_messages
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from activities import actions, certificates
from activities.models import AttendanceStatus, CEFRLevel, Certificate, CertificateKind, EnrolmentStatus
from activities.views_public import VERIFY_LIMIT, client_address, normalise_code
from conftest import client_for, make_activity, make_member, make_participant, make_sessions
from core.roles import Role
from territory.models import Language

pytestmark = pytest.mark.django_db

TWO_LANGUAGES = [("it", "Italiano"), ("en", "English"), ("ar", "العربية")]


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def course(org_a, operator_a, trainer_a, participant_a):
    """A course of 5 sessions x 4 h in org A taught by trainer A: Amina Benali attended all of them and
    completed it with an exit level A2; a second participant enrolled but never came."""
    activity = make_activity(org_a, title="Italiano per il lavoro", trainers=[trainer_a])
    sessions = make_sessions(activity)
    amina = actions.enrol(activity, acting_user=operator_a, participant=participant_a)
    absent = actions.enrol(activity, acting_user=operator_a, participant=make_participant(org_a))
    for session in sessions:
        actions.mark_attendance(session, amina, AttendanceStatus.PRESENT, acting_user=operator_a)
    actions.record_assessment(
        amina,
        acting_user=operator_a,
        data={
            "moment": "exit",
            "date": timezone.localdate(),
            "overall": CEFRLevel.A2,
            "evidence": "teacher",
        },
    )
    actions.change_enrolment_status(amina, EnrolmentStatus.COMPLETED, acting_user=operator_a)
    amina.refresh_from_db()
    return {"activity": activity, "sessions": sessions, "amina": amina, "absent": absent}


def issue(course, user, kind=CertificateKind.COMPLETION, **kwargs) -> Certificate:
    return actions.issue_certificate(course["amina"], kind, acting_user=user, **kwargs)


def page_messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


# ------------------------------------------------------------------------------------------------ issuing


def test_operator_issues_a_certificate_of_completion_and_returns_to_the_activity(course, operator_a):
    url = reverse("activity_docs:certificate_issue", args=[course["amina"].pk])
    assert client_for(operator_a).get(url).status_code == 200

    response = client_for(operator_a).post(url, {"kind": "completion", "second_language": "en"})

    assert response.status_code == 302
    assert response["Location"] == course["activity"].get_absolute_url()
    certificate = Certificate.objects.get(enrolment=course["amina"])
    assert certificate.kind == CertificateKind.COMPLETION
    assert certificate.hours_attended == 20
    assert certificate.exit_level == CEFRLevel.A2
    assert certificate.second_language == "en"
    assert certificate.issued_by == operator_a


def test_issuing_twice_keeps_one_valid_certificate(course, operator_a):
    url = reverse("activity_docs:certificate_issue", args=[course["amina"].pk])
    client = client_for(operator_a)
    client.post(url, {"kind": "completion"})
    response = client.post(url, {"kind": "completion"})
    assert response.status_code == 302
    assert Certificate.objects.filter(enrolment=course["amina"]).count() == 1


def test_a_refused_certificate_is_explained_in_a_message_and_nothing_is_saved(course, operator_a):
    url = reverse("activity_docs:certificate_issue", args=[course["absent"].pk])
    response = client_for(operator_a).post(url, {"kind": "attendance"})
    assert response.status_code == 302
    assert not Certificate.objects.exists()
    assert any("session" in text or "incontro" in text for text in page_messages(response))


def test_a_post_may_send_back_to_a_safe_next_page_only(course, operator_a):
    url = reverse("activity_docs:certificate_issue", args=[course["amina"].pk])
    response = client_for(operator_a).post(url, {"kind": "completion", "next": "/area-riservata/"})
    assert response["Location"] == "/area-riservata/"
    response = client_for(operator_a).post(url, {"kind": "attendance", "next": "https://evil.example/"})
    assert response["Location"] == course["activity"].get_absolute_url()


@pytest.mark.parametrize("persona", ["viewer_a", "trainer_a"])
def test_read_only_and_trainers_cannot_issue_or_revoke(course, operator_a, persona, request):
    user = request.getfixturevalue(persona)
    certificate = issue(course, operator_a)
    client = client_for(user)
    assert (
        client.post(
            reverse("activity_docs:certificate_issue", args=[course["amina"].pk]), {"kind": "attendance"}
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("activity_docs:certificate_issue_all", args=[course["activity"].pk]),
            {"kind": "attendance"},
        ).status_code
        == 403
    )
    assert (
        client.post(
            reverse("activity_docs:certificate_revoke", args=[certificate.pk]), {"reason": "errore"}
        ).status_code
        == 403
    )
    assert Certificate.objects.count() == 1
    certificate.refresh_from_db()
    assert certificate.revoked_at is None


def test_other_organisations_get_404_on_every_certificate_page(course, operator_a, operator_b):
    certificate = issue(course, operator_a)
    client = client_for(operator_b)
    urls = [
        reverse("activity_docs:certificate_issue", args=[course["amina"].pk]),
        reverse("activity_docs:certificate_issue_all", args=[course["activity"].pk]),
        reverse("activity_docs:certificate_revoke", args=[certificate.pk]),
        reverse("activity_docs:certificate_pdf", args=[certificate.pk]),
    ]
    for url in urls:
        assert client.get(url).status_code == 404, url
    assert client.post(urls[0], {"kind": "attendance"}).status_code == 404
    assert Certificate.objects.count() == 1


def test_issue_all_gives_certificates_to_who_qualifies_and_reports_counts(course, operator_a, org_a):
    # A third person attended one session: attendance yes, completion no.
    partial = actions.enrol(course["activity"], acting_user=operator_a, participant=make_participant(org_a))
    actions.mark_attendance(course["sessions"][0], partial, AttendanceStatus.PRESENT, acting_user=operator_a)
    issue(course, operator_a, CertificateKind.ATTENDANCE)
    url = reverse("activity_docs:certificate_issue_all", args=[course["activity"].pk])
    client = client_for(operator_a)
    page = client.get(url)
    assert page.status_code == 200
    options = {o["kind"]: o for o in page.context["options"]}
    assert (options["attendance"]["qualifying"], options["attendance"]["holding"]) == (2, 1)
    assert (options["completion"]["qualifying"], options["completion"]["to_issue"]) == (1, 1)

    response = client.post(url, {"kind": "attendance"})

    assert response.status_code == 302
    assert set(
        Certificate.objects.filter(kind=CertificateKind.ATTENDANCE).values_list("enrolment_id", flat=True)
    ) == {course["amina"].pk, partial.pk}
    texts = page_messages(response)
    assert any("1" in text for text in texts)

    client.post(url, {"kind": "completion"})
    assert list(
        Certificate.objects.filter(kind=CertificateKind.COMPLETION).values_list("enrolment_id", flat=True)
    ) == [course["amina"].pk]


def test_revoking_needs_a_reason_and_then_the_certificate_is_not_valid(course, operator_a):
    certificate = issue(course, operator_a)
    url = reverse("activity_docs:certificate_revoke", args=[certificate.pk])
    client = client_for(operator_a)
    assert client.get(url).status_code == 200

    response = client.post(url, {"reason": "   "})
    assert response.status_code == 200
    certificate.refresh_from_db()
    assert certificate.revoked_at is None

    response = client.post(url, {"reason": "Dati anagrafici errati"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.revoked_at is not None
    assert certificate.revoked_reason == "Dati anagrafici errati"


# ---------------------------------------------------------------------------------------------------- PDF


def layout(html: str) -> tuple[int, str]:
    """Pages and text of the laid-out document (what the PDF shows), read from WeasyPrint's boxes."""
    from weasyprint import HTML

    document = HTML(string=html).render()
    texts: list[str] = []

    def walk(box):
        text = getattr(box, "text", None)
        if isinstance(text, str):
            texts.append(text)
        for child in getattr(box, "children", ()):
            walk(child)

    for page in document.pages:
        walk(page._page_box)
    return len(document.pages), " ".join(texts)


def test_the_certificate_pdf_is_a_one_page_pdf_with_name_activity_level_and_code(
    course, operator_a, settings
):
    settings.SITE_URL = "https://interazioni.example.org"
    certificate = issue(course, operator_a)
    response = client_for(operator_a).get(reverse("activity_docs:certificate_pdf", args=[certificate.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    assert len(response.content) > 5000
    assert f"attestato-{certificate.code.lower()}.pdf" in response["Content-Disposition"]

    pages, text = layout(certificates.certificate_html(certificate))
    assert pages == 1
    # Headings are upper-cased by CSS and long addresses wrap: compare without case and spaces.
    text = "".join(text.split()).lower()
    for expected in (
        "Regione Campania",
        "InterAzioni",
        "FAMI 2021-2027",
        "Amina Benali",
        "Italiano per il lavoro",
        "Comune di Napoli",
        "A2",
        certificate.code,
        f"https://interazioni.example.org/verifica/{certificate.code}/",
    ):
        assert "".join(expected.split()).lower() in text, expected


def test_the_pdf_carries_a_qr_code_of_the_verification_address(course, operator_a):
    certificate = issue(course, operator_a)
    html = certificates.certificate_html(certificate)
    assert '<svg viewBox="0 0' in html and 'class="segno"' in html


def test_a_revoked_certificate_prints_stamped_revoked(course, operator_a):
    certificate = issue(course, operator_a)
    actions.revoke_certificate(certificate, acting_user=operator_a, reason="Errore")
    response = client_for(operator_a).get(reverse("activity_docs:certificate_pdf", args=[certificate.pk]))
    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert "attestato-revocato" in response["Content-Disposition"]
    certificate.refresh_from_db()
    pages, text = layout(certificates.certificate_html(certificate))
    assert pages == 1
    assert "REVOCATO" in text or "REVOKED" in text


def test_trainers_of_the_activity_may_print_certificates_others_may_not(course, operator_a, trainer_a, org_a):
    certificate = issue(course, operator_a)
    url = reverse("activity_docs:certificate_pdf", args=[certificate.pk])
    assert client_for(trainer_a).get(url).status_code == 200
    other_trainer = make_member(org_a, Role.TRAINER, "trainer2_a@example.org")
    assert client_for(other_trainer).get(url).status_code == 404
    assert client_for(None).get(url).status_code == 302


# --------------------------------------------------------------------------------------- second language


def speak(participant, *codes):
    participant.languages.set(Language.objects.filter(code__in=codes))


def test_the_second_language_comes_from_the_participants_languages(course, operator_a, settings):
    settings.LANGUAGES = TWO_LANGUAGES
    certificate = issue(course, operator_a)
    participant = course["amina"].participant
    speak(participant, "ara", "eng")
    assert certificates.second_language_for(certificate) == "ar"  # English is the fallback
    speak(participant, "eng", "fra")
    assert certificates.second_language_for(certificate) == "en"
    speak(participant, "ary")  # Moroccan Arabic
    assert certificates.second_language_for(certificate) == "ar"
    speak(participant, "ita", "wol")
    assert certificates.second_language_for(certificate) is None


def test_the_language_chosen_at_issue_wins_when_the_interface_has_it(course, operator_a, settings):
    settings.LANGUAGES = TWO_LANGUAGES
    speak(course["amina"].participant, "ara")
    certificate = issue(course, operator_a, second_language="en")
    assert certificates.second_language_for(certificate) == "en"
    certificate.second_language = "xx"
    assert certificates.second_language_for(certificate) is None


def test_iso_codes_map_to_interface_languages(settings):
    settings.LANGUAGES = TWO_LANGUAGES
    assert certificates.interface_language("ara") == "ar"
    assert certificates.interface_language("arz") == "ar"
    assert certificates.interface_language("eng") == "en"
    assert certificates.interface_language("ita") == "it"
    assert certificates.interface_language("ukr") is None  # not an interface language yet
    settings.LANGUAGES = [*TWO_LANGUAGES, ("uk", "Українська"), ("zh-hans", "简体中文")]
    assert certificates.interface_language("ukr") == "uk"
    assert certificates.interface_language("cmn") == "zh-hans"


def test_an_arabic_certificate_has_an_italian_and_a_right_to_left_arabic_text(course, operator_a, settings):
    settings.LANGUAGES = TWO_LANGUAGES
    speak(course["amina"].participant, "ara")
    certificate = issue(course, operator_a)
    html = certificates.certificate_html(certificate)
    assert '<html lang="it">' in html
    assert 'lang="it" dir="ltr"' in html
    assert 'lang="ar" dir="rtl"' in html
    assert html.count("Amina Benali") == 2
    pages, _text = layout(html)
    assert pages == 1


def test_an_italian_only_certificate_has_one_text(course, operator_a):
    certificate = issue(course, operator_a)
    html = certificates.certificate_html(certificate)
    assert html.count('class="certificate-text"') == 1


def test_hours_print_without_trailing_zeros():
    from decimal import Decimal

    from django.utils import translation

    with translation.override("it"):
        assert certificates.format_hours(Decimal("20.00")) == "20"
        assert certificates.format_hours(Decimal("12.50")) == "12,5"
        assert certificates.format_hours(Decimal("7.25")) == "7,25"


# --------------------------------------------------------------------------------------- public verification


def test_the_verification_page_shows_initials_activity_and_validity_never_the_name(
    course, operator_a, client
):
    certificate = issue(course, operator_a)
    response = client.get(reverse("certificate_verify", args=[certificate.code]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "A. B." in page
    assert "Italiano per il lavoro" in page
    assert "Comune di Napoli" in page
    assert course["activity"].start_date.strftime("%d/%m/%Y") in page
    assert course["activity"].end_date.strftime("%d/%m/%Y") in page
    assert certificate.issued_at.astimezone().strftime("%d/%m/%Y") in page
    assert str(CertificateKind.COMPLETION.label) in page or "completamento" in page.lower()
    assert "Amina" not in page and "Benali" not in page
    assert '<meta name="robots" content="noindex' in page
    assert response.context["result"]["revoked_at"] is None


def test_a_revoked_certificate_shows_as_revoked_with_its_date(course, operator_a, client):
    certificate = issue(course, operator_a)
    actions.revoke_certificate(certificate, acting_user=operator_a, reason="Errore materiale")
    response = client.get(reverse("certificate_verify", args=[certificate.code]))
    assert response.status_code == 200
    page = response.content.decode()
    certificate.refresh_from_db()
    assert response.context["result"]["revoked_at"] == certificate.revoked_at
    assert timezone.localtime(certificate.revoked_at).strftime("%d/%m/%Y") in page
    assert "Errore materiale" not in page  # the reason is internal


def test_an_unknown_code_answers_404_with_a_clear_page(client):
    response = client.get(reverse("certificate_verify", args=["ZZZZ-ZZZZ-ZZZZ"]))
    assert response.status_code == 404
    assert response.context["not_found"] is True
    assert "ZZZZ-ZZZZ-ZZZZ" in response.content.decode()


@pytest.mark.parametrize("typed", ["{lower}", "{bare}", "{spaced}", " {code} "])
def test_codes_are_found_whatever_the_case_dashes_and_spaces(course, operator_a, client, typed):
    certificate = issue(course, operator_a)
    code = certificate.code
    text = typed.format(
        code=code, lower=code.lower(), bare=code.replace("-", ""), spaced=code.replace("-", " ").lower()
    )
    response = client.get(reverse("certificate_verify_form"), {"code": text})
    assert response.status_code == 302
    assert response["Location"] == certificate.get_verification_url()
    response = client.get(f"/verifica/{text.strip()}/", follow=True)
    assert response.status_code == 200
    assert response.context["result"]["code"] == code


def test_normalise_code():
    assert normalise_code("abcd efgh jkmn") == "ABCD-EFGH-JKMN"
    assert normalise_code("ABCDEFGHJKMN") == "ABCD-EFGH-JKMN"
    assert normalise_code("ab—cd") == "ABCD"
    assert normalise_code("") == ""


def test_the_verification_form_page_is_public(client):
    response = client.get(reverse("certificate_verify_form"))
    assert response.status_code == 200
    assert 'name="code"' in response.content.decode()
    assert client.get(reverse("certificate_verify_form"), {"code": "—"}).status_code == 200


def test_look_ups_are_rate_limited_per_address(course, operator_a, client):
    certificate = issue(course, operator_a)
    url = reverse("certificate_verify", args=[certificate.code])
    for _ in range(VERIFY_LIMIT):
        assert client.get(url, REMOTE_ADDR="203.0.113.7").status_code == 200
    blocked = client.get(url, REMOTE_ADDR="203.0.113.7")
    assert blocked.status_code == 429
    assert blocked["Retry-After"] == "600"
    assert "A. B." not in blocked.content.decode()
    # Unknown codes count too: enumerating them is what the limit stops.
    assert client.get("/verifica/ZZZZ-ZZZZ-ZZZZ/", REMOTE_ADDR="203.0.113.7").status_code == 429
    # Another address is not affected.
    assert client.get(url, REMOTE_ADDR="198.51.100.1").status_code == 200


def test_the_rate_limit_address_ignores_forwarded_headers_unless_a_proxy_is_trusted(rf, settings):
    request = rf.get("/verifica/x/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.1.1.1, 203.0.113.9")
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_address(request) == "10.0.0.1"
    settings.TRUSTED_PROXY_COUNT = 1
    assert client_address(request) == "203.0.113.9"  # the hop our proxy appended, not the client's own


def test_certificate_dates_are_the_activity_dates(course, operator_a):
    activity = course["activity"]
    activity.start_date = activity.end_date = datetime.date(2025, 3, 1)
    activity.save()
    certificate = issue(course, operator_a)
    html = certificates.certificate_html(Certificate.objects.get(pk=certificate.pk))
    assert "1 marzo 2025" in html.lower()
