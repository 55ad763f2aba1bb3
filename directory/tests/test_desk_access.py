"""Who reaches the directory's editorial desk, and what each role may do there.

The conventions: anonymous → login; no `directory.view` (monitoring officer, trainer) → 403 everywhere;
a record the user sees but may not change → 403 and nothing changes; a proposal of another organisation
is out of scope → 404. Information pages and content languages are for editors only."""

from __future__ import annotations

import pytest
from django.urls import reverse

from conftest import client_for
from directory.models import (
    Article,
    ContentLanguage,
    EditorialState,
    Revision,
    RevisionStatus,
    Schedule,
    Service,
    Translation,
)
from directory.tests.desk_personas import *  # noqa: F403 (fixtures)
from directory.tests.factories import make_article, translate

pytestmark = pytest.mark.django_db


def read_urls(service, article):
    schedule = Schedule.objects.filter(service=service).first()
    return [
        reverse("directory:dashboard"),
        reverse("directory:service_list"),
        reverse("directory:service_detail", args=[service.pk]),
        reverse("directory:service_history", args=[service.pk]),
        reverse("directory:translations", args=["service", service.pk]),
        reverse("directory:translations", args=["schedule", schedule.pk]),
        reverse("directory:proposal_list"),
        reverse("directory:need_list"),
    ]


def editor_only_urls(service, article):
    schedule = Schedule.objects.filter(service=service).first()
    return [
        reverse("directory:article_list"),
        reverse("directory:article_create"),
        reverse("directory:article_detail", args=[article.pk]),
        reverse("directory:article_edit", args=[article.pk]),
        reverse("directory:article_history", args=[article.pk]),
        reverse("directory:language_list"),
        reverse("directory:language_create"),
        reverse("directory:place_create", args=[service.pk]),
        reverse("directory:part_create", args=[service.pk, "orari"]),
        reverse("directory:part_edit", args=[service.pk, "orari", schedule.pk]),
    ]


@pytest.fixture
def article():
    return make_article("Come rinnovare il permesso di soggiorno a Napoli")


def test_anonymous_visitors_are_sent_to_login(client, own_service, article):
    for url in read_urls(own_service, article) + editor_only_urls(own_service, article):
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("account_login")), url


@pytest.mark.parametrize("persona", ["monitoring", "trainer_a", "outsider"])
def test_roles_without_the_directory_get_403_everywhere(request, persona, own_service, article):
    client = client_for(request.getfixturevalue(persona))
    for url in read_urls(own_service, article) + editor_only_urls(own_service, article):
        assert client.get(url).status_code == 403, url


def test_monitoring_officer_cannot_publish_or_verify(monitoring, own_service):
    own_service.state = EditorialState.DRAFT
    own_service.save(update_fields=["state"])
    client = client_for(monitoring)
    response = client.post(
        reverse("directory:service_state", args=[own_service.pk]), {"state": EditorialState.PUBLISHED}
    )
    assert response.status_code == 403
    own_service.refresh_from_db()
    assert own_service.state == EditorialState.DRAFT


def test_editor_reaches_every_page(as_editor, own_service, article):
    for url in read_urls(own_service, article) + editor_only_urls(own_service, article):
        assert as_editor.get(url).status_code == 200, url


def test_regional_coordinator_runs_the_desk_like_an_editor(coordinator, own_service, article):
    client = client_for(coordinator)
    for url in read_urls(own_service, article) + editor_only_urls(own_service, article):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("persona", ["viewer_a", "operator_a", "admin_b"])
def test_viewers_and_partners_read_the_directory(request, persona, own_service, other_service, article):
    client = client_for(request.getfixturevalue(persona))
    for url in read_urls(own_service, article) + read_urls(other_service, article):
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("persona", ["viewer_a", "operator_a"])
def test_information_pages_languages_and_parts_are_for_editors_only(request, persona, own_service, article):
    client = client_for(request.getfixturevalue(persona))
    for url in editor_only_urls(own_service, article):
        assert client.get(url).status_code == 403, url


def test_viewer_writes_are_refused_and_change_nothing(as_viewer, own_service, article):
    translate(own_service, "name", "fr", "Guichet immigration", verified=False)
    before = Service.objects.get(pk=own_service.pk)
    fr = Translation.objects.get(object_id=own_service.pk, field="name", language="fr")
    posts = [
        (reverse("directory:service_create"), {"name": "Nuovo", "organization": own_service.organization_id}),
        (reverse("directory:service_edit", args=[own_service.pk]), {"name": "Cambiato"}),
        (reverse("directory:service_state", args=[own_service.pk]), {"state": EditorialState.ARCHIVED}),
        (reverse("directory:service_verify", args=[own_service.pk]), {}),
        (
            reverse("directory:part_create", args=[own_service.pk, "documenti"]),
            {"document": "Codice fiscale"},
        ),
        (
            reverse(
                "directory:part_delete", args=[own_service.pk, "orari", own_service.schedules.first().pk]
            ),
            {},
        ),
        (
            reverse("directory:translations", args=["service", own_service.pk]),
            {"language": "fr", "name-text": "Autre", "name-method": "human"},
        ),
        (reverse("directory:translation_verify", args=[fr.pk]), {}),
        (reverse("directory:article_state", args=[article.pk]), {"state": EditorialState.ARCHIVED}),
        (reverse("directory:language_create"), {"code": "ti", "name_local": "ትግርኛ"}),
    ]
    for url, data in posts:
        assert as_viewer.post(url, data).status_code == 403, url
    after = Service.objects.get(pk=own_service.pk)
    assert (after.name, after.state, after.version, after.last_verified_at) == (
        before.name,
        before.state,
        before.version,
        before.last_verified_at,
    )
    assert own_service.schedules.count() == 1
    assert own_service.required_documents.count() == 1
    fr.refresh_from_db()
    assert (fr.text, fr.verified_at) == ("Guichet immigration", None)
    assert Article.objects.get(pk=article.pk).state == EditorialState.PUBLISHED
    assert not ContentLanguage.objects.filter(code="ti").exists()
    assert not Revision.objects.exists()


def test_partner_may_propose_only_for_its_own_organisations_services(as_partner, own_service, other_service):
    assert as_partner.get(reverse("directory:service_edit", args=[own_service.pk])).status_code == 200
    # Another organisation's service is visible (read-only for this partner): 403, and nothing is proposed.
    assert as_partner.get(reverse("directory:service_edit", args=[other_service.pk])).status_code == 403
    response = as_partner.post(
        reverse("directory:service_edit", args=[other_service.pk]),
        {"name": "Sportello rubato", "status": "active"},
    )
    assert response.status_code == 403
    assert not Revision.objects.exists()
    assert Service.objects.get(pk=other_service.pk).name == "Sportello casa"


def test_partner_cannot_publish_even_its_own_service(as_partner, own_service):
    own_service.state = EditorialState.IN_REVIEW
    own_service.save(update_fields=["state"])
    response = as_partner.post(
        reverse("directory:service_state", args=[own_service.pk]), {"state": EditorialState.PUBLISHED}
    )
    assert response.status_code == 403
    assert Service.objects.get(pk=own_service.pk).state == EditorialState.IN_REVIEW


def test_partner_cannot_move_another_organisations_draft(as_partner, other_service):
    other_service.state = EditorialState.DRAFT
    other_service.save(update_fields=["state"])
    response = as_partner.post(
        reverse("directory:service_state", args=[other_service.pk]), {"state": EditorialState.IN_REVIEW}
    )
    assert response.status_code == 403
    assert Service.objects.get(pk=other_service.pk).state == EditorialState.DRAFT


def test_partner_cannot_verify_approve_or_edit_parts(as_partner, operator_a, own_service):
    from directory import actions

    proposal = actions.propose_change(own_service, {"name": "Sportello nuovo"}, acting_user=operator_a)
    for url, data in [
        (reverse("directory:service_verify", args=[own_service.pk]), {}),
        (reverse("directory:proposal_approve", args=[proposal.pk]), {}),
        (reverse("directory:proposal_reject", args=[proposal.pk]), {"reason": "no"}),
        (reverse("directory:part_create", args=[own_service.pk, "documenti"]), {"document": "Passaporto"}),
    ]:
        assert as_partner.post(url, data).status_code == 403, url
    proposal.refresh_from_db()
    assert proposal.status == RevisionStatus.PENDING
    assert own_service.required_documents.count() == 1


def test_a_proposal_of_another_organisation_is_out_of_scope(own_service, operator_a, admin_b):
    from directory import actions

    proposal = actions.propose_change(own_service, {"name": "Sportello nuovo"}, acting_user=operator_a)
    other = client_for(admin_b)
    assert other.get(reverse("directory:proposal_detail", args=[proposal.pk])).status_code == 404
    mine = client_for(operator_a)
    assert mine.get(reverse("directory:proposal_detail", args=[proposal.pk])).status_code == 200


def test_translation_screen_refuses_models_that_are_not_translatable_directory_records(
    as_editor, own_service
):
    for model in ("revision", "address", "servicelanguage", "user", "participant"):
        url = reverse("directory:translations", args=[model, own_service.pk])
        assert as_editor.get(url).status_code == 404, model
