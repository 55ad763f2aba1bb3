"""Loading an HSDS 3.0 dataset into the directory (`manage.py hsds_import`).

Accepted input, per file: one object (a service, organization, service_at_location, location, taxonomy or
taxonomy_term, fully nested or not), an HSDS Page envelope (`{"contents": [...], "total_items": …}`), a JSON
list of objects, or the export document of `hsds_export` (`{"version": "3.0", "organizations": [...], …}`).

How it goes:
1. every file is parsed and every object validated against the official schema first; every problem is
   reported with its file and JSON path, and nothing is written if there is any;
2. then everything is written in one transaction (all or nothing; a dry run rolls it back at the end),
   upserting by HSDS id: one-to-one fields are replaced (absent ones cleared), a nested array replaces the
   stored one (absent arrays leave the stored ones alone);
3. whatever the models do not hold (funding, programs, metadata, identifiers, attributes that are not taxonomy
   terms, unknown properties, values that do not fit a column) goes to the record's `extra`, so an export gives
   it back;
4. places: a location gets the Italian municipality whose name is its address's city (country IT); a
   service area the municipality, the province or the whole region its name says; a cost option of amount 0
   makes the service free of charge; a schedule attribute `interazioni:by_appointment_only` sets
   "by appointment only";
5. new services are drafts for an editor to review unless `publish=True` (then published and counted as
   verified now); existing services keep their state; each imported service gets a new version in its
   history and its search entries are rebuilt.
"""

from __future__ import annotations

import datetime
import decimal
import json
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from directory import actions, search
from directory.hsds import serialize, validation
from directory.models import (
    Accessibility,
    Address,
    Contact,
    CostOption,
    DirectoryOrganization,
    EditorialState,
    Location,
    Phone,
    RequiredDocument,
    Revision,
    RevisionStatus,
    Schedule,
    Service,
    ServiceArea,
    ServiceAtLocation,
    ServiceAttribute,
    ServiceLanguage,
    Taxonomy,
    TaxonomyTerm,
    Translatable,
)
from territory.models import CAMPANIA_REGION_CODE, Municipality, Province

# The order objects are written in, so references by id find their target.
KIND_ORDER = ("taxonomy", "taxonomy_term", "organization", "location", "service", "service_at_location")
EXPORT_KEYS = {
    "taxonomies": "taxonomy",
    "taxonomy_terms": "taxonomy_term",
    "organizations": "organization",
    "locations": "location",
    "services": "service",
    "service_at_locations": "service_at_location",
}
TERM_KEYS = {"code", "parent_id", "taxonomy", "taxonomy_detail", "taxonomy_id", "term_uri", "language"}
ORGANIZATION_KEYS = {
    "email",
    "website",
    "tax_status",
    "tax_id",
    "year_incorporated",
    "legal_status",
    "logo",
    "parent_organization_id",
    "funding",
    "contacts",
    "phones",
    "locations",
    "programs",
    "organization_identifiers",
    "services",
    "alternate_name",
    "attributes",
}
REGION_NAMES = {"campania", "regione campania"}
PROVINCE_PREFIXES = ("provincia di ", "città metropolitana di ", "citta metropolitana di ")
PARENT_FKS = {
    "service_id": "service",
    "location_id": "location",
    "organization_id": "organization",
    "contact_id": "contact",
    "service_at_location_id": "service_at_location",
    "phone_id": "phone",
}
FK_MODELS = {
    "service": Service,
    "location": Location,
    "organization": DirectoryOrganization,
    "contact": Contact,
    "service_at_location": ServiceAtLocation,
    "phone": Phone,
}


class _Rollback(Exception):
    pass


@dataclass(frozen=True)
class Problem:
    file: str
    path: str
    message: str

    def __str__(self):
        return f"{self.file}: {self.path}: {self.message}"


@dataclass
class ImportResult:
    problems: list[Problem] = field(default_factory=list)
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    objects: Counter = field(default_factory=Counter)  # top-level objects read, by kind
    services: set = field(default_factory=set)  # ids of the services written
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        kinds = sorted(set(self.created) | set(self.updated))
        parts = [
            _("%(kind)s: %(new)d new, %(updated)d updated")
            % {"kind": kind, "new": self.created[kind], "updated": self.updated[kind]}
            for kind in kinds
        ]
        return "; ".join(parts) or _("nothing to import")


# --- reading -----------------------------------------------------------------------------------------------


def detect_kind(obj: dict) -> str | None:
    """Which HSDS object this is, from its properties (each kind has properties no other top-level one has)."""
    keys = set(obj)
    if "status" in keys:
        return "service"
    if "location_type" in keys:
        return "location"
    if keys & {"service", "service_id", "location", "location_id"} and "name" not in keys:
        return "service_at_location"
    if keys & TERM_KEYS:
        return "taxonomy_term"
    if keys & ORGANIZATION_KEYS:
        return "organization"
    if "version" in keys:
        return "taxonomy"
    if {"id", "name", "description"} <= keys:
        return "organization"
    return None


def collect(
    data: Any, file: str, kind: str | None = None
) -> tuple[list[tuple[str, dict, str]], list[Problem]]:
    """The (kind, object, JSON path) of every top-level object in one parsed file."""
    items: list[tuple[str, dict, str]] = []
    problems: list[Problem] = []

    def add(obj, path, known=None):
        if not isinstance(obj, dict):
            problems.append(Problem(file, path, _("expected a JSON object")))
            return
        found = known or kind or detect_kind(obj)
        if found is None:
            problems.append(
                Problem(
                    file,
                    path,
                    _(
                        "cannot tell which HSDS object this is (service, organization, service_at_location, "
                        "location, taxonomy, taxonomy_term); give the kind explicitly"
                    ),
                )
            )
            return
        items.append((found, obj, path))

    if isinstance(data, list):
        for index, obj in enumerate(data):
            add(obj, f"$[{index}]")
    elif isinstance(data, dict) and isinstance(data.get("contents"), list) and "total_items" in data:
        for index, obj in enumerate(data["contents"]):
            add(obj, f"$.contents[{index}]")
    elif (
        isinstance(data, dict)
        and "id" not in data
        and any(isinstance(data.get(k), list) for k in EXPORT_KEYS)
    ):
        for key, known in EXPORT_KEYS.items():
            for index, obj in enumerate(data.get(key) or []):
                add(obj, f"$.{key}[{index}]", known)
    else:
        add(data, "$")
    return items, problems


def read_files(paths, kind: str | None = None):
    """Parse and collect every file; problems for unreadable files and bad JSON (with line and column)."""
    items, problems = [], []
    for path in paths:
        name = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(Problem(name, "$", _("cannot read the file: %(error)s") % {"error": exc}))
            continue
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            problems.append(
                Problem(
                    name,
                    "$",
                    _("not valid JSON: %(error)s (line %(line)d, column %(column)d)")
                    % {"error": exc.msg, "line": exc.lineno, "column": exc.colno},
                )
            )
            continue
        found, found_problems = collect(data, name, kind)
        items.extend((name, k, obj, p) for k, obj, p in found)
        problems.extend(found_problems)
    return items, problems


def validate_items(items) -> list[Problem]:
    problems = []
    for file, kind, obj, path in items:
        problems.extend(Problem(file, e.path, e.message) for e in validation.validate(obj, kind, root=path))
    return problems


# --- entry points ------------------------------------------------------------------------------------------


def import_files(paths, **options) -> ImportResult:
    items, problems = read_files(paths, options.pop("kind", None))
    return import_items(items, problems=problems, **options)


def import_data(data, *, file: str = "data", kind: str | None = None, **options) -> ImportResult:
    """Import already-parsed JSON (for tests and callers that hold the data)."""
    found, problems = collect(data, file, kind)
    return import_items([(file, k, obj, p) for k, obj, p in found], problems=problems, **options)


def import_items(
    items,
    *,
    problems=None,
    dry_run: bool = False,
    publish: bool = False,
    acting_user=None,
    network_organisation_map: dict | None = None,
) -> ImportResult:
    result = ImportResult(problems=list(problems or []), dry_run=dry_run)
    for _file, kind, _obj, _path in items:
        result.objects[kind] += 1
    result.problems.extend(validate_items(items))
    if result.problems:
        return result
    writer = _Writer(
        result, publish=publish, acting_user=acting_user, network_map=network_organisation_map or {}
    )
    ordered = sorted(items, key=lambda item: KIND_ORDER.index(item[1]))
    try:
        with transaction.atomic():
            for file, kind, obj, path in ordered:
                writer.file = file
                writer.top(kind, obj, path)
            writer.finish()
            if result.problems or dry_run:
                raise _Rollback
    except _Rollback:
        pass
    return result


# --- values ------------------------------------------------------------------------------------------------


class _Unfit(Exception):
    """A value the column cannot hold: kept in `extra` (or reported, for a required column)."""


def _convert(model_field: models.Field, value):
    if value is None:
        return None
    if isinstance(model_field, (models.CharField, models.TextField)):
        if not isinstance(value, str):
            raise _Unfit
        if model_field.max_length and len(value) > model_field.max_length:
            raise _Unfit(_("longer than %(max)d characters") % {"max": model_field.max_length})
        return value
    if isinstance(model_field, models.UUIDField):
        return uuid.UUID(str(value))
    if isinstance(model_field, models.IntegerField):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value):
            raise _Unfit
        value = int(value)
        low, high = (
            (0, 32767) if isinstance(model_field, models.PositiveSmallIntegerField) else (0, 2**31 - 1)
        )
        if not low <= value <= high:
            raise _Unfit
        return value
    if isinstance(model_field, models.FloatField):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _Unfit
        return float(value)
    if isinstance(model_field, models.DecimalField):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _Unfit
        number = decimal.Decimal(str(value))
        exponent = number.as_tuple().exponent
        if isinstance(exponent, int) and exponent < -model_field.decimal_places:
            raise _Unfit
        if abs(number) >= 10 ** (model_field.max_digits - model_field.decimal_places):
            raise _Unfit
        return number
    if isinstance(model_field, models.DateTimeField):
        if not isinstance(value, str):
            raise _Unfit
        try:
            moment = datetime.datetime.fromisoformat(value)
        except ValueError as exc:
            raise _Unfit from exc
        return timezone.make_aware(moment, datetime.UTC) if timezone.is_naive(moment) else moment
    if isinstance(model_field, models.DateField):
        if not isinstance(value, str):
            raise _Unfit
        try:
            return datetime.date.fromisoformat(value)
        except ValueError as exc:
            raise _Unfit from exc
    if isinstance(model_field, models.TimeField):
        if not isinstance(value, str):
            raise _Unfit
        try:
            moment = datetime.time.fromisoformat(value)
        except ValueError as exc:
            raise _Unfit from exc
        if moment.tzinfo is not None:
            raise _Unfit
        return moment
    return value


def _empty(model_field: models.Field):
    if model_field.null:
        return None
    if isinstance(model_field, (models.CharField, models.TextField)):
        return ""
    return models.NOT_PROVIDED


def _to_uuid(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except (TypeError, ValueError):
        return None


# --- writing -----------------------------------------------------------------------------------------------


class _Writer:
    def __init__(self, result: ImportResult, *, publish: bool, acting_user, network_map: dict):
        self.result = result
        self.publish = publish
        self.acting_user = acting_user
        self.network_map = {str(k): v for k, v in network_map.items()}
        self.file = ""
        self.seen: dict[tuple[str, uuid.UUID], bool] = {}  # (kind, id) → created in this import
        self.versioned: set = set()
        self.places: dict[tuple[str, str], Municipality | None] = {}
        self.now = timezone.now()

    # -- helpers --

    def problem(self, path: str, message: str):
        self.result.problems.append(Problem(self.file, path, message))

    def _get(self, model, pk, kind):
        """The record with this id (or a new one), counting it as created or updated once per import."""
        pk = uuid.UUID(str(pk))
        obj = model.objects.filter(pk=pk).first()
        key = (kind, pk)
        if key not in self.seen:
            self.seen[key] = obj is None
            if obj is None:
                self.result.created[kind] += 1
            else:
                self.result.updated[kind] += 1
        return obj if obj is not None else model(pk=pk)

    def _scalars(self, obj, data: dict, names, path: str, *, consumed: set, extra: dict):
        """Set the model columns named like HSDS properties; values that do not fit go to `extra`."""
        old = {}
        translatable = set(getattr(obj, "TRANSLATABLE_FIELDS", ()))
        for name, column in names:
            model_field = obj._meta.get_field(column)
            consumed.add(name)
            if name in translatable:
                old[column] = getattr(obj, column)
            if name not in data:
                empty = _empty(model_field)
                if empty is not models.NOT_PROVIDED:
                    setattr(obj, column, empty)
                continue
            try:
                value = _convert(model_field, data[name])
            except _Unfit as exc:
                required = not (model_field.blank or model_field.null)
                if required:
                    self.problem(f"{path}.{name}", str(exc) or _("this value does not fit"))
                    continue
                extra[name] = data[name]
                value = _empty(model_field)
                if value is models.NOT_PROVIDED:
                    continue
            if value is None and not model_field.null:
                value = _empty(model_field)
                if value is models.NOT_PROVIDED:
                    continue
            setattr(obj, column, value)
        if isinstance(obj, Translatable) and not obj._state.adding:
            revisions = dict(obj.text_revisions or {})
            for column, before in old.items():
                if (before or "") != (getattr(obj, column) or ""):
                    revisions[column] = int(revisions.get(column, 1)) + 1
            obj.text_revisions = revisions

    @staticmethod
    def _extra(obj, data: dict, consumed: set, stash: dict) -> dict:
        """The new `extra`: unmodelled properties of `data`, plus stored arrays/objects `data` does not mention."""
        kept = {
            key: value
            for key, value in (obj.extra or {}).items()
            if isinstance(value, (list, dict)) and key not in data
        }
        kept.update({key: value for key, value in data.items() if key not in consumed})
        kept.update(stash)
        return kept

    def _link_parents(self, obj, data, consumed, stash, parent_kind=None, parent=None):
        """`<parent>_id` properties: the nesting parent's id is implied; another existing record is linked."""
        for key, kind in PARENT_FKS.items():
            if key not in data or not hasattr(obj, f"{kind}_id"):
                continue
            consumed.add(key)
            target = _to_uuid(data[key])
            if parent is not None and kind == parent_kind and target == parent.pk:
                continue
            model = FK_MODELS[kind]
            if target is not None and model.objects.filter(pk=target).exists():
                setattr(obj, f"{kind}_id", target)
            else:
                stash[key] = data[key]

    # -- top level --

    def top(self, kind: str, obj: dict, path: str):
        {
            "taxonomy": self.taxonomy,
            "taxonomy_term": self.term,
            "organization": self.organization,
            "location": self.location,
            "service": self.service,
            "service_at_location": self.service_at_location,
        }[kind](obj, path)

    def finish(self):
        """Resolve references to records that came later in the dataset, then rebuild the search entries."""
        for term in TaxonomyTerm.objects.filter(extra__has_key="parent_id"):
            parent = _to_uuid(term.extra.get("parent_id"))
            if parent and parent != term.pk and TaxonomyTerm.objects.filter(pk=parent).exists():
                term.parent_id = parent
                term.extra = {k: v for k, v in term.extra.items() if k != "parent_id"}
                term.save(update_fields=["parent", "extra"])
        for org in DirectoryOrganization.objects.filter(parent_organization_ref__isnull=False):
            if (
                org.parent_organization_ref != org.pk
                and DirectoryOrganization.objects.filter(pk=org.parent_organization_ref).exists()
            ):
                org.parent_organization_id = org.parent_organization_ref
                org.parent_organization_ref = None
                org.save(update_fields=["parent_organization", "parent_organization_ref"])
        if self.result.problems:
            return
        if len(self.result.services) > 500:
            search.rebuild_index()
        else:
            for pk in self.result.services:
                search.index_service(pk)

    # -- taxonomies --

    def taxonomy(self, data: dict, path: str) -> Taxonomy:
        obj = self._get(Taxonomy, data["id"], "taxonomy")
        consumed, stash = {"id"}, {}
        self._scalars(
            obj,
            data,
            [(n, n) for n in ("name", "description", "uri", "version")],
            path,
            consumed=consumed,
            extra=stash,
        )
        obj.extra = self._extra(obj, data, consumed, stash)
        obj.save()
        return obj

    def term(self, data: dict, path: str) -> TaxonomyTerm:
        obj = self._get(TaxonomyTerm, data["id"], "taxonomy_term")
        consumed, stash = {"id", "taxonomy_detail", "taxonomy_id", "parent_id"}, {}
        self._scalars(
            obj,
            data,
            [
                ("code", "code"),
                ("name", "name"),
                ("description", "description"),
                ("taxonomy", "taxonomy_name"),
                ("language", "language"),
                ("term_uri", "term_uri"),
            ],
            path,
            consumed=consumed,
            extra=stash,
        )
        taxonomy_id = None
        if isinstance(data.get("taxonomy_detail"), dict):
            taxonomy_id = self.taxonomy(data["taxonomy_detail"], f"{path}.taxonomy_detail").pk
        if "taxonomy_id" in data:
            wanted = _to_uuid(data["taxonomy_id"])
            if wanted is not None and (wanted == taxonomy_id or Taxonomy.objects.filter(pk=wanted).exists()):
                taxonomy_id = wanted
            else:
                stash["taxonomy_id"] = data["taxonomy_id"]
        if "taxonomy_detail" in data or "taxonomy_id" in data:
            obj.taxonomy_id = taxonomy_id
        if "parent_id" in data:
            parent = _to_uuid(data["parent_id"])
            if parent is not None and parent != obj.pk and TaxonomyTerm.objects.filter(pk=parent).exists():
                obj.parent_id = parent
            else:
                obj.parent_id = None
                stash["parent_id"] = data["parent_id"]  # resolved at the end if the parent comes later
        else:
            obj.parent_id = None
        obj.extra = self._extra(obj, data, consumed, stash)
        if obj.parent_id:
            obj.extra.pop("parent_id", None)
        obj.save()
        return obj

    # -- organizations --

    def organization(self, data: dict, path: str) -> DirectoryOrganization:
        obj = self._get(DirectoryOrganization, data["id"], "organization")
        consumed = {
            "id",
            "parent_organization_id",
            "contacts",
            "phones",
            "locations",
            "services",
            "attributes",
        }
        stash = {}
        self._scalars(
            obj,
            data,
            [(n, n) for n in serialize.ORGANIZATION_FIELDS if n != "id"],
            path,
            consumed=consumed,
            extra=stash,
        )
        parent = _to_uuid(data.get("parent_organization_id"))
        obj.parent_organization_id = None
        obj.parent_organization_ref = None
        if parent is not None and parent != obj.pk:
            if DirectoryOrganization.objects.filter(pk=parent).exists():
                obj.parent_organization_id = parent
            else:
                obj.parent_organization_ref = parent
        self._keep_attributes(obj, data, stash)
        obj.extra = self._extra(obj, data, consumed, stash)
        network = self.network_map.get(str(obj.pk))
        if network is not None:
            taken = DirectoryOrganization.objects.filter(network_organisation=network).exclude(pk=obj.pk)
            if taken.exists():
                self.problem(
                    path,
                    _("the network organisation %(name)s is already linked to another directory entry")
                    % {"name": network},
                )
            else:
                obj.network_organisation = network
        obj.save()
        if "contacts" in data:
            self._sync_multi(Contact, "organization", obj, data["contacts"], f"{path}.contacts", self.contact)
        if "phones" in data:
            self._sync_multi(Phone, "organization", obj, data["phones"], f"{path}.phones", self.phone)
        if "locations" in data:
            ids = []
            for index, item in enumerate(data["locations"]):
                location = self.location(item, f"{path}.locations[{index}]", organization=obj)
                ids.append(location.pk)
            Location.objects.filter(organization=obj).exclude(pk__in=ids).update(organization=None)
        for index, item in enumerate(data.get("services") or []):
            self.service(item, f"{path}.services[{index}]", organization=obj)
        return obj

    def _keep_attributes(self, obj, data, stash):
        if "attributes" in data:
            stash["attributes"] = data["attributes"]

    # -- locations --

    def location(self, data: dict, path: str, *, organization=None) -> Location:
        obj = self._get(Location, data["id"], "location")
        consumed = {
            "id",
            "languages",
            "addresses",
            "contacts",
            "accessibility",
            "phones",
            "schedules",
            "attributes",
            "organization_id",
        }
        stash = {}
        self._scalars(
            obj,
            data,
            [(n, n) for n in serialize.LOCATION_FIELDS if n != "id"],
            path,
            consumed=consumed,
            extra=stash,
        )
        if organization is not None:
            obj.organization = organization
        if "organization_id" in data:
            wanted = _to_uuid(data["organization_id"])
            if organization is not None and wanted == organization.pk:
                pass
            elif wanted and DirectoryOrganization.objects.filter(pk=wanted).exists():
                obj.organization_id = wanted
            else:
                stash["organization_id"] = data["organization_id"]
        self._keep_attributes(obj, data, stash)
        obj.extra = self._extra(obj, data, consumed, stash)
        obj.save()
        if "languages" in data:
            self._sync_multi(
                ServiceLanguage, "location", obj, data["languages"], f"{path}.languages", self.language
            )
        if "addresses" in data:
            self._sync_single(Address, "location", obj, data["addresses"], f"{path}.addresses", self.address)
            obj.municipality = self._municipality_of(obj)
            obj.save(update_fields=["municipality"])
        if "contacts" in data:
            self._sync_multi(Contact, "location", obj, data["contacts"], f"{path}.contacts", self.contact)
        if "accessibility" in data:
            self._sync_single(
                Accessibility,
                "location",
                obj,
                data["accessibility"],
                f"{path}.accessibility",
                self.accessibility,
            )
        if "phones" in data:
            self._sync_multi(Phone, "location", obj, data["phones"], f"{path}.phones", self.phone)
        if "schedules" in data:
            self._sync_multi(Schedule, "location", obj, data["schedules"], f"{path}.schedules", self.schedule)
        return obj

    def _municipality_of(self, location: Location):
        for address in location.addresses.all():
            if (address.country or "").upper() != "IT":
                continue
            found = self._municipality_named(address.city, address.state_province)
            if found is not None:
                return found
        return None

    def _municipality_named(self, name: str, province: str = "") -> Municipality | None:
        key = ((name or "").strip().casefold(), (province or "").strip().casefold())
        if key not in self.places:
            candidates = list(Municipality.objects.filter(name__iexact=key[0]).select_related("province"))
            if len(candidates) > 1 and key[1]:
                candidates = [
                    m
                    for m in candidates
                    if key[1] in (m.province.abbreviation.casefold(), m.province.name.casefold())
                ] or candidates
            if len(candidates) > 1:
                campania = [m for m in candidates if m.province.region_code == CAMPANIA_REGION_CODE]
                candidates = campania or candidates
            self.places[key] = candidates[0] if len(candidates) == 1 else None
        return self.places[key]

    # -- services --

    def service(self, data: dict, path: str, *, organization=None) -> Service | None:
        obj = self._get(Service, data["id"], "service")
        is_new = obj._state.adding
        consumed = {
            "id",
            "organization_id",
            "organization",
            "phones",
            "schedules",
            "service_areas",
            "service_at_locations",
            "languages",
            "cost_options",
            "required_documents",
            "contacts",
            "attributes",
        }
        stash = {}
        self._scalars(
            obj,
            data,
            [(n, n) for n in serialize.SERVICE_FIELDS if n not in ("id", "last_modified")],
            path,
            consumed=consumed,
            extra=stash,
        )
        consumed.add("last_modified")
        modified = None
        if "last_modified" in data:
            try:
                modified = _convert(Service._meta.get_field("last_modified"), data["last_modified"])
            except _Unfit:
                stash["last_modified"] = data["last_modified"]
        obj.last_modified = modified or self.now
        if isinstance(data.get("organization"), dict):
            organization = self.organization(data["organization"], f"{path}.organization")
        elif "organization_id" in data:
            wanted = _to_uuid(data["organization_id"])
            found = DirectoryOrganization.objects.filter(pk=wanted).first() if wanted else None
            if found is None and (organization is None or organization.pk != wanted):
                self.problem(
                    f"{path}.organization_id",
                    _("no organization with this id in the dataset or the directory"),
                )
                return None
            organization = found or organization
        if organization is not None:
            obj.organization = organization
        elif is_new:
            self.problem(
                path, _("a service needs its organization (organization_id or a nested organization)")
            )
            return None
        if is_new:
            obj.state = EditorialState.DRAFT
        if self.publish:
            obj.state = EditorialState.PUBLISHED
            obj.published_at = obj.published_at or self.now
            obj.last_verified_at = self.now
            obj.last_verified_by = self.acting_user
        if "attributes" in data:
            stash["attributes"] = [a for a in data["attributes"] if not self._is_term_attribute(a)]
        obj.extra = self._extra(obj, data, consumed, stash)
        if not obj.extra.get("attributes"):
            obj.extra.pop("attributes", None)
        first_time = obj.pk not in self.versioned
        if first_time:
            obj.version = (obj.version or 0) + 1
            self.versioned.add(obj.pk)
        obj.save()
        self.result.services.add(obj.pk)
        if "phones" in data:
            self._sync_multi(Phone, "service", obj, data["phones"], f"{path}.phones", self.phone)
        if "schedules" in data:
            self._sync_multi(Schedule, "service", obj, data["schedules"], f"{path}.schedules", self.schedule)
        if "service_areas" in data:
            self._sync_single(
                ServiceArea, "service", obj, data["service_areas"], f"{path}.service_areas", self.service_area
            )
        if "service_at_locations" in data:
            self._sync_single(
                ServiceAtLocation,
                "service",
                obj,
                data["service_at_locations"],
                f"{path}.service_at_locations",
                self.service_at_location,
            )
        if "languages" in data:
            self._sync_multi(
                ServiceLanguage, "service", obj, data["languages"], f"{path}.languages", self.language
            )
        if "cost_options" in data:
            self._sync_single(
                CostOption, "service", obj, data["cost_options"], f"{path}.cost_options", self.cost_option
            )
            obj.is_free = any(
                isinstance(c.get("amount"), (int, float))
                and not isinstance(c.get("amount"), bool)
                and c["amount"] == 0
                for c in data["cost_options"]
            )
            obj.save(update_fields=["is_free"])
        if "required_documents" in data:
            self._sync_single(
                RequiredDocument,
                "service",
                obj,
                data["required_documents"],
                f"{path}.required_documents",
                self.required_document,
            )
        if "contacts" in data:
            self._sync_multi(Contact, "service", obj, data["contacts"], f"{path}.contacts", self.contact)
        if "attributes" in data:
            self._service_attributes(obj, data["attributes"], f"{path}.attributes")
        if first_time:
            Revision.objects.create(
                content_type=ContentType.objects.get_for_model(Service),
                object_id=obj.pk,
                number=obj.version,
                status=RevisionStatus.APPLIED,
                state=obj.state,
                snapshot=actions.snapshot(obj),
                changed_fields=["hsds_import"],
                note=f"HSDS import ({Path(self.file).name})"[:500],
                author=self.acting_user,
            )
        return obj

    @staticmethod
    def _is_term_attribute(attribute: dict) -> bool:
        return isinstance(attribute.get("taxonomy_term"), dict) or bool(attribute.get("taxonomy_term_id"))

    def _service_attributes(self, service: Service, items: list, path: str):
        wanted = []
        for index, item in enumerate(items):
            if not self._is_term_attribute(item):
                continue  # kept verbatim in the service's extra
            term_id = None
            if isinstance(item.get("taxonomy_term"), dict):
                term_id = self.term(item["taxonomy_term"], f"{path}[{index}].taxonomy_term").pk
            elif item.get("taxonomy_term_id"):
                term_id = _to_uuid(item["taxonomy_term_id"])
                if not TaxonomyTerm.objects.filter(pk=term_id).exists():
                    self.problem(f"{path}[{index}].taxonomy_term_id", _("no taxonomy term with this id"))
                    continue
            wanted.append((index, item, term_id))
        keep_ids = [uuid.UUID(item["id"]) for _i, item, _t in wanted]
        ServiceAttribute.objects.filter(service=service).exclude(pk__in=keep_ids).delete()
        seen_terms = set()
        for index, item, term_id in wanted:
            if term_id in seen_terms:
                self.problem(
                    f"{path}[{index}]", _("the same taxonomy term is attached to this service twice")
                )
                continue
            seen_terms.add(term_id)
            attribute = self._get(ServiceAttribute, item["id"], "attribute")
            ServiceAttribute.objects.filter(service=service, taxonomy_term_id=term_id).exclude(
                pk=attribute.pk
            ).delete()
            consumed, stash = {"id", "taxonomy_term"}, {}
            self._scalars(
                attribute,
                item,
                [("link_type", "link_type"), ("value", "value")],
                f"{path}[{index}]",
                consumed=consumed,
                extra=stash,
            )
            if item.get("taxonomy_term_id") and _to_uuid(item["taxonomy_term_id"]) == term_id:
                consumed.add("taxonomy_term_id")
            attribute.service = service
            attribute.taxonomy_term_id = term_id
            attribute.extra = {k: v for k, v in item.items() if k not in consumed} | stash
            attribute.save()

    # -- services at locations --

    def service_at_location(
        self, data: dict, path: str, *, service=None, **_parent
    ) -> ServiceAtLocation | None:
        obj = self._get(ServiceAtLocation, data["id"], "service_at_location")
        consumed = {
            "id",
            "service_id",
            "location_id",
            "service",
            "location",
            "contacts",
            "phones",
            "schedules",
            "attributes",
        }
        stash = {}
        self._scalars(obj, data, [("description", "description")], path, consumed=consumed, extra=stash)
        if isinstance(data.get("service"), dict):
            service = self.service(data["service"], f"{path}.service")
            if service is None:
                return None
        elif data.get("service_id") and (service is None or str(service.pk) != data["service_id"]):
            service = Service.objects.filter(pk=_to_uuid(data["service_id"])).first()
            if service is None:
                self.problem(
                    f"{path}.service_id", _("no service with this id in the dataset or the directory")
                )
                return None
        if service is None and obj._state.adding:
            self.problem(path, _("a service_at_location needs its service (service_id or a nested service)"))
            return None
        if service is not None:
            obj.service = service
            self.result.services.add(service.pk)
        location = None
        if isinstance(data.get("location"), dict):
            location = self.location(data["location"], f"{path}.location")
        elif data.get("location_id"):
            location = Location.objects.filter(pk=_to_uuid(data["location_id"])).first()
            if location is None:
                self.problem(
                    f"{path}.location_id", _("no location with this id in the dataset or the directory")
                )
                return None
        if location is not None:
            obj.location = location
        elif obj._state.adding:
            self.problem(
                path, _("a service_at_location needs its location (location_id or a nested location)")
            )
            return None
        self._keep_attributes(obj, data, stash)
        obj.extra = self._extra(obj, data, consumed, stash)
        obj.save()
        if "contacts" in data:
            self._sync_multi(
                Contact, "service_at_location", obj, data["contacts"], f"{path}.contacts", self.contact
            )
        if "phones" in data:
            self._sync_multi(Phone, "service_at_location", obj, data["phones"], f"{path}.phones", self.phone)
        if "schedules" in data:
            self._sync_multi(
                Schedule, "service_at_location", obj, data["schedules"], f"{path}.schedules", self.schedule
            )
        return obj

    # -- parts --

    def _sync_single(self, model, fk: str, parent, items: list, path: str, write):
        """Parts owned by one parent: write the given ones, delete the parent's others."""
        ids = []
        for index, item in enumerate(items):
            part = write(item, f"{path}[{index}]", **{fk: parent})
            if part is not None:
                ids.append(part.pk)
        model.objects.filter(**{fk: parent}).exclude(pk__in=ids).delete()

    def _sync_multi(self, model, fk: str, parent, items: list, path: str, write):
        """Parts that several records share (the same phone on a service and its location): write the given
        ones linked to `parent`; unlink the others from it, deleting those left without any parent."""
        ids = []
        for index, item in enumerate(items):
            part = write(item, f"{path}[{index}]", **{fk: parent})
            if part is not None:
                ids.append(part.pk)
        others = list(model.objects.filter(**{fk: parent}).exclude(pk__in=ids))
        parents = [f.name for f in model._meta.concrete_fields if f.name in FK_MODELS and f.name != fk]
        for other in others:
            setattr(other, fk, None)
            if all(getattr(other, f"{name}_id") is None for name in parents):
                other.delete()
            else:
                other.save(update_fields=[fk])

    def _part(self, model, kind, data, path, names, parent: dict, *, lists=()):
        obj = self._get(model, data["id"], kind)
        consumed, stash = {"id", "attributes", *lists}, {}
        self._scalars(obj, data, [(n, n) for n in names], path, consumed=consumed, extra=stash)
        ((parent_kind, parent_obj),) = parent.items()
        setattr(obj, parent_kind, parent_obj)
        self._link_parents(obj, data, consumed, stash, parent_kind, parent_obj)
        if "attributes" in data:
            stash["attributes"] = data["attributes"]
        return obj, consumed, stash

    def phone(self, data, path, **parent) -> Phone:
        obj, consumed, stash = self._part(
            Phone, "phone", data, path, serialize.PHONE_FIELDS[1:], parent, lists=("languages",)
        )
        obj.extra = self._extra(obj, data, consumed, stash)
        obj.save()
        if "languages" in data:
            self._sync_multi(
                ServiceLanguage, "phone", obj, data["languages"], f"{path}.languages", self.language
            )
        return obj

    def contact(self, data, path, **parent) -> Contact:
        obj, consumed, stash = self._part(
            Contact, "contact", data, path, serialize.CONTACT_FIELDS[1:], parent, lists=("phones",)
        )
        obj.extra = self._extra(obj, data, consumed, stash)
        obj.save()
        if "phones" in data:
            self._sync_multi(Phone, "contact", obj, data["phones"], f"{path}.phones", self.phone)
        return obj

    def language(self, data, path, **parent) -> ServiceLanguage:
        obj, consumed, stash = self._part(
            ServiceLanguage, "language", data, path, serialize.LANGUAGE_FIELDS[1:], parent
        )
        obj.extra = self._extra(obj, data, consumed, stash)
        obj.save()
        return obj

    def schedule(self, data, path, **parent) -> Schedule:
        obj, consumed, stash = self._part(
            Schedule, "schedule", data, path, serialize.SCHEDULE_FIELDS[1:], parent
        )
        attributes = stash.pop("attributes", None)
        if attributes is not None:
            by_appointment = [
                a
                for a in attributes
                if isinstance(a, dict) and a.get("link_type") == serialize.BY_APPOINTMENT_LINK_TYPE
            ]
            obj.by_appointment_only = any(str(a.get("value", "")).lower() == "true" for a in by_appointment)
            others = [a for a in attributes if a not in by_appointment]
            if others:
                stash["attributes"] = others
        obj.extra = self._extra(obj, data, consumed, stash)
        obj.save()
        return obj

    def address(self, data, path, **parent) -> Address:
        obj, consumed, stash = self._part(
            Address, "address", data, path, serialize.ADDRESS_FIELDS[1:], parent
        )
        obj.extra = self._extra(obj, data, consumed, stash)
        obj.save()
        return obj

    def accessibility(self, data, path, **parent) -> Accessibility:
        obj, consumed, stash = self._part(
            Accessibility, "accessibility", data, path, serialize.ACCESSIBILITY_FIELDS[1:], parent
        )
        obj.extra = self._extra(obj, data, consumed, stash)
        obj.save()
        return obj

    def cost_option(self, data, path, **parent) -> CostOption:
        obj, consumed, stash = self._part(
            CostOption, "cost_option", data, path, serialize.COST_OPTION_FIELDS[1:], parent
        )
        obj.extra = self._extra(obj, data, consumed, stash)
        obj.save()
        return obj

    def required_document(self, data, path, **parent) -> RequiredDocument:
        obj, consumed, stash = self._part(
            RequiredDocument, "required_document", data, path, serialize.REQUIRED_DOCUMENT_FIELDS[1:], parent
        )
        obj.extra = self._extra(obj, data, consumed, stash)
        obj.save()
        return obj

    def service_area(self, data, path, **parent) -> ServiceArea:
        obj, consumed, stash = self._part(
            ServiceArea, "service_area", data, path, serialize.SERVICE_AREA_FIELDS[1:], parent
        )
        obj.municipality, obj.province, obj.whole_region = self._area_of(obj.name)
        obj.extra = self._extra(obj, data, consumed, stash)
        obj.save()
        return obj

    def _area_of(self, name: str):
        """(municipality, province, whole region) a service area's name stands for, if any."""
        text = (name or "").strip().casefold()
        if not text:
            return None, None, False
        if text in REGION_NAMES:
            return None, None, True
        for prefix in PROVINCE_PREFIXES:
            if text.startswith(prefix):
                province = Province.objects.filter(name__iexact=text[len(prefix) :]).first()
                return None, province, False
        municipality = self._municipality_named(text)
        if municipality is not None:
            return municipality, None, False
        return None, Province.objects.filter(name__iexact=text).first(), False
