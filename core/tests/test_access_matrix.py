"""Who reaches what: every workspace view × every persona.

Allowed → 200 (GET) or 302 (valid POST, and the database changes); another organisation's record → 404;
a role that may not do it → 403 and nothing changes in the database; anonymous → the login page.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from accounts.models import Membership, User
from conftest import (
    client_for,
    country,
    make_consent,
    make_participant,
    municipality,
    participant_form_data,
)
from network.models import Organisation
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


@pytest.fixture
def world(org_a, org_b, region, colleague_a, operator_b):
    """A's and B's records each persona is pointed at (personas themselves are created on demand)."""
    participant_a = make_participant(org_a, first_name="Amina", last_name="Benali", codice_fiscale="")
    participant_b = make_participant(org_b, first_name="Youssef", last_name="Haddad", sex="M")
    consent_a = make_consent(participant_a, colleague_a)
    flag_a = VulnerabilityFlag.objects.create(
        participant=participant_a, kind="violence", note="riservato", recorded_by=colleague_a
    )
    napoli = municipality("Napoli")
    district = SocialDistrict.objects.create(
        code="TEST-N1", name="Ambito di prova", province=napoli.province, lead_municipality=napoli
    )
    Municipality.objects.filter(pk=napoli.pk).update(social_district=district)
    return SimpleNamespace(
        org_a=org_a,
        org_b=org_b,
        region=region,
        participant_a=participant_a,
        participant_b=participant_b,
        consent_a=consent_a,
        flag_a=flag_a,
        district=district,
        membership_a=colleague_a.active_membership,
        membership_b=operator_b.active_membership,
    )


def snapshot() -> dict:
    """Everything a workspace write could touch (not access logs: reading is not writing)."""
    return {
        "participants": list(Participant.objects.order_by("pk").values()),
        "citizenships": list(Participant.citizenships.through.objects.order_by("pk").values_list()),
        "consents": list(Consent.objects.order_by("pk").values()),
        "flags": list(VulnerabilityFlag.objects.order_by("pk").values()),
        "organisations": list(Organisation.objects.order_by("pk").values()),
        "memberships": list(Membership.objects.order_by("pk").values()),
        "users": list(User.objects.order_by("pk").values("pk", "email", "first_name", "last_name", "password")),
        "districts": list(SocialDistrict.objects.order_by("pk").values()),
        "district_members": list(
            Municipality.objects.exclude(social_district=None).order_by("pk").values_list("pk", "social_district")
        ),
        "audit_entries": LogEntry.objects.count(),
    }


# --- Valid POST bodies ----------------------------------------------------------------------------


def _participant_edit(w, user):
    return participant_form_data(first_name="Amina Maria", last_name="Benali", status="active")


def _consent(w, user):
    return {"purpose": "contact", "granted": "on", "scope": "own", "given_on": "2025-02-01", "evidence": "signed_form"}


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
    return _organisation(w.org_a, name="Associazione Nuova", kind="migrant_association", municipality=str(municipality("Salerno").pk))


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
    extra: dict = field(default_factory=dict)

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
def test_access_matrix(request, world, endpoint, method, persona):
    # Given a persona and the world of A's and B's records
    user = request.getfixturevalue(persona)
    client = client_for(user)
    url = endpoint.url(world)
    before = snapshot()
    expected = endpoint.expected(persona)

    # When the persona opens the page or sends a valid form
    if method == "get":
        response = client.get(url)
    else:
        response = client.post(url, endpoint.post(world, user))

    # Then the answer matches the table, and only allowed writes change the database
    after = snapshot()
    if expected == "ok":
        wanted = 200 if method == "get" else 302
        assert response.status_code == wanted, _explain(response)
        if method == "post":
            assert after != before, "an allowed POST with valid data should change something"
        else:
            assert after == before
    else:
        assert response.status_code == {"forbidden": 403, "missing": 404}[expected], _explain(response)
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


def test_anonymous_is_sent_to_login_from_the_import_index(client, db):
    response = client.get(reverse("core:import_index"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login") + "?next=")


def test_operator_may_open_the_import_index(operator_a):
    assert client_for(operator_a).get(reverse("core:import_index")).status_code == 200


# --- The key expectations, spelled out ------------------------------------------------------------


def test_operator_sees_own_org_participants_and_not_other_org_ones(world, operator_a):
    response = client_for(operator_a).get(reverse("people:participant_list"))
    assert response.status_code == 200
    shown = {p.pk for p in response.context["page"].object_list}
    assert shown == {world.participant_a.pk}


def test_operator_cannot_see_other_org_participant(world, operator_a):
    client = client_for(operator_a)
    assert client.get(reverse("people:participant_detail", args=[world.participant_b.pk])).status_code == 404
    assert client.get(reverse("people:participant_edit", args=[world.participant_b.pk])).status_code == 404


def test_operator_cannot_edit_other_org_participant_and_nothing_changes(world, operator_a):
    before = snapshot()
    response = client_for(operator_a).post(
        reverse("people:participant_edit", args=[world.participant_b.pk]),
        participant_form_data(first_name="Rubato", last_name="Haddad", status="active"),
    )
    assert response.status_code == 404
    assert snapshot() == before


def test_viewer_reads_a_participant_but_cannot_edit_it(world, viewer_a):
    client = client_for(viewer_a)
    url = reverse("people:participant_edit", args=[world.participant_a.pk])
    before = Participant.objects.filter(pk=world.participant_a.pk).values().get()

    assert client.get(reverse("people:participant_detail", args=[world.participant_a.pk])).status_code == 200
    assert client.get(url).status_code == 403
    assert client.post(url, _participant_edit(world, viewer_a)).status_code == 403

    assert Participant.objects.filter(pk=world.participant_a.pk).values().get() == before


def test_monitoring_officer_gets_403_on_the_list_and_404_on_a_participant(world, monitoring):
    client = client_for(monitoring)
    assert client.get(reverse("people:participant_list")).status_code == 403
    assert client.get(reverse("people:participant_detail", args=[world.participant_a.pk])).status_code == 404


def test_coordinator_sees_every_participant_but_cannot_edit(world, coordinator):
    client = client_for(coordinator)
    listed = {p.pk for p in client.get(reverse("people:participant_list")).context["page"].object_list}
    assert {world.participant_a.pk, world.participant_b.pk} <= listed
    for participant in (world.participant_a, world.participant_b):
        assert client.get(reverse("people:participant_detail", args=[participant.pk])).status_code == 200
        assert client.get(reverse("people:participant_edit", args=[participant.pk])).status_code == 403


def test_org_admin_edits_own_organisation_but_gets_403_on_another(world, admin_a):
    client = client_for(admin_a)
    assert client.get(reverse("network:organisation_edit", args=[world.org_a.pk])).status_code == 200
    # Organisations are visible to every member, so the other one is 403, not 404.
    assert client.get(reverse("network:organisation_detail", args=[world.org_b.pk])).status_code == 200
    assert client.get(reverse("network:organisation_edit", args=[world.org_b.pk])).status_code == 403


def test_org_admin_cannot_change_kind_or_active_state_of_own_organisation(world, admin_a):
    response = client_for(admin_a).post(
        reverse("network:organisation_edit", args=[world.org_a.pk]),
        _organisation(world.org_a, kind="region", is_active=""),
    )
    assert response.status_code == 302
    world.org_a.refresh_from_db()
    assert world.org_a.kind == "municipality"
    assert world.org_a.is_active


def test_org_admin_sees_only_own_staff_and_gets_404_on_other_org_membership(world, admin_a):
    client = client_for(admin_a)
    listed = client.get(reverse("accounts:staff_list")).context["page"].object_list
    assert {m.organisation_id for m in listed} == {world.org_a.pk}
    assert client.get(reverse("accounts:membership_edit", args=[world.membership_b.pk])).status_code == 404


def test_org_admin_cannot_edit_a_regional_membership(world, admin_a, coordinator):
    response = client_for(admin_a).get(
        reverse("accounts:membership_edit", args=[coordinator.active_membership.pk])
    )
    assert response.status_code == 404


def test_only_the_coordinator_creates_organisations_and_districts(world, coordinator, admin_a):
    for user, wanted in ((coordinator, 200), (admin_a, 403)):
        client = client_for(user)
        assert client.get(reverse("network:organisation_create")).status_code == wanted
        assert client.get(reverse("territory:district_create")).status_code == wanted


def test_district_edit_moves_municipalities_between_districts(world, coordinator):
    client_for(coordinator).post(
        reverse("territory:district_edit", args=[world.district.pk]),
        _district("TEST-N1", "Napoli", ["Napoli", "Portici"])(world, coordinator),
    )
    assert set(world.district.municipalities.values_list("name", flat=True)) == {"Napoli", "Portici"}


@pytest.mark.parametrize("persona", ["admin_a", "operator_a", "viewer_a", "coordinator"])
def test_every_participant_detail_view_writes_an_access_log_row(request, world, persona):
    # Given a persona who may read A's participant
    user = request.getfixturevalue(persona)
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


def test_refused_participant_reads_write_no_access_log_row(world, operator_b, monitoring):
    for user in (operator_b, monitoring):
        client_for(user).get(reverse("people:participant_detail", args=[world.participant_a.pk]))
    assert not ParticipantAccessLog.objects.exists()


def test_operator_writes_are_audited_with_actor_and_masked_codice_fiscale(world, operator_a):
    # Given operator A registers a person with a codice fiscale
    from codicefiscale import codicefiscale

    code = codicefiscale.encode(
        lastname="Zahra", firstname="Fatima", gender="F", birthdate="04/03/1992", birthplace="Marocco"
    )
    client = client_for(operator_a)
    response = client.post(
        reverse("people:participant_create"),
        participant_form_data(codice_fiscale=code, country_of_birth=str(country("MA").pk)),
    )
    assert response.status_code == 302, _explain(response)
    participant = Participant.objects.get(codice_fiscale=code)

    # When they then edit it
    client.post(
        reverse("people:participant_edit", args=[participant.pk]),
        participant_form_data(first_name="Fatima Zahra", codice_fiscale=code, status="active"),
    )

    # Then each write has an audit entry with the actor, and the codice fiscale never appears in clear
    entries = LogEntry.objects.get_for_object(participant)
    assert entries.count() >= 2
    assert {entry.actor_id for entry in entries} == {operator_a.pk}
    created = entries.get(action=LogEntry.Action.CREATE)
    assert "codice_fiscale" in created.changes_dict
    for entry in entries:
        assert code not in str(entry.changes)
    updated = entries.filter(action=LogEntry.Action.UPDATE).first()
    assert updated is not None and "first_name" in updated.changes_dict


def test_consent_and_vulnerability_writes_are_audited_with_the_actor(world, operator_a):
    client = client_for(operator_a)
    client.post(reverse("people:consent_create", args=[world.participant_a.pk]), _consent(world, operator_a))
    client.post(
        reverse("people:vulnerability_create", args=[world.participant_a.pk]),
        {"kind": "disability", "note": "Testo confidenziale"},
    )
    consent = Consent.objects.filter(participant=world.participant_a, purpose="contact").get()
    flag = VulnerabilityFlag.objects.filter(participant=world.participant_a, kind="disability").get()
    assert LogEntry.objects.get_for_object(consent).get().actor_id == operator_a.pk
    flag_entry = LogEntry.objects.get_for_object(flag).get()
    assert flag_entry.actor_id == operator_a.pk
    assert "Testo confidenziale" not in str(flag_entry.changes)


def test_participant_created_through_the_form_is_owned_by_the_actor_org(world, operator_b):
    client_for(operator_b).post(
        reverse("people:participant_create"), participant_form_data(first_name="Nuova", last_name="Persona")
    )
    created = Participant.objects.get(first_name="Nuova")
    assert created.owner == world.org_b
    assert created.created_by == operator_b
    assert created.birth_date == datetime.date(1992, 3, 4)
