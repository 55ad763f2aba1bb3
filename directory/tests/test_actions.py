"""Editorial actions: versions, proposals, workflow permissions, translation outdating and verification."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from conftest import make_member
from core.roles import Role
from directory import actions
from directory.models import (
    EditorialState,
    RequiredDocument,
    Revision,
    RevisionStatus,
    SearchEntry,
    Service,
    Translation,
    TranslationMethod,
)
from directory.tests.factories import make_directory_org, make_service, translate

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(org_a):
    return make_member(org_a, Role.EDITOR)


@pytest.fixture
def own_service(org_a):
    return make_service("Sportello immigrazione", organization=make_directory_org(network_organisation=org_a))


@pytest.fixture
def other_service(org_b):
    return make_service("Sportello casa", organization=make_directory_org(network_organisation=org_b))


def test_editor_change_to_italian_text_outdates_its_translations(editor, own_service):
    fr = translate(own_service, "description", "fr", "Un service pour les étrangers.")
    actions.update_record(own_service, {"description": "Un servizio nuovo."}, acting_user=editor)
    own_service.refresh_from_db()
    fr.refresh_from_db()
    assert own_service.text_revision("description") == 2
    assert actions.is_outdated(fr, own_service)


def test_minor_edit_keeps_translations_up_to_date(editor, own_service):
    fr = translate(own_service, "description", "fr", "Un service pour les étrangers.")
    actions.update_record(
        own_service,
        {"description": "Un servizio per i cittadini stranieri!"},
        acting_user=editor,
        minor_edit=True,
    )
    own_service.refresh_from_db()
    assert not actions.is_outdated(fr, own_service)
    assert Revision.objects.for_object(own_service).first().minor_edit


def test_a_change_to_one_field_does_not_outdate_translations_of_another(editor, own_service):
    fr_name = translate(own_service, "name", "fr", "Guichet immigration")
    actions.update_record(own_service, {"description": "Testo nuovo."}, acting_user=editor)
    own_service.refresh_from_db()
    assert not actions.is_outdated(fr_name, own_service)


def test_each_applied_change_is_a_numbered_version_with_a_snapshot(editor, own_service):
    actions.update_record(
        own_service, {"name": "Sportello stranieri"}, acting_user=editor, note="nome ufficiale"
    )
    own_service.refresh_from_db()
    revision = Revision.objects.for_object(own_service).get(status=RevisionStatus.APPLIED)
    assert own_service.version == 2
    assert revision.number == 2
    assert revision.snapshot["name"] == "Sportello stranieri"
    assert revision.changed_fields == ["name"]
    assert revision.author == editor


def test_saving_the_same_values_creates_no_version(editor, own_service):
    actions.update_record(own_service, {"name": own_service.name}, acting_user=editor)
    assert not Revision.objects.for_object(own_service).exists()


def test_verifying_a_translation_brings_it_up_to_date(editor, own_service):
    fr = translate(own_service, "description", "fr", "Ancien texte.", verified=False)
    actions.update_record(own_service, {"description": "Testo rivisto."}, acting_user=editor)
    own_service.refresh_from_db()
    actions.verify_translation(fr, acting_user=editor)
    fr.refresh_from_db()
    assert fr.verified_by == editor
    assert not actions.is_outdated(fr, own_service)


def test_machine_translation_is_never_saved_as_verified(editor, own_service):
    translation = actions.save_translation(
        own_service,
        "name",
        "ar",
        "مكتب الهجرة",
        acting_user=editor,
        method=TranslationMethod.MACHINE,
        verified=True,
    )
    assert translation.verified_at is None
    assert translation.source_revision == own_service.text_revision("name")


def test_saving_an_empty_translation_removes_it(editor, own_service):
    translate(own_service, "name", "fr", "Guichet")
    assert actions.save_translation(own_service, "name", "fr", "  ", acting_user=editor) is None
    assert not Translation.objects.filter(object_id=own_service.pk, language="fr").exists()


@pytest.mark.parametrize(
    ("field", "language"),
    [("organization", "fr"), ("name", "it"), ("name", "xx")],
    ids=["not translatable", "italian is the source", "unknown language"],
)
def test_translation_of_a_bad_target_is_refused(editor, own_service, field, language):
    with pytest.raises(ValidationError):
        actions.save_translation(own_service, field, language, "testo", acting_user=editor)


def test_translation_status_counts_per_language(editor, own_service):
    translate(own_service, "name", "fr", "Guichet immigration")
    translate(
        own_service, "description", "fr", "Un service.", method=TranslationMethod.MACHINE, verified=False
    )
    actions.update_record(own_service, {"description": "Nuovo."}, acting_user=editor)
    own_service = Service.objects.prefetch_related("translations").get(pk=own_service.pk)
    [fr] = actions.translation_status(own_service, ["fr"])
    assert fr["translated"] == 2
    assert fr["machine"] == 1
    assert fr["outdated"] == 1
    assert fr["verified"] == 1


def test_partner_proposal_changes_nothing_until_an_editor_approves(operator_a, editor, own_service):
    proposal = actions.propose_change(own_service, {"name": "Sportello migranti"}, acting_user=operator_a)
    own_service.refresh_from_db()
    assert own_service.name == "Sportello immigrazione"
    assert proposal.status == RevisionStatus.PENDING
    assert proposal.author_organisation == operator_a.active_membership.organisation

    actions.approve_proposal(proposal, acting_user=editor)
    own_service.refresh_from_db()
    proposal.refresh_from_db()
    assert own_service.name == "Sportello migranti"
    assert proposal.status == RevisionStatus.APPLIED
    assert proposal.number == own_service.version == 2
    assert proposal.decided_by == editor


def test_rejected_proposal_needs_a_reason_and_keeps_the_record(operator_a, editor, own_service):
    proposal = actions.propose_change(own_service, {"name": "Altro"}, acting_user=operator_a)
    with pytest.raises(ValidationError):
        actions.reject_proposal(proposal, acting_user=editor, reason=" ")
    actions.reject_proposal(proposal, acting_user=editor, reason="Il nome ufficiale è un altro.")
    own_service.refresh_from_db()
    assert own_service.name == "Sportello immigrazione"
    with pytest.raises(ValidationError):
        actions.approve_proposal(proposal, acting_user=editor)


def test_partner_cannot_propose_for_another_organisations_service(operator_a, other_service):
    with pytest.raises(PermissionDenied):
        actions.propose_change(other_service, {"name": "Preso"}, acting_user=operator_a)


def test_invalid_proposal_is_refused_before_an_editor_sees_it(operator_a, own_service):
    with pytest.raises(ValidationError):
        actions.propose_change(own_service, {"email": "non-una-email"}, acting_user=operator_a)
    assert not Revision.objects.pending().exists()


@pytest.mark.parametrize("persona", ["operator_a", "viewer_a", "monitoring", "trainer_a"])
def test_only_editors_edit_directly_and_publish(request, persona, own_service):
    user = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        actions.update_record(own_service, {"name": "X"}, acting_user=user)
    with pytest.raises(PermissionDenied):
        actions.verify_record(own_service, acting_user=user)
    own_service.refresh_from_db()
    assert own_service.name == "Sportello immigrazione"


def test_partner_creates_a_draft_for_its_own_organisation_and_sends_it_to_review(operator_a, org_a, editor):
    organization = make_directory_org(network_organisation=org_a)
    service = actions.create_record(
        Service, {"organization": organization, "name": "Corso serale"}, acting_user=operator_a
    )
    assert service.state == EditorialState.DRAFT
    actions.change_state(service, EditorialState.IN_REVIEW, acting_user=operator_a)
    with pytest.raises(PermissionDenied):
        actions.change_state(service, EditorialState.PUBLISHED, acting_user=operator_a)
    service = actions.change_state(service, EditorialState.PUBLISHED, acting_user=editor)
    assert service.state == EditorialState.PUBLISHED
    assert service.last_verified_by == editor


def test_partner_cannot_create_a_service_for_another_organisation(operator_a, org_b):
    with pytest.raises(PermissionDenied):
        actions.create_record(
            Service,
            {"organization": make_directory_org(network_organisation=org_b), "name": "Corso"},
            acting_user=operator_a,
        )


def test_impossible_transition_is_refused(editor, own_service):
    with pytest.raises(ValidationError):
        actions.change_state(own_service, EditorialState.IN_REVIEW, acting_user=editor)


def test_publishing_indexes_and_archiving_removes_from_search(
    editor, org_a, django_capture_on_commit_callbacks
):
    service = make_service("Consulenza legale", state=EditorialState.DRAFT, index=False)
    with django_capture_on_commit_callbacks(execute=True):
        actions.change_state(service, EditorialState.PUBLISHED, acting_user=editor)
    assert SearchEntry.objects.filter(service=service).count() == 8
    with django_capture_on_commit_callbacks(execute=True):
        actions.change_state(service, EditorialState.ARCHIVED, acting_user=editor)
    assert not SearchEntry.objects.filter(service=service).exists()


def test_editing_a_document_to_bring_is_a_new_version_and_outdates_its_translation(editor, own_service):
    document = own_service.required_documents.get()
    translation = translate(document, "document", "en", "Passport")
    actions.save_part(own_service, document, {"document": "Passaporto valido"}, acting_user=editor)
    document = RequiredDocument.objects.get(pk=document.pk)
    own_service.refresh_from_db()
    assert actions.is_outdated(translation, document)
    assert own_service.version == 2
    assert Revision.objects.for_object(own_service).first().changed_fields == ["requireddocument"]


def test_stale_records_are_flagged_then_hidden(settings):
    settings.DIRECTORY_VERIFY_MONTHS = 12
    settings.DIRECTORY_HIDE_GRACE_MONTHS = 3
    fresh = make_service(verified_days_ago=30)
    flagged = make_service(verified_days_ago=400)
    hidden = make_service(verified_days_ago=500)
    assert set(Service.objects.stale()) == {flagged, hidden}
    assert set(Service.objects.public()) == {fresh, flagged}
    assert hidden.hidden_as_stale and flagged.needs_verification and not fresh.needs_verification


def test_verifying_a_stale_record_makes_it_public_again(editor, settings):
    hidden = make_service(verified_days_ago=600)
    assert not Service.objects.public().filter(pk=hidden.pk).exists()
    actions.verify_record(hidden, acting_user=editor)
    assert Service.objects.public().filter(pk=hidden.pk).exists()
    assert hidden.last_verified_at > timezone.now() - datetime.timedelta(minutes=1)


def test_a_proposal_notifies_the_editors_and_the_decision_notifies_its_author(
    operator_a, editor, own_service
):
    from paths.models import Notification

    proposal = actions.propose_change(own_service, {"name": "Sportello migranti"}, acting_user=operator_a)
    assert Notification.objects.filter(recipient=editor, kind="directory_proposal_received").count() == 1
    actions.reject_proposal(proposal, acting_user=editor, reason="Nome non ufficiale")
    notification = Notification.objects.get(recipient=operator_a, kind="directory_proposal_rejected")
    assert "Nome non ufficiale" in notification.text


def test_due_verifications_notify_editors_and_the_partner_admins_once(editor, admin_a, org_a, settings):
    from directory.review import notify_due_verifications
    from paths.models import Notification

    settings.DIRECTORY_VERIFY_MONTHS = 12
    stale = make_service(organization=make_directory_org(network_organisation=org_a), verified_days_ago=400)
    hidden = make_service(verified_days_ago=600)
    make_service(verified_days_ago=10)
    first = notify_due_verifications()
    again = notify_due_verifications()
    assert again["notifications"] == 0
    assert set(
        Notification.objects.filter(kind="directory_verification_due").values_list(
            "recipient__email", flat=True
        )
    ) == {editor.email, admin_a.email}
    assert first["notifications"] == 3  # the editor for both records, the partner's admin for its own
    assert not SearchEntry.objects.filter(service=hidden).exists()
    assert SearchEntry.objects.filter(service=stale).exists()


def test_translating_a_need_or_a_document_reindexes_the_services_that_carry_it(
    editor, own_service, django_capture_on_commit_callbacks
):
    from directory.models import TaxonomyTerm
    from directory.tests.factories import need

    document = own_service.required_documents.get()
    with django_capture_on_commit_callbacks(execute=True):
        actions.save_translation(document, "document", "uk", "Закордонний паспорт", acting_user=editor)
    assert search_normalise("Закордонний") in SearchEntry.objects.get(service=own_service, language="uk").body
    term = TaxonomyTerm.objects.get(pk=need("residence-permit").pk)
    with django_capture_on_commit_callbacks(execute=True):
        actions.save_translation(term, "name", "bn", "থাকার অনুমতি নতুন", acting_user=editor)
    entry = SearchEntry.objects.get(service=own_service, language="bn")
    assert search_normalise("থাকার অনুমতি নতুন") in entry.body


def search_normalise(text):
    from directory.search import normalise

    return normalise(text)
