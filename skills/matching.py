"""Matching hints: from a skills profile, what the operator could propose next (issue 6, point 6).

`hints(profile, user)` suggests, in this order and at most `LIMIT` of each kind:

- **courses** of Italian (L2 or work-oriented) one CEFR level above the person's Italian (the lowest level of
  the Italian language skill, as the indicators read it; pre-A1 and A1 courses when no level is recorded).
  Courses without a stated level fit too, after those at the right level. Work-oriented courses come first
  when the person has worked, wishes to work, or has a next step in the "work" area;
- **digital courses** when no digital skill is recorded, a DigComp area is at level 1 or 2, or a next step
  is in the "training" area;
- **orientation**: vocational orientation and school-to-work workshops, for a next step in "work" or
  "training";
- **organisations** of the network to refer the person to, for the open next steps: the step's goal area
  gives the sectors (`AREA_SECTORS`), the organisation must be an active member working in the participant's
  province (provinces served, or seated there), never the user's own organisation nor the Region (the
  managing authority, not a service). Associations and informal groups are suggested only once approved
  and listed publicly (the registry's rule); the other members by their membership of the network alone
  (`listed_publicly` is the registry's flag for associations: public bodies never set it).

  The public service directory (issue 7) does not exist yet. When it does, its services join here as a
  fifth kind ("service"), chosen by the same area-to-sector map and province, so that a hint points to the
  service itself rather than to the organisation page. Until then only organisations are suggested.

Activities are only those the user can see (`Activity.objects.visible_to(user)`: the organiser's and
partners' staff, the Region), planned or open for enrolment, not ended, for participants or the public, with
free places, and in which the participant is not already enrolled (any enrolment status: the register keeps
one row per person). Nearer activities (same municipality, then same province or online) come first.

The number of queries is fixed (about ten) whatever the size of the data. The caller has already checked
that the user may see the profile (`get_for_user`); this module only scopes what it suggests.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.db import connections
from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from activities.models import (
    HOLDS_PLACE,
    Activity,
    ActivityKind,
    ActivityStatus,
    Audience,
    CEFRLevel,
    Enrolment,
)
from core.scoping import VIEW, active_membership
from network.models import NEEDS_APPROVAL, NetworkStatus, Organisation, OrganisationKind, Sector
from paths.models import GoalStatus
from people.models import Participant
from skills.models import DigitalSkill, LanguageSkill, NextStep, SkillsProfile, WorkExperience
from skills.reference import DigCompArea

LIMIT = 5
ITALIAN = "ita"
OPEN_STATUSES = (ActivityStatus.PLANNED, ActivityStatus.OPEN)
FOR_PARTICIPANTS = (Audience.PARTICIPANTS, Audience.PUBLIC)
ITALIAN_KINDS = (ActivityKind.ITALIAN_L2, ActivityKind.ITALIAN_WORK)
ORIENTATION_KINDS = (ActivityKind.VOCATIONAL_ORIENTATION, ActivityKind.SCHOOL_TO_WORK)
DIGITAL_FOUNDATION = 2  # DigComp levels 1-2: the foundation band
WORK_AREA, TRAINING_AREA = "work", "training"
OPEN_GOAL = (GoalStatus.OPEN, GoalStatus.IN_PROGRESS)
NO_LEVEL_TARGETS = (CEFRLevel.PRE_A1, CEFRLevel.A1)

# Goal areas of the plans (paths.taxonomies) -> sectors of the network's organisations. Areas not listed
# (the Region may add some) suggest no organisation.
AREA_SECTORS: dict[str, tuple[str, ...]] = {
    "work": (Sector.LABOUR,),
    "training": (Sector.EDUCATION,),
    "italian_language": (Sector.EDUCATION,),
    "school_inclusion": (Sector.EDUCATION,),
    "qualification_recognition": (Sector.EDUCATION, Sector.LEGAL),
    "housing": (Sector.HOUSING,),
    "health": (Sector.HEALTH,),
    "documents": (Sector.LEGAL,),
    "family_reunification": (Sector.LEGAL,),
    "long_term_permit": (Sector.LEGAL,),
    "civic_life": (Sector.CULTURE, Sector.SOCIAL),
}


class HintKind:
    COURSE = "course"
    DIGITAL_COURSE = "digital_course"
    ORIENTATION = "orientation"
    ORGANISATION = "organisation"

    labels = {
        COURSE: gettext_lazy("Italian course"),
        DIGITAL_COURSE: gettext_lazy("Digital-skills course"),
        ORIENTATION: gettext_lazy("Orientation"),
        ORGANISATION: gettext_lazy("Organisation of the network"),
    }


@dataclass(frozen=True)
class Hint:
    """One suggestion: what, why (a sentence for the operator), where to open it and when it starts."""

    kind: str  # a HintKind value
    title: str
    reason: str
    url: str
    starts_on: datetime.date | None = None
    object: Any = field(default=None, compare=False, repr=False)

    @property
    def kind_label(self) -> str:
        return str(HintKind.labels[self.kind])


@dataclass
class _Facts:
    """What the rules read from the profile (a few small queries)."""

    participant_id: int
    municipality_id: int | None
    province_id: int | None
    italian_level: int | None  # None: no Italian level recorded
    has_italian: bool
    digital: dict[str, int]
    has_work: bool
    has_aspirations: bool
    steps: list[tuple[str, str]]  # open next steps: (goal area code, text), earliest due first

    def step_in(self, *areas: str) -> str | None:
        return next((text for code, text in self.steps if code in areas), None)


def hints(profile: SkillsProfile, user) -> list[Hint]:
    """Suggestions for the profile's participant, limited to what `user` may see (empty without a role)."""
    membership = active_membership(user)
    if membership is None:
        return []
    facts = _facts(profile)
    today = timezone.localdate()
    found: list[Hint] = []
    found += _italian_courses(facts, user, today)
    found += _digital_courses(facts, user, today)
    found += _orientation(facts, user, today)
    found += _organisations(facts, user, membership.organisation_id)
    return found


# ----------------------------------------------------------------------------------------------- facts


def _facts(profile: SkillsProfile) -> _Facts:
    italian = LanguageSkill.objects.filter(profile_id=profile.pk, language__code=ITALIAN).first()
    digital = dict(DigitalSkill.objects.filter(profile_id=profile.pk).values_list("area", "level"))
    has_work = WorkExperience.objects.filter(profile_id=profile.pk).exists()
    steps = list(
        NextStep.objects.filter(profile_id=profile.pk)
        .filter(Q(goal__isnull=True) | Q(goal__status__in=OPEN_GOAL))
        .order_by(F("due_date").asc(nulls_last=True), "pk")
        .values_list("area__code", "text")
    )
    place = (
        Participant.objects.filter(pk=profile.participant_id)
        .values_list("municipality_id", "municipality__province_id")
        .first()
    ) or (None, None)
    return _Facts(
        participant_id=profile.participant_id,
        municipality_id=place[0],
        province_id=place[1],
        italian_level=italian.lowest_level if italian else None,
        has_italian=italian is not None,
        digital=digital,
        has_work=has_work,
        has_aspirations=bool((profile.aspirations or "").strip()),
        steps=steps,
    )


# ---------------------------------------------------------------------------------------------- activities


def _open_activities(facts: _Facts, user, today: datetime.date, kinds):
    """Activities of `kinds` the user sees, that the participant could still join."""
    already = Enrolment.objects.filter(participant_id=facts.participant_id).values("activity_id")
    nearby = Q(online=True)
    if facts.province_id is not None:
        nearby |= Q(municipality__province_id=facts.province_id)
    same_town = Q(municipality_id=facts.municipality_id) if facts.municipality_id else Q(pk__in=[])
    near = Case(
        When(same_town, then=Value(0)),
        When(nearby, then=Value(1)),
        default=Value(2),
        output_field=IntegerField(),
    )
    return (
        Activity.objects.visible_to(user, VIEW)
        .filter(kind__in=kinds, status__in=OPEN_STATUSES, end_date__gte=today, audience__in=FOR_PARTICIPANTS)
        .exclude(pk__in=already)
        .annotate(
            places_taken=Count("enrolments", filter=Q(enrolments__status__in=HOLDS_PLACE)),
            near=near,
        )
        .filter(Q(capacity__isnull=True) | Q(capacity__gt=F("places_taken")))
    )


def _activity_hint(kind: str, activity: Activity, reason: str) -> Hint:
    return Hint(
        kind=kind,
        title=activity.title,
        reason=reason,
        url=activity.get_absolute_url(),
        starts_on=activity.start_date,
        object=activity,
    )


def _level_label(level: int) -> str:
    return str(CEFRLevel(level).label)


def _italian_courses(facts: _Facts, user, today) -> list[Hint]:
    current = facts.italian_level
    if current is None:
        targets = NO_LEVEL_TARGETS
    elif current >= CEFRLevel.C2:
        return []
    else:
        targets = (current + 1,)
    work_first = facts.has_work or facts.has_aspirations or facts.step_in(WORK_AREA) is not None
    preferred = ActivityKind.ITALIAN_WORK if work_first else ActivityKind.ITALIAN_L2
    activities = (
        _open_activities(facts, user, today, ITALIAN_KINDS)
        .filter(Q(target_level__in=targets) | Q(target_level__isnull=True))
        .annotate(
            level_rank=Case(When(target_level__isnull=True, then=Value(1)), default=Value(0)),
            kind_rank=Case(When(kind=preferred, then=Value(0)), default=Value(1)),
        )
        .order_by("level_rank", "kind_rank", "near", "start_date", "pk")[:LIMIT]
    )
    found = []
    for activity in activities:
        values = {"target": _level_label(activity.target_level)} if activity.target_level is not None else {}
        if current is not None:
            values["level"] = _level_label(current)
        for_work = work_first and activity.kind == ActivityKind.ITALIAN_WORK
        reason = _italian_reason(current is not None, activity.target_level is not None, for_work) % values
        found.append(_activity_hint(HintKind.COURSE, activity, reason))
    return found


def _italian_reason(has_level: bool, has_target: bool, for_work: bool) -> str:
    """The reason of an Italian course, one whole sentence per case (translators see each one)."""
    if not has_level:
        if has_target:
            if for_work:
                return _(
                    "No Italian level recorded yet: course of Italian for work at level %(target)s, for the work plans"
                )
            return _("No Italian level recorded yet: course at level %(target)s")
        if for_work:
            return _(
                "No Italian level recorded yet: course of Italian for work, level not stated, for the work plans"
            )
        return _("No Italian level recorded yet: course level not stated")
    if has_target:
        if for_work:
            return _(
                "Italian level %(level)s: course of Italian for work at level %(target)s, for the work plans"
            )
        return _("Italian level %(level)s: course at level %(target)s")
    if for_work:
        return _("Italian level %(level)s: course of Italian for work, level not stated, for the work plans")
    return _("Italian level %(level)s: course level not stated")


def _digital_courses(facts: _Facts, user, today) -> list[Hint]:
    low = [(area, level) for area, level in sorted(facts.digital.items()) if level <= DIGITAL_FOUNDATION]
    values = {
        "areas": ", ".join(f"{DigCompArea(area).label} ({level})" for area, level in low),
        "step": facts.step_in(TRAINING_AREA),
    }
    # One whole sentence per case (translators see each one).
    if not facts.digital:
        if values["step"]:
            reason = _("No digital skills recorded yet; next step in training: %(step)s") % values
        else:
            reason = _("No digital skills recorded yet")
    elif low:
        if values["step"]:
            reason = (
                _("Digital skills at foundation level: %(areas)s; next step in training: %(step)s") % values
            )
        else:
            reason = _("Digital skills at foundation level: %(areas)s") % values
    elif values["step"]:
        reason = _("Next step in training: %(step)s") % values
    else:
        return []
    activities = _open_activities(facts, user, today, (ActivityKind.DIGITAL,)).order_by(
        "near", "start_date", "pk"
    )[:LIMIT]
    return [_activity_hint(HintKind.DIGITAL_COURSE, activity, reason) for activity in activities]


def _orientation(facts: _Facts, user, today) -> list[Hint]:
    step = facts.step_in(WORK_AREA, TRAINING_AREA)
    if step is None:
        return []
    reason = _("For the next step: %(step)s") % {"step": step}
    activities = _open_activities(facts, user, today, ORIENTATION_KINDS).order_by("near", "start_date", "pk")[
        :LIMIT
    ]
    return [_activity_hint(HintKind.ORIENTATION, activity, reason) for activity in activities]


# ------------------------------------------------------------------------------------------- organisations


def _sector_q(code: str, alias: str) -> Q:
    """Organisations whose `sectors` (a JSON list of codes) include `code`."""
    if connections[Organisation.objects.db].features.supports_json_field_contains:
        return Q(**{f"{alias}__contains": [code]})
    return Q(**{f"{alias}__icontains": f'"{code}"'})  # SQLite: the list's JSON text holds the quoted code


def _organisations(facts: _Facts, user, own_organisation_id: int | None) -> list[Hint]:
    if facts.province_id is None:
        return []
    # Sectors in the order of the steps (earliest due first), each with the step that asks for it.
    wanted: dict[str, str] = {}
    for code, text in facts.steps:
        for sector in AREA_SECTORS.get(code, ()):
            wanted.setdefault(str(sector), text)
    if not wanted:
        return []
    sectors = list(wanted)
    serving = Organisation.provinces_served.through.objects.filter(province_id=facts.province_id).values(
        "organisation_id"
    )
    any_sector = Q()
    for sector in sectors:
        any_sector |= _sector_q(sector, "sectors")
    rank = Case(
        *[When(_sector_q(sector, "sectors"), then=Value(i)) for i, sector in enumerate(sectors)],
        default=Value(len(sectors)),
        output_field=IntegerField(),
    )
    organisations = (
        Organisation.objects.visible_to(user, VIEW)
        .filter(is_active=True, network_status=NetworkStatus.ACTIVE)
        .filter(Q(listed_publicly=True) | ~Q(kind__in=NEEDS_APPROVAL))
        .exclude(kind=OrganisationKind.REGION)  # the managing authority, not a service to refer to
        .filter(Q(pk__in=serving) | Q(municipality__province_id=facts.province_id))
        .filter(any_sector)
        .exclude(pk=own_organisation_id)
        .annotate(rank=rank)
        .order_by("rank", "name", "pk")[:LIMIT]
    )
    found = []
    for organisation in organisations:
        matching = [sector for sector in sectors if sector in (organisation.sectors or [])]
        step = wanted[matching[0]] if matching else next(iter(wanted.values()))
        reason = _("%(sectors)s, for the next step: %(step)s") % {
            "sectors": ", ".join(str(Sector(sector).label) for sector in matching),
            "step": step,
        }
        found.append(
            Hint(
                kind=HintKind.ORGANISATION,
                title=organisation.name,
                reason=reason,
                url=organisation.get_absolute_url(),
                starts_on=None,
                object=organisation,
            )
        )
    return found
