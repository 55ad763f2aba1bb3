"""The desk's dashboard: queues and counts, and indicator P3.3 (translation coverage of published services)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from directory import actions, desk
from directory.models import ContentLanguage, EditorialState, TranslationMethod
from directory.tests.desk_personas import *  # noqa: F403 (fixtures)
from directory.tests.desk_personas import ui
from directory.tests.factories import make_directory_org, make_service, translate

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("directory:dashboard")


def translate_all(service, language, *, verified=True, method=TranslationMethod.HUMAN):
    for field in service.TRANSLATABLE_FIELDS:
        if getattr(service, field):
            translate(service, field, language, f"{field} [{language}]", verified=verified, method=method)


def test_dashboard_counts_the_queues(as_editor, own_org, operator_a, settings):
    settings.DIRECTORY_VERIFY_MONTHS = 12
    settings.DIRECTORY_HIDE_GRACE_MONTHS = 3
    make_service("Fresco", organization=own_org)
    make_service("Da verificare", organization=own_org, verified_days_ago=400)
    make_service("Nascosto", organization=own_org, verified_days_ago=500)
    make_service("In revisione", organization=own_org, state=EditorialState.IN_REVIEW)
    proposed = make_service("Con proposta", organization=own_org)
    actions.propose_change(proposed, {"name": "Con proposta nuova"}, acting_user=operator_a)
    context = as_editor.get(DASHBOARD).context
    assert context["stale_count"] == 2
    assert context["hidden_count"] == 1
    assert [s.name for s in context["to_verify"]] == ["Nascosto", "Da verificare"]
    assert context["service_states"][EditorialState.IN_REVIEW] == 1
    assert context["service_states"][EditorialState.PUBLISHED] == 4
    assert context["proposal_count"] == 1
    assert [p.service_name for p in context["proposals"]] == ["Con proposta"]


def test_dashboard_counts_outdated_translations(as_editor, editor, own_service):
    translate(own_service, "description", "en", "A service.")
    assert as_editor.get(DASHBOARD).context["outdated_services"] == 0
    actions.update_record(own_service, {"description": "Nuovo testo."}, acting_user=editor)
    assert as_editor.get(DASHBOARD).context["outdated_services"] == 1


def test_translation_coverage_counts_complete_and_verified_services_per_language(editor, own_org):
    complete = make_service("Tutto tradotto", organization=own_org)
    translate_all(complete, "fr")
    translate_all(complete, "ar", verified=False, method=TranslationMethod.MACHINE)
    outdated = make_service("Tradotto ma cambiato", organization=own_org)
    translate_all(outdated, "fr")
    actions.update_record(outdated, {"description": "Cambiato."}, acting_user=editor)
    partial = make_service("Solo il nome", organization=own_org)
    translate(partial, "name", "fr", "Seulement le nom")
    draft = make_service("Bozza tradotta", organization=own_org, state=EditorialState.DRAFT)
    translate_all(draft, "fr")
    languages = list(ContentLanguage.objects.filter(code__in=["fr", "ar", "uk"]).order_by("code"))
    total, rows = desk.translation_coverage(languages)
    by_code = {row.language.code: row for row in rows}
    assert total == 3
    assert (by_code["fr"].translated, by_code["fr"].verified) == (1, 1)
    assert (by_code["ar"].translated, by_code["ar"].verified) == (1, 0)
    assert (by_code["uk"].translated, by_code["uk"].verified) == (0, 0)
    assert round(by_code["fr"].translated_share) == 33


def test_an_empty_italian_field_needs_no_translation(own_org):
    service = make_service("Breve", organization=own_org, description="")
    translate(service, "name", "fr", "Court")
    [row] = desk.translation_coverage(list(ContentLanguage.objects.filter(code="fr")))[1]
    assert row.translated == 1


def test_dashboard_shows_the_p33_table(as_editor, own_service):
    translate_all(own_service, "en")
    body = as_editor.get(DASHBOARD).content.decode()
    assert ui("Translations of published services (indicator P3.3)") in body
    assert "100%" in body


def test_dashboard_query_count_does_not_grow_with_the_services(as_editor, django_assert_max_num_queries):
    organisation = make_directory_org()
    for n in range(3):
        translate_all(make_service(f"Servizio {n}", organization=organisation, index=False), "fr")
    as_editor.get(DASHBOARD)  # warm the content-type cache
    with django_assert_max_num_queries(25) as few:
        as_editor.get(DASHBOARD)
    for n in range(3, 30):
        make_service(f"Servizio {n}", organization=organisation, verified_days_ago=500, index=False)
    with django_assert_max_num_queries(len(few.captured_queries)):
        as_editor.get(DASHBOARD)


def test_partner_dashboard_lists_its_own_services_and_proposals_only(
    as_partner, own_service, other_service, operator_b
):
    actions.propose_change(other_service, {"name": "Sportello abitare"}, acting_user=operator_b)
    context = as_partner.get(DASHBOARD).context
    assert [s.name for s in context["own_services"]] == ["Sportello immigrazione"]
    assert context["proposal_count"] == 0
    assert context["can_create"]
    assert "Verified today" not in as_partner.get(DASHBOARD).content.decode()


def test_viewer_dashboard_has_no_action_buttons(as_viewer, own_org):
    make_service("Vecchio", organization=own_org, verified_days_ago=500)
    response = as_viewer.get(DASHBOARD)
    body = response.content.decode()
    assert "Vecchio" in body
    assert "Verified today" not in body
    assert not response.context["can_create"]


def test_the_menu_offers_the_directory_to_who_may_view_it(as_viewer, monitoring):
    from conftest import client_for

    assert f'href="{reverse("directory:dashboard")}"' in as_viewer.get(reverse("core:home")).content.decode()
    monitoring_menu = client_for(monitoring).get(reverse("core:home")).content.decode()
    assert f'href="{reverse("directory:dashboard")}"' not in monitoring_menu
    # Monitoring officers reach the aggregate portal usage, not the desk.
    assert f'href="{reverse("directory_moderation:portal_usage")}"' in monitoring_menu
