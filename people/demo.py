"""Deterministic demo data: social districts, partner organisations, staff logins and participants with
their consents and vulnerabilities, all marked as demo records.

`seed_demo(size, seed)` is what `manage.py seed_demo` runs. Every random draw comes from one
`random.Random(seed)` and is relative (an age in years and days, "so many days ago", a fraction of a
period), so the same seed gives the same people, names and relative dates; absolute dates (and the codice
fiscale, which encodes the birth date) are computed from `today` and move with it. The number of draws
never depends on `today`, so two runs with the same seed stay in step whatever the date.

Everything is written with `bulk_create` in batches (about 5,000 participants at a time), inside one
transaction and with django-auditlog switched off, so that a million participants fit in bounded memory
and the audit log is not flooded with demo rows. Because `bulk_create` skips `Participant.save()`, the
values `save()` derives (upper-case codice fiscale, `arrived_before_school_age`) are computed here.
"""

from __future__ import annotations

import datetime
import math
import random
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import accumulate

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from codicefiscale import codicefiscale
from django.contrib.auth.hashers import make_password
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import ProtectedError, Q, RestrictedError
from django.utils import timezone

from accounts.models import Membership, User
from core.roles import Role
from network.models import Organisation, OrganisationKind
from people.demo_data import (
    CAMPANIA_MUNICIPALITY_WEIGHTS,
    CITIZENSHIP_MIX,
    DEMO_ORGANISATIONS,
    LANGUAGES_BY_COUNTRY,
    NAMES,
    PERMIT_REASON_MIX,
)
from people.models import (
    SECOND_GENERATION_MAX_ARRIVAL_AGE,
    Consent,
    ConsentEvidence,
    ConsentPurpose,
    ConsentScope,
    EducationLevel,
    EmploymentStatus,
    Participant,
    ParticipantAccessLog,
    ParticipantStatus,
    PermitReason,
    Sex,
    VulnerabilityFlag,
    VulnerabilityKind,
    age_on,
    years_before,
)
from territory.models import Country, Language, Municipality, SocialDistrict

DEMO_PASSWORD = "Demo-InterAzioni-2026"  # noqa: S105 - the published password of the demo logins
DEMO_EMAIL_DOMAIN = "demo.interazioni.example.org"

SIZES: dict[str, int] = {"small": 200, "campania": 50_000, "national": 1_000_000}
# The national size only writes participants, citizenships and consents (no languages, vulnerabilities
# or back-dated creation times), to stay fast; the others write everything.
FULL_DETAIL_SIZES = frozenset({"small", "campania"})
BATCH_SIZE = 5_000
DELETE_CHUNK = 5_000
HISTORY_DAYS = 730  # participants were registered over the last 24 months

CASEWORK_KINDS = frozenset(
    {
        OrganisationKind.MUNICIPALITY,
        OrganisationKind.SOCIAL_DISTRICT,
        OrganisationKind.THIRD_SECTOR,
        OrganisationKind.JOB_CENTRE,
        OrganisationKind.SCHOOL,
        OrganisationKind.MIGRANT_ASSOCIATION,
        OrganisationKind.HEALTH_AUTHORITY,
    }
)
# How many participants an organisation of each kind registers, before locality: Comune di Napoli and the
# third-sector bodies hold the most.
OWNER_BASE_WEIGHT = {
    OrganisationKind.MUNICIPALITY: 12,
    OrganisationKind.SOCIAL_DISTRICT: 8,
    OrganisationKind.THIRD_SECTOR: 25,
    OrganisationKind.JOB_CENTRE: 6,
    OrganisationKind.SCHOOL: 6,
    OrganisationKind.MIGRANT_ASSOCIATION: 3,
    OrganisationKind.HEALTH_AUTHORITY: 5,
}
OWNER_WEIGHT_OVERRIDES = {"Comune di Napoli": 60}
# Migrant associations mostly register people of their own community.
COMMUNITY_OF = {
    "Associazione ucraina Soniashnyk Campania": "UA",
    "Associazione dei senegalesi Ndimbal Litorale Domizio": "SN",
    "Associazione srilankese Loto di Partenope": "LK",
}
# Organisations a participant may be referred to (consents listing organisations).
SHARING_KINDS = CASEWORK_KINDS | {OrganisationKind.UNIVERSITY, OrganisationKind.SOCIAL_PARTNER}

# code, name, lead municipality, member municipalities (only those not yet in a district are assigned).
DEMO_DISTRICTS: list[tuple[str, str, str, list[str]]] = [
    ("N1", "Ambito N1 - Napoli (demo)", "Napoli", ["Napoli"]),
    (
        "N10",
        "Ambito N10 - Area flegrea (demo)",
        "Pozzuoli",
        ["Pozzuoli", "Bacoli", "Monte di Procida", "Quarto"],
    ),
    (
        "C4",
        "Ambito C4 - Litorale domizio (demo)",
        "Castel Volturno",
        ["Castel Volturno", "Mondragone", "Cancello ed Arnone", "Villa Literno", "Falciano del Massico"],
    ),
    (
        "S3",
        "Ambito S3 - Piana del Sele (demo)",
        "Eboli",
        ["Eboli", "Battipaglia", "Campagna", "Capaccio Paestum", "Albanella", "Altavilla Silentina"],
    ),
]
# Organisation name -> (social district codes served, municipalities served).
SERVICE_AREAS: dict[str, tuple[list[str], list[str]]] = {
    "Prefettura - Ufficio territoriale del Governo di Napoli": (["N1", "N10"], []),
    "Prefettura - Ufficio territoriale del Governo di Caserta": (["C4"], []),
    "Prefettura - Ufficio territoriale del Governo di Salerno": (["S3"], []),
    "Comune di Napoli": ([], ["Napoli"]),
    "Comune di Caserta": ([], ["Caserta"]),
    "Comune di Salerno": ([], ["Salerno"]),
    "Comune di Castel Volturno": ([], ["Castel Volturno"]),
    "Comune di Eboli": ([], ["Eboli"]),
    "Ambito territoriale sociale N1 (demo)": (["N1"], []),
    "Ambito territoriale sociale S3 (demo)": (["S3"], []),
    "ASL Napoli 1 Centro": ([], ["Napoli"]),
    "Centro per l'Impiego di Napoli": ([], ["Napoli"]),
    "CPIA Napoli città 1": ([], ["Napoli"]),
    "Cooperativa sociale Approdi Vesuviani": (["N1", "N10"], ["Portici", "Ercolano", "Torre del Greco"]),
    "Cooperativa sociale Orizzonte Domizio": (["C4"], ["Giugliano in Campania"]),
    "Associazione di volontariato Lanterne del Sele": (["S3"], ["Pontecagnano Faiano"]),
    "Associazione ucraina Soniashnyk Campania": (
        [],
        ["Napoli", "Pozzuoli", "Portici", "Ercolano", "Torre del Greco", "Casoria"],
    ),
    "Associazione dei senegalesi Ndimbal Litorale Domizio": (["C4"], []),
    "Associazione srilankese Loto di Partenope": ([], ["Napoli"]),
    "Gruppo informale Mamme del Vasto": ([], ["Napoli"]),
    "Sindacato Lavoratori Uniti Campania - Sportello migranti di Caserta": (
        [],
        ["Caserta", "Marcianise", "Aversa", "Santa Maria Capua Vetere"],
    ),
    "Società agricola Serre Alte del Tusciano s.r.l.": ([], ["Battipaglia"]),
}

REGION_NAME = "Regione Campania"
NAPOLI_NAME = "Comune di Napoli"
THIRD_SECTOR_NAME = "Cooperativa sociale Approdi Vesuviani"
# Named logins: e-mail local part, first name, last name, memberships (organisation, role) in order. The
# local parts sort so that, for each role, the Comune di Napoli login comes first (`demo_logins` lists the
# first e-mail per role); the operators of the other organisations are "sportello.<handle>".
DEMO_STAFF: list[tuple[str, str, str, list[tuple[str, str]]]] = [
    ("admin.napoli", "Giovanna", "Esposito", [(NAPOLI_NAME, Role.ORG_ADMIN)]),
    ("operatrice.napoli", "Anna", "Russo", [(NAPOLI_NAME, Role.OPERATOR)]),
    ("formatore.napoli", "Marco", "De Luca", [(NAPOLI_NAME, Role.TRAINER)]),
    ("mediatrice.napoli", "Carmela", "Sorrentino", [(NAPOLI_NAME, Role.MEDIATOR)]),
    ("redazione.napoli", "Luca", "Romano", [(NAPOLI_NAME, Role.EDITOR)]),
    ("lettura.napoli", "Paola", "Ferrara", [(NAPOLI_NAME, Role.VIEWER)]),
    ("amministrazione.approdi", "Salvatore", "Coppola", [(THIRD_SECTOR_NAME, Role.ORG_ADMIN)]),
    ("sportello.approdi", "Gennaro", "Capasso", [(THIRD_SECTOR_NAME, Role.OPERATOR)]),
    ("coordinamento.regione", "Teresa", "Iovine", [(REGION_NAME, Role.REGIONAL_COORDINATOR)]),
    ("monitoraggio.regione", "Domenico", "Califano", [(REGION_NAME, Role.MONITORING_OFFICER)]),
    (
        "operatrice.rete",
        "Chiara",
        "Marino",
        [(NAPOLI_NAME, Role.OPERATOR), (THIRD_SECTOR_NAME, Role.OPERATOR)],
    ),
]
# E-mail handles of the operators (sportello.<handle>) created for the other casework organisations.
OPERATOR_HANDLES = {
    "Comune di Caserta": "caserta",
    "Comune di Salerno": "salerno",
    "Comune di Castel Volturno": "castelvolturno",
    "Comune di Eboli": "eboli",
    "Ambito territoriale sociale N1 (demo)": "ambito-n1",
    "Ambito territoriale sociale S3 (demo)": "ambito-s3",
    "ASL Napoli 1 Centro": "asl-napoli1",
    "Centro per l'Impiego di Napoli": "cpi-napoli",
    "CPIA Napoli città 1": "cpia-napoli1",
    "Cooperativa sociale Orizzonte Domizio": "orizzonte",
    "Associazione di volontariato Lanterne del Sele": "lanterne",
    "Associazione ucraina Soniashnyk Campania": "soniashnyk",
    "Associazione dei senegalesi Ndimbal Litorale Domizio": "ndimbal",
    "Associazione srilankese Loto di Partenope": "loto",
}

ITALIAN_FIRST_NAMES = {
    "F": [
        "Rosa",
        "Maria",
        "Francesca",
        "Federica",
        "Ilaria",
        "Valentina",
        "Sara",
        "Martina",
        "Giulia",
        "Lucia",
    ],
    "M": [
        "Antonio",
        "Giuseppe",
        "Ciro",
        "Vincenzo",
        "Francesco",
        "Pasquale",
        "Raffaele",
        "Stefano",
        "Andrea",
    ],
}
ITALIAN_LAST_NAMES = [
    "Greco", "Bruno", "Gallo", "Costa", "Fontana", "Caruso", "Rinaldi", "D'Angelo", "Amato", "Cirillo",
    "Palumbo", "Sepe", "Vitale", "Guarino", "Grimaldi", "Napolitano", "Santoro", "Ruggiero",
]  # fmt: skip
# First names often given to children born in Italy.
SECOND_GENERATION_FIRST_NAMES = {
    "F": ["Sofia", "Giulia", "Aurora", "Alice", "Emma", "Giorgia", "Beatrice", "Sara", "Martina", "Nicole"],
    "M": [
        "Leonardo",
        "Francesco",
        "Alessandro",
        "Lorenzo",
        "Mattia",
        "Andrea",
        "Gabriele",
        "Tommaso",
        "Samuele",
    ],
}

# Share of women among residents, by citizenship (rounded, ISTAT-like).
FEMALE_SHARE = {
    "UA": 0.78, "MA": 0.45, "LK": 0.50, "CN": 0.50, "BD": 0.15, "AL": 0.50, "IN": 0.35, "NG": 0.55,
    "PK": 0.12, "SN": 0.15, "DZ": 0.30, "GH": 0.35, "RU": 0.75, "TN": 0.30, "GE": 0.80, "BF": 0.15,
    "ML": 0.06, "GM": 0.06, "EG": 0.25, "BR": 0.68, "DO": 0.65, "CI": 0.35, "PH": 0.60, "PE": 0.62,
    "AF": 0.30,
}  # fmt: skip
# Unaccompanied minors come from a different mix of countries, and are nearly all boys.
UNACCOMPANIED_MIX = [
    ("EG", 25), ("TN", 18), ("BD", 14), ("PK", 10), ("GM", 8), ("ML", 8), ("CI", 7), ("AF", 6), ("SN", 6),
    ("AL", 5), ("UA", 3),
]  # fmt: skip
# A few people were born in a country other than their citizenship.
OTHER_BIRTH_COUNTRY = {"UA": "RU", "RU": "UA", "AF": "IR", "GM": "SN", "SN": "GM", "BF": "CI", "ML": "CI"}
FRANCOPHONE = frozenset({"SN", "BF", "ML", "CI", "MA", "DZ", "TN"})

ADULT_AGE_BANDS = [(18, 24), (25, 34), (35, 44), (45, 54), (55, 64), (65, 79)]
ADULT_AGE_WEIGHTS = [12, 30, 28, 18, 9, 3]
UKRAINIAN_ADULT_AGE_WEIGHTS = [6, 18, 26, 25, 18, 7]  # older: many women working in family care

# Years since arrival, by permit reason (low, high).
ARRIVAL_YEARS = {
    PermitReason.EU_LONG_TERM: (5, 25),
    PermitReason.FAMILY: (0.2, 15),
    PermitReason.WORK_EMPLOYED: (1, 18),
    PermitReason.WORK_SEASONAL: (0.2, 5),
    PermitReason.WORK_SELF_EMPLOYED: (3, 20),
    PermitReason.INTERNATIONAL_PROTECTION: (1, 9),
    PermitReason.ASYLUM_SEEKER: (0.05, 2),
    PermitReason.SPECIAL_PROTECTION: (1, 6),
    PermitReason.STUDY: (0.2, 5),
    PermitReason.JOB_SEEKING: (0.5, 3),
    PermitReason.MEDICAL: (0.2, 3),
    PermitReason.SOCIAL_PROTECTION: (0.5, 4),
    PermitReason.EU_BLUE_CARD: (0.5, 6),
    PermitReason.STATELESS: (3, 25),
}
DEFAULT_ARRIVAL_YEARS = (0.5, 15)
# Share with a codice fiscale, and share speaking Italian, by years since arrival (up to, share).
CODICE_FISCALE_SHARE = [(0.25, 0.12), (1, 0.3), (3, 0.45), (math.inf, 0.55)]
ITALIAN_SPEAKER_SHARE = [(1, 0.1), (3, 0.35), (8, 0.6), (math.inf, 0.8)]
TEMPORARY_PROTECTION_START = datetime.date(2022, 3, 1)  # arrivals fleeing the war in Ukraine
PROTECTION_REASONS = frozenset(
    {PermitReason.INTERNATIONAL_PROTECTION, PermitReason.ASYLUM_SEEKER, PermitReason.SPECIAL_PROTECTION}
)
WORK_REASONS = frozenset(
    {
        PermitReason.WORK_EMPLOYED,
        PermitReason.WORK_SEASONAL,
        PermitReason.WORK_SELF_EMPLOYED,
        PermitReason.EU_BLUE_CARD,
    }
)

ADULT_EDUCATION = [
    (EducationLevel.NONE, 6),
    (EducationLevel.PRIMARY, 15),
    (EducationLevel.LOWER_SECONDARY, 30),
    (EducationLevel.UPPER_SECONDARY, 27),
    (EducationLevel.POST_SECONDARY, 5),
    (EducationLevel.TERTIARY, 11),
    (EducationLevel.UNKNOWN, 6),
]
ADULT_EMPLOYMENT = [
    (EmploymentStatus.EMPLOYED, 35),
    (EmploymentStatus.SELF_EMPLOYED, 6),
    (EmploymentStatus.UNEMPLOYED, 30),
    (EmploymentStatus.INACTIVE, 14),
    (EmploymentStatus.STUDENT, 5),
    (EmploymentStatus.UNKNOWN, 10),
]
EVIDENCE_MIX = [
    (ConsentEvidence.SIGNED_FORM, 62),
    (ConsentEvidence.ORAL_WITH_MEDIATOR, 16),
    (ConsentEvidence.DIGITAL_SIGNATURE, 14),
    (ConsentEvidence.GUARDIAN, 4),
    (ConsentEvidence.OTHER, 4),
]

VULNERABILITY_NOTES: dict[str, list[str]] = {
    VulnerabilityKind.TRAFFICKING: [
        "Segnalata dallo sportello antitratta; presa in carico dal progetto regionale.",
        "Inserita in percorso di protezione sociale (art. 18).",
    ],
    VulnerabilityKind.VIOLENCE: [
        "Ospite di casa rifugio; percorso con il centro antiviolenza.",
        "Colloqui in corso con il centro antiviolenza del territorio.",
    ],
    VulnerabilityKind.TORTURE: [
        "Certificazione medico-legale in corso presso l'ASL.",
        "Seguito dal servizio di etnopsichiatria.",
    ],
    VulnerabilityKind.DISABILITY: [
        "Invalidità civile riconosciuta; serve accompagnamento agli appuntamenti.",
        "Disabilità motoria: preferire sedi accessibili.",
    ],
    VulnerabilityKind.SERIOUS_ILLNESS: [
        "Patologia cronica in cura presso l'ASL; controlli mensili.",
        "In attesa di intervento chirurgico programmato.",
    ],
    VulnerabilityKind.MENTAL_HEALTH: [
        "Sintomi da stress post-traumatico; sostegno psicologico attivo.",
        "Inviato al consultorio per un primo colloquio psicologico.",
    ],
    VulnerabilityKind.SINGLE_PARENT: [
        "Nucleo monogenitoriale con due figli minori.",
        "Genitore solo con un figlio in età prescolare; cerca un nido.",
    ],
    VulnerabilityKind.PREGNANCY: [
        "Gravidanza al sesto mese; seguita dal consultorio familiare.",
        "Gravidanza in corso; prima visita prenotata.",
    ],
    VulnerabilityKind.ELDERLY: [
        "Vive da solo, senza rete familiare sul territorio.",
        "Necessita di assistenza domiciliare.",
    ],
    VulnerabilityKind.HOUSING_EMERGENCY: [
        "Sfratto esecutivo; ricerca di un alloggio in corso.",
        "Ospite temporaneo del dormitorio comunale.",
        "Alloggio sovraffollato senza contratto di locazione.",
    ],
    VulnerabilityKind.OTHER: [
        "Segnalazione dei servizi sociali, da approfondire al prossimo colloquio.",
        "",
    ],
}


class DemoDataError(Exception):
    """The demo data cannot be (re)generated: the message says why."""


@dataclass
class SeedResult:
    size: str
    seed: int
    counts: dict[str, int] = field(default_factory=dict)
    elapsed: float = 0.0

    def summary(self) -> str:
        parts = ", ".join(f"{count} {name}" for name, count in self.counts.items())
        return f"Demo data (size {self.size}, seed {self.seed}): {parts} in {self.elapsed:.1f} s."


# --- Public entry points ------------------------------------------------------------------------------


def demo_email(local_part: str) -> str:
    return f"{local_part}@{DEMO_EMAIL_DOMAIN}"


def demo_data_exists() -> bool:
    return Participant.objects.filter(is_demo=True).exists()


def ensure_reference_data() -> None:
    """Load provinces, municipalities, countries and languages if they are missing."""
    if not (Municipality.objects.exists() and Country.objects.exists() and Language.objects.exists()):
        from territory.reference import load_all

        load_all()


def seed_demo(
    size: str = "small",
    seed: int = 1,
    *,
    today: datetime.date | None = None,
    progress: Callable[[str], None] | None = None,
) -> SeedResult:
    """Delete the previous demo data and generate it again, deterministically from `seed`."""
    if size not in SIZES:
        raise DemoDataError(f"Unknown size {size!r}: choose one of {', '.join(SIZES)}.")
    started = time.monotonic()
    ensure_reference_data()
    result = SeedResult(size=size, seed=seed)
    with disable_auditlog(), transaction.atomic():
        delete_demo_data()
        generator = _Generator(seed=seed, today=today or timezone.localdate(), full=size in FULL_DETAIL_SIZES)
        result.counts = generator.run(SIZES[size], progress=progress)
        from paths.demo import seed_paths  # plans, services, referrals, mediation for the demo people

        result.counts.update(seed_paths(seed, size, generator.today))
        from activities.demo import seed_activities  # courses, events, enrolments, attendance, assessments

        result.counts.update(seed_activities(seed, size, generator.today))
        from network.demo import seed_network  # profiles, agreements, tables, meetings, action items

        result.counts.update(seed_network(seed, size, generator.today))
        from skills.demo import seed_skills  # skills profiles: interviews, claims, history, next steps

        result.counts.update(seed_skills(seed, size, generator.today))
        from directory.demo import seed_directory  # portal: services, information pages, registrations

        result.counts.update(seed_directory(seed, size, generator.today))
        from monitoring.demo import seed_monitoring  # targets, from the pace of everything above

        result.counts.update(seed_monitoring(seed, size, generator.today))
    result.elapsed = time.monotonic() - started
    return result


def delete_demo_data() -> dict[str, int]:
    """Delete every demo record: participants (and what hangs off them), demo users, organisations and
    social districts, and the audit-log entries about them. Set-based, so memory stays bounded."""
    counts: dict[str, int] = {}
    with disable_auditlog(), transaction.atomic():
        try:
            from activities.demo import delete_activities_demo_data
            from directory.demo import delete_directory_demo_data  # first: it points to events and logins
            from monitoring.demo import delete_monitoring_demo_data
            from network.demo import delete_network_demo_data
            from paths.demo import delete_paths_demo_data  # what points to demo people, logins, bodies
            from skills.demo import delete_skills_demo_data  # then: it points to assessments and goals

            delete_monitoring_demo_data()
            delete_directory_demo_data()
            delete_skills_demo_data()
            delete_network_demo_data()
            delete_activities_demo_data()
            delete_paths_demo_data()
            counts["participants"] = _delete_demo_participants()
            users = User.objects.filter(email__iendswith="@" + DEMO_EMAIL_DOMAIN)
            _delete_log_entries(User, users.values("pk"))
            _delete_log_entries(Membership, Membership.objects.filter(user__in=users).values("pk"))
            counts["users"] = users.count()
            users.delete()
            organisations = Organisation.objects.filter(is_demo=True)
            _delete_log_entries(Organisation, organisations.values("pk"))
            counts["organisations"] = organisations.count()
            organisations.delete()
            districts = SocialDistrict.objects.filter(is_demo=True)
            _delete_log_entries(SocialDistrict, districts.values("pk"))
            counts["districts"] = districts.count()
            districts.delete()
        except (ProtectedError, RestrictedError) as exc:
            blocking = getattr(exc, "protected_objects", None) or getattr(exc, "restricted_objects", ())
            raise DemoDataError(
                "Demo data cannot be deleted because other records still point to it "
                f"({', '.join(sorted({type(obj).__name__ for obj in blocking}))}). "
                "Delete those records first."
            ) from exc
    return counts


def _delete_demo_participants() -> int:
    # Participants flagged as demo, and any record later added through the interface to a demo organisation.
    demo = Participant.objects.filter(Q(is_demo=True) | Q(owner__is_demo=True))
    total = demo.count()
    if not total:
        return 0
    # A consent that supersedes another protects it from deletion: unlink the chains first.
    Consent.objects.filter(participant__in=demo, supersedes__isnull=False).update(supersedes=None)
    demo_ids = demo.values("pk")
    _delete_log_entries(Participant, demo_ids)
    _delete_log_entries(Consent, Consent.objects.filter(participant__in=demo_ids).values("pk"))
    _delete_log_entries(
        VulnerabilityFlag, VulnerabilityFlag.objects.filter(participant__in=demo_ids).values("pk")
    )
    if _only_known_relations():
        # Set-based: one DELETE per table, whatever the size. The ORM's collector would load every
        # participant and consent (a million of them for the national size) only to send signals that
        # nobody listens to while the audit log is off.
        Consent.organisations.through.objects.filter(consent__participant__in=demo_ids).delete()
        Participant.citizenships.through.objects.filter(participant__in=demo_ids).delete()
        Participant.languages.through.objects.filter(participant__in=demo_ids).delete()
        ParticipantAccessLog.objects.filter(participant__in=demo_ids).delete()
        for queryset in (
            Consent.objects.filter(participant__in=demo_ids),
            VulnerabilityFlag.objects.filter(participant__in=demo_ids),
            demo,
        ):
            queryset._raw_delete(queryset.db)
        return total
    # Another model now points to participants or consents: let the ORM cascade, in chunks.
    while ids := list(demo.order_by("pk").values_list("pk", flat=True)[:DELETE_CHUNK]):
        Participant.objects.filter(pk__in=ids).delete()
    return total


# What points to participants, consents and vulnerabilities today (model, field): the fast deletion above
# handles exactly these.
_KNOWN_RELATIONS = {
    Participant: {
        ("Participant_citizenships", "participant"),
        ("Participant_languages", "participant"),
        ("Consent", "participant"),
        ("VulnerabilityFlag", "participant"),
        ("ParticipantAccessLog", "participant"),
        # paths rows: deleted first by paths.demo.delete_paths_demo_data
        ("IndividualPlan", "participant"),
        ("ServiceRecord", "participant"),
        ("Referral", "participant"),
        ("MediationRequest", "participant"),
        # activities rows: deleted first by activities.demo.delete_activities_demo_data
        ("Enrolment", "participant"),
        # skills rows: deleted first by skills.demo.delete_skills_demo_data
        ("SkillsProfile", "participant"),
    },
    Consent: {("Consent_organisations", "consent"), ("Consent", "supersedes"), ("Referral", "consent")},
    VulnerabilityFlag: set(),
    ParticipantAccessLog: set(),
}


def _only_known_relations() -> bool:
    for model, known in _KNOWN_RELATIONS.items():
        relations = {
            (rel.related_model.__name__, rel.field.name)
            for rel in model._meta.get_fields(include_hidden=True)
            if rel.auto_created and not rel.concrete and (rel.one_to_many or rel.one_to_one)
        }
        if relations != known:
            return False
    return True


def _delete_log_entries(model, pks) -> None:
    """Delete the audit-log entries about the given objects (`pks`: a list or a values("pk") queryset)."""
    content_type = ContentType.objects.get_for_model(model)
    LogEntry.objects.filter(content_type=content_type, object_id__in=pks).delete()


# --- Codice fiscale ----------------------------------------------------------------------------------


@lru_cache(maxsize=100_000)
def _cf_name_part(last_name: str, first_name: str) -> str:
    return codicefiscale.encode_lastname(last_name) + codicefiscale.encode_firstname(first_name)


@lru_cache(maxsize=1_000)
def _cf_place_known(code: str) -> bool:
    try:
        return codicefiscale.encode_birthplace(code) == code
    except ValueError:
        return False


def encode_codice_fiscale(
    last_name: str, first_name: str, sex: str, birth_date: datetime.date, place: str
) -> str:
    """The same code as `codicefiscale.encode(...)` with the place given as its cadastral code, built from
    the library's own encoders but without re-decoding every code (this runs tens of thousands of times)."""
    birth = datetime.datetime(birth_date.year, birth_date.month, birth_date.day)
    code = _cf_name_part(last_name, first_name) + codicefiscale.encode_birthdate(birth, sex) + place
    return code + codicefiscale.encode_cin(code)


def temporary_tax_code(digits: str) -> str:
    """An 11-digit temporary codice fiscale (as given to some asylum seekers) with its control digit."""
    total = 0
    for index, char in enumerate(digits[:10]):
        digit = int(char)
        if index % 2:
            digit *= 2
            digit = digit - 9 if digit > 9 else digit
        total += digit
    return digits[:10] + str((10 - total % 10) % 10)


# --- The generator -----------------------------------------------------------------------------------


@dataclass
class _Draft:
    """One participant before it is written, with what is attached to it."""

    participant: Participant
    citizenship_ids: list[int]
    language_ids: list[int]
    created_at: datetime.datetime
    consents: list[dict]
    vulnerabilities: list[tuple[str, str, bool]]


class _Weighted:
    """A weighted choice with precomputed cumulative weights (one `random()` draw per choice)."""

    def __init__(self, pairs):
        self.items = [item for item, _ in pairs]
        self.cum = list(accumulate(weight for _, weight in pairs))

    def pick(self, rng: random.Random):
        return rng.choices(self.items, cum_weights=self.cum)[0]


class _Generator:
    def __init__(self, *, seed: int, today: datetime.date, full: bool):
        self.rng = random.Random(seed)
        self.today = today
        self.full = full
        self.tz = timezone.get_current_timezone()
        self.now = timezone.now()
        self.counts: dict[str, int] = {}
        self._owner_tables: dict[tuple[int, str], _Weighted] = {}
        self._load_reference()

    # Reference data ------------------------------------------------------------------------------

    def _load_reference(self) -> None:
        self.countries = {c.iso_alpha2: c for c in Country.objects.all()}
        missing = [code for code, _ in CITIZENSHIP_MIX if code not in self.countries] + (
            [] if "IT" in self.countries else ["IT"]
        )
        if missing:
            raise DemoDataError(f"Countries missing from the reference data: {', '.join(missing)}.")
        self.italy = self.countries["IT"]
        self.language_ids = dict(Language.objects.values_list("code", "pk"))
        self.language_names = dict(Language.objects.values_list("code", "name_it"))
        self.municipalities = {m.name: m for m in Municipality.objects.campania().select_related("province")}
        needed = {name for name, _ in CAMPANIA_MUNICIPALITY_WEIGHTS} | {
            o["municipality"] for o in DEMO_ORGANISATIONS
        }
        missing = sorted(needed - set(self.municipalities))
        if missing:
            raise DemoDataError(
                f"Campania municipalities missing from the reference data: {', '.join(missing)}."
            )
        self.residence = _Weighted(
            [(self.municipalities[name], w) for name, w in CAMPANIA_MUNICIPALITY_WEIGHTS]
        )
        weighted_names = {name for name, _ in CAMPANIA_MUNICIPALITY_WEIGHTS}
        self.other_municipalities = sorted(
            (m for m in self.municipalities.values() if m.name not in weighted_names),
            key=lambda m: m.istat_code,
        )
        self.citizenship_mix = _Weighted(CITIZENSHIP_MIX)
        self.unaccompanied_mix = _Weighted(UNACCOMPANIED_MIX)
        self.adult_permits = _Weighted(
            [
                (reason, w)
                for reason, w in PERMIT_REASON_MIX
                if reason not in (PermitReason.MINOR_AGE, PermitReason.UNACCOMPANIED_MINOR)
            ]
        )
        self.adult_ages = _Weighted(list(zip(ADULT_AGE_BANDS, ADULT_AGE_WEIGHTS, strict=True)))
        self.ukrainian_adult_ages = _Weighted(
            list(zip(ADULT_AGE_BANDS, UKRAINIAN_ADULT_AGE_WEIGHTS, strict=True))
        )
        self.education = _Weighted(ADULT_EDUCATION)
        self.employment = _Weighted(ADULT_EMPLOYMENT)
        self.evidence = _Weighted(EVIDENCE_MIX)

    # Organisations, districts and users ------------------------------------------------------------

    def _create_districts(self) -> dict[str, SocialDistrict]:
        taken = set(SocialDistrict.objects.values_list("code", flat=True))
        districts = {}
        for code, name, lead, members in DEMO_DISTRICTS:
            lead_municipality = self.municipalities[lead]
            district = SocialDistrict.objects.create(
                # A real district with the same code wins: the demo one gets a distinct code.
                code=code if code not in taken else f"{code}-DEMO",
                name=name,
                province=lead_municipality.province,
                lead_municipality=lead_municipality,
                is_demo=True,
            )
            Municipality.objects.filter(
                pk__in=[self.municipalities[m].pk for m in members if m in self.municipalities],
                social_district__isnull=True,
            ).update(social_district=district)
            districts[code] = district
        self.district_of = dict(
            Municipality.objects.campania()
            .filter(social_district__isnull=False)
            .values_list("pk", "social_district_id")
        )
        self.counts["social districts"] = len(districts)
        return districts

    def _create_organisations(self, districts: dict[str, SocialDistrict]) -> None:
        existing = set(Organisation.objects.values_list("name", "municipality_id"))
        organisations = []
        for spec in DEMO_ORGANISATIONS:
            municipality = self.municipalities[spec["municipality"]]
            name = spec["name"]
            if (name, municipality.pk) in existing:  # a real organisation of that name: keep both apart
                name = f"{name} (demo)"
            first, last = self._italian_name()
            organisations.append(
                Organisation(
                    name=name,
                    kind=spec["kind"],
                    municipality=municipality,
                    migrant_led=spec["migrant_led"],
                    email=spec["email"],
                    phone=spec["phone"],
                    contact_person=f"{first} {last}",
                    is_demo=True,
                )
            )
        Organisation.objects.bulk_create(organisations)
        self.organisations = {
            spec["name"]: org for spec, org in zip(DEMO_ORGANISATIONS, organisations, strict=True)
        }
        districts_through = Organisation.districts_served.through
        areas_through = Organisation.areas_served.through
        district_rows, area_rows = [], []
        self.serves: dict[int, tuple[set[int], set[int]]] = {}
        for name, org in self.organisations.items():
            codes, towns = SERVICE_AREAS.get(name, ([], []))
            district_ids = {districts[code].pk for code in codes}
            area_ids = {self.municipalities[town].pk for town in towns}
            self.serves[org.pk] = (district_ids, area_ids)
            district_rows += [
                districts_through(organisation_id=org.pk, socialdistrict_id=d) for d in sorted(district_ids)
            ]
            area_rows += [areas_through(organisation_id=org.pk, municipality_id=m) for m in sorted(area_ids)]
        districts_through.objects.bulk_create(district_rows)
        areas_through.objects.bulk_create(area_rows)
        self.casework = [org for org in self.organisations.values() if org.kind in CASEWORK_KINDS]
        self.sharing_candidates = [org for org in self.organisations.values() if org.kind in SHARING_KINDS]
        self.counts["organisations"] = len(organisations)

    def _create_users(self) -> None:
        password = make_password(DEMO_PASSWORD)  # hashed once, shared by every demo login
        specs = [
            (demo_email(local), first, last, [(self.organisations[org], role) for org, role in memberships])
            for local, first, last, memberships in DEMO_STAFF
        ]
        for org in self.casework:
            handle = OPERATOR_HANDLES.get(org.name)
            if handle:
                first, last = self._italian_name()
                specs.append((demo_email(f"sportello.{handle}"), first, last, [(org, Role.OPERATOR)]))
        users = [
            User(email=email, first_name=first, last_name=last, password=password, is_active=True)
            for email, first, last, _ in specs
        ]
        User.objects.bulk_create(users)
        memberships = [
            Membership(user=user, organisation=org, role=role)
            for user, (_, _, _, pairs) in zip(users, specs, strict=True)
            for org, role in pairs
        ]
        Membership.objects.bulk_create(memberships)
        first_membership: dict[int, Membership] = {}
        for membership in memberships:
            first_membership.setdefault(membership.user_id, membership)
        for user in users:
            user.active_membership = first_membership[user.pk]
        User.objects.bulk_update(users, ["active_membership"])
        # Who records consents and vulnerabilities for each organisation: its operators and admins.
        self.recorders: dict[int, list[int]] = {}
        for membership in memberships:
            if membership.role in (Role.OPERATOR, Role.ORG_ADMIN):
                self.recorders.setdefault(membership.organisation_id, []).append(membership.user_id)
        self.coordinator_id = next(m.user_id for m in memberships if m.role == Role.REGIONAL_COORDINATOR)
        self.counts["users"] = len(users)
        self.counts["memberships"] = len(memberships)

    def _italian_name(self) -> tuple[str, str]:
        sex = "F" if self.rng.random() < 0.6 else "M"
        return self.rng.choice(ITALIAN_FIRST_NAMES[sex]), self.rng.choice(ITALIAN_LAST_NAMES)

    # Participants ----------------------------------------------------------------------------------

    def run(self, total: int, progress: Callable[[str], None] | None = None) -> dict[str, int]:
        districts = self._create_districts()
        self._create_organisations(districts)
        self._create_users()
        for name in ("participants", "consents", "vulnerabilities"):
            self.counts[name] = 0
        written = 0
        while written < total:
            batch = [self._draft() for _ in range(min(BATCH_SIZE, total - written))]
            self._write(batch)
            written += len(batch)
            if progress and (written % 100_000 == 0 or written == total) and total >= 100_000:
                progress(f"  {written:,} participants written")
        return self.counts

    def _owner_table(self, municipality: Municipality, citizenship: str) -> _Weighted:
        key = (municipality.pk, citizenship)
        table = self._owner_tables.get(key)
        if table is None:
            district_id = self.district_of.get(municipality.pk)
            pairs = []
            for org in self.casework:
                district_ids, area_ids = self.serves[org.pk]
                serves = (
                    municipality.pk in area_ids
                    or district_id in district_ids
                    or org.municipality_id == municipality.pk
                )
                if serves:
                    locality = 1.0
                elif org.kind in (OrganisationKind.MUNICIPALITY, OrganisationKind.SOCIAL_DISTRICT):
                    locality = 0.0  # a Comune or an Ambito works only for its own residents
                elif org.municipality.province_id == municipality.province_id:
                    locality = 0.15
                else:
                    locality = 0.02
                weight = OWNER_WEIGHT_OVERRIDES.get(org.name, OWNER_BASE_WEIGHT[org.kind]) * locality
                if COMMUNITY_OF.get(org.name) == citizenship:
                    weight *= 8
                pairs.append((org, weight))
            table = self._owner_tables[key] = _Weighted(pairs)
        return table

    def _birth_date(self, years: int) -> datetime.date:
        """A birth date at which the person is exactly `years` old today (one draw)."""
        offset = self.rng.randrange(365)
        return years_before(self.today, years + 1) + datetime.timedelta(days=1 + offset)

    def _days_ago(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)

    def _at(self, day: datetime.date, seconds: int) -> datetime.datetime:
        moment = datetime.time(seconds // 3600, seconds // 60 % 60, seconds % 60)
        return min(datetime.datetime.combine(day, moment, self.tz), self.now)  # never in the future

    def _draft(self) -> _Draft:
        rng = self.rng
        today = self.today

        # Who: profile, citizenship, sex, age.
        profile = rng.random()
        born_in_italy = profile < 0.06
        unaccompanied = 0.06 <= profile < 0.068
        newly_arrived_minor = 0.068 <= profile < 0.093
        other_minor = 0.093 <= profile < 0.145
        citizenship = (self.unaccompanied_mix if unaccompanied else self.citizenship_mix).pick(rng)
        sex_draw = rng.random()
        if unaccompanied:
            sex = Sex.MALE if sex_draw < 0.92 else Sex.FEMALE
        elif sex_draw < 0.003:
            sex = Sex.OTHER
        else:
            sex = Sex.FEMALE if rng.random() < FEMALE_SHARE.get(citizenship, 0.5) else Sex.MALE
        age_draw = rng.random()
        if born_in_italy:
            years = int(age_draw * 18) if age_draw < 0.6 else 18 + int((age_draw - 0.6) / 0.4 * 13)
        elif unaccompanied:
            years = 15 + int(age_draw * 3)
        elif newly_arrived_minor:
            years = 1 + int(age_draw * 17)
        elif other_minor:
            years = 3 + int(age_draw * 15)
        else:
            low, high = (self.ukrainian_adult_ages if citizenship == "UA" else self.adult_ages).pick(rng)
            years = low + int(age_draw * (high - low + 1))
        birth_date = self._birth_date(years)
        age_days = (today - birth_date).days
        minor = years < 18

        # Why and since when they are in Italy.
        permit_draw = rng.random()
        if unaccompanied:
            permit = PermitReason.UNACCOMPANIED_MINOR
        elif minor:
            if newly_arrived_minor:
                mix = [
                    (PermitReason.FAMILY, 0.6),
                    (PermitReason.MINOR_AGE, 0.9),
                    (PermitReason.ASYLUM_SEEKER, 1.0),
                ]
            elif born_in_italy:
                mix = [
                    (PermitReason.FAMILY, 0.5),
                    (PermitReason.MINOR_AGE, 0.7),
                    (PermitReason.EU_LONG_TERM, 1.0),
                ]
            else:
                mix = [
                    (PermitReason.FAMILY, 0.55),
                    (PermitReason.MINOR_AGE, 0.9),
                    (PermitReason.EU_LONG_TERM, 1.0),
                ]
            permit = next(reason for reason, limit in mix if permit_draw < limit)
        elif born_in_italy:
            mix = [
                (PermitReason.EU_LONG_TERM, 0.45),
                (PermitReason.FAMILY, 0.6),
                (PermitReason.WORK_EMPLOYED, 0.85),
                (PermitReason.STUDY, 1.0),
            ]
            permit = next(reason for reason, limit in mix if permit_draw < limit)
        elif citizenship == "UA" and permit_draw < 0.4:
            permit = PermitReason.TEMPORARY_PROTECTION
        else:
            permit = self.adult_permits.pick(rng)
        if not born_in_italy and permit_draw > 0.97 and not minor:
            permit = ""  # not recorded yet

        arrival_draw, cap_draw = rng.random(), rng.random()
        if born_in_italy:
            arrival_days = None
        elif unaccompanied:
            arrival_days = 14 + int(arrival_draw * 700)
        elif newly_arrived_minor:
            arrival_days = 7 + int(arrival_draw * 720)
        elif other_minor:
            arrival_days = 731 + int(arrival_draw * max(age_days - 732, 0))
        elif permit == PermitReason.TEMPORARY_PROTECTION:
            arrival_days = 20 + int(arrival_draw * max((today - TEMPORARY_PROTECTION_START).days - 20, 0))
        else:
            low, high = ARRIVAL_YEARS.get(permit, DEFAULT_ARRIVAL_YEARS)
            arrival_days = int((low + arrival_draw * (high - low)) * 365.25)
        if arrival_days is not None and arrival_days >= age_days:
            # Too long ago for their age: they came as a child or teenager instead.
            arrival_days = max(age_days - int(cap_draw * min(age_days - 1, 16 * 365)), 1)
        arrival_date = self._days_ago(arrival_days) if arrival_days is not None else None
        years_in_italy = years if arrival_days is None else arrival_days / 365.25

        expiry_draw, renewal_draw = rng.random(), rng.random()
        permit_expiry = None
        permit_being_renewed = False
        if permit and permit != PermitReason.EU_LONG_TERM:
            if permit == PermitReason.ASYLUM_SEEKER:
                delta = -60 + int(expiry_draw * 240)
            else:
                delta = -150 + int(expiry_draw * 880)  # some expired, most valid for up to 24 months
            permit_expiry = today + datetime.timedelta(days=delta)
            if arrival_date and permit_expiry <= arrival_date:
                permit_expiry = arrival_date + datetime.timedelta(days=180)
            delta = (permit_expiry - today).days
            permit_being_renewed = (delta < 0 and renewal_draw < 0.7) or (
                0 <= delta < 60 and renewal_draw < 0.25
            )

        # Where they were born and which citizenships they hold.
        birth_draw = rng.random()
        if born_in_italy:
            country_of_birth = self.italy
        elif birth_draw < 0.02 and OTHER_BIRTH_COUNTRY.get(citizenship) in self.countries:
            country_of_birth = self.countries[OTHER_BIRTH_COUNTRY[citizenship]]
        else:
            country_of_birth = self.countries[citizenship]
        is_stateless = permit == PermitReason.STATELESS
        citizenship_ids = [] if is_stateless else [self.countries[citizenship].pk]

        # Names.
        name_sex = sex if sex != Sex.OTHER else ("F" if rng.random() < 0.5 else "M")
        names = NAMES[citizenship]
        italian_first = born_in_italy and rng.random() < 0.35
        first_name = rng.choice((SECOND_GENERATION_FIRST_NAMES if italian_first else names)[name_sex])
        last_name = rng.choice(names["last"])

        # Residence and owner.
        if rng.random() < 0.9:
            municipality = self.residence.pick(rng)
        else:
            municipality = rng.choice(self.other_municipalities)
        owner = self._owner_table(municipality, citizenship).pick(rng)
        recorders = self.recorders.get(owner.pk) or [self.coordinator_id]
        recorder_id = rng.choice(recorders)

        # Codice fiscale: more likely the longer someone has been in Italy.
        code_draw, numeric_draw, digits = rng.random(), rng.random(), rng.randrange(10**9, 10**10)
        if born_in_italy or permit == PermitReason.EU_LONG_TERM:
            has_code = code_draw < 0.85
        else:
            has_code = code_draw < _by_years(CODICE_FISCALE_SHARE, years_in_italy)
        codice_fiscale = ""
        if (
            has_code
            and permit in (PermitReason.ASYLUM_SEEKER, PermitReason.UNACCOMPANIED_MINOR)
            and numeric_draw < 0.4
        ):
            codice_fiscale = temporary_tax_code(str(digits))
        elif has_code and sex != Sex.OTHER:
            if born_in_italy:
                place_municipality = municipality if numeric_draw < 0.7 else self.municipalities["Napoli"]
                place = place_municipality.cadastral_code
                if not _cf_place_known(place):
                    place = self.municipalities["Napoli"].cadastral_code
            else:
                place = country_of_birth.cadastral_code
            if _cf_place_known(place):
                codice_fiscale = encode_codice_fiscale(last_name, first_name, sex, birth_date, place)

        # Languages.
        language_codes = LANGUAGES_BY_COUNTRY.get(citizenship, [])
        spoken = [code for index, code in enumerate(language_codes) if index == 0 or rng.random() < 0.3]
        italian_draw, english_draw, french_draw = rng.random(), rng.random(), rng.random()
        if born_in_italy:
            italian = True
            if italian_draw < 0.3:
                spoken = []  # children who speak only Italian
        else:
            italian = italian_draw < _by_years(ITALIAN_SPEAKER_SHARE, years_in_italy)
        if italian:
            spoken.append("ita")
        if english_draw < 0.12 and "eng" not in spoken:
            spoken.append("eng")
        if french_draw < (0.25 if citizenship in FRANCOPHONE else 0.05) and "fra" not in spoken:
            spoken.append("fra")
        language_ids = [
            self.language_ids[code] for code in dict.fromkeys(spoken) if code in self.language_ids
        ]

        # Education and work.
        education_pick, employment_pick = self.education.pick(rng), self.employment.pick(rng)
        if years < 11:
            education = EducationLevel.NONE
        elif years < 14:
            education = EducationLevel.PRIMARY
        elif minor:
            education = EducationLevel.LOWER_SECONDARY if years_in_italy > 2 else EducationLevel.PRIMARY
        else:
            education = education_pick
        if years < 6:
            employment = EmploymentStatus.INACTIVE
        elif minor or permit == PermitReason.STUDY:
            employment = EmploymentStatus.STUDENT
        elif years >= 65:
            employment = EmploymentStatus.INACTIVE
        elif permit in WORK_REASONS:
            employment = (
                EmploymentStatus.SELF_EMPLOYED
                if permit == PermitReason.WORK_SELF_EMPLOYED
                else EmploymentStatus.EMPLOYED
            )
        else:
            employment = employment_pick

        # Contacts (clearly fake) and status.
        phone_draw, prefix, number = rng.random(), rng.randrange(20, 93), rng.randrange(10_000)
        email_draw, email_number = rng.random(), rng.randrange(10, 100)
        phone = f"+39 3{prefix} 000 {number:04d}" if phone_draw < (0.5 if years < 14 else 0.85) else ""
        email = ""
        if years >= 14 and email_draw < 0.3:
            local = re.sub(r"[^a-z]", "", first_name.lower()) + "." + re.sub(r"[^a-z]", "", last_name.lower())
            email = f"{local}{email_number}@example.org"
        status = ParticipantStatus.CLOSED if rng.random() < 0.05 else ParticipantStatus.ACTIVE

        # Registration: some time in the last 24 months, after arrival (or birth).
        created_draw, created_time = rng.random(), rng.randrange(8 * 3600 + 1800, 18 * 3600)
        since = min(HISTORY_DAYS, arrival_days if arrival_days is not None else age_days)
        created_on = self._days_ago(int(created_draw * since))
        created_at = self._at(created_on, created_time)

        participant = Participant(
            public_id=uuid.UUID(int=rng.getrandbits(128), version=4),
            owner=owner,
            first_name=first_name,
            last_name=last_name,
            sex=sex,
            birth_date=birth_date,
            country_of_birth=country_of_birth,
            is_stateless=is_stateless,
            codice_fiscale=codice_fiscale.strip().upper(),
            permit_reason=permit,
            permit_expiry=permit_expiry,
            permit_being_renewed=permit_being_renewed,
            arrival_date=arrival_date,
            # What Participant.save() would compute (bulk_create does not call save()).
            arrived_before_school_age=bool(
                arrival_date and age_on(birth_date, arrival_date) < SECOND_GENERATION_MAX_ARRIVAL_AGE
            ),
            municipality=municipality,
            phone=phone,
            email=email,
            education_level=education,
            employment_status=employment,
            unaccompanied_minor=unaccompanied,
            status=status,
            is_demo=True,
            created_by_id=recorder_id,
        )
        consents = self._consents(owner, recorder_id, created_on, years, language_codes)
        vulnerabilities = self._vulnerabilities(sex, years, permit, citizenship, unaccompanied)
        return _Draft(participant, citizenship_ids, language_ids, created_at, consents, vulnerabilities)

    def _consents(self, owner, recorder_id, created_on, years, language_codes) -> list[dict]:
        rng = self.rng
        consents = []
        services_draw, sharing_draw, contact_draw, scope_draw = (rng.random() for _ in range(4))
        same_day_draw, day_draw, withdraw_draw, when_draw = (rng.random() for _ in range(4))
        evidence = self.evidence.pick(rng)
        protocol = rng.randrange(1, 100_000)
        k = 1 + int(rng.random() * 3)
        listed = rng.sample(self.sharing_candidates, k + 1)
        listed = [org.pk for org in listed if org.pk != owner.pk][:k]
        span = (self.today - created_on).days
        given_on = (
            created_on if same_day_draw < 0.7 else created_on + datetime.timedelta(days=int(day_draw * span))
        )
        if years < 14:
            evidence = ConsentEvidence.GUARDIAN
        main_language = self.language_names.get(language_codes[0] if language_codes else "ita", "")
        reference = {
            ConsentEvidence.SIGNED_FORM: f"Prot. n. {given_on.year}/{protocol:05d}",
            ConsentEvidence.DIGITAL_SIGNATURE: f"consenso_{protocol:05d}.pdf.p7m",
            ConsentEvidence.ORAL_WITH_MEDIATOR: f"Mediatore culturale presente ({main_language.lower()})",
            ConsentEvidence.GUARDIAN: "Firmato dal genitore o tutore",
            ConsentEvidence.OTHER: "Registrato allo sportello",
        }[evidence]
        common = {
            "given_on": given_on,
            "evidence": evidence,
            "evidence_reference": reference,
            "recorded_by_id": recorder_id,
        }
        if services_draw < 0.9:
            consents.append(
                {"purpose": ConsentPurpose.SERVICES, "granted": True, "scope": ConsentScope.OWN, **common}
            )
        if sharing_draw < 0.7:
            scope = ConsentScope.NETWORK if scope_draw < 0.55 else ConsentScope.LISTED
            sharing = {
                "purpose": ConsentPurpose.SHARING,
                "granted": True,
                "scope": scope,
                "organisations": listed if scope == ConsentScope.LISTED else [],
                **common,
            }
            withdrawn_on = given_on + datetime.timedelta(days=int(when_draw * (self.today - given_on).days))
            withdrawn_at = self._at(withdrawn_on, 15 * 3600 + int(when_draw * 7200))
            if withdraw_draw < 0.02:
                sharing["withdrawn"] = (withdrawn_at, recorder_id, "Revocato su richiesta dell'interessato")
            elif withdraw_draw < 0.035 and scope == ConsentScope.NETWORK and listed:
                # Narrowed later: the network-wide consent is withdrawn and replaced by a listed one.
                sharing["withdrawn"] = (withdrawn_at, recorder_id, "superseded")
                sharing["replacement"] = {
                    **sharing,
                    "scope": ConsentScope.LISTED,
                    "organisations": listed,
                    "given_on": withdrawn_on,
                    "recorded_at": withdrawn_at,
                    "withdrawn": None,
                }
            consents.append(sharing)
        elif sharing_draw < 0.73:
            consents.append(
                {"purpose": ConsentPurpose.SHARING, "granted": False, "scope": ConsentScope.OWN, **common}
            )
        if contact_draw < 0.35 and years >= 14:
            consents.append(
                {"purpose": ConsentPurpose.CONTACT, "granted": True, "scope": ConsentScope.OWN, **common}
            )
        return consents

    def _vulnerabilities(self, sex, years, permit, citizenship, unaccompanied) -> list[tuple[str, str, bool]]:
        rng = self.rng
        flag_draw, second_draw, active_draw = rng.random(), rng.random(), rng.random()
        kind_draws = (rng.random(), rng.random())
        note_draws = (rng.random(), rng.random())
        if unaccompanied:
            chance = 0.3
        elif permit in PROTECTION_REASONS or (citizenship == "NG" and sex == Sex.FEMALE):
            chance = 0.15
        else:
            chance = 0.065
        if flag_draw >= chance:
            return []
        weights = {
            VulnerabilityKind.HOUSING_EMERGENCY: 25,
            VulnerabilityKind.SERIOUS_ILLNESS: 12,
            VulnerabilityKind.MENTAL_HEALTH: 15,
            VulnerabilityKind.DISABILITY: 8,
            VulnerabilityKind.OTHER: 5,
        }
        if years >= 18 and not unaccompanied:
            weights[VulnerabilityKind.SINGLE_PARENT] = 10
        if sex == Sex.FEMALE and years >= 16:
            weights[VulnerabilityKind.VIOLENCE] = 10
            weights[VulnerabilityKind.TRAFFICKING] = 30 if citizenship == "NG" else 4
            if 18 <= years <= 45:
                weights[VulnerabilityKind.PREGNANCY] = 8
        if permit in PROTECTION_REASONS or unaccompanied:
            weights[VulnerabilityKind.TORTURE] = 6
            weights[VulnerabilityKind.MENTAL_HEALTH] += 10
        if years >= 65:
            weights[VulnerabilityKind.ELDERLY] = 30
        table = _Weighted(list(weights.items()))
        kinds = [table.items[_index(table.cum, kind_draws[0])]]
        if second_draw < 0.3:
            second = table.items[_index(table.cum, kind_draws[1])]
            if second not in kinds:
                kinds.append(second)
        flags = []
        for kind, note_draw in zip(kinds, note_draws, strict=False):
            notes = VULNERABILITY_NOTES[kind]
            flags.append((kind, notes[int(note_draw * len(notes))], active_draw < 0.85))
        return flags

    # Writing ---------------------------------------------------------------------------------------

    def _write(self, drafts: list[_Draft]) -> None:
        participants = [draft.participant for draft in drafts]
        Participant.objects.bulk_create(participants)
        self.counts["participants"] += len(participants)

        citizenships = Participant.citizenships.through
        citizenships.objects.bulk_create(
            citizenships(participant_id=d.participant.pk, country_id=country_id)
            for d in drafts
            for country_id in d.citizenship_ids
        )
        if self.full:
            languages = Participant.languages.through
            languages.objects.bulk_create(
                languages(participant_id=d.participant.pk, language_id=language_id)
                for d in drafts
                for language_id in d.language_ids
            )

        consents, specs = [], []
        for draft in drafts:
            for spec in draft.consents:
                consents.append(self._consent(draft.participant.pk, spec))
                specs.append(spec)
        Consent.objects.bulk_create(consents)
        replacements, replacement_specs = [], []
        for consent, spec in zip(consents, specs, strict=True):
            if spec.get("replacement"):
                replacement = self._consent(consent.participant_id, spec["replacement"])
                replacement.supersedes_id = consent.pk
                replacements.append(replacement)
                replacement_specs.append(spec["replacement"])
        Consent.objects.bulk_create(replacements)
        all_consents, all_specs = consents + replacements, specs + replacement_specs
        organisations = Consent.organisations.through
        organisations.objects.bulk_create(
            organisations(consent_id=consent.pk, organisation_id=org_id)
            for consent, spec in zip(all_consents, all_specs, strict=True)
            for org_id in spec.get("organisations", [])
        )
        self.counts["consents"] += len(all_consents)

        flags = []
        if self.full:
            for draft in drafts:
                recorder_id = draft.participant.created_by_id
                for kind, note, active in draft.vulnerabilities:
                    flags.append(
                        VulnerabilityFlag(
                            participant_id=draft.participant.pk,
                            kind=kind,
                            note=note,
                            is_active=active,
                            recorded_by_id=recorder_id,
                        )
                    )
            VulnerabilityFlag.objects.bulk_create(flags)
            self.counts["vulnerabilities"] += len(flags)

            # auto_now_add wrote "now": back-date creation to the drawn registration moments.
            _set_datetimes(
                Participant,
                ["created_at", "updated_at"],
                [(d.created_at, d.created_at, d.participant.pk) for d in drafts],
            )
            _set_datetimes(
                Consent,
                ["recorded_at"],
                [
                    (spec.get("recorded_at") or self._at(spec["given_on"], 10 * 3600), c.pk)
                    for c, spec in zip(all_consents, all_specs, strict=True)
                ],
            )
            created = {d.participant.pk: d.created_at for d in drafts}
            _set_datetimes(
                VulnerabilityFlag,
                ["recorded_at"],
                [(created[flag.participant_id], flag.pk) for flag in flags],
            )

    def _consent(self, participant_id: int, spec: dict) -> Consent:
        withdrawn = spec.get("withdrawn")
        return Consent(
            participant_id=participant_id,
            purpose=spec["purpose"],
            granted=spec["granted"],
            scope=spec["scope"],
            given_on=spec["given_on"],
            evidence=spec["evidence"],
            evidence_reference=spec["evidence_reference"],
            recorded_by_id=spec["recorded_by_id"],
            withdrawn_at=withdrawn[0] if withdrawn else None,
            withdrawn_by_id=withdrawn[1] if withdrawn else None,
            withdrawal_reason=withdrawn[2] if withdrawn else "",
        )


def _by_years(table: list[tuple[float, float]], years: float) -> float:
    return next(share for limit, share in table if years < limit)


def _index(cum_weights: list[float], draw: float) -> int:
    """The index picked by a uniform draw in [0, 1) over cumulative weights."""
    target = draw * cum_weights[-1]
    for index, bound in enumerate(cum_weights):
        if target < bound:
            return index
    return len(cum_weights) - 1


def _set_datetimes(model, field_names: list[str], rows: list[tuple]) -> None:
    """Overwrite date-time columns row by row (`rows`: values in `field_names` order, then the pk).

    One `executemany` UPDATE: far cheaper than `bulk_update` for tens of thousands of rows. Table and
    column names come from the model's metadata, never from input."""
    if not rows:
        return
    ops = connection.ops
    assignments = ", ".join(
        f"{ops.quote_name(model._meta.get_field(name).column)} = %s" for name in field_names
    )
    table, pk = ops.quote_name(model._meta.db_table), ops.quote_name(model._meta.pk.column)
    sql = f"UPDATE {table} SET {assignments} WHERE {pk} = %s"  # noqa: S608
    params = [[ops.adapt_datetimefield_value(value) for value in row[:-1]] + [row[-1]] for row in rows]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)
