"""Deterministic demo data for the governance of the network (issue 5): the profiles of the demo
organisations (sectors, provinces served, languages offered, status and date of joining, contact people),
the registry of migrant associations and informal groups (approved ones, and a few awaiting approval),
agreements of every kind and status, consultation tables per province and one regional with their meetings
over the last two years and the coming weeks (participants present or excused, minutes, decisions) and the
action items decided (open, done, some overdue).

`seed_network(seed, size, today)` runs at the end of `people.demo.seed_demo`, after activities (same
transaction, audit log off). Draws come from `random.Random(seed + 3)` and dates are relative to `today`.
The network grows over time on purpose: organisations keep joining (more of them recently), adhesion letters
follow, and the tables meet more often and with more organisations present in the last twelve months, so
that the analytics show stronger partnerships this year than the year before.

The demo organisations of `people.demo_data` get their profile here; a few more are added (`BASE_EXTRAS`:
the interior provinces, and two proposals awaiting approval); the campania and national sizes add about 120
generated ones across the five provinces. `delete_network_demo_data()` removes the governance rows of demo
records (and the party, presence and action-item rows of real records that point to demo organisations)
before `people.demo.delete_demo_data` deletes the organisations.
"""

from __future__ import annotations

import datetime
import random
import unicodedata
import uuid

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q
from django.utils import timezone

from accounts.models import Membership
from core.roles import Role
from network.models import (
    NEEDS_APPROVAL,
    ActionItem,
    ActionItemStatus,
    Agreement,
    AgreementParty,
    AgreementStatus,
    Approval,
    ConsultationTable,
    ContactPerson,
    Meeting,
    MeetingParticipant,
    MeetingStatus,
    NetworkStatus,
    Organisation,
    OrganisationKind,
    PartyRole,
    Presence,
)
from people.demo_data import DEMO_ORGANISATIONS, NAMES
from territory.models import Language, Municipality, Province, SocialDistrict

DEMO_EMAIL_DOMAIN = "demo.interazioni.example.org"
HISTORY_DAYS = 730
AHEAD_DAYS = 90
GENERATED = {"small": False, "campania": True, "national": True}
GENERATED_AGREEMENTS = 60
TABLE_MEMBER_CAP = 25
CAMPANIA_PROVINCES = ("NA", "CE", "SA", "AV", "BN")
REGION_NAME = "Regione Campania"

ITALIAN_FIRST = {
    "F": ["Rosa", "Maria", "Francesca", "Federica", "Ilaria", "Valentina", "Sara", "Lucia", "Teresa", "Anna"],
    "M": ["Antonio", "Giuseppe", "Ciro", "Vincenzo", "Francesco", "Pasquale", "Raffaele", "Stefano", "Marco"],
}
ITALIAN_LAST = [
    "Esposito", "Russo", "Greco", "Bruno", "Gallo", "Costa", "Caruso", "Rinaldi", "Amato", "Cirillo",
    "Palumbo", "Sepe", "Vitale", "Guarino", "Grimaldi", "Napolitano", "Santoro", "Ruggiero", "Iovine",
]  # fmt: skip

# Kind → sectors every organisation of that kind works in, and sectors some of them add.
SECTORS_BY_KIND = {
    OrganisationKind.REGION: (["social", "labour", "education", "health"], []),
    OrganisationKind.MUNICIPALITY: (["social"], ["housing", "education", "culture"]),
    OrganisationKind.SOCIAL_DISTRICT: (["social"], ["housing"]),
    OrganisationKind.PREFECTURE: (["legal"], ["social"]),
    OrganisationKind.HEALTH_AUTHORITY: (["health"], ["social"]),
    OrganisationKind.JOB_CENTRE: (["labour"], ["education"]),
    OrganisationKind.SCHOOL: (["education"], ["culture"]),
    OrganisationKind.UNIVERSITY: (["education"], ["culture", "legal"]),
    OrganisationKind.THIRD_SECTOR: (["social"], ["labour", "housing", "legal", "education", "health"]),
    OrganisationKind.MIGRANT_ASSOCIATION: (["culture"], ["social", "legal", "education"]),
    OrganisationKind.INFORMAL_GROUP: (["culture"], ["social", "education"]),
    OrganisationKind.SOCIAL_PARTNER: (["labour"], ["legal"]),
    OrganisationKind.EMPLOYER: (["labour"], []),
}
LANGUAGES_BY_KIND = {
    OrganisationKind.HEALTH_AUTHORITY: ["eng", "fra"],
    OrganisationKind.JOB_CENTRE: ["eng"],
    OrganisationKind.SCHOOL: ["eng", "fra", "ara"],
    OrganisationKind.UNIVERSITY: ["eng", "fra", "ara", "cmn"],
    OrganisationKind.THIRD_SECTOR: ["eng", "fra", "ara"],
    OrganisationKind.PREFECTURE: ["eng"],
    OrganisationKind.SOCIAL_PARTNER: ["eng", "fra", "urd", "pan"],
    OrganisationKind.MUNICIPALITY: ["eng"],
}
CONTACT_ROLES = {
    OrganisationKind.REGION: "Referente del piano regionale FAMI",
    OrganisationKind.MUNICIPALITY: "Responsabile servizi sociali",
    OrganisationKind.SOCIAL_DISTRICT: "Coordinatrice dell'ufficio di piano",
    OrganisationKind.PREFECTURE: "Dirigente area immigrazione",
    OrganisationKind.HEALTH_AUTHORITY: "Referente salute migranti",
    OrganisationKind.JOB_CENTRE: "Responsabile accoglienza",
    OrganisationKind.SCHOOL: "Dirigente scolastico",
    OrganisationKind.UNIVERSITY: "Delegata alla terza missione",
    OrganisationKind.THIRD_SECTOR: "Coordinatrice dei servizi",
    OrganisationKind.MIGRANT_ASSOCIATION: "Presidente",
    OrganisationKind.INFORMAL_GROUP: "Portavoce",
    OrganisationKind.SOCIAL_PARTNER: "Responsabile sportello migranti",
    OrganisationKind.EMPLOYER: "Responsabile del personale",
}
# The communities of the demo associations: citizenship for the names of their people, languages offered.
COMMUNITY = {
    "Associazione ucraina Soniashnyk Campania": ("UA", ["ukr", "rus"]),
    "Associazione dei senegalesi Ndimbal Litorale Domizio": ("SN", ["wol", "fra"]),
    "Associazione srilankese Loto di Partenope": ("LK", ["sin", "tam", "eng"]),
    "Gruppo informale Mamme del Vasto": ("MA", ["ara", "fra"]),
    "Associazione bangladese Amar Desh Salerno": ("BD", ["ben", "eng"]),
    "Gruppo informale Giovani della Piana del Sele": ("IN", ["pan", "hin", "eng"]),
}
COMMUNITIES = [
    ("MA", "marocchina", ["ara", "fra"]),
    ("NG", "nigeriana", ["eng", "pcm"]),
    ("UA", "ucraina", ["ukr", "rus"]),
    ("BD", "bangladese", ["ben", "eng"]),
    ("CN", "cinese", ["cmn"]),
    ("AL", "albanese", ["sqi"]),
    ("LK", "srilankese", ["sin", "tam"]),
    ("PK", "pakistana", ["urd", "eng"]),
    ("SN", "senegalese", ["wol", "fra"]),
    ("GH", "ghanese", ["twi", "eng"]),
    ("GE", "georgiana", ["kat", "rus"]),
    ("IN", "indiana", ["pan", "hin"]),
]
# How many days ago the demo organisations joined (low, high): public bodies first.
JOIN_WINDOWS = {
    OrganisationKind.REGION: (725, 730),
    OrganisationKind.PREFECTURE: (690, 725),
    OrganisationKind.MUNICIPALITY: (560, 715),
    OrganisationKind.SOCIAL_DISTRICT: (540, 690),
    OrganisationKind.HEALTH_AUTHORITY: (480, 700),
    OrganisationKind.JOB_CENTRE: (480, 700),
    OrganisationKind.SCHOOL: (480, 700),
    OrganisationKind.UNIVERSITY: (500, 700),
    OrganisationKind.THIRD_SECTOR: (400, 690),
    OrganisationKind.MIGRANT_ASSOCIATION: (150, 600),
    OrganisationKind.INFORMAL_GROUP: (90, 300),
    OrganisationKind.SOCIAL_PARTNER: (420, 650),
    OrganisationKind.EMPLOYER: (300, 650),
}

# Organisations added for every size: the interior provinces get a network too, one association left the
# network, and two proposals wait for the Region's approval (one informal group with a reference person).
BASE_EXTRAS: list[dict] = [
    {"name": "Comune di Avellino", "kind": "municipality", "municipality": "Avellino",
     "email": "servizisociali@comune-avellino.example.org", "phone": "+39 0825 000 0031"},
    {"name": "Comune di Benevento", "kind": "municipality", "municipality": "Benevento",
     "email": "servizisociali@comune-benevento.example.org", "phone": "+39 0824 000 0032"},
    {"name": "CPIA Avellino", "kind": "school", "municipality": "Avellino",
     "email": "segreteria@cpia-avellino.example.org", "phone": "+39 0825 000 0033"},
    {"name": "ASL Caserta", "kind": "health_authority", "municipality": "Caserta",
     "email": "salutemigranti@aslcaserta.example.org", "phone": "+39 0823 000 0034"},
    {"name": "Centro per l'Impiego di Salerno", "kind": "job_centre", "municipality": "Salerno",
     "email": "cpi.salerno@lavoro-campania.example.org", "phone": "+39 089 000 0035"},
    {"name": "Cooperativa sociale Il Sannio Accoglie", "kind": "third_sector", "municipality": "Benevento",
     "email": "info@sannio-accoglie.example.org", "phone": "+39 0824 000 0036"},
    {"name": "Associazione di volontariato Ponti d'Irpinia", "kind": "third_sector", "municipality": "Avellino",
     "email": "info@ponti-irpinia.example.org", "phone": "+39 0825 000 0037", "left_days_ago": 75},
    {"name": "Associazione bangladese Amar Desh Salerno", "kind": "migrant_association", "municipality": "Salerno",
     "migrant_led": True, "email": "amardesh.salerno@associazioni.example.org", "phone": "+39 089 000 0038",
     "pending": "Proposta inviata dall'associazione; in attesa dello statuto registrato."},
    {"name": "Gruppo informale Giovani della Piana del Sele", "kind": "informal_group", "municipality": "Battipaglia",
     "migrant_led": True, "email": "giovanipiana@gruppi.example.org", "phone": "+39 0828 000 0039",
     "pending": "Segnalato dall'Ambito S3; verifica del referente in corso.",
     "reference_person": "Gurpreet Singh", "reference_contact": "+39 320 000 0039"},
]  # fmt: skip

SPEC_NAMES = frozenset(str(spec["name"]) for spec in DEMO_ORGANISATIONS) | {
    spec["name"] for spec in BASE_EXTRAS
}
PREFECTURE = "Prefettura - Ufficio territoriale del Governo di {}"
PROVINCE_NAMES = {"NA": "Napoli", "CE": "Caserta", "SA": "Salerno", "AV": "Avellino", "BN": "Benevento"}

# Agreements written for every size: (kind, subject, lead, [(party, role)], signed days ago, valid days,
# status, actions, extra). Valid days None: open-ended; signed days None: a draft.
HANDCRAFTED_AGREEMENTS: list[tuple] = [
    ("partnership", "Accordo di partenariato per l'attuazione del piano regionale FAMI InterAzioni",
     REGION_NAME,
     [("Comune di Napoli", "partner"), ("Cooperativa sociale Approdi Vesuviani", "partner"),
      ("Cooperativa sociale Orizzonte Domizio", "partner"), ("Associazione di volontariato Lanterne del Sele", "partner"),
      ('Università degli Studi di Napoli "L\'Orientale"', "partner"), ("Centro per l'Impiego di Napoli", "adherent")],
     690, 1460, "signed", ["01", "02", "03"], {}),
    ("memorandum", "Protocollo d'intesa per la governance multilivello dell'integrazione dei cittadini di paesi terzi",
     REGION_NAME, [(PREFECTURE.format(p), "partner") for p in PROVINCE_NAMES.values()],
     600, 1095, "signed", ["01"], {}),
    ("memorandum", "Protocollo d'intesa per lo sportello unico immigrazione della città di Napoli",
     PREFECTURE.format("Napoli"),
     [("Comune di Napoli", "partner"), ("ASL Napoli 1 Centro", "partner"), ("Ambito territoriale sociale N1 (demo)", "partner"),
      ("Associazione srilankese Loto di Partenope", "supporter")],
     320, 365, "signed", ["01", "03"], {}),
    ("convention", "Convenzione per i corsi di italiano L2 e di educazione civica presso il CPIA Napoli città 1",
     "Comune di Napoli", [("CPIA Napoli città 1", "partner"), ("Cooperativa sociale Approdi Vesuviani", "supporter")],
     345, 365, "signed", ["02"], {}),
    ("convention", "Convenzione per la mediazione linguistico-culturale nei servizi sanitari",
     "ASL Napoli 1 Centro",
     [("Cooperativa sociale Approdi Vesuviani", "partner"), ("Associazione srilankese Loto di Partenope", "adherent"),
      ("Associazione ucraina Soniashnyk Campania", "adherent")],
     560, 365, "signed", ["02"], {}),
    ("memorandum", "Protocollo d'intesa per il lavoro stagionale regolare nella Piana del Sele",
     "Comune di Eboli",
     [("Società agricola Serre Alte del Tusciano s.r.l.", "partner"), ("Associazione di volontariato Lanterne del Sele", "partner"),
      ("Ambito territoriale sociale S3 (demo)", "adherent")],
     720, 330, "signed", ["02"], {}),
    ("partnership", "Accordo di partenariato per lo sportello casa del litorale domizio",
     "Comune di Castel Volturno",
     [("Cooperativa sociale Orizzonte Domizio", "partner"), ("Associazione dei senegalesi Ndimbal Litorale Domizio", "partner")],
     500, 730, "withdrawn", ["01", "02"],
     {"withdrawn_days_ago": 150, "reason": "Il Comune ha internalizzato il servizio di orientamento abitativo."}),
    ("memorandum", "Protocollo d'intesa per l'orientamento al lavoro delle donne migranti",
     "Centro per l'Impiego di Napoli",
     [("Associazione ucraina Soniashnyk Campania", "partner"), ("Cooperativa sociale Approdi Vesuviani", "partner"),
      ("Gruppo informale Mamme del Vasto", "supporter")],
     None, None, "draft", ["02", "03"], {}),
    ("convention", "Convenzione per la formazione degli operatori dei servizi sull'accoglienza multilingue",
     'Università degli Studi di Napoli "L\'Orientale"', [(REGION_NAME, "partner")],
     60, 540, "signed", ["01"], {}),
    ("memorandum", "Protocollo d'intesa per l'accoglienza diffusa nelle aree interne dell'Irpinia",
     PREFECTURE.format("Avellino"),
     [("Comune di Avellino", "partner"), ("Associazione di volontariato Ponti d'Irpinia", "partner"), ("CPIA Avellino", "adherent")],
     420, 730, "signed", ["01", "02"], {}),
    ("memorandum", "Protocollo d'intesa per l'inserimento scolastico dei minori neoarrivati nel Sannio",
     PREFECTURE.format("Benevento"),
     [("Comune di Benevento", "partner"), ("Cooperativa sociale Il Sannio Accoglie", "partner")],
     300, 360, "signed", ["02"], {}),
    ("partnership", "Accordo di partenariato per lo sportello sindacale nelle campagne del casertano",
     "Sindacato Lavoratori Uniti Campania - Sportello migranti di Caserta",
     [("Comune di Caserta", "partner"), ("ASL Caserta", "adherent"), (PREFECTURE.format("Caserta"), "supporter")],
     150, 730, "signed", ["02", "03"], {}),
    ("convention", "Convenzione per i tirocini di inclusione nella Piana del Sele",
     "Centro per l'Impiego di Salerno",
     [("Comune di Salerno", "partner"), ("Società agricola Serre Alte del Tusciano s.r.l.", "partner")],
     None, None, "draft", ["02"], {}),
]  # fmt: skip
SUBJECTS = {
    "memorandum": [
        "Protocollo d'intesa per l'accesso ai servizi dei cittadini di paesi terzi a {town}",
        "Protocollo d'intesa per l'orientamento legale e amministrativo a {town}",
        "Protocollo d'intesa per l'inclusione abitativa nell'area di {town}",
        "Protocollo d'intesa contro lo sfruttamento lavorativo nel territorio di {town}",
    ],
    "adhesion": [
        "Lettera di adesione al tavolo territoriale di {province}",
        "Lettera di adesione alla campagna informativa sui permessi di soggiorno a {town}",
    ],
    "convention": [
        "Convenzione per i corsi di italiano per il lavoro a {town}",
        "Convenzione per la mediazione culturale negli sportelli di {town}",
        "Convenzione per l'alfabetizzazione digitale di donne migranti a {town}",
        "Convenzione per l'orientamento scolastico dei neoarrivati a {town}",
    ],
    "partnership": [
        "Accordo di partenariato per il centro interculturale di {town}",
        "Accordo di partenariato per la rete antitratta di {province}",
    ],
}
ADHESION_SUBJECT = "Lettera di adesione alla rete territoriale InterAzioni"

TABLES: list[tuple] = [
    # (name, theme, province, coordinator, district code, extra members)
    ("Tavolo territoriale per l'integrazione - Città metropolitana di Napoli",
     "Accesso ai servizi, lavoro e abitare dei cittadini di paesi terzi", "NA", PREFECTURE.format("Napoli"), None, []),
    ("Tavolo territoriale di Caserta e del litorale domizio",
     "Lavoro agricolo, contrasto allo sfruttamento e inclusione abitativa", "CE", PREFECTURE.format("Caserta"), None, []),
    ("Tavolo territoriale di Salerno e della Piana del Sele",
     "Lavoro stagionale, salute e servizi nella Piana del Sele", "SA", PREFECTURE.format("Salerno"), None, []),
    ("Tavolo territoriale dell'Irpinia", "Accoglienza nelle aree interne e contrasto allo spopolamento", "AV",
     PREFECTURE.format("Avellino"), None, []),
    ("Tavolo territoriale del Sannio", "Integrazione scolastica e formazione linguistica", "BN",
     PREFECTURE.format("Benevento"), None, []),
    ("Tavolo tematico donne migranti e seconde generazioni", "Percorsi per donne migranti, minori neoarrivati e "
     "seconde generazioni", "NA", "Comune di Napoli", "N1",
     ["Associazione ucraina Soniashnyk Campania", "Associazione srilankese Loto di Partenope",
      "Gruppo informale Mamme del Vasto", "CPIA Napoli città 1", "Cooperativa sociale Approdi Vesuviani",
      "ASL Napoli 1 Centro", "Centro per l'Impiego di Napoli", "Ambito territoriale sociale N1 (demo)"]),
    ("Tavolo regionale di governance InterAzioni", "Coordinamento del piano regionale FAMI 2021-2027", None,
     REGION_NAME, None,
     [*(PREFECTURE.format(p) for p in PROVINCE_NAMES.values()), "Comune di Napoli", "Comune di Caserta",
      "Comune di Salerno", "Comune di Avellino", "Comune di Benevento", 'Università degli Studi di Napoli "L\'Orientale"',
      "Sindacato Lavoratori Uniti Campania - Sportello migranti di Caserta", "Cooperativa sociale Approdi Vesuviani",
      "Associazione ucraina Soniashnyk Campania", "Associazione dei senegalesi Ndimbal Litorale Domizio",
      "Centro per l'Impiego di Napoli", "ASL Napoli 1 Centro"]),
]  # fmt: skip
MEETING_TOPICS = [
    "Mappatura dei servizi del territorio",
    "Corsi di italiano e formazione linguistica",
    "Accesso al lavoro e contrasto al caporalato",
    "Inclusione abitativa",
    "Salute e accesso al Servizio sanitario",
    "Minori neoarrivati e scuola",
    "Partecipazione delle associazioni di migranti",
    "Monitoraggio degli indicatori FAMI",
    "Campagna informativa sui permessi di soggiorno",
    "Programmazione delle attività dell'anno",
]
AGENDA_ITEMS = [
    "Approvazione del verbale della seduta precedente",
    "Aggiornamento sulle attività delle azioni 01, 02 e 03",
    "Presentazione dei dati di monitoraggio del semestre",
    "Proposte delle associazioni di migranti",
    "Calendario dei corsi di italiano L2",
    "Procedure di invio tra servizi (schede di invio)",
    "Disponibilità di mediatori culturali per lingua",
    "Iniziative di sensibilizzazione nelle comunità locali",
]
DECISIONS = [
    "Si adotta la scheda unica di invio tra i servizi del territorio.",
    "Si costituisce un gruppo di lavoro ristretto sul lavoro stagionale.",
    "Si calendarizzano due incontri informativi nelle sedi delle associazioni.",
    "Si chiede alla Regione un aggiornamento dei dati di monitoraggio per provincia.",
    "Si approva il calendario dei corsi di italiano del prossimo quadrimestre.",
    "Si condivide l'elenco aggiornato dei mediatori disponibili per lingua.",
    "Si avvia la ricognizione degli alloggi disponibili con le agenzie del territorio.",
]
ACTION_ITEMS = [
    "Mappare gli sportelli per cittadini stranieri del territorio",
    "Condividere il calendario dei corsi di italiano L2",
    "Predisporre la scheda unica di invio tra servizi",
    "Organizzare un incontro informativo sui permessi di soggiorno",
    "Raccogliere i dati sulle iscrizioni anagrafiche dei cittadini di paesi terzi",
    "Proporre una giornata di formazione per gli operatori dei servizi",
    "Verificare la disponibilità di mediatori in lingua bengalese e urdu",
    "Aggiornare l'elenco delle associazioni di migranti del territorio",
    "Inviare ai componenti del tavolo la bozza del protocollo",
    "Individuare una sede per lo sportello di orientamento",
    "Tradurre in cinque lingue il volantino dei servizi",
    "Segnalare i casi di sfruttamento lavorativo emersi agli sportelli",
]
DONE_NOTES = ["Completata e condivisa con il tavolo.", "Documento inviato a tutti i componenti.", ""]
OPEN_NOTES = ["", "In attesa dei dati dei Comuni.", "Bozza in revisione."]


def seed_network(rng_seed: int, size: str, today: datetime.date | None = None) -> dict[str, int]:
    """Generate the governance demo data for the demo organisations already written; returns the row counts."""
    return _NetworkGenerator(rng_seed, size, today or timezone.localdate()).run()


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return "".join(ch for ch in ascii_text.lower() if ch.isalnum())


def _recent_days(rng: random.Random, span: int) -> int:
    """Days ago, more often recent than old: about 60% within the last `span / 2` days."""
    return int(span * rng.random() ** 1.5)


class _NetworkGenerator:
    def __init__(self, seed: int, size: str, today: datetime.date):
        self.rng = random.Random(seed + 3)
        self.size = size
        self.today = today
        self.now = timezone.now()
        self.tz = timezone.get_current_timezone()
        self.counts: dict[str, int] = {}
        self.primary_contact: dict[str, str] = {}

    # Helpers -----------------------------------------------------------------------------------------

    def day(self, days_ago: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days_ago)

    def at(self, day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        return datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=self.tz)

    @staticmethod
    def key(organisation: Organisation) -> str:
        """The name an organisation has in the demo specs: a real organisation with the same name in the same
        municipality made people.demo add " (demo)" to it."""
        name = organisation.name
        return name if name in SPEC_NAMES else name.removesuffix(" (demo)")

    def person(self, country: str | None = None) -> tuple[str, str]:
        rng = self.rng
        sex = "F" if rng.random() < 0.55 else "M"
        if country and country in NAMES:
            names = NAMES[country]
            return rng.choice(names[sex]), rng.choice(names["last"])
        return rng.choice(ITALIAN_FIRST[sex]), rng.choice(ITALIAN_LAST)

    # Reference ---------------------------------------------------------------------------------------

    def _load(self) -> None:
        self.provinces = {
            p.abbreviation: p for p in Province.objects.filter(abbreviation__in=CAMPANIA_PROVINCES)
        }
        self.municipalities = {m.name: m for m in Municipality.objects.campania().select_related("province")}
        self.languages = dict(Language.objects.values_list("code", "pk"))
        self.districts = {
            (d.code[:-5] if d.code.endswith("-DEMO") else d.code): d
            for d in SocialDistrict.objects.filter(is_demo=True)
        }
        coordinator = (
            Membership.objects.filter(
                role=Role.REGIONAL_COORDINATOR, user__email__iendswith="@" + DEMO_EMAIL_DOMAIN
            )
            .order_by("user__email")
            .values_list("user_id", flat=True)
            .first()
        )
        self.coordinator_id = coordinator
        self.orgs: dict[str, Organisation] = {}
        for organisation in Organisation.objects.filter(is_demo=True).select_related(
            "municipality__province"
        ):
            self.orgs[self.key(organisation)] = organisation
        self.base_names = set(self.orgs)

    # Organisations ------------------------------------------------------------------------------------

    def _extra_specs(self) -> list[dict]:
        specs = [dict(spec) for spec in BASE_EXTRAS]
        if GENERATED.get(self.size):
            specs += self._generated_specs()
        return specs

    def _generated_specs(self) -> list[dict]:
        """About 120 more organisations across the five provinces (names invented, or institutional)."""
        rng = self.rng
        taken = set(self.orgs) | {spec["name"] for spec in BASE_EXTRAS}
        specs: list[dict] = []

        def add(name, kind, town, **extra):
            if name in taken or town not in self.municipalities:
                return
            taken.add(name)
            domain = _slug(name)[:24] or "ente"
            specs.append(
                {
                    "name": name,
                    "kind": kind,
                    "municipality": town,
                    "email": f"info@{domain}.example.org",
                    "phone": f"+39 0{rng.randint(81, 89)} 000 {rng.randint(1000, 9999)}",
                    **extra,
                }
            )

        towns = sorted(
            (m for m in self.municipalities.values() if f"Comune di {m.name}" not in taken),
            key=lambda m: m.istat_code,
        )
        for municipality in rng.sample(towns, 40):
            add(f"Comune di {municipality.name}", "municipality", municipality.name)
        busy_towns = [
            "Napoli", "Giugliano in Campania", "Aversa", "Caserta", "Castel Volturno", "Salerno", "Eboli",
            "Battipaglia", "Pozzuoli", "Torre del Greco", "Casoria", "Afragola", "Nola", "Scafati", "Avellino",
            "Benevento", "Mondragone", "Capaccio Paestum", "Nocera Inferiore", "Marcianise",
        ]  # fmt: skip
        for n in range(14):
            town = rng.choice(busy_towns)
            add(f"Istituto comprensivo n. {n % 4 + 1} di {town}", "school", town)
        for name, town in [
            ("CPIA Caserta", "Caserta"), ("CPIA Salerno", "Salerno"), ("CPIA Benevento", "Benevento"),
            ("CPIA Napoli provincia 1", "Casoria"), ("CPIA Napoli provincia 2", "Torre del Greco"),
        ]:  # fmt: skip
            add(name, "school", town)
        for town in ["Caserta", "Aversa", "Battipaglia", "Avellino", "Benevento", "Pozzuoli", "Nola"]:
            add(f"Centro per l'Impiego di {town}", "job_centre", town)
        for name, town in [
            ("ASL Avellino", "Avellino"), ("ASL Benevento", "Benevento"), ("ASL Salerno", "Salerno"),
            ("ASL Napoli 2 Nord", "Frattamaggiore"), ("ASL Napoli 3 Sud", "Torre del Greco"),
        ]:  # fmt: skip
            add(name, "health_authority", town)
        prefixes = [
            "Cooperativa sociale", "Associazione di volontariato", "Associazione di promozione sociale",
            "Fondazione", "Impresa sociale",
        ]  # fmt: skip
        cores = [
            "Il Ponte", "La Rete", "Nuovi Orizzonti", "Terra Comune", "Mani Unite", "Il Faro", "Arcobaleno",
            "Insieme", "Crocevia", "Il Girasole", "Radici", "Porte Aperte", "Sud Solidale", "Casa dei Popoli",
        ]  # fmt: skip
        for _n in range(25):
            town = rng.choice(busy_towns)
            add(f"{rng.choice(prefixes)} {rng.choice(cores)} {town}", "third_sector", town)
        pending_left = 2
        for _n in range(14):
            country, adjective, languages = rng.choice(COMMUNITIES)
            town = rng.choice(busy_towns)
            extra = {"migrant_led": True, "community": (country, languages)}
            if pending_left and rng.random() < 0.3:
                pending_left -= 1
                extra["pending"] = "Proposta in attesa della verifica dello statuto."
            add(f"Associazione della comunità {adjective} di {town}", "migrant_association", town, **extra)
        themes = ["Donne in cammino", "Giovani seconde generazioni", "Genitori insieme", "Cucine dal mondo",
                  "Calcio senza confini"]  # fmt: skip
        for index, theme in enumerate(themes):
            country, _adjective, languages = rng.choice(COMMUNITIES)
            town = rng.choice(busy_towns)
            first, last = self.person(country)
            extra = {
                "migrant_led": True,
                "community": (country, languages),
                "reference_person": f"{first} {last}",
                "reference_contact": f"+39 3{rng.randint(20, 49)} 000 {rng.randint(1000, 9999)}",
            }
            if index == 0:
                extra["pending"] = "Segnalato da un'associazione del tavolo; in attesa di verifica."
            add(f"Gruppo informale {theme} di {town}", "informal_group", town, **extra)
        for town in [
            "Eboli",
            "Battipaglia",
            "Capaccio Paestum",
            "Castel Volturno",
            "Mondragone",
            "Villa Literno",
        ]:
            _first, last = self.person()
            add(f"Azienda agricola {last} di {town}", "employer", town)
        for town in ["Aversa", "Salerno", "Nocera Inferiore"]:
            add(f"Unione Lavoratori Campani - sede di {town}", "social_partner", town)
        add("Università degli Studi di Salerno", "university", "Fisciano")
        add("Università degli Studi del Sannio", "university", "Benevento")
        return specs

    def _create_extras(self) -> list[Organisation]:
        existing = set(Organisation.objects.values_list("name", "municipality_id"))
        self.extra_specs = self._extra_specs()
        created = []
        for spec in self.extra_specs:
            municipality = self.municipalities[spec["municipality"]]
            name = spec["name"]
            if (name, municipality.pk) in existing:
                name = f"{name} (demo)"
            first, last = self.person(spec["community"][0] if "community" in spec else None)
            created.append(
                Organisation(
                    name=name,
                    kind=spec["kind"],
                    municipality=municipality,
                    migrant_led=spec.get("migrant_led", False),
                    email=spec["email"],
                    phone=spec["phone"],
                    contact_person=f"{first} {last}",
                    reference_person=spec.get("reference_person", ""),
                    reference_contact=spec.get("reference_contact", ""),
                    is_demo=True,
                )
            )
        Organisation.objects.bulk_create(created)
        for spec, organisation in zip(self.extra_specs, created, strict=True):
            organisation.municipality = self.municipalities[spec["municipality"]]
            self.orgs[spec["name"]] = organisation
        self.counts["network_organisations"] = len(created)
        return created

    def _profiles(self) -> None:
        """Sectors, provinces, languages, joining, approval and contacts of every demo organisation."""
        rng = self.rng
        specs = {spec["name"]: spec for spec in self.extra_specs}
        self.joined: dict[str, datetime.date | None] = {}
        self.community: dict[str, tuple[str, list[str]]] = dict(COMMUNITY)
        for name, spec in specs.items():
            if "community" in spec:
                self.community[name] = spec["community"]
        for name in sorted(self.orgs):
            organisation = self.orgs[name]
            kind = organisation.kind
            spec = specs.get(name, {})
            always, sometimes = SECTORS_BY_KIND.get(kind, (["social"], []))
            sectors = list(always)
            for sector in sometimes:
                if rng.random() < 0.35:
                    sectors.append(sector)
            organisation.sectors = sectors
            low, high = JOIN_WINDOWS.get(kind, (100, 700))
            if name in self.base_names:
                days_ago = rng.randint(low, high)
            else:  # the generated and extra organisations join over the two years, more of them recently
                days_ago = (
                    max(5, _recent_days(rng, HISTORY_DAYS - 10))
                    if GENERATED.get(self.size)
                    else rng.randint(200, 650)
                )
            if name == REGION_NAME:
                days_ago = HISTORY_DAYS
            organisation.network_status = NetworkStatus.ACTIVE
            organisation.joined_on = self.day(days_ago)
            organisation.left_on = None
            if spec.get("left_days_ago"):
                organisation.network_status = NetworkStatus.LEFT
                organisation.left_on = self.day(spec["left_days_ago"])
            elif name not in self.base_names and kind not in NEEDS_APPROVAL and rng.random() < 0.04:
                organisation.network_status = NetworkStatus.CANDIDATE
                organisation.joined_on = None
            if kind in NEEDS_APPROVAL:
                if spec.get("pending"):
                    organisation.approval = Approval.PENDING
                    organisation.approval_note = spec["pending"]
                    organisation.network_status = NetworkStatus.CANDIDATE
                    organisation.joined_on = None
                else:
                    organisation.approval = Approval.APPROVED
                    organisation.approved_by_id = self.coordinator_id
                    organisation.approved_at = self.at(organisation.joined_on, 11)
                    organisation.listed_publicly = True
            if kind == OrganisationKind.INFORMAL_GROUP and not organisation.reference_person:
                first, last = self.person(self.community.get(name, ("MA",))[0])
                organisation.reference_person = f"{first} {last}"
                organisation.reference_contact = f"+39 3{rng.randint(20, 49)} 000 {rng.randint(1000, 9999)}"
            self.joined[name] = organisation.joined_on

    def _adjust_joining(self, names, day: datetime.date) -> None:
        """Organisations party to an agreement or at a meeting on `day` had joined by then."""
        for name in names:
            joined = self.joined.get(name)
            if joined is not None and joined > day:
                self.joined[name] = day
                self.orgs[name].joined_on = day
                if self.orgs[name].approved_at:
                    self.orgs[name].approved_at = self.at(day, 11)

    def member_on(self, name: str, day: datetime.date) -> bool:
        organisation = self.orgs[name]
        joined = self.joined.get(name)
        if joined is None or joined > day:
            return False
        return organisation.left_on is None or organisation.left_on >= day

    def _write_profiles(self) -> None:
        rng = self.rng
        organisations = [self.orgs[name] for name in sorted(self.orgs)]
        Organisation.objects.bulk_update(
            organisations,
            [
                "sectors", "network_status", "joined_on", "left_on", "approval", "approval_note", "approved_by",
                "approved_at", "listed_publicly", "reference_person", "reference_contact",
            ],
        )  # fmt: skip
        provinces_through = Organisation.provinces_served.through
        languages_through = Organisation.languages_offered.through
        province_rows, language_rows, contacts = [], [], []
        for organisation in organisations:
            name = self.key(organisation)
            home = organisation.municipality.province.abbreviation
            if organisation.kind == OrganisationKind.REGION:
                served = list(CAMPANIA_PROVINCES)
            else:
                served = [home] if home in self.provinces else []
                if organisation.kind in (OrganisationKind.THIRD_SECTOR, OrganisationKind.MIGRANT_ASSOCIATION):
                    neighbour = rng.choice(CAMPANIA_PROVINCES)
                    if rng.random() < 0.3 and neighbour not in served:
                        served.append(neighbour)
            province_rows += [
                provinces_through(organisation_id=organisation.pk, province_id=self.provinces[code].pk)
                for code in served
            ]
            codes = list(self.community.get(name, (None, []))[1])
            for code in LANGUAGES_BY_KIND.get(organisation.kind, []):
                if code not in codes and rng.random() < 0.6:
                    codes.append(code)
            language_rows += [
                languages_through(organisation_id=organisation.pk, language_id=self.languages[code])
                for code in codes
                if code in self.languages
            ]
            domain = organisation.email.split("@")[-1] if "@" in organisation.email else "example.org"
            role = CONTACT_ROLES.get(organisation.kind, "Referente")
            primary = organisation.contact_person or " ".join(self.person())
            people = [(primary, role, True)]
            if rng.random() < 0.45:
                first, last = self.person(self.community.get(name, (None,))[0])
                people.append((f"{first} {last}", "Operatore di sportello", False))
            for full_name, title, is_primary in people:
                handle = ".".join(_slug(part) for part in full_name.split()[:2])
                contacts.append(
                    ContactPerson(
                        organisation=organisation,
                        name=full_name,
                        role=title,
                        email=f"{handle}@{domain}",
                        phone=f"+39 3{rng.randint(20, 49)} 000 {rng.randint(1000, 9999)}",
                        is_primary=is_primary,
                    )
                )
            self.primary_contact[name] = primary
        provinces_through.objects.bulk_create(province_rows)
        languages_through.objects.bulk_create(language_rows)
        ContactPerson.objects.bulk_create(contacts)
        self.counts["contact_people"] = len(contacts)

    # Agreements ---------------------------------------------------------------------------------------

    def _agreements(self) -> None:
        rng = self.rng
        self.agreement_rows: list[tuple[Agreement, list[tuple[str, str]]]] = []

        def add(kind, title, lead, parties, signed_days, valid_days, status, actions, extra=None):
            extra = extra or {}
            names = [lead] + [name for name, _role in parties]
            if any(name not in self.orgs for name in names):
                return
            signed_on = valid_from = valid_until = withdrawn_on = None
            reason = ""
            if signed_days is not None:
                signed_on = self.day(signed_days)
                valid_from = signed_on + datetime.timedelta(days=rng.choice([0, 0, 7, 15]))
                if valid_days is not None:
                    valid_until = valid_from + datetime.timedelta(days=valid_days)
                self._adjust_joining(names, signed_on)
            if status == "signed" and valid_until is not None and valid_until < self.today:
                status = AgreementStatus.EXPIRED
            if status == "withdrawn":
                withdrawn_on = self.day(extra["withdrawn_days_ago"])
                reason = extra["reason"]
            agreement = Agreement(
                kind=kind,
                title=title,
                description=extra.get("description", ""),
                actions=actions,
                objectives=_objectives(actions),
                status=status,
                signed_on=signed_on,
                valid_from=valid_from,
                valid_until=valid_until,
                withdrawn_on=withdrawn_on,
                withdrawal_reason=reason,
                is_demo=True,
                created_by_id=self.coordinator_id,
            )
            self.agreement_rows.append((agreement, [(lead, PartyRole.LEAD), *parties]))

        for kind, title, lead, parties, signed, valid, status, actions, extra in HANDCRAFTED_AGREEMENTS:
            add(kind, title, lead, parties, signed, valid, status, actions, extra)
        # Letters of adhesion to the network: associations, groups and third-sector bodies, when they joined.
        for name in sorted(self.orgs):
            organisation = self.orgs[name]
            joined = self.joined.get(name)
            if joined is None or organisation.kind not in (
                OrganisationKind.MIGRANT_ASSOCIATION,
                OrganisationKind.INFORMAL_GROUP,
                OrganisationKind.THIRD_SECTOR,
            ):
                continue
            if name not in self.base_names and rng.random() > 0.7:
                continue
            signed_days = max(0, (self.today - joined).days - rng.randint(0, 20))
            add(
                "adhesion", f"{ADHESION_SUBJECT} - {name}", REGION_NAME, [(name, PartyRole.ADHERENT)], signed_days,
                None, "signed", ["01", "03"],
            )  # fmt: skip
        if GENERATED.get(self.size):
            self._generated_agreements(add)
        self._write_agreements()

    def _generated_agreements(self, add) -> None:
        rng = self.rng
        by_province: dict[str, list[str]] = {code: [] for code in CAMPANIA_PROVINCES}
        for name in sorted(self.orgs):
            province = self.orgs[name].municipality.province.abbreviation
            if province in by_province and self.joined.get(name):
                by_province[province].append(name)
        leads_kinds = {
            OrganisationKind.MUNICIPALITY, OrganisationKind.PREFECTURE, OrganisationKind.SOCIAL_DISTRICT,
            OrganisationKind.THIRD_SECTOR, OrganisationKind.SCHOOL, OrganisationKind.JOB_CENTRE,
            OrganisationKind.HEALTH_AUTHORITY,
        }  # fmt: skip
        kinds = ["memorandum", "adhesion", "convention", "partnership"]
        province_weights = [45, 20, 20, 8, 7]
        for _n in range(GENERATED_AGREEMENTS):
            province = rng.choices(CAMPANIA_PROVINCES, weights=province_weights)[0]
            kind = rng.choices(kinds, weights=[35, 20, 30, 15])[0]
            signed_days = _recent_days(rng, HISTORY_DAYS)
            draft = rng.random() < 0.08
            day = self.day(signed_days)
            candidates = [name for name in by_province[province] if self.joined[name] <= day]
            leads = [name for name in candidates if self.orgs[name].kind in leads_kinds]
            size = rng.randint(1, 4)
            if not leads or len(candidates) < 2:
                continue
            lead = rng.choice(leads)
            others = rng.sample([name for name in candidates if name != lead], min(size, len(candidates) - 1))
            roles = [rng.choice([PartyRole.PARTNER, PartyRole.PARTNER, PartyRole.ADHERENT, PartyRole.SUPPORTER])
                     for _ in others]  # fmt: skip
            town = self.orgs[lead].municipality.name
            title = rng.choice(SUBJECTS[kind]).format(town=town, province=PROVINCE_NAMES[province])
            if any(existing.title == title for existing, _parties in self.agreement_rows):
                title = f"{title} ({day.year})"
            valid_days = rng.choice([365, 730, 1095, None])
            actions = sorted(rng.sample(["01", "02", "03"], rng.randint(1, 2)))
            if draft:
                add(kind, title, lead, list(zip(others, roles, strict=True)), None, None, "draft", actions)
            else:
                add(
                    kind,
                    title,
                    lead,
                    list(zip(others, roles, strict=True)),
                    signed_days,
                    valid_days,
                    "signed",
                    actions,
                )

    def _write_agreements(self) -> None:
        agreements = [agreement for agreement, _parties in self.agreement_rows]
        Agreement.objects.bulk_create(agreements)
        parties = [
            AgreementParty(agreement=agreement, organisation=self.orgs[name], role=role)
            for agreement, names in self.agreement_rows
            for name, role in names
        ]
        AgreementParty.objects.bulk_create(parties)
        self.counts["agreements"] = len(agreements)
        self.counts["agreement_parties"] = len(parties)

    # Consultation tables and meetings ------------------------------------------------------------------

    def _tables(self) -> None:
        rng = self.rng
        tables, memberships = [], []
        for name, theme, province, coordinator, district, extra_members in TABLES:
            if coordinator not in self.orgs:
                continue
            if province:
                local = [
                    org_name
                    for org_name in sorted(self.orgs)
                    if self.orgs[org_name].municipality.province.abbreviation == province
                    and self.orgs[org_name].network_status != NetworkStatus.CANDIDATE
                ]
            else:
                local = []
            members = [coordinator] + [m for m in extra_members if m in self.orgs and m != coordinator]
            others = [m for m in local if m not in members]
            room = max(0, TABLE_MEMBER_CAP - len(members))
            if not extra_members:
                # A territorial table: the public bodies first, then a draw of the others.
                public = [m for m in others if self.orgs[m].kind in (OrganisationKind.MUNICIPALITY,
                          OrganisationKind.HEALTH_AUTHORITY, OrganisationKind.JOB_CENTRE,
                          OrganisationKind.SOCIAL_DISTRICT)][: room // 2]  # fmt: skip
                rest = [m for m in others if m not in public]
                members += public + rng.sample(rest, min(len(rest), room - len(public)))
            table = ConsultationTable(
                name=name,
                theme=theme,
                province=self.provinces.get(province) if province else None,
                district=self.districts.get(district) if district else None,
                coordinator=self.orgs[coordinator],
                is_demo=True,
            )
            tables.append((table, members))
        ConsultationTable.objects.bulk_create([table for table, _members in tables])
        through = ConsultationTable.members.through
        for table, members in tables:
            memberships += [
                through(consultationtable_id=table.pk, organisation_id=self.orgs[m].pk) for m in members
            ]
        through.objects.bulk_create(memberships)
        self.tables = tables
        self.counts["tables"] = len(tables)

    def _meetings(self) -> None:
        rng = self.rng
        meetings, participants, items = [], [], []
        plans = []
        for table_index, (table, members) in enumerate(self.tables):
            regional = table.province_id is None
            coordinator_joined = self.joined.get(self.key(table.coordinator)) or self.today
            days = max(-HISTORY_DAYS + 10 + rng.randint(0, 50), (coordinator_joined - self.today).days)
            number = 0
            while days <= AHEAD_DAYS:
                number += 1
                plans.append((table_index, table, members, days, number, regional))
                if regional:
                    days += rng.randint(80, 100)
                elif days < -365:
                    days += rng.randint(100, 150)
                else:
                    days += rng.randint(45, 70)
        for table_index, table, members, offset, number, _regional in plans:
            day = self.today + datetime.timedelta(days=offset)
            start = self.at(day, 10, rng.choice([0, 0, 30]))
            status = MeetingStatus.PLANNED if offset >= 0 else MeetingStatus.HELD
            if status == MeetingStatus.HELD and rng.random() < 0.06:
                status = MeetingStatus.CANCELLED
            topic = rng.choice(MEETING_TOPICS)
            online = rng.random() < 0.3
            agenda_items = rng.sample(AGENDA_ITEMS, 3)
            agenda = "\n".join(
                f"{i}. {item}"
                for i, item in enumerate(
                    [
                        "Approvazione del verbale della seduta precedente",
                        topic,
                        *agenda_items[:2],
                        "Varie ed eventuali",
                    ],
                    start=1,
                )
            )
            meeting = Meeting(
                table=table,
                title=f"Riunione n. {number} - {topic}",
                starts_at=start,
                ends_at=start + datetime.timedelta(hours=2, minutes=30),
                place="Online" if online else f"Sala riunioni - {table.coordinator.name}",
                online_url=f"https://videoconferenza.example.org/tavolo-{table_index + 1}-{number}"
                if online
                else "",
                agenda=agenda,
                status=status,
                uid=uuid.UUID(int=rng.getrandbits(128), version=4),
                is_demo=True,
                created_by_id=self.coordinator_id,
            )
            rows = []
            present = []
            recent = offset >= -365
            for name in members:
                if not self.member_on(name, day):
                    continue
                draw = rng.random()
                if status == MeetingStatus.PLANNED or status == MeetingStatus.CANCELLED:
                    presence = Presence.INVITED
                elif name == self.key(table.coordinator) or draw < (0.8 if recent else 0.55):
                    presence = Presence.PRESENT
                elif draw < (0.92 if recent else 0.75):
                    presence = Presence.EXCUSED
                else:
                    presence = Presence.ABSENT
                person = (
                    self.primary_contact.get(name, "")
                    if presence in (Presence.PRESENT, Presence.EXCUSED)
                    else ""
                )
                rows.append((name, person, presence))
                if presence == Presence.PRESENT:
                    present.append(name)
            if status == MeetingStatus.HELD:
                decisions = rng.sample(DECISIONS, rng.randint(1, 2))
                meeting.minutes = (
                    f"<p>La riunione si apre alle ore {start.hour}:{start.minute:02d}. Sono presenti "
                    f"{len(present)} enti su {len(rows)} invitati.</p>"
                    f"<p><strong>Punti discussi</strong></p><ul>"
                    + "".join(f"<li>{item}</li>" for item in [topic, *agenda_items[:2]])
                    + "</ul><p>La riunione si chiude alle ore 12:30.</p>"
                )
                meeting.decisions = "\n".join(decisions)
            meetings.append((meeting, rows, present, day))
        Meeting.objects.bulk_create([meeting for meeting, _rows, _present, _day in meetings])
        for meeting, rows, present, day in meetings:
            participants += [
                MeetingParticipant(
                    meeting=meeting, organisation=self.orgs[name], person_name=person, presence=presence
                )
                for name, person, presence in rows
            ]
            if meeting.status != MeetingStatus.HELD or not present:
                continue
            for description in rng.sample(ACTION_ITEMS, rng.randint(1, 3)):
                owner = rng.choice(present)
                due = day + datetime.timedelta(days=rng.randint(21, 90))
                status, closed_at, note = self._follow_up(day, due)
                items.append(
                    ActionItem(
                        meeting=meeting,
                        description=description,
                        owner=self.orgs[owner],
                        due_date=due,
                        status=status,
                        note=note,
                        closed_at=closed_at,
                    )
                )
        MeetingParticipant.objects.bulk_create(participants)
        ActionItem.objects.bulk_create(items)
        self.counts["meetings"] = len(meetings)
        self.counts["meeting_participants"] = len(participants)
        self.counts["action_items"] = len(items)

    def _follow_up(
        self, meeting_day: datetime.date, due: datetime.date
    ) -> tuple[str, datetime.datetime | None, str]:
        """Old items are mostly done; some stay open past their due date (overdue); new ones are open."""
        rng = self.rng
        draw = rng.random()
        late = (self.today - due).days
        if late > 60:
            weights = [
                (ActionItemStatus.DONE, 0.78),
                (ActionItemStatus.DROPPED, 0.07),
                (ActionItemStatus.OPEN, 0.1),
            ]
        elif late > 0:
            weights = [
                (ActionItemStatus.DONE, 0.5),
                (ActionItemStatus.OPEN, 0.3),
                (ActionItemStatus.IN_PROGRESS, 0.2),
            ]
        else:
            weights = [
                (ActionItemStatus.OPEN, 0.55),
                (ActionItemStatus.IN_PROGRESS, 0.3),
                (ActionItemStatus.DONE, 0.15),
            ]
        status = ActionItemStatus.IN_PROGRESS
        total = 0.0
        for candidate, weight in weights:
            total += weight
            if draw < total:
                status = candidate
                break
        closing = rng.randint(0, 25)
        note_draw = rng.random()
        if status in (ActionItemStatus.DONE, ActionItemStatus.DROPPED):
            closed_day = min(
                self.today,
                max(meeting_day + datetime.timedelta(days=1), due - datetime.timedelta(days=closing)),
            )
            closed_at = min(self.now, self.at(closed_day, 16))
            note = (
                DONE_NOTES[int(note_draw * len(DONE_NOTES))]
                if status == ActionItemStatus.DONE
                else ("Superata dalle decisioni della riunione successiva.")
            )
            return status, closed_at, note
        return status, None, OPEN_NOTES[int(note_draw * len(OPEN_NOTES))]

    # Run ---------------------------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        self._load()
        if REGION_NAME not in self.orgs:  # demo organisations missing: nothing to hang the network on
            return {}
        self._create_extras()
        self._profiles()
        self._agreements()
        self._tables()
        self._write_profiles()
        self._meetings()
        return self.counts


def _objectives(actions: list[str]) -> str:
    texts = {
        "01": "Rafforzare la governance multilivello e le reti territoriali.",
        "02": "Sviluppare le competenze linguistiche e professionali dei cittadini di paesi terzi.",
        "03": "Favorire la partecipazione delle associazioni di migranti e l'informazione nelle comunità.",
    }
    return " ".join(texts[code] for code in actions if code in texts)


def delete_network_demo_data() -> None:
    """Delete the governance rows that are demo or point to demo organisations (set-based, children
    first), and the audit-log entries about them. Real agreements keep their other parties."""
    demo_orgs = Organisation.objects.filter(is_demo=True).values("pk")
    tables = ConsultationTable.objects.filter(Q(is_demo=True) | Q(coordinator__in=demo_orgs)).values("pk")
    meetings = Meeting.objects.filter(Q(is_demo=True) | Q(table__in=tables)).values("pk")
    agreements = Agreement.objects.filter(is_demo=True).values("pk")
    items = ActionItem.objects.filter(Q(meeting__in=meetings) | Q(owner__in=demo_orgs))
    participants = MeetingParticipant.objects.filter(Q(meeting__in=meetings) | Q(organisation__in=demo_orgs))
    parties = AgreementParty.objects.filter(Q(agreement__in=agreements) | Q(organisation__in=demo_orgs))
    contacts = ContactPerson.objects.filter(organisation__in=demo_orgs)
    for model, queryset in (
        (ActionItem, items),
        (MeetingParticipant, participants),
        (Meeting, Meeting.objects.filter(pk__in=meetings)),
        (ConsultationTable, ConsultationTable.objects.filter(pk__in=tables)),
        (AgreementParty, parties),
        (Agreement, Agreement.objects.filter(pk__in=agreements)),
        (ContactPerson, contacts),
    ):
        content_type = ContentType.objects.get_for_model(model)
        LogEntry.objects.filter(content_type=content_type, object_id__in=queryset.values("pk")).delete()
    # The ORM's delete, not a raw one: the rows are few, and whatever the workspace hangs off meetings or
    # agreements (history, reminders) goes with them.
    for queryset in (
        items,
        participants,
        Meeting.objects.filter(pk__in=meetings),
        ConsultationTable.members.through.objects.filter(organisation__in=demo_orgs),
        ConsultationTable.objects.filter(pk__in=tables),
        parties,
        Agreement.objects.filter(pk__in=agreements),
        contacts,
        Organisation.provinces_served.through.objects.filter(organisation__in=demo_orgs),
        Organisation.languages_offered.through.objects.filter(organisation__in=demo_orgs),
    ):
        queryset.delete()
