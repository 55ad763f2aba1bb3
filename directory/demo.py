"""Deterministic demo data of the public portal (issue 7): the service directory, information pages, feedback,
usage counts, and registrations to the public events.

`seed_directory(seed, size, today)` runs at the end of `people.demo.seed_demo`, after skills (same
transaction, audit log off), over the demo organisations, logins and activities already written; every draw
comes from one `random.Random` of its own and every date is relative to `today`, so the same seed gives the
same services, names and counts. Sizes: `small` (what `make run` loads) about 100 services, `campania` about
5,000 (ARCHITECTURE.md, section 7). `seed_directory_scale(n)` builds `n` published services translated in
every language for the benchmarks, on any database with the reference data.

What is written:
- directory organisations: every demo partner of the network that offers services (Comuni, Prefetture,
  ASL, CPIA, job centres, universities, third sector, unions, approved migrant associations) linked through
  `network_organisation`, plus organisations that are not partners (Questure, other Comuni, ASL, CPIA,
  patronati, anti-violence centres, associations);
- services from the templates of `directory.demo_texts` (Italian texts and their translations), placed in
  Campania municipalities, more in the provincial capitals and big towns, with an address, coordinates
  around the municipality (towns outside `TOWNS` have none, as happens with real data), weekly hours or
  appointment only, languages spoken, invented phones (000 numbers), needs, documents, costs and the area
  served (municipality, province or the whole region);
- translation provenance as an editorial office would have it: mostly human translations verified by the
  demo editor (`redazione.napoli`), some machine translations not yet verified, some outdated (the Italian
  description was revised later: `text_revisions` bumped), some languages missing;
- editorial life: most services published and verified in the last months, some drafts, some in review, a
  few archived, a few stale (verified 13 months ago: flagged) and a couple hidden as stale (16 months);
  the version history (`Revision`) of each, and pending proposals from partner operators (`operatrice.napoli`
  first) plus one rejected;
- eight information pages with their translations, linked to needs and services;
- anonymous feedback on services (approved, pending, a few rejected), daily page counts for the last 60
  days, and a few upcoming public information events (activities) with registrations to every recent or
  upcoming public event, some checked in; past registrations are already purged as the platform would.

Big tables are written with multi-row INSERTs (`_insert`, `_insert_values`: values converted once, rows in
index order), children after parents, and the search index is rebuilt once at the end with
`directory.search.rebuild_index()`. Campania (5,000 services, 275,000 translations) on SQLite: about 11 s
for generating and writing, plus about 26 s for `rebuild_index` (measured on a busy 2-CPU machine).
The page counts of the portal's general pages (home, search, lists) are anonymous totals that point to no
record: a new seed overwrites those of its days, and `delete_directory_demo_data()`, which removes the rest
set-based before the other demo modules delete what it points to, leaves them.
"""

from __future__ import annotations

import base64
import datetime
import random
import unicodedata
import uuid
from collections import defaultdict
from decimal import Decimal

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import DEFAULT_DB_ALIAS, connection, connections, transaction
from django.db.models import Q
from django.utils import timezone

from accounts.models import Membership, User
from activities.models import (
    DEFAULT_ACTION,
    HOLDS_PLACE,
    Activity,
    ActivityKind,
    ActivityStatus,
    Audience,
    CompletionRule,
    Enrolment,
    PublicRegistration,
    RegistrationStatus,
    Session,
)
from core.roles import Role
from directory import search
from directory.actions import SNAPSHOT_EXTRA_FIELDS
from directory.demo_texts import (
    ACCESSIBILITY,
    ALERT_TEMPORARILY_CLOSED,
    APPOINTMENT_ALSO,
    APPOINTMENT_ONLY,
    ARTICLES,
    COST_OPTIONS,
    DOCUMENTS,
    FEEDBACK_COMMENTS,
    FEEDBACK_REJECTED,
    HELPLINE_1522,
    INFORMATION_EVENTS,
    INTERPRETATION,
    ORGANISATION_DESCRIPTIONS,
    PROPOSALS,
    REJECTED_PROPOSAL,
    REVISED_SENTENCE,
    REVISED_SENTENCE_EN,
    SERVICE_FIELDS,
    SERVICE_TEMPLATES,
    SPOKEN_NAMES,
    TRANSLATED,
    ServiceTemplate,
)
from directory.models import (
    Accessibility,
    Address,
    Answer,
    Article,
    Contact,
    CostOption,
    DirectoryOrganization,
    EditorialState,
    Location,
    ModerationStatus,
    PageCount,
    Phone,
    RequiredDocument,
    Revision,
    RevisionStatus,
    Schedule,
    SearchEntry,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceAttribute,
    ServiceFeedback,
    ServiceLanguage,
    ServiceStatus,
    TranslationMethod,
    WaitTime,
)
from directory.models import Translation as TranslationRow
from directory.reference import need_id
from network.models import Approval, Organisation, OrganisationKind
from people.demo_data import NAMES
from territory.models import Language, Municipality

DEMO_EMAIL_DOMAIN = "demo.interazioni.example.org"
EDITOR = f"redazione.napoli@{DEMO_EMAIL_DOMAIN}"
PARTNER_OPERATOR = f"operatrice.napoli@{DEMO_EMAIL_DOMAIN}"
# The national size keeps the campania directory (its benchmarks build 10,000 services of their own).
SERVICES = {"small": 100, "campania": 5_000, "national": 5_000}
INFORMATION_EVENTS_ADDED = {"small": 6, "campania": 14, "national": 14}  # two of them already held
PROPOSALS_PENDING = {"small": 3, "campania": 12, "national": 12}
OTHER_TOWNS_SHARE = 0.15  # campania and above: services in towns outside `TOWNS` (no coordinates)
FEEDBACK_PER_SERVICE = 0.6
USAGE_DAYS = 60
REGISTRATION_DAYS = 120  # public events that ended this long ago still get their registrations
BATCH = 5_000
MACHINE_ENGINE = "Traduzione automatica (motore di prova)"

# Main municipalities: (latitude, longitude, postcode, weight). More services where more migrants live.
TOWNS: dict[str, tuple[float, float, str, int]] = {
    "Napoli": (40.8518, 14.2681, "80133", 40),
    "Salerno": (40.6824, 14.7681, "84121", 14),
    "Caserta": (41.0742, 14.3328, "81100", 14),
    "Avellino": (40.9146, 14.7906, "83100", 10),
    "Benevento": (41.1298, 14.7826, "82100", 10),
    "Giugliano in Campania": (40.9282, 14.1953, "80014", 6),
    "Castel Volturno": (41.0326, 13.9418, "81030", 6),
    "Aversa": (40.9731, 14.2067, "81031", 6),
    "Pozzuoli": (40.8231, 14.1225, "80078", 4),
    "Torre del Greco": (40.7860, 14.3674, "80059", 4),
    "Casoria": (40.9067, 14.2920, "80026", 4),
    "Castellammare di Stabia": (40.7016, 14.4858, "80053", 4),
    "Nola": (40.9262, 14.5275, "80035", 4),
    "Eboli": (40.6170, 15.0560, "84025", 4),
    "Battipaglia": (40.6086, 14.9829, "84091", 4),
    "Nocera Inferiore": (40.7446, 14.6411, "84014", 4),
    "Mondragone": (41.1143, 13.8893, "81034", 3),
    "Afragola": (40.9216, 14.3093, "80021", 3),
    "Ercolano": (40.8061, 14.3524, "80056", 3),
    "Portici": (40.8197, 14.3411, "80055", 3),
    "Torre Annunziata": (40.7569, 14.4443, "80058", 3),
    "Marcianise": (41.0297, 14.2988, "81025", 3),
    "Santa Maria Capua Vetere": (41.0782, 14.2550, "81055", 3),
    "Pomigliano d'Arco": (40.9093, 14.3831, "80038", 3),
    "Cava de' Tirreni": (40.7009, 14.7056, "84013", 3),
    "Ariano Irpino": (41.1528, 15.0886, "83031", 3),
    "Capaccio Paestum": (40.4217, 15.0806, "84047", 2),
    "Pontecagnano Faiano": (40.6433, 14.8752, "84098", 2),
    "Scafati": (40.7520, 14.5269, "84018", 2),
    "Sarno": (40.8108, 14.6184, "84087", 2),
    "Agropoli": (40.3487, 14.9910, "84043", 2),
    "Frattamaggiore": (40.9416, 14.2749, "80027", 2),
    "Mugnano di Napoli": (40.9102, 14.2078, "80018", 2),
    "Casal di Principe": (41.0106, 14.1312, "81033", 2),
    "Villa Literno": (41.0095, 14.0747, "81039", 2),
    "San Marcellino": (40.9877, 14.1747, "81030", 1),
    "Sessa Aurunca": (41.2394, 13.9311, "81037", 2),
    "Montesarchio": (41.0627, 14.6406, "82016", 2),
    "Telese Terme": (41.2173, 14.5275, "82037", 1),
    "Fisciano": (40.7735, 14.7982, "84084", 1),
}
# Coastal towns: the direction, from the centre, away from the sea (latitude, longitude; 0 = either way).
INLAND = {
    "Napoli": (1, 0), "Salerno": (1, 0), "Pozzuoli": (1, 0), "Torre del Greco": (1, 1), "Portici": (1, 1),
    "Ercolano": (1, 1), "Torre Annunziata": (1, 1), "Castellammare di Stabia": (-1, 1), "Agropoli": (1, 1),
    "Castel Volturno": (0, 1), "Mondragone": (1, 1),
}  # fmt: skip
CAPITALS = {"NA": "Napoli", "CE": "Caserta", "SA": "Salerno", "AV": "Avellino", "BN": "Benevento"}
AREA_CODES = {"NA": "081", "CE": "0823", "SA": "089", "AV": "0825", "BN": "0824"}
PROVINCE_POSTCODES = {"NA": "80010", "CE": "81010", "SA": "84010", "AV": "83010", "BN": "82010"}
# The north of the province of Napoli (ASL Napoli 2 Nord, CPIA Napoli provincia 1); the rest is the south.
NAPOLI_NORTH = frozenset(
    {"Giugliano in Campania", "Pozzuoli", "Casoria", "Afragola", "Frattamaggiore", "Mugnano di Napoli"}
)
ASL_BY_PROVINCE = {"CE": "ASL Caserta", "SA": "ASL Salerno", "AV": "ASL Avellino", "BN": "ASL Benevento"}
CPIA_BY_PROVINCE = {"CE": "CPIA Caserta", "SA": "CPIA Salerno", "AV": "CPIA Avellino", "BN": "CPIA Benevento"}
UNIVERSITIES = {
    "NA": ('Università degli Studi di Napoli "L\'Orientale"', "Napoli"),
    "CE": ('Università degli Studi di Napoli "L\'Orientale"', "Napoli"),
    "SA": ("Università degli Studi di Salerno", "Fisciano"),
    "AV": ("Università degli Studi di Salerno", "Fisciano"),
    "BN": ("Università degli Studi del Sannio", "Benevento"),
}
CPI_TOWNS = frozenset(
    {
        "Napoli", "Caserta", "Aversa", "Salerno", "Battipaglia", "Eboli", "Avellino", "Ariano Irpino",
        "Benevento", "Pozzuoli", "Nola", "Giugliano in Campania", "Castellammare di Stabia", "Torre del Greco",
        "Nocera Inferiore", "Sessa Aurunca", "Mondragone", "Sarno", "Agropoli", "Montesarchio", "Marcianise",
        "Frattamaggiore",
    }
)  # fmt: skip
STREETS = [
    "Via Roma", "Corso Umberto I", "Via Garibaldi", "Piazza Municipio", "Via Vittorio Emanuele", "Via Mazzini",
    "Via Cavour", "Corso Italia", "Via Nazionale", "Via San Francesco", "Via Matteotti", "Piazza della Repubblica",
]  # fmt: skip
NAPOLI_STREETS = [
    "Via Toledo", "Piazza Garibaldi", "Via Medina", "Corso Secondigliano", "Via Foria", "Corso Arnaldo Lucci",
    "Via Duomo", "Via Marina", "Piazza Dante", "Via Santa Teresa degli Scalzi", "Corso Vittorio Emanuele",
    "Via Acton", "Via Toledo", "Piazza Carlo III",
]  # fmt: skip
THIRD_SECTOR_PREFIXES = [
    "Cooperativa sociale", "Associazione di volontariato", "Associazione di promozione sociale", "Fondazione",
    "Impresa sociale",
]  # fmt: skip
THIRD_SECTOR_CORES = [
    "Il Ponte", "La Rete", "Nuovi Orizzonti", "Terra Comune", "Mani Unite", "Il Faro", "Arcobaleno", "Insieme",
    "Crocevia", "Il Girasole", "Radici", "Porte Aperte", "Sud Solidale", "Casa dei Popoli",
]  # fmt: skip
ANTIVIOLENCE_NAMES = [
    "Dafne",
    "Aurora",
    "Ipazia",
    "Artemisia",
    "Iris",
    "Minerva",
    "Demetra",
    "Olympe",
    "Frida",
]
LEGAL_STATUS = {
    "comune": "Ente locale", "ambito": "Ente locale (gestione associata)", "prefettura": "Amministrazione dello Stato",
    "questura": "Amministrazione dello Stato", "asl": "Azienda sanitaria pubblica", "cpia": "Istituzione scolastica statale",
    "cpi": "Servizio pubblico regionale", "terzo": "Ente del terzo settore", "patronato": "Istituto di patronato",
    "sindacato": "Associazione sindacale", "universita": "Università statale", "antiviolenza": "Associazione (ETS)",
    "associazione": "Associazione di promozione sociale",
}  # fmt: skip
# The network kinds that offer services, the templates each offers at least once, and the provider kind.
PARTNER_TEMPLATES = {
    OrganisationKind.MUNICIPALITY: ("comune", ("sportello-immigrazione", "segretariato-sociale")),
    OrganisationKind.SOCIAL_DISTRICT: ("ambito", ("segretariato-sociale",)),
    OrganisationKind.PREFECTURE: ("prefettura", ("test-a2",)),
    OrganisationKind.HEALTH_AUTHORITY: ("asl", ("iscrizione-ssn", "tessera-stp")),
    OrganisationKind.JOB_CENTRE: ("cpi", ("orientamento-lavoro",)),
    OrganisationKind.SCHOOL: ("cpia", ("cpia-italiano",)),
    OrganisationKind.UNIVERSITY: ("universita", ("dichiarazione-valore",)),
    OrganisationKind.THIRD_SECTOR: ("terzo", ("consulenza-legale", "kit-postale")),
    OrganisationKind.MIGRANT_ASSOCIATION: ("associazione", ("orientamento-comunita",)),
    OrganisationKind.INFORMAL_GROUP: ("associazione", ("orientamento-comunita",)),
    OrganisationKind.SOCIAL_PARTNER: ("sindacato", ("diritti-lavoro",)),
}
HOURS = {
    "mornings": [("MO,TU,WE,TH,FR", (9, 0), (13, 0))],
    "split": [("MO,WE,FR", (9, 0), (12, 30)), ("TU,TH", (14, 30), (17, 30))],
    "afternoons": [("MO,TU,WE,TH", (15, 0), (18, 30))],
    "long": [("MO,TU,WE,TH,FR", (8, 30), (17, 0))],
    "evenings": [("MO,TU,WE,TH", (17, 0), (20, 0))],
    "twice": [("TU,TH", (9, 30), (13, 0))],
    "weekend": [("SA", (9, 30), (13, 0)), ("WE", (16, 0), (19, 0))],
}
# Chance that a language has a translation at all (published services), and of a machine translation.
COVERAGE = {"en": 0.97, "fr": 0.92, "ar": 0.92, "uk": 0.8, "zh-hans": 0.62, "bn": 0.62, "ur": 0.62}
MACHINE_SHARE = 0.12
OUTDATED_SHARE = 0.08
TRANSLATORS = {
    "en": "Sarah Mitchell", "fr": "Aminata Diallo", "ar": "Youssef El Amrani", "uk": "Olena Kovalenko",
    "zh-hans": "Chen Li", "bn": "Rahima Akter", "ur": "Imran Qureshi",
}  # fmt: skip
# Languages of the people who register to events and leave feedback, and where their names come from.
VISITOR_LANGUAGES = [
    ("it", 30),
    ("en", 14),
    ("fr", 14),
    ("ar", 18),
    ("uk", 10),
    ("bn", 6),
    ("ur", 5),
    ("zh-hans", 3),
]
NAME_COUNTRIES = {
    "it": ["AL", "PE", "DO", "BR", "LK", "GE"], "en": ["NG", "GH", "GM", "IN", "PH"],
    "fr": ["SN", "CI", "ML", "BF"], "ar": ["MA", "TN", "EG", "DZ"], "uk": ["UA"], "bn": ["BD"], "ur": ["PK"],
    "zh-hans": ["CN"],
}  # fmt: skip


def _pick(rng: random.Random, pairs):
    return rng.choices([item for item, _w in pairs], weights=[w for _i, w in pairs])[0]


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "-".join("".join(ch if ch.isalnum() else " " for ch in ascii_text.lower()).split())


def base_name(organisation: Organisation) -> str:
    """The name an organisation has in the demo specs (people.demo adds " (demo)" when a real one exists)."""
    return organisation.name.removesuffix(" (demo)")


# --- Deleting ------------------------------------------------------------------------------------------


def delete_directory_demo_data() -> dict[str, int]:
    """Delete the demo directory (and whatever hangs off it), the demo registrations and the usage counts
    of demo records. Set-based, children first, one DELETE per table; runs before the other demo modules
    delete the activities, logins and organisations it points to."""
    services = Service.objects.filter(Q(is_demo=True) | Q(organization__is_demo=True))
    # The few parent ids are read first, so that no DELETE below depends on a table already emptied.
    service_ids = list(services.values_list("pk", flat=True))
    organisation_ids = list(DirectoryOrganization.objects.filter(is_demo=True).values_list("pk", flat=True))
    article_ids = list(Article.objects.filter(is_demo=True).values_list("pk", flat=True))
    slugs = list(Article.objects.filter(pk__in=article_ids).values_list("slug", flat=True))
    location_ids = list(
        Location.objects.filter(
            Q(organization__in=organisation_ids) | Q(service_at_locations__service__in=service_ids)
        )
        .distinct()
        .values_list("pk", flat=True)
    )
    demo_activities = list(_demo_activities().values_list("pk", flat=True))
    registrations = PublicRegistration.objects.filter(Q(is_demo=True) | Q(activity__in=demo_activities))
    counts = {"directory_services": len(service_ids), "public_registrations": registrations.count()}
    phones = Phone.objects.filter(
        Q(service__in=service_ids) | Q(location__in=location_ids) | Q(organization__in=organisation_ids)
    )
    schedules = Schedule.objects.filter(
        Q(service__in=service_ids)
        | Q(location__in=location_ids)
        | Q(service_at_location__service__in=service_ids)
    )
    owned = {
        Service: service_ids,
        RequiredDocument: RequiredDocument.objects.filter(service__in=service_ids).values("pk"),
        CostOption: CostOption.objects.filter(service__in=service_ids).values("pk"),
        Schedule: schedules.values("pk"),
        Accessibility: Accessibility.objects.filter(location__in=location_ids).values("pk"),
        Phone: phones.values("pk"),
        Location: location_ids,
        Article: article_ids,
        DirectoryOrganization: organisation_ids,
    }
    types = ContentType.objects.get_for_models(*owned)
    doomed = [
        TranslationRow.objects.filter(content_type=types[model], object_id__in=pks)
        for model, pks in owned.items()
    ]
    doomed += [
        Revision.objects.filter(content_type=types[model], object_id__in=owned[model])
        for model in (Service, Article)
    ]
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(PublicRegistration),
        object_id__in=registrations.values("pk"),
    ).delete()
    # Usage counts of demo records (the counts of general pages are anonymous totals: they stay).
    doomed += [
        PageCount.objects.filter(page="service", key__in=[str(pk) for pk in service_ids]),
        PageCount.objects.filter(page="article", key__in=slugs),
        PageCount.objects.filter(page="events", key__in=[str(pk) for pk in demo_activities]),
        PageCount.objects.filter(
            page="associations",
            key__in=[
                str(pk) for pk in Organisation.objects.filter(is_demo=True).values_list("pk", flat=True)
            ],
        ),
        registrations,
        SearchEntry.objects.filter(service__in=service_ids),
        ServiceFeedback.objects.filter(Q(service__in=service_ids) | Q(is_demo=True)),
        ServiceAttribute.objects.filter(service__in=service_ids),
        ServiceArea.objects.filter(service__in=service_ids),
        RequiredDocument.objects.filter(service__in=service_ids),
        CostOption.objects.filter(service__in=service_ids),
        ServiceLanguage.objects.filter(
            Q(service__in=service_ids) | Q(location__in=location_ids) | Q(phone__in=phones.values("pk"))
        ),
        phones,
        Contact.objects.filter(
            Q(service__in=service_ids)
            | Q(location__in=location_ids)
            | Q(organization__in=organisation_ids)
            | Q(service_at_location__service__in=service_ids)
        ),
        schedules,
        Article.services.through.objects.filter(Q(service__in=service_ids) | Q(article__in=article_ids)),
        Article.needs.through.objects.filter(article__in=article_ids),
        Article.objects.filter(pk__in=article_ids),
        ServiceAtLocation.objects.filter(Q(service__in=service_ids) | Q(location__in=location_ids)),
        Accessibility.objects.filter(location__in=location_ids),
        Address.objects.filter(location__in=location_ids),
        Location.objects.filter(pk__in=location_ids),
        Service.objects.filter(pk__in=service_ids),
        DirectoryOrganization.objects.filter(pk__in=organisation_ids),
    ]
    for queryset in doomed:
        queryset._raw_delete(queryset.db)
    return counts


def _demo_activities():
    demo_users = User.objects.filter(email__iendswith="@" + DEMO_EMAIL_DOMAIN).values("pk")
    demo_orgs = Organisation.objects.filter(is_demo=True).values("pk")
    return Activity.objects.filter(
        Q(is_demo=True) | Q(organiser__in=demo_orgs) | Q(created_by__in=demo_users)
    )


# --- Generating ----------------------------------------------------------------------------------------


def seed_directory(rng_seed: int, size: str, today: datetime.date | None = None) -> dict[str, int]:
    """Generate the portal's demo data over the demo organisations, logins and activities already written;
    returns the row counts."""
    return _Generator(rng_seed, size, today or timezone.localdate()).run()


def seed_directory_scale(n: int, *, seed: int = 1, today: datetime.date | None = None) -> dict[str, int]:
    """Benchmarks: replace the demo directory with `n` published, recently verified services translated in
    every content language (plus the information pages), and rebuild the search index."""
    with transaction.atomic():
        delete_directory_demo_data()
        return _Generator(seed, "scale", today or timezone.localdate(), services=n, complete=True).run()


class _Generator:
    def __init__(self, seed: int, size: str, today: datetime.date, *, services=None, complete=False):
        self.rng = random.Random(seed * 7_919 + 7)  # a stream of its own: other modules' draws never shift it
        self.size = size
        self.today = today
        self.tz = timezone.get_current_timezone()
        self.now = timezone.now()
        self.total = services if services is not None else SERVICES[size]
        self.complete = complete
        self.other_share = 0.0 if size == "small" else OTHER_TOWNS_SHARE
        self.counts: dict[str, int] = {}
        self.rows: dict[type, list[dict]] = defaultdict(list)
        self.orgs: dict[str, dict] = {}
        self.locations: dict[tuple, list[dict]] = defaultdict(list)
        self.name_uses: dict[tuple, int] = defaultdict(int)
        self.location_names: set[tuple[str, str]] = set()
        self.generated_names: dict[tuple, str] = {}
        self.services: list[dict] = []
        self.translations: list[tuple] = []
        self.db_uuid = _converter(TranslationRow._meta.get_field("object_id")) or (lambda value: value)
        self.db_moment = _converter(TranslationRow._meta.get_field("translated_at")) or (lambda value: value)

    # Helpers -----------------------------------------------------------------------------------------

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def at(self, days_ago: float, hour: int | None = None) -> datetime.datetime:
        """A moment `days_ago` days before today (fractions are hours), never in the future."""
        day = self.today - datetime.timedelta(days=int(days_ago))
        if hour is None:
            hour = 8 + int((days_ago % 1) * 10)
        moment = datetime.datetime.combine(day, datetime.time(hour, int(days_ago * 997) % 60), tzinfo=self.tz)
        return min(moment, self.now - datetime.timedelta(minutes=5))

    # Reference ---------------------------------------------------------------------------------------

    def _load(self) -> None:
        self.municipalities = {m.name: m for m in Municipality.objects.campania().select_related("province")}
        self.towns = [name for name in TOWNS if name in self.municipalities]
        self.town_weights = [TOWNS[name][3] for name in self.towns]
        self.other_towns = sorted(
            (m for name, m in self.municipalities.items() if name not in TOWNS), key=lambda m: m.istat_code
        )
        self.network: dict[str, Organisation] = {}
        for organisation in Organisation.objects.filter(is_demo=True).select_related(
            "municipality__province"
        ):
            self.network.setdefault(base_name(organisation), organisation)
        self.partners_by_town: dict[tuple[str, str], list[Organisation]] = defaultdict(list)
        for name in sorted(self.network):
            organisation = self.network[name]
            self.partners_by_town[(organisation.kind, organisation.municipality.name)].append(organisation)
        users = dict(User.objects.filter(email__in=[EDITOR, PARTNER_OPERATOR]).values_list("email", "pk"))
        self.editor = users.get(EDITOR)
        self.partner_operator = users.get(PARTNER_OPERATOR)
        self.editor_organisation = (
            Membership.objects.filter(user_id=self.editor).values_list("organisation_id", flat=True).first()
            if self.editor
            else None
        )
        self.staff: dict[int, list[int]] = defaultdict(list)  # network organisation -> operators and admins
        for organisation_id, user_id in (
            Membership.objects.filter(
                organisation__is_demo=True,
                role__in=[Role.OPERATOR, Role.ORG_ADMIN],
                user__email__iendswith="@" + DEMO_EMAIL_DOMAIN,
            )
            .order_by("user__email")
            .values_list("organisation_id", "user_id")
        ):
            self.staff[organisation_id].append(user_id)
        self.types = {
            model: content_type.pk
            for model, content_type in ContentType.objects.get_for_models(
                Service, RequiredDocument, Schedule, CostOption, Accessibility, Phone, Article,
                DirectoryOrganization,
            ).items()
        }  # fmt: skip
        self.templates = {template.code: template for template in SERVICE_TEMPLATES}

    # Organisations -----------------------------------------------------------------------------------

    def org(self, name: str, kind: str, town: str, network: Organisation | None = None) -> dict:
        """The directory organisation called `name` (created once), linked to the partner of that name."""
        found = self.orgs.get(name)
        if found is not None:
            return found
        network = network or self.network.get(name)
        domain = _slug(name)[:40] + ".example.org"
        created = self.at(600 + self.rng.random() * 400)
        row = {
            "id": self.uuid(),
            "name": network.name if network else name,
            "description": ORGANISATION_DESCRIPTIONS[kind]["it"],
            "email": f"info@{domain}",
            "website": f"https://www.{domain}",
            "legal_status": LEGAL_STATUS[kind],
            "network_organisation_id": network.pk if network else None,
            "is_demo": True,
            "created_at": created,
            "updated_at": created,
            "kind": kind,
            "town": town,
            "domain": domain,
        }
        self.orgs[name] = row
        return row

    def province_of(self, town: str) -> str:
        return self.municipalities[town].province.abbreviation

    def capital_of(self, town: str) -> str:
        return CAPITALS[self.province_of(town)]

    def asl_of(self, town: str) -> str:
        province = self.province_of(town)
        if province != "NA":
            return ASL_BY_PROVINCE[province]
        if town == "Napoli":
            return "ASL Napoli 1 Centro"
        return "ASL Napoli 2 Nord" if self._north(town) else "ASL Napoli 3 Sud"

    def cpia_of(self, town: str) -> str:
        province = self.province_of(town)
        if province != "NA":
            return CPIA_BY_PROVINCE[province]
        if town == "Napoli":
            return "CPIA Napoli città 1"
        return "CPIA Napoli provincia 1" if self._north(town) else "CPIA Napoli provincia 2"

    def _north(self, town: str) -> bool:
        if town in TOWNS:
            return town in NAPOLI_NORTH
        return int(self.municipalities[town].istat_code) % 2 == 0

    def _generated(self, key: tuple, make) -> str:
        if key not in self.generated_names:
            self.generated_names[key] = make()
        return self.generated_names[key]

    def provider(self, template: ServiceTemplate, town: str) -> tuple[dict, str]:
        """Who offers `template` in `town`, and the town where it is delivered."""
        rng = self.rng
        rule = template.provider
        if rule == "comune_o_terzo":
            rule = "comune" if rng.random() < 0.5 else "terzo"
        if rule == "patronato" and rng.random() < 0.3:
            rule = "terzo"
        if rule == "comune":
            districts = self.partners_by_town.get((OrganisationKind.SOCIAL_DISTRICT, town))
            if (
                districts
                and template.code in ("segretariato-sociale", "sportello-casa")
                and rng.random() < 0.5
            ):
                return self.org(base_name(districts[0]), "ambito", town), town
            return self.org(f"Comune di {town}", "comune", town), town
        if rule == "asl":
            return self.org(self.asl_of(town), "asl", town), town
        if rule == "cpia":
            return self.org(self.cpia_of(town), "cpia", town), town
        if rule == "prefettura":
            capital = self.capital_of(town)
            return self.org(
                f"Prefettura - Ufficio territoriale del Governo di {capital}", "prefettura", capital
            ), capital
        if rule == "questura":
            capital = self.capital_of(town)
            return self.org(f"Questura di {capital}", "questura", capital), capital
        if rule == "cpi":
            place = town if town in CPI_TOWNS else self.capital_of(town)
            return self.org(f"Centro per l'Impiego di {place}", "cpi", place), place
        if rule == "universita":
            name, place = UNIVERSITIES[self.province_of(town)]
            return self.org(name, "universita", place), place
        if rule == "antiviolenza":
            name = self._generated(
                ("antiviolenza", town),
                lambda: f"Associazione {rng.choice(ANTIVIOLENCE_NAMES)} – Centro antiviolenza di {town}",
            )
            return self.org(name, "antiviolenza", town), town
        if rule in ("patronato", "sindacato"):
            unions = self.partners_by_town.get((OrganisationKind.SOCIAL_PARTNER, town))
            name = base_name(unions[0]) if unions else f"Unione Lavoratori Campani - sede di {town}"
            return self.org(name, rule, town), town
        if rule == "associazione":
            associations = [
                o
                for kind in (OrganisationKind.MIGRANT_ASSOCIATION, OrganisationKind.INFORMAL_GROUP)
                for o in self.partners_by_town.get((kind, town), ())
                if o.approval == Approval.APPROVED
            ]
            if associations:
                return self.org(base_name(rng.choice(associations)), "associazione", town), town
            name = self._generated(
                ("associazione", town),
                lambda: f"Associazione interculturale {rng.choice(THIRD_SECTOR_CORES)} {town}",
            )
            return self.org(name, "associazione", town), town
        # third sector: a partner of the town, or one of two local bodies
        partners = self.partners_by_town.get((OrganisationKind.THIRD_SECTOR, town))
        if partners and rng.random() < 0.6:
            return self.org(base_name(rng.choice(partners)), "terzo", town), town
        slot = int(rng.random() * 2)
        name = self._generated(
            ("terzo", town, slot),
            lambda: f"{rng.choice(THIRD_SECTOR_PREFIXES)} {rng.choice(THIRD_SECTOR_CORES)} {town}",
        )
        return self.org(name, "terzo", town), town

    # Planning ----------------------------------------------------------------------------------------

    def _plan(self) -> list[tuple[ServiceTemplate, str, dict]]:
        """Every partner offers its services first; the rest is drawn by template and town weights."""
        rng = self.rng
        plans = []
        for name in sorted(self.network):
            organisation = self.network[name]
            spec = PARTNER_TEMPLATES.get(organisation.kind)
            if spec is None or organisation.municipality.name not in self.municipalities:
                continue
            if organisation.kind == OrganisationKind.SCHOOL and not name.startswith("CPIA"):
                continue
            association = organisation.kind in (
                OrganisationKind.MIGRANT_ASSOCIATION,
                OrganisationKind.INFORMAL_GROUP,
            )
            if association and organisation.approval != Approval.APPROVED:
                continue
            kind, codes = spec
            town = organisation.municipality.name
            directory_org = self.org(name, kind, town, organisation)
            for code in codes:
                template = self.templates[code]
                place = self.capital_of(town) if template.capitals_only else town
                plans.append((template, place, directory_org))
        weights = [template.weight for template in SERVICE_TEMPLATES]
        capitals = [town for town in CAPITALS.values() if town in self.municipalities]
        while len(plans) < self.total:
            template = rng.choices(SERVICE_TEMPLATES, weights=weights)[0]
            if template.capitals_only:
                town = rng.choices(capitals, weights=[TOWNS[t][3] for t in capitals])[0]
            elif self.other_towns and rng.random() < self.other_share:
                town = self.other_towns[int(rng.random() * len(self.other_towns))].name
            else:
                town = rng.choices(self.towns, weights=self.town_weights)[0]
            directory_org, town = self.provider(template, town)
            plans.append((template, town, directory_org))
        return plans[: self.total]

    def _states(self, n: int) -> list[str]:
        """Editorial state of each planned service: fixed shares, shuffled, so every state is present."""
        if self.complete:
            return ["published"] * n
        quotas = {
            "draft": max(3, round(0.05 * n)),
            "in_review": max(3, round(0.04 * n)),
            "archived": max(1, round(0.005 * n)),
            "stale": max(3, round(0.04 * n)),
            "hidden": max(2, round(0.012 * n)),
        }
        states = [state for state, count in quotas.items() for _ in range(count)]
        states += ["published"] * max(0, n - len(states))
        self.rng.shuffle(states)
        return states[:n]

    # Services ----------------------------------------------------------------------------------------

    def _location(self, template: ServiceTemplate, organisation: dict, town: str) -> dict:
        """A place of `organisation` in `town`: an existing one of the same kind (often), or a new one."""
        rng = self.rng
        key = (organisation["id"], town, template.place)
        places = self.locations[key]
        if places and rng.random() < 0.7:
            return places[int(rng.random() * len(places))]
        municipality = self.municipalities[town]
        province = municipality.province.abbreviation
        streets = NAPOLI_STREETS if town == "Napoli" else STREETS
        street = f"{streets[int(rng.random() * len(streets))]}, {1 + int(rng.random() * 180)}"
        if town in TOWNS:
            latitude, longitude, postcode, _w = TOWNS[town]
            # Around the centre; on the coast only inland, never in the sea.
            spread = 0.025 if town == "Napoli" else 0.008
            lat_draw, lon_draw = rng.random(), rng.random()
            lat_sign, lon_sign = INLAND.get(town, (0, 0))
            latitude = round(
                latitude + (lat_draw if lat_sign else lat_draw * 2 - 1) * (lat_sign or 1) * spread, 6
            )
            longitude = round(
                longitude + (lon_draw if lon_sign else lon_draw * 2 - 1) * (lon_sign or 1) * spread * 1.3, 6
            )
        else:
            latitude = longitude = None
            postcode = PROVINCE_POSTCODES[province]
        name = f"{template.place} di {town}"
        if (town, name) in self.location_names:
            name = f"{template.place} – {street.split(',')[0]}"
        self.location_names.add((town, name))
        location = {
            "id": self.uuid(),
            "location_type": "physical",
            "organization_id": organisation["id"],
            "name": name,
            "latitude": latitude,
            "longitude": longitude,
            "municipality_id": municipality.pk,
            "street": street,
            "town": town,
        }
        places.append(location)
        self.rows[Location].append(location)
        self.rows[Address].append(
            {
                "id": self.uuid(),
                "location_id": location["id"],
                "address_1": street,
                "city": town,
                "region": "Campania",
                "state_province": province,
                "postal_code": postcode,
                "country": "IT",
                "address_type": "physical",
            }
        )
        if rng.random() < 0.6:
            accessibility = {
                "id": self.uuid(),
                "location_id": location["id"],
                "phrases": ACCESSIBILITY[int(rng.random() * 3)],
            }
            accessibility["description"] = accessibility["phrases"]["it"]
            self.rows[Accessibility].append(accessibility)
            location["accessibility"] = accessibility
        return location

    def _service(self, template: ServiceTemplate, town: str, organisation: dict, state: str) -> None:
        rng = self.rng
        municipality = self.municipalities[town]
        province = municipality.province
        level = ("A1", "A2", "B1")[int(rng.random() * 3)]
        texts = {
            language: [text.format(town=town, level=level) for text in values]
            for language, values in template.texts.items()
        }
        location = self._location(template, organisation, town)
        uses = self.name_uses[(template.code, organisation["id"], town, level)] = (
            self.name_uses[(template.code, organisation["id"], town, level)] + 1
        )
        if uses > 1:  # the same service of the same body in the same town: tell them apart by the place
            suffix = f" – {location['street'].split(',')[0]}"
            for values in texts.values():
                values[0] = values[0] + suffix
        service_id = self.uuid()
        # Dates, in days before today: verified, published, created.
        if state == "stale":
            verified = 380 + rng.random() * 40
        elif state == "hidden":
            verified = 470 + rng.random() * 60
        elif state in ("published", "archived"):
            verified = 2 + (rng.random() ** 1.4) * 320
        else:
            verified = None
        draft_days = 1 + rng.random() * 50
        published = (verified or 0) + rng.random() * 200 if verified is not None else None
        created = (published or draft_days) + 3 + rng.random() * 40
        closed = state == "published" and rng.random() < 0.02
        outdated = state in ("published", "stale") and not self.complete and rng.random() < OUTDATED_SHARE
        interpretation = INTERPRETATION[int(rng.random() * 3)] if rng.random() < 0.35 else None
        fields = dict(zip(SERVICE_FIELDS, texts["it"], strict=True))
        if outdated:
            fields["description"] += REVISED_SENTENCE
        email = f"{template.code}@{organisation['domain']}" if rng.random() < 0.7 else ""
        row = {
            "id": service_id,
            "organization_id": organisation["id"],
            **fields,
            "url": f"https://www.{organisation['domain']}/servizi/{template.code}"
            if rng.random() < 0.5
            else "",
            "email": email,
            "status": ServiceStatus.TEMPORARILY_CLOSED if closed else ServiceStatus.ACTIVE,
            "interpretation_services": interpretation["it"] if interpretation else "",
            "alert": ALERT_TEMPORARILY_CLOSED["it"] if closed else "",
            "is_free": template.free,
            "minimum_age": 16 if template.code == "cpia-italiano" else None,
            "text_revisions": {"description": 2} if outdated else {},
            "state": {"stale": "published", "hidden": "published"}.get(state, state),
            "published_at": self.at(published) if published is not None else None,
            "last_verified_at": self.at(verified) if verified is not None else None,
            "last_verified_by_id": self.editor if verified is not None else None,
            "created_at": self.at(created),
            "is_demo": True,
            "template": template,
            "texts": texts,
            "town": town,
            "kind": state,
        }
        revised_days = (verified or 0) + rng.random() * max(0, min(60, (published or 0) - (verified or 0)))
        row["last_modified"] = self.at(revised_days if outdated else (published or draft_days))
        last_change = [draft_days] if verified is None else [verified] + ([revised_days] if outdated else [])
        row["updated_at"] = self.at(min(last_change))
        self.services.append(row)
        self.rows[Service].append(row)
        self._history(row, created, published, verified, revised_days if outdated else None, state)
        self.rows[ServiceAtLocation].append(
            {"id": self.uuid(), "service_id": service_id, "location_id": location["id"]}
        )
        for code in template.needs:
            self.rows[ServiceAttribute].append(
                {"id": self.uuid(), "service_id": service_id, "taxonomy_term_id": need_id(code)}
            )
        area = template.area
        if template.code == "consulenza-legale" and rng.random() < 0.3:
            area = "region"
        self.rows[ServiceArea].append(
            {
                "id": self.uuid(),
                "service_id": service_id,
                "name": {"municipality": town, "province": f"Provincia di {province.name}"}.get(
                    area, "Campania"
                ),
                "municipality_id": municipality.pk if area == "municipality" else None,
                "province_id": province.pk if area == "province" else None,
                "whole_region": area == "region",
            }
        )
        spoken = ["it", *(code for code in template.spoken if rng.random() < 0.5)]
        if template.provider == "associazione" and len(spoken) == 1:
            spoken.append(template.spoken[int(rng.random() * len(template.spoken))])
        if rng.random() < 0.05:
            spoken.append(("es", "ru", "wo")[int(rng.random() * 3)])
        for code in spoken:
            self.rows[ServiceLanguage].append(
                {"id": self.uuid(), "service_id": service_id, "code": code, "name": SPOKEN_NAMES[code]}
            )
        parts: list[tuple[type, dict, dict[str, str]]] = []  # (model, row, texts by language) to translate
        self._schedules(template, service_id, parts)
        phone = {
            "id": self.uuid(),
            "service_id": service_id,
            "number": f"{AREA_CODES[province.abbreviation]} 000 {1000 + int(rng.random() * 9000)}",
            "type": "voice",
        }
        self.rows[Phone].append(phone)
        if template.code == "centro-antiviolenza":
            helpline = {
                "id": self.uuid(),
                "service_id": service_id,
                "number": "1522",
                "type": "voice",
                "description": HELPLINE_1522["it"],
            }
            self.rows[Phone].append(helpline)
            parts.append((Phone, helpline, HELPLINE_1522))
        if email and rng.random() < 0.4:
            self.rows[Contact].append(
                {"id": self.uuid(), "service_id": service_id, "department": template.place, "email": email}
            )
        for code in template.documents:
            document = {"id": self.uuid(), "service_id": service_id, "document": DOCUMENTS[code]["it"]}
            self.rows[RequiredDocument].append(document)
            parts.append((RequiredDocument, document, DOCUMENTS[code]))
        for code in template.costs:
            amount, options = COST_OPTIONS[code]
            cost = {
                "id": self.uuid(),
                "service_id": service_id,
                "option": options["it"],
                "currency": "EUR",
                "amount": Decimal(amount) if amount else None,
            }
            self.rows[CostOption].append(cost)
            parts.append((CostOption, cost, options))
        if "accessibility" in location and not location.get("translated"):
            location["translated"] = True
            parts.append((Accessibility, location["accessibility"], location["accessibility"]["phrases"]))
        self._translations(row, texts, interpretation, closed, outdated, parts, published, revised_days)

    def _schedules(self, template: ServiceTemplate, service_id, parts) -> None:
        rng = self.rng
        if rng.random() < template.appointment:
            schedule = {
                "id": self.uuid(),
                "service_id": service_id,
                "by_appointment_only": True,
                "description": APPOINTMENT_ONLY["it"],
            }
            self.rows[Schedule].append(schedule)
            parts.append((Schedule, schedule, APPOINTMENT_ONLY))
            return
        pattern = template.hours[int(rng.random() * len(template.hours))]
        for days, opens, closes in HOURS[pattern]:
            self.rows[Schedule].append(
                {
                    "id": self.uuid(),
                    "service_id": service_id,
                    "freq": "WEEKLY",
                    "wkst": "MO",
                    "byday": days,
                    "opens_at": datetime.time(*opens),
                    "closes_at": datetime.time(*closes),
                }
            )
        if rng.random() < 0.2:
            schedule = {
                "id": self.uuid(),
                "service_id": service_id,
                "by_appointment_only": True,
                "description": APPOINTMENT_ALSO["it"],
            }
            self.rows[Schedule].append(schedule)
            parts.append((Schedule, schedule, APPOINTMENT_ALSO))

    def _history(self, row, created, published, verified, revised, state) -> None:
        """The applied revisions: created as a draft, sent to review or published, revised, archived."""
        author = self.editor
        organisation = self.editor_organisation
        versions = [(created, EditorialState.DRAFT, sorted(SERVICE_FIELDS), "Prima stesura")]
        if state == "in_review":
            versions.append((created - 1 - self.rng.random(), EditorialState.IN_REVIEW, ["state"], ""))
        if published is not None:
            versions.append((published, EditorialState.PUBLISHED, ["state"], ""))
        if revised is not None:
            versions.append((revised, EditorialState.PUBLISHED, ["description"], "Prenotazione online"))
        if state == "archived":
            versions.append(((verified or 0) * 0.5, EditorialState.ARCHIVED, ["state"], "Servizio sospeso"))
        snapshot = {name: _jsonable(row.get(name, "")) for name in Service.TRANSLATABLE_FIELDS}
        for name in SNAPSHOT_EXTRA_FIELDS["service"]:
            snapshot[name] = _jsonable(row.get(name, ""))
        for number, (days, editorial_state, changed, note) in enumerate(versions, start=1):
            self.rows[Revision].append(
                {
                    "content_type_id": self.types[Service],
                    "object_id": row["id"],
                    "number": number,
                    "status": RevisionStatus.APPLIED,
                    "state": editorial_state,
                    "snapshot": snapshot,
                    "changed_fields": changed,
                    "note": note,
                    "author_id": author,
                    "author_organisation_id": organisation,
                    "created_at": self.at(days),
                }
            )
        row["version"] = len(versions)

    def _translations(self, row, texts, interpretation, closed, outdated, parts, published, revised) -> None:
        """Translations of the service and its parts in each language, with their provenance."""
        rng = self.rng
        state = row["kind"]
        if state == "draft":
            return
        in_review = state == "in_review"
        service_fields = [name for name in SERVICE_FIELDS if row[name]]
        extra = []
        if interpretation:
            extra.append(("interpretation_services", interpretation))
        if closed:
            extra.append(("alert", ALERT_TEMPORARILY_CLOSED))
        for language in TRANSLATED:
            coverage = 1.0 if self.complete else COVERAGE[language] * (0.5 if in_review else 1.0)
            if rng.random() >= coverage:
                continue
            machine = in_review or rng.random() < MACHINE_SHARE
            # Translated some days after publication (or recently, for what is in review).
            translated = (published or 10) - rng.random() * min(30, max(published or 10, 1))
            if revised is not None:
                translated = max(translated, revised + 1)
            translated = max(translated, 0.1)
            verified_days = None if machine else max(0.05, translated - rng.random() * 6)
            if verified_days is not None and revised is not None:
                verified_days = max(verified_days, revised + 0.5)  # checked against the older Italian
            refreshed = outdated and language == "en" and not machine and rng.random() < 0.5
            method = TranslationMethod.MACHINE if machine else TranslationMethod.HUMAN
            translator = MACHINE_ENGINE if machine else TRANSLATORS[language]
            provenance = self.provenance(
                method, translator, self.at(translated), None if machine else self.at(verified_days)
            )
            for index, name in enumerate(SERVICE_FIELDS):
                if name not in service_fields:
                    continue
                revision = 2 if (outdated and name == "description" and refreshed) else 1
                if refreshed and name == "description":  # translated again after the Italian changed
                    self._translation(
                        Service, row["id"], name, language, texts[language][index] + REVISED_SENTENCE_EN, revision,
                        self.provenance(method, translator, self.at(revised * 0.5), self.at(revised * 0.4)),
                    )  # fmt: skip
                    continue
                self._translation(
                    Service, row["id"], name, language, texts[language][index], revision, provenance
                )
            for name, phrases in extra:
                self._translation(Service, row["id"], name, language, phrases[language], 1, provenance)
            for model, part, phrases in parts:
                self._translation(
                    model, part["id"], _text_field(model), language, phrases[language], 1, provenance
                )

    def _translation(self, model, object_id, field, language, text, revision, provenance) -> None:
        """One `Translation` row, as a tuple of database values in `TRANSLATION_COLUMNS` order (the table
        gets a quarter of a million rows at the campania size: no dict, no per-value conversion)."""
        self.translations.append(
            (self.types[model], self.db_uuid(object_id), field, language, text, revision, *provenance)
        )

    def provenance(self, method, translator_name, translated_at, verified_at) -> tuple:
        """Who made a translation and who checked it, as database values (shared by its rows)."""
        verifier = self.editor if verified_at is not None else None
        return (
            method,
            self.editor,
            translator_name,
            self.db_moment(translated_at),
            verifier,
            self.db_moment(verified_at) if verified_at is not None else None,
        )

    # Organisations' texts, articles ------------------------------------------------------------------

    def _organisations(self) -> None:
        provenance = {
            language: self.provenance(
                TranslationMethod.HUMAN, TRANSLATORS[language], self.at(300), self.at(290)
            )
            for language in TRANSLATED
        }
        for organisation in self.orgs.values():
            self.rows[DirectoryOrganization].append(organisation)
            texts = ORGANISATION_DESCRIPTIONS[organisation["kind"]]
            for language in TRANSLATED:
                self._translation(
                    DirectoryOrganization, organisation["id"], "description", language, texts[language], 1,
                    provenance[language],
                )  # fmt: skip
        self.counts["directory_organisations"] = len(self.orgs)
        self.counts["directory_partners"] = sum(1 for o in self.orgs.values() if o["network_organisation_id"])

    def _articles(self) -> None:
        rng = self.rng
        public = [s for s in self.services if s["kind"] == "published"]
        by_template: dict[str, list[dict]] = defaultdict(list)
        for service in public:
            by_template[service["template"].code].append(service)
        napoli = self.municipalities.get("Napoli")
        for index, spec in enumerate(ARTICLES):
            verified = 5 + rng.random() * 120
            published = verified + rng.random() * 90
            outdated = index == 4 and not self.complete
            title, summary, body = spec.texts["it"]
            if outdated:
                body += "\n\nLa domanda di nulla osta si invia solo online, con SPID o CIE."
            article = {
                "id": self.uuid(),
                "slug": spec.slug,
                "title": title,
                "summary": summary,
                "body": body,
                "text_revisions": {"body": 2} if outdated else {},
                "state": EditorialState.PUBLISHED,
                "version": 3 if outdated else 2,
                "published_at": self.at(published),
                "last_verified_at": self.at(verified),
                "last_verified_by_id": self.editor,
                "created_at": self.at(published + 10),
                "updated_at": self.at(verified),
                "is_demo": True,
                "municipality_id": napoli.pk if spec.municipality == "Napoli" and napoli else None,
                "province_id": napoli.province_id if spec.municipality == "Napoli" and napoli else None,
            }
            self.rows[Article].append(article)
            for code in spec.needs:
                self.rows[Article.needs.through].append(
                    {"article_id": article["id"], "taxonomyterm_id": need_id(code)}
                )
            linked = []
            for code in spec.services:
                candidates = by_template.get(code, [])
                local = [s for s in candidates if spec.municipality and s["town"] == spec.municipality]
                linked += (local or candidates)[:2]
            for service in linked[:4]:
                self.rows[Article.services.through].append(
                    {"article_id": article["id"], "service_id": service["id"]}
                )
            snapshot = {"title": title, "summary": summary, "body": body, "slug": spec.slug}
            for number, (days, state) in enumerate(
                [(published + 10, EditorialState.DRAFT), (published, EditorialState.PUBLISHED)]
                + ([(verified + 1, EditorialState.PUBLISHED)] if outdated else []),
                start=1,
            ):
                self.rows[Revision].append(
                    {
                        "content_type_id": self.types[Article],
                        "object_id": article["id"],
                        "number": number,
                        "status": RevisionStatus.APPLIED,
                        "state": state,
                        "snapshot": snapshot,
                        "changed_fields": CHANGED_BY_VERSION[number],
                        "author_id": self.editor,
                        "author_organisation_id": self.editor_organisation,
                        "created_at": self.at(days),
                    }
                )
            for language in TRANSLATED:
                if index == 7 and language in ("zh-hans", "bn", "ur") and not self.complete:
                    continue  # not translated yet
                machine = index == 5 and language in ("bn", "ur") and not self.complete
                translated = published - 2 - rng.random() * 5 if not outdated else verified + 20
                provenance = self.provenance(
                    TranslationMethod.MACHINE if machine else TranslationMethod.HUMAN,
                    MACHINE_ENGINE if machine else TRANSLATORS[language],
                    self.at(max(translated, 0.2)),
                    None if machine else self.at(max(translated - 1, 0.1)),
                )
                for name, text in zip(("title", "summary", "body"), spec.texts[language], strict=True):
                    self._translation(Article, article["id"], name, language, text, 1, provenance)
        self.counts["articles"] = len(ARTICLES)

    # Proposals, feedback, usage ------------------------------------------------------------------------

    def _proposals(self) -> None:
        """Pending proposals from partner operators (the Comune di Napoli operator first) and one rejected."""
        rng = self.rng
        by_network = {o["id"]: o["network_organisation_id"] for o in self.orgs.values()}
        candidates = []
        for service in self.services:
            partner = by_network.get(service["organization_id"])
            if service["kind"] != "published" or partner is None or not self.staff.get(partner):
                continue
            first = self.partner_operator in self.staff[partner]
            candidates.append((0 if first else 1, service, partner))
        candidates.sort(key=lambda item: item[0])
        wanted = PROPOSALS_PENDING.get(self.size, 3)
        chosen = candidates[: max(2, wanted // 3)]
        rest = candidates[len(chosen) :]
        chosen += rng.sample(rest, min(len(rest), wanted - len(chosen)))
        for index, (_first, service, partner) in enumerate(chosen + chosen[:1]):
            rejected = index == len(chosen)
            author = (
                self.partner_operator
                if self.partner_operator in self.staff[partner]
                else self.staff[partner][0]
            )
            if rejected:
                changes, note, reason = REJECTED_PROPOSAL
            else:
                changes, note = PROPOSALS[index % len(PROPOSALS)]
                reason = ""
            days = 1 + rng.random() * 12
            self.rows[Revision].append(
                {
                    "content_type_id": self.types[Service],
                    "object_id": service["id"],
                    "number": None,
                    "status": RevisionStatus.REJECTED if rejected else RevisionStatus.PENDING,
                    "state": EditorialState.PUBLISHED,
                    "snapshot": changes,
                    "changed_fields": sorted(changes),
                    "note": note,
                    "author_id": author,
                    "author_organisation_id": partner,
                    "created_at": self.at(days + (20 if rejected else 0)),
                    "decided_by_id": self.editor if rejected else None,
                    "decided_at": self.at(days + 18) if rejected else None,
                    "decision_note": reason,
                }
            )
        self.counts["pending_proposals"] = len(chosen)

    def _feedback(self) -> None:
        rng = self.rng
        public = [s for s in self.services if s["kind"] == "published"]
        if not public:
            return
        weights = [1 / (1 + i) ** 0.6 for i in range(len(public))]
        languages = VISITOR_LANGUAGES
        for _n in range(round(len(self.services) * FEEDBACK_PER_SERVICE)):
            service = rng.choices(public, weights=weights)[0]
            days = int(rng.random() ** 1.3 * 120)
            rejected = rng.random() < 0.04
            if rejected:
                language, comment = FEEDBACK_REJECTED[int(rng.random() * len(FEEDBACK_REJECTED))]
            elif rng.random() < 0.35:
                language, comment = FEEDBACK_COMMENTS[int(rng.random() * len(FEEDBACK_COMMENTS))]
            else:
                language, comment = _pick(rng, languages), ""
            if rejected:
                status = ModerationStatus.REJECTED
            elif (days < 15 and rng.random() < 0.7) or rng.random() < 0.1:
                status = ModerationStatus.PENDING
            else:
                status = ModerationStatus.APPROVED
            useful = _pick(rng, [(Answer.YES, 70), (Answer.PARTLY, 20), (Answer.NO, 10)])
            could_access = _pick(rng, [(Answer.YES, 75), (Answer.PARTLY, 15), (Answer.NO, 10)])
            wait = _pick(
                rng,
                [
                    (WaitTime.NONE, 30),
                    (WaitTime.DAYS, 30),
                    (WaitTime.WEEKS, 20),
                    (WaitTime.MONTHS, 8),
                    (WaitTime.UNKNOWN, 12),
                ],
            )
            moderated = status != ModerationStatus.PENDING
            self.rows[ServiceFeedback].append(
                {
                    "service_id": service["id"],
                    "submitted_on": self.today - datetime.timedelta(days=days),
                    "language": language,
                    "useful": useful,
                    "could_access": could_access,
                    "wait_time": wait,
                    "comment": comment,
                    "status": status,
                    "moderated_by_id": self.editor if moderated else None,
                    "moderated_at": self.at(max(days - 1 - rng.random() * 3, 0.1)) if moderated else None,
                    "is_demo": True,
                }
            )
        self.counts["service_feedback"] = len(self.rows[ServiceFeedback])

    def _usage(self, events: list[int], associations: list[int]) -> list[dict]:
        """Daily views of the last 60 days: home, search and lists, the popular services and pages, events."""
        rng = self.rng
        public = [s for s in self.services if s["kind"] == "published"]
        popular = public[: min(len(public), 40 if self.size == "small" else 150)]
        shares = [(language, weight / 100) for language, weight in VISITOR_LANGUAGES]
        pages: list[tuple[str, str, float]] = [
            ("home", "", 60.0),
            ("search", "", 45.0),
            ("articles", "", 8.0),
        ]
        pages += [("search", code, 3.0) for code in ("residence-permit", "health", "work", "italian-courses")]
        pages += [("events", "", 6.0), ("associations", "", 2.0)]
        pages += [("service", str(s["id"]), 4.0 / (1 + i) ** 0.7) for i, s in enumerate(popular)]
        pages += [("article", spec.slug, 6.0 / (1 + i) ** 0.5) for i, spec in enumerate(ARTICLES)]
        pages += [("events", str(pk), 0.5) for pk in events]
        pages += [("associations", str(pk), 0.8) for pk in associations]
        rows = []
        for days in range(USAGE_DAYS):
            day = self.today - datetime.timedelta(days=days)
            weekday = 0.6 if day.weekday() >= 5 else 1.0
            for page, key, mean in pages:
                for language, share in shares:
                    expected = mean * share * weekday
                    count = int(expected * (0.5 + rng.random()) + rng.random())
                    if count:
                        rows.append(
                            {"day": day, "page": page, "key": key, "language": language, "count": count}
                        )
        return rows

    # Events ------------------------------------------------------------------------------------------

    def _events(self) -> list[int]:
        """Add upcoming public information events, then registrations to the recent and upcoming ones."""
        rng = self.rng
        rule = CompletionRule.objects.filter(code="evento-presenza").first() or CompletionRule.objects.first()
        italian = Language.objects.filter(code="ita").values_list("pk", flat=True).first()
        organisers = sorted(self.network.values(), key=lambda o: o.name)
        towns = [
            "Napoli",
            "Caserta",
            "Salerno",
            "Castel Volturno",
            "Avellino",
            "Eboli",
            "Benevento",
            "Aversa",
        ]
        added = []
        if rule is not None and organisers:
            for index in range(INFORMATION_EVENTS_ADDED.get(self.size, 0)):
                _theme, title, description, kinds = INFORMATION_EVENTS[index % len(INFORMATION_EVENTS)]
                town = towns[index % len(towns)]
                # A partner of the theme in that town, else the town's Comune or third sector, else anywhere.
                local = [o for o in organisers if o.municipality.name == town]
                organiser = (
                    next((o for kind in kinds for o in local if o.kind == kind), None)
                    or next(
                        (o for kind in ("municipality", "third_sector") for o in local if o.kind == kind),
                        None,
                    )
                    or next((o for kind in kinds for o in organisers if o.kind == kind), organisers[0])
                )
                # One held last week and one today (so the check-in has something to show), the rest ahead.
                days_ahead = (-9, 0)[index] if index < 2 else 4 + (index - 2) * 5 + int(rng.random() * 4)
                day = self.today + datetime.timedelta(days=days_ahead)
                start = (10, 0) if rng.random() < 0.6 or days_ahead == 0 else (17, 0)
                municipality = self.municipalities.get(town) or organiser.municipality
                activity = Activity(
                    title=title.format(town=municipality.name)[:200],
                    description=description,
                    kind=ActivityKind.INFORMATION_EVENT,
                    action=DEFAULT_ACTION[ActivityKind.INFORMATION_EVENT],
                    organiser=organiser,
                    municipality=municipality,
                    venue=f"Sala incontri, {STREETS[index % len(STREETS)]} {3 + index}, {municipality.name}",
                    start_date=day,
                    end_date=day,
                    planned_hours=Decimal(2),
                    capacity=(40, 60, 80, None)[int(rng.random() * 4)],
                    audience=Audience.PUBLIC,
                    language_of_instruction_id=italian,
                    status=(
                        ActivityStatus.COMPLETED
                        if days_ahead < 0
                        else ActivityStatus.RUNNING
                        if days_ahead == 0
                        else ActivityStatus.OPEN
                        if days_ahead <= 45
                        else ActivityStatus.PLANNED
                    ),
                    completion_rule=rule,
                    is_demo=True,
                    created_by_id=(self.staff.get(organiser.pk) or [None])[0],
                )
                added.append((activity, start))
            Activity.objects.bulk_create([activity for activity, _start in added])
            Session.objects.bulk_create(
                Session(
                    activity=activity,
                    date=activity.start_date,
                    start_time=datetime.time(*start),
                    end_time=datetime.time(start[0] + 2, start[1]),
                    hours=Decimal(2),
                    topic=activity.title[:200],
                    venue=activity.venue,
                )
                for activity, start in added
            )
        self.counts["public_events_added"] = len(added)
        return self._registrations()

    def _registrations(self) -> list[int]:
        from activities.actions_events import (
            CHECKIN_CODE_LENGTH,
            CODE_ALPHABET,
            CONSENT_TEXT_VERSION,
            PURGE_AFTER_DAYS,
            REMOVED,
        )

        rng = self.rng
        since = self.today - datetime.timedelta(days=REGISTRATION_DAYS)
        events = list(
            Activity.objects.public()
            .filter(end_date__gte=since)
            .exclude(status=ActivityStatus.PLANNED, start_date__gt=self.today + datetime.timedelta(days=60))
            .order_by("start_date", "pk")
        )
        first_session = dict(  # the last assignment wins: the earliest session's start
            Session.objects.filter(activity__in=events)
            .order_by("-date", "-start_time")
            .values_list("activity_id", "start_time")
        )
        held = defaultdict(int)
        for activity_id in Enrolment.objects.filter(activity__in=events, status__in=HOLDS_PLACE).values_list(
            "activity_id", flat=True
        ):
            held[activity_id] += 1
        codes = set(PublicRegistration.objects.values_list("confirmation_code", flat=True))
        rows = []
        for activity in events:
            upcoming = activity.end_date >= self.today
            free = None if activity.capacity is None else max(activity.capacity - held[activity.pk], 0)
            base = free if free is not None else 20 + int(rng.random() * 30)
            target = int(base * (0.3 + rng.random() * (0.85 if upcoming else 0.6)))
            if upcoming and free is not None and rng.random() < 0.3:
                target = free + 2 + int(rng.random() * 5)  # full: a waiting list
            staff = self.staff.get(activity.organiser_id) or [None]
            start = first_session.get(activity.pk) or datetime.time(10, 0)
            people_so_far = 0
            checkins: set[str] = set()
            purged = activity.end_date < self.today - datetime.timedelta(days=PURGE_AFTER_DAYS)
            while people_so_far < target:
                people = _pick(rng, [(1, 75), (2, 15), (3, 6), (4, 4)])
                language = _pick(rng, VISITOR_LANGUAGES)
                country = rng.choice(NAME_COUNTRIES[language])
                sex = "F" if rng.random() < 0.55 else "M"
                first, last = rng.choice(NAMES[country][sex]), rng.choice(NAMES[country]["last"])
                if rng.random() < 0.6:
                    handle = _slug(f"{first} {last}").replace("-", ".")
                    contact = f"{handle}{int(rng.random() * 90) + 10}@example.org"
                else:
                    contact = f"+39 3{20 + int(rng.random() * 30)} 000 {1000 + int(rng.random() * 9000)}"
                registered = self._before(activity.start_date, 1 + rng.random() * 30)
                cancelled = rng.random() < 0.06
                status = RegistrationStatus.CONFIRMED
                if cancelled:
                    status = RegistrationStatus.CANCELLED
                elif free is not None and people_so_far + people > free:
                    status = RegistrationStatus.WAITING if upcoming else RegistrationStatus.CANCELLED
                if status == RegistrationStatus.CONFIRMED:
                    people_so_far += people
                elif status == RegistrationStatus.WAITING:
                    target -= people
                code = "EV-" + _code(rng, CODE_ALPHABET, 4) + "-" + _code(rng, CODE_ALPHABET, 2)
                while code in codes:
                    code = "EV-" + _code(rng, CODE_ALPHABET, 4) + "-" + _code(rng, CODE_ALPHABET, 2)
                codes.add(code)
                checkin = _code(rng, CODE_ALPHABET, CHECKIN_CODE_LENGTH)
                while checkin in checkins:
                    checkin = _code(rng, CODE_ALPHABET, CHECKIN_CODE_LENGTH)
                checkins.add(checkin)
                arrived = None
                if (
                    status == RegistrationStatus.CONFIRMED
                    and activity.start_date <= self.today
                    and rng.random() < 0.72
                ):
                    moment = datetime.datetime.combine(activity.start_date, start, tzinfo=self.tz)
                    arrived = moment + datetime.timedelta(minutes=int(rng.random() * 40) - 10)
                    if arrived > self.now:
                        arrived = None
                token = (
                    base64.urlsafe_b64encode(rng.getrandbits(256).to_bytes(32, "big")).decode().rstrip("=")
                )
                rows.append(
                    PublicRegistration(
                        activity=activity,
                        full_name=REMOVED if purged else f"{first} {last}",
                        contact=REMOVED if purged else contact,
                        language=language,
                        people=people,
                        consent_at=registered,
                        consent_text_version=CONSENT_TEXT_VERSION,
                        status=status,
                        confirmation_code=code,
                        checkin_code=checkin,
                        cancel_token=token,
                        created_at=registered,
                        cancelled_at=registered + datetime.timedelta(days=1)
                        if status == RegistrationStatus.CANCELLED
                        else None,
                        checked_in_at=arrived,
                        checked_in_by_id=staff[int(rng.random() * len(staff))] if arrived else None,
                        anonymised_at=self._before(activity.end_date, -PURGE_AFTER_DAYS - 1)
                        if purged
                        else None,
                        is_demo=True,
                    )
                )
        PublicRegistration.objects.bulk_create(rows, batch_size=1000)
        self.counts["public_registrations"] = len(rows)
        self.counts["public_registrations_checked_in"] = sum(1 for r in rows if r.checked_in_at)
        return [activity.pk for activity in events]

    def _before(self, day: datetime.date, days: float) -> datetime.datetime:
        moment = datetime.datetime.combine(day, datetime.time(9), tzinfo=self.tz) - datetime.timedelta(
            days=days
        )
        return min(moment, self.now - datetime.timedelta(hours=1))

    def _associations(self) -> list[int]:
        """Approved demo associations and informal groups listed on the portal (a few at least)."""
        approved = Organisation.objects.filter(
            is_demo=True,
            kind__in=[OrganisationKind.MIGRANT_ASSOCIATION, OrganisationKind.INFORMAL_GROUP],
            approval=Approval.APPROVED,
        )
        if approved.filter(listed_publicly=True).count() < 3:
            keep = list(approved.order_by("name").values_list("pk", flat=True)[:3])
            Organisation.objects.filter(pk__in=keep).update(listed_publicly=True)
        listed = list(approved.filter(listed_publicly=True).order_by("pk").values_list("pk", flat=True))
        self.counts["associations_listed"] = len(listed)
        return listed

    # Running -----------------------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        self._load()
        events = [] if self.complete else self._events()
        associations = self._associations()
        plans = self._plan()
        for (template, town, organisation), state in zip(plans, self._states(len(plans)), strict=True):
            self._service(template, town, organisation, state)
        self._organisations()
        self._articles()
        if not self.complete:
            self._proposals()
            self._feedback()
        self._write()
        if not self.complete:
            usage = self._usage(events, associations)
            # The counts of general pages may be left from an earlier demo: replace them.
            _insert(PageCount, usage, conflict=(["day", "page", "key", "language"], ["count"]))
            self.counts["page_counts"] = len(usage)
        self.counts["search_entries"] = search.rebuild_index()
        return self.counts

    def _write(self) -> None:
        order = [
            DirectoryOrganization, Location, Address, Accessibility, Service, ServiceAtLocation, ServiceAttribute,
            ServiceArea, ServiceLanguage, Schedule, Phone, Contact, RequiredDocument, CostOption, Article,
            Article.needs.through, Article.services.through, Revision, ServiceFeedback,
        ]  # fmt: skip
        for model in order:
            rows = self.rows.get(model, [])
            # In index order: each B-tree page is then written once, not once per row (random UUIDs).
            if model is Revision:
                rows.sort(key=lambda r: (r["content_type_id"], r["object_id"], r["status"]))
            elif model._meta.pk.get_internal_type() == "UUIDField":
                rows.sort(key=lambda r: r["id"].int)
            _insert(model, rows)
        self.translations.sort()
        _insert_values(TranslationRow, TRANSLATION_COLUMNS, self.translations)
        states = defaultdict(int)
        for service in self.services:
            states[service["kind"]] += 1
        self.counts["directory_services"] = len(self.services)
        for state in ("published", "draft", "in_review", "archived", "stale", "hidden"):
            self.counts[f"directory_services_{state}"] = states[state]
        self.counts["directory_locations"] = len(self.rows[Location])
        self.counts["directory_translations"] = len(self.translations)
        self.counts["directory_revisions"] = len(self.rows[Revision])


CHANGED_BY_VERSION = {1: ["body", "summary", "title"], 2: ["state"], 3: ["body"]}


def _text_field(model) -> str:
    return {RequiredDocument: "document", CostOption: "option", Schedule: "description"}.get(
        model, "description"
    )


def _jsonable(value):
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def _code(rng: random.Random, alphabet: str, length: int) -> str:
    return "".join(alphabet[int(rng.random() * len(alphabet))] for _ in range(length))


def _insert(model, rows: list[dict], *, conflict: tuple[list[str], list[str]] | None = None) -> None:
    """Multi-row INSERT of `rows` (dicts by attribute name; missing columns take the field's default),
    converting UUIDs, dates, times and JSON as the backend expects. `conflict` = (unique fields, fields to
    update) turns it into an upsert. Table and column names come from the model's metadata."""
    if not rows:
        return
    fields = [
        f
        for f in model._meta.concrete_fields
        if not (f.primary_key and f.get_internal_type() in ("AutoField", "BigAutoField", "SmallAutoField"))
    ]
    columns = []
    for f in fields:
        default = None if f.null and not f.has_default() else f.get_default()
        columns.append((f.attname, default, _converter(f)))
    ops = connection.ops
    table = ops.quote_name(model._meta.db_table)
    names = ", ".join(ops.quote_name(f.column) for f in fields)
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(fields))})"  # noqa: S608
    if conflict is not None:
        unique, update = (
            [ops.quote_name(model._meta.get_field(name).column) for name in names_] for names_ in conflict
        )
        sql += f" ON CONFLICT ({', '.join(unique)}) DO UPDATE SET " + ", ".join(
            f"{column} = EXCLUDED.{column}" for column in update
        )
    with connection.cursor() as cursor:
        for first in range(0, len(rows), BATCH):
            params = []
            for row in rows[first : first + BATCH]:
                values = []
                for name, default, convert in columns:
                    value = row.get(name, default)
                    if convert is not None and value is not None:
                        value = convert(value)
                    values.append(value)
                params.append(values)
            cursor.executemany(sql, params)


TRANSLATION_COLUMNS = [
    "content_type_id", "object_id", "field", "language", "text", "source_revision", "method", "translated_by_id",
    "translator_name", "translated_at", "verified_by_id", "verified_at",
]  # fmt: skip


def _insert_values(model, columns: list[str], rows: list[tuple]) -> None:
    """Multi-row INSERT of tuples already holding database values, in `columns` order."""
    ops = connection.ops
    names = ", ".join(ops.quote_name(model._meta.get_field(name).column) for name in columns)
    sql = (
        f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({names}) "  # noqa: S608
        f"VALUES ({', '.join(['%s'] * len(columns))})"
    )
    with connection.cursor() as cursor:
        for first in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[first : first + BATCH])


def _converter(field):
    """A fast adapter for the column's values (Django's own per-value path costs ~20 µs a value); values
    repeat a lot (a service's id and dates in each of its translations), so conversions are memoised."""
    target = field.target_field if field.is_relation else field
    kind = target.get_internal_type()
    ops = connection.ops  # `connection` is a proxy: resolve it once, not per value
    sqlite = connection.vendor == "sqlite"
    if kind == "UUIDField":
        return _memoised(lambda value: value.hex) if not connection.features.has_native_uuid_field else None
    if kind == "DateTimeField":
        if sqlite:
            return _memoised(lambda value: str(value.astimezone(datetime.UTC).replace(tzinfo=None)))
        return None
    if kind in ("DateField", "TimeField"):
        return str if sqlite else None
    if kind == "JSONField":
        return _memoised(lambda value: ops.adapt_json_value(value, target.encoder))
    if kind == "DecimalField":
        database = connections[DEFAULT_DB_ALIAS]
        return lambda value: target.get_db_prep_save(value, database)
    return None


def _memoised(convert):
    """Memoised by object identity: the rows share their ids and dates, and hashing an aware datetime or a
    UUID costs more than converting it. Safe because the rows (hence the objects) outlive the insert."""
    done: dict = {}

    def converted(value):
        key = id(value)
        result = done.get(key)
        if result is None:
            result = done[key] = (convert(value), value)
        return result[0]

    return converted


__all__ = ["SERVICES", "delete_directory_demo_data", "seed_directory", "seed_directory_scale"]
