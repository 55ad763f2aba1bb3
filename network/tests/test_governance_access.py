"""Who reaches the governance pages: every new view × every persona.

Allowed → 200 (GET) or 302 (valid POST, and the database changes); out of scope → 404; a role that may
not do it → 403 and nothing changes; anonymous → the login page. Also: query counts of the list pages
and of the dashboard do not grow with the rows.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from auditlog.models import LogEntry
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from conftest import client_for, make_member, make_organisation, make_user, municipality
from core.roles import Role
from network.models import (
    ActionItem,
    Agreement,
    AgreementParty,
    Approval,
    ConsultationTable,
    ContactPerson,
    Meeting,
    MeetingParticipant,
    NetworkStatus,
    Organisation,
    OrganisationKind,
)
from network.tests.governance_helpers import (
    make_action_item,
    make_agreement,
    make_meeting,
    make_table,
    pdf_bytes,
)

PERSONAS = [
    "outsider",
    "admin_a",
    "operator_a",
    "viewer_a",
    "trainer_a",
    "mediator_a",
    "admin_b",
    "operator_b",
    "coordinator",
    "monitoring",
]
LOGGED_IN = frozenset(PERSONAS)
MEMBERS = LOGGED_IN - {"outsider"}
CASEWORK_A = frozenset({"admin_a", "operator_a"})
CASEWORK_B = frozenset({"admin_b", "operator_b"})
CASEWORK = CASEWORK_A | CASEWORK_B
GOVERNANCE_WRITERS = CASEWORK | {"coordinator"}
A_OR_REGION = CASEWORK_A | {"coordinator"}
ADMINS = frozenset({"admin_a", "admin_b", "coordinator"})


@pytest.fixture(scope="module")
def media_root(tmp_path_factory):
    return tmp_path_factory.mktemp("media")


@pytest.fixture(autouse=True)
def _media(settings, media_root):
    settings.MEDIA_ROOT = media_root


@pytest.fixture(scope="module")
def cast(django_db_setup, django_db_blocker, media_root):
    """A's and B's organisations, the Region, every persona and a governance record of each kind."""
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media_root):
        outer = transaction.atomic()
        outer.__enter__()
        org_a = make_organisation("Comune di Napoli", kind=OrganisationKind.MUNICIPALITY, town="Napoli")
        org_b = make_organisation("Cooperativa Esempio", kind=OrganisationKind.THIRD_SECTOR, town="Caserta")
        region = make_organisation("Regione Campania", kind=OrganisationKind.REGION, town="Napoli")
        people = {
            "admin_a": make_member(org_a, Role.ORG_ADMIN, "admin_a@example.org"),
            "operator_a": make_member(org_a, Role.OPERATOR, "operator_a@example.org"),
            "viewer_a": make_member(org_a, Role.VIEWER, "viewer_a@example.org"),
            "trainer_a": make_member(org_a, Role.TRAINER, "trainer_a@example.org"),
            "mediator_a": make_member(org_a, Role.MEDIATOR, "mediator_a@example.org"),
            "admin_b": make_member(org_b, Role.ORG_ADMIN, "admin_b@example.org"),
            "operator_b": make_member(org_b, Role.OPERATOR, "operator_b@example.org"),
            "coordinator": make_member(region, Role.REGIONAL_COORDINATOR, "coordinator@example.org"),
            "monitoring": make_member(region, Role.MONITORING_OFFICER, "monitoring@example.org"),
            "outsider": make_user("outsider@example.org"),
        }
        contact_a = ContactPerson.objects.create(organisation=org_a, name="Maria Rossi", role="Referente")
        pending = make_organisation(
            "Associazione Ponti",
            kind=OrganisationKind.MIGRANT_ASSOCIATION,
            town="Salerno",
            approval=Approval.PENDING,
            network_status=NetworkStatus.CANDIDATE,
            tax_code="95012345678",
        )
        draft = make_agreement([(org_a, "lead"), (region, "partner")], title="Bozza di protocollo")
        signed = make_agreement(
            [(org_a, "lead"), (region, "partner")],
            status="signed",
            title="Protocollo firmato",
            valid_until=timezone.localdate() + datetime.timedelta(days=20),
        )
        signed.document.save("documento.pdf", ContentFile(pdf_bytes()), save=True)
        table = make_table(org_a, [org_b], name="Tavolo di Napoli")
        meeting = make_meeting(table, title="Primo incontro")
        item_b = make_action_item(meeting, org_b, description="Mappare i servizi")
    yield SimpleNamespace(
        org_a=org_a,
        org_b=org_b,
        region=region,
        contact_a=contact_a,
        pending=pending,
        draft=draft,
        signed=signed,
        table=table,
        meeting=meeting,
        item_b=item_b,
        **people,
    )
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def world(cast, db):
    return cast


def snapshot() -> dict:
    """Everything a governance write could touch."""
    return {
        "organisations": list(Organisation.objects.order_by("pk").values()),
        "contacts": list(ContactPerson.objects.order_by("pk").values()),
        "agreements": list(Agreement.objects.order_by("pk").values()),
        "parties": list(AgreementParty.objects.order_by("pk").values()),
        "tables": list(ConsultationTable.objects.order_by("pk").values()),
        "members": list(ConsultationTable.members.through.objects.order_by("pk").values_list()),
        "meetings": list(Meeting.objects.order_by("pk").values()),
        "participants": list(MeetingParticipant.objects.order_by("pk").values()),
        "items": list(ActionItem.objects.order_by("pk").values()),
        "audit_entries": LogEntry.objects.count(),
    }


# --- Valid POST bodies ----------------------------------------------------------------------------


def _own_organisation(w, user):
    membership = user.active_membership if user else None
    return membership.organisation if membership else w.org_a


def _proposal(w, user):
    return {
        "name": "Gruppo informale Amici del Sahel",
        "kind": "informal_group",
        "reference_person": "Moussa Diallo",
        "reference_contact": "333 1234567",
        "municipality": str(municipality("Salerno").pk),
        "tax_code": "",
        "address": "",
        "email": "",
        "phone": "",
        "website": "",
        "migrant_led": "on",
    }


def _parties(*rows) -> dict:
    data = {
        "parties-TOTAL_FORMS": str(len(rows)),
        "parties-INITIAL_FORMS": "0",
        "parties-MIN_NUM_FORMS": "0",
        "parties-MAX_NUM_FORMS": "1000",
    }
    for i, (organisation, role) in enumerate(rows):
        data[f"parties-{i}-organisation"] = str(organisation.pk)
        data[f"parties-{i}-role"] = role
    return data


def _agreement_create(w, user):
    own = _own_organisation(w, user)
    other = w.org_b if own.pk != w.org_b.pk else w.org_a
    return {
        "kind": "memorandum",
        "title": "Nuovo protocollo per l'inclusione",
        "actions": ["01", "03"],
        "objectives": "Rafforzare la rete",
        "description": "",
        "valid_from": "",
        "valid_until": "",
        **_parties((own, "lead"), (other, "partner")),
    }


def _agreement_edit(w, user):
    return {
        "kind": "memorandum",
        "title": "Bozza di protocollo (rivista)",
        "actions": ["02"],
        "objectives": "",
        "description": "Testo rivisto",
        "valid_from": "",
        "valid_until": "",
        **_parties((w.org_a, "lead"), (w.region, "partner")),
    }


def _table_create(w, user):
    return {
        "name": "Nuovo tavolo",
        "theme": "Casa",
        "province": "",
        "district": "",
        "coordinator": str(_own_organisation(w, user).pk),
        "members": [str(w.org_b.pk)],
        "is_active": "on",
    }


def _table_edit(w, user):
    return {
        "name": "Tavolo di Napoli (rinnovato)",
        "theme": "Lavoro",
        "province": str(municipality("Napoli").province_id),
        "district": "",
        "coordinator": str(w.org_a.pk),
        "members": [str(w.org_b.pk)],
        "is_active": "on",
    }


def _meeting(w, user):
    day = timezone.localdate() + datetime.timedelta(days=14)
    return {
        "title": "Secondo incontro",
        "date": day.isoformat(),
        "start_time": "10:00",
        "end_time": "12:00",
        "place": "Palazzo Santa Lucia",
        "online_url": "",
        "agenda": "1. Apertura",
        "minutes": "",
        "decisions": "",
        "status": "planned",
    }


def _presence(w, user):
    data = {}
    for participant in w.meeting.participants.all():
        data[f"p{participant.pk}-person_name"] = "Anna Bianchi"
        data[f"p{participant.pk}-presence"] = "present"
    return data


def _upload(w, user):
    return {"document": SimpleUploadedFile("firmato.pdf", pdf_bytes(), content_type="application/pdf")}


# --- The endpoints --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    name: str
    url: Callable
    ok: frozenset[str]
    forbidden: frozenset[str] = frozenset()  # 403; everyone logged in not listed gets 404
    post: Callable | None = None
    get: bool = True

    def expected(self, persona: str) -> str:
        if persona in self.ok:
            return "ok"
        if persona in self.forbidden:
            return "forbidden"
        return "missing"


def _members_except(allowed):
    return MEMBERS - set(allowed)


ENDPOINTS = [
    # organisation profile: contact people
    Endpoint(
        "contact_create",
        lambda w: reverse("network:contact_create", args=[w.org_a.pk]),
        ok=frozenset({"admin_a", "coordinator"}),
        forbidden=_members_except({"admin_a", "coordinator"}),
        post=lambda w, user: {"name": "Luca Verdi", "role": "Segreteria", "email": "", "phone": ""},
    ),
    Endpoint(
        "contact_edit",
        lambda w: reverse("network:contact_edit", args=[w.contact_a.pk]),
        ok=frozenset({"admin_a", "coordinator"}),
        forbidden=_members_except({"admin_a", "coordinator"}),
        post=lambda w, user: {"name": "Maria Rossi", "role": "Direttrice", "is_primary": "on"},
    ),
    Endpoint(
        "contact_delete",
        lambda w: reverse("network:contact_delete", args=[w.contact_a.pk]),
        ok=frozenset({"admin_a", "coordinator"}),
        forbidden=_members_except({"admin_a", "coordinator"}),
        post=lambda w, user: {},
        get=False,
    ),
    # associations registry
    Endpoint(
        "association_list",
        lambda w: reverse("network:association_list"),
        ok=MEMBERS,
        forbidden=frozenset({"outsider"}),
    ),
    Endpoint(
        "association_propose",
        lambda w: reverse("network:association_propose"),
        ok=ADMINS,
        forbidden=LOGGED_IN - ADMINS,
        post=_proposal,
    ),
    Endpoint(
        "association_queue",
        lambda w: reverse("network:association_queue"),
        ok=frozenset({"coordinator"}),
        forbidden=LOGGED_IN - {"coordinator"},
    ),
    Endpoint(
        "association_approve",
        lambda w: reverse("network:association_approve", args=[w.pending.pk]),
        ok=frozenset({"coordinator"}),
        forbidden=LOGGED_IN - {"coordinator"},
        post=lambda w, user: {"note": "Documentazione completa"},
        get=False,
    ),
    Endpoint(
        "association_reject",
        lambda w: reverse("network:association_reject", args=[w.pending.pk]),
        ok=frozenset({"coordinator"}),
        forbidden=LOGGED_IN - {"coordinator"},
        post=lambda w, user: {"note": "Manca lo statuto"},
        get=False,
    ),
    # agreements
    Endpoint(
        "agreement_list",
        lambda w: reverse("network:agreement_list"),
        ok=MEMBERS,
        forbidden=frozenset({"outsider"}),
    ),
    Endpoint(
        "agreement_list_filtered",
        lambda w: reverse("network:agreement_list") + f"?status=signed&expiring=90&organisation={w.org_a.pk}",
        ok=MEMBERS,
        forbidden=frozenset({"outsider"}),
    ),
    Endpoint(
        "agreement_detail", lambda w: reverse("network:agreement_detail", args=[w.draft.pk]), ok=MEMBERS
    ),
    Endpoint(
        "agreement_create",
        lambda w: reverse("network:agreement_create"),
        ok=GOVERNANCE_WRITERS,
        forbidden=LOGGED_IN - GOVERNANCE_WRITERS,
        post=_agreement_create,
    ),
    Endpoint(
        "agreement_edit",
        lambda w: reverse("network:agreement_edit", args=[w.draft.pk]),
        ok=A_OR_REGION,
        forbidden=_members_except(A_OR_REGION),
        post=_agreement_edit,
    ),
    Endpoint(
        "agreement_sign",
        lambda w: reverse("network:agreement_sign", args=[w.draft.pk]),
        ok=A_OR_REGION,
        forbidden=_members_except(A_OR_REGION),
        post=lambda w, user: {"signed_on": timezone.localdate().isoformat(), "valid_until": "2099-12-31"},
    ),
    Endpoint(
        "agreement_withdraw",
        lambda w: reverse("network:agreement_withdraw", args=[w.signed.pk]),
        ok=A_OR_REGION,
        forbidden=_members_except(A_OR_REGION),
        post=lambda w, user: {"reason": "Superato da un nuovo accordo"},
    ),
    Endpoint(
        "agreement_renew",
        lambda w: reverse("network:agreement_renew", args=[w.signed.pk]),
        ok=A_OR_REGION,
        forbidden=_members_except(A_OR_REGION),
        post=lambda w, user: {"valid_until": "2099-12-31"},
    ),
    Endpoint(
        "agreement_document_upload",
        lambda w: reverse("network:agreement_document_upload", args=[w.signed.pk]),
        ok=A_OR_REGION,
        forbidden=_members_except(A_OR_REGION),
        post=_upload,
    ),
    Endpoint(
        "agreement_document", lambda w: reverse("network:agreement_document", args=[w.signed.pk]), ok=MEMBERS
    ),
    # consultation tables, meetings, action items
    Endpoint(
        "table_list",
        lambda w: reverse("network:table_list") + "?mine=on",
        ok=MEMBERS,
        forbidden=frozenset({"outsider"}),
    ),
    Endpoint("table_detail", lambda w: reverse("network:table_detail", args=[w.table.pk]), ok=MEMBERS),
    Endpoint(
        "table_create",
        lambda w: reverse("network:table_create"),
        ok=GOVERNANCE_WRITERS,
        forbidden=LOGGED_IN - GOVERNANCE_WRITERS,
        post=_table_create,
    ),
    Endpoint(
        "table_edit",
        lambda w: reverse("network:table_edit", args=[w.table.pk]),
        ok=A_OR_REGION,
        forbidden=_members_except(A_OR_REGION),
        post=_table_edit,
    ),
    Endpoint(
        "meeting_create",
        lambda w: reverse("network:meeting_create", args=[w.table.pk]),
        ok=A_OR_REGION,
        forbidden=_members_except(A_OR_REGION),
        post=_meeting,
    ),
    Endpoint("meeting_detail", lambda w: reverse("network:meeting_detail", args=[w.meeting.pk]), ok=MEMBERS),
    Endpoint("meeting_ics", lambda w: reverse("network:meeting_ics", args=[w.meeting.pk]), ok=MEMBERS),
    Endpoint(
        "meeting_edit",
        lambda w: reverse("network:meeting_edit", args=[w.meeting.pk]),
        ok=A_OR_REGION,
        forbidden=_members_except(A_OR_REGION),
        post=_meeting,
    ),
    Endpoint(
        "meeting_participants",
        lambda w: reverse("network:meeting_participants", args=[w.meeting.pk]),
        ok=A_OR_REGION,
        forbidden=_members_except(A_OR_REGION),
        post=_presence,
    ),
    Endpoint(
        "action_item_create",
        lambda w: reverse("network:action_item_create", args=[w.meeting.pk]),
        ok=A_OR_REGION,
        forbidden=_members_except(A_OR_REGION),
        post=lambda w, user: {
            "description": "Preparare il calendario",
            "owner": str(w.org_b.pk),
            "due_date": (timezone.localdate() + datetime.timedelta(days=30)).isoformat(),
        },
        get=False,
    ),
    Endpoint(
        "action_item_list",
        lambda w: reverse("network:action_item_list") + "?mine=on&state=all",
        ok=MEMBERS,
        forbidden=frozenset({"outsider"}),
    ),
    Endpoint(
        "action_item_update",
        lambda w: reverse("network:action_item_update", args=[w.item_b.pk]),
        ok=CASEWORK | {"coordinator"},
        forbidden=_members_except(CASEWORK | {"coordinator"}),
        post=lambda w, user: {"status": "in_progress", "note": "Avviata la mappatura"},
    ),
    # the Region's dashboard
    Endpoint(
        "governance_dashboard",
        lambda w: reverse("network:governance_dashboard"),
        ok=MEMBERS,
        forbidden=frozenset({"outsider"}),
    ),
]


def _cases():
    for endpoint in ENDPOINTS:
        methods = (["get"] if endpoint.get else []) + (["post"] if endpoint.post else [])
        for method in methods:
            for persona in PERSONAS:
                yield pytest.param(endpoint, method, persona, id=f"{endpoint.name}-{method}-{persona}")


def test_every_endpoint_names_an_expectation_for_every_persona():
    for endpoint in ENDPOINTS:
        assert not endpoint.ok & endpoint.forbidden, endpoint.name
        assert (endpoint.ok | endpoint.forbidden) <= LOGGED_IN, endpoint.name


def test_every_governance_url_is_in_the_table():
    # The organisation list and form pages are in core's matrix; analytics pages have their own tests.
    from network.urls import urlpatterns

    tested = {endpoint.name.removesuffix("_filtered") for endpoint in ENDPOINTS}
    governance = {
        pattern.name
        for pattern in urlpatterns
        if pattern.name and not pattern.name.startswith(("organisation_", "analytics"))
    }
    assert governance <= tested, governance - tested


@pytest.mark.parametrize(("endpoint", "method", "persona"), list(_cases()))
def test_governance_access_matrix(world, endpoint, method, persona):
    # Given a persona and A's, B's and the Region's governance records
    user = getattr(world, persona)
    client = client_for(user)
    url = endpoint.url(world)
    expected = endpoint.expected(persona)

    # When the persona opens the page or sends a valid form
    if method == "get":
        response = client.get(url)
    else:
        before = snapshot()
        response = client.post(url, endpoint.post(world, user))
        after = snapshot()

    # Then the answer matches the table, and only allowed writes change the database
    if expected == "ok":
        assert response.status_code == (200 if method == "get" else 302), _explain(response)
        if method == "post":
            assert after != before, "an allowed POST with valid data should change something"
    else:
        assert response.status_code == {"forbidden": 403, "missing": 404}[expected], _explain(response)
        if method == "post":
            assert after == before, "a refused request must not change anything"


def _explain(response) -> str:
    context = getattr(response, "context", None)
    errors = ""
    if context:
        for key in ("form", "formset", "add_form", "action_item_form"):
            form = context.get(key)
            if form is not None and getattr(form, "errors", None):
                errors += f" {key}: {form.errors}"
            non_form = getattr(form, "non_form_errors", None)
            if callable(non_form) and non_form():
                errors += f" {key} (non-form): {non_form()}"
    return f"status {response.status_code} {response.get('Location', '')}{errors}"


@pytest.mark.parametrize(
    "endpoint", [e for e in ENDPOINTS if e.get or e.post], ids=[e.name for e in ENDPOINTS if e.get or e.post]
)
def test_anonymous_is_sent_to_login_and_nothing_changes(client, world, endpoint):
    url = endpoint.url(world)
    before = snapshot()
    response = client.get(url) if endpoint.get else client.post(url, endpoint.post(world, None))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")
    assert snapshot() == before
