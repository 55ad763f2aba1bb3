"""What the portal shows of a directory record, worked out once in Python so templates stay simple.

`localized()` returns a text with the language it is really in: when a text is shown in Italian because it is
not translated yet, the page marks it `lang="it"` (screen readers then read it with an Italian voice) and
notes it discreetly. `ServiceCard` gathers what a search result and a service page show; it reads only
prefetched rows (`directory.search.with_card_data` and `service_page_queryset` below).
"""

from __future__ import annotations

import copy
import datetime
import re
from dataclasses import dataclass, field

from django.conf.locale import LANG_INFO
from django.contrib.contenttypes.models import ContentType
from django.db.models import Prefetch
from django.utils import timezone
from django.utils.dates import WEEKDAYS as WEEKDAY_NAMES
from django.utils.translation import gettext as _

from directory import actions
from directory.models import (
    ITALIAN,
    WEEKDAYS,
    Accessibility,
    Article,
    Contact,
    ContentLanguage,
    CostOption,
    Phone,
    ServiceStatus,
    Translatable,
    Translation,
)
from directory.search import is_open_now, public_services, translations_in, with_card_data
from directory.text import shorten


@dataclass
class Text:
    """A public text in the language it is actually written in."""

    text: str
    lang: str
    fallback: bool = False  # Italian shown because the visitor's language has no translation

    def __str__(self):
        return self.text

    def __bool__(self):
        return bool(self.text)


def localized(obj: Translatable, field_name: str, language: str) -> Text:
    italian = getattr(obj, field_name) or ""
    if not italian or language == ITALIAN:
        return Text(italian, ITALIAN)
    translation = obj.translation_of(field_name, language)
    if translation is not None:
        return Text(translation.text, language)
    return Text(italian, ITALIAN, fallback=True)


def short(text: Text, limit: int = 180) -> Text:
    return Text(shorten(text.text, limit), text.lang, text.fallback)


# --- languages ---------------------------------------------------------------------------------------------


def content_languages() -> list[ContentLanguage]:
    return list(ContentLanguage.objects.all())


def language_names(languages: list[ContentLanguage] | None = None) -> dict[str, tuple[str, bool]]:
    """code → (name in the language itself, right-to-left) for the directory's content languages."""
    languages = content_languages() if languages is None else languages
    return {lang.code: (lang.name_local, lang.bidi) for lang in languages}


def language_label(code: str, known: dict, fallback_name: str = "") -> str:
    if code in known:
        return known[code][0]
    info = LANG_INFO.get(code.lower()) or LANG_INFO.get(code.lower().split("-")[0]) or {}
    return info.get("name_local") or fallback_name or code


# --- opening hours -----------------------------------------------------------------------------------------


def _clock(value: datetime.time) -> str:
    return value.strftime("%H:%M")


def days_label(days: list[str]) -> str:
    """ "Monday – Friday" for a run of consecutive days, else "Monday, Wednesday"."""
    numbers = sorted(WEEKDAYS.index(d) for d in days)
    if not numbers:
        return ""
    consecutive = numbers == list(range(numbers[0], numbers[-1] + 1))
    if len(numbers) > 2 and consecutive:
        return f"{WEEKDAY_NAMES[numbers[0]]} – {WEEKDAY_NAMES[numbers[-1]]}"
    return ", ".join(str(WEEKDAY_NAMES[n]) for n in numbers)


@dataclass
class HoursLine:
    days: str
    hours: str
    by_appointment: bool
    note: Text | None = None


def hours_lines(schedules, language: str) -> list[HoursLine]:
    lines = []
    for schedule in schedules:
        note = localized(schedule, "description", language) or localized(schedule, "notes", language)
        if schedule.by_appointment_only:
            lines.append(HoursLine("", "", True, note or None))
        elif schedule.opens_at and schedule.closes_at and schedule.days():
            lines.append(
                HoursLine(
                    days_label(schedule.days()),
                    f"{_clock(schedule.opens_at)} – {_clock(schedule.closes_at)}",
                    False,
                    note or None,
                )
            )
        elif note:
            lines.append(HoursLine("", "", False, note))
    return lines


def _valid_on(schedule, day: datetime.date) -> bool:
    return not (
        (schedule.valid_from and day < schedule.valid_from) or (schedule.valid_to and day > schedule.valid_to)
    )


def today_hours(schedules, moment: datetime.datetime) -> list[str]:
    day = moment.date()
    code = WEEKDAYS[day.weekday()]
    ranges = sorted(
        (s.opens_at, s.closes_at)
        for s in schedules
        if not s.by_appointment_only and s.opens_at and s.closes_at and code in s.days() and _valid_on(s, day)
    )
    return [f"{_clock(start)} – {_clock(end)}" for start, end in dict.fromkeys(ranges)]


# --- places and phones -------------------------------------------------------------------------------------


def tel_href(number: str) -> str:
    """A `tel:` address: digits only, with the leading + of an international number."""
    digits = re.sub(r"[^\d+]", "", number)
    return "tel:" + (digits[0] + digits[1:].replace("+", "") if digits else "")


@dataclass
class PhoneLine:
    number: str
    href: str
    extension: int | None
    description: Text | None


def phone_lines(phones, language: str) -> list[PhoneLine]:
    return [
        PhoneLine(p.number, tel_href(p.number), p.extension, localized(p, "description", language) or None)
        for p in phones
        if p.number.strip()
    ]


@dataclass
class Place:
    name: str
    addresses: list[str]
    municipality: str
    province: str
    latitude: float | None
    longitude: float | None
    hours: list[HoursLine] = field(default_factory=list)
    transportation: Text | None = None
    description: Text | None = None
    phones: list[PhoneLine] = field(default_factory=list)
    accessibility: list[tuple[Text, Text]] = field(default_factory=list)
    languages: list[tuple[str, str]] = field(default_factory=list)
    is_virtual: bool = False
    url: str = ""

    @property
    def map_url(self) -> str:
        if self.latitude is None or self.longitude is None:
            return ""
        return (
            f"https://www.openstreetmap.org/?mlat={self.latitude:.6f}&mlon={self.longitude:.6f}"
            f"#map=18/{self.latitude:.6f}/{self.longitude:.6f}"
        )


def _place(sal, language: str, detailed: bool, names: dict) -> Place:
    location = sal.location
    municipality = location.municipality
    place = Place(
        name=location.name,
        addresses=[
            ", ".join(p for p in (a.address_1, a.address_2, f"{a.postal_code} {a.city}".strip()) if p)
            for a in location.addresses.all()
        ],
        municipality=municipality.name if municipality else "",
        province=municipality.province.abbreviation if municipality else "",
        latitude=location.latitude,
        longitude=location.longitude,
        hours=hours_lines([*sal.schedules.all(), *location.schedules.all()], language),
        is_virtual=location.location_type == "virtual",
        url=location.url if location.url.startswith(("https://", "http://")) else "",
    )
    if detailed:
        place.transportation = localized(location, "transportation", language) or None
        place.description = localized(location, "description", language) or None
        place.phones = phone_lines([*sal.phones.all(), *location.phones.all()], language)
        place.accessibility = [
            (localized(a, "description", language), localized(a, "details", language))
            for a in location.accessibility.all()
        ]
        place.languages = [
            (spoken.code, language_label(spoken.code, names, spoken.name))
            for spoken in location.languages.all()
        ]
    return place


# --- the service card --------------------------------------------------------------------------------------


class ServiceCard:
    """What the portal shows of a service: in a result list (`detailed=False`) or on its own page."""

    def __init__(self, service, language: str, now=None, names=None, distance=None, detailed=False):
        now = timezone.localtime(now or timezone.now())
        names = names if names is not None else {}
        self.service = service
        self.pk = service.pk
        self.url = service.get_absolute_url()
        self.name = localized(service, "name", language)
        self.organization = service.organization
        self.places = [_place(sal, language, detailed, names) for sal in service.service_at_locations.all()]
        schedules = list(service.schedules.all())
        for sal in service.service_at_locations.all():
            schedules.extend(sal.schedules.all())
            schedules.extend(sal.location.schedules.all())
        self.service_hours = hours_lines(service.schedules.all(), language)
        self.today = today_hours(schedules, now)
        self.open_now = is_open_now(service, now)
        self.by_appointment = any(s.by_appointment_only for s in schedules)
        self.has_weekly_hours = any(
            s.opens_at and s.closes_at and not s.by_appointment_only for s in schedules
        )
        self.application_process = localized(service, "application_process", language)
        self.how_to_access = short(self.application_process)
        self.documents = [localized(d, "document", language) for d in service.required_documents.all()]
        self.is_free = service.is_free
        self.needs = [t for t in service.terms.all() if t.is_need]
        seen = {}
        for spoken in service.languages.all():
            if spoken.code and spoken.code not in seen:
                seen[spoken.code] = language_label(spoken.code, names, spoken.name)
        self.languages = list(seen.items())
        self.distance = distance
        self.temporarily_closed = service.status == ServiceStatus.TEMPORARILY_CLOSED
        self.alert = localized(service, "alert", language)
        if detailed:
            self.description = localized(service, "description", language)
            self.eligibility = localized(service, "eligibility_description", language)
            self.fees = localized(service, "fees_description", language)
            self.interpretation = localized(service, "interpretation_services", language)
            self.wait_time = localized(service, "wait_time", language)
            self.organization_description = localized(service.organization, "description", language)
            self.costs = [
                (localized(c, "option", language), c, localized(c, "amount_description", language))
                for c in service.cost_options.all()
            ]
            self.phones = phone_lines(service.phones.all(), language)
            self.contacts = [(c, phone_lines(c.phones.all(), language)) for c in service.contacts.all()]
            self.areas = [str(area) for area in service.service_areas.all() if str(area)]
            self.website = service.url if service.url.startswith(("https://", "http://")) else ""
            org_site = service.organization.website
            self.organization_website = org_site if org_site.startswith(("https://", "http://")) else ""
            self.age = (service.minimum_age, service.maximum_age)

    @property
    def places_with_hours(self):
        return [p for p in self.places if p.hours]


def service_page_queryset(language: str):
    """A public service with everything its page shows, translations in `language` only."""
    tr = translations_in(language)
    phones = Phone.objects.prefetch_related(tr)
    return with_card_data(public_services(), language).prefetch_related(
        Prefetch("phones", queryset=phones),
        Prefetch("contacts", queryset=Contact.objects.prefetch_related(Prefetch("phones", queryset=phones))),
        Prefetch("cost_options", queryset=CostOption.objects.prefetch_related(tr)),
        "service_areas__municipality",
        "service_areas__province",
        Prefetch("service_at_locations__phones", queryset=phones),
        Prefetch("service_at_locations__location__phones", queryset=phones),
        Prefetch(
            "service_at_locations__location__accessibility",
            queryset=Accessibility.objects.prefetch_related(tr),
        ),
        "service_at_locations__location__languages",
        Prefetch("organization__translations", queryset=Translation.objects.filter(language=language)),
        Prefetch(
            "articles",
            queryset=Article.objects.public().prefetch_related(tr).order_by("title"),
            to_attr="public_articles",
        ),
    )


# --- translation provenance --------------------------------------------------------------------------------


@dataclass
class Provenance:
    """How the texts of a record stand in one language, in words for the visitor."""

    code: str
    name: str
    bidi: bool
    state: str  # original | missing | outdated | verified | machine | unverified
    message: str
    verified_on: datetime.datetime | None
    partial: bool
    url: str = ""


def _message(state: str) -> str:
    return {
        "original": _("Original text, written in Italian."),
        "missing": _("Not translated yet: the text is shown in Italian."),
        "outdated": _("The Italian text changed after this translation: check the Italian version."),
        "verified": _("Translation verified by the editorial staff."),
        "machine": _("Machine translation, not yet verified."),
        "unverified": _("Translation not yet verified."),
    }[state]


def provenance(obj: Translatable, all_translations, languages) -> list[Provenance]:
    """Per content language, the state of `obj`'s translation, from every translation row of `obj`."""
    clone = copy.copy(obj)
    clone._prefetched_objects_cache = {"translations": list(all_translations)}
    out = []
    for status, language in zip(actions.translation_status(clone, languages), languages, strict=True):
        if language.code == ITALIAN:
            state = "original"
        elif not status["translated"]:
            state = "missing"
        elif status["outdated"]:
            state = "outdated"
        elif status["verified"] == status["translated"]:
            state = "verified"
        elif status["machine"]:
            state = "machine"
        else:
            state = "unverified"
        partial = language.code != ITALIAN and 0 < status["translated"] < status["fields"]
        out.append(
            Provenance(
                code=language.code,
                name=language.name_local,
                bidi=language.bidi,
                state=state,
                message=_message(state),
                verified_on=status["last_verified_at"] if state == "verified" else None,
                partial=partial,
            )
        )
    return out


def all_translations(obj: Translatable):
    return Translation.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).only("field", "language", "method", "source_revision", "verified_at")


__all__ = [
    "ServiceCard",
    "Text",
    "localized",
    "provenance",
    "service_page_queryset",
]
