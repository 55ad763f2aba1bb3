"""Checks on the signed document of an agreement before it is stored.

Only a plain PDF is accepted: the right extension, content type and magic bytes, at most
`AGREEMENT_MAX_UPLOAD` bytes, readable by pypdf, not encrypted, and with no active content (scripts,
automatic actions, launched programs, embedded files, rich media, XFA forms). A file that fails any check
is refused with a message saying why; nothing is stored."""

from __future__ import annotations

import hashlib
import io
import logging
import re
import uuid
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

DEFAULT_MAX_UPLOAD = 10 * 1024 * 1024  # 10 MB
ALLOWED_CONTENT_TYPES = frozenset({"application/pdf", "application/x-pdf"})
PDF_MAGIC = b"%PDF-"

# PDF names that run code, act on their own when the file is opened, or carry other files.
ACTIVE_NAMES = frozenset(
    {
        "/JavaScript",
        "/JS",
        "/OpenAction",
        "/AA",
        "/Launch",
        "/EmbeddedFile",
        "/EmbeddedFiles",
        "/RichMedia",
        "/XFA",
    }
)
# The same names as they appear in the raw bytes (a name ends at whitespace or a delimiter). The raw scan
# also sees objects no reference reaches, which a reader could still be tricked into running.
_RAW_ACTIVE = re.compile(
    rb"/(?:JavaScript|JS|OpenAction|AA|Launch|EmbeddedFiles?|RichMedia|XFA)(?=[\s/<>\[\]()%{}]|$)"
)
# A guard against files built to make the walk endless or very long.
MAX_OBJECTS = 200_000


def max_upload_size() -> int:
    return int(getattr(settings, "AGREEMENT_MAX_UPLOAD", DEFAULT_MAX_UPLOAD))


@dataclass(frozen=True)
class CheckedPdf:
    content: bytes
    sha256: str


def random_storage_name() -> str:
    """A random file name: the uploader's name is never used on disk."""
    return f"{uuid.uuid4().hex}.pdf"


def check_agreement_pdf(upload) -> CheckedPdf:
    """Validate an uploaded file (a Django `UploadedFile`) and return its bytes and SHA-256.

    Raises ValidationError with a message for the person uploading."""
    name = (getattr(upload, "name", "") or "").lower()
    if not name.endswith(".pdf"):
        raise ValidationError(_("Upload the signed document as a PDF file (.pdf)."), code="extension")
    content_type = (getattr(upload, "content_type", "") or "").split(";")[0].strip().lower()
    if content_type not in ALLOWED_CONTENT_TYPES:
        raise ValidationError(_("The file is not a PDF document."), code="content_type")
    limit = max_upload_size()
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("The file is too large: the limit is %(size)s MB.") % {"size": limit // (1024 * 1024)},
            code="size",
        )
    if hasattr(upload, "seek"):
        upload.seek(0)
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationError(
            _("The file is too large: the limit is %(size)s MB.") % {"size": limit // (1024 * 1024)},
            code="size",
        )
    return check_pdf_bytes(content)


def check_pdf_bytes(content: bytes) -> CheckedPdf:
    if not content.startswith(PDF_MAGIC):
        raise ValidationError(_("The file is not a PDF document."), code="magic")
    if _RAW_ACTIVE.search(content):
        raise _active_content()
    reader = _read(content)
    if reader.is_encrypted:
        raise ValidationError(
            _("The PDF is protected by a password or encrypted: upload a copy without protection."),
            code="encrypted",
        )
    try:
        if len(reader.pages) == 0:
            raise ValidationError(_("The PDF has no pages."), code="empty")
        found = _find_active_content(reader)
    except ValidationError:
        raise
    except Exception as error:  # any parser failure: the file cannot be trusted
        logger.info("Agreement PDF refused while walking its objects: %s", error)
        raise _unreadable() from error
    if found:
        raise _active_content()
    return CheckedPdf(content=content, sha256=hashlib.sha256(content).hexdigest())


def _read(content: bytes):
    from pypdf import PdfReader

    try:
        return PdfReader(io.BytesIO(content), strict=False)
    except Exception as error:  # pypdf raises many kinds of errors
        logger.info("Agreement PDF refused, pypdf cannot read it: %s", error)
        raise _unreadable() from error


def _unreadable() -> ValidationError:
    return ValidationError(
        _("The PDF cannot be read: it may be damaged. Save it again as PDF and upload the new copy."),
        code="unreadable",
    )


def _active_content() -> ValidationError:
    return ValidationError(
        _(
            "The PDF contains active content (scripts, automatic actions, attachments or interactive "
            "forms) and cannot be accepted. Print it again to PDF, or scan the signed paper copy, and "
            "upload the new file."
        ),
        code="active_content",
    )


def _find_active_content(reader) -> bool:
    """Walk every object reachable from the trailer, and every object listed in the cross-reference
    tables, looking for the names in ACTIVE_NAMES (as keys, or as an action's /S type)."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

    seen_refs: set[tuple[int, int]] = set()
    stack: list = [reader.trailer]
    for generation, objects in getattr(reader, "xref", {}).items():
        stack.extend(IndirectObject(idnum, generation, reader) for idnum in objects)
    stack.extend(IndirectObject(idnum, 0, reader) for idnum in getattr(reader, "xref_objStm", {}))
    visited = 0
    while stack:
        item = stack.pop()
        visited += 1
        if visited > MAX_OBJECTS:
            raise _unreadable()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen_refs:
                continue
            seen_refs.add(key)
            # An object pypdf cannot parse raises: the caller refuses the file, since another reader
            # might parse it and run what it holds.
            item = item.get_object()
            if item is None:
                continue
        if isinstance(item, DictionaryObject):  # includes streams
            for name, value in item.items():
                if str(name) in ACTIVE_NAMES:
                    return True
                if name == "/S" and isinstance(value, NameObject) and str(value) in ACTIVE_NAMES:
                    return True
                stack.append(value)
        elif isinstance(item, ArrayObject):
            stack.extend(item)
    return False
