"""The signed document of an agreement: only plain PDFs are stored (type, size, no active content, not
encrypted), under a random name with their SHA-256, and served only to users who see the agreement."""

from __future__ import annotations

import hashlib
import re

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import Resolver404, resolve, reverse
from django.utils import translation

from conftest import client_for, make_member, make_organisation
from core.roles import Role
from network import actions, documents
from network.models import Agreement
from network.tests.governance_helpers import (
    encrypted,
    make_agreement,
    pdf_bytes,
    with_attachment,
    with_javascript,
    with_launch_in_annotation,
    with_open_action,
)


@pytest.fixture(autouse=True)
def _media_and_language(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    with translation.override("en"):
        yield


@pytest.fixture
def agreement(org_a, org_b):
    return make_agreement([(org_a, "lead"), (org_b, "partner")], status="signed")


def upload(content: bytes, name: str = "protocollo-firmato.pdf", content_type: str = "application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


def refused(file, code: str) -> None:
    with pytest.raises(ValidationError) as caught:
        documents.check_agreement_pdf(file)
    assert caught.value.code == code, caught.value.messages


# --- validation ---------------------------------------------------------------------------------------


def test_a_clean_pdf_is_accepted_with_its_sha256():
    content = pdf_bytes()
    checked = documents.check_agreement_pdf(upload(content))
    assert checked.content == content
    assert checked.sha256 == hashlib.sha256(content).hexdigest()


def test_the_wrong_extension_is_refused():
    refused(upload(pdf_bytes(), name="protocollo.docx"), "extension")


def test_the_wrong_content_type_is_refused():
    refused(upload(pdf_bytes(), content_type="text/html"), "content_type")


def test_a_renamed_file_that_is_not_a_pdf_is_refused():
    refused(upload(b"\x89PNG\r\n\x1a\n" + b"0" * 100), "magic")
    refused(upload(b"<html><script>alert(1)</script></html>"), "magic")


def test_an_oversize_file_is_refused(settings):
    settings.AGREEMENT_MAX_UPLOAD = 2048
    refused(upload(pdf_bytes() + b"%" + b"0" * 4096), "size")


def test_the_default_limit_is_ten_megabytes():
    assert documents.max_upload_size() == 10 * 1024 * 1024
    refused(upload(b"%PDF-1.7\n" + b"0" * (10 * 1024 * 1024)), "size")


def test_a_pdf_that_cannot_be_parsed_is_refused():
    refused(upload(b"%PDF-1.7\nthis is not really a pdf"), "unreadable")


@pytest.mark.parametrize(
    "build",
    [with_javascript, with_open_action, with_attachment, with_launch_in_annotation],
    ids=lambda f: f.__name__,
)
def test_a_pdf_with_active_content_is_refused(build):
    refused(upload(pdf_bytes(build)), "active_content")


def test_an_obfuscated_javascript_name_is_still_found():
    # "/J#53" is how a PDF may spell "/JS"; a byte search alone would miss it, the parser does not.
    content = pdf_bytes(with_javascript)
    assert b"/JS " in content or b"/JS(" in content or b"/JS\n" in content or re.search(rb"/JS\b", content)
    obfuscated = re.sub(rb"/JS(?=[\s(<])", b"/J#53", content)
    obfuscated = obfuscated.replace(b"/JavaScript", b"/Java#53cript")
    assert b"/JS" not in obfuscated.replace(b"/JS#", b"")
    refused(upload(obfuscated), "active_content")


def test_an_encrypted_pdf_is_refused():
    refused(upload(pdf_bytes(encrypted)), "encrypted")


def test_the_message_says_why_in_plain_words():
    with pytest.raises(ValidationError) as caught:
        documents.check_agreement_pdf(upload(pdf_bytes(with_javascript)))
    assert "active content" in caught.value.messages[0]


# --- storing ------------------------------------------------------------------------------------------


def test_a_party_uploads_the_signed_pdf_under_a_random_name(agreement, admin_a, tmp_path):
    content = pdf_bytes()
    response = client_for(admin_a).post(
        reverse("network:agreement_document_upload", args=[agreement.pk]), {"document": upload(content)}
    )
    assert response.status_code == 302
    agreement.refresh_from_db()
    assert agreement.document_sha256 == hashlib.sha256(content).hexdigest()
    assert "protocollo" not in agreement.document.name
    assert re.fullmatch(r"agreements/\d{4}/[0-9a-f]{32}\.pdf", agreement.document.name)
    assert (tmp_path / agreement.document.name).read_bytes() == content


def test_a_refused_upload_shows_the_reason_and_stores_nothing(agreement, admin_a, tmp_path):
    response = client_for(admin_a).post(
        reverse("network:agreement_document_upload", args=[agreement.pk]),
        {"document": upload(pdf_bytes(with_open_action))},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["document"]
    agreement.refresh_from_db()
    assert not agreement.document
    assert not list(tmp_path.rglob("*.pdf"))


def test_a_viewer_cannot_upload(agreement, viewer_a):
    response = client_for(viewer_a).post(
        reverse("network:agreement_document_upload", args=[agreement.pk]), {"document": upload(pdf_bytes())}
    )
    assert response.status_code == 403
    agreement.refresh_from_db()
    assert not agreement.document


def test_a_withdrawn_agreement_takes_no_document(org_a, org_b, admin_a):
    withdrawn = make_agreement([(org_a, "lead"), (org_b, "partner")], status="withdrawn")
    with pytest.raises(ValidationError):
        actions.attach_agreement_document(withdrawn, acting_user=admin_a, upload=upload(pdf_bytes()))


# --- serving ------------------------------------------------------------------------------------------


@pytest.fixture
def with_document(agreement, admin_a):
    actions.attach_agreement_document(agreement, acting_user=admin_a, upload=upload(pdf_bytes()))
    agreement.refresh_from_db()
    return agreement


def test_the_document_is_served_as_an_attachment_that_browsers_do_not_sniff(with_document, viewer_a):
    response = client_for(viewer_a).get(reverse("network:agreement_document", args=[with_document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert f"accordo-{with_document.pk}.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content) == with_document.document.open("rb").read()


def test_the_document_follows_the_agreement_scope(with_document, outsider, client, admin_b):
    url = reverse("network:agreement_document", args=[with_document.pk])
    assert client.get(url).status_code == 302  # anonymous: to the login page
    assert client_for(outsider).get(url).status_code == 404  # no membership: sees no agreement
    assert client_for(admin_b).get(url).status_code == 200  # a party


def test_an_agreement_without_document_answers_404(agreement, admin_a):
    assert (
        client_for(admin_a).get(reverse("network:agreement_document", args=[agreement.pk])).status_code == 404
    )


def test_nothing_in_the_urlconf_serves_media(with_document, admin_a):
    path = "/" + "media/" + with_document.document.name
    with pytest.raises(Resolver404):
        resolve(path)
    assert client_for(admin_a).get(path).status_code == 404


def test_the_document_is_read_only_through_the_scope(with_document, db):
    # A user of an organisation that was deactivated has no active membership: nothing is served.
    org = make_organisation("Ente sospeso", is_active=False)
    user = make_member(org, Role.ORG_ADMIN, "sospeso@example.org")
    assert not Agreement.objects.visible_to(user).exists()
    response = client_for(user).get(reverse("network:agreement_document", args=[with_document.pk]))
    assert response.status_code == 404
