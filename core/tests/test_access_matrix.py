"""Who reaches what: every workspace view × every persona.

Allowed → 200 (GET) or 302 (valid POST, and the database changes); another organisation's record → 404;
a role that may not do it → 403 and nothing changes in the database; anonymous → the login page.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from types import SimpleNamespace

import pytest
from auditlog.models import LogEntry
from codicefiscale import codicefiscale
from django.db import transaction
from django.urls import reverse

from accounts.models import Membership, User
from conftest import (
    client_for,
    make_consent,
    make_member,
    make_organisation,
    make_participant,
    make_user,
    municipality,
    participant_form_data,
)
from core.roles import Role
from network.models import Organisation, OrganisationKind
from people.models import Consent, Participant, ParticipantAccessLog, VulnerabilityFlag
from territory.models import Municipality, SocialDistrict

PERSONAS = [
    "outsider",
    "admin_a",
    "operator_a",
    "colleague_a",
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
CASEWORK_A = frozenset({"admin_a", "operator_a", "colleague_a"})
CASEWORK = CASEWORK_A | {"admin_b", "operator_b"}


# --- The world every case runs in -----------------------------------------------------------------


@pytest.fixture(scope="module")
def cast(django_db_setup, django_db_blocker):
    """Every persona and A's and B's records, built once for the module.

    The module's data lives in an outer transaction rolled back at the end; each test runs in its own
    savepoint inside it (pytest-django's `db`), so what a test writes is undone before the next one."""
    with django_db_blocker.unblock():
        outer = transaction.atomic()
        outer.__enter__()
        org_a = make_organisation("Comune di Napoli", kind=OrganisationKind.MUNICIPALITY, town="Napoli")
        org_b = make_organisation("Cooperativa Esempio", kind=OrganisationKind.THIRD_SECTOR, town="Caserta")
        region = make_organisation("Regione Campania", kind=OrganisationKind.REGION, town="Napoli")
        people = {
            "admin_a": make_member(org_a, Role.ORG_ADMIN, "admin_a@example.org"),
            "operator_a": make_member(org_a, Role.OPERATOR, "operator_a@example.org"),
            "colleague_a": make_member(org_a, Role.OPERATOR, "colleague_a@example.org"),
            "viewer_a": make_member(org_a, Role.VIEWER, "viewer_a@example.org"),
            "trainer_a": make_member(org_a, Role.TRAINER, "trainer_a@example.org"),
            "mediator_a": make_member(org_a, Role.MEDIATOR, "mediator_a@example.org"),
            "admin_b": make_member(org_b, Role.ORG_ADMIN, "admin_b@example.org"),
            "operator_b": make_member(org_b, Role.OPERATOR, "operator_b@example.org"),
            "coordinator": make_member(region, Role.REGIONAL_COORDINATOR, "coordinator@example.org"),
            "monitoring": make_member(region, Role.MONITORING_OFFICER, "monitoring@example.org"),
            "outsider": make_user("outsider@example.org"),
        }
        participant_a = make_participant(org_a, first_name="Amina", last_name="Benali")
        participant_b = make_participant(org_b, first_name="Youssef", last_name="Haddad", sex="M")
        consent_a = make_consent(participant_a, people["colleague_a"])
        flag_a = VulnerabilityFlag.objects.create(
            participant=participant_a, kind="violence", note="riservato", recorded_by=people["colleague_a"]
        )
        napoli = municipality("Napoli")
        district = SocialDistrict.objects.create(
            code="TEST-N1", name="Ambito di prova", province=napoli.province, lead_municipality=napoli
        )
        Municipality.objects.filter(pk=napoli.pk).update(social_district=district)
    yield SimpleNamespace(
        org_a=org_a,
        org_b=org_b,
        region=region,
        participant_a=participant_a,
        participant_b=participant_b,
        consent_a=consent_a,
        flag_a=flag_a,
        district=district,
        membership_a=people["colleague_a"].active_membership,
        membership_b=people["operator_b"].active_membership,
        **people,
    )
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        outer.__exit__(None, None, None)


@pytest.fixture
def world(cast, db):
    """The module's cast, inside this test's own transaction."""
    return cast


def snapshot() -> dict:
    """Everything a workspace write could touch (not access logs: reading is not writing)."""
    return {
        "participants": list(Participant.objects.order_by("pk").values()),
        "citizenships": list(Participant.citizenships.through.objects.order_by("pk").values_list()),
        "consents": list(Consent.objects.order_by("pk").values()),
        "flags": list(VulnerabilityFlag.objects.order_by("pk").values()),
        "organisations": list(Organisation.objects.order_by("pk").values()),
        "memberships": list(Membership.objects.order_by("pk").values()),
        "users": list(
            User.objects.order_by("pk").values("pk", "email", "first_name", "last_name", "password")
        ),
        "districts": list(SocialDistrict.objects.order_by("pk").values()),
        "district_members": list(
            Municipality.objects.exclude(social_district=None)
            .order_by("pk")
            .values_list("pk", "social_district")
        ),
        "audit_entries": LogEntry.objects.count(),
    }


# --- Valid POST bodies ----------------------------------------------------------------------------


def _participant_edit(w, user):
    return participant_form_data(first_name="Amina Maria", last_name="Benali", status="active")


def _consent(w, user):
    return {
        "purpose": "contact",
        "granted": "on",
        "scope": "own",
        "given_on": "2025-02-01",
        "evidence": "signed_form",
    }


def _organisation(org, **overrides):
    data = {
        "name": org.name + " (modificato)",
        "kind": org.kind,
        "municipality": str(org.municipality_id),
        "is_active": "on",
        "email": "",
        "phone": "",
        "website": "",
        "tax_code": "",
        "address": "Via Roma 1",
        "contact_person": "",
    }
    data.update(overrides)
    return data


def _organisation_create(w, user):
    return _organisation(
        w.org_a,
        name="Associazione Nuova",
        kind="migrant_association",
        municipality=str(municipality("Salerno").pk),
    )


def _staff_create(w, user):
    membership = user.active_membership if user else None
    is_region = membership is not None and membership.role == "regional_coordinator"
    organisation = w.org_a if membership is None or is_region else membership.organisation
    return {
        "email": f"nuovo.{user.pk if user else 0}@example.org",
        "first_name": "Nuovo",
        "last_name": "Collega",
        "organisation": str(organisation.pk),
        "role": "operator",
        "password": "Una-Password-Lunga-2025!",
    }


def _district(code, lead, members):
    def build(w, user):
        return {
            "code": code,
            "name": "Ambito modificato",
            "province": str(municipality(lead).province_id),
            "lead_municipality": str(municipality(lead).pk),
            "municipalities": [str(municipality(name).pk) for name in members],
        }

    return build


# --- The endpoints --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Endpoint:
    name: str
    url: Callable
    ok: frozenset[str]
    forbidden: frozenset[str] = frozenset()  # 403
    # Everyone logged in not listed above gets 404.
    post: Callable | None = None
    get: bool = True

    def expected(self, persona: str) -> str:
        if persona in self.ok:
            return "ok"
        if persona in self.forbidden:
            return "forbidden"
        return "missing"


def _members_except(*allowed):
    return MEMBERS - set(allowed)


ENDPOINTS = [
    # people
    Endpoint(
        "participant_list",
        lambda w: reverse("people:participant_list"),
        ok=CASEWORK | {"viewer_a", "coordinator"},
        forbidden=frozenset({"outsider", "trainer_a", "mediator_a", "monitoring"}),
    ),
    Endpoint(
        "participant_create",
        lambda w: reverse("people:participant_create"),
        ok=CASEWORK,
        forbidden=LOGGED_IN - CASEWORK,
        post=lambda w, user: participant_form_data(first_name="Nuova", last_name="Persona"),
    ),
    Endpoint(
        "participant_detail",
        lambda w: reverse("people:participant_detail", args=[w.participant_a.pk]),
        ok=CASEWORK_A | {"viewer_a", "coordinator"},
    ),
    Endpoint(
        "participant_edit",
        lambda w: reverse("people:participant_edit", args=[w.participant_a.pk]),
        ok=CASEWORK_A,
        forbidden=frozenset({"viewer_a", "coordinator"}),
        post=_participant_edit,
    ),
    Endpoint(
        "consent_create",
        lambda w: reverse("people:consent_create", args=[w.participant_a.pk]),
        ok=CASEWORK_A,
        forbidden=frozenset({"viewer_a", "coordinator"}),
        post=_consent,
    ),
    Endpoint(
        "consent_replace",
        lambda w: reverse("people:consent_create", args=[w.participant_a.pk]) + f"?replace={w.consent_a.pk}",
        ok=CASEWORK_A,
        forbidden=frozenset({"viewer_a", "coordinator"}),
        post=_consent,
    ),
    Endpoint(
        "consent_withdraw",
        lambda w: reverse("people:consent_withdraw", args=[w.participant_a.pk, w.consent_a.pk]),
        ok=CASEWORK_A,
        forbidden=frozenset({"viewer_a", "coordinator"}),
        post=lambda w, user: {"reason": "Ha cambiato idea"},
    ),
    Endpoint(
        "vulnerability_create",
        lambda w: reverse("people:vulnerability_create", args=[w.participant_a.pk]),
        ok=CASEWORK_A,
        forbidden=frozenset({"viewer_a", "coordinator"}),
        post=lambda w, user: {"kind": "disability", "note": "Nota riservata"},
    ),
    Endpoint(
        "vulnerability_close",
        lambda w: reverse("people:vulnerability_close", args=[w.participant_a.pk, w.flag_a.pk]),
        ok=CASEWORK_A,
        forbidden=frozenset({"viewer_a", "coordinator"}),
        post=lambda w, user: {},
        get=False,
    ),
    Endpoint(
        "municipality_options",
        lambda w: reverse("people:municipality_options") + "?q=Napo",
        ok=LOGGED_IN,
    ),
    # network
    Endpoint(
        "organisation_list",
        lambda w: reverse("network:organisation_list"),
        ok=MEMBERS,
        forbidden=frozenset({"outsider"}),
    ),
    Endpoint(
        "organisation_detail",
        lambda w: reverse("network:organisation_detail", args=[w.org_b.pk]),
        ok=MEMBERS,
    ),
    Endpoint(
        "organisation_create",
        lambda w: reverse("network:organisation_create"),
        ok=frozenset({"coordinator"}),
        forbidden=LOGGED_IN - {"coordinator"},
        post=_organisation_create,
    ),
    Endpoint(
        "organisation_edit_a",
        lambda w: reverse("network:organisation_edit", args=[w.org_a.pk]),
        ok=frozenset({"admin_a", "coordinator"}),
        forbidden=_members_except("admin_a", "coordinator"),
        post=lambda w, user: _organisation(w.org_a),
    ),
    Endpoint(
        "organisation_edit_b",
        lambda w: reverse("network:organisation_edit", args=[w.org_b.pk]),
        ok=frozenset({"admin_b", "coordinator"}),
        forbidden=_members_except("admin_b", "coordinator"),
        post=lambda w, user: _organisation(w.org_b),
    ),
    # territory
    Endpoint("district_list", lambda w: reverse("territory:district_list"), ok=LOGGED_IN),
    Endpoint(
        "district_detail", lambda w: reverse("territory:district_detail", args=[w.district.pk]), ok=LOGGED_IN
    ),
    Endpoint(
        "district_create",
        lambda w: reverse("territory:district_create"),
        ok=frozenset({"coordinator"}),
        forbidden=LOGGED_IN - {"coordinator"},
        post=_district("TEST-S1", "Salerno", ["Salerno", "Cava de' Tirreni"]),
    ),
    Endpoint(
        "district_edit",
        lambda w: reverse("territory:district_edit", args=[w.district.pk]),
        ok=frozenset({"coordinator"}),
        forbidden=LOGGED_IN - {"coordinator"},
        post=_district("TEST-N1", "Napoli", ["Napoli", "Portici"]),
    ),
    # accounts
    Endpoint("profile", lambda w: reverse("accounts:profile"), ok=LOGGED_IN),
    Endpoint(
        "staff_list",
        lambda w: reverse("accounts:staff_list"),
        ok=frozenset({"admin_a", "admin_b", "coordinator"}),
        forbidden=LOGGED_IN - {"admin_a", "admin_b", "coordinator"},
    ),
    Endpoint(
        "staff_create",
        lambda w: reverse("accounts:staff_create"),
        ok=frozenset({"admin_a", "admin_b", "coordinator"}),
        forbidden=LOGGED_IN - {"admin_a", "admin_b", "coordinator"},
        post=_staff_create,
    ),
    Endpoint(
        "membership_edit",
        lambda w: reverse("accounts:membership_edit", args=[w.membership_a.pk]),
        ok=frozenset({"admin_a", "coordinator"}),
        post=lambda w, user: {"role": "viewer", "is_active": "on"},
    ),
    # core
    Endpoint("home", lambda w: reverse("core:home"), ok=LOGGED_IN),
    Endpoint(
        "audit_log",
        lambda w: reverse("core:audit_log"),
        ok=frozenset({"coordinator"}),
        forbidden=LOGGED_IN - {"coordinator"},
    ),
    Endpoint(
        "access_log",
        lambda w: reverse("core:access_log"),
        ok=frozenset({"coordinator"}),
        forbidden=LOGGED_IN - {"coordinator"},
    ),
    # imports: the index lists what each user may import; each kind checks its own permission
    Endpoint("import_index", lambda w: reverse("core:import_index"), ok=LOGGED_IN),
    Endpoint(
        "import_participants",
        lambda w: reverse("core:import_upload", args=["participants"]),
        ok=CASEWORK,
        forbidden=LOGGED_IN - CASEWORK,
    ),
    Endpoint(
        "import_participants_template",
        lambda w: reverse("core:import_template", args=["participants"]),
        ok=CASEWORK,
        forbidden=LOGGED_IN - CASEWORK,
    ),
    Endpoint(
        "import_organisations",
        lambda w: reverse("core:import_upload", args=["organisations"]),
        ok=frozenset({"coordinator"}),
        forbidden=LOGGED_IN - {"coordinator"},
    ),
]


def _cases():
    for endpoint in ENDPOINTS:
        methods = (["get"] if endpoint.get else []) + (["post"] if endpoint.post else [])
        for method in methods:
            for persona in PERSONAS:
                yield pytest.param(endpoint, method, persona, id=f"{endpoint.name}-{method}-{persona}")


def test_every_endpoint_names_an_expectation_for_every_persona():
    # Given the table, when a persona is in both allowed and forbidden, the table is wrong.
    for endpoint in ENDPOINTS:
        assert not endpoint.ok & endpoint.forbidden, endpoint.name
        assert (endpoint.ok | endpoint.forbidden) <= LOGGED_IN, endpoint.name


@pytest.mark.parametrize(("endpoint", "method", "persona"), list(_cases()))
def test_access_matrix(world, endpoint, method, persona):
    # Given a persona and the world of A's and B's records
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
    form = context.get("form") if context else None
    errors = form.errors.as_json() if form is not None and form.errors else ""
    return f"status {response.status_code} {response.get('Location', '')} {errors}"


def _anonymous_cases():
    for endpoint in ENDPOINTS:
        methods = (["get"] if endpoint.get else []) + (["post"] if endpoint.post else [])
        for method in methods:
            yield pytest.param(endpoint, method, id=f"{endpoint.name}-{method}")


@pytest.mark.parametrize(("endpoint", "method"), list(_anonymous_cases()))
def test_anonymous_is_sent_to_login(client, world, endpoint, method):
    # Given no session, when the page is requested
    url = endpoint.url(world)
    before = snapshot()
    response = client.get(url) if method == "get" else client.post(url, endpoint.post(world, None))
    # Then the answer is the login page, and nothing changed
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")
    assert snapshot() == before


# --- The key expectations, spelled out ------------------------------------------------------------


def test_operator_sees_own_org_participants_and_not_other_org_ones(world):
    response = client_for(world.operator_a).get(reverse("people:participant_list"))
    assert response.status_code == 200
    shown = {p.pk for p in response.context["page"].object_list}
    assert shown == {world.participant_a.pk}


def test_operator_cannot_see_other_org_participant(world):
    client = client_for(world.operator_a)
    assert client.get(reverse("people:participant_detail", args=[world.participant_b.pk])).status_code == 404
    assert client.get(reverse("people:participant_edit", args=[world.participant_b.pk])).status_code == 404


def test_operator_cannot_edit_other_org_participant_and_nothing_changes(world):
    before = snapshot()
    response = client_for(world.operator_a).post(
        reverse("people:participant_edit", args=[world.participant_b.pk]),
        participant_form_data(first_name="Rubato", last_name="Haddad", status="active"),
    )
    assert response.status_code == 404
    assert snapshot() == before


def test_operator_edit_through_the_form_is_saved(world):
    # Given operator A, when they change the first name through the edit form
    response = client_for(world.operator_a).post(
        reverse("people:participant_edit", args=[world.participant_a.pk]), _participant_edit(world, None)
    )
    # Then the change is stored
    assert response.status_code == 302, _explain(response)
    assert Participant.objects.get(pk=world.participant_a.pk).first_name == "Amina Maria"


def test_viewer_reads_a_participant_but_cannot_edit_it(world):
    client = client_for(world.viewer_a)
    url = reverse("people:participant_edit", args=[world.participant_a.pk])
    before = Participant.objects.filter(pk=world.participant_a.pk).values().get()

    assert client.get(reverse("people:participant_detail", args=[world.participant_a.pk])).status_code == 200
    assert client.get(url).status_code == 403
    assert client.post(url, _participant_edit(world, None)).status_code == 403

    assert Participant.objects.filter(pk=world.participant_a.pk).values().get() == before


def test_monitoring_officer_gets_403_on_the_list_and_404_on_a_participant(world):
    client = client_for(world.monitoring)
    assert client.get(reverse("people:participant_list")).status_code == 403
    assert client.get(reverse("people:participant_detail", args=[world.participant_a.pk])).status_code == 404


def test_coordinator_sees_every_participant_but_cannot_edit(world):
    client = client_for(world.coordinator)
    listed = {p.pk for p in client.get(reverse("people:participant_list")).context["page"].object_list}
    assert {world.participant_a.pk, world.participant_b.pk} <= listed
    for participant in (world.participant_a, world.participant_b):
        assert client.get(reverse("people:participant_detail", args=[participant.pk])).status_code == 200
        assert client.get(reverse("people:participant_edit", args=[participant.pk])).status_code == 403


def test_org_admin_edits_own_organisation_but_gets_403_on_another(world):
    client = client_for(world.admin_a)
    assert client.get(reverse("network:organisation_edit", args=[world.org_a.pk])).status_code == 200
    # Organisations are visible to every member, so the other one is 403, not 404.
    assert client.get(reverse("network:organisation_detail", args=[world.org_b.pk])).status_code == 200
    assert client.get(reverse("network:organisation_edit", args=[world.org_b.pk])).status_code == 403


def test_org_admin_cannot_change_kind_or_active_state_of_own_organisation(world):
    response = client_for(world.admin_a).post(
        reverse("network:organisation_edit", args=[world.org_a.pk]),
        _organisation(world.org_a, kind="region", is_active=""),
    )
    assert response.status_code == 302
    stored = Organisation.objects.get(pk=world.org_a.pk)
    assert stored.kind == OrganisationKind.MUNICIPALITY
    assert stored.is_active


def test_org_admin_sees_only_own_staff_and_gets_404_on_other_org_membership(world):
    client = client_for(world.admin_a)
    listed = client.get(reverse("accounts:staff_list")).context["page"].object_list
    assert {m.organisation_id for m in listed} == {world.org_a.pk}
    assert client.get(reverse("accounts:membership_edit", args=[world.membership_b.pk])).status_code == 404


def test_org_admin_cannot_edit_a_regional_membership(world):
    url = reverse("accounts:membership_edit", args=[world.coordinator.active_membership.pk])
    assert client_for(world.admin_a).get(url).status_code == 404


def test_only_the_coordinator_creates_organisations_and_districts(world):
    for user, wanted in ((world.coordinator, 200), (world.admin_a, 403)):
        client = client_for(user)
        assert client.get(reverse("network:organisation_create")).status_code == wanted
        assert client.get(reverse("territory:district_create")).status_code == wanted


def test_district_edit_moves_municipalities_between_districts(world):
    client_for(world.coordinator).post(
        reverse("territory:district_edit", args=[world.district.pk]),
        _district("TEST-N1", "Napoli", ["Napoli", "Portici"])(world, world.coordinator),
    )
    assert set(world.district.municipalities.values_list("name", flat=True)) == {"Napoli", "Portici"}


@pytest.mark.parametrize("persona", ["admin_a", "operator_a", "viewer_a", "coordinator"])
def test_every_participant_detail_view_writes_an_access_log_row(world, persona):
    # Given a persona who may read A's participant
    user = getattr(world, persona)
    # When they open the record
    client_for(user).get(
        reverse("people:participant_detail", args=[world.participant_a.pk]), REMOTE_ADDR="10.1.2.3"
    )
    # Then one access row names them, the organisation they act for, and where from
    log = ParticipantAccessLog.objects.get(participant=world.participant_a, user=user)
    assert log.organisation_id == user.active_membership.organisation_id
    assert log.role == user.active_membership.role
    assert log.channel == "web"
    assert log.ip_address == "10.1.2.3"


def test_refused_participant_reads_write_no_access_log_row(world):
    for user in (world.operator_b, world.monitoring, world.trainer_a):
        client_for(user).get(reverse("people:participant_detail", args=[world.participant_a.pk]))
    assert not ParticipantAccessLog.objects.exists()


def _register_with_codice_fiscale(world):
    code = codicefiscale.encode(
        lastname="Zahra", firstname="Fatima", gender="F", birthdate="04/03/1992", birthplace="Marocco"
    )
    client = client_for(world.operator_a)
    response = client.post(reverse("people:participant_create"), participant_form_data(codice_fiscale=code))
    assert response.status_code == 302, _explain(response)
    return client, code, Participant.objects.get(codice_fiscale=code)


def test_a_registration_is_audited_with_the_actor_and_a_masked_codice_fiscale(world):
    # Given operator A registers a person with a codice fiscale
    _client, code, participant = _register_with_codice_fiscale(world)
    # Then the audit entry names the operator and says the code was set, without showing it
    created = LogEntry.objects.get_for_object(participant).get(action=LogEntry.Action.CREATE)
    assert created.actor_id == world.operator_a.pk
    assert "codice_fiscale" in created.changes_dict
    assert code not in str(created.changes)


def test_an_edit_is_audited_with_the_actor_and_the_changed_fields(world):
    # Given a participant registered with a codice fiscale
    client, code, participant = _register_with_codice_fiscale(world)
    # When the operator edits the first name
    response = client.post(
        reverse("people:participant_edit", args=[participant.pk]),
        participant_form_data(first_name="Fatima Zahra", codice_fiscale=code, status="active"),
    )
    assert response.status_code == 302, _explain(response)
    # Then an update entry by them records the change, and the code still never appears in clear
    entries = LogEntry.objects.get_for_object(participant)
    assert {entry.actor_id for entry in entries} == {world.operator_a.pk}
    assert any("first_name" in entry.changes_dict for entry in entries.filter(action=LogEntry.Action.UPDATE))
    assert all(code not in str(entry.changes) for entry in entries)


def test_consent_and_vulnerability_writes_are_audited_with_the_actor(world):
    client = client_for(world.operator_a)
    client.post(reverse("people:consent_create", args=[world.participant_a.pk]), _consent(world, None))
    client.post(
        reverse("people:vulnerability_create", args=[world.participant_a.pk]),
        {"kind": "disability", "note": "Testo confidenziale"},
    )
    consent = Consent.objects.filter(participant=world.participant_a, purpose="contact").get()
    flag = VulnerabilityFlag.objects.filter(participant=world.participant_a, kind="disability").get()
    assert LogEntry.objects.get_for_object(consent).get().actor_id == world.operator_a.pk
    flag_entry = LogEntry.objects.get_for_object(flag).get()
    assert flag_entry.actor_id == world.operator_a.pk
    assert "Testo confidenziale" not in str(flag_entry.changes)


def test_participant_created_through_the_form_is_owned_by_the_actor_org(world):
    client_for(world.operator_b).post(
        reverse("people:participant_create"), participant_form_data(first_name="Nuova", last_name="Persona")
    )
    created = Participant.objects.get(first_name="Nuova")
    assert created.owner == world.org_b
    assert created.created_by == world.operator_b
    assert created.birth_date == datetime.date(1992, 3, 4)
