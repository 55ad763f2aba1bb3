"""Shared test fixtures: reference data loaded once, personas across two organisations and the Region,
and factories for valid records.

Personas (see docs STYLE.md, Tests):
  org A "Comune di Napoli" (municipality, Napoli): admin_a, operator_a, colleague_a, viewer_a, trainer_a,
  mediator_a; org B "Cooperativa Esempio" (third sector, Caserta): admin_b, operator_b; the Region
  "Regione Campania": coordinator (regional_coordinator), monitoring (monitoring_officer); outsider (a user
  with no membership); anonymous (the plain `client`).
"""

from __future__ import annotations

import datetime
import importlib
import itertools

import pytest
from django.apps import apps as django_apps
from django.test import Client

from accounts.models import Membership, User
from core.roles import Role
from network.models import Organisation, OrganisationKind
from people.models import Consent, ConsentEvidence, ConsentPurpose, ConsentScope, Participant, Sex
from skills.esco import load_esco
from skills.models import Occupation
from territory.models import Country, Municipality
from territory.reference import load_all

PASSWORD = "Correct-Horse-Battery-42"  # noqa: S105 (test accounts only)

_sequence = itertools.count(1)
# Reference rows never change during a session, so each is fetched once per process.
_reference_cache: dict[tuple[str, str], object] = {}


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load municipalities, countries and languages once per session into the test database.

    Tests run inside transactions that roll back, so this data stays for the whole session. Transactional
    tests (live_server, transaction=True) empty every table when they end; pytest-django runs them after
    all the others, and the ones that need this data ask for the `reference_data` fixture."""
    with django_db_blocker.unblock():
        if not Municipality.objects.exists():
            load_all()
        load_esco()


@pytest.fixture(autouse=True)
def _language_reset():
    """Each test starts in Italian: a request in another language must not leak into the next test's reverse()."""
    from django.conf import settings as django_settings
    from django.utils import translation

    translation.activate(django_settings.LANGUAGE_CODE)
    yield
    translation.activate(django_settings.LANGUAGE_CODE)


@pytest.fixture
def reference_data(django_db_blocker):
    """For transactional tests: load the reference data again if an earlier one flushed it."""
    with django_db_blocker.unblock():
        if not Municipality.objects.exists():
            _reference_cache.clear()
            load_all()
        if not Occupation.objects.exists():
            load_esco()
        from activities.models import CompletionRule

        if not CompletionRule.objects.exists():  # the data migrations' rows went with the flush too
            for module in DATA_MIGRATIONS:
                importlib.import_module(module).load(django_apps, None)


# Data migrations that fill taxonomies and rules (reloaded after a transactional test flushed them).
DATA_MIGRATIONS = (
    "paths.migrations.0002_taxonomies",
    "activities.migrations.0002_completion_rules",
    "directory.migrations.0002_reference",
)


# --- Reference look-ups ---------------------------------------------------------------------------


def country(code: str) -> Country:
    key = ("country", code)
    if key not in _reference_cache:
        _reference_cache[key] = Country.objects.get(iso_alpha2=code)
    return _reference_cache[key]


def municipality(name: str) -> Municipality:
    """A municipality by its unique name, e.g. "Napoli", "Caserta", "Salerno"."""
    key = ("municipality", name)
    if key not in _reference_cache:
        _reference_cache[key] = Municipality.objects.select_related("province").get(name=name)
    return _reference_cache[key]


# --- Factories ------------------------------------------------------------------------------------


def make_organisation(
    name: str | None = None, *, kind=OrganisationKind.THIRD_SECTOR, town="Napoli", **overrides
):
    name = name or f"Ente di prova {next(_sequence)}"
    return Organisation.objects.create(name=name, kind=kind, municipality=municipality(town), **overrides)


def make_user(email: str | None = None, *, password: str | None = PASSWORD, **overrides) -> User:
    email = email or f"user{next(_sequence)}@example.org"
    overrides.setdefault("first_name", email.split("@")[0].replace("_", " ").title())
    overrides.setdefault("last_name", "Prova")
    return User.objects.create_user(email=email, password=password, **overrides)


def make_member(organisation: Organisation, role: str, email: str | None = None, **overrides) -> User:
    user = make_user(email, **overrides)
    membership = Membership.objects.create(user=user, organisation=organisation, role=role)
    user.active_membership = membership
    user.save(update_fields=["active_membership"])
    return user


def make_participant(owner: Organisation, *, citizenships=("MA",), **overrides) -> Participant:
    """A valid participant: a Moroccan citizen born in Morocco, living in Napoli, owned by `owner`."""
    n = next(_sequence)
    fields = {
        "first_name": f"Amina{n}",
        "last_name": f"Benali{n}",
        "sex": Sex.FEMALE,
        "birth_date": datetime.date(1990, 5, 17),
        "country_of_birth": country("MA"),
        "municipality": municipality("Napoli"),
    }
    if "country_of_birth" in overrides and isinstance(overrides["country_of_birth"], str):
        overrides["country_of_birth"] = country(overrides["country_of_birth"])
    fields.update(overrides)
    participant = Participant.objects.create(owner=owner, **fields)
    participant.citizenships.set([country(code) if isinstance(code, str) else code for code in citizenships])
    return participant


def make_consent(participant: Participant, recorded_by: User, **overrides) -> Consent:
    fields = {
        "purpose": ConsentPurpose.SHARING,
        "granted": True,
        "scope": ConsentScope.OWN,
        "given_on": datetime.date(2025, 1, 15),
        "evidence": ConsentEvidence.SIGNED_FORM,
    }
    organisations = overrides.pop("organisations", [])
    fields.update(overrides)
    consent = Consent.objects.create(participant=participant, recorded_by=recorded_by, **fields)
    if organisations:
        consent.organisations.set(organisations)
    return consent


def participant_form_data(**overrides) -> dict:
    """A valid POST for the registration form (Moroccan woman born in Morocco, living in Napoli)."""
    data = {
        "first_name": "Fatima",
        "last_name": "Zahra",
        "sex": "F",
        "birth_date": "1992-03-04",
        "country_of_birth": str(country("MA").pk),
        "citizenships": [str(country("MA").pk)],
        "codice_fiscale": "",
        "arrival_date": "",
        "permit_reason": "",
        "permit_expiry": "",
        "municipality": str(municipality("Napoli").pk),
        "phone": "",
        "email": "",
        "education_level": "unknown",
        "employment_status": "unknown",
    }
    data.update(overrides)
    return data


# --- Organisations and personas -------------------------------------------------------------------


def make_activity(organiser: Organisation, **overrides):
    """An Italian L2 course of 20 planned hours in Napoli, running now, with the 70% completion rule."""
    from activities.models import Activity, ActivityKind, ActivityStatus, Audience, CompletionRule

    today = datetime.date.today()
    fields = {
        "title": f"Corso di italiano A2 n. {next(_sequence)}",
        "kind": ActivityKind.ITALIAN_L2,
        "action": "02",
        "municipality": municipality("Napoli"),
        "venue": "Via Toledo 1",
        "start_date": today - datetime.timedelta(days=30),
        "end_date": today + datetime.timedelta(days=30),
        "planned_hours": 20,
        "audience": Audience.PARTICIPANTS,
        "status": ActivityStatus.RUNNING,
        "completion_rule": CompletionRule.objects.get(code="presenza-70"),
    }
    trainers = overrides.pop("trainers", [])
    fields.update(overrides)
    activity = Activity.objects.create(organiser=organiser, **fields)
    if trainers:
        activity.trainers.set(trainers)
    return activity


def make_sessions(activity, count: int = 5, hours: int = 4, start_days_ago: int = 20):
    """`count` past sessions of `hours` hours, one every two days from `start_days_ago` days ago."""
    from activities.models import Session

    today = datetime.date.today()
    return [
        Session.objects.create(
            activity=activity, date=today - datetime.timedelta(days=start_days_ago - 2 * i), hours=hours
        )
        for i in range(count)
    ]


@pytest.fixture
def org_a(db):
    return make_organisation("Comune di Napoli", kind=OrganisationKind.MUNICIPALITY, town="Napoli")


@pytest.fixture
def org_b(db):
    return make_organisation("Cooperativa Esempio", kind=OrganisationKind.THIRD_SECTOR, town="Caserta")


@pytest.fixture
def region(db):
    return make_organisation("Regione Campania", kind=OrganisationKind.REGION, town="Napoli")


@pytest.fixture
def admin_a(org_a):
    return make_member(org_a, Role.ORG_ADMIN, "admin_a@example.org")


@pytest.fixture
def operator_a(org_a):
    return make_member(org_a, Role.OPERATOR, "operator_a@example.org")


@pytest.fixture
def colleague_a(org_a):
    return make_member(org_a, Role.OPERATOR, "colleague_a@example.org")


@pytest.fixture
def viewer_a(org_a):
    return make_member(org_a, Role.VIEWER, "viewer_a@example.org")


@pytest.fixture
def trainer_a(org_a):
    return make_member(org_a, Role.TRAINER, "trainer_a@example.org")


@pytest.fixture
def mediator_a(org_a):
    return make_member(org_a, Role.MEDIATOR, "mediator_a@example.org")


@pytest.fixture
def admin_b(org_b):
    return make_member(org_b, Role.ORG_ADMIN, "admin_b@example.org")


@pytest.fixture
def operator_b(org_b):
    return make_member(org_b, Role.OPERATOR, "operator_b@example.org")


@pytest.fixture
def coordinator(region):
    return make_member(region, Role.REGIONAL_COORDINATOR, "coordinator@example.org")


@pytest.fixture
def monitoring(region):
    return make_member(region, Role.MONITORING_OFFICER, "monitoring@example.org")


@pytest.fixture
def outsider(db):
    return make_user("outsider@example.org")


@pytest.fixture
def participant_a(org_a):
    return make_participant(org_a, first_name="Amina", last_name="Benali")


@pytest.fixture
def participant_b(org_b):
    return make_participant(org_b, first_name="Youssef", last_name="Haddad", sex=Sex.MALE)


# --- Clients --------------------------------------------------------------------------------------


def client_for(user: User | None) -> Client:
    """A test client logged in as `user` (force_login: django-axes blocks `client.login`); None = anonymous."""
    client = Client()
    if user is not None:
        client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client
