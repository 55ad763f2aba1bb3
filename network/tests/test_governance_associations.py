"""Organisation profiles and the registry of migrant associations and informal groups: proposals by any
organisation admin, approval or rejection by the Region only, listing only what was approved."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from conftest import client_for, make_organisation, municipality
from network import actions
from network.forms import OrganisationForm
from network.models import Approval, ContactPerson, NetworkStatus, Organisation, OrganisationKind
from paths.models import Notification
from territory.models import Language, Province


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


def proposal(**overrides) -> dict:
    data = {
        "name": "Associazione Senegalesi di Salerno",
        "kind": "migrant_association",
        "tax_code": "95123450654",
        "reference_person": "",
        "reference_contact": "",
        "municipality": str(municipality("Salerno").pk),
        "address": "Via Roma 10",
        "email": "info@asss.example.org",
        "phone": "",
        "website": "",
        "migrant_led": "on",
        "sectors": ["culture", "labour"],
    }
    data.update(overrides)
    return data


@pytest.fixture
def proposed(admin_a, coordinator):
    response = client_for(admin_a).post(reverse("network:association_propose"), proposal())
    assert response.status_code == 302
    return Organisation.objects.get(name="Associazione Senegalesi di Salerno")


# --- proposals ----------------------------------------------------------------------------------------------


def test_an_org_admin_proposes_an_association_that_waits_for_the_region(proposed, coordinator):
    assert proposed.kind == OrganisationKind.MIGRANT_ASSOCIATION
    assert proposed.approval == Approval.PENDING
    assert proposed.network_status == NetworkStatus.CANDIDATE
    assert not proposed.listed_publicly
    assert proposed.sectors == ["culture", "labour"]
    notification = Notification.objects.get(kind="association_proposed")
    assert notification.recipient == coordinator
    assert notification.url == reverse("network:association_queue")


def test_an_informal_group_needs_a_reference_person_instead_of_a_tax_code(admin_a):
    client = client_for(admin_a)
    response = client.post(
        reverse("network:association_propose"),
        proposal(kind="informal_group", tax_code="", name="Gruppo Donne"),
    )
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"reference_person", "reference_contact"}
    response = client.post(
        reverse("network:association_propose"),
        proposal(
            kind="informal_group",
            tax_code="",
            name="Gruppo Donne",
            reference_person="Fatou Ndiaye",
            reference_contact="fatou@example.org",
        ),
    )
    assert response.status_code == 302
    group = Organisation.objects.get(name="Gruppo Donne")
    assert group.is_informal and group.reference_person == "Fatou Ndiaye"


def test_an_association_gives_its_tax_code(admin_a):
    response = client_for(admin_a).post(reverse("network:association_propose"), proposal(tax_code=""))
    assert response.status_code == 200
    assert "tax_code" in response.context["form"].errors
    assert not Organisation.objects.filter(kind="migrant_association").exists()


def test_operators_cannot_propose(operator_a):
    response = client_for(operator_a).post(reverse("network:association_propose"), proposal())
    assert response.status_code == 403
    assert not Organisation.objects.filter(kind="migrant_association").exists()


# --- the Region's decision ----------------------------------------------------------------------------------


def test_the_region_approves_and_the_proposer_is_told(proposed, coordinator, admin_a):
    response = client_for(coordinator).post(
        reverse("network:association_approve", args=[proposed.pk]), {"note": "Statuto verificato"}
    )
    assert response.status_code == 302
    proposed.refresh_from_db()
    assert proposed.approval == Approval.APPROVED
    assert proposed.network_status == NetworkStatus.ACTIVE
    assert proposed.joined_on == timezone.localdate()
    assert proposed.approved_by == coordinator and proposed.approved_at is not None
    assert proposed.approval_note == "Statuto verificato"
    told = Notification.objects.get(kind="association_approved")
    assert told.recipient == admin_a


def test_only_the_region_decides(proposed, admin_a, admin_b):
    before = Organisation.objects.filter(pk=proposed.pk).values().get()
    for user in (admin_a, admin_b):
        assert (
            client_for(user).post(reverse("network:association_approve", args=[proposed.pk])).status_code
            == 403
        )
        with pytest.raises(PermissionDenied):
            actions.approve_association(proposed, acting_user=user)
        with pytest.raises(PermissionDenied):
            actions.reject_association(proposed, acting_user=user, note="No")
    assert Organisation.objects.filter(pk=proposed.pk).values().get() == before


def test_a_rejection_needs_a_reason_and_tells_the_proposer(proposed, coordinator, admin_a):
    with pytest.raises(ValidationError):
        actions.reject_association(proposed, acting_user=coordinator, note=" ")
    proposed.refresh_from_db()
    assert proposed.approval == Approval.PENDING
    actions.reject_association(proposed, acting_user=coordinator, note="Manca lo statuto")
    proposed.refresh_from_db()
    assert proposed.approval == Approval.REJECTED and proposed.approval_note == "Manca lo statuto"
    told = Notification.objects.get(kind="association_rejected")
    assert told.recipient == admin_a and told.params["note"] == "Manca lo statuto"


def test_a_decision_is_taken_once(proposed, coordinator):
    actions.approve_association(proposed, acting_user=coordinator)
    with pytest.raises(ValidationError):
        actions.approve_association(proposed, acting_user=coordinator)
    with pytest.raises(ValidationError):
        actions.reject_association(proposed, acting_user=coordinator, note="Ripensamento")


def test_the_proposer_is_found_also_when_proposed_outside_a_request(admin_b, coordinator):
    from network.forms import AssociationProposalForm

    form = AssociationProposalForm(proposal(name="Comunità Ucraina di Caserta"))
    assert form.is_valid(), form.errors
    organisation = actions.propose_association(acting_user=admin_b, form=form)
    assert actions.association_proposer(organisation) == admin_b
    actions.approve_association(organisation, acting_user=coordinator)
    assert Notification.objects.get(kind="association_approved").recipient == admin_b


def test_the_queue_lists_pending_proposals_for_the_region(proposed, coordinator):
    response = client_for(coordinator).get(reverse("network:association_queue"))
    assert [o.pk for o in response.context["page"].object_list] == [proposed.pk]


# --- the registry ---------------------------------------------------------------------------------------------


def test_the_registry_lists_approved_associations_only(proposed, coordinator, viewer_a, db):
    approved = make_organisation(
        "Associazione Approvata", kind="migrant_association", approval=Approval.APPROVED, town="Caserta"
    )
    rejected = make_organisation("Gruppo Respinto", kind="informal_group", approval=Approval.REJECTED)
    make_organisation("Cooperativa qualsiasi")
    listed = client_for(viewer_a).get(reverse("network:association_list"))
    assert [o.pk for o in listed.context["page"].object_list] == [approved.pk]
    # A viewer cannot ask for the others; the Region can
    sneaky = client_for(viewer_a).get(reverse("network:association_list") + "?approval=rejected")
    assert [o.pk for o in sneaky.context["page"].object_list] == [approved.pk]
    region = client_for(coordinator)
    assert [
        o.pk
        for o in region.get(reverse("network:association_list") + "?approval=rejected")
        .context["page"]
        .object_list
    ] == [rejected.pk]
    assert [
        o.pk
        for o in region.get(reverse("network:association_list") + "?approval=pending")
        .context["page"]
        .object_list
    ] == [proposed.pk]


def test_only_approved_associations_count_as_members_or_are_listed_publicly(proposed, coordinator):
    assert not actions.members_in_good_standing().filter(pk=proposed.pk).exists()
    proposed.listed_publicly = True
    with pytest.raises(ValidationError):
        actions.check_registry_rules(proposed)
    actions.approve_association(proposed, acting_user=coordinator)
    assert actions.members_in_good_standing().filter(pk=proposed.pk).exists()
    proposed.refresh_from_db()
    proposed.listed_publicly = True
    actions.check_registry_rules(proposed)


def test_the_profile_form_cannot_list_a_pending_association(proposed):
    form = OrganisationForm(instance=proposed)
    assert form.fields["listed_publicly"].disabled


# --- organisation profiles --------------------------------------------------------------------------------------


def test_an_admin_completes_the_profile(admin_a, org_a):
    arabic = Language.objects.get(code="ara")
    naples = Province.objects.get(abbreviation="NA")
    data = {
        "name": org_a.name,
        "kind": org_a.kind,
        "municipality": str(org_a.municipality_id),
        "address": "Piazza Municipio 1",
        "tax_code": "",
        "email": "",
        "phone": "",
        "website": "",
        "contact_person": "",
        "sectors": ["social", "housing"],
        "languages_offered": [str(arabic.pk)],
        "provinces_served": [str(naples.pk)],
        "network_status": "left",  # the Region's field: ignored for an org admin
    }
    response = client_for(admin_a).post(reverse("network:organisation_edit", args=[org_a.pk]), data)
    assert response.status_code == 302
    org_a.refresh_from_db()
    assert org_a.sectors == ["social", "housing"]
    assert list(org_a.languages_offered.all()) == [arabic]
    assert list(org_a.provinces_served.all()) == [naples]
    assert org_a.network_status == NetworkStatus.ACTIVE
    page = client_for(admin_a).get(reverse("network:organisation_detail", args=[org_a.pk]))
    assert page.context["sectors"] == ["Servizi sociali", "Abitare"]  # labels in the interface language


def test_the_profile_choices_stay_short(org_a):
    form = OrganisationForm(instance=org_a)
    assert {p.region_code for p in form.fields["provinces_served"].queryset} == {"15"}
    assert form.fields["provinces_served"].queryset.count() == 5
    languages = form.fields["languages_offered"].queryset
    assert languages.count() == Language.objects.filter(is_common=True).count()
    rare = Language.objects.filter(is_common=False).first()
    org_a.languages_offered.add(rare)
    assert rare in OrganisationForm(instance=org_a).fields["languages_offered"].queryset


def test_the_region_sets_the_status_in_the_network(coordinator, org_b):
    data = {
        "name": org_b.name,
        "kind": org_b.kind,
        "municipality": str(org_b.municipality_id),
        "is_active": "on",
        "network_status": "left",
    }
    response = client_for(coordinator).post(reverse("network:organisation_edit", args=[org_b.pk]), data)
    assert response.status_code == 302
    org_b.refresh_from_db()
    assert org_b.network_status == NetworkStatus.LEFT and org_b.left_on == timezone.localdate()


def test_contact_people_keep_a_single_main_contact(admin_a, org_a):
    client = client_for(admin_a)
    client.post(reverse("network:contact_create", args=[org_a.pk]), {"name": "Anna", "is_primary": "on"})
    client.post(reverse("network:contact_create", args=[org_a.pk]), {"name": "Bruno", "is_primary": "on"})
    assert list(
        ContactPerson.objects.filter(organisation=org_a, is_primary=True).values_list("name", flat=True)
    ) == ["Bruno"]
    anna = ContactPerson.objects.get(name="Anna")
    assert client.post(reverse("network:contact_delete", args=[anna.pk])).status_code == 302
    assert not ContactPerson.objects.filter(pk=anna.pk).exists()


def test_an_admin_of_another_organisation_cannot_touch_contacts(admin_b, org_a):
    contact = ContactPerson.objects.create(organisation=org_a, name="Carla")
    client = client_for(admin_b)
    assert client.post(reverse("network:contact_delete", args=[contact.pk])).status_code == 403
    assert client.post(reverse("network:contact_delete", args=[999999])).status_code == 404
    assert ContactPerson.objects.filter(pk=contact.pk).exists()
