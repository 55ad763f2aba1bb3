"""Partners' proposals through the desk: sent from the edit form, compared side by side, approved (a new
version) or rejected with a reason (the record stays as it was)."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from conftest import client_for
from directory import actions
from directory.models import Revision, RevisionStatus, Service
from directory.tests.desk_personas import *  # noqa: F403 (fixtures)
from directory.tests.desk_personas import ui

pytestmark = pytest.mark.django_db


def edit_post(service, **overrides) -> dict:
    data = {
        "name": service.name,
        "description": service.description,
        "status": "active",
        "is_free": "on" if service.is_free else "",
    }
    data.update(overrides)
    return data


@pytest.fixture
def proposal(own_service, operator_a):
    return actions.propose_change(
        own_service,
        {"description": "Un servizio per tutti i cittadini stranieri.", "wait_time": "Una settimana"},
        acting_user=operator_a,
        note="Nuovi tempi di attesa",
    )


def test_partner_edit_sends_a_proposal_and_changes_nothing(as_partner, own_service):
    response = as_partner.post(
        reverse("directory:service_edit", args=[own_service.pk]),
        edit_post(own_service, name="Sportello migranti", note="Nome nuovo dal 1° marzo"),
        follow=True,
    )
    assert [str(m) for m in get_messages(response.wsgi_request)] == [
        ui("Your proposal has been sent to the editors. Nothing changes until they approve it.")
    ]
    proposal = Revision.objects.get(status=RevisionStatus.PENDING)
    assert (proposal.changed_fields, proposal.snapshot, proposal.note) == (
        ["name"],
        {"name": "Sportello migranti"},
        "Nome nuovo dal 1° marzo",
    )
    own_service.refresh_from_db()
    assert (own_service.name, own_service.version) == ("Sportello immigrazione", 1)


def test_partner_cannot_move_the_service_to_another_organisation_or_change_its_needs(
    as_partner, own_service, other_org
):
    as_partner.post(
        reverse("directory:service_edit", args=[own_service.pk]),
        edit_post(own_service, organization=other_org.pk, needs=[], name="Sportello migranti"),
    )
    proposal = Revision.objects.get(status=RevisionStatus.PENDING)
    assert proposal.changed_fields == ["name"]
    own_service.refresh_from_db()
    assert own_service.organization_id != other_org.pk
    assert own_service.terms.exists()


def test_a_proposal_that_changes_nothing_is_a_form_error(as_partner, own_service):
    response = as_partner.post(
        reverse("directory:service_edit", args=[own_service.pk]), edit_post(own_service)
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Revision.objects.exists()


def test_editor_sees_current_and_proposed_side_by_side(as_editor, proposal):
    response = as_editor.get(reverse("directory:proposal_detail", args=[proposal.pk]))
    rows = {row["name"]: row for row in response.context["rows"]}
    assert set(rows) == {"description", "wait_time"}
    assert "<ins>" in rows["description"]["proposed"] and "Un servizio per" in rows["description"]["current"]
    assert "Una settimana" in str(rows["wait_time"]["proposed"])
    assert "Nuovi tempi di attesa" in response.content.decode()


def test_the_diff_escapes_what_the_partner_wrote(as_editor, own_service, operator_a):
    proposal = actions.propose_change(own_service, {"name": "<script>x</script>"}, acting_user=operator_a)
    body = as_editor.get(reverse("directory:proposal_detail", args=[proposal.pk])).content.decode()
    assert "<script>x</script>" not in body
    assert "&lt;script&gt;" in body


def test_approving_applies_the_change_as_version_n_plus_one(as_editor, editor, own_service, proposal):
    response = as_editor.post(reverse("directory:proposal_approve", args=[proposal.pk]))
    assert response["Location"] == reverse("directory:service_detail", args=[own_service.pk])
    own_service.refresh_from_db()
    assert own_service.version == 2
    assert own_service.wait_time == "Una settimana"
    proposal.refresh_from_db()
    assert (proposal.status, proposal.number, proposal.decided_by) == (RevisionStatus.APPLIED, 2, editor)


def test_approving_twice_is_a_message_not_a_500(as_editor, own_service, proposal):
    as_editor.post(reverse("directory:proposal_approve", args=[proposal.pk]))
    response = as_editor.post(reverse("directory:proposal_approve", args=[proposal.pk]), follow=True)
    assert response.status_code == 200
    assert [str(m) for m in get_messages(response.wsgi_request)][-1] == ui(
        "This proposal has already been decided."
    )
    assert Service.objects.get(pk=own_service.pk).version == 2


def test_rejecting_needs_a_reason_and_keeps_the_record(as_editor, own_service, proposal):
    url = reverse("directory:proposal_reject", args=[proposal.pk])
    response = as_editor.post(url, {"reason": "  "})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"]
    proposal.refresh_from_db()
    assert proposal.status == RevisionStatus.PENDING
    response = as_editor.post(url, {"reason": "I tempi di attesa vanno confermati dalla Questura."})
    assert response["Location"] == reverse("directory:proposal_list")
    proposal.refresh_from_db()
    assert (proposal.status, proposal.decision_note) == (
        RevisionStatus.REJECTED,
        "I tempi di attesa vanno confermati dalla Questura.",
    )
    own_service.refresh_from_db()
    assert (own_service.version, own_service.wait_time) == (1, "")


def test_partner_reads_the_reason_of_its_rejected_proposal(as_editor, as_partner, proposal):
    as_editor.post(reverse("directory:proposal_reject", args=[proposal.pk]), {"reason": "Serve la fonte."})
    response = as_partner.get(reverse("directory:proposal_list"), {"status": "rejected"})
    assert [p.pk for p in response.context["page"].object_list] == [proposal.pk]
    assert "Serve la fonte." in response.content.decode()


def test_proposal_list_shows_editors_every_pending_proposal_and_partners_only_theirs(
    as_editor, proposal, other_service, operator_b
):
    theirs = actions.propose_change(other_service, {"name": "Sportello abitare"}, acting_user=operator_b)
    editor_view = as_editor.get(reverse("directory:proposal_list"))
    assert {p.pk for p in editor_view.context["page"].object_list} == {proposal.pk, theirs.pk}
    partner_view = client_for(operator_b).get(reverse("directory:proposal_list"))
    assert [p.pk for p in partner_view.context["page"].object_list] == [theirs.pk]


def test_an_editors_direct_edit_is_not_listed_as_a_proposal(as_editor, editor, own_service):
    actions.update_record(own_service, {"name": "Sportello stranieri"}, acting_user=editor)
    response = as_editor.get(reverse("directory:proposal_list"), {"status": "applied"})
    assert list(response.context["page"].object_list) == []
