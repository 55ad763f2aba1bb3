"""Deterministic demo data for activities: courses, trainings, workshops and events of the demo organisations
in the five provinces, with their sessions, enrolments (waiting lists, withdrawals, drop-outs, completions),
attendance, entry and exit CEFR assessments, operator self-assessments, certificates and feedback.

`seed_activities(seed, size, today)` runs at the end of `people.demo.seed_demo`, after the paths data (same
transaction, audit log off). The plan of activities is drawn from `random.Random(seed + 2)`; the people and
marks of each activity from a generator of its own, seeded from the seed and the activity's position, so one
activity's draws never shift another's. Dates are relative to `today`. Large tables are written with plain
multi-row INSERTs (`executemany`) with primary keys assigned here; the attended hours of every enrolment are
then recomputed from the attendance in one UPDATE (`actions.refresh_attended_hours`).

The Comune di Napoli trainer (`formatore.napoli`) teaches several Napoli courses, one of them with a session
today left unmarked, so that the register has something to mark. Everything hangs off activities marked
`is_demo`; `delete_activities_demo_data()` removes it (and whatever points to demo participants, logins or
organisations) before `people.demo.delete_demo_data` deletes those.
"""

from __future__ import annotations

import base64
import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from accounts.models import Membership, User
from activities import actions
from activities.models import (
    CODE_ALPHABET,
    DEFAULT_ACTION,
    LANGUAGE_COURSE_KINDS,
    Activity,
    ActivityKind,
    ActivityStatus,
    AssessmentEvidence,
    AssessmentMoment,
    Attendance,
    AttendanceStatus,
    Audience,
    CEFRLevel,
    Certificate,
    CertificateKind,
    CompletionRule,
    Enrolment,
    EnrolmentKind,
    EnrolmentStatus,
    FeedbackChannel,
    FeedbackInvitation,
    FeedbackResponse,
    LanguageAssessment,
    SelfAssessment,
    Session,
    TrainingTopic,
)
from core.roles import Role
from network.models import Organisation, OrganisationKind
from paths.demo import _insert, _next_id
from people.models import Participant, age_on
from territory.models import Language, Municipality

DEMO_EMAIL_DOMAIN = "demo.interazioni.example.org"
NAPOLI_TRAINER = f"formatore.napoli@{DEMO_EMAIL_DOMAIN}"
NAPOLI_NAME = "Comune di Napoli"
ACTIVITIES = {"small": 40, "campania": 1_400, "national": 200}
NATIONAL_SAMPLE = 20_000  # participants who may be enrolled at the national size
HISTORY_DAYS = 600  # activities started over the last 20 months...
AHEAD_DAYS = 75  # ...or start in the next weeks
OPEN_DAYS = 45  # enrolment opens this long before the start
TRAINER_COURSES = 6
ZERO = Decimal("0")

# Which kinds an organisation of each kind runs (weights), and how many activities it runs (weight).
KINDS_BY_ORGANISER: dict[str, list[tuple[str, int]]] = {
    OrganisationKind.SCHOOL: [
        (ActivityKind.ITALIAN_L2, 70),
        (ActivityKind.ITALIAN_WORK, 15),
        (ActivityKind.CIVIC_ORIENTATION, 15),
        (ActivityKind.DIGITAL, 10),
    ],
    OrganisationKind.MUNICIPALITY: [
        (ActivityKind.ITALIAN_L2, 35),
        (ActivityKind.DIGITAL, 12),
        (ActivityKind.CIVIC_ORIENTATION, 12),
        (ActivityKind.VOCATIONAL_ORIENTATION, 8),
        (ActivityKind.SCHOOL_TO_WORK, 5),
        (ActivityKind.INFORMATION_EVENT, 12),
        (ActivityKind.COMMUNITY_EVENT, 10),
        (ActivityKind.OPERATOR_TRAINING, 8),
    ],
    OrganisationKind.SOCIAL_DISTRICT: [
        (ActivityKind.ITALIAN_L2, 25),
        (ActivityKind.VOCATIONAL_ORIENTATION, 20),
        (ActivityKind.SCHOOL_TO_WORK, 15),
        (ActivityKind.CIVIC_ORIENTATION, 10),
        (ActivityKind.INFORMATION_EVENT, 15),
        (ActivityKind.OPERATOR_TRAINING, 20),
    ],
    OrganisationKind.THIRD_SECTOR: [
        (ActivityKind.ITALIAN_L2, 50),
        (ActivityKind.ITALIAN_WORK, 15),
        (ActivityKind.DIGITAL, 12),
        (ActivityKind.SCHOOL_TO_WORK, 8),
        (ActivityKind.VOCATIONAL_ORIENTATION, 12),
        (ActivityKind.COMMUNITY_EVENT, 8),
        (ActivityKind.INFORMATION_EVENT, 6),
    ],
    OrganisationKind.JOB_CENTRE: [
        (ActivityKind.VOCATIONAL_ORIENTATION, 45),
        (ActivityKind.ITALIAN_WORK, 30),
        (ActivityKind.DIGITAL, 25),
    ],
    OrganisationKind.HEALTH_AUTHORITY: [
        (ActivityKind.INFORMATION_EVENT, 60),
        (ActivityKind.OPERATOR_TRAINING, 40),
    ],
    OrganisationKind.MIGRANT_ASSOCIATION: [
        (ActivityKind.ITALIAN_L2, 35),
        (ActivityKind.COMMUNITY_EVENT, 30),
        (ActivityKind.INFORMATION_EVENT, 20),
        (ActivityKind.CAPACITY_BUILDING, 15),
    ],
    OrganisationKind.INFORMAL_GROUP: [(ActivityKind.ITALIAN_L2, 50), (ActivityKind.COMMUNITY_EVENT, 50)],
    OrganisationKind.REGION: [
        (ActivityKind.OPERATOR_TRAINING, 60),
        (ActivityKind.CAPACITY_BUILDING, 25),
        (ActivityKind.INFORMATION_EVENT, 15),
    ],
    OrganisationKind.PREFECTURE: [
        (ActivityKind.CIVIC_ORIENTATION, 40),
        (ActivityKind.INFORMATION_EVENT, 30),
        (ActivityKind.OPERATOR_TRAINING, 30),
    ],
    OrganisationKind.UNIVERSITY: [
        (ActivityKind.ITALIAN_L2, 30),
        (ActivityKind.OPERATOR_TRAINING, 40),
        (ActivityKind.CAPACITY_BUILDING, 30),
    ],
    OrganisationKind.SOCIAL_PARTNER: [
        (ActivityKind.INFORMATION_EVENT, 55),
        (ActivityKind.VOCATIONAL_ORIENTATION, 20),
        (ActivityKind.CAPACITY_BUILDING, 25),
    ],
    OrganisationKind.EMPLOYER: [(ActivityKind.ITALIAN_WORK, 70), (ActivityKind.INFORMATION_EVENT, 30)],
}
ORGANISER_WEIGHT = {
    OrganisationKind.SCHOOL: 20,
    OrganisationKind.MUNICIPALITY: 6,
    OrganisationKind.SOCIAL_DISTRICT: 4,
    OrganisationKind.THIRD_SECTOR: 9,
    OrganisationKind.JOB_CENTRE: 5,
    OrganisationKind.HEALTH_AUTHORITY: 2,
    OrganisationKind.MIGRANT_ASSOCIATION: 3,
    OrganisationKind.INFORMAL_GROUP: 2,
    OrganisationKind.REGION: 5,
    OrganisationKind.PREFECTURE: 2,
    OrganisationKind.UNIVERSITY: 2,
    OrganisationKind.SOCIAL_PARTNER: 2,
    OrganisationKind.EMPLOYER: 1,
}
ORGANISER_WEIGHT_OVERRIDES = {NAPOLI_NAME: 16}
# Organisers with few or no participants of their own run courses with casework partners, who send people.
NEEDS_PARTNER = frozenset(
    {
        OrganisationKind.REGION,
        OrganisationKind.PREFECTURE,
        OrganisationKind.UNIVERSITY,
        OrganisationKind.SOCIAL_PARTNER,
        OrganisationKind.EMPLOYER,
        OrganisationKind.INFORMAL_GROUP,
        OrganisationKind.SCHOOL,
    }
)
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


@dataclass(frozen=True)
class KindProfile:
    """How activities of a kind are usually shaped."""

    planned_hours: tuple[int, ...]
    session_hours: tuple[str, ...]
    per_week: tuple[int, ...]  # sessions a week (5: every working day)
    capacity: tuple[int | None, ...]
    audience: str
    rule: str
    min_age: int = 16
    max_age: int = 120


PROFILES: dict[str, KindProfile] = {
    ActivityKind.ITALIAN_L2: KindProfile(
        (80, 100, 120, 150, 200, 200),
        ("2", "2", "2.5", "3"),
        (2, 3),
        (20, 22, 25, 25, 30),
        Audience.PARTICIPANTS,
        "lingua-70-verifica",
    ),
    ActivityKind.ITALIAN_WORK: KindProfile(
        (40, 50, 60, 80), ("2.5", "3"), (2, 3), (15, 18, 20), Audience.PARTICIPANTS, "lingua-70-verifica"
    ),
    ActivityKind.DIGITAL: KindProfile(
        (24, 30, 40, 60), ("2", "3"), (2,), (12, 15, 18), Audience.PARTICIPANTS, "presenza-70"
    ),
    ActivityKind.CIVIC_ORIENTATION: KindProfile(
        (10, 12, 16, 20), ("2", "2.5"), (1, 2), (25, 30), Audience.PARTICIPANTS, "presenza-70"
    ),
    ActivityKind.SCHOOL_TO_WORK: KindProfile(
        (20, 24, 30, 40), ("2", "3"), (1, 2), (15, 20), Audience.PARTICIPANTS, "presenza-70", 15, 25
    ),
    ActivityKind.VOCATIONAL_ORIENTATION: KindProfile(
        (12, 16, 20, 24), ("3", "4"), (1, 2), (12, 15), Audience.PARTICIPANTS, "presenza-70", 18, 64
    ),
    ActivityKind.OPERATOR_TRAINING: KindProfile(
        (8, 12, 16, 24), ("4",), (1, 5), (25, 30, 40), Audience.OPERATORS, "formazione-80"
    ),
    ActivityKind.CAPACITY_BUILDING: KindProfile(
        (12, 16, 20), ("3", "4"), (1,), (20, 25), Audience.ASSOCIATIONS, "presenza-70"
    ),
    ActivityKind.INFORMATION_EVENT: KindProfile(
        (2, 3), ("2", "3"), (1,), (None, 50, 80), Audience.PUBLIC, "evento-presenza"
    ),
    ActivityKind.COMMUNITY_EVENT: KindProfile(
        (3, 4, 5), ("3", "4", "5"), (1,), (None, None, 100), Audience.PUBLIC, "evento-presenza", 0
    ),
}
WEEK_OFFSETS = {1: (0,), 2: (0, 3), 3: (0, 2, 4), 5: (0, 1, 2, 3, 4)}
START_TIMES = [(9, 0), (9, 30), (10, 0), (15, 0), (16, 0), (18, 0)]

SECTORS = ["ristorazione", "agricoltura", "assistenza familiare", "edilizia", "logistica", "turismo"]
TITLES: dict[str, list[str]] = {
    ActivityKind.ITALIAN_L2: [
        "Italiano L2 – livello {level} ({town})",
        "Corso di italiano {level} per donne, con spazio bimbi",
        "Italiano L2 serale – livello {level}",
        "Alfabetizzazione e italiano di base – {town}",
        "Percorso di italiano {level} per l'Accordo di integrazione",
    ],
    ActivityKind.ITALIAN_WORK: [
        "Italiano per il lavoro – settore {sector}",
        "Italiano per il lavoro e la sicurezza – {sector}",
        "Lessico professionale in italiano: {sector}",
    ],
    ActivityKind.DIGITAL: [
        "Competenze digitali di base: SPID, PEC e servizi online",
        "Smartphone e servizi pubblici digitali – {town}",
        "Informatica per il lavoro: curriculum, e-mail e candidature",
        "Dalla carta al digitale: fascicolo sanitario e prenotazioni",
    ],
    ActivityKind.CIVIC_ORIENTATION: [
        "Formazione civica e informazione sulla vita in Italia",
        "Vivere in Italia: diritti, doveri e servizi del territorio",
        "Orientamento civico per nuovi arrivati – {town}",
    ],
    ActivityKind.SCHOOL_TO_WORK: [
        "Laboratorio scuola-lavoro per ragazze e ragazzi di seconda generazione",
        "Dalla scuola al lavoro: stage, apprendistato e orientamento",
        "Bilancio di competenze per neomaggiorenni – {town}",
    ],
    ActivityKind.VOCATIONAL_ORIENTATION: [
        "Orientamento al lavoro e bilancio delle competenze",
        "Come cercare lavoro: curriculum, colloquio e Centro per l'Impiego",
        "Orientamento all'avvio d'impresa e al lavoro autonomo",
        "Messa in trasparenza delle competenze – {town}",
    ],
    ActivityKind.OPERATOR_TRAINING: [
        "Diritto dell'immigrazione per operatori dei servizi",
        "Comunicazione interculturale nei servizi pubblici",
        "Tratta e grave sfruttamento: riconoscere e segnalare",
        "Salute dei migranti: accesso ai servizi sanitari",
        "Minori stranieri non accompagnati: presa in carico",
    ],
    ActivityKind.CAPACITY_BUILDING: [
        "Progettazione sociale per associazioni di migranti",
        "Gestire un'associazione: statuto, bilancio e rendicontazione",
        "Comunicazione e social media per le associazioni",
    ],
    ActivityKind.INFORMATION_EVENT: [
        "Incontro informativo: il permesso UE per soggiornanti di lungo periodo",
        "Giornata informativa sul ricongiungimento familiare – {town}",
        "Salute e prevenzione: incontro con l'ASL",
        "I diritti dei lavoratori agricoli: incontro pubblico",
        "Sportello informativo itinerante – {town}",
    ],
    ActivityKind.COMMUNITY_EVENT: [
        "Festa dei popoli – {town}",
        "Cena interculturale di quartiere",
        "Torneo di calcio interculturale – {town}",
        "Giornata mondiale del rifugiato – {town}",
        "Laboratorio di cucina dal mondo",
    ],
}
DESCRIPTIONS: dict[str, str] = {
    ActivityKind.ITALIAN_L2: "Corso di lingua italiana per cittadini di paesi terzi, con test di ingresso e di uscita.",
    ActivityKind.ITALIAN_WORK: "Italiano orientato al lavoro: lessico del settore, sicurezza, contratti e colloqui.",
    ActivityKind.DIGITAL: "Competenze digitali di base per usare i servizi pubblici online e cercare lavoro.",
    ActivityKind.CIVIC_ORIENTATION: "Principi della Costituzione, servizi del territorio, diritti e doveri.",
    ActivityKind.SCHOOL_TO_WORK: "Percorso di orientamento per giovani tra scuola, formazione e lavoro.",
    ActivityKind.VOCATIONAL_ORIENTATION: "Bilancio delle competenze, curriculum e accompagnamento ai servizi per il lavoro.",
    ActivityKind.OPERATOR_TRAINING: "Formazione per gli operatori dei servizi pubblici e del privato sociale.",
    ActivityKind.CAPACITY_BUILDING: "Rafforzamento delle associazioni di migranti e dei gruppi informali.",
    ActivityKind.INFORMATION_EVENT: "Incontro aperto alla cittadinanza, con mediatori linguistico-culturali.",
    ActivityKind.COMMUNITY_EVENT: "Evento di comunità aperto a tutte e tutti.",
}
TOPICS: dict[str, list[str]] = {
    "Diritto dell'immigrazione per operatori dei servizi": [
        "Tipi di permesso di soggiorno",
        "Rinnovi e conversioni",
        "Ricongiungimento familiare",
        "Protezione internazionale e speciale",
    ],
    "Comunicazione interculturale nei servizi pubblici": [
        "Stereotipi e pregiudizi",
        "Lavorare con il mediatore",
        "Linguaggio chiaro allo sportello",
    ],
    "Tratta e grave sfruttamento: riconoscere e segnalare": [
        "Indicatori di tratta",
        "Il numero verde e la rete antitratta",
        "Percorsi di protezione (art. 18)",
    ],
    "Salute dei migranti: accesso ai servizi sanitari": [
        "Iscrizione al Servizio sanitario nazionale",
        "Tessera STP ed ENI",
        "Salute mentale e trauma",
    ],
    "Minori stranieri non accompagnati: presa in carico": [
        "Accertamento dell'età",
        "Tutela volontaria",
        "Prosieguo amministrativo",
        "Inserimento scolastico",
    ],
}
VENUES = [
    "{org} – aula formazione",
    "Biblioteca comunale di {town}",
    "Centro polifunzionale di {town}",
    "Istituto comprensivo di {town}, aula magna",
    "Parrocchia del quartiere, sala riunioni – {town}",
    "Casa delle culture di {town}",
]
ROLE_TITLES = [
    "Assistente sociale",
    "Operatrice di sportello",
    "Educatore professionale",
    "Istruttore amministrativo",
    "Mediatrice linguistico-culturale",
    "Infermiera",
    "Orientatore",
]
ASSOCIATION_ROLES = ["Presidente", "Segretaria", "Tesoriere", "Volontaria", "Referente progetti"]
FIRST_NAMES = [
    "Rosa",
    "Maria",
    "Francesca",
    "Ilaria",
    "Sara",
    "Giulia",
    "Antonio",
    "Ciro",
    "Vincenzo",
    "Pasquale",
]
LAST_NAMES = ["Greco", "Bruno", "Gallo", "Costa", "Caruso", "Rinaldi", "Amato", "Cirillo", "Palumbo", "Sepe"]
ASSOCIATION_NAMES = ["Olena", "Moussa", "Rahim", "Fatima", "Kumari", "Adaeze", "Ibrahima", "Mariam"]
ASSOCIATION_SURNAMES = ["Kovalenko", "Diop", "Hossain", "El Amrani", "Perera", "Okafor", "Ndiaye", "Bakr"]
CANCELLED_SESSION_TOPICS = ["Lezione annullata: sciopero dei trasporti", "Lezione annullata: allerta meteo"]
FEEDBACK_COMMENTS = [
    "Grazie, il corso mi ha aiutato molto con i documenti.",
    "Vorrei un corso di livello più alto.",
    "Orari comodi, insegnante molto paziente.",
    "Utile per trovare lavoro.",
    "Lo spazio bimbi mi ha permesso di partecipare.",
    "Servirebbero più lezioni.",
]
FEEDBACK_LANGUAGES = [("it", 55), ("en", 12), ("fr", 10), ("ar", 10), ("uk", 8), ("bn", 3), ("ur", 2)]
SECOND_LANGUAGES = ["ar", "fr", "en", "uk", "bn"]
CERTIFICATES = [("CILS", 40), ("CELI", 25), ("PLIDA", 25), ("CERT.IT", 10)]
CIVIC_LANGUAGES = ["ara", "eng", "fra", "ukr", "ben", "urd"]

ACTIVITY_COLUMNS = [
    "id",
    "title",
    "description",
    "kind",
    "action",
    "organiser_id",
    "municipality_id",
    "venue",
    "online",
    "start_date",
    "end_date",
    "planned_hours",
    "capacity",
    "audience",
    "language_of_instruction_id",
    "target_level",
    "childcare_offered",
    "status",
    "completion_rule_id",
    "is_demo",
    "created_by_id",
    "created_at",
    "updated_at",
]
SESSION_COLUMNS = [
    "id",
    "activity_id",
    "date",
    "start_time",
    "end_time",
    "hours",
    "topic",
    "venue",
    "is_cancelled",
]
ENROLMENT_COLUMNS = [
    "id",
    "activity_id",
    "kind",
    "participant_id",
    "user_id",
    "full_name",
    "email",
    "organisation_id",
    "role_title",
    "status",
    "enrolled_at",
    "status_changed_at",
    "childcare_needed",
    "attended_hours",
    "note",
    "created_by_id",
]
ATTENDANCE_COLUMNS = ["session_id", "enrolment_id", "status", "hours", "recorded_by_id", "recorded_at"]


def _pick(rng: random.Random, pairs):
    return rng.choices([item for item, _w in pairs], weights=[w for _i, w in pairs])[0]


# --- Deleting ------------------------------------------------------------------------------------------


def delete_activities_demo_data() -> None:
    """Delete the activity rows that are demo or point to demo participants, logins or organisations
    (set-based: one DELETE per table, children first)."""
    demo_participants = Participant.objects.filter(Q(is_demo=True) | Q(owner__is_demo=True)).values("pk")
    demo_users = User.objects.filter(email__iendswith="@" + DEMO_EMAIL_DOMAIN).values("pk")
    demo_orgs = Organisation.objects.filter(is_demo=True).values("pk")
    activities = Activity.objects.filter(
        Q(is_demo=True) | Q(organiser__in=demo_orgs) | Q(created_by__in=demo_users)
    ).values("pk")
    enrolments = Enrolment.objects.filter(
        Q(activity__in=activities) | Q(participant__in=demo_participants) | Q(organisation__in=demo_orgs)
    ).values("pk")
    certificates = Certificate.objects.filter(Q(enrolment__in=enrolments) | Q(issued_by__in=demo_users))
    sessions = Session.objects.filter(activity__in=activities)
    attendance = Attendance.objects.filter(Q(enrolment__in=enrolments) | Q(session__activity__in=activities))
    assessments = LanguageAssessment.objects.filter(enrolment__in=enrolments)
    for model, queryset in (
        (Certificate, certificates),
        (LanguageAssessment, assessments),
        (Attendance, attendance),
        (Enrolment, Enrolment.objects.filter(pk__in=enrolments)),
        (Session, sessions),
        (Activity, Activity.objects.filter(pk__in=activities)),
    ):
        content_type = ContentType.objects.get_for_model(model)
        LogEntry.objects.filter(content_type=content_type, object_id__in=queryset.values("pk")).delete()
    for queryset in (
        FeedbackResponse.objects.filter(Q(activity__in=activities) | Q(enrolment__in=enrolments)),
        FeedbackInvitation.objects.filter(enrolment__in=enrolments),
        certificates,
        SelfAssessment.objects.filter(Q(enrolment__in=enrolments) | Q(topic__activity__in=activities)),
        assessments,
        attendance,
        Enrolment.objects.filter(pk__in=enrolments),
        TrainingTopic.objects.filter(activity__in=activities),
        sessions,
        Activity.partners.through.objects.filter(activity__in=activities),
        Activity.trainers.through.objects.filter(activity__in=activities),
        Activity.objects.filter(pk__in=activities),
    ):
        queryset._raw_delete(queryset.db)


# --- Generating ----------------------------------------------------------------------------------------


def seed_activities(rng_seed: int, size: str, today: datetime.date | None = None) -> dict[str, int]:
    """Generate the activities demo data for the demo organisations, logins and participants already
    written; returns the row counts."""
    return _ActivitiesGenerator(rng_seed, size, today or timezone.localdate()).run()


@dataclass
class _Person:
    """One person in an activity before it is written."""

    participant: int | None = None
    kind: str = EnrolmentKind.PARTICIPANT
    full_name: str = ""
    email: str = ""
    organisation: int | None = None
    user: int | None = None
    role_title: str = ""
    enrolled_on: datetime.date | None = None
    status: str = EnrolmentStatus.ENROLLED
    first_session: int = 0  # promoted from the waiting list: attends from this session on
    last_session: int | None = None  # dropped out after this session
    propensity: float = 0.8
    childcare: bool = False
    pk: int = 0
    hours: Decimal = ZERO
    changed_on: datetime.date | None = None
    minutes: int = 0  # enrolled so many minutes after 9:00
    exit_level: int | None = None
    self_scores: list[tuple[int, int, int | None]] = field(default_factory=list)


@dataclass
class _Plan:
    """One activity before it is written."""

    index: int
    organiser: Organisation
    kind: str
    start: datetime.date
    planned_hours: int = 0
    session_hours: Decimal = ZERO
    per_week: int = 1
    capacity: int | None = None
    trainer_course: bool = False
    today_session: bool = False
    partners: list[int] = field(default_factory=list)
    municipality: int | None = None


class _Cursor:
    """Participants of a pool handed out in turn, so that enrolments spread over people."""

    def __init__(self, items: list[int]):
        self.items = items
        self.position = 0


class _ActivitiesGenerator:
    def __init__(self, seed: int, size: str, today: datetime.date):
        self.seed = seed
        self.rng = random.Random(seed + 2)
        self.size = size
        self.today = today
        self.now = timezone.now()
        self.tz = timezone.get_current_timezone()
        self.counts: dict[str, int] = {}
        self._titles: dict[tuple[int, str], int] = {}

    # Reference ------------------------------------------------------------------------------------

    def _load(self) -> bool:
        self.orgs = list(
            Organisation.objects.filter(is_demo=True).select_related("municipality").order_by("name")
        )
        if not self.orgs:
            return False
        self.rules = {rule.code: rule for rule in _ensure_rules()}
        self.languages = dict(Language.objects.values_list("code", "pk"))
        if "ita" not in self.languages:
            return False
        towns = (
            Municipality.objects.campania().order_by("istat_code").values_list("pk", "name", "province_id")
        )
        self.town_names = {pk: name for pk, name, _province in towns}
        self.province_of = {pk: province for pk, _name, province in towns}
        self.towns_by_province: dict[int, list[int]] = {}
        for pk, _name, province in towns:
            self.towns_by_province.setdefault(province, []).append(pk)
        served = Organisation.areas_served.through.objects.filter(organisation__in=self.orgs).order_by(
            "organisation_id", "municipality_id"
        )
        self.areas: dict[int, list[int]] = {}
        for org_id, town_id in served.values_list("organisation_id", "municipality_id"):
            self.areas.setdefault(org_id, []).append(town_id)
        memberships = (
            Membership.objects.filter(
                user__email__iendswith="@" + DEMO_EMAIL_DOMAIN, organisation__in=self.orgs
            )
            .order_by("user__email", "organisation__name")
            .values_list(
                "user_id", "organisation_id", "role", "user__email", "user__first_name", "user__last_name"
            )
        )
        self.staff: dict[int, list[int]] = {}
        self.user_names: dict[int, tuple[str, str, int]] = {}
        self.trainer = None
        for user_id, org_id, role, email, first, last in memberships:
            if role in (Role.OPERATOR, Role.ORG_ADMIN):
                self.staff.setdefault(org_id, []).append(user_id)
                self.user_names[user_id] = (f"{first} {last}", email, org_id)
            if email == NAPOLI_TRAINER:
                self.trainer = user_id
        limit = NATIONAL_SAMPLE if self.size == "national" else None
        rows = (
            Participant.objects.filter(is_demo=True)
            .order_by("pk")
            .values_list(
                "pk", "owner_id", "sex", "birth_date", "created_at", "municipality_id", "created_by_id"
            )
        )
        self.participants = list(rows[:limit] if limit else rows)
        return True

    def _at(self, day: datetime.date, hour: int = 10, minute: int = 0) -> datetime.datetime:
        moment = datetime.datetime.combine(day, datetime.time(hour, minute), self.tz)
        return min(moment, self.now)

    def _staff(self, org_id: int, rng: random.Random) -> int | None:
        users = self.staff.get(org_id)
        return users[int(rng.random() * len(users))] if users else None

    # Run ------------------------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        if not self._load():
            return self.counts
        self._pools()
        plans = self._plan()
        self._write(plans)
        return self.counts

    def _pools(self) -> None:
        """Participants by owner organisation (the Napoli operator's own people first) and by province."""
        rng = self.rng
        by_owner: dict[int, list[int]] = {}
        operator_first: dict[int, list[int]] = {}
        by_province: dict[int, list[int]] = {}
        self.people: dict[int, tuple] = {}
        napoli_staff = set(self.staff.get(self._org_id(NAPOLI_NAME), []))
        for pk, owner_id, sex, birth_date, created_at, town_id, created_by in self.participants:
            created_on = timezone.localtime(created_at, self.tz).date() if created_at else self.today
            self.people[pk] = (sex, age_on(birth_date, self.today), created_on)
            target = operator_first if created_by in napoli_staff else by_owner
            target.setdefault(owner_id, []).append(pk)
            province = self.province_of.get(town_id)
            if province is not None:
                by_province.setdefault(province, []).append(pk)
        self.by_owner: dict[int, _Cursor] = {}
        for owner_id in sorted(set(by_owner) | set(operator_first)):
            first, rest = operator_first.get(owner_id, []), by_owner.get(owner_id, [])
            rng.shuffle(first)
            rng.shuffle(rest)
            self.by_owner[owner_id] = _Cursor(first + rest)
        self.by_province = {}
        for province in sorted(by_province):
            items = by_province[province]
            rng.shuffle(items)
            self.by_province[province] = _Cursor(items)

    def _org_id(self, name: str) -> int | None:
        return next((o.pk for o in self.orgs if o.name.removesuffix(" (demo)") == name), None)

    # The plan -------------------------------------------------------------------------------------

    def _plan(self) -> list[_Plan]:
        rng = self.rng
        total = ACTIVITIES.get(self.size, ACTIVITIES["small"])
        weights = [
            ORGANISER_WEIGHT_OVERRIDES.get(o.name.removesuffix(" (demo)"), ORGANISER_WEIGHT.get(o.kind, 1))
            for o in self.orgs
        ]
        shares = [total * w / sum(weights) for w in weights]
        counts = [int(s) for s in shares]
        for i in sorted(range(len(shares)), key=lambda i: (counts[i] - shares[i], i))[: total - sum(counts)]:
            counts[i] += 1
        casework = [o for o in self.orgs if o.kind in CASEWORK_KINDS and o.pk in self.by_owner]
        plans: list[_Plan] = []
        for org, count in zip(self.orgs, counts, strict=True):
            table = KINDS_BY_ORGANISER.get(org.kind, KINDS_BY_ORGANISER[OrganisationKind.THIRD_SECTOR])
            for _ in range(count):
                kind = _pick(rng, table)
                start = self.today + datetime.timedelta(
                    days=int(rng.random() * (HISTORY_DAYS + AHEAD_DAYS)) - HISTORY_DAYS
                )
                profile = PROFILES[kind]
                plan = _Plan(0, org, kind, start)
                plan.planned_hours = profile.planned_hours[int(rng.random() * len(profile.planned_hours))]
                plan.session_hours = Decimal(
                    profile.session_hours[int(rng.random() * len(profile.session_hours))]
                )
                plan.per_week = profile.per_week[int(rng.random() * len(profile.per_week))]
                plan.capacity = profile.capacity[int(rng.random() * len(profile.capacity))]
                partner_draw, partner_pick, town_draw = rng.random(), rng.random(), rng.random()
                needs_partner = org.kind in NEEDS_PARTNER or org.pk not in self.by_owner
                if (
                    casework
                    and profile.audience == Audience.PARTICIPANTS
                    and (needs_partner or partner_draw < 0.2)
                ):
                    near = [
                        o
                        for o in casework
                        if o.pk != org.pk and o.municipality.province_id == org.municipality.province_id
                    ]
                    candidates = near or [o for o in casework if o.pk != org.pk]
                    plan.partners = [candidates[int(partner_pick * len(candidates))].pk]
                plan.municipality = self._town(org, town_draw)
                plans.append(plan)
        self._cover_kinds(plans)
        plans.sort(key=lambda p: (p.start, p.organiser.name, p.kind))
        for index, plan in enumerate(plans):
            plan.index = index
        self._assign_trainer(plans)
        return plans

    def _cover_kinds(self, plans: list[_Plan]) -> None:
        """Every kind at least once (the small size draws few activities): a kind that was not drawn
        replaces the most frequent kind of an organiser that runs it."""
        for kind in ActivityKind.values:
            if any(p.kind == kind for p in plans):
                continue
            frequency: dict[str, int] = {}
            for plan in plans:
                frequency[plan.kind] = frequency.get(plan.kind, 0) + 1
            candidates = [
                p
                for p in plans
                if frequency[p.kind] > 1
                and kind in dict(KINDS_BY_ORGANISER.get(p.organiser.kind, []))
                and p.organiser.name.removesuffix(" (demo)") != NAPOLI_NAME
            ]
            if not candidates:
                continue
            plan = max(candidates, key=lambda p: (frequency[p.kind], p.start, p.organiser.name))
            profile = PROFILES[kind]
            plan.kind = kind
            plan.planned_hours = profile.planned_hours[0]
            plan.session_hours = Decimal(profile.session_hours[0])
            plan.per_week = profile.per_week[0]
            plan.capacity = profile.capacity[0]
            if profile.audience != Audience.PARTICIPANTS:
                plan.partners = []

    def _town(self, org: Organisation, draw: float) -> int:
        """Where an activity takes place: the seat, a town the organisation serves, or, for the Region and
        the prefectures, any town of their province (the Region: of any province)."""
        if org.kind == OrganisationKind.REGION:
            provinces = sorted(self.towns_by_province)
            province = provinces[int(draw * len(provinces))]
            return self._capital(province)
        areas = self.areas.get(org.pk, [])
        if areas and draw < 0.35:
            return areas[int(draw / 0.35 * len(areas))]
        return org.municipality_id

    def _capital(self, province: int) -> int:
        towns = self.towns_by_province[province]
        by_name = {self.town_names[t]: t for t in towns}
        for name in ("Napoli", "Salerno", "Caserta", "Avellino", "Benevento"):
            if name in by_name:
                return by_name[name]
        return towns[0]

    def _assign_trainer(self, plans: list[_Plan]) -> None:
        """The Napoli trainer teaches some Napoli courses: one running with a session today, the others
        finished, running or about to start."""
        napoli = self._org_id(NAPOLI_NAME)
        if self.trainer is None or napoli is None:
            return
        course_kinds = (ActivityKind.ITALIAN_L2, ActivityKind.ITALIAN_WORK, ActivityKind.DIGITAL)
        ours = [p for p in plans if p.organiser.pk == napoli]
        courses = [p for p in ours if p.kind in course_kinds]
        # Few activities (the small size): some of the Comune's other activities become courses.
        frequency: dict[str, int] = {}
        for plan in plans:
            frequency[plan.kind] = frequency.get(plan.kind, 0) + 1
        others = [p for p in ours if p.kind not in course_kinds and frequency[p.kind] > 1]
        for plan in others[: max(0, TRAINER_COURSES // 2 - len(courses))]:
            frequency[plan.kind] -= 1
            profile = PROFILES[ActivityKind.DIGITAL]
            plan.kind = ActivityKind.DIGITAL
            plan.planned_hours = profile.planned_hours[1]
            plan.session_hours = Decimal(profile.session_hours[0])
            plan.per_week = profile.per_week[0]
            plan.capacity = profile.capacity[1]
            courses.append(plan)
        courses.sort(key=lambda p: p.index)
        if not courses:
            return
        # Half of them finished long ago (certificates, exit tests), half recent or about to start.
        long_ago = self.today - datetime.timedelta(days=240)
        finished = [p for p in courses if p.start < long_ago][-(TRAINER_COURSES // 2) :]
        recent = [p for p in courses if p.start >= long_ago][: TRAINER_COURSES - len(finished)]
        chosen = finished + recent
        for plan in chosen:
            plan.trainer_course = True
        showcase = recent[0] if recent else chosen[-1]
        showcase.kind = ActivityKind.ITALIAN_L2
        showcase.capacity = 30
        showcase.planned_hours = 100
        showcase.session_hours = Decimal("2.5")
        showcase.per_week = 2
        showcase.today_session = True
        showcase.partners = []
        showcase.municipality = next(o.municipality_id for o in self.orgs if o.pk == napoli)

    # Sessions -------------------------------------------------------------------------------------

    def _session_dates(self, plan: _Plan) -> list[datetime.date]:
        count = max(1, round(plan.planned_hours / plan.session_hours))
        offsets = []
        week = 0
        pattern = WEEK_OFFSETS[plan.per_week]
        while len(offsets) < count:
            for day in pattern:
                if len(offsets) < count:
                    offsets.append(week * 7 + day)
            week += 1
        start = plan.start
        if plan.today_session:
            # A session today, two fifths of the way through the course.
            start = self.today - datetime.timedelta(
                days=offsets[min(len(offsets) - 1, int(len(offsets) * 0.4))]
            )
        dates = []
        for offset in offsets:
            day = start + datetime.timedelta(days=offset)
            if day.weekday() == 6 and day != self.today:  # no lessons on Sundays
                day += datetime.timedelta(days=1)
            dates.append(day)
        return dates

    # Writing --------------------------------------------------------------------------------------

    def _write(self, plans: list[_Plan]) -> None:
        activity_id = _next_id(Activity)
        session_id = _next_id(Session)
        enrolment_id = _next_id(Enrolment)
        self.activity_rows, self.session_rows, self.enrolment_rows = [], [], []
        self.partner_rows, self.trainer_rows, self.topic_specs = [], [], []
        self.attendance_rows: list[tuple] = []
        self.assessment_rows, self.self_rows, self.certificate_rows = [], [], []
        self.invitation_rows, self.feedback_rows = [], []
        codes: set[str] = set()
        for plan in plans:
            rng = random.Random(f"{self.seed}:{plan.index}")
            dates = self._session_dates(plan)
            sessions = self._sessions(plan, dates, rng, session_id, activity_id)
            session_id += len(sessions)
            status = self._status(plan, dates, rng)
            activity = self._activity_row(plan, dates, status, rng, activity_id)
            people = self._people(plan, activity, sessions, rng)
            for person in people:
                person.pk = enrolment_id
                enrolment_id += 1
            self._attendance(plan, activity, sessions, people, rng)
            self._outcomes(plan, activity, sessions, people, rng, codes)
            activity_id += 1
        self._flush()

    def _sessions(
        self, plan: _Plan, dates, rng: random.Random, first_id: int, activity_id: int
    ) -> list[dict]:
        hour, minute = START_TIMES[int(rng.random() * len(START_TIMES))]
        end_minutes = min(23 * 60 + 59, hour * 60 + minute + int(plan.session_hours * 60))
        ops = connection.ops
        start = ops.adapt_timefield_value(datetime.time(hour, minute))
        end = ops.adapt_timefield_value(datetime.time(end_minutes // 60, end_minutes % 60))
        sessions = []
        for offset, day in enumerate(dates):
            cancelled = len(dates) > 4 and rng.random() < 0.03 and day != self.today
            session = {
                "id": first_id + offset,
                "date": day,
                "hours": plan.session_hours,
                "cancelled": cancelled,
                "recorded_at": self._at(day, end_minutes // 60, end_minutes % 60),
            }
            sessions.append(session)
            topic = CANCELLED_SESSION_TOPICS[offset % 2] if cancelled else ""
            self.session_rows.append(
                (session["id"], activity_id, day, start, end, plan.session_hours, topic, "", cancelled)
            )
        return sessions

    def _status(self, plan: _Plan, dates: list[datetime.date], rng: random.Random) -> str:
        if not plan.today_session and rng.random() < 0.02:
            return ActivityStatus.CANCELLED
        if dates[-1] < self.today:
            return ActivityStatus.COMPLETED
        if dates[0] <= self.today:
            return ActivityStatus.RUNNING
        return ActivityStatus.OPEN if (dates[0] - self.today).days <= OPEN_DAYS else ActivityStatus.PLANNED

    def _activity_row(self, plan: _Plan, dates, status: str, rng: random.Random, pk: int) -> dict:
        profile = PROFILES[plan.kind]
        org = plan.organiser
        town = self.town_names.get(plan.municipality, "")
        level = CEFRLevel.A1 + int(rng.random() * 3)  # A1, A2, B1
        if plan.kind == ActivityKind.ITALIAN_L2 and rng.random() < 0.2:
            level = CEFRLevel.PRE_A1 if rng.random() < 0.5 else level
        title_draw, sector_draw, venue_draw, online_draw, language_draw = (rng.random() for _ in range(5))
        templates = TITLES[plan.kind]
        template = templates[int(title_draw * len(templates))]
        title = template.format(
            level=CEFRLevel(level).label, town=town, sector=SECTORS[int(sector_draw * len(SECTORS))]
        )
        edition = self._titles[(org.pk, title)] = self._titles.get((org.pk, title), 0) + 1
        if edition > 1:
            title = f"{title} – ed. {edition}"
        women = "donne" in title or org.kind == OrganisationKind.INFORMAL_GROUP
        online = (
            plan.kind in (ActivityKind.OPERATOR_TRAINING, ActivityKind.CAPACITY_BUILDING)
            and online_draw < 0.25
        )
        venue = (
            "Online (videoconferenza)"
            if online
            else VENUES[int(venue_draw * len(VENUES))].format(org=org.name.removesuffix(" (demo)"), town=town)
        )
        language = self.languages["ita"]
        if plan.kind == ActivityKind.CIVIC_ORIENTATION and language_draw < 0.4:
            code = CIVIC_LANGUAGES[int(language_draw / 0.4 * len(CIVIC_LANGUAGES))]
            language = self.languages.get(code, language)
        rule = profile.rule
        if plan.kind in LANGUAGE_COURSE_KINDS and rng.random() < 0.4:
            rule = "presenza-70"
        created_by = self._staff(org.pk, rng)
        row = {
            "id": pk,
            "title": title[:200],
            "description": DESCRIPTIONS[plan.kind],
            "kind": plan.kind,
            "action": DEFAULT_ACTION[plan.kind],
            "organiser_id": org.pk,
            "municipality_id": plan.municipality,
            "venue": venue,
            "online": online,
            "start_date": dates[0],
            "end_date": dates[-1],
            "planned_hours": plan.session_hours * len(dates),
            "capacity": plan.capacity,
            "audience": profile.audience,
            "language_of_instruction_id": language,
            "target_level": level if plan.kind in LANGUAGE_COURSE_KINDS else None,
            "childcare_offered": women,
            "status": status,
            "completion_rule_id": self.rules[rule].pk,
            "is_demo": True,
            "created_by_id": created_by,
            "created_at": self._at(dates[0] - datetime.timedelta(days=60), 11),
            "updated_at": self._at(min(dates[-1], self.today), 17),
        }
        if plan.kind == ActivityKind.COMMUNITY_EVENT and plan.capacity is None:
            row["audience"] = Audience.PUBLIC
        row["rule"] = self.rules[rule]
        row["women_only"] = women and plan.kind == ActivityKind.ITALIAN_L2
        self.activity_rows.append(row)
        self.partner_rows += [(pk, org_id) for org_id in plan.partners]
        if plan.trainer_course:
            self.trainer_rows.append((pk, self.trainer))
        if plan.kind == ActivityKind.OPERATOR_TRAINING:
            topics = TOPICS.get(title, ["Quadro normativo", "Casi pratici", "Lavoro di rete"])
            self.topic_specs.append((pk, topics))
        return row

    # People ---------------------------------------------------------------------------------------

    def _people(self, plan: _Plan, activity: dict, sessions: list[dict], rng: random.Random) -> list[_Person]:
        status = activity["status"]
        start = activity["start_date"]
        if status == ActivityStatus.PLANNED:
            return []
        profile = PROFILES[plan.kind]
        capacity = plan.capacity
        base = capacity or (40 if plan.kind == ActivityKind.INFORMATION_EVENT else 60)
        oversubscribed = capacity is not None and rng.random() < 0.2
        demand = (
            base + 1 + int(rng.random() * 6) if oversubscribed else int(base * (0.7 + rng.random() * 0.3))
        )
        if status == ActivityStatus.OPEN:
            demand = int(demand * (0.3 + rng.random() * 0.6))
        last_enrolment = min(start - datetime.timedelta(days=1), self.today)
        people: list[_Person] = []
        if plan.kind == ActivityKind.OPERATOR_TRAINING:
            people = self._operators(plan, demand, rng)
        elif plan.kind == ActivityKind.CAPACITY_BUILDING:
            people = self._representatives(plan, demand, rng)
        else:
            if activity["audience"] == Audience.PUBLIC:
                pools = [self.by_province.get(self.province_of.get(plan.municipality))]
            else:
                pools = [self.by_owner.get(plan.organiser.pk)] + [
                    self.by_owner.get(pk) for pk in plan.partners
                ]
            pools = [pool for pool in pools if pool is not None and pool.items]
            women = activity["women_only"]
            for pk in self._draw(pools, demand, last_enrolment, profile, women, rng):
                people.append(
                    _Person(participant=pk, childcare=(women and rng.random() < 0.6) or rng.random() < 0.03)
                )
        for person in people:
            days_before = 2 + int(rng.random() * 40)
            enrolled_on = start - datetime.timedelta(days=days_before)
            if status == ActivityStatus.OPEN:
                enrolled_on = self.today - datetime.timedelta(days=1 + int(rng.random() * 30))
            # Never before the person was registered (the pools only offer people registered in time).
            created_on = self.people[person.participant][2] if person.participant else enrolled_on
            person.enrolled_on = min(max(enrolled_on, created_on), last_enrolment)
            person.propensity = 0.55 + 0.44 * rng.random() ** 0.6
            person.minutes = int(rng.random() * 480)
        people.sort(key=lambda p: (p.enrolled_on, p.participant or 0, p.full_name))
        if oversubscribed and 8 <= len(people) <= capacity:
            # Fewer people at hand than the draw asked for: a smaller class, still with a waiting list.
            plan.capacity = activity["capacity"] = len(people) - 2 - int(rng.random() * 3)
        self._statuses(plan, activity, sessions, people, rng)
        return people

    def _draw(
        self, pools: list[_Cursor], demand: int, by: datetime.date, profile: KindProfile, women: bool, rng
    ) -> list[int]:
        """Up to `demand` different participants from the pools, registered by `by`, of the right age."""
        chosen: list[int] = []
        if not pools:
            return chosen
        taken: set[int] = set()
        for pool in pools:
            tries = 0
            want = demand if pool is pools[0] else max(1, demand // 3)
            while len(chosen) < demand and want > 0 and tries < len(pool.items):
                pk = pool.items[pool.position % len(pool.items)]
                pool.position += 1
                tries += 1
                sex, age, created_on = self.people[pk]
                if pk in taken or created_on > by or not (profile.min_age <= age <= profile.max_age):
                    continue
                if women and sex != "F":
                    continue
                chosen.append(pk)
                taken.add(pk)
                want -= 1
        return chosen

    def _operators(self, plan: _Plan, demand: int, rng: random.Random) -> list[_Person]:
        people = []
        staff = sorted(self.user_names)
        orgs = [o for o in self.orgs if o.kind in CASEWORK_KINDS] or self.orgs
        used_users: set[int] = set()
        for index in range(demand):
            if staff and index < 3 and rng.random() < 0.5:
                user = staff[int(rng.random() * len(staff))]
                if user not in used_users:
                    used_users.add(user)
                    name, email, org_id = self.user_names[user]
                    people.append(
                        _Person(
                            kind=EnrolmentKind.OPERATOR,
                            user=user,
                            full_name=name,
                            email=email,
                            organisation=org_id,
                        )
                    )
                    continue
            first, last = (
                FIRST_NAMES[int(rng.random() * len(FIRST_NAMES))],
                LAST_NAMES[int(rng.random() * len(LAST_NAMES))],
            )
            org = orgs[int(rng.random() * len(orgs))]
            people.append(
                _Person(
                    kind=EnrolmentKind.OPERATOR,
                    full_name=f"{first} {last}",
                    email=f"{first.lower()}.{last.lower()}{index}@example.org",
                    organisation=org.pk,
                    role_title=ROLE_TITLES[int(rng.random() * len(ROLE_TITLES))],
                )
            )
        return people

    def _representatives(self, plan: _Plan, demand: int, rng: random.Random) -> list[_Person]:
        associations = [
            o
            for o in self.orgs
            if o.kind in (OrganisationKind.MIGRANT_ASSOCIATION, OrganisationKind.INFORMAL_GROUP)
        ] or self.orgs
        people = []
        for index in range(demand):
            first = ASSOCIATION_NAMES[int(rng.random() * len(ASSOCIATION_NAMES))]
            last = ASSOCIATION_SURNAMES[int(rng.random() * len(ASSOCIATION_SURNAMES))]
            people.append(
                _Person(
                    kind=EnrolmentKind.ASSOCIATION,
                    full_name=f"{first} {last}",
                    email=f"{first.lower()}.{last.lower().replace(' ', '')}{index}@example.org",
                    organisation=associations[int(rng.random() * len(associations))].pk,
                    role_title=ASSOCIATION_ROLES[int(rng.random() * len(ASSOCIATION_ROLES))],
                )
            )
        return people

    def _statuses(
        self, plan: _Plan, activity: dict, sessions: list[dict], people: list[_Person], rng
    ) -> None:
        """Withdrawals, places and the waiting list in order of enrolment, then drop-outs whose places go to
        the first people waiting (who attend from then on)."""
        status = activity["status"]
        if status == ActivityStatus.CANCELLED:
            for person in people:
                person.status = EnrolmentStatus.WITHDRAWN
            return
        capacity = plan.capacity
        holders = 0
        waiting: list[_Person] = []
        for person in people:
            if rng.random() < 0.05:
                person.status = EnrolmentStatus.WITHDRAWN
            elif capacity is None or holders < capacity:
                person.status = EnrolmentStatus.ENROLLED
                holders += 1
            else:
                person.status = EnrolmentStatus.WAITING
                waiting.append(person)
        held = [i for i, s in enumerate(sessions) if not s["cancelled"] and s["date"] < self.today]
        if len(held) < 2 or plan.kind in (ActivityKind.INFORMATION_EVENT, ActivityKind.COMMUNITY_EVENT):
            return
        for person in [p for p in people if p.status == EnrolmentStatus.ENROLLED and p.first_session == 0]:
            if rng.random() < 0.08:
                person.status = EnrolmentStatus.DROPPED_OUT
                person.last_session = held[int(rng.random() * (len(held) - 1))]
                person.changed_on = sessions[person.last_session]["date"] + datetime.timedelta(days=1)
                if waiting:
                    promoted = waiting.pop(0)
                    promoted.status = EnrolmentStatus.ENROLLED
                    promoted.first_session = person.last_session + 1

    # Attendance -----------------------------------------------------------------------------------

    def _attendance(
        self, plan: _Plan, activity: dict, sessions: list[dict], people: list[_Person], rng
    ) -> None:
        recorder = self.trainer if plan.trainer_course else activity["created_by_id"]
        marked = [
            (index, s) for index, s in enumerate(sessions) if not s["cancelled"] and s["date"] < self.today
        ]
        rows = self.attendance_rows
        for person in people:
            if person.status not in (EnrolmentStatus.ENROLLED, EnrolmentStatus.DROPPED_OUT):
                continue
            total = ZERO
            for index, session in marked:
                if index < person.first_session or (
                    person.last_session is not None and index > person.last_session
                ):
                    continue
                draw = rng.random()
                hours = session["hours"]
                if draw < person.propensity:
                    status = AttendanceStatus.PRESENT
                    if draw < 0.04:  # came late or left early
                        hours = max(Decimal("0.5"), hours - Decimal("1"))
                elif draw < person.propensity + (1 - person.propensity) * 0.35:
                    status, hours = AttendanceStatus.EXCUSED, ZERO
                else:
                    status, hours = AttendanceStatus.ABSENT, ZERO
                total += hours
                rows.append((session["id"], person.pk, status, hours, recorder, session["recorded_at"]))
            person.hours = total

    # Completion, assessments, certificates, feedback ----------------------------------------------

    def _outcomes(
        self, plan: _Plan, activity: dict, sessions, people: list[_Person], rng, codes: set[str]
    ) -> None:
        status = activity["status"]
        rule = activity["rule"]
        total_hours = sum((s["hours"] for s in sessions if not s["cancelled"]), ZERO)
        language_course = plan.kind in LANGUAGE_COURSE_KINDS
        started = activity["start_date"] <= self.today and status != ActivityStatus.CANCELLED
        finished = status == ActivityStatus.COMPLETED
        assessor = self.trainer if plan.trainer_course else activity["created_by_id"]
        teacher = (
            f"Prof.ssa {FIRST_NAMES[int(rng.random() * 6)]} {LAST_NAMES[int(rng.random() * len(LAST_NAMES))]}"
        )
        target = activity["target_level"] or CEFRLevel.A2
        end = activity["end_date"]
        for person in people:
            on_register = person.status in (EnrolmentStatus.ENROLLED, EnrolmentStatus.DROPPED_OUT)
            has_exit = False
            if language_course and started and on_register and person.kind == EnrolmentKind.PARTICIPANT:
                has_exit = self._assessments(activity, person, rng, target, teacher, assessor, finished)
            if finished and person.status == EnrolmentStatus.ENROLLED:
                percent = actions.attendance_percent(person.hours, total_hours)
                required = Decimal(rule.min_attendance_percent)
                # The same rule as actions.check_completion: something attended, and enough of it.
                hours_ok = bool(person.hours) and (
                    required == 0 or (percent is not None and percent >= required)
                )
                if hours_ok and (has_exit or not rule.requires_exit_assessment):
                    person.status = EnrolmentStatus.COMPLETED
            if plan.kind == ActivityKind.OPERATOR_TRAINING and started and on_register:
                self._self_assessments(activity, person, rng, finished)
            if finished:
                self._certificate(plan, activity, person, rng, codes)
                self._feedback(activity, person, rng)
            self._enrolment_row(activity, person, end)
        if finished:
            # Anonymous answers given through personal links keep no link to the enrolment.
            for _ in range(int(len(people) * 0.08)):
                self._feedback(activity, None, rng)

    def _assessments(self, activity, person, rng, target, teacher, assessor, finished) -> bool:
        start, end = activity["start_date"], activity["end_date"]
        entry_draw, skills_draw, delta_draw, exit_draw, evidence_draw, level_draw = (
            rng.random() for _ in range(6)
        )
        if entry_draw >= 0.92:
            return False
        entry = max(
            CEFRLevel.PRE_A1,
            min(CEFRLevel.C1, target - 1 + (1 if level_draw > 0.85 else 0) - (1 if level_draw < 0.15 else 0)),
        )
        with_skills = skills_draw < 0.35
        skill_offsets = [int(rng.random() * 3) - 1 for _ in range(5)]
        entry_skills = [max(0, min(6, entry + o)) if with_skills else None for o in skill_offsets]
        entry_date = min(start - datetime.timedelta(days=int(entry_draw * 10)), self.today)
        self.assessment_rows.append(
            (person.pk, AssessmentMoment.ENTRY, entry_date, self.languages["ita"], entry, *entry_skills,
             AssessmentEvidence.PLACEMENT_TEST if evidence_draw < 0.8 else AssessmentEvidence.TEACHER, "",
             assessor, teacher, self._at(entry_date, 12))
        )  # fmt: skip
        if not finished or person.status != EnrolmentStatus.ENROLLED or exit_draw >= 0.88:
            return False
        delta = 0 if delta_draw < 0.22 else 1 if delta_draw < 0.78 else 2
        exit_level = min(CEFRLevel.C2, entry + delta)
        exit_skills = [
            None if level is None else max(level, min(6, level + delta + int(rng.random() * 3) - 1))
            for level in entry_skills
        ]
        exit_date = min(end + datetime.timedelta(days=int(exit_draw * 10)), self.today)
        if evidence_draw < 0.6:
            evidence, certificate = AssessmentEvidence.TEACHER, ""
        elif evidence_draw < 0.75:
            evidence, certificate = AssessmentEvidence.PLACEMENT_TEST, ""
        else:
            evidence, certificate = AssessmentEvidence.CERTIFICATE, _pick(rng, CERTIFICATES)
        self.assessment_rows.append(
            (person.pk, AssessmentMoment.EXIT, exit_date, self.languages["ita"], exit_level, *exit_skills, evidence,
             certificate, assessor, teacher, self._at(exit_date, 12))
        )  # fmt: skip
        person.exit_level = exit_level
        return True

    def _self_assessments(self, activity, person, rng, finished) -> None:
        for index in range(len(self.topic_specs[-1][1])):
            pre = 1 + int(rng.random() * 3)
            post = min(5, pre + (0, 1, 1, 2)[int(rng.random() * 4)])
            person.self_scores.append(
                (index, pre, post if finished and person.status != EnrolmentStatus.DROPPED_OUT else None)
            )

    def _certificate(self, plan, activity, person, rng, codes: set[str]) -> None:
        issuer = self._staff(plan.organiser.pk, rng)
        draw = rng.random()
        if issuer is None:
            return
        if person.status == EnrolmentStatus.COMPLETED and draw < 0.85:
            kind = CertificateKind.COMPLETION
        elif person.status == EnrolmentStatus.ENROLLED and person.hours and draw < 0.3:
            kind = CertificateKind.ATTENDANCE
        else:
            return
        code = ""
        while not code or code in codes:
            raw = "".join(CODE_ALPHABET[int(rng.random() * len(CODE_ALPHABET))] for _ in range(12))
            code = f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"
        codes.add(code)
        issued = self._at(activity["end_date"] + datetime.timedelta(days=5 + int(rng.random() * 20)), 11)
        second = SECOND_LANGUAGES[int(rng.random() * len(SECOND_LANGUAGES))] if rng.random() < 0.4 else ""
        self.certificate_rows.append(
            (person.pk, kind, code, person.hours, person.exit_level, second, issued, issuer, None, "")
        )

    def _feedback(self, activity, person: _Person | None, rng) -> None:
        answer_draw, channel_draw, helpful_draw, satisfaction_draw, recommend_draw, comment_draw = (
            rng.random() for _ in range(6)
        )
        if person is not None and (
            person.status not in (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED) or answer_draw >= 0.45
        ):
            return
        helpful = (
            5
            if helpful_draw < 0.45
            else 4
            if helpful_draw < 0.8
            else 3
            if helpful_draw < 0.92
            else 2
            if helpful_draw < 0.97
            else 1
        )
        satisfaction = max(
            1, min(5, helpful + (1 if satisfaction_draw > 0.85 else -1 if satisfaction_draw < 0.15 else 0))
        )
        recommend = True if recommend_draw < 0.85 else False if recommend_draw < 0.92 else None
        comment = (
            FEEDBACK_COMMENTS[int(comment_draw / 0.25 * len(FEEDBACK_COMMENTS))]
            if comment_draw < 0.25
            else ""
        )
        language = _pick(rng, FEEDBACK_LANGUAGES)
        submitted = self._at(activity["end_date"] + datetime.timedelta(days=int(rng.random() * 10)), 18)
        by_link = person is None or channel_draw < 0.6
        if by_link and person is not None:
            self.invitation_rows.append(
                (person.pk, _token(rng), self._at(activity["end_date"], 9), submitted)
            )
        self.feedback_rows.append(
            (activity["id"], person.pk if person else None, helpful, satisfaction, recommend, comment, language,
             FeedbackChannel.LINK if by_link else FeedbackChannel.OPERATOR,
             None if by_link else activity["created_by_id"], submitted)
        )  # fmt: skip

    def _enrolment_row(self, activity, person: _Person, end: datetime.date) -> None:
        enrolled_at = self._at(person.enrolled_on, 9 + person.minutes // 60, person.minutes % 60)
        changed = enrolled_at
        if person.status == EnrolmentStatus.COMPLETED:
            changed = self._at(end + datetime.timedelta(days=1), 10)
        elif person.status == EnrolmentStatus.WITHDRAWN:
            changed = self._at(min(person.enrolled_on + datetime.timedelta(days=3), self.today), 12)
        elif person.changed_on is not None:
            changed = self._at(min(person.changed_on, self.today), 12)
        self.enrolment_rows.append(
            (person.pk, activity["id"], person.kind, person.participant, person.user, person.full_name, person.email,
             person.organisation, person.role_title, person.status, enrolled_at, max(changed, enrolled_at),
             person.childcare, ZERO, "", activity["created_by_id"])
        )  # fmt: skip
        for index, pre, post in person.self_scores:
            self.self_rows.append((person.pk, index, "pre", pre, self._at(activity["start_date"], 9)))
            if post is not None:
                self.self_rows.append((person.pk, index, "post", post, self._at(activity["end_date"], 17)))

    # Flush ----------------------------------------------------------------------------------------

    def _flush(self) -> None:
        activities = self.activity_rows
        _insert(Activity, ACTIVITY_COLUMNS, [tuple(row[c] for c in ACTIVITY_COLUMNS) for row in activities])
        _insert(Session, SESSION_COLUMNS, self.session_rows)
        Activity.partners.through.objects.bulk_create(
            Activity.partners.through(activity_id=a, organisation_id=o) for a, o in self.partner_rows
        )
        Activity.trainers.through.objects.bulk_create(
            Activity.trainers.through(activity_id=a, user_id=u) for a, u in self.trainer_rows
        )
        topics = [
            TrainingTopic(activity_id=activity_id, title=title, position=position)
            for activity_id, titles in self.topic_specs
            for position, title in enumerate(titles)
        ]
        TrainingTopic.objects.bulk_create(topics)
        topic_ids: dict[tuple[int, int], int] = {(t.activity_id, t.position): t.pk for t in topics}
        _insert(Enrolment, ENROLMENT_COLUMNS, self.enrolment_rows)
        self._insert_attendance()
        _insert(
            LanguageAssessment,
            ["enrolment_id", "moment", "date", "language_id", "overall", "listening", "reading", "spoken_interaction",
             "spoken_production", "writing", "evidence", "certificate_name", "assessed_by_id", "assessor_name",
             "created_at"],
            self.assessment_rows,
        )  # fmt: skip
        activity_of = {row[0]: row[1] for row in self.enrolment_rows}
        _insert(
            SelfAssessment,
            ["enrolment_id", "topic_id", "moment", "score", "recorded_at"],
            [
                (enrolment, topic_ids[(activity_of[enrolment], index)], moment, score, at)
                for enrolment, index, moment, score, at in self.self_rows
            ],
        )
        _insert(
            Certificate,
            ["enrolment_id", "kind", "code", "hours_attended", "exit_level", "second_language", "issued_at",
             "issued_by_id", "revoked_at", "revoked_reason"],
            self.certificate_rows,
        )  # fmt: skip
        _insert(FeedbackInvitation, ["enrolment_id", "token", "created_at", "used_at"], self.invitation_rows)
        _insert(
            FeedbackResponse,
            ["activity_id", "enrolment_id", "helpful_for_integration", "satisfaction", "would_recommend", "comment",
             "language", "channel", "entered_by_id", "submitted_at"],
            self.feedback_rows,
        )  # fmt: skip
        demo = Enrolment.objects.filter(activity__is_demo=True)
        actions.refresh_attended_hours(demo)
        self.counts.update(
            activities=len(activities),
            sessions=len(self.session_rows),
            enrolments=len(self.enrolment_rows),
            attendance=len(self.attendance_rows),
            language_assessments=len(self.assessment_rows),
            self_assessments=len(self.self_rows),
            certificates=len(self.certificate_rows),
            feedback=len(self.feedback_rows),
        )

    def _insert_attendance(self) -> None:
        """The largest table: values adapted once per distinct date-time, rows sent in large batches."""
        ops = connection.ops
        table = ops.quote_name(Attendance._meta.db_table)
        fields = {f.attname: f.column for f in Attendance._meta.concrete_fields}
        columns = ", ".join(ops.quote_name(fields[name]) for name in ATTENDANCE_COLUMNS)
        sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(ATTENDANCE_COLUMNS))})"  # noqa: S608
        adapted: dict = {}
        rows = self.attendance_rows
        with connection.cursor() as cursor:
            for first in range(0, len(rows), 50_000):
                batch = []
                for session_id, enrolment_id, status, hours, recorder, at in rows[first : first + 50_000]:
                    value = adapted.get(at)
                    if value is None:
                        value = adapted[at] = ops.adapt_datetimefield_value(at)
                    batch.append((session_id, enrolment_id, status, hours, recorder, value))
                cursor.executemany(sql, batch)


def _token(rng: random.Random) -> str:
    return base64.urlsafe_b64encode(rng.getrandbits(128).to_bytes(16, "big")).rstrip(b"=").decode()


def _ensure_rules() -> list[CompletionRule]:
    """The completion rules (a data migration loads them; a flushed test database may not have them)."""
    needed = {profile.rule for profile in PROFILES.values()}
    if CompletionRule.objects.filter(code__in=needed).count() < len(needed):
        from importlib import import_module

        rules = import_module("activities.migrations.0002_completion_rules").RULES
        for code, name_it, name_en, percent, exit_required in rules:
            CompletionRule.objects.get_or_create(
                code=code,
                defaults={
                    "name_it": name_it,
                    "name_en": name_en,
                    "min_attendance_percent": percent,
                    "requires_exit_assessment": exit_required,
                },
            )
    return list(CompletionRule.objects.all())
