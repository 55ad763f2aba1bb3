"""The deterministic demo-data generator (`manage.py seed_demo`), at the small size only."""

from __future__ import annotations

import datetime
from io import StringIO

import pytest
from codicefiscale import codicefiscale
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from accounts.models import Membership, User
from core.roles import Role
from network.demo import BASE_EXTRAS
from network.models import Organisation, OrganisationKind
from people import demo
from people.eligibility import check_codice_fiscale
from people.models import (
    SECOND_GENERATION_MAX_ARRIVAL_AGE,
    Consent,
    ConsentEvidence,
    ConsentPurpose,
    ConsentScope,
    Participant,
    PermitReason,
    Sex,
    VulnerabilityFlag,
    age_on,
)
from territory.models import Country, Municipality

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def reference(db):
    """Municipalities, countries and languages (the session fixture usually has them loaded already)."""
    if not (Municipality.objects.exists() and Country.objects.exists()):
        from territory.reference import load_all

        load_all()


def seed(*args: str) -> str:
    out = StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def snapshot() -> list[tuple]:
    """Everything drawn for the demo participants, in generation order (primary keys left out)."""
    return list(
        Participant.objects.filter(is_demo=True)
        .order_by("pk")
        .values_list(
            "public_id",
            "first_name",
            "last_name",
            "sex",
            "birth_date",
            "codice_fiscale",
            "arrival_date",
            "permit_reason",
            "permit_expiry",
            "municipality__name",
            "owner__name",
            "phone",
            "email",
        )
    )


def test_small_size_creates_200_eligible_participants_with_consistent_codes():
    output = seed("--size", "small", "--seed", "1")

    assert "200 participants" in output
    participants = list(
        Participant.objects.filter(is_demo=True)
        .select_related("country_of_birth")
        .prefetch_related("citizenships")
    )
    assert len(participants) == 200
    today = timezone.localdate()
    with_code = 0
    for p in participants:
        citizenships = list(p.citizenships.all())
        assert citizenships or p.is_stateless, p
        assert not any(c.is_eu or c.iso_alpha2 == "IT" for c in citizenships), p
        if p.arrival_date:
            assert p.birth_date <= p.arrival_date <= today, p
        assert p.arrived_before_school_age == bool(
            p.arrival_date and age_on(p.birth_date, p.arrival_date) < SECOND_GENERATION_MAX_ARRIVAL_AGE
        )
        if p.permit_reason == PermitReason.EU_LONG_TERM:
            assert p.permit_expiry is None
        if p.unaccompanied_minor:
            assert p.permit_reason == PermitReason.UNACCOMPANIED_MINOR and 15 <= p.age(today) <= 17
        if not p.codice_fiscale:
            continue
        with_code += 1
        assert p.codice_fiscale == p.codice_fiscale.upper()
        check = check_codice_fiscale(
            p.codice_fiscale, birth_date=p.birth_date, sex=p.sex, country_of_birth=p.country_of_birth
        )
        assert check.errors == [], (p, p.codice_fiscale, check.errors)
        if len(p.codice_fiscale) == 16:
            # The same code as the library's own encoder gives for this person.
            assert p.codice_fiscale == codicefiscale.encode(
                lastname=p.last_name,
                firstname=p.first_name,
                gender=p.sex,
                birthdate=p.birth_date.strftime("%d/%m/%Y"),
                birthplace=check.birthplace_code,
            )
            if p.country_of_birth.iso_alpha2 != "IT":
                assert check.birthplace_code == p.country_of_birth.cadastral_code
    assert 0.4 * len(participants) <= with_code <= 0.8 * len(participants)


def test_consents_and_vulnerabilities_are_recorded_by_demo_staff():
    seed("--size", "small", "--seed", "1")

    consents = Consent.objects.filter(participant__is_demo=True).select_related("recorded_by", "withdrawn_by")
    assert consents.filter(purpose=ConsentPurpose.SERVICES, granted=True).count() >= 150
    for consent in consents:
        assert consent.recorded_by.email.endswith("@" + demo.DEMO_EMAIL_DOMAIN)
        assert consent.given_on <= timezone.localdate()
        if consent.withdrawn_at:
            assert consent.withdrawn_by is not None
        if consent.scope == ConsentScope.LISTED:
            assert 1 <= consent.organisations.count() <= 3
            assert consent.participant.owner not in consent.organisations.all()
    flag = VulnerabilityFlag.objects.filter(participant__is_demo=True).exclude(note="").first()
    assert flag is not None
    # Encrypted at rest, readable through the model.
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT note FROM {VulnerabilityFlag._meta.db_table} WHERE id = %s", [flag.pk])  # noqa: S608
        stored = cursor.fetchone()[0]
    assert stored.startswith("fernet:")
    assert flag.note in demo.VULNERABILITY_NOTES[flag.kind]


def test_same_seed_gives_the_same_data_and_another_seed_does_not():
    seed("--size", "small", "--seed", "7")
    first = snapshot()
    first_consents = Consent.objects.filter(participant__is_demo=True).count()

    seed("--size", "small", "--seed", "7")  # deletes the previous demo data and regenerates it

    assert Participant.objects.filter(is_demo=True).count() == 200
    assert snapshot() == first
    assert Consent.objects.filter(participant__is_demo=True).count() == first_consents

    seed("--size", "small", "--seed", "8")
    assert [row[1:5] for row in snapshot()] != [row[1:5] for row in first]


def test_draws_do_not_depend_on_todays_date():
    def drawn(today):
        demo.seed_demo("small", 5, today=today)
        rows = Participant.objects.filter(is_demo=True).order_by("pk")
        return [(p.first_name, p.last_name, p.sex, p.age(today), p.permit_reason, p.owner.name) for p in rows]

    assert drawn(datetime.date(2025, 3, 10)) == drawn(datetime.date(2026, 9, 1))


def test_if_empty_leaves_existing_demo_data_untouched():
    seed("--size", "small", "--seed", "1")
    before = snapshot()
    pks = set(Participant.objects.values_list("pk", flat=True))

    output = seed("--size", "small", "--seed", "2", "--if-empty")

    assert "already present" in output
    assert set(Participant.objects.values_list("pk", flat=True)) == pks
    assert snapshot() == before


@pytest.mark.parametrize("set_based", [True, False], ids=["set-based delete", "ORM cascade"])
def test_reseeding_replaces_only_demo_records(set_based, monkeypatch):
    if not set_based:  # what happens once another model points to participants
        monkeypatch.setattr(demo, "_only_known_relations", lambda: False)
    napoli = Municipality.objects.campania().get(name="Napoli")
    real_org = Organisation.objects.create(
        name="Comune di Napoli", kind=OrganisationKind.MUNICIPALITY, municipality=napoli
    )
    real_user = User.objects.create_user(email="real@example.org", password="x" * 12)
    Membership.objects.create(user=real_user, organisation=real_org, role=Role.OPERATOR)
    real = Participant.objects.create(
        owner=real_org,
        first_name="Amina",
        last_name="Benali",
        sex=Sex.FEMALE,
        birth_date=datetime.date(1990, 5, 17),
        country_of_birth=Country.objects.get(iso_alpha2="MA"),
    )
    seed("--size", "small", "--seed", "1")
    # Used through the interface: a demo consent replaced by a new one, and a participant registered by hand
    # in a demo organisation.
    old = Consent.objects.filter(participant__is_demo=True, withdrawn_at__isnull=True).first()
    old.withdrawn_at = timezone.now()
    old.save()
    Consent.objects.create(
        participant=old.participant,
        purpose=old.purpose,
        scope=ConsentScope.OWN,
        given_on=timezone.localdate(),
        evidence=ConsentEvidence.SIGNED_FORM,
        recorded_by=old.recorded_by,
        supersedes=old,
    )
    Participant.objects.create(
        owner=old.participant.owner,
        first_name="Nuovo",
        last_name="Iscritto",
        sex=Sex.MALE,
        birth_date=datetime.date(1995, 1, 1),
        country_of_birth=Country.objects.get(iso_alpha2="SN"),
    )

    seed("--size", "small", "--seed", "1")

    assert Participant.objects.filter(pk=real.pk).exists()
    assert Participant.objects.filter(is_demo=False).count() == 1
    assert Participant.objects.filter(is_demo=True).count() == 200
    assert Organisation.objects.filter(pk=real_org.pk, is_demo=False).exists()
    assert Membership.objects.filter(user=real_user).count() == 1
    # The demo "Comune di Napoli" is kept apart from the real one.
    assert Organisation.objects.get(name="Comune di Napoli (demo)").is_demo
    demo_organisations = len(demo.DEMO_ORGANISATIONS) + len(BASE_EXTRAS)  # network.demo adds a few
    assert Organisation.objects.filter(is_demo=True).count() == demo_organisations
    assert User.objects.filter(email__endswith="@" + demo.DEMO_EMAIL_DOMAIN).count() == len(
        set(User.objects.filter(email__endswith="@" + demo.DEMO_EMAIL_DOMAIN).values_list("email", flat=True))
    )


def test_audit_log_is_not_flooded_by_seeding():
    from auditlog.models import LogEntry

    seed("--size", "small", "--seed", "1")

    for model in (Participant, Consent, VulnerabilityFlag, Organisation, User, Membership):
        assert not LogEntry.objects.filter(content_type=ContentType.objects.get_for_model(model)).exists(), (
            model
        )


def test_one_demo_login_per_role():
    seed("--size", "small", "--seed", "1")

    demo_memberships = Membership.objects.filter(user__email__endswith="@" + demo.DEMO_EMAIL_DOMAIN)
    for role in Role.values:
        assert demo_memberships.filter(role=role).exists(), role
    napoli_roles = set(
        demo_memberships.filter(organisation__name="Comune di Napoli").values_list("role", flat=True)
    )
    assert {
        Role.ORG_ADMIN,
        Role.OPERATOR,
        Role.TRAINER,
        Role.MEDIATOR,
        Role.EDITOR,
        Role.VIEWER,
    } <= napoli_roles
    region_roles = set(
        demo_memberships.filter(organisation__name="Regione Campania").values_list("role", flat=True)
    )
    assert region_roles == {Role.REGIONAL_COORDINATOR, Role.MONITORING_OFFICER}
    third_sector_roles = set(
        demo_memberships.filter(organisation__kind=OrganisationKind.THIRD_SECTOR).values_list(
            "role", flat=True
        )
    )
    assert {Role.ORG_ADMIN, Role.OPERATOR} <= third_sector_roles

    two = [
        u
        for u in User.objects.filter(email__endswith="@" + demo.DEMO_EMAIL_DOMAIN)
        if u.memberships.count() == 2
    ]
    assert len(two) == 1
    memberships = list(two[0].memberships.order_by("pk"))
    assert {m.organisation.kind for m in memberships} == {
        OrganisationKind.MUNICIPALITY,
        OrganisationKind.THIRD_SECTOR,
    }
    assert two[0].active_membership == memberships[0]

    for user in User.objects.filter(email__endswith="@" + demo.DEMO_EMAIL_DOMAIN):
        assert user.active_membership is not None and user.active_membership.user_id == user.pk
        assert user.first_name and user.last_name
    admin = User.objects.get(email=demo.demo_email("admin.napoli"))
    assert admin.check_password(demo.DEMO_PASSWORD)

    out = StringIO()
    call_command("demo_logins", stdout=out)
    assert "admin.napoli@demo.interazioni.example.org" in out.getvalue()
    assert "operatrice.napoli@demo.interazioni.example.org" in out.getvalue()
