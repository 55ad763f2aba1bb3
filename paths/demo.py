"""Deterministic demo data for individual paths: plans with goals and steps, services delivered, referrals
with their history, cultural mediation and a few notifications, for the demo participants and logins made
by `people.demo`.

`seed_paths(seed, size, today)` runs at the end of `people.demo.seed_demo` (same transaction, audit log
off). Every draw comes from its own `random.Random(seed + 1)`, so the participants' data stays the same
whether or not this runs. Rows are written with `bulk_create`; for the national size only a sample of the
participants gets paths data, to stay fast. `delete_paths_demo_data()` removes what points to demo
participants, users or organisations, before `people.demo.delete_demo_data` deletes them.
"""

from __future__ import annotations

import datetime
import random
import uuid
from decimal import Decimal

from django.db import connection
from django.db.models import Max, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext

from accounts.models import Membership, User
from core.roles import Role
from network.models import Organisation, OrganisationKind
from paths.models import (
    Goal,
    GoalArea,
    GoalStatus,
    GoalStep,
    IndividualPlan,
    MediationRequest,
    MediationStatus,
    MediatorProfile,
    Notification,
    Referral,
    ReferralEvent,
    ReferralStatus,
    ServiceOutcome,
    ServiceRecord,
    ServiceType,
)
from people.models import Consent, ConsentPurpose, ConsentScope, Participant, PermitReason, age_on
from territory.models import Language, Municipality

DEMO_EMAIL_DOMAIN = "demo.interazioni.example.org"
NAPOLI_OPERATOR = f"operatrice.napoli@{DEMO_EMAIL_DOMAIN}"
NAPOLI_MEDIATOR = f"mediatrice.napoli@{DEMO_EMAIL_DOMAIN}"
NATIONAL_SAMPLE = 20_000  # participants that get paths data at the national size
BATCH = 5_000
SERVICE_HISTORY_DAYS = 548  # services over the last 18 months
MEAN_SERVICES = {"small": 4.0, "campania": 4.0, "national": 2.0}
MEDIATIONS = {"small": 15, "campania": 300, "national": 300}

# Extra mediators of the roster (the Comune di Napoli one comes from people.demo). The local parts sort
# after "mediatrice.napoli", so `demo_logins` still lists the Napoli login first for the role.
EXTRA_MEDIATORS = [
    ("mediazione.approdi", "Yasmine", "El Amrani", "Cooperativa sociale Approdi Vesuviani", ["ara", "fra"]),
    (
        "mediazione.soniashnyk",
        "Olena",
        "Kovalenko",
        "Associazione ucraina Soniashnyk Campania",
        ["ukr", "rus"],
    ),
    (
        "mediazione.ndimbal",
        "Moussa",
        "Diop",
        "Associazione dei senegalesi Ndimbal Litorale Domizio",
        ["wol", "fra"],
    ),
    (
        "mediazione.loto",
        "Rahim",
        "Hossain",
        "Associazione srilankese Loto di Partenope",
        ["ben", "urd", "eng"],
    ),
]
NAPOLI_MEDIATOR_LANGUAGES = ["ara", "fra", "eng"]
MEDIATION_LANGUAGES = ["ara", "fra", "ukr", "ben", "wol", "urd", "eng", "rus"]

GOAL_TITLES = {
    "italian_language": [
        "Raggiungere il livello A2 di italiano",
        "Iscrizione al corso di italiano L2 al CPIA",
    ],
    "work": ["Trovare un lavoro regolare", "Preparare il curriculum e iscriversi al Centro per l'Impiego"],
    "training": ["Frequentare un corso di formazione professionale", "Ottenere l'attestato HACCP"],
    "qualification_recognition": ["Avviare il riconoscimento del titolo di studio"],
    "housing": ["Trovare un alloggio stabile", "Regolarizzare il contratto di affitto"],
    "school_inclusion": ["Iscrizione e frequenza scolastica regolare", "Attivare il sostegno allo studio"],
    "documents": ["Rinnovare il permesso di soggiorno", "Ottenere la residenza anagrafica"],
    "health": ["Iscrizione al Servizio sanitario nazionale e scelta del medico"],
    "family_reunification": ["Presentare la domanda di ricongiungimento familiare"],
    "long_term_permit": ["Presentare la domanda di permesso UE di lungo periodo"],
    "civic_life": ["Partecipare alle attività del quartiere", "Frequentare l'orientamento civico"],
}
STEP_TEXTS = {
    "italian_language": ["Test di posizionamento", "Iscrizione al corso", "Esame di fine modulo"],
    "work": ["Bilancio delle competenze", "Colloquio al Centro per l'Impiego", "Invio di candidature"],
    "training": ["Scelta del corso", "Iscrizione", "Frequenza del primo modulo"],
    "qualification_recognition": ["Raccolta dei documenti", "Traduzione giurata", "Invio della domanda"],
    "housing": ["Colloquio con l'assistente sociale", "Ricerca di annunci", "Visita dell'alloggio"],
    "school_inclusion": ["Colloquio con la scuola", "Iscrizione", "Incontro con i docenti"],
    "documents": ["Prenotazione in Questura", "Raccolta dei documenti", "Ritiro del permesso"],
    "health": ["Iscrizione all'ASL", "Scelta del medico di base"],
    "family_reunification": ["Verifica dei requisiti di reddito e alloggio", "Domanda di nulla osta"],
    "long_term_permit": ["Test di italiano A2", "Raccolta dei documenti", "Invio del kit postale"],
    "civic_life": ["Incontro di orientamento civico", "Contatto con un'associazione del quartiere"],
}
PLAN_SUMMARIES = [
    "Percorso di inserimento concordato con la persona.",
    "Priorità: documenti e lingua italiana, poi lavoro.",
    "Piano condiviso con la famiglia.",
    "Accompagnamento verso l'autonomia abitativa e lavorativa.",
]
SERVICE_WEIGHTS = {
    "information_desk": 22,
    "legal_advice": 16,
    "professional_guidance": 15,
    "civic_orientation": 12,
    "job_placement": 7,
    "housing_support": 5,
    "health_access": 5,
    "psychological_support": 3,
    "family_reunification": 4,
    "qualification_recognition": 3,
    "long_term_permit": 3,
    "school_inclusion": 3,
    "cultural_mediation": 2,
}
DURATIONS = {
    "information_desk": [15, 20, 30],
    "legal_advice": [30, 45, 60],
    "professional_guidance": [45, 60, 90],
    "civic_orientation": [60, 120, 180],
    "psychological_support": [50, 60],
}
OUTCOMES = [
    (ServiceOutcome.DELIVERED, 82),
    (ServiceOutcome.PARTIAL, 8),
    (ServiceOutcome.NOT_DELIVERED, 7),
    (ServiceOutcome.REFERRED, 3),
]
REFERRAL_STATUSES = [
    (ReferralStatus.SENT, 20),
    (ReferralStatus.ACCEPTED, 30),
    (ReferralStatus.COMPLETED, 30),
    (ReferralStatus.REJECTED, 10),
    (ReferralStatus.WITHDRAWN, 10),
]
# What a receiving organisation of each kind is usually asked for.
REFERRAL_SERVICES = {
    OrganisationKind.THIRD_SECTOR: [
        "legal_advice",
        "housing_support",
        "psychological_support",
        "job_placement",
    ],
    OrganisationKind.JOB_CENTRE: ["job_placement", "professional_guidance"],
    OrganisationKind.HEALTH_AUTHORITY: ["health_access", "psychological_support"],
    OrganisationKind.SCHOOL: ["school_inclusion", "civic_orientation"],
    OrganisationKind.MUNICIPALITY: ["housing_support", "family_reunification", "information_desk"],
    OrganisationKind.SOCIAL_DISTRICT: ["housing_support", "psychological_support"],
    OrganisationKind.MIGRANT_ASSOCIATION: ["cultural_mediation", "civic_orientation", "legal_advice"],
}
RECEIVER_WEIGHT = {
    OrganisationKind.THIRD_SECTOR: 5,
    OrganisationKind.JOB_CENTRE: 3,
    OrganisationKind.HEALTH_AUTHORITY: 2,
    OrganisationKind.SCHOOL: 1,
    OrganisationKind.MUNICIPALITY: 3,
    OrganisationKind.SOCIAL_DISTRICT: 2,
    OrganisationKind.MIGRANT_ASSOCIATION: 2,
}
REFERRAL_REASONS = [
    "Richiede una consulenza specialistica che non offriamo.",
    "Necessità segnalata durante il colloquio di accoglienza.",
    "Su richiesta della persona, più vicino alla residenza.",
    "Per proseguire il percorso previsto nel piano individuale.",
]
REJECTION_REASONS = [
    "Lista d'attesa piena fino al prossimo trimestre.",
    "La persona risiede fuori dal nostro territorio.",
    "Il servizio richiesto non rientra nelle nostre attività.",
]
OVERRIDE_REASONS = [
    "Urgenza per la tutela della persona: consenso in corso di acquisizione con il mediatore.",
    "Persona in condizione di vulnerabilità, invio concordato con l'assistente sociale.",
]
MEDIATION_CONTEXTS = [
    "Colloquio di accoglienza",
    "Colloquio con l'assistente sociale",
    "Visita medica all'ASL",
    "Incontro scuola-famiglia",
    "Consulenza legale",
    "Colloquio al Centro per l'Impiego",
]
MEDIATION_STATUSES = [
    (MediationStatus.REQUESTED, 15),
    (MediationStatus.ASSIGNED, 15),
    (MediationStatus.CONFIRMED, 20),
    (MediationStatus.DECLINED, 5),
    (MediationStatus.COMPLETED, 35),
    (MediationStatus.CANCELLED, 10),
]
FAMILY_PERMITS = {PermitReason.FAMILY}


def _url(name: str, *args) -> str:
    try:
        return reverse(name, args=args)
    except (NoReverseMatch, ImportError, AttributeError):
        return ""  # the views are not wired yet


def _pick(rng: random.Random, pairs):
    items = [item for item, _weight in pairs]
    return rng.choices(items, weights=[weight for _item, weight in pairs])[0]


def delete_paths_demo_data() -> None:
    """Delete the paths rows that point to demo participants, users or organisations (set-based)."""
    demo_participants = Participant.objects.filter(Q(is_demo=True) | Q(owner__is_demo=True)).values("pk")
    demo_users = User.objects.filter(email__iendswith="@" + DEMO_EMAIL_DOMAIN).values("pk")
    demo_orgs = Organisation.objects.filter(is_demo=True).values("pk")
    referrals = Referral.objects.filter(
        Q(participant__in=demo_participants)
        | Q(from_organisation__in=demo_orgs)
        | Q(to_organisation__in=demo_orgs)
        | Q(sent_by__in=demo_users)
    )
    plans = IndividualPlan.objects.filter(
        Q(participant__in=demo_participants) | Q(organisation__in=demo_orgs) | Q(created_by__in=demo_users)
    )
    goals = Goal.objects.filter(Q(plan__in=plans.values("pk")) | Q(owner_organisation__in=demo_orgs))
    for queryset in (
        ServiceRecord.objects.filter(
            Q(participant__in=demo_participants)
            | Q(organisation__in=demo_orgs)
            | Q(operator__in=demo_users)
            | Q(referral__in=referrals.values("pk"))
        ),
        ReferralEvent.objects.filter(
            Q(referral__in=referrals.values("pk")) | Q(actor__in=demo_users) | Q(organisation__in=demo_orgs)
        ),
        referrals,
        GoalStep.objects.filter(goal__in=goals.values("pk")),
        goals,
        plans,
        MediationRequest.objects.filter(
            Q(participant__in=demo_participants)
            | Q(organisation__in=demo_orgs)
            | Q(requested_by__in=demo_users)
            | Q(mediator__in=demo_users)
        ),
        MediatorProfile.languages.through.objects.filter(mediatorprofile__user__in=demo_users),
        MediatorProfile.objects.filter(Q(user__in=demo_users) | Q(organisation__in=demo_orgs)),
        Notification.objects.filter(recipient__in=demo_users),
    ):
        queryset._raw_delete(queryset.db)


def seed_paths(rng_seed: int, size: str, today: datetime.date | None = None) -> dict[str, int]:
    """Generate the paths demo data for the demo participants already written; returns the row counts."""
    return _PathsGenerator(rng_seed, size, today or timezone.localdate()).run()


class _PathsGenerator:
    def __init__(self, seed: int, size: str, today: datetime.date):
        self.rng = random.Random(seed + 1)
        self.size = size
        self.today = today
        self.now = timezone.now()
        self.tz = timezone.get_current_timezone()
        self.counts: dict[str, int] = {}

    # Reference ------------------------------------------------------------------------------------

    def _load(self) -> None:
        _ensure_taxonomies()
        self.areas = {a.code: a for a in GoalArea.objects.all()}
        self.service_types = {s.code: s for s in ServiceType.objects.all()}
        self.orgs = {o.pk: o for o in Organisation.objects.filter(is_demo=True).order_by("name")}
        self.operators: dict[int, list[int]] = {}
        self.admins: dict[int, list[int]] = {}
        self.mediators: dict[int, int] = {}
        memberships = (
            Membership.objects.filter(
                user__email__iendswith="@" + DEMO_EMAIL_DOMAIN, organisation__in=self.orgs
            )
            .order_by("user__email", "organisation__name")
            .values_list("user_id", "organisation_id", "role", "user__email")
        )
        self.user_by_email: dict[str, int] = {}
        for user_id, org_id, role, email in memberships:
            self.user_by_email[email] = user_id
            if role == Role.OPERATOR:
                self.operators.setdefault(org_id, []).append(user_id)
            elif role == Role.ORG_ADMIN:
                self.admins.setdefault(org_id, []).append(user_id)
            elif role == Role.MEDIATOR:
                self.mediators[user_id] = org_id
        self.napoli_operator = self.user_by_email.get(NAPOLI_OPERATOR)
        self.napoli = next((o for o, users in self.operators.items() if self.napoli_operator in users), None)
        limit = NATIONAL_SAMPLE if self.size == "national" else None
        rows = (
            Participant.objects.filter(is_demo=True)
            .order_by("pk")
            .values_list(
                "pk",
                "owner_id",
                "birth_date",
                "permit_reason",
                "arrival_date",
                "created_at",
                "created_by_id",
            )
        )
        self.participants = list(rows[:limit] if limit else rows)
        # Sharing consents in force: participant -> (consent id, scope, listed organisations).
        consents = (
            Consent.objects.in_force()
            .filter(purpose=ConsentPurpose.SHARING, participant__is_demo=True)
            .exclude(scope=ConsentScope.OWN)
        )
        if limit and self.participants:
            consents = consents.filter(participant_id__lte=self.participants[-1][0])
        self.sharing: dict[int, tuple[int, str, set[int]]] = {}
        for pk, participant_id, scope in consents.order_by("pk").values_list("pk", "participant_id", "scope"):
            self.sharing[participant_id] = (pk, scope, set())
        listed = Consent.organisations.through.objects.filter(
            consent__in=consents.filter(scope=ConsentScope.LISTED)
        ).values_list("consent__participant_id", "organisation_id")
        for participant_id, org_id in listed:
            entry = self.sharing.get(participant_id)
            if entry and entry[1] == ConsentScope.LISTED:
                entry[2].add(org_id)

    def _operator(self, org_id: int, fallback: int | None = None) -> int | None:
        users = self.operators.get(org_id) or self.admins.get(org_id)
        if not users:
            return fallback
        return users[0] if len(users) == 1 else users[self.rng.randrange(len(users))]

    def _moment(self, day: datetime.date, fraction: float) -> datetime.datetime:
        seconds = 9 * 3600 + int(fraction * 8 * 3600)
        moment = datetime.time(seconds // 3600, seconds // 60 % 60)
        return min(datetime.datetime.combine(day, moment, self.tz), self.now)

    # Run ------------------------------------------------------------------------------------------

    def run(self) -> dict[str, int]:
        self._load()
        if not self.participants or not self.operators:
            return self.counts
        self._plans()
        referrals = self._referrals()
        self._services(referrals)
        self._mediation()
        self._notifications(referrals)
        return self.counts

    # Plans ----------------------------------------------------------------------------------------

    def _areas_for(self, birth_date, permit, arrival_date) -> list[tuple[str, float]]:
        years = age_on(birth_date, self.today)
        resident_years = (self.today - arrival_date).days / 365.25 if arrival_date else 0
        adult = years >= 18
        weights = {
            "italian_language": 30 if resident_years < 8 else 6,
            "documents": 25,
            "health": 8,
            "civic_life": 8,
        }
        if adult:
            weights.update(work=20 if years < 65 else 2, training=10, qualification_recognition=4, housing=10)
            weights["family_reunification"] = 25 if permit in FAMILY_PERMITS else 3
            if resident_years >= 5 and permit != PermitReason.EU_LONG_TERM:
                weights["long_term_permit"] = 25
        else:
            weights["school_inclusion"] = 45
        return [(code, weight) for code, weight in weights.items() if code in self.areas]

    def _plans(self) -> None:
        rng, today = self.rng, self.today
        plans: list[IndividualPlan] = []
        plan_goals: list[list[dict]] = []
        plan_created: list[datetime.datetime] = []
        for pk, owner_id, birth_date, permit, arrival_date, created_at, created_by in self.participants:
            has_plan, revised, k_draw, summary_draw = rng.random(), rng.random(), rng.random(), rng.random()
            if has_plan >= 0.6:
                continue
            operator = self._operator(owner_id, created_by)
            pairs = self._areas_for(birth_date, permit, arrival_date)
            chosen: list[str] = []
            for _ in range(1 + int(k_draw * 4)):
                code = _pick(rng, pairs)
                if code not in chosen:
                    chosen.append(code)
            goals = [self._goal_spec(code, owner_id) for code in chosen]
            summary = PLAN_SUMMARIES[int(summary_draw * len(PLAN_SUMMARIES))]
            start = created_at + datetime.timedelta(days=int(rng.random() * 20))
            next_review = today + datetime.timedelta(days=10 + int(rng.random() * 110))
            version = 1
            if revised < 0.15:
                # An earlier version, replaced by the current one: its goals, with older statuses.
                old = [
                    {**g, "status": GoalStatus.OPEN if g["status"] != GoalStatus.DROPPED else g["status"]}
                    for g in goals
                ]
                plans.append(
                    IndividualPlan(
                        participant_id=pk,
                        version=1,
                        is_current=False,
                        summary=summary,
                        next_review=next_review - datetime.timedelta(days=120),
                        organisation_id=owner_id,
                        created_by_id=operator,
                    )
                )
                plan_goals.append(old)
                plan_created.append(min(start, self.now))
                start = start + (self.now - start) * 0.5
                version = 2
            plans.append(
                IndividualPlan(
                    participant_id=pk,
                    version=version,
                    is_current=True,
                    summary=summary,
                    next_review=next_review,
                    organisation_id=owner_id,
                    created_by_id=operator,
                )
            )
            plan_goals.append(goals)
            plan_created.append(min(start, self.now))
        self._ensure_napoli_goals(plans, plan_goals)
        # Plain multi-row INSERTs with the primary keys assigned here: bulk_create's per-value preparation
        # would take most of the time for a few hundred thousand rows.
        plan_id = _next_id(IndividualPlan)
        goal_id = _next_id(Goal)
        now = self.now
        plan_rows, goal_rows, step_rows = [], [], []
        for plan, specs, created in zip(plans, plan_goals, plan_created, strict=True):
            plan.pk = plan_id
            plan_rows.append(
                (
                    plan_id,
                    plan.participant_id,
                    plan.version,
                    plan.is_current,
                    plan.summary,
                    plan.next_review,
                    plan.organisation_id,
                    plan.created_by_id,
                    created,
                )
            )
            for spec in specs:
                goal_rows.append(
                    (
                        goal_id,
                        plan_id,
                        self.areas[spec["area"]].pk,
                        spec["title"],
                        spec["owner"],
                        spec["org"],
                        spec["due"],
                        spec["review"],
                        spec["status"],
                        created,
                        now,
                    )
                )
                step_rows += [(goal_id, text, due, done) for text, due, done in spec["steps"]]
                goal_id += 1
            plan_id += 1
        _insert(
            IndividualPlan,
            [
                "id",
                "participant_id",
                "version",
                "is_current",
                "summary",
                "next_review",
                "organisation_id",
                "created_by_id",
                "created_at",
            ],
            plan_rows,
        )
        _insert(
            Goal,
            [
                "id",
                "plan_id",
                "area_id",
                "title",
                "owner_id",
                "owner_organisation_id",
                "due_date",
                "review_date",
                "status",
                "created_at",
                "updated_at",
            ],
            goal_rows,
        )
        _insert(GoalStep, ["goal_id", "description", "due_date", "done_at"], step_rows)
        goal_count, step_count = len(goal_rows), len(step_rows)
        self.counts.update(plans=len(plans), goals=goal_count, goal_steps=step_count)

    def _goal_spec(self, code: str, org_id: int) -> dict:
        rng, today = self.rng, self.today
        status_draw, due_draw, offset_draw, title_draw, owner_draw = (rng.random() for _ in range(5))
        n_steps, step_draw = int(rng.random() * 4), rng.random()
        if status_draw < 0.35:
            status = GoalStatus.OPEN
        elif status_draw < 0.7:
            status = GoalStatus.IN_PROGRESS
        elif status_draw < 0.9:
            status = GoalStatus.REACHED
        else:
            status = GoalStatus.DROPPED
        if status in (GoalStatus.REACHED, GoalStatus.DROPPED):
            offset = -1 - int(offset_draw * 300)
        elif due_draw < 0.15:
            offset = int(offset_draw * 7)  # due this week
        elif due_draw < 0.35:
            offset = -1 - int(offset_draw * 60)  # overdue
        else:
            offset = 7 + int(offset_draw * 170)
        due = today + datetime.timedelta(days=offset)
        users = self.operators.get(org_id) or self.admins.get(org_id) or [None]
        titles = GOAL_TITLES[code]
        texts = STEP_TEXTS[code]
        steps = []
        for index in range(n_steps):
            step_due = due - datetime.timedelta(days=(n_steps - index) * 14)
            done = status == GoalStatus.REACHED or (
                status == GoalStatus.IN_PROGRESS and step_draw * n_steps > index
            )
            done_at = self._moment(min(step_due, today), step_draw) if done else None
            steps.append((texts[index % len(texts)], step_due, done_at))
        return {
            "area": code,
            "title": titles[int(title_draw * len(titles))],
            "owner": users[int(owner_draw * len(users))],
            "org": org_id,
            "due": due,
            "review": due - datetime.timedelta(days=14) if due_draw < 0.5 else None,
            "status": status,
            "steps": steps,
        }

    def _ensure_napoli_goals(self, plans, plan_goals) -> None:
        """The Comune di Napoli operator has open goals due this week (patched in memory, deterministic)."""
        if self.napoli_operator is None:
            return
        week_end = self.today + datetime.timedelta(days=6)
        due_this_week = sum(
            1
            for plan, goals in zip(plans, plan_goals, strict=True)
            for g in goals
            if plan.is_current
            and g["owner"] == self.napoli_operator
            and g["status"] in (GoalStatus.OPEN, GoalStatus.IN_PROGRESS)
            and self.today <= g["due"] <= week_end
        )
        needed = 3 - due_this_week
        for plan, goals in zip(plans, plan_goals, strict=True):
            if needed <= 0:
                break
            if not plan.is_current or plan.organisation_id != self.napoli or not goals:
                continue
            goal = goals[0]
            goal.update(owner=self.napoli_operator, status=GoalStatus.IN_PROGRESS)
            goal["due"] = self.today + datetime.timedelta(days=needed % 7)
            needed -= 1

    # Referrals ------------------------------------------------------------------------------------

    def _referrals(self) -> list[Referral]:
        rng = self.rng
        receivers = [o for o in self.orgs.values() if o.kind in RECEIVER_WEIGHT and o.pk in self.operators]
        if len(receivers) < 2:
            return []
        drafts = []
        for row in self.participants:
            pk, owner_id = row[0], row[1]
            draw, target_draw = rng.random(), rng.random()
            sharing = self.sharing.get(pk)
            if draw >= (0.1 if sharing else 0.03):
                continue
            if owner_id not in self.operators and owner_id not in self.admins:
                continue
            to_org = None
            if sharing and sharing[1] == ConsentScope.LISTED and target_draw < 0.85:
                listed = [o for o in receivers if o.pk in sharing[2] and o.pk != owner_id]
                if listed:
                    to_org = listed[int(rng.random() * len(listed))]
            if to_org is None:
                pairs = [(o, RECEIVER_WEIGHT[o.kind]) for o in receivers if o.pk != owner_id]
                to_org = _pick(rng, pairs)
            drafts.append(self._referral(row, owner_id, to_org.pk, _pick(rng, REFERRAL_STATUSES)))
        drafts += self._ensure_napoli_referrals(drafts)
        return self._write_referrals(drafts)

    def _referral(self, row, from_id: int, to_id: int, status: str, assignee: int | None = None) -> dict:
        rng = self.rng
        to_org = self.orgs[to_id]
        codes = [c for c in REFERRAL_SERVICES[to_org.kind] if c in self.service_types]
        code = codes[int(rng.random() * len(codes))]
        sent_draw, answer_draw, close_draw, hour_draw, withdraw_draw = (rng.random() for _ in range(5))
        urgent, assign_draw, reason_draw = rng.random() < 0.1, rng.random(), rng.random()
        days_ago = 1 + int(sent_draw * 20) if status == ReferralStatus.SENT else 5 + int(sent_draw * 480)
        sent_at = self._moment(self.today - datetime.timedelta(days=days_ago), hour_draw)
        sender = self._operator(from_id, row[6])
        receiver = assignee or self._operator(to_id)
        sharing = self.sharing.get(row[0])
        consent_id = None
        if sharing and (sharing[1] == ConsentScope.NETWORK or to_id in sharing[2]):
            consent_id = sharing[0]
        events = [("", ReferralStatus.SENT, sender, from_id, sent_at, "")]
        answered_at = closed_at = None
        assigned = receiver if (status == ReferralStatus.SENT and assign_draw < 0.3) or assignee else None
        rejection = ""
        span = self.now - sent_at
        if status in (ReferralStatus.ACCEPTED, ReferralStatus.COMPLETED) or (
            status == ReferralStatus.WITHDRAWN and withdraw_draw < 0.4
        ):
            answered_at = sent_at + span * (0.02 + answer_draw * 0.2)
            assigned = receiver
            events.append((ReferralStatus.SENT, ReferralStatus.ACCEPTED, receiver, to_id, answered_at, ""))
        if status == ReferralStatus.COMPLETED:
            closed_at = answered_at + (self.now - answered_at) * (0.1 + close_draw * 0.8)
            events.append((ReferralStatus.ACCEPTED, status, receiver, to_id, closed_at, ""))
        elif status == ReferralStatus.REJECTED:
            answered_at = closed_at = sent_at + span * (0.02 + answer_draw * 0.2)
            rejection = REJECTION_REASONS[int(reason_draw * len(REJECTION_REASONS))]
            events.append((ReferralStatus.SENT, status, receiver, to_id, closed_at, rejection))
        elif status == ReferralStatus.WITHDRAWN:
            start = answered_at or sent_at
            closed_at = start + (self.now - start) * (0.1 + close_draw * 0.5)
            previous = ReferralStatus.ACCEPTED if answered_at else ReferralStatus.SENT
            events.append((previous, status, sender, from_id, closed_at, "Non più necessario"))
        return {
            "participant": row,
            "referral": Referral(
                participant_id=row[0],
                from_organisation_id=from_id,
                to_organisation_id=to_id,
                service_type=self.service_types[code],
                reason=REFERRAL_REASONS[int(reason_draw * len(REFERRAL_REASONS))],
                urgent=urgent,
                status=status,
                consent_id=consent_id,
                consent_override_reason="" if consent_id else OVERRIDE_REASONS[int(reason_draw * 2)],
                sent_by_id=sender,
                sent_at=sent_at,
                assigned_to_id=assigned,
                answered_at=answered_at,
                rejection_reason=rejection,
                closed_at=closed_at,
            ),
            "events": events,
        }

    def _ensure_napoli_referrals(self, drafts) -> list[dict]:
        """Items in every queue of the Comune di Napoli operator: incoming to answer, outgoing still open,
        and accepted referrals assigned to her."""
        napoli, operator = self.napoli, self.napoli_operator
        if napoli is None:
            return []
        refs = [d["referral"] for d in drafts]
        incoming = sum(1 for r in refs if r.to_organisation_id == napoli and r.status == ReferralStatus.SENT)
        outgoing = sum(
            1
            for r in refs
            if r.from_organisation_id == napoli and r.status in (ReferralStatus.SENT, ReferralStatus.ACCEPTED)
        )
        assigned = sum(
            1
            for r in refs
            if r.to_organisation_id == napoli
            and r.status == ReferralStatus.ACCEPTED
            and r.assigned_to_id == operator
        )
        others = [
            o
            for o in self.orgs.values()
            if o.pk != napoli and o.kind in RECEIVER_WEIGHT and o.pk in self.operators
        ]
        own = [r for r in self.participants if r[1] == napoli and r[0] in self.sharing]
        foreign = [
            r for r in self.participants if r[1] != napoli and r[1] in self.operators and r[0] in self.sharing
        ]
        extra = []
        if others and foreign:
            for index in range(max(0, 3 - incoming)):
                row = foreign[index % len(foreign)]
                extra.append(self._referral(row, row[1], napoli, ReferralStatus.SENT))
            for index in range(max(0, 2 - assigned)):
                row = foreign[(index + 3) % len(foreign)]
                extra.append(self._referral(row, row[1], napoli, ReferralStatus.ACCEPTED, assignee=operator))
        if others and own:
            for index in range(max(0, 3 - outgoing)):
                row = own[index % len(own)]
                target = others[index % len(others)]
                status = ReferralStatus.SENT if index % 2 == 0 else ReferralStatus.ACCEPTED
                extra.append(self._referral(row, napoli, target.pk, status))
        # The operator sends some of the Napoli referrals herself.
        for draft in [*drafts, *extra]:
            if draft["referral"].from_organisation_id == napoli and operator:
                draft["referral"].sent_by_id = operator
                draft["events"] = [
                    (e[0], e[1], operator if e[3] == napoli else e[2], *e[3:]) for e in draft["events"]
                ]
        return extra

    def _write_referrals(self, drafts) -> list[Referral]:
        summaries = self._summaries([d["participant"][0] for d in drafts])
        for draft in drafts:
            draft["referral"].summary = summaries.get(draft["participant"][0], "")
        referrals = [d["referral"] for d in drafts]
        Referral.objects.bulk_create(referrals, batch_size=BATCH)
        events = [
            ReferralEvent(
                referral_id=d["referral"].pk,
                from_status=from_status,
                to_status=to_status,
                actor_id=actor,
                organisation_id=org,
                at=at,
                note=note,
            )
            for d in drafts
            for from_status, to_status, actor, org, at, note in d["events"]
        ]
        ReferralEvent.objects.bulk_create(events, batch_size=BATCH)
        self.counts.update(referrals=len(referrals), referral_events=len(events))
        return referrals

    def _summaries(self, participant_ids: list[int]) -> dict[int, str]:
        """What paths.actions.minimal_summary shows, for many participants at once."""
        ids = sorted(set(participant_ids))
        rows, languages = {}, {}
        for first in range(0, len(ids), 900):
            chunk = ids[first : first + 900]
            for row in Participant.objects.filter(pk__in=chunk).values_list(
                "pk", "first_name", "last_name", "birth_date", "municipality_id"
            ):
                rows[row[0]] = row
            through = Participant.languages.through.objects.filter(participant_id__in=chunk)
            for participant_id, language_id in through.values_list("participant_id", "language_id"):
                languages.setdefault(participant_id, []).append(language_id)
        language_objects = Language.objects.in_bulk({i for ids_ in languages.values() for i in ids_})
        municipalities = dict(
            Municipality.objects.filter(pk__in={r[4] for r in rows.values() if r[4]}).values_list(
                "pk", "name"
            )
        )
        result = {}
        for pk, (_pk, first_name, last_name, birth_date, municipality_id) in rows.items():
            langs = sorted(
                (language_objects[i] for i in languages.get(pk, []) if i in language_objects),
                key=lambda lang: (not lang.is_common, lang.name_it),
            )[:3]
            parts = [
                f"{first_name} {last_name[:1]}.",
                gettext("%(age)s years") % {"age": age_on(birth_date, self.today)},
            ]
            if langs:
                parts.append(", ".join(str(lang) for lang in langs))
            if municipality_id:
                parts.append(municipalities.get(municipality_id, ""))
            result[pk] = " · ".join(parts)[:300]
        return result

    # Services -------------------------------------------------------------------------------------

    def _services(self, referrals: list[Referral]) -> None:
        rng, today = self.rng, self.today
        codes = [(c, w) for c, w in SERVICE_WEIGHTS.items() if c in self.service_types]
        items = [c for c, _w in codes]
        cum, total = [], 0
        for _c, weight in codes:
            total += weight
            cum.append(total)
        mean = MEAN_SERVICES.get(self.size, 4.0)
        history_start = today - datetime.timedelta(days=SERVICE_HISTORY_DAYS)
        records: list[tuple] = []
        written = 0
        now = self.now

        def flush():
            nonlocal records, written
            _insert(ServiceRecord, SERVICE_COLUMNS, records)
            written += len(records)
            records = []

        by_org: dict[int, list[int]] = {}
        for pk, owner_id, _birth, _permit, _arrival, created_at, created_by in self.participants:
            count = min(int(rng.expovariate(1 / (mean + 0.5))), 40)
            by_org.setdefault(owner_id, []).append(pk)
            start = max(created_at.date(), history_start)
            span = max((today - start).days, 0)
            for _ in range(count):
                code = items[_bisect(cum, rng.random() * total)]
                service_type = self.service_types[code]
                durations = DURATIONS.get(code, [30, 45, 60])
                records.append(
                    (
                        pk,
                        service_type.pk,
                        start + datetime.timedelta(days=int(rng.random() * (span + 1))),
                        durations[int(rng.random() * len(durations))],
                        self._operator(owner_id, created_by),
                        owner_id,
                        service_type.default_action,
                        _pick(rng, OUTCOMES),
                        "",
                        None,
                        None,
                        now,
                    )
                )
            if len(records) >= BATCH:
                flush()
        # Services delivered by the receiving organisation through accepted and completed referrals.
        for referral in referrals:
            if referral.answered_at is None or referral.status == ReferralStatus.WITHDRAWN:
                continue
            end = referral.closed_at or self.now
            for _ in range(1 + int(rng.random() * 3)):
                when = referral.answered_at + (end - referral.answered_at) * rng.random()
                records.append(
                    (
                        referral.participant_id,
                        referral.service_type_id,
                        timezone.localtime(when, self.tz).date(),
                        60,
                        referral.assigned_to_id or self._operator(referral.to_organisation_id),
                        referral.to_organisation_id,
                        referral.service_type.default_action,
                        ServiceOutcome.DELIVERED,
                        "",
                        referral.pk,
                        None,
                        now,
                    )
                )
        # Group sessions: civic orientation or an information meeting for 5-15 people of one organisation.
        sessions = max(3, len(self.participants) // 250)
        orgs = sorted(org for org, pks in by_org.items() if len(pks) >= 15 and org in self.operators)
        group_codes = [c for c in ("civic_orientation", "information_desk") if c in self.service_types]
        for _ in range(sessions if orgs and group_codes else 0):
            org = orgs[int(rng.random() * len(orgs))]
            people = rng.sample(by_org[org], 5 + int(rng.random() * 11))
            service_type = self.service_types[group_codes[int(rng.random() * len(group_codes))]]
            day = today - datetime.timedelta(days=int(rng.random() * 120))
            operator = self._operator(org)
            session = uuid.UUID(int=rng.getrandbits(128), version=4)
            records += [
                (
                    pk,
                    service_type.pk,
                    day,
                    120,
                    operator,
                    org,
                    service_type.default_action,
                    ServiceOutcome.DELIVERED,
                    "Incontro di gruppo",
                    None,
                    session,
                    now,
                )
                for pk in people
            ]
        flush()
        self.counts["services"] = written

    # Mediation ------------------------------------------------------------------------------------

    def _mediation(self) -> None:
        rng, now = self.rng, self.now
        languages = {lang.code: lang for lang in Language.objects.filter(code__in=MEDIATION_LANGUAGES)}
        if not languages:
            return
        by_name = {o.name.removesuffix(" (demo)"): o for o in self.orgs.values()}
        roster: dict[int, tuple[int, list[str]]] = {}
        for user_id, org_id in self.mediators.items():
            roster[user_id] = (org_id, NAPOLI_MEDIATOR_LANGUAGES)
        # The published demo password, hashed once by people.demo for every demo login.
        password = (
            User.objects.filter(pk__in=self.user_by_email.values()).values_list("password", flat=True).first()
        )
        new_users = []
        for local, first, last, org_name, codes in EXTRA_MEDIATORS:
            org = by_name.get(org_name)
            if org is None:
                continue
            user = User(
                email=f"{local}@{DEMO_EMAIL_DOMAIN}", first_name=first, last_name=last, password=password
            )
            new_users.append((user, org, codes))
        User.objects.bulk_create([u for u, _o, _c in new_users])
        memberships = Membership.objects.bulk_create(
            [Membership(user=u, organisation=o, role=Role.MEDIATOR) for u, o, _c in new_users]
        )
        for (user, org, codes), membership in zip(new_users, memberships, strict=True):
            user.active_membership = membership
            roster[user.pk] = (org.pk, codes)
        User.objects.bulk_update([u for u, _o, _c in new_users], ["active_membership"])
        profiles = [
            MediatorProfile(
                user_id=user_id,
                organisation_id=org_id,
                availability="Lun-ven 9-17" if index % 2 == 0 else "Martedì e giovedì mattina",
                is_available=index != 3,
            )
            for index, (user_id, (org_id, _codes)) in enumerate(sorted(roster.items()))
        ]
        MediatorProfile.objects.bulk_create(profiles)
        through = MediatorProfile.languages.through
        through.objects.bulk_create(
            through(mediatorprofile_id=profile.pk, language_id=languages[code].pk)
            for profile in profiles
            for code in roster[profile.user_id][1]
            if code in languages
        )
        speakers: dict[str, list[int]] = {}
        for user_id, (_org, codes) in sorted(roster.items()):
            for code in codes:
                speakers.setdefault(code, []).append(user_id)
        requesters = sorted(o for o in self.operators if self.orgs[o].kind in RECEIVER_WEIGHT)
        napoli_mediator = self.user_by_email.get(NAPOLI_MEDIATOR)
        total = MEDIATIONS.get(self.size, 300)
        requests = []
        for index in range(total):
            code = MEDIATION_LANGUAGES[int(rng.random() * len(MEDIATION_LANGUAGES))]
            if code not in speakers:
                code = sorted(speakers)[0]
            status = _pick(rng, MEDIATION_STATUSES)
            if index < 4 and napoli_mediator:  # the Napoli mediator has requests to answer and to attend
                status = [MediationStatus.ASSIGNED, MediationStatus.CONFIRMED][index % 2]
                code = NAPOLI_MEDIATOR_LANGUAGES[index % len(NAPOLI_MEDIATOR_LANGUAGES)]
            org = (
                self.napoli if index < 6 and self.napoli else requesters[int(rng.random() * len(requesters))]
            )
            people = [row for row in self.participants[index % 50 :: 53] if row[1] == org][:5]
            for_person, day_draw, hour_draw, minutes_draw, hours_draw, context_draw, who = (
                rng.random() for _ in range(7)
            )
            if status in (MediationStatus.REQUESTED, MediationStatus.ASSIGNED, MediationStatus.CONFIRMED):
                starts = now + datetime.timedelta(days=1 + int(day_draw * 30))
            else:
                starts = now - datetime.timedelta(days=1 + int(day_draw * 180))
            starts = starts.astimezone(self.tz).replace(
                hour=9 + int(hour_draw * 8), minute=0, second=0, microsecond=0
            )
            mediator = None
            if status != MediationStatus.REQUESTED:
                candidates = speakers[code]
                mediator = napoli_mediator if index < 4 else candidates[int(who * len(candidates))]
            planned = [60, 90, 120][int(minutes_draw * 3)]
            hours = None
            if status == MediationStatus.COMPLETED:
                hours = (Decimal(planned) / 60 + Decimal(int(hours_draw * 4) - 1) / 4).quantize(
                    Decimal("0.01")
                )
                hours = max(hours, Decimal("0.50"))
            person = people[0][0] if people and for_person < 0.75 else None
            requests.append(
                MediationRequest(
                    organisation_id=org,
                    requested_by_id=self._operator(org),
                    participant_id=person,
                    meeting="" if person else "Incontro informativo di gruppo",
                    language=languages[code],
                    service_context=MEDIATION_CONTEXTS[int(context_draw * len(MEDIATION_CONTEXTS))],
                    starts_at=starts,
                    planned_minutes=planned,
                    place=self.orgs[org].name.removesuffix(" (demo)") + ", sede principale",
                    status=status,
                    mediator_id=mediator,
                    hours=hours,
                    note="La persona non si è presentata" if status == MediationStatus.CANCELLED else "",
                )
            )
        MediationRequest.objects.bulk_create(requests)
        self.mediation_requests = requests
        self.counts.update(mediators=len(profiles), mediation_requests=len(requests))

    # Notifications --------------------------------------------------------------------------------

    def _notifications(self, referrals: list[Referral]) -> None:
        operator, mediator = self.napoli_operator, self.user_by_email.get(NAPOLI_MEDIATOR)
        rows = []
        names = {pk: org.name for pk, org in self.orgs.items()}
        if operator:
            incoming = [r for r in referrals if r.to_organisation_id == self.napoli and r.status == "sent"][
                :3
            ]
            for index, r in enumerate(incoming):
                rows.append(
                    Notification(
                        recipient_id=operator,
                        kind="referral_received",
                        params={"from": names[r.from_organisation_id], "service": r.service_type.name_it},
                        url=_url("paths:referral_detail", r.pk),
                        created_at=self.now - datetime.timedelta(hours=2 + index * 5),
                    )
                )
            answered = [r for r in referrals if r.sent_by_id == operator and r.answered_at][:2]
            for r in answered:
                rows.append(
                    Notification(
                        recipient_id=operator,
                        kind=f"referral_{r.status if r.status != 'withdrawn' else 'accepted'}",
                        params={
                            "from": names[r.from_organisation_id],
                            "to": names[r.to_organisation_id],
                            "service": r.service_type.name_it,
                        },
                        url=_url("paths:referral_detail", r.pk),
                        created_at=min(r.closed_at or r.answered_at, self.now),
                        read_at=None if r.status == "accepted" else r.closed_at,
                    )
                )
            week_end = self.today + datetime.timedelta(days=6)
            for goal in (
                Goal.objects.filter(
                    owner_id=operator, plan__is_current=True, due_date__range=(self.today, week_end)
                )
                .open()
                .order_by("due_date", "pk")[:2]
            ):
                rows.append(
                    Notification(
                        recipient_id=operator,
                        kind="goal_due",
                        params={"due": goal.due_date.strftime("%d/%m/%Y"), "goal": goal.title},
                        url=_url("paths:plan", goal.plan.participant_id),
                        created_at=self.now - datetime.timedelta(hours=1),
                        key=f"goal_due:{goal.pk}:{goal.due_date.isoformat()}",
                    )
                )
        if mediator:
            for r in [m for m in getattr(self, "mediation_requests", []) if m.mediator_id == mediator][:3]:
                when = timezone.localtime(r.starts_at, self.tz).strftime("%d/%m/%Y %H:%M")
                rows.append(
                    Notification(
                        recipient_id=mediator,
                        kind="mediation_assigned",
                        params={"language": r.language.name_it, "when": when},
                        url=_url("paths:mediation_detail", r.pk),
                        created_at=self.now - datetime.timedelta(hours=3),
                    )
                )
        Notification.objects.bulk_create(rows)
        self.counts["notifications"] = len(rows)


SERVICE_COLUMNS = [
    "participant_id",
    "service_type_id",
    "date",
    "duration_minutes",
    "operator_id",
    "organisation_id",
    "action",
    "outcome",
    "note",
    "referral_id",
    "group_session",
    "created_at",
]


def _next_id(model) -> int:
    return (model.objects.aggregate(top=Max("pk"))["top"] or 0) + 1


def _insert(model, attnames: list[str], rows: list[tuple]) -> None:
    """INSERT `rows` (values in `attnames` order) with executemany, converting dates, date-times and UUIDs
    as the backend expects; table and column names come from the model's metadata, never from input."""
    if not rows:
        return
    ops = connection.ops
    fields = {f.attname: f for f in model._meta.concrete_fields}
    converters = []
    for name in attnames:
        field = fields[name]
        internal = field.get_internal_type()
        if internal == "DateTimeField":
            converters.append(ops.adapt_datetimefield_value)
        elif internal == "DateField":
            converters.append(ops.adapt_datefield_value)
        elif internal == "UUIDField" and not connection.features.has_native_uuid_field:
            converters.append(lambda value: value.hex if value is not None else None)
        else:
            converters.append(None)
    special = [(i, c) for i, c in enumerate(converters) if c is not None]
    columns = ", ".join(ops.quote_name(fields[name].column) for name in attnames)
    placeholders = ", ".join(["%s"] * len(attnames))
    sql = f"INSERT INTO {ops.quote_name(model._meta.db_table)} ({columns}) VALUES ({placeholders})"  # noqa: S608
    with connection.cursor() as cursor:
        for first in range(0, len(rows), 20_000):
            params = []
            for row in rows[first : first + 20_000]:
                if special:
                    row = list(row)
                    for index, convert in special:
                        if row[index] is not None:
                            row[index] = convert(row[index])
                params.append(row)
            cursor.executemany(sql, params)
    if "id" in attnames and connection.vendor == "postgresql":
        from django.core.management.color import no_style

        for statement in ops.sequence_reset_sql(no_style(), [model]):
            cursor_sql(statement)


def cursor_sql(statement: str) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement)


def _bisect(cum: list[float], target: float) -> int:
    for index, bound in enumerate(cum):
        if target < bound:
            return index
    return len(cum) - 1


def _ensure_taxonomies() -> None:
    """The goal areas and service types (a data migration loads them; a flushed test database may not)."""
    if GoalArea.objects.exists() and ServiceType.objects.exists():
        return
    from paths.taxonomies import GOAL_AREAS, SERVICE_TYPES

    for position, (code, name_it, name_en) in enumerate(GOAL_AREAS):
        GoalArea.objects.get_or_create(
            code=code, defaults={"name_it": name_it, "name_en": name_en, "position": position}
        )
    for position, (code, name_it, name_en, indicator, action) in enumerate(SERVICE_TYPES):
        ServiceType.objects.get_or_create(
            code=code,
            defaults={
                "name_it": name_it,
                "name_en": name_en,
                "position": position,
                "indicator_code": indicator,
                "default_action": action,
            },
        )
