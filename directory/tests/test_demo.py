"""The portal's demo data (`directory.demo`): deterministic, every editorial state, translations in the eight
languages with their provenance mix, and a search index of the public services only.

The small seed runs once for the module over a handful of demo partners and logins (the rest of the demo is
not needed), inside a transaction rolled back at the end.
"""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils import timezone

from activities.models import Activity, PublicRegistration
from conftest import make_member, make_organisation
from core.roles import Role
from directory.actions import is_outdated
from directory.demo import (
    EDITOR,
    PARTNER_OPERATOR,
    delete_directory_demo_data,
    seed_directory,
)
from directory.demo_texts import TRANSLATED
from directory.models import (
    Article,
    DirectoryOrganization,
    EditorialState,
    Revision,
    RevisionStatus,
    SearchEntry,
    Service,
    ServiceStatus,
    Translation,
    TranslationMethod,
)
from network.models import Approval, OrganisationKind

pytestmark = pytest.mark.django_db

PARTNERS = [
    ("Comune di Napoli", OrganisationKind.MUNICIPALITY, "Napoli"),
    ("Prefettura - Ufficio territoriale del Governo di Napoli", OrganisationKind.PREFECTURE, "Napoli"),
    ("ASL Napoli 1 Centro", OrganisationKind.HEALTH_AUTHORITY, "Napoli"),
    ("CPIA Napoli città 1", OrganisationKind.SCHOOL, "Napoli"),
    ("Cooperativa sociale Approdi Vesuviani", OrganisationKind.THIRD_SECTOR, "Napoli"),
    ("Comune di Caserta", OrganisationKind.MUNICIPALITY, "Caserta"),
]


def _snapshot() -> dict:
    services = Service.objects.filter(is_demo=True)
    return {
        "services": list(services.order_by("pk").values_list("pk", "name", "state", "last_verified_at")),
        "organisations": sorted(
            DirectoryOrganization.objects.filter(is_demo=True).values_list("name", flat=True)
        ),
        "translations": Translation.objects.count(),
        "revisions": Revision.objects.count(),
        "registrations": sorted(PublicRegistration.objects.values_list("confirmation_code", "status")),
    }


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """The small seed over demo partners, an editor and the Comune di Napoli operator; rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        partners = {
            name: make_organisation(name, kind=kind, town=town, is_demo=True) for name, kind, town in PARTNERS
        }
        make_organisation(
            "Associazione ucraina Soniashnyk Campania",
            kind=OrganisationKind.MIGRANT_ASSOCIATION,
            is_demo=True,
            approval=Approval.APPROVED,
        )
        make_member(partners["Comune di Napoli"], Role.EDITOR, EDITOR)
        make_member(partners["Comune di Napoli"], Role.OPERATOR, PARTNER_OPERATOR)
        today = timezone.localdate()
        counts = seed_directory(1, "small", today)
        yield {"counts": counts, "today": today, "snapshot": _snapshot(), "partners": partners}
        transaction.set_rollback(True)


def test_the_same_seed_gives_the_same_services_names_and_counts(seeded):
    # Given the small seed already written; when everything it wrote is deleted and it runs again
    delete_directory_demo_data()
    Activity.objects.filter(is_demo=True).delete()  # the information events it added
    counts = seed_directory(1, "small", seeded["today"])
    # then the same rows come back, with the same names
    assert counts == seeded["counts"]
    assert _snapshot() == seeded["snapshot"]
    assert counts["directory_services"] == 100


def test_demo_services_are_in_every_editorial_state(seeded):
    services = Service.objects.filter(is_demo=True)
    states = set(services.values_list("state", flat=True))
    assert states == {
        EditorialState.DRAFT,
        EditorialState.IN_REVIEW,
        EditorialState.PUBLISHED,
        EditorialState.ARCHIVED,
    }
    hidden = set(services.hidden_as_stale().values_list("pk", flat=True))
    flagged_only = services.stale().exclude(pk__in=hidden)
    assert len(hidden) >= 2
    assert flagged_only.count() >= 3
    assert services.public().count() >= 80
    assert (
        services.filter(status=ServiceStatus.TEMPORARILY_CLOSED).exclude(alert="").count()
        == services.filter(status=ServiceStatus.TEMPORARILY_CLOSED).count()
    )


def test_translations_cover_the_eight_languages_with_human_machine_outdated_and_missing(seeded):
    service_type = ContentType.objects.get_for_model(Service)
    rows = Translation.objects.filter(content_type=service_type)
    assert set(rows.values_list("language", flat=True)) == set(TRANSLATED)
    human = rows.filter(method=TranslationMethod.HUMAN)
    machine = rows.filter(method=TranslationMethod.MACHINE)
    assert human.filter(verified_by__email=EDITOR, verified_at__isnull=False).count() > 0.7 * rows.count()
    assert machine.exists() and not machine.filter(verified_at__isnull=False).exists()
    published = Service.objects.filter(is_demo=True, state=EditorialState.PUBLISHED).prefetch_related(
        "translations"
    )
    outdated = [
        service
        for service in published
        if any(is_outdated(row, service) for row in service.translations.all())
    ]
    assert outdated and all(service.text_revision("description") == 2 for service in outdated)
    missing = [
        service
        for service in published
        if {row.language for row in service.translations.all() if row.field == "name"} != set(TRANSLATED)
    ]
    assert missing
    articles = Article.objects.filter(is_demo=True)
    assert articles.count() == 8
    assert set(
        Translation.objects.filter(
            content_type=ContentType.objects.get_for_model(Article), object_id__in=articles.values("pk")
        ).values_list("language", flat=True)
    ) == set(TRANSLATED)


def test_the_search_index_holds_the_public_services_only_in_every_language(seeded):
    public = set(
        Service.objects.public()
        .exclude(status__in=[ServiceStatus.INACTIVE, ServiceStatus.DEFUNCT])
        .values_list("pk", flat=True)
    )
    indexed = set(SearchEntry.objects.values_list("service_id", flat=True))
    assert indexed == public
    assert SearchEntry.objects.count() == len(public) * (len(TRANSLATED) + 1)
    not_public = Service.objects.filter(is_demo=True).exclude(pk__in=public)
    assert not_public.filter(state=EditorialState.DRAFT).exists()
    assert not SearchEntry.objects.filter(service__in=not_public).exists()


def test_partners_are_linked_and_the_napoli_operator_has_pending_proposals(seeded):
    napoli = seeded["partners"]["Comune di Napoli"]
    directory_org = DirectoryOrganization.objects.get(network_organisation=napoli)
    assert directory_org.services.filter(state=EditorialState.PUBLISHED).exists()
    linked = DirectoryOrganization.objects.filter(network_organisation__in=seeded["partners"].values())
    assert linked.count() == len(PARTNERS)
    assert DirectoryOrganization.objects.filter(is_demo=True, network_organisation__isnull=True).exists()
    pending = Revision.objects.pending()
    assert pending.filter(author__email=PARTNER_OPERATOR, author_organisation=napoli).count() >= 2
    assert Revision.objects.filter(status=RevisionStatus.REJECTED).exclude(decision_note="").exists()


def test_public_events_get_registrations_some_checked_in(seeded):
    added = Activity.objects.public().filter(is_demo=True)
    assert added.filter(start_date__gt=seeded["today"]).count() >= 3
    registrations = PublicRegistration.objects.filter(is_demo=True)
    assert registrations.filter(checked_in_at__isnull=False).exists()
    assert (
        registrations.filter(activity__start_date__gt=seeded["today"], checked_in_at__isnull=False).count()
        == 0
    )


def test_deleting_the_demo_removes_every_row_it_wrote(seeded):
    delete_directory_demo_data()
    assert not Service.objects.filter(is_demo=True).exists()
    assert not DirectoryOrganization.objects.filter(is_demo=True).exists()
    assert not Translation.objects.exclude(
        content_type=ContentType.objects.get_by_natural_key("directory", "taxonomyterm")
    ).exists()
    assert not Revision.objects.exists()
    assert not SearchEntry.objects.exists()
    assert not PublicRegistration.objects.exists()
