"""Read-side helpers of the editorial desk: queues, outdated translations, the P3.3 indicator, history.

Everything here is a query or a pure function (writes live in `directory.actions`). Counts are SQL
aggregates so the dashboard stays fast with thousands of services in eight languages.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.db.models import Case, Count, F, IntegerField, Q, Value, When
from django.db.models.fields.json import KT
from django.db.models.functions import Cast, Coalesce
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from directory import actions
from directory.models import (
    ITALIAN,
    ContentLanguage,
    CostOption,
    EditorialState,
    Phone,
    RequiredDocument,
    Revision,
    RevisionStatus,
    Schedule,
    Service,
    Translatable,
)

# A text revision no translation can reach: an empty Italian field has nothing to translate.
_UNREACHABLE = 10**9
# Parts of a service whose translations count as the service's (the ones the public page shows).
SERVICE_PARTS = (RequiredDocument, Schedule, CostOption, Phone)


def translatable_models() -> dict[str, type[Translatable]]:
    """The directory's models with translatable public texts, by model name (the translation screen's key)."""
    return {
        model._meta.model_name: model
        for model in apps.get_app_config("directory").get_models()
        if issubclass(model, Translatable) and model.TRANSLATABLE_FIELDS
    }


def content_languages():
    """Active languages a record can be translated into (Italian is the source)."""
    return list(ContentLanguage.objects.filter(is_active=True).exclude(code=ITALIAN))


# --- outdated translations -------------------------------------------------------------------------------
#
# Written as joins through each record's `translations` relation and `pk__in` subqueries, not correlated
# subqueries: SQLite would otherwise scan a language's translations once per record (minutes at 5,000
# services in eight languages instead of milliseconds).


def _revision_expression(field: str, *, empty_unreachable: bool = False):
    """The record's current Italian revision of `field` (1 when never changed)."""
    revision = Coalesce(Cast(KT(f"text_revisions__{field}"), IntegerField()), Value(1))
    if empty_unreachable:
        return Case(When(**{field: ""}, then=Value(_UNREACHABLE)), default=revision)
    return revision


def _outdated_condition(model) -> Q:
    """On `model.objects.filter(...)`: some translation was made from an older revision of its field."""
    condition = Q()
    for name in model.TRANSLATABLE_FIELDS:
        condition |= Q(translations__field=name, translations__source_revision__lt=_revision_expression(name))
    return condition


def _edited(model):
    """Records whose Italian changed at least once: a never-edited record (no text revision recorded) has
    no outdated translation, and skipping it keeps the join small."""
    return model.objects.exclude(text_revisions={})


def outdated_q(model, among=None) -> Q:
    """Records of `model` with an outdated translation (a filter for `model.objects`); `among`: only look
    at these primary keys (a page of a list)."""
    records = _edited(model)
    if among is not None:
        records = records.filter(pk__in=among)
    return Q(pk__in=records.filter(_outdated_condition(model)).values("pk"))


def service_outdated_q(among=None) -> Q:
    """Services whose own texts, or the texts of the parts the public page shows, have an outdated
    translation; `among`: only look at these services."""
    condition = outdated_q(Service, among)
    for part in SERVICE_PARTS:
        parts = _edited(part).filter(service__isnull=False)
        if among is not None:
            parts = parts.filter(service_id__in=among)
        condition |= Q(pk__in=parts.filter(_outdated_condition(part)).values("service_id"))
    return condition


def records_with_outdated(model) -> int:
    return model.objects.filter(outdated_q(model)).count()


# --- dashboard ---------------------------------------------------------------------------------------------


def state_counts(model) -> dict[str, int]:
    counts = dict.fromkeys(EditorialState.values, 0)
    counts.update(model.objects.order_by().values_list("state").annotate(n=Count("pk")))
    return counts


@dataclass
class Coverage:
    language: ContentLanguage
    translated: int
    verified: int
    total: int

    @property
    def translated_share(self) -> float:
        return 100 * self.translated / self.total if self.total else 0.0

    @property
    def verified_share(self) -> float:
        return 100 * self.verified / self.total if self.total else 0.0


def translation_coverage(languages=None) -> tuple[int, list[Coverage]]:
    """Indicator P3.3: published services, and per language how many have every public text translated
    (from the current Italian) and how many have every translation verified by a person.

    Aggregate queries: published services joined to their up-to-date translations of non-empty fields
    (the condition is evaluated once per translation, in WHERE), counted per service and language, then
    the services counted where that reaches their number of non-empty fields. Never-edited services (most
    of them) are counted apart: every translation of theirs is up to date, so no JSON is read for them."""
    languages = content_languages() if languages is None else languages
    published = Service.objects.published()
    total = published.count()
    if not languages or not total:
        return total, [Coverage(language, 0, 0, total) for language in languages]
    filled = Value(0)
    any_translation, up_to_date = Q(), Q()
    for name in Service.TRANSLATABLE_FIELDS:
        filled = filled + Case(When(**{name: ""}, then=Value(0)), default=Value(1))
        any_translation |= Q(translations__field=name) & ~Q(**{name: ""})
        up_to_date |= Q(
            translations__field=name,
            translations__source_revision__gte=_revision_expression(name, empty_unreachable=True),
        )
    per_language, aggregates = {}, {}
    for index, language in enumerate(languages):
        mine = Q(translations__language=language.code)
        per_language[f"_t{index}"] = Count("translations", filter=mine)
        per_language[f"_v{index}"] = Count(
            "translations", filter=mine & Q(translations__verified_at__isnull=False)
        )
        aggregates[f"t{index}"] = Count("pk", filter=Q(**{f"_t{index}__gte": F("_filled")}))
        aggregates[f"v{index}"] = Count("pk", filter=Q(**{f"_v{index}__gte": F("_filled")}))
    results = [
        # filter() before annotate(): the counts see only the translations the filter kept.
        services.filter(condition)
        .values("pk")
        .annotate(_filled=filled, **per_language)
        .aggregate(**aggregates)
        for services, condition in (
            (published.filter(text_revisions={}), any_translation),
            (published.exclude(text_revisions={}), up_to_date),
        )
    ]
    count = lambda key: sum(result[key] or 0 for result in results)  # noqa: E731
    return total, [
        Coverage(language, count(f"t{index}"), count(f"v{index}"), total)
        for index, language in enumerate(languages)
    ]


# --- workflow ----------------------------------------------------------------------------------------------


def allowed_states(obj, user) -> list[str]:
    """The states `user` may move `obj` to (what `actions.change_state` accepts), in workflow order."""
    possible = actions._TRANSITIONS.get(obj.state, set())
    if not actions.can_edit_directly(user):
        partner = {EditorialState.DRAFT, EditorialState.IN_REVIEW}
        if not (isinstance(obj, Service) and obj.state in partner and actions.can_propose(user, obj)):
            return []
        possible = possible & partner
    return [state for state in EditorialState.values if state in possible]


# --- history ---------------------------------------------------------------------------------------------


def italian_history(obj) -> dict[str, dict[int, str]]:
    """field → {text revision → the Italian text at that revision}, rebuilt from the applied revisions.

    The creation (version 1) sets revision 1; each later non-minor change of a field adds one. A field
    whose rebuilt count does not match the record (history incomplete, e.g. imported) is left out."""
    if not hasattr(obj, "version"):
        return {}
    revisions = (
        Revision.objects.for_object(obj)
        .filter(status=RevisionStatus.APPLIED)
        .order_by("number", "created_at", "pk")
        .only("number", "snapshot", "changed_fields", "minor_edit")
    )
    current = dict.fromkeys(obj.TRANSLATABLE_FIELDS, 1)
    texts: dict[str, dict[int, str]] = {name: {} for name in obj.TRANSLATABLE_FIELDS}
    for revision in revisions:
        for name in obj.TRANSLATABLE_FIELDS:
            if revision.number != 1 and name in revision.changed_fields and not revision.minor_edit:
                current[name] += 1
            if name in revision.snapshot:
                texts[name][current[name]] = revision.snapshot[name] or ""
    return {name: texts[name] for name in texts if current[name] == obj.text_revision(name) and texts[name]}


def field_label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name)
    except FieldDoesNotExist:  # a part name in a service's history ("schedule", "location"…)
        related = apps.get_app_config("directory").models.get(name)
        return str(related._meta.verbose_name) if related else name


def display_value(value, model=None, name: str = "") -> str:
    """A snapshot value as a reader expects it: choices by their label, yes/no, a dash for nothing."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if model is not None and name:
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:  # a key the model no longer has
            field = None
        if field is not None and field.choices:
            return str(dict(field.flatchoices).get(value, value))
        if field is not None and field.is_relation and field.many_to_one:
            related = field.related_model.objects.filter(pk=value).first()
            return str(related) if related else str(value)
    return str(value)


def word_diff(old: str, new: str) -> tuple[str, str]:
    """The two texts as HTML with removed words in <del> and added words in <ins>."""
    a, b = (old or "").split(" "), (new or "").split(" ")
    left, right = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        old_part, new_part = escape(" ".join(a[i1:i2])), escape(" ".join(b[j1:j2]))
        if tag == "equal":
            left.append(old_part)
            right.append(new_part)
            continue
        if old_part:
            left.append(f"<del>{old_part}</del>")
        if new_part:
            right.append(f"<ins>{new_part}</ins>")
    return mark_safe(" ".join(left)), mark_safe(" ".join(right))  # noqa: S308 (escaped above)
