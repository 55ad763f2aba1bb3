"""Validation of HSDS 3.0 objects against the official Open Referral JSON schemas.

The schema files in `schema/` are the specification's own (`schema/*.json` of HSDS 3.0, CC BY-SA 4.0, see
`schema/LICENSE`); they point to each other with relative `$ref`s (`"$ref": "phone.json"`), resolved here
through a `referencing.Registry` so nothing is fetched from the network.

Formats are checked (`uuid`, `email`, `uri`, `date-time`) with small checkers of our own, because the
checkers jsonschema offers for `uri` and `date-time` need extra packages.
"""

from __future__ import annotations

import datetime
import functools
import json
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

SCHEMA_DIR = Path(__file__).resolve().parent / "schema"
SCHEMA_BASE = "https://hsds.invalid/schema/"  # a made-up base so relative $refs resolve inside the registry

# The kinds of object the API, the export and the importer speak about, each with its schema file.
KINDS = (
    "service",
    "organization",
    "service_at_location",
    "location",
    "taxonomy",
    "taxonomy_term",
)

_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*$")


@dataclass(frozen=True)
class SchemaError:
    """One violation: where (a JSON path such as `$.phones[0].id`) and what."""

    path: str
    message: str

    def __str__(self):
        return f"{self.path}: {self.message}"


def json_path(parts, root: str = "$") -> str:
    out = root
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", str(part)):
            out += f".{part}"
        else:
            out += f"[{json.dumps(str(part))}]"
    return out


def _format_checker() -> FormatChecker:
    checker = FormatChecker(formats=())

    @checker.checks("uuid", raises=ValueError)
    def is_uuid(value):
        if not isinstance(value, str):
            return True
        uuid.UUID(value)
        return len(value) == 36

    @checker.checks("email")
    def is_email(value):
        if not isinstance(value, str):
            return True
        local, _at, domain = value.rpartition("@")
        return bool(local) and bool(domain) and " " not in value

    @checker.checks("uri", raises=ValueError)
    def is_uri(value):
        if not isinstance(value, str):
            return True
        parts = urlsplit(value)
        return bool(parts.scheme) and bool(_SCHEME.match(parts.scheme)) and " " not in value

    @checker.checks("date-time", raises=ValueError)
    def is_datetime(value):
        if not isinstance(value, str):
            return True
        if "T" not in value.upper():
            return False
        datetime.datetime.fromisoformat(value.replace("z", "Z"))
        return True

    return checker


@functools.cache
def registry() -> Registry:
    resources = []
    for path in sorted(SCHEMA_DIR.glob("*.json")):
        if path.name == "openapi.json":
            continue
        contents = json.loads(path.read_text(encoding="utf-8"))
        resources.append((SCHEMA_BASE + path.name, Resource.from_contents(contents, DRAFT202012)))
    return Registry().with_resources(resources)


@functools.cache
def validator(kind: str) -> Draft202012Validator:
    if kind not in KINDS:
        raise ValueError(f"Unknown HSDS kind: {kind}")
    schema = {"$ref": SCHEMA_BASE + f"{kind}.json"}
    return Draft202012Validator(schema, registry=registry(), format_checker=_format_checker())


def validate(obj, kind: str, root: str = "$") -> list[SchemaError]:
    """Every violation of the `kind` schema in `obj`, in document order, with readable JSON paths."""
    errors = sorted(validator(kind).iter_errors(obj), key=lambda e: [str(p) for p in e.absolute_path])
    out = []
    for error in errors:
        out.append(SchemaError(json_path(error.absolute_path, root), _message(error)))
    return out


def _message(error) -> str:
    if error.validator == "required":
        return error.message
    if error.validator == "format":
        return f"{json.dumps(error.instance, ensure_ascii=False)[:80]} is not a valid {error.validator_value}"
    if error.validator == "type":
        return f"{json.dumps(error.instance, ensure_ascii=False)[:80]} is not of type {error.validator_value}"
    if error.validator == "enum":
        allowed = ", ".join(json.dumps(v) for v in error.validator_value)
        return f"{json.dumps(error.instance, ensure_ascii=False)[:80]} is not one of {allowed}"
    return error.message[:300]


def is_valid(obj, kind: str) -> bool:
    return validator(kind).is_valid(obj)
