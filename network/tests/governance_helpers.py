"""Factories for the governance tests: agreements, tables, meetings, action items, PDF files."""

from __future__ import annotations

import datetime
import io
import itertools

from django.utils import timezone

from network.models import (
    ActionItem,
    Agreement,
    AgreementParty,
    ConsultationTable,
    Meeting,
    MeetingParticipant,
)

_sequence = itertools.count(1)


def make_agreement(parties, *, status="draft", kind="memorandum", **fields) -> Agreement:
    """`parties`: [(organisation, role)]; dates default to a signature 30 days ago for signed ones."""
    if status in ("signed", "expired"):
        fields.setdefault("signed_on", timezone.localdate() - datetime.timedelta(days=30))
    fields.setdefault("title", f"Protocollo d'intesa n. {next(_sequence)}")
    agreement = Agreement.objects.create(kind=kind, status=status, **fields)
    for organisation, role in parties:
        AgreementParty.objects.create(agreement=agreement, organisation=organisation, role=role)
    return agreement


def make_table(coordinator, members=(), **fields) -> ConsultationTable:
    fields.setdefault("name", f"Tavolo territoriale n. {next(_sequence)}")
    fields.setdefault("theme", "Inclusione lavorativa")
    table = ConsultationTable.objects.create(coordinator=coordinator, **fields)
    table.members.set([coordinator, *members])
    return table


def make_meeting(table, *, days_from_now: int = 7, hours: int = 2, invite: bool = True, **fields) -> Meeting:
    start = timezone.now().replace(minute=0, second=0, microsecond=0) + datetime.timedelta(days=days_from_now)
    fields.setdefault("title", f"Incontro n. {next(_sequence)}")
    fields.setdefault("place", "Sala consiliare")
    meeting = Meeting.objects.create(
        table=table, starts_at=start, ends_at=start + datetime.timedelta(hours=hours), **fields
    )
    if invite:
        for organisation in table.members.all():
            MeetingParticipant.objects.create(meeting=meeting, organisation=organisation)
    return meeting


def make_action_item(meeting, owner, *, due_in_days: int = 10, **fields) -> ActionItem:
    fields.setdefault("description", f"Azione n. {next(_sequence)}")
    return ActionItem.objects.create(
        meeting=meeting,
        owner=owner,
        due_date=timezone.localdate() + datetime.timedelta(days=due_in_days),
        **fields,
    )


# --- PDF files ------------------------------------------------------------------------------------


def pdf_bytes(build=None) -> bytes:
    """A one-page PDF written by pypdf; `build(writer)` may add something to it first."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if build is not None:
        build(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def with_javascript(writer) -> None:
    """A document-level script: /Names << /JavaScript << /Names [(x) << /S /JavaScript /JS (...) >>] >> >>."""
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('ciao');"),
        }
    )
    scripts = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("saluto"), writer._add_object(action)])}
    )
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/JavaScript"): scripts})


def with_open_action(writer) -> None:
    from pypdf.generic import ArrayObject, NameObject

    page = writer.pages[0].indirect_reference
    writer._root_object[NameObject("/OpenAction")] = ArrayObject([page, NameObject("/Fit")])


def with_attachment(writer) -> None:
    writer.add_attachment("note.txt", b"contenuto")


def with_launch_in_annotation(writer) -> None:
    from pypdf.generic import ArrayObject, DictionaryObject, FloatObject, NameObject, TextStringObject

    action = DictionaryObject(
        {NameObject("/S"): NameObject("/Launch"), NameObject("/F"): TextStringObject("calc.exe")}
    )
    annotation = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): ArrayObject(
                [FloatObject(0), FloatObject(0), FloatObject(10), FloatObject(10)]
            ),
            NameObject("/A"): action,
        }
    )
    writer.add_annotation(0, annotation)


def encrypted(writer) -> None:
    writer.encrypt("segreto")
