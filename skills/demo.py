"""Deterministic demo data for skills profiles (issue 6): interviews of the demo participants, some complete
and some in progress, with every section of the profile and the history of each claim.

`seed_skills(seed, size, today)` runs at the end of `people.demo.seed_demo`, after paths, activities and
network (same transaction, audit log off). About 40% of the adult demo participants not born in Italy had
the interview (more among those who follow an Italian course), and about 45% of those interviews are
complete; each person's draws come from a generator of their own, seeded from the seed and the person's
public id, so one person's profile never shifts another's. Dates are relative to `today`.

What a profile holds follows the person's registry data: mother tongues from the citizenship and the
languages spoken (`people.demo_data.LANGUAGES_BY_COUNTRY`), qualifications from the education level (EQF
level, country, documents held, some with recognition applied for, recognised or refused), jobs among the
occupations migrants often hold in Campania (ESCO occupations by URI, each with two to four ESCO skills),
Italian from the course assessments where there are any (as `skills.actions.apply_language_assessment`
would have written it: evidence "tested", the source assessment and its date, one history row per
assessment, applied or not), otherwise self-declared or observed; DigComp areas, soft skills, driving
licences (some foreign ones to convert), wishes, constraints (their note encrypted by the model field; no
history row, as `skills.actions.add_constraint`) and next steps, which become goals of the current
individual plan where there is one. Everyone assessed in a course has a profile, as the platform creates
it with the first assessment, even without an interview; only interviewed profiles have
`interview_started_at` (the time of the interview). Claims and history rows carry the organisation the user
acted for, as the actions record it: the participant's organisation for the interview, the course's
organiser for an assessment.

Completeness and completion follow `skills.actions.section_states`, computed here from what is written
(tests check a sample against it). Tables are written with multi-row INSERTs and primary keys assigned
here (`_write`, as `paths.demo._insert` with JSON columns), except the constraints, whose encrypted note
goes through the model field (`bulk_create`). The campania size takes about 17 s more (19,000 profiles,
125,000 claims, 190,000 history rows). The Comune di Napoli operator finds complete and partial profiles
among the Comune's people, one of them interviewed in Arabic and one whose Italian comes from a course.

`delete_skills_demo_data()` removes the profiles of demo participants, and unlinks other profiles from the
assessments and goals the other demo modules delete, before they run.
"""

from __future__ import annotations

import datetime
import random
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import accumulate

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Q
from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from accounts.models import Membership, User
from activities.models import (
    Activity,
    AssessmentMoment,
    CEFRLevel,
    Enrolment,
    LanguageAssessment,
    LanguageCertificate,
)
from core.roles import Role
from network.models import Organisation
from paths.demo import _ensure_taxonomies, _next_id, cursor_sql
from paths.models import Goal, GoalArea, GoalStatus, IndividualPlan
from people.demo_data import LANGUAGES_BY_COUNTRY
from people.models import EducationLevel, EmploymentStatus, Participant, Sex, age_on
from skills.actions import ASSESSMENT_EVIDENCE
from skills.models import (
    CEFR_SKILLS,
    ChangeSource,
    ClaimChange,
    DigitalSkill,
    DrivingLicence,
    EvidenceLevel,
    LanguageSkill,
    NextStep,
    Occupation,
    ProfileConstraint,
    Qualification,
    Section,
    Skill,
    SkillsProfile,
    SoftSkill,
    WorkExperience,
)
from skills.reference import (
    DIGCOMP_COMPETENCES,
    ConstraintKind,
    DigCompArea,
    FieldOfStudy,
    LicenceCategory,
    LicenceStatus,
    QualificationDocument,
    RecognitionStatus,
    TransversalSkill,
)
from territory.models import Country, Language

DEMO_EMAIL_DOMAIN = "demo.interazioni.example.org"
NAPOLI_OPERATOR = f"operatrice.napoli@{DEMO_EMAIL_DOMAIN}"
NAPOLI_NAME = "Comune di Napoli"
NATIONAL_SAMPLE = 20_000  # participants who may have a profile at the national size
MIN_AGE = 16
INTERVIEWED = 0.34  # share of eligible people interviewed...
INTERVIEWED_IF_ASSESSED = 0.5  # ...higher among those who follow an Italian course
COMPLETED = 0.45  # share of interviews closed
HISTORY_DAYS = 540  # interviews over the last 18 months
NAPOLI_MINIMUM = 3  # complete and partial profiles the Napoli operator finds, at least
BATCH = 20_000  # rows per executemany
ESCO = "http://data.europa.eu/esco/"
SECTIONS = list(Section.values)
ARABIC = frozenset({"ara", "ary", "arq", "aeb", "arz", "apc", "acm", "ayl"})
ENGLISH_SPEAKING = frozenset({"NG", "GH", "GM", "LK", "PK", "IN", "PH", "BD"})

# --- Occupations and skills ---------------------------------------------------------------------------

SKILLS = {
    "cooking": "skill/f3934441-4bff-4076-9945-e6c51a01c467",  # use cooking techniques
    "vegetables": "skill/73b97efd-49fe-49d7-89dd-444f870cd210",  # prepare vegetable products
    "food_safety": "skill/0ff99f51-40d9-42f1-a1ec-377b2bb5e15f",  # comply with food safety and hygiene
    "kitchen_cleaning": "skill/9b31016e-c99d-4bd2-a550-d5660dac5041",  # clean kitchen equipment
    "work_area": "skill/5598739b-6718-4cff-8402-91d7f65b1505",  # maintain work area cleanliness
    "hygiene": "skill/a34f4fd4-1aff-4941-82d5-542ac94f81c3",  # follow hygienic procedures
    "pizza": "skill/298ead56-f11b-4c5d-a4d9-282f7a1489b6",  # prepare pizza
    "knead": "skill/d87653a0-87b0-4c03-a44a-bf0a217431a2",  # knead food products
    "bake": "skill/5626b3b1-5415-47f6-acf1-b573d457d180",  # bake goods
    "serve": "skill/42a6eff0-e9d9-423d-877b-e48fe91ff26f",  # serve food in table service
    "greet": "skill/26a6e6d2-1c9a-4d7e-8c04-5ba16d1f53da",  # greet guests
    "orders": "skill/704bed2c-737a-4585-b840-1d28bbcab9b4",  # take food and beverage orders
    "surfaces": "skill/6ff01827-907d-43d8-b6e4-7162c1cf0aca",  # clean surfaces
    "iron": "skill/562b1180-83e7-4041-8468-2f28d03b7893",  # iron textiles
    "laundry": "skill/04838ae5-a737-48a0-a782-3d1b6b6cb75b",  # wash the laundry
    "rooms": "skill/7bb01a18-4637-4535-ba18-258f48f705b8",  # clean rooms
    "disinfect": "skill/145fb42f-ebee-48e2-bdf8-2e935edc7158",  # disinfect surfaces
    "vacuum": "skill/644617c8-fbe6-4755-b7f2-c3a623641e5b",  # vacuum surfaces
    "cleaning": "skill/4f1b6304-f54a-42f0-9604-5427a28d240f",  # perform cleaning duties
    "harvest": "skill/2e4e8114-e579-453d-918e-b0262818ab76",  # harvest crop
    "plant": "skill/8ce4a4af-969b-4d1c-8bfe-891cff82f913",  # plant green plants
    "farm_machinery": "skill/00dd3271-077f-4a12-a958-e297fdd724ce",  # operate agricultural machinery
    "prune": "skill/af9b6098-7d2f-4990-b4eb-d7dd73fdb933",  # prune plants
    "feed_livestock": "skill/5b1d43d1-e063-4d07-8ba1-6f08d4e46279",  # feed livestock
    "milk": "skill/cacb30e8-eb78-40bf-b664-b7a4c8a018a3",  # milk animals
    "lift": "skill/ab2bb44a-3956-4028-8715-8b70b1960b99",  # lift heavy weights
    "bricks": "skill/13e1c0a2-b90d-46f4-be51-11730360b38d",  # lay bricks
    "grouts": "skill/bfd96453-f2fd-43ea-afc1-fb2dc0d7367d",  # mix construction grouts
    "plaster": "skill/20f56226-24ed-495f-8bf5-0b2aa6413ba1",  # plaster surfaces
    "paint": "skill/b826a56a-811d-477c-b165-271729f644a4",  # paint surfaces
    "power_tools": "skill/5bf7f85a-b080-4b27-8ddc-9f62af4643f5",  # use power tools
    "hand_tools": "skill/7cd6de25-f691-4aac-81a2-a9d09b004b38",  # use hand tools
    "protective_gear": "skill/6122d586-5978-431f-8e7a-96e61fc1f3fc",  # wear appropriate protective gear
    "elderly": "skill/261e740b-d32d-4356-94a8-3ea29128b70b",  # tend to elderly people
    "special_needs": "skill/b6b2e665-1085-4f4d-9973-e979721815d7",  # assist clients with special needs
    "elderly_talk": "skill/9aa2a1cb-37a6-4f3b-9610-0dadee1ec8ed",  # communicate with elderly groups
    "care_safety": "skill/5e5d8826-92c4-4274-a6f9-3db6fca9eadc",  # health and safety in social care
    "children": "skill/f8d4a24c-fb62-444e-9525-7aa5662f440d",  # supervise children
    "children_needs": "skill/beb952e4-8a9c-47af-8a60-c6eb5c5f25bc",  # attend to children's basic needs
    "customers": "skill/61970f8b-099c-4e7e-82e0-9ccdced0baf3",  # assist customers
    "till": "skill/0cb013af-6dd9-4fb2-b34e-63dda1a5cf82",  # operate cash register
    "shelves": "skill/7e9daad3-8604-4839-af9b-dc6f8db3ef68",  # stock shelves
    "payments": "skill/bdcac0c8-b77a-4640-9eaf-c0cf3efd1e23",  # process payments
    "talk_customers": "skill/0da516ee-e70e-4384-be13-f5ff80be8127",  # communicate with customers
    "service": "skill/75dfe1ee-5935-42ce-b820-697f827825c3",  # maintain customer service
    "sew": "skill/0d207bf2-b0dd-4a36-933f-d2cd3da2933d",  # sew textile-based articles
    "sew_fabric": "skill/a3ef84f9-c436-437a-bc6f-4956ae13e1eb",  # sew pieces of fabric
    "alter": "skill/7e2f6f05-d6ef-45f3-a33c-5d6d0b07e1cf",  # alter wearing apparel
    "forklift": "skill/28cb374e-6261-4133-8371-f9a5470145da",  # operate forklift
    "store": "skill/e883d55a-75ae-460b-ba0a-47fecf14f1b3",  # store warehouse goods
    "pack": "skill/667cbbaf-f377-46d8-8f2d-1f6d8a55d74a",  # pack goods
    "load": "skill/048affec-04db-4bd5-b7a6-c666d16c0fef",  # load cargo
    "unload": "skill/042f91e3-cccc-4d51-b635-bb14ffe90cfc",  # unload cargo
    "drive": "skill/2a82241a-216e-44d8-bb50-6b9a0ef82084",  # drive vehicles
    "navigate": "skill/934226ed-71a3-4970-9f78-abb6a7b4d30d",  # navigate
    "wash_hair": "skill/5fce4ae7-bbd6-4d91-9fd9-d7d6b0e6c3da",  # wash hair
    "dye_hair": "skill/dbc20527-0852-4dde-a2e9-d25d8356115f",  # dye hair
    "hair_style": "skill/dea0250b-edf7-473e-bc12-b7869c19bdd5",  # design hair style
    "vehicle_maintenance": "skill/0ea0b260-617b-4d04-bf00-988dd0b122e5",  # execute vehicle maintenance
    "vehicle_electrics": "skill/3c4cfade-58c1-4f6d-9a0e-dabf78b0e9e0",  # repair vehicle electrical systems
    "welding": "skill/530cb489-d900-46ab-9350-4d50ccd49eea",  # welding techniques
    "test_electrical": "skill/3f6dc31c-ceef-4e93-9d8a-b4b862cf9b51",  # test electrical equipment
    "wiring": "skill/af1c7b89-679b-4fae-b67c-ed05c669719c",  # repair wiring
    "sockets": "skill/52d6eb67-56c0-4ad7-b5c2-71e7c2362ece",  # install electricity sockets
}


@dataclass(frozen=True)
class Job:
    uri: str  # ESCO occupation (or ISCO group) URI, after ESCO
    title_m: str  # the job as a man and as a woman would describe it, in Italian
    title_f: str
    group: str
    skills: tuple[str, ...]  # keys of SKILLS
    weight_m: float
    weight_f: float


JOBS = [
    Job("occupation/90f75f67-495d-49fa-ab57-2f320e251d7e", "cuoco", "cuoca", "food",
        ("cooking", "vegetables", "food_safety", "kitchen_cleaning"), 6, 4),
    Job("occupation/e1cf6897-158d-4b48-a39e-2a3a8cac216c", "aiuto cuoco", "aiuto cuoca", "food",
        ("vegetables", "kitchen_cleaning", "food_safety", "work_area"), 5, 4),
    Job("occupation/f756fdab-7726-4c48-bfcc-94ff8810fc08", "lavapiatti", "lavapiatti", "food",
        ("kitchen_cleaning", "work_area", "hygiene"), 4, 2),
    Job("occupation/a02a1117-212f-4a49-b21a-d3b971e00e48", "pizzaiolo", "pizzaiola", "food",
        ("pizza", "knead", "food_safety"), 3, 0.5),
    Job("occupation/1aadb308-432a-4d01-b54b-b4f7f76dd419", "panettiere", "panettiera", "food",
        ("bake", "knead", "food_safety"), 2, 1.5),
    Job("occupation/d5db9d5c-2ebf-4a54-a79a-1b7e7ff70471", "cameriere", "cameriera", "hospitality",
        ("serve", "greet", "orders", "talk_customers"), 4, 4),
    Job("occupation/cbad55a4-c7cf-4ab6-9540-eac72b26729b", "collaboratore domestico", "collaboratrice domestica",
        "cleaning", ("surfaces", "iron", "laundry", "vacuum"), 1, 12),
    Job("occupation/6d50f735-dca9-4a02-96dc-e4310ed98ae2", "domestico", "colf", "cleaning",
        ("rooms", "laundry", "iron", "cleaning"), 0.5, 5),
    Job("occupation/303a1e34-cb16-4054-b323-81e5eec17397", "addetto alle pulizie", "addetta alle pulizie",
        "cleaning", ("surfaces", "disinfect", "cleaning", "vacuum"), 3, 5),
    Job("occupation/c9191f7f-28b5-4df8-991d-804c53009b83", "bracciante agricolo", "bracciante agricola",
        "agriculture", ("harvest", "plant", "farm_machinery", "prune"), 12, 3),
    Job("occupation/373db468-bd25-4b67-a6e0-4ac79d9a9e85", "raccoglitore di frutta e verdura",
        "raccoglitrice di frutta e verdura", "agriculture", ("harvest", "prune", "lift"), 5, 2),
    Job("occupation/65bd2342-f7de-4932-9164-eb480e35a791", "addetto all'allevamento di bufale",
        "addetta all'allevamento di bufale", "agriculture", ("feed_livestock", "milk", "lift"), 4, 1),
    Job("occupation/fb7e2f4f-1545-42f1-972e-94082e49c6dc", "operaio edile", "operaia edile", "construction",
        ("grouts", "hand_tools", "power_tools", "protective_gear", "lift"), 10, 0.2),
    Job("occupation/05f321f8-055b-407d-bf19-e0ddabda56b7", "muratore", "muratrice", "construction",
        ("bricks", "grouts", "hand_tools"), 5, 0.1),
    Job("occupation/15620506-fb5d-49cd-87a2-1c9047fb406a", "imbianchino", "imbianchina", "construction",
        ("paint", "plaster", "hand_tools"), 3, 0.2),
    Job("occupation/1391bdf9-bd61-4fb5-91ca-c29036ab2b60", "assistente familiare", "assistente familiare (badante)",
        "care", ("elderly", "special_needs", "elderly_talk", "care_safety"), 1.5, 14),
    Job("occupation/0a5356bc-7f81-4e40-971d-c1dc789c5fb4", "baby-sitter", "baby-sitter", "care",
        ("children", "children_needs"), 0.3, 5),
    Job("occupation/0b15375e-dfdd-4047-9efb-096e0aaee7d2", "commesso", "commessa", "retail",
        ("customers", "shelves", "till", "talk_customers"), 4, 5),
    Job("occupation/2b871272-bd61-4206-bd1a-0b96d7023098", "cassiere", "cassiera", "retail",
        ("till", "payments", "service"), 1, 3),
    Job("occupation/c822ca35-6c36-4eab-97fa-90f2775091c3", "venditore ambulante", "venditrice ambulante",
        "retail", ("talk_customers", "payments", "customers"), 4, 1),
    Job("occupation/978ae3a2-0831-415a-8396-b84dde656fc5", "sarto", "sarta", "textile",
        ("sew", "alter", "sew_fabric"), 2, 3),
    Job("occupation/517c01aa-e875-4690-bf38-17307a57eafe", "cucitore a macchina", "cucitrice a macchina",
        "textile", ("sew_fabric", "sew"), 2, 4),
    Job("occupation/bea705fe-06ac-4147-b8e0-6e8ac1208d8f", "magazziniere", "magazziniera", "logistics",
        ("store", "pack", "load", "unload", "lift"), 7, 2),
    Job("occupation/eeac6251-1974-42f5-91ed-513c6c883755", "carrellista", "carrellista", "logistics",
        ("forklift", "store", "load"), 3, 0.3),
    Job("occupation/0c408028-c48f-4df8-ba5d-c3d3be15f5a2", "addetto alle consegne", "addetta alle consegne",
        "transport", ("drive", "load", "navigate"), 4, 0.5),
    Job("occupation/099c6bb0-22d3-4c5d-8bf5-70910af381ef", "parrucchiere", "parrucchiera", "beauty",
        ("wash_hair", "dye_hair", "hair_style"), 2, 4),
    Job("isco/C7231", "meccanico", "meccanica", "mechanics",
        ("vehicle_maintenance", "vehicle_electrics", "hand_tools"), 4, 0.1),
    Job("occupation/7aedaa07-3884-4c5b-88f9-80997b2aa54b", "saldatore", "saldatrice", "trades",
        ("welding", "protective_gear", "power_tools"), 2, 0.1),
    Job("occupation/4910419f-b4af-4f59-b544-9dbebc8a74f0", "elettricista", "elettricista", "trades",
        ("test_electrical", "wiring", "sockets"), 2, 0.2),
]  # fmt: skip

# Where people of a citizenship more often worked (multipliers of the job weights by group).
GROUP_BOOST: dict[str, dict[str, float]] = {
    "CN": {"textile": 3, "retail": 2, "food": 1.5},
    "UA": {"care": 2.5, "cleaning": 2},
    "GE": {"care": 2.5, "cleaning": 2},
    "RU": {"care": 2, "cleaning": 1.5},
    "LK": {"cleaning": 2, "care": 1.5, "food": 1.5},
    "PH": {"cleaning": 2.5, "care": 2},
    "IN": {"agriculture": 2, "food": 1.5, "retail": 1.5},
    "BD": {"food": 2, "retail": 2, "textile": 1.5},
    "PK": {"food": 1.5, "retail": 2, "logistics": 1.5},
    "MA": {"agriculture": 1.5, "construction": 1.5, "retail": 1.5},
    "TN": {"agriculture": 1.5, "construction": 1.5, "food": 1.5},
    "DZ": {"construction": 1.5, "food": 1.5},
    "EG": {"food": 2, "construction": 1.5},
    "SN": {"retail": 2, "agriculture": 1.5, "logistics": 1.5},
    "ML": {"agriculture": 2.5, "logistics": 1.5},
    "GM": {"agriculture": 2.5, "logistics": 1.5},
    "BF": {"agriculture": 2.5, "logistics": 1.5},
    "CI": {"agriculture": 2, "retail": 1.5},
    "NG": {"agriculture": 2, "logistics": 1.5, "beauty": 1.5},
    "GH": {"agriculture": 2.5, "logistics": 1.5},
    "AL": {"construction": 2.5, "care": 1.5, "hospitality": 1.5},
    "BR": {"beauty": 2, "hospitality": 1.5, "care": 1.5},
    "DO": {"beauty": 2, "care": 1.5, "hospitality": 1.5},
    "PE": {"care": 2, "cleaning": 1.5},
}

TASKS = {
    "food": "Preparazione dei piatti, pulizia della cucina e rispetto delle regole igieniche.",
    "hospitality": "Servizio ai tavoli, accoglienza dei clienti e presa delle ordinazioni.",
    "cleaning": "Pulizia della casa o degli uffici, lavaggio e stiratura della biancheria.",
    "agriculture": "Semina, raccolta e potatura; carico delle cassette sui mezzi dell'azienda.",
    "construction": "Preparazione delle malte, lavori di muratura e aiuto al capocantiere.",
    "care": "Assistenza quotidiana a una persona anziana: igiene, pasti, accompagnamento alle visite.",
    "retail": "Vendita al banco, rifornimento degli scaffali e uso della cassa.",
    "textile": "Cucito a macchina, orli e riparazioni di capi di abbigliamento.",
    "logistics": "Carico e scarico della merce, preparazione degli ordini in magazzino.",
    "transport": "Consegne in città con il furgone dell'azienda.",
    "beauty": "Taglio, piega e colore per clienti donne e uomini.",
    "mechanics": "Tagliandi, cambio dell'olio e piccole riparazioni dell'impianto elettrico delle auto.",
    "trades": "Lavori di manutenzione in piccoli cantieri e officine.",
}
EMPLOYERS_ITALY = {
    "food": ["ristorante a conduzione familiare", "pizzeria", "mensa aziendale", "tavola calda"],
    "hospitality": ["bar del centro", "albergo sul lungomare", "ristorante per cerimonie"],
    "cleaning": ["famiglia privata", "impresa di pulizie", "cooperativa di servizi"],
    "agriculture": [
        "azienda agricola della Piana del Sele",
        "serre del litorale domizio",
        "azienda ortofrutticola",
    ],
    "construction": ["impresa edile", "ditta di ristrutturazioni"],
    "care": ["famiglia privata", "cooperativa sociale di assistenza domiciliare"],
    "retail": ["minimarket", "negozio di alimentari etnici", "mercato rionale"],
    "textile": ["laboratorio di sartoria", "maglificio"],
    "logistics": ["magazzino di un corriere", "piattaforma della grande distribuzione"],
    "transport": ["ditta di consegne", "corriere espresso"],
    "beauty": ["salone di parrucchiere", "barbiere"],
    "mechanics": ["officina meccanica", "autoricambi con officina"],
    "trades": ["piccola impresa artigiana", "officina di carpenteria"],
}

# --- Qualifications ------------------------------------------------------------------------------------

TERTIARY = [
    ("economia", FieldOfStudy.BUSINESS),
    ("ingegneria civile", FieldOfStudy.ENGINEERING),
    ("informatica", FieldOfStudy.ICT),
    ("scienze infermieristiche", FieldOfStudy.HEALTH),
    ("giurisprudenza", FieldOfStudy.BUSINESS),
    ("lingue e letterature straniere", FieldOfStudy.ARTS),
    ("scienze dell'educazione", FieldOfStudy.EDUCATION),
    ("agraria", FieldOfStudy.AGRICULTURE),
    ("biologia", FieldOfStudy.SCIENCES),
    ("relazioni internazionali", FieldOfStudy.SOCIAL),
]
VOCATIONAL = [
    ("meccanica", FieldOfStudy.ENGINEERING),
    ("elettrotecnica", FieldOfStudy.ENGINEERING),
    ("ristorazione", FieldOfStudy.SERVICES),
    ("ragioneria", FieldOfStudy.BUSINESS),
    ("agricoltura", FieldOfStudy.AGRICULTURE),
    ("assistenza sanitaria", FieldOfStudy.HEALTH),
    ("sartoria e moda", FieldOfStudy.ENGINEERING),
]
ITALIAN_CERTIFICATES = [
    ("Attestato HACCP per alimentaristi", FieldOfStudy.SERVICES, "food"),
    ("Attestato di formazione sulla sicurezza nei luoghi di lavoro", FieldOfStudy.SERVICES, None),
    ("Qualifica di operatore socio-sanitario (OSS)", FieldOfStudy.HEALTH, "care"),
    ("Patentino per carrellisti", FieldOfStudy.ENGINEERING, "logistics"),
]
RECOGNITION_BODIES = [
    "Ufficio scolastico regionale per la Campania",
    "Università (riconoscimento accademico)",
    "CIMEA (attestato di comparabilità)",
    "Ministero competente (riconoscimento professionale)",
]

# Countries with which Italy converts driving licences (a demo simplification of the current list).
CONVERTIBLE_LICENCES = frozenset({"AL", "MA", "TN", "DZ", "LK", "PH", "BR", "PE", "UA", "RU", "GE", "EG"})

FROM_COUNTRY = {
    "UA": "dall'Ucraina", "MA": "dal Marocco", "LK": "dallo Sri Lanka", "CN": "dalla Cina",
    "BD": "dal Bangladesh", "AL": "dall'Albania", "IN": "dall'India", "NG": "dalla Nigeria",
    "PK": "dal Pakistan", "SN": "dal Senegal", "DZ": "dall'Algeria", "GH": "dal Ghana", "RU": "dalla Russia",
    "TN": "dalla Tunisia", "GE": "dalla Georgia", "BF": "dal Burkina Faso", "ML": "dal Mali",
    "GM": "dal Gambia", "EG": "dall'Egitto", "BR": "dal Brasile", "DO": "dalla Repubblica Dominicana",
    "CI": "dalla Costa d'Avorio", "PH": "dalle Filippine", "PE": "dal Perù", "AF": "dall'Afghanistan",
}  # fmt: skip

SUMMARY_CLOSINGS = [
    "Cerca un lavoro stabile con un contratto regolare.",
    "Vuole migliorare l'italiano per trovare un lavoro più adatto alla sua esperienza.",
    "È disponibile a frequentare corsi di formazione anche nel pomeriggio.",
    "Chiede aiuto per far valere in Italia il titolo di studio.",
    "Vorrebbe restare in Campania, dove vive la sua famiglia.",
    "Ha buone capacità manuali e impara in fretta.",
]
ASPIRATIONS = {
    "food": "Vorrei lavorare in un ristorante con un contratto regolare e fare il corso HACCP.",
    "hospitality": "Mi piacerebbe lavorare in un albergo, anche nella stagione estiva.",
    "cleaning": "Vorrei un lavoro con orari regolari, anche part-time, in un'impresa di pulizie.",
    "agriculture": "Vorrei lavorare in un'azienda agricola con contratto e imparare a usare il trattore.",
    "construction": "Vorrei fare il corso sulla sicurezza nei cantieri e lavorare per un'impresa edile.",
    "care": "Vorrei diventare operatrice socio-sanitaria e lavorare in una struttura per anziani.",
    "retail": "Mi piacerebbe lavorare in un supermercato o aprire un piccolo negozio.",
    "textile": "Vorrei aprire un laboratorio di sartoria o lavorare per un'azienda di moda.",
    "logistics": "Vorrei prendere il patentino per il carrello elevatore e lavorare in magazzino.",
    "transport": "Vorrei convertire la patente e lavorare come autista per le consegne.",
    "beauty": "Mi piacerebbe lavorare in un salone e, più avanti, aprirne uno mio.",
    "mechanics": "Vorrei lavorare in un'officina e ottenere una qualifica riconosciuta in Italia.",
    "trades": "Vorrei ottenere una qualifica professionale e lavorare come artigiano.",
    None: "Vorrei imparare bene l'italiano e poi iscrivermi a un corso di formazione professionale.",
}
CONSTRAINT_NOTES = {
    ConstraintKind.CHILDCARE: [
        "Due figli piccoli: è disponibile solo la mattina, mentre sono a scuola.",
        "Si occupa della madre anziana nel pomeriggio.",
    ],
    ConstraintKind.TRANSPORT: [
        "Abita in una frazione poco servita dai mezzi pubblici, la sera non ci sono autobus.",
        "Non ha l'auto: raggiunge solo luoghi serviti dalla Circumvesuviana.",
    ],
    ConstraintKind.HEALTH: ["Dolori alla schiena: da evitare lavori con carichi pesanti."],
    ConstraintKind.DOCUMENTS: ["Permesso di soggiorno in rinnovo: attende l'appuntamento in Questura."],
    ConstraintKind.SCHEDULE: ["Lavora già la sera in un ristorante: è libera solo fino alle 16."],
    ConstraintKind.HOUSING: ["Alloggio temporaneo: potrebbe doversi trasferire nei prossimi mesi."],
}
CONSTRAINT_WEIGHTS = [
    (ConstraintKind.CHILDCARE, 35),
    (ConstraintKind.TRANSPORT, 30),
    (ConstraintKind.SCHEDULE, 12),
    (ConstraintKind.DOCUMENTS, 10),
    (ConstraintKind.HEALTH, 7),
    (ConstraintKind.HOUSING, 6),
]
SOFT_EXAMPLES = {
    TransversalSkill.TEAMWORK: "Ha lavorato in una squadra di dieci persone durante la raccolta.",
    TransversalSkill.RELIABILITY: "Per tre anni non ha mai saltato un turno di lavoro.",
    TransversalSkill.CARE: "Ha assistito per anni una signora anziana, anche di notte.",
    TransversalSkill.CUSTOMER_CARE: "Al mercato parlava ogni giorno con molti clienti, anche in inglese.",
    TransversalSkill.LEADERSHIP: "Coordinava i turni dei colleghi nella cucina del ristorante.",
    TransversalSkill.INTERCULTURAL: "Fa da interprete per i connazionali allo sportello del Comune.",
    TransversalSkill.LEARNING: "Frequenta con costanza il corso di italiano serale.",
    TransversalSkill.MANUAL: "Ripara da sé biciclette e piccoli elettrodomestici.",
    TransversalSkill.PROBLEM_SOLVING: "Ha organizzato da sola il trasloco e le pratiche per la residenza.",
}
SOFT_BY_GROUP = {
    "care": [TransversalSkill.CARE, TransversalSkill.RELIABILITY, TransversalSkill.COMMUNICATION],
    "food": [TransversalSkill.TEAMWORK, TransversalSkill.STRESS, TransversalSkill.ORGANISATION],
    "hospitality": [TransversalSkill.CUSTOMER_CARE, TransversalSkill.COMMUNICATION, TransversalSkill.STRESS],
    "retail": [TransversalSkill.CUSTOMER_CARE, TransversalSkill.NUMERACY, TransversalSkill.COMMUNICATION],
    "agriculture": [TransversalSkill.TEAMWORK, TransversalSkill.RELIABILITY, TransversalSkill.MANUAL],
    "construction": [TransversalSkill.MANUAL, TransversalSkill.TEAMWORK, TransversalSkill.RELIABILITY],
    "textile": [TransversalSkill.MANUAL, TransversalSkill.ORGANISATION],
    "logistics": [TransversalSkill.RELIABILITY, TransversalSkill.ORGANISATION, TransversalSkill.TEAMWORK],
    "beauty": [TransversalSkill.CUSTOMER_CARE, TransversalSkill.MANUAL],
}
NEXT_STEPS = {
    "work": [
        "Iscrizione al Centro per l'impiego e dichiarazione di immediata disponibilità",
        "Preparare il curriculum in formato Europass",
        "Colloquio di orientamento al lavoro",
    ],
    "training": [
        "Iscrizione a un corso di formazione professionale",
        "Corso HACCP per lavorare nella ristorazione",
        "Informarsi sul corso per operatore socio-sanitario",
    ],
    "italian_language": ["Iscrizione a un corso di italiano del livello successivo"],
    "qualification_recognition": [
        "Richiedere la dichiarazione di valore del titolo di studio",
        "Richiedere l'attestato di comparabilità al CIMEA",
    ],
    "documents": ["Preparare i documenti per il rinnovo del permesso di soggiorno"],
    "housing": ["Appuntamento allo sportello casa del Comune"],
    "health": ["Iscrizione al Servizio sanitario nazionale e scelta del medico di base"],
}
OBSERVED_NOTES = [
    "Visto durante il colloquio",
    "Documento mostrato all'operatore",
    "Verificato in laboratorio",
]


def _pick(rng: random.Random, pairs):
    return rng.choices([item for item, _w in pairs], weights=[w for _i, w in pairs])[0]


# --- Deleting ------------------------------------------------------------------------------------------


def delete_skills_demo_data() -> None:
    """Delete the profiles of demo participants with everything they hold (set-based, children first), and
    unlink the other profiles from the demo assessments and goals that `activities.demo` and `paths.demo`
    delete next (raw deletes: no SET_NULL cascade would run)."""
    demo_participants = Participant.objects.filter(Q(is_demo=True) | Q(owner__is_demo=True)).values("pk")
    profiles = SkillsProfile.objects.filter(participant__in=demo_participants).values("pk")
    claims = [
        Qualification,
        WorkExperience,
        LanguageSkill,
        DigitalSkill,
        SoftSkill,
        DrivingLicence,
        ProfileConstraint,
        NextStep,
    ]
    for model in (*claims, SkillsProfile):
        rows = (
            model.objects.filter(pk__in=profiles)
            if model is SkillsProfile
            else model.objects.filter(profile__in=profiles)
        )
        content_type = ContentType.objects.get_for_model(model)
        LogEntry.objects.filter(content_type=content_type, object_id__in=rows.values("pk")).delete()
    for queryset in (
        WorkExperience.skills.through.objects.filter(workexperience__profile__in=profiles),
        SkillsProfile.mother_tongues.through.objects.filter(skillsprofile__in=profiles),
        ClaimChange.objects.filter(profile__in=profiles),
        *(model.objects.filter(profile__in=profiles) for model in claims),
        SkillsProfile.objects.filter(pk__in=profiles),
    ):
        queryset._raw_delete(queryset.db)
    # What remains is not demo: keep it, without the links to rows about to go.
    demo_users = User.objects.filter(email__iendswith="@" + DEMO_EMAIL_DOMAIN).values("pk")
    demo_orgs = Organisation.objects.filter(is_demo=True).values("pk")
    activities = Activity.objects.filter(
        Q(is_demo=True) | Q(organiser__in=demo_orgs) | Q(created_by__in=demo_users)
    ).values("pk")
    enrolments = Enrolment.objects.filter(
        Q(activity__in=activities) | Q(participant__in=demo_participants) | Q(organisation__in=demo_orgs)
    ).values("pk")
    assessments = LanguageAssessment.objects.filter(enrolment__in=enrolments).values("pk")
    LanguageSkill.objects.filter(source_assessment__in=assessments).update(source_assessment=None)
    ClaimChange.objects.filter(assessment__in=assessments).update(assessment=None)
    plans = IndividualPlan.objects.filter(
        Q(participant__in=demo_participants) | Q(organisation__in=demo_orgs) | Q(created_by__in=demo_users)
    ).values("pk")
    goals = Goal.objects.filter(Q(plan__in=plans) | Q(owner_organisation__in=demo_orgs)).values("pk")
    NextStep.objects.filter(goal__in=goals).update(goal=None)


# --- Generating ----------------------------------------------------------------------------------------


def seed_skills(rng_seed: int, size: str, today: datetime.date | None = None) -> dict[str, int]:
    """Generate the skills profiles of the demo participants already written; returns the row counts."""
    from django.conf import settings

    with translation.override(settings.LANGUAGE_CODE):  # claim labels and notes as the interface writes them
        return _SkillsGenerator(rng_seed, size, today or timezone.localdate()).run()


@dataclass
class _Person:
    pk: int
    public_id: int
    owner: int
    sex: str
    age: int
    citizenship: str
    arrival: datetime.date | None
    created_at: datetime.datetime
    created_by: int | None
    education: str
    employment: str
    spoken: list[str]
    assessments: list[tuple] = field(default_factory=list)
    plan: tuple[int, int] | None = None  # current plan: (id, organisation)
    interviewed: bool = False
    complete: bool = False
    arabic_interview: bool = False
    eligible: bool = True


@dataclass
class _Draft:
    """One profile before it is written."""

    pk: int
    person: _Person
    operator: int | None
    created_at: datetime.datetime
    created_by: int | None
    interview_at: datetime.datetime | None = None
    summary: str = ""
    aspirations: str = ""
    interview_language: str = ""
    nothing: list[str] = field(default_factory=list)
    filled: set[str] = field(default_factory=set)
    mother_tongues: list[int] = field(default_factory=list)
    has_other_language: bool = False
    to_recognise: bool = False  # a foreign qualification (EQF 4 or more) with no recognition asked yet
    completed_at: datetime.datetime | None = None
    updated_at: datetime.datetime | None = None
    clock: int = 0  # minutes into the interview, so the history keeps the order of the claims

    def tick(self) -> datetime.datetime:
        self.clock += 1
        return self.interview_at + datetime.timedelta(minutes=self.clock)


CLAIM_COLUMNS = ["id", "profile_id", "evidence_level", "evidence_note", "evidence_set_by_id", "evidence_set_at", "created_at",
                 "evidence_organisation_id"]  # fmt: skip


class _SkillsGenerator:
    def __init__(self, seed: int, size: str, today: datetime.date):
        self.seed = seed + 4
        self.size = size
        self.today = today
        self.now = timezone.now()
        self.tz = timezone.get_current_timezone()
        self.counts: dict[str, int] = {}
        self.rows: dict[str, list] = {
            name: []
            for name in (
                "profiles", "mother_tongues", "qualifications", "work", "work_skills", "languages", "digital",
                "soft", "licences", "steps", "goals", "changes",
            )
        }  # fmt: skip
        self.constraints: list[ProfileConstraint] = []
        self.constraint_times: list[datetime.datetime] = []
        self.italian_state: dict[int, dict] = {}  # profile -> its Italian language skill, as written so far
        # Labels translated once (the interface's language, as the history would hold them).
        self.labels = {
            choices: {value: str(label) for value, label in choices.choices}
            for choices in (
                DigCompArea,
                TransversalSkill,
                AssessmentMoment,
                LanguageCertificate,
            )
        }
        self.job_weights: dict[tuple[bool, str], list[float]] = {}  # cumulative, by sex and citizenship
        self.assessment_note = gettext("%(moment)s assessment, %(activity)s (%(date)s)")

    # Reference ------------------------------------------------------------------------------------

    def _load(self) -> bool:
        _ensure_taxonomies()
        self.areas = dict(GoalArea.objects.values_list("code", "pk"))
        limit = NATIONAL_SAMPLE if self.size == "national" else None
        rows = (
            Participant.objects.filter(is_demo=True)
            .order_by("pk")
            .values_list(
                "pk", "public_id", "owner_id", "sex", "birth_date", "arrival_date", "created_at",
                "created_by_id", "education_level", "employment_status", "last_name", "first_name",
                "country_of_birth__iso_alpha2",
            )
        )  # fmt: skip
        rows = list(rows[:limit] if limit else rows)
        if not rows:
            return False
        last = rows[-1][0]
        citizenship: dict[int, str] = {}
        for pid, code in (
            Participant.citizenships.through.objects.filter(
                participant__is_demo=True, participant_id__lte=last
            )
            .order_by("pk")
            .values_list("participant_id", "country__iso_alpha2")
        ):
            citizenship.setdefault(pid, code)
        spoken: dict[int, list[str]] = {}
        for pid, code in (
            Participant.languages.through.objects.filter(participant__is_demo=True, participant_id__lte=last)
            .order_by("pk")
            .values_list("participant_id", "language__code")
        ):
            spoken.setdefault(pid, []).append(code)
        self.people: list[_Person] = []
        self.names = {row[0]: f"{row[10]} {row[11]}" for row in rows}  # str(profile), as the history has it
        for row in rows:
            pk, public_id, owner, sex, birth, arrival, created_at, created_by, education, employment = row[
                :10
            ]
            age, code = age_on(birth, self.today), citizenship.get(pk)
            self.people.append(
                _Person(pk, public_id.int, owner, sex, age, code or "", arrival, created_at or self.now, created_by,
                        education, employment, spoken.get(pk, []),
                        # Interviewed: adults and older teenagers, not born in Italy (nor stateless, for the
                        # demo). Anyone assessed in a course has a profile all the same.
                        eligible=age >= MIN_AGE and code is not None and row[12] != "IT")
            )  # fmt: skip
        by_pk = {p.pk: p for p in self.people}
        # Italian assessments of the courses, in the order apply_language_assessment met them.
        self.italian = Language.objects.filter(code="ita").values_list("pk", flat=True).first()
        assessments = (
            LanguageAssessment.objects.filter(
                enrolment__participant__is_demo=True,
                enrolment__participant_id__lte=last,
                language_id=self.italian,
            )
            .order_by("enrolment__participant_id", "date", "moment", "pk")
            .values_list(
                "pk", "enrolment__participant_id", "moment", "date", "overall", *CEFR_SKILLS,
                "certificate_name", "enrolment__activity__title", "assessed_by_id", "created_at",
                "enrolment__activity__organiser_id",
            )
        )  # fmt: skip
        for row in assessments:
            person = by_pk.get(row[1])
            if person is not None:
                person.assessments.append(row)
        for participant_id, plan_id, organisation_id in IndividualPlan.objects.filter(
            is_current=True, participant__is_demo=True, participant_id__lte=last
        ).values_list("participant_id", "pk", "organisation_id"):
            if participant_id in by_pk:
                by_pk[participant_id].plan = (plan_id, organisation_id)
        codes = {c for person in self.people for c in (person.citizenship, "IT")}
        self.countries = dict(Country.objects.filter(iso_alpha2__in=codes).values_list("iso_alpha2", "pk"))
        wanted = {"ita", "eng", "fra", "spa", "por", "ara", "rus"} | {
            code for codes in LANGUAGES_BY_COUNTRY.values() for code in codes
        }
        self.languages = dict(Language.objects.filter(code__in=wanted).values_list("code", "pk"))
        self.language_names = {
            pk: (name_it, name_en)
            for pk, name_it, name_en in Language.objects.filter(code__in=wanted).values_list(
                "pk", "name_it", "name_en"
            )
        }
        self.country_names = dict(Country.objects.filter(iso_alpha2__in=codes).values_list("pk", "name_it"))
        occupations = {ESCO + job.uri for job in JOBS}
        self.occupations = {
            uri: (pk, label_it or label)
            for uri, pk, label, label_it in Occupation.objects.filter(uri__in=occupations).values_list(
                "uri", "pk", "label", "label_it"
            )
        }
        self.skills = dict(
            Skill.objects.filter(uri__in=[ESCO + uri for uri in SKILLS.values()]).values_list("uri", "pk")
        )
        memberships = (
            Membership.objects.filter(user__email__iendswith="@" + DEMO_EMAIL_DOMAIN, is_active=True)
            .order_by("user__email", "organisation_id")
            .values_list("user_id", "organisation_id", "role", "user__email")
        )
        self.staff: dict[int, list[int]] = {}
        self.napoli_operator = None
        for user_id, org_id, role, email in memberships:
            if role in (Role.OPERATOR, Role.ORG_ADMIN):
                self.staff.setdefault(org_id, []).append(user_id)
            if email == NAPOLI_OPERATOR:
                self.napoli_operator, self.napoli = user_id, org_id
        if self.napoli_operator is None:
            self.napoli = (
                Organisation.objects.filter(is_demo=True, name__startswith=NAPOLI_NAME)
                .values_list("pk", flat=True)
                .first()
            )
        return True

    # Run ------------------------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        if not self._load():
            return self.counts
        self.ids = {
            model: _next_id(model)
            for model in (
                SkillsProfile, Qualification, WorkExperience, LanguageSkill, DigitalSkill, SoftSkill,
                DrivingLicence, NextStep, Goal,
            )
        }  # fmt: skip
        for person in self.people:
            rng = random.Random(person.public_id ^ self.seed)
            share = INTERVIEWED_IF_ASSESSED if person.assessments else INTERVIEWED
            interviewed_draw, complete_draw = rng.random(), rng.random()
            person.interviewed = person.eligible and interviewed_draw < share
            person.complete = complete_draw < COMPLETED
        self._ensure_napoli()
        for person in self.people:
            if person.interviewed or person.assessments:
                self._profile(person)
        self._write()
        return self.counts

    def _ensure_napoli(self) -> None:
        """The Comune di Napoli operator finds at least three complete and three partial profiles among the
        Comune's people, one interviewed in Arabic and one whose Italian comes from a course."""
        theirs = [p for p in self.people if p.owner == self.napoli and p.eligible]
        if not theirs:
            return
        # The operator's own people first, then the Comune's others.
        theirs.sort(key=lambda p: (p.created_by != self.napoli_operator, p.pk))
        arabic = next((p for p in theirs if self._mother_tongue_codes(p, None)[0] in ARABIC), None)
        if arabic is not None:
            arabic.interviewed, arabic.complete, arabic.arabic_interview = True, True, True
        assessed = next((p for p in theirs if p.assessments and p is not arabic), None)
        if assessed is not None:
            assessed.interviewed = True
        for complete in (True, False):
            have = sum(1 for p in theirs if p.interviewed and p.complete == complete)
            for person in theirs:
                if have >= NAPOLI_MINIMUM:
                    break
                if not person.interviewed:
                    person.interviewed, person.complete = True, complete
                    have += 1

    def _operator(self, person: _Person, rng) -> int | None:
        staff = self.staff.get(person.owner) or []
        if person.created_by in staff:
            return person.created_by
        return staff[int(rng.random() * len(staff))] if staff else None

    def _at(self, day: datetime.date, hour: int = 12) -> datetime.datetime:
        return min(datetime.datetime.combine(day, datetime.time(hour), self.tz), self.now)

    # One profile ----------------------------------------------------------------------------------

    def _profile(self, person: _Person) -> None:
        rng = random.Random((person.public_id ^ self.seed) + 1)
        operator = self._operator(person, rng)
        interview_draw, minute_draw = rng.random(), rng.random()
        earliest = max(person.created_at, self.now - datetime.timedelta(days=HISTORY_DAYS))
        interview_at = None
        if person.interviewed:
            # Some day since the registration (office hours), at least a couple of hours ago.
            latest = self.now - datetime.timedelta(hours=2)
            moment = earliest + (latest - earliest) * interview_draw if latest > earliest else earliest
            local = timezone.localtime(moment, self.tz)
            interview_at = local.replace(hour=9 + int(minute_draw * 8), minute=0, second=0, microsecond=0)
            interview_at = max(min(interview_at, latest), earliest)
        first_assessment = self._at(person.assessments[0][3]) if person.assessments else None
        starts = [t for t in (interview_at, first_assessment) if t is not None]
        created_at = min(starts)
        by_assessment = interview_at is None or (
            first_assessment is not None and first_assessment < interview_at
        )
        draft = _Draft(
            pk=self._id(SkillsProfile),
            person=person,
            operator=operator,
            created_at=created_at,
            created_by=None if by_assessment else operator,  # the first assessment creates it unattended
            interview_at=interview_at,
            updated_at=created_at,
        )
        # The assessments before the interview, the interview, then the later assessments: in time order.
        earlier = [
            row for row in person.assessments if interview_at is None or self._at(row[3]) < interview_at
        ]
        self._italian(draft, earlier)
        if interview_at is not None:
            self._interview(draft, rng)
            self._italian(draft, person.assessments[len(earlier) :])
        states = [
            "done" if s in draft.filled else "nothing" if s in draft.nothing else "todo" for s in SECTIONS
        ]
        addressed = sum(state != "todo" for state in states)
        completeness = round(100 * addressed / len(SECTIONS))
        if person.complete and addressed == len(SECTIONS) and interview_at is not None:
            draft.completed_at = min(interview_at + datetime.timedelta(minutes=draft.clock + 5), self.now)
            draft.updated_at = max(draft.updated_at, draft.completed_at)
        self.rows["profiles"].append(
            (draft.pk, person.pk, draft.summary, draft.aspirations, sorted(draft.nothing),
             draft.interview_language, completeness, draft.completed_at,
             operator if draft.completed_at else None, draft.created_by, draft.created_at, draft.updated_at,
             interview_at)
        )  # fmt: skip

    def _id(self, model) -> int:
        value = self.ids[model]
        self.ids[model] += 1
        return value

    def _change(self, draft: _Draft, section, claim_id, label, changes, *, at, by, evidence=None,
                previous=None, source=ChangeSource.INTERVIEW, assessment=None, applied=True,
                organisation=None) -> None:  # fmt: skip
        """One history row; `organisation` the one the user acted for (the participant's, in the interview)."""
        self.rows["changes"].append(
            (draft.pk, section, claim_id, str(label)[:300], changes, evidence, previous, source, assessment,
             applied, by, at, organisation or draft.person.owner)
        )  # fmt: skip
        draft.updated_at = max(draft.updated_at, at)

    def _claim(self, draft: _Draft, model, level: int, note: str, at) -> tuple:
        """A claim of the interview: the evidence set by the operator, for the participant's organisation."""
        return (self._id(model), draft.pk, level, note[:300], draft.operator, at, at, draft.person.owner)

    def _evidence(self, rng, observed_share: float) -> tuple[int, str]:
        if rng.random() < observed_share:
            return EvidenceLevel.OBSERVED, OBSERVED_NOTES[int(rng.random() * 2)]
        return EvidenceLevel.SELF_DECLARED, ""

    def _mother_tongue_codes(self, person: _Person, rng) -> list[str]:
        """The citizenship's languages the person speaks, main one first; English or French only when
        there is no other (they are the school's language, not the home's, for most)."""
        country = LANGUAGES_BY_COUNTRY.get(person.citizenship, [])
        spoken = [code for code in country if code in person.spoken] or country[:1]
        home = [code for code in spoken if code not in ("eng", "fra")] or spoken[:1]
        if len(home) > 1 and (rng is None or rng.random() >= 0.3):
            home = home[:1]
        return home[:2] or ["eng"]

    def _interview(self, draft: _Draft, rng) -> None:
        person = draft.person
        # Which sections the interview reached: all when complete, otherwise up to a point, some skipped.
        cutoff_draw = rng.random()
        skip_draws = [rng.random() for _ in SECTIONS]
        if person.complete:
            reached = set(SECTIONS)
        else:
            cutoff = 2 + int(cutoff_draw * 7)  # 2..8 of the 9 sections
            reached = {s for i, s in enumerate(SECTIONS[:cutoff]) if i == 0 or skip_draws[i] >= 0.12}
        jobs = self._jobs(person, rng)
        group = jobs[-1][0].group if jobs else None
        if Section.SUMMARY in reached:
            self._summary(draft, rng, jobs)
        if Section.EDUCATION in reached:
            self._qualifications(draft, rng, jobs)
        if Section.WORK in reached:
            self._work(draft, rng, jobs)
        if Section.LANGUAGES in reached:
            self._languages(draft, rng)
        if Section.DIGITAL in reached:
            self._digital(draft, rng)
        if Section.SOFT_SKILLS in reached:
            self._soft(draft, rng, group)
        if Section.LICENCES in reached:
            self._licences(draft, rng, group)
        if Section.ASPIRATIONS in reached:
            self._aspirations(draft, rng, group)
        if Section.NEXT_STEPS in reached:
            self._next_steps(draft, rng, group)

    def _nothing(self, draft: _Draft, section: str) -> None:
        draft.nothing.append(section)
        self._change(
            draft, section, draft.pk, self._person_label(draft), {"nothing_to_declare": [False, True]},
            at=draft.tick(), by=draft.operator,
        )  # fmt: skip

    def _person_label(self, draft: _Draft) -> str:
        return self.names[draft.person.pk]

    # Sections -------------------------------------------------------------------------------------

    def _summary(self, draft: _Draft, rng, jobs) -> None:
        person = draft.person
        woman = person.sex == Sex.FEMALE
        years = (self.today - person.arrival).days // 365 if person.arrival else None
        origin = FROM_COUNTRY.get(person.citizenship, "dal paese di origine")
        parts = [
            f"{'Donna' if woman else 'Uomo'} di {person.age} anni, {'arrivata' if woman else 'arrivato'} {origin}"
        ]
        if years is not None:
            parts[0] += (
                " meno di un anno fa." if years < 1 else f" {years} {'anno' if years == 1 else 'anni'} fa."
            )
        else:
            parts[0] += "."
        if jobs:
            job = jobs[0][0]
            title = job.title_f if woman else job.title_m
            parts.append(
                f"Nel paese di origine ha lavorato come {title}."
                if jobs[0][1]
                else f"In Italia ha lavorato come {title}."
            )
        if person.employment == EmploymentStatus.UNEMPLOYED:
            parts.append("Al momento è senza lavoro.")
        elif person.employment in (EmploymentStatus.EMPLOYED, EmploymentStatus.SELF_EMPLOYED):
            parts.append("Oggi lavora, ma con orari e contratto incerti.")
        parts.append(SUMMARY_CLOSINGS[int(rng.random() * len(SUMMARY_CLOSINGS))])
        draft.summary = " ".join(parts)
        draft.filled.add(Section.SUMMARY)
        self._change(
            draft, Section.SUMMARY, draft.pk, self._person_label(draft), {"summary": ["", draft.summary]},
            at=draft.tick(), by=draft.operator,
        )  # fmt: skip

    def _jobs(self, person: _Person, rng) -> list[tuple[Job, bool, int | None, int | None]]:
        """Up to three jobs: (job, abroad, start year, end year), oldest first."""
        count_draw = rng.random()
        woman = person.sex == Sex.FEMALE
        key = (woman, person.citizenship)
        cum = self.job_weights.get(key)
        if cum is None:
            boost = GROUP_BOOST.get(person.citizenship, {})
            weights = [(job.weight_f if woman else job.weight_m) * boost.get(job.group, 1) for job in JOBS]
            cum = self.job_weights[key] = list(accumulate(weights))
        picks = rng.choices(JOBS, cum_weights=cum, k=3)
        year_draws = [rng.random() for _ in range(6)]
        if person.age < 18 or count_draw < 0.12:
            return []
        count = 1 if count_draw < 0.5 else 2 if count_draw < 0.85 else 3
        this_year = self.today.year
        birth_year = this_year - person.age
        arrival_year = person.arrival.year if person.arrival else this_year
        jobs = []
        # A job before leaving (if old enough then), then jobs in Italy.
        abroad_start = max(birth_year + 16, arrival_year - 2 - int(year_draws[0] * 10))
        if abroad_start < arrival_year and count_draw < 0.8:
            end = min(arrival_year, abroad_start + 1 + int(year_draws[1] * 8))
            jobs.append((picks[0], True, abroad_start, end))
        start = max(arrival_year + int(year_draws[2] * 3), birth_year + 16)
        in_italy = count - len(jobs)
        for index in range(in_italy):
            if start > this_year:
                break
            current = index == in_italy - 1 and person.employment in (
                EmploymentStatus.EMPLOYED,
                EmploymentStatus.SELF_EMPLOYED,
            )
            end = None if current else min(this_year, start + int(year_draws[3 + index] * 3))
            jobs.append((picks[len(jobs)], False, start, end))
            start = (end or this_year) + 1
        return jobs

    def _qualifications(self, draft: _Draft, rng, jobs) -> None:
        person = draft.person
        education = person.education
        draws = [rng.random() for _ in range(12)]
        if education == EducationLevel.UNKNOWN:
            education = _pick(rng, [(EducationLevel.LOWER_SECONDARY, 4), (EducationLevel.UPPER_SECONDARY, 4),
                                    (EducationLevel.TERTIARY, 2), (EducationLevel.NONE, 2)])  # fmt: skip
        birth_year = self.today.year - person.age
        arrival_year = person.arrival.year if person.arrival else self.today.year
        specs = []  # (title, eqf, field, age at the title)
        if education == EducationLevel.PRIMARY:
            specs.append(("Licenza di scuola primaria", 1, FieldOfStudy.GENERIC, 12))
        elif education == EducationLevel.LOWER_SECONDARY:
            specs.append(("Diploma di scuola secondaria di primo grado", 2, FieldOfStudy.GENERIC, 15))
        elif education == EducationLevel.UPPER_SECONDARY:
            if draws[0] < 0.6:
                specs.append(("Diploma di scuola secondaria superiore", 4, FieldOfStudy.GENERIC, 18))
            else:
                name, study = VOCATIONAL[int(draws[1] * len(VOCATIONAL))]
                specs.append((f"Diploma professionale di {name}", 3 if draws[2] < 0.5 else 4, study, 18))
        elif education == EducationLevel.POST_SECONDARY:
            name, study = VOCATIONAL[int(draws[1] * len(VOCATIONAL))]
            specs.append(
                (
                    f"Certificato di specializzazione post-diploma in {name}",
                    5 if draws[2] < 0.3 else 4,
                    study,
                    20,
                )
            )
        elif education == EducationLevel.TERTIARY:
            name, study = TERTIARY[int(draws[1] * len(TERTIARY))]
            if draws[2] < 0.75:
                specs.append((f"Laurea (bachelor) in {name}", 6, study, 22))
            elif draws[2] < 0.95:
                specs.append((f"Laurea magistrale (master) in {name}", 7, study, 24))
            else:
                specs.append((f"Dottorato di ricerca in {name}", 8, study, 29))
        groups = {job.group for job, _abroad, _s, _e in jobs}
        italian_certificate = None
        if draws[3] < 0.22 and person.arrival:
            options = [c for c in ITALIAN_CERTIFICATES if c[2] is None or c[2] in groups]
            italian_certificate = options[int(draws[4] * len(options))]
        if not specs and italian_certificate is None:
            self._nothing(draft, Section.EDUCATION)
            return
        created_on = timezone.localtime(person.created_at, self.tz).date()
        for title, eqf, study, age in specs:
            year = min(birth_year + age, arrival_year, self.today.year)
            documents = [d for d, share in ((QualificationDocument.DIPLOMA, 0.7), (QualificationDocument.TRANSCRIPT, 0.35 if eqf >= 6 else 0.1),
                                            (QualificationDocument.TRANSLATION, 0.25)) if rng.random() < share]  # fmt: skip
            status, applied, recognised, body = RecognitionStatus.NONE, None, None, ""
            if eqf >= 3:
                status_draw, applied_draw, decision_draw, body_draw = (rng.random() for _ in range(4))
                if status_draw < 0.17:
                    status = RecognitionStatus.APPLIED
                elif status_draw < 0.28:
                    status = RecognitionStatus.RECOGNISED
                elif status_draw < 0.32:
                    status = RecognitionStatus.REFUSED
                if status != RecognitionStatus.NONE:
                    span = max((self.today - created_on).days, 0)
                    applied = created_on + datetime.timedelta(days=int(applied_draw * span))
                    body = RECOGNITION_BODIES[int(body_draw * len(RECOGNITION_BODIES))]
                    decided = applied + datetime.timedelta(days=60 + int(decision_draw * 180))
                    if status != RecognitionStatus.APPLIED and decided > self.today:
                        status = RecognitionStatus.APPLIED  # no decision yet
                    if status == RecognitionStatus.RECOGNISED:
                        recognised = decided
                        documents = sorted({*documents, QualificationDocument.DECLARATION_OF_VALUE})
                    if "CIMEA" in body:
                        documents = sorted({*documents, QualificationDocument.CIMEA})
            if not documents:
                documents = [QualificationDocument.NONE]
            if eqf >= 4 and status == RecognitionStatus.NONE:
                draft.to_recognise = True
            if status == RecognitionStatus.RECOGNISED:
                level = EvidenceLevel.RECOGNISED
                note = f"Riconoscimento del {recognised:%d/%m/%Y} ({body})"
            elif QualificationDocument.CIMEA in documents:
                level, note = EvidenceLevel.TESTED, "Attestato di comparabilità CIMEA"
            elif QualificationDocument.DIPLOMA in documents and rng.random() < 0.6:
                level, note = EvidenceLevel.OBSERVED, "Diploma originale mostrato al colloquio"
            else:
                level, note = EvidenceLevel.SELF_DECLARED, ""
            at = draft.tick()
            claim = self._claim(draft, Qualification, level, note, at)
            country = self.countries.get(person.citizenship)
            self.rows["qualifications"].append(
                (*claim, title, "", country, year, True, eqf, study, list(documents), status, applied, body, recognised)
            )  # fmt: skip
            changes = {"title": [None, title], "country": [None, self.country_names.get(country)], "year": [None, year],
                       "eqf_level": [None, eqf], "field_of_study": [None, str(study)], "documents_held": [None, list(documents)]}  # fmt: skip
            if status != RecognitionStatus.NONE:
                changes.update(
                    recognition_status=[None, str(status)], recognition_applied_on=[None, applied.isoformat()]
                )
            if recognised:
                changes["recognised_on"] = [None, recognised.isoformat()]
            self._change(
                draft, Section.EDUCATION, claim[0], title, changes, at=at, by=draft.operator, evidence=level
            )
        if italian_certificate is not None:
            title, study, _group = italian_certificate
            year = min(self.today.year, arrival_year + 1 + int(draws[5] * 3))
            at = draft.tick()
            claim = self._claim(
                draft, Qualification, EvidenceLevel.OBSERVED, "Attestato mostrato al colloquio", at
            )
            self.rows["qualifications"].append(
                (*claim, title, "Ente di formazione accreditato dalla Regione Campania", self.countries.get("IT"), year,
                 True, None, study, [QualificationDocument.DIPLOMA], RecognitionStatus.NONE, None, "", None)
            )  # fmt: skip
            self._change(
                draft, Section.EDUCATION, claim[0], title, {"title": [None, title], "year": [None, year]},
                at=at, by=draft.operator, evidence=EvidenceLevel.OBSERVED,
            )  # fmt: skip
        draft.filled.add(Section.EDUCATION)

    def _work(self, draft: _Draft, rng, jobs) -> None:
        person = draft.person
        if not jobs:
            self._nothing(draft, Section.WORK)
            return
        woman = person.sex == Sex.FEMALE
        for job, abroad, start, end in jobs:
            n_skills, informal_draw, employer_draw, evidence_draw = (rng.random() for _ in range(4))
            occupation = self.occupations.get(ESCO + job.uri)
            skill_keys = rng.sample(job.skills, min(len(job.skills), 2 + int(n_skills * 3)))
            skill_ids = [
                self.skills[ESCO + SKILLS[key]] for key in skill_keys if ESCO + SKILLS[key] in self.skills
            ]
            title = job.title_f if woman else job.title_m
            country = self.countries.get(person.citizenship if abroad else "IT")
            informal = informal_draw < (0.3 if abroad else 0.45)
            employer = (
                ""
                if abroad
                else EMPLOYERS_ITALY[job.group][int(employer_draw * len(EMPLOYERS_ITALY[job.group]))]
            )
            years = Decimal(((end or self.today.year) - start) or 1) if start else None
            if evidence_draw < 0.05:
                level, note = EvidenceLevel.TESTED, "Prova pratica in laboratorio di orientamento"
            elif evidence_draw < 0.2:
                level, note = EvidenceLevel.OBSERVED, "Referenze del datore di lavoro"
            else:
                level, note = EvidenceLevel.SELF_DECLARED, ""
            at = draft.tick()
            claim = self._claim(draft, WorkExperience, level, note, at)
            self.rows["work"].append(
                (*claim, occupation[0] if occupation else None, title, employer, country, start, end, years, informal,
                 TASKS[job.group])
            )  # fmt: skip
            self.rows["work_skills"] += [(claim[0], skill) for skill in skill_ids]
            label = occupation[1] if occupation else title
            changes = {"occupation": [None, label], "job_title": [None, title], "country": [None, self.country_names.get(country)],
                       "start_year": [None, start], "tasks": [None, TASKS[job.group]]}  # fmt: skip
            if end:
                changes["end_year"] = [None, end]
            if skill_ids:
                changes["skills"] = [
                    [],
                    sorted(ESCO + SKILLS[key] for key in skill_keys if ESCO + SKILLS[key] in self.skills),
                ]
            self._change(
                draft, Section.WORK, claim[0], label, changes, at=at, by=draft.operator, evidence=level
            )
        draft.filled.add(Section.WORK)

    def _languages(self, draft: _Draft, rng) -> None:
        person = draft.person
        codes = self._mother_tongue_codes(person, rng)
        tongues = [self.languages[code] for code in codes if code in self.languages]
        draft.mother_tongues = tongues
        self.rows["mother_tongues"] += [(draft.pk, language) for language in tongues]
        if any(code in ARABIC for code in codes) and (person.arabic_interview or rng.random() < 0.7):
            draft.interview_language = "ar"
        elif person.citizenship in ENGLISH_SPEAKING and rng.random() < 0.5:
            draft.interview_language = "en"
        names = sorted(self.language_names[pk][0] for pk in tongues)
        self._change(draft, Section.LANGUAGES, draft.pk, self._person_label(draft),
                     {"mother_tongues": [[], names]}, at=draft.tick(), by=draft.operator)  # fmt: skip
        # Italian, when no course assessment came first (_italian then adds the assessments).
        first = self._at(person.assessments[0][3]) if person.assessments else None
        if first is None or draft.interview_at < first:
            self._declared_italian(draft, rng)
        # English and French spoken, when not a mother tongue.
        for code in ("eng", "fra"):
            if code in person.spoken and code not in codes and code in self.languages:
                overall = _pick(
                    rng, [(CEFRLevel.A2, 2), (CEFRLevel.B1, 4), (CEFRLevel.B2, 3), (CEFRLevel.C1, 1)]
                )
                at = draft.tick()
                claim = self._claim(draft, LanguageSkill, EvidenceLevel.SELF_DECLARED, "", at)
                self.rows["languages"].append(
                    (*claim, self.languages[code], overall, None, None, None, None, None, None, None)
                )
                self._change(draft, Section.LANGUAGES, claim[0], self.language_names[self.languages[code]][0],
                             {"language": [None, self.language_names[self.languages[code]][0]], "overall": [None, overall]},
                             at=at, by=draft.operator, evidence=EvidenceLevel.SELF_DECLARED)  # fmt: skip
                draft.has_other_language = True
        if tongues and draft.has_other_language:
            draft.filled.add(Section.LANGUAGES)

    def _declared_italian(self, draft: _Draft, rng) -> None:
        person = draft.person
        years = (self.today - person.arrival).days / 365.25 if person.arrival else 0
        level_draw, skills_draw, evidence_draw = rng.random(), rng.random(), rng.random()
        if "ita" in person.spoken:
            overall = CEFRLevel.A2 if level_draw < 0.4 else CEFRLevel.B1 if level_draw < 0.8 else CEFRLevel.B2
        else:
            overall = CEFRLevel.PRE_A1 if level_draw < (0.5 if years < 1 else 0.25) else CEFRLevel.A1
            if level_draw > 0.85 and years > 2:
                overall = CEFRLevel.A2
        levels = [None] * 5
        if skills_draw < 0.3:
            offsets = (1, 0, 0, 0, -1)  # understands more than writes
            levels = [max(CEFRLevel.PRE_A1, min(CEFRLevel.C2, overall + o)) for o in offsets]
        level, note = (EvidenceLevel.OBSERVED, "Livello stimato dall'operatore nel colloquio") if evidence_draw < 0.3 else (EvidenceLevel.SELF_DECLARED, "")  # fmt: skip
        at = draft.tick()
        claim = self._claim(draft, LanguageSkill, level, note, at)
        self.italian_state[draft.pk] = {
            "id": claim[0], "row": len(self.rows["languages"]), "created": at, "evidence": level, "source": None,
            "assessed_on": None, "levels": {"overall": overall, **dict(zip(CEFR_SKILLS, levels, strict=True))},
        }  # fmt: skip
        self.rows["languages"].append((*claim, self.italian, overall, *levels, None, None))
        changes = {"language": [None, self.language_names[self.italian][0]], "overall": [None, overall]}
        changes.update(
            {
                name: [None, value]
                for name, value in zip(CEFR_SKILLS, levels, strict=True)
                if value is not None
            }
        )
        self._change(draft, Section.LANGUAGES, claim[0], self.language_names[self.italian][0], changes, at=at,
                     by=draft.operator, evidence=level)  # fmt: skip
        draft.has_other_language = True

    def _italian(self, draft: _Draft, assessments: list[tuple]) -> None:
        """Course assessments, applied as apply_language_assessment does, one history row each."""
        label = self.language_names[self.italian][0] if self.italian else ""
        for row in assessments:
            pk, _pid, moment, date, overall, *rest = row
            levels = dict(zip(CEFR_SKILLS, rest[:5], strict=True))
            certificate, title, assessed_by, _created, organiser = rest[5:]
            new = {"overall": overall, **levels}
            skill = self.italian_state.get(draft.pk)
            previous = skill["evidence"] if skill else None
            if skill is None or skill["source"] == pk:
                apply = True
            elif skill["evidence"] != ASSESSMENT_EVIDENCE:
                apply = skill["evidence"] < ASSESSMENT_EVIDENCE
            else:
                apply = skill["assessed_on"] is None or skill["assessed_on"] <= date
            before = skill["levels"] if skill else {}
            changes = {
                name: [before.get(name), value] for name, value in new.items() if before.get(name) != value
            }
            note = self.assessment_note % {
                "moment": self.labels[AssessmentMoment][moment],
                "activity": title,
                "date": formats.date_format(date, "SHORT_DATE_FORMAT"),
            }
            if certificate:
                note = f"{note} - {self.labels[LanguageCertificate][certificate]}"
            at = self._at(date)
            if apply:
                if skill is None:
                    skill = {"id": self._id(LanguageSkill), "row": len(self.rows["languages"]), "created": at}
                    self.italian_state[draft.pk] = skill
                    self.rows["languages"].append(None)  # written just below
                skill.update(evidence=ASSESSMENT_EVIDENCE, source=pk, assessed_on=date, levels=new)
                self.rows["languages"][skill["row"]] = (
                    skill["id"], draft.pk, ASSESSMENT_EVIDENCE, note[:300], assessed_by, at, skill["created"],
                    organiser, self.italian, overall, *rest[:5], date, pk,
                )  # fmt: skip
                draft.has_other_language = True
            self._change(
                draft, Section.LANGUAGES, skill["id"] if skill else None, label, changes, at=at, by=assessed_by,
                evidence=ASSESSMENT_EVIDENCE, previous=previous, source=ChangeSource.ASSESSMENT, assessment=pk,
                applied=apply, organisation=organiser,
            )  # fmt: skip
        if draft.mother_tongues and draft.has_other_language:
            draft.filled.add(Section.LANGUAGES)

    def _digital(self, draft: _Draft, rng) -> None:
        person = draft.person
        count_draw = rng.random()
        if count_draw < 0.12:
            self._nothing(draft, Section.DIGITAL)
            return
        base = {EducationLevel.NONE: 1, EducationLevel.PRIMARY: 1, EducationLevel.LOWER_SECONDARY: 2,
                EducationLevel.UPPER_SECONDARY: 2, EducationLevel.POST_SECONDARY: 3, EducationLevel.TERTIARY: 3}.get(person.education, 2)  # fmt: skip
        areas = rng.sample(list(DigCompArea.values), 2 + int(count_draw * 3.99))
        for area in sorted(areas):
            level = max(1, min(8, base + int(rng.random() * 3) - (1 if area in ("3", "4") else 0)))
            codes = [code for code, (code_area, _label) in DIGCOMP_COMPETENCES.items() if code_area == area]
            competences = sorted(rng.sample(codes, 1 + int(rng.random() * 2)))
            evidence, note = self._evidence(rng, 0.25)
            at = draft.tick()
            claim = self._claim(draft, DigitalSkill, evidence, note, at)
            self.rows["digital"].append((*claim, area, level, competences))
            label = f"{self.labels[DigCompArea][area]}: {level}"
            self._change(draft, Section.DIGITAL, claim[0], label,
                         {"area": [None, area], "level": [None, level], "competences": [None, competences]},
                         at=at, by=draft.operator, evidence=evidence)  # fmt: skip
        draft.filled.add(Section.DIGITAL)

    def _soft(self, draft: _Draft, rng, group) -> None:
        count_draw = rng.random()
        if count_draw < 0.05:
            self._nothing(draft, Section.SOFT_SKILLS)
            return
        likely = SOFT_BY_GROUP.get(group, [])
        pool = list(dict.fromkeys([*likely, *TransversalSkill.values]))
        weights = [4 if skill in likely else 1 for skill in pool]
        chosen: list[str] = []
        for _ in range(2 + int(count_draw * 2.99)):
            skill = rng.choices(pool, weights=weights)[0]
            if skill not in chosen:
                chosen.append(skill)
        for skill in sorted(chosen):
            example = SOFT_EXAMPLES.get(skill, "") if rng.random() < 0.4 else ""
            evidence, note = self._evidence(rng, 0.3)
            at = draft.tick()
            claim = self._claim(draft, SoftSkill, evidence, note, at)
            self.rows["soft"].append((*claim, skill, example))
            changes = {"skill": [None, skill], **({"example": [None, example]} if example else {})}
            self._change(draft, Section.SOFT_SKILLS, claim[0], self.labels[TransversalSkill][skill], changes, at=at,
                         by=draft.operator, evidence=evidence)  # fmt: skip
        draft.filled.add(Section.SOFT_SKILLS)

    def _licences(self, draft: _Draft, rng, group) -> None:
        person = draft.person
        has_draw, where_draw, status_draw, extra_draw, expiry_draw = (rng.random() for _ in range(5))
        share = 0.55 if group in ("transport", "logistics") else 0.28 if person.sex == Sex.MALE else 0.15
        if has_draw >= share:
            self._nothing(draft, Section.LICENCES)
            return
        categories = [LicenceCategory.B]
        if group == "transport" and extra_draw < 0.4:
            categories.append(LicenceCategory.C)
        elif extra_draw < 0.1:
            categories.append(LicenceCategory.AM)
        italian = where_draw < 0.3
        for category in categories:
            if italian:
                country, status = self.countries.get("IT"), LicenceStatus.VALID_IN_ITALY
                expires = self.today + datetime.timedelta(days=200 + int(expiry_draw * 3000))
                evidence, note = EvidenceLevel.OBSERVED, "Patente mostrata al colloquio"
            else:
                country = self.countries.get(person.citizenship)
                if person.citizenship in CONVERTIBLE_LICENCES:
                    status = (
                        LicenceStatus.CONVERSION_REQUESTED if status_draw < 0.25 else LicenceStatus.TO_CONVERT
                    )
                else:
                    status = LicenceStatus.NOT_CONVERTIBLE if status_draw < 0.8 else LicenceStatus.UNKNOWN
                expires = None
                evidence, note = self._evidence(rng, 0.3)
            at = draft.tick()
            claim = self._claim(draft, DrivingLicence, evidence, note, at)
            self.rows["licences"].append((*claim, category, country, status, expires))
            self._change(draft, Section.LICENCES, claim[0], category,
                         {"category": [None, category], "country": [None, self.country_names.get(country)], "status": [None, status]},
                         at=at, by=draft.operator, evidence=evidence)  # fmt: skip
        draft.filled.add(Section.LICENCES)

    def _aspirations(self, draft: _Draft, rng, group) -> None:
        person = draft.person
        text_draw, constraint_draw, second_draw, note_draw = (rng.random() for _ in range(4))
        kinds = []
        share = 0.45 if person.sex == Sex.FEMALE else 0.3
        if constraint_draw < share:
            kinds.append(_pick(rng, CONSTRAINT_WEIGHTS))
            if second_draw < 0.2:
                other = _pick(rng, CONSTRAINT_WEIGHTS)
                if other not in kinds:
                    kinds.append(other)
        if person.sex != Sex.FEMALE and ConstraintKind.CHILDCARE in kinds and second_draw < 0.5:
            kinds.remove(ConstraintKind.CHILDCARE)
        if text_draw < 0.9:
            draft.aspirations = ASPIRATIONS.get(group, ASPIRATIONS[None])
            self._change(draft, Section.ASPIRATIONS, draft.pk, self._person_label(draft),
                         {"aspirations": ["", draft.aspirations]}, at=draft.tick(), by=draft.operator)  # fmt: skip
        for kind in kinds:
            notes = CONSTRAINT_NOTES[kind]
            at = draft.tick()
            constraint = ProfileConstraint(
                profile_id=draft.pk,
                kind=kind,
                note=notes[int(note_draw * len(notes))],
                recorded_by_id=draft.operator,
            )
            self.constraints.append(constraint)
            self.constraint_times.append(at)
            # No history row (as add_constraint): every reader of the profile sees the history, and even the
            # kind of a constraint is sensitive. Nor do constraints fill the section, for the same reason.
        if draft.aspirations:
            draft.filled.add(Section.ASPIRATIONS)
        else:
            self._nothing(draft, Section.ASPIRATIONS)

    def _next_steps(self, draft: _Draft, rng, group) -> None:
        person = draft.person
        weights = {"work": 30 if person.employment != EmploymentStatus.STUDENT else 5, "training": 18,
                   "documents": 8, "housing": 5, "health": 4}  # fmt: skip
        italian = self.italian_state.get(draft.pk)
        if italian is None or (italian["levels"].get("overall") or 0) < CEFRLevel.B1:
            weights["italian_language"] = 25
        if draft.to_recognise:
            weights["qualification_recognition"] = 20
        pairs = [(code, weight) for code, weight in weights.items() if code in self.areas]
        count_draw = rng.random()
        chosen: list[str] = []
        for _ in range(1 + int(count_draw * 2.99)):
            code = _pick(rng, pairs)
            if code not in chosen:
                chosen.append(code)
        plan = person.plan
        for code in chosen:
            text_draw, due_draw, status_draw = rng.random(), rng.random(), rng.random()
            texts = NEXT_STEPS[code]
            text = texts[int(text_draw * len(texts))]
            at = draft.tick()
            due = timezone.localtime(at, self.tz).date() + datetime.timedelta(days=14 + int(due_draw * 120))
            goal = None
            if plan is not None:
                goal = self._id(Goal)
                if due < self.today - datetime.timedelta(days=20) and status_draw < 0.6:
                    status = GoalStatus.REACHED
                else:
                    status = GoalStatus.IN_PROGRESS if status_draw < 0.5 else GoalStatus.OPEN
                self.rows["goals"].append(
                    (
                        goal,
                        plan[0],
                        self.areas[code],
                        text,
                        draft.operator,
                        person.owner,
                        due,
                        None,
                        status,
                        at,
                        at,
                    )
                )
            step = self._id(NextStep)
            self.rows["steps"].append((step, draft.pk, text, self.areas[code], due, goal, draft.operator, at))
            self._change(
                draft, Section.NEXT_STEPS, step, text, {"text": [None, text]}, at=at, by=draft.operator
            )
        draft.filled.add(Section.NEXT_STEPS)

    # Writing --------------------------------------------------------------------------------------

    def _write(self) -> None:
        rows = self.rows
        _write(SkillsProfile, ["id", "participant_id", "summary", "aspirations", "nothing_to_declare", "interview_language",
                               "completeness", "completed_at", "completed_by_id", "created_by_id", "created_at", "updated_at",
                               "interview_started_at"],
               rows["profiles"])  # fmt: skip
        _write(
            SkillsProfile.mother_tongues.through, ["skillsprofile_id", "language_id"], rows["mother_tongues"]
        )
        _write(Qualification, [*CLAIM_COLUMNS, "title", "institution", "country_id", "year", "completed", "eqf_level",
                               "field_of_study", "documents_held", "recognition_status", "recognition_applied_on",
                               "recognition_body", "recognised_on"], rows["qualifications"])  # fmt: skip
        _write(WorkExperience, [*CLAIM_COLUMNS, "occupation_id", "job_title", "employer", "country_id", "start_year",
                                "end_year", "years", "is_informal", "tasks"], rows["work"])  # fmt: skip
        _write(WorkExperience.skills.through, ["workexperience_id", "skill_id"], rows["work_skills"])
        _write(LanguageSkill, [*CLAIM_COLUMNS, "language_id", "overall", *CEFR_SKILLS, "assessed_on",
                               "source_assessment_id"], rows["languages"])  # fmt: skip
        _write(DigitalSkill, [*CLAIM_COLUMNS, "area", "level", "competences"], rows["digital"])
        _write(SoftSkill, [*CLAIM_COLUMNS, "skill", "example"], rows["soft"])
        _write(
            DrivingLicence,
            [*CLAIM_COLUMNS, "category", "country_id", "status", "expires_on"],
            rows["licences"],
        )
        _write(Goal, ["id", "plan_id", "area_id", "title", "owner_id", "owner_organisation_id", "due_date", "review_date",
                      "status", "created_at", "updated_at"], rows["goals"])  # fmt: skip
        _write(NextStep, ["id", "profile_id", "text", "area_id", "due_date", "goal_id", "created_by_id", "created_at"],
               rows["steps"])  # fmt: skip
        # The constraint's note is encrypted by its model field: bulk_create, not a raw INSERT.
        ProfileConstraint.objects.bulk_create(self.constraints, batch_size=2_000)
        _set_created(
            ProfileConstraint,
            "recorded_at",
            [(at, c.pk) for c, at in zip(self.constraints, self.constraint_times, strict=True)],
        )
        changes = rows["changes"]
        _write(ClaimChange, ["profile_id", "section", "claim_id", "claim_label", "changes", "evidence_level",
                             "previous_evidence_level", "source", "assessment_id", "applied", "changed_by_id",
                             "changed_at", "organisation_id"], changes)  # fmt: skip
        profiles = rows["profiles"]
        self.counts.update(
            skills_profiles=len(profiles),
            skills_profiles_completed=sum(1 for row in profiles if row[7] is not None),
            qualifications=len(rows["qualifications"]),
            work_experiences=len(rows["work"]),
            language_skills=len(rows["languages"]),
            digital_skills=len(rows["digital"]),
            soft_skills=len(rows["soft"]),
            driving_licences=len(rows["licences"]),
            profile_constraints=len(self.constraints),
            next_steps=len(rows["steps"]),
            next_step_goals=len(rows["goals"]),
            claim_changes=len(changes),
        )


def _write(model, columns: list[str], rows: list[tuple]) -> None:
    """INSERT `rows` (values in `columns` order) with executemany, like `paths.demo._insert`, adapting
    dates, date-times (each distinct value once: claims and their history share their times) and JSON as
    the backend expects. Table and column names come from the model's metadata, never from input."""
    if not rows:
        return
    ops = connection.ops
    fields = {f.attname: f for f in model._meta.concrete_fields}
    adapted: dict = {}

    def moment(value):
        result = adapted.get(value)
        if result is None:
            result = adapted[value] = ops.adapt_datetimefield_value(value)
        return result

    def as_json(value):
        return ops.adapt_json_value(value, None)

    converters = {"DateTimeField": moment, "DateField": ops.adapt_datefield_value, "JSONField": as_json}
    special = [
        (index, converters[fields[name].get_internal_type()])
        for index, name in enumerate(columns)
        if fields[name].get_internal_type() in converters
    ]
    table = ops.quote_name(model._meta.db_table)
    names = ", ".join(ops.quote_name(fields[name].column) for name in columns)
    sql = f"INSERT INTO {table} ({names}) VALUES ({', '.join(['%s'] * len(columns))})"  # noqa: S608
    with connection.cursor() as cursor:
        for first in range(0, len(rows), BATCH):
            params = []
            for row in rows[first : first + BATCH]:
                row = list(row)
                for index, convert in special:
                    if row[index] is not None:
                        row[index] = convert(row[index])
                params.append(row)
            cursor.executemany(sql, params)
    if "id" in columns and connection.vendor == "postgresql":
        from django.core.management.color import no_style

        for statement in ops.sequence_reset_sql(no_style(), [model]):
            cursor_sql(statement)


def _set_created(model, field_name: str, rows: list[tuple]) -> None:
    from people.demo import _set_datetimes

    _set_datetimes(model, [field_name], rows)
