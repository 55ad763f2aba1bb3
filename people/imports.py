"""Import of participants from a spreadsheet (see core.imports for the framework and docs/import.md)."""

from __future__ import annotations

import datetime
import re

from codicefiscale import codicefiscale
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.imports import (
    HELP_MUNICIPALITY_ISTAT,
    CellError,
    Column,
    ImportContext,
    ImportKind,
    RowData,
    cell_text,
    choice,
    country_sheet,
    language_sheet,
    municipality_sheet,
    parse_boolean,
    parse_countries,
    parse_country,
    parse_date,
    parse_email,
    parse_languages,
    parse_municipality,
    past_date,
    register,
    text,
)
from people import actions
from people.eligibility import check_codice_fiscale, eligibility_errors, likely_duplicates
from people.models import EducationLevel, EmploymentStatus, Participant, PermitReason, Sex, years_before

MAX_AGE_YEARS = 110
DUPLICATES_SHOWN = 3
QUERY_CHUNK = 500

CODICE_FISCALE_RE = re.compile(
    r"^[A-Z]{6}[\dLMNPQRSTUV]{2}[ABCDEHLMPRST][\dLMNPQRSTUV]{2}[A-Z][\dLMNPQRSTUV]{3}[A-Z]$"
)
CF_MONTHS = "ABCDEHLMPRST"
CF_OMOCODE_DIGITS = str.maketrans("LMNPQRSTUV", "0123456789")


def parse_codice_fiscale(value, ctx) -> str:
    code = "".join(cell_text(value).split()).upper()
    if len(code) > 16:
        raise CellError(_("The codice fiscale is not valid (check letters, digits and control character)."))
    return code


@register
class ParticipantImport(ImportKind):
    slug = "participants"
    label = gettext_lazy("Participants")
    description = gettext_lazy(
        "Third-country nationals to register as participants of your organisation, one person per row."
    )
    permission = "participant.import"
    list_url_name = "people:participant_list"
    notes = [
        gettext_lazy(
            "Participants must be third-country nationals: rows with an Italian or other EU citizenship are refused."
        ),
        gettext_lazy(
            "Each row is compared with the participants your organisation has already registered: a person who may "
            "already be registered is reported as an error and the row must be removed from the file."
        ),
    ]
    columns = [
        Column("first_name", gettext_lazy("First name"), required=True, parser=text(100)),
        Column("last_name", gettext_lazy("Last name"), required=True, parser=text(100)),
        Column(
            "sex",
            gettext_lazy("Sex"),
            required=True,
            parser=choice(Sex.choices),
            choices=Sex.choices,
            width=8,
        ),
        Column(
            "birth_date",
            gettext_lazy("Birth date"),
            required=True,
            parser=past_date,
            format="date",
            width=12,
        ),
        Column(
            "country_of_birth",
            gettext_lazy("Country of birth"),
            required=True,
            parser=parse_country,
            help=gettext_lazy("ISO 3166 alpha-2 code, e.g. MA, NG, UA; IT for people born in Italy."),
            width=10,
        ),
        Column(
            "citizenships",
            gettext_lazy("Citizenships"),
            parser=parse_countries,
            help=gettext_lazy(
                "ISO 3166 alpha-2 codes separated by ';', e.g. MA;TN. Required unless the person is stateless. "
                "Italian and other EU citizenships are not eligible."
            ),
            default=list,
            format="list",
            width=12,
        ),
        Column(
            "is_stateless", gettext_lazy("Stateless"), parser=parse_boolean, default=False, format="boolean"
        ),
        Column(
            "codice_fiscale",
            gettext_lazy("Codice fiscale"),
            parser=parse_codice_fiscale,
            help=gettext_lazy(
                "16 characters, or the 11-digit temporary code. It is checked against the birth date, sex and "
                "country of birth."
            ),
            default="",
        ),
        Column(
            "arrival_date",
            gettext_lazy("Arrival in Italy"),
            parser=past_date,
            format="date",
            width=12,
        ),
        Column(
            "permit_reason",
            gettext_lazy("Residence permit reason"),
            parser=choice(PermitReason.choices),
            choices=PermitReason.choices,
            default="",
            width=22,
        ),
        Column(
            "permit_expiry",
            gettext_lazy("Residence permit expiry"),
            parser=parse_date,
            format="date",
            width=12,
        ),
        Column(
            "permit_being_renewed",
            gettext_lazy("Permit being renewed"),
            parser=parse_boolean,
            default=False,
            format="boolean",
        ),
        Column(
            "municipality_istat",
            gettext_lazy("Municipality of residence"),
            parser=parse_municipality,
            help=HELP_MUNICIPALITY_ISTAT,
            target="municipality",
            width=12,
        ),
        Column(
            "languages",
            gettext_lazy("Languages spoken"),
            parser=parse_languages,
            help=gettext_lazy("ISO 639-3 codes separated by ';', e.g. ara;fra (see the Languages sheet)."),
            default=list,
            format="list",
        ),
        Column("phone", gettext_lazy("Phone"), parser=text(40), default=""),
        Column("email", gettext_lazy("E-mail"), parser=parse_email, default="", width=24),
        Column(
            "education_level",
            gettext_lazy("Education level"),
            parser=choice(EducationLevel.choices),
            choices=EducationLevel.choices,
            default=EducationLevel.UNKNOWN,
            help=gettext_lazy("Highest level completed; empty means not known."),
        ),
        Column(
            "employment_status",
            gettext_lazy("Employment status"),
            parser=choice(EmploymentStatus.choices),
            choices=EmploymentStatus.choices,
            default=EmploymentStatus.UNKNOWN,
            help=gettext_lazy("Empty means not known."),
        ),
        Column(
            "unaccompanied_minor",
            gettext_lazy("Unaccompanied minor (MSNA)"),
            parser=parse_boolean,
            default=False,
            format="boolean",
        ),
    ]

    def clean_row(self, row: RowData, ctx: ImportContext) -> None:
        values = row.values
        birth = values.get("birth_date")
        if birth and birth < years_before(ctx.today, MAX_AGE_YEARS):
            row.add_error(
                "birth_date",
                _("Check the birth date: the person would be over %(years)s.") % {"years": MAX_AGE_YEARS},
            )
        if row.ok("citizenships", "is_stateless"):
            for message in eligibility_errors(values["citizenships"], is_stateless=values["is_stateless"]):
                row.add_error("citizenships", message)
        code = values.get("codice_fiscale")
        if code and not _codice_fiscale_surely_consistent(code, values, ctx):
            check = check_codice_fiscale(
                code,
                birth_date=birth,
                sex=values.get("sex"),
                country_of_birth=values.get("country_of_birth"),
            )
            for message in check.errors:
                row.add_error("codice_fiscale", message)
        arrival = values.get("arrival_date")
        if birth and arrival and arrival < birth:
            row.add_error("arrival_date", _("The arrival date is before the birth date."))

    def check_rows(self, rows: list[RowData], ctx: ImportContext) -> None:
        self._check_file_duplicates(rows)
        self._check_registered_duplicates(rows, ctx)

    def _check_file_duplicates(self, rows: list[RowData]) -> None:
        by_code: dict[str, int] = {}
        by_person: dict[tuple, int] = {}
        for row in rows:
            code = row.values.get("codice_fiscale")
            if code:
                if code in by_code:
                    row.add_error(
                        "codice_fiscale",
                        _(
                            "Row %(row)s has the same codice fiscale: each person must appear only once in the file."
                        )
                        % {"row": by_code[code]},
                    )
                    continue
                by_code[code] = row.number
            key = _person_key(row.values)
            if key:
                if key in by_person:
                    row.add_error(
                        "first_name",
                        _(
                            "Row %(row)s has the same first name, last name and birth date: each person must "
                            "appear only once in the file."
                        )
                        % {"row": by_person[key]},
                    )
                else:
                    by_person[key] = row.number

    def _check_registered_duplicates(self, rows: list[RowData], ctx: ImportContext) -> None:
        """Likely duplicates among the participants the user can see: candidates found with one query per 500
        rows, then confirmed with the registration form's rule (people.eligibility.likely_duplicates)."""
        visible = Participant.objects.visible_to(ctx.user)
        candidates = [
            r for r in rows if r.ok("first_name", "last_name", "birth_date", "citizenships", "codice_fiscale")
        ]
        codes = sorted({r.values["codice_fiscale"] for r in candidates if r.values.get("codice_fiscale")})
        dates = sorted({r.values["birth_date"] for r in candidates if r.values.get("birth_date")})
        # Who in the scope might match: codice fiscale -> ids, (names, birth date, citizenship) -> ids.
        by_code: dict[str, set[int]] = {}
        by_person: dict[tuple, set[int]] = {}
        for start in range(0, max(len(codes), len(dates)), QUERY_CHUNK):
            q = Q(codice_fiscale__in=codes[start : start + QUERY_CHUNK]) | Q(
                birth_date__in=dates[start : start + QUERY_CHUNK]
            )
            for pk, code, first, last, birth, citizenship in visible.filter(q).values_list(
                "pk", "codice_fiscale", "first_name", "last_name", "birth_date", "citizenships"
            ):
                if code:
                    by_code.setdefault(code, set()).add(pk)
                if citizenship:
                    key = _person_key({"first_name": first, "last_name": last, "birth_date": birth})
                    by_person.setdefault((*key, citizenship), set()).add(pk)
        if not by_code and not by_person:
            return
        for row in candidates:
            values = row.values
            code = values.get("codice_fiscale") or ""
            key = _person_key(values)
            pks = set(by_code.get(code, ()))
            for citizenship in values["citizenships"]:
                pks |= by_person.get((*key, citizenship.pk), set())
            if not pks:
                continue
            # The registration form's rule decides, on the few records found above.
            matches = list(
                likely_duplicates(
                    visible.filter(pk__in=pks),
                    first_name=values["first_name"],
                    last_name=values["last_name"],
                    birth_date=values["birth_date"],
                    citizenships=values["citizenships"],
                    codice_fiscale=code,
                )[:DUPLICATES_SHOWN]
            )
            if not matches:
                continue
            who = "; ".join(
                _("%(name)s, born on %(date)s (%(organisation)s)")
                % {"name": str(p), "date": p.birth_date.strftime("%d/%m/%Y"), "organisation": p.owner.name}
                for p in matches
            )
            same_code = bool(code) and any(p.codice_fiscale == code for p in matches)
            row.add_error(
                "codice_fiscale" if same_code else "first_name",
                _(
                    "This person may already be registered: %(who)s. If it is the same person, remove this row "
                    "from the file; if it is a different person, remove the row and register them from the "
                    "participant form, where you can confirm that they are a different person."
                )
                % {"who": who},
            )

    def commit_rows(self, rows: list[RowData], ctx: ImportContext) -> int:
        for row in rows:
            # An empty list adds nothing to a new record: leave it out and spare the query.
            data = {k: v for k, v in row.values.items() if not (isinstance(v, list) and not v)}
            try:
                actions.register_participant(acting_user=ctx.user, data=data)
            except Exception as error:
                error.import_row = row.number
                raise
        return len(rows)

    def reference_sheets(self, ctx: ImportContext):
        return [country_sheet(), language_sheet(), municipality_sheet()]


def _codice_fiscale_surely_consistent(code: str, values: dict, ctx: ImportContext) -> bool:
    """A fast pre-check, True only when `check_codice_fiscale` would certainly find nothing wrong.

    The library behind `check_codice_fiscale` recomputes every omocode variant of a code (about 4 ms each), which
    is too slow for thousands of rows. Codes that are well formed, carry the right check character and encode
    exactly the row's birth date, sex and place of birth pass here; any other code goes to the full check,
    which decides and words the errors."""
    birth, country, sex = values.get("birth_date"), values.get("country_of_birth"), values.get("sex")
    if birth is None or country is None or not CODICE_FISCALE_RE.match(code):
        return False
    if codicefiscale.encode_cin(code[:15]) != code[15]:
        return False
    year = int(code[6:8].translate(CF_OMOCODE_DIGITS))
    day = int(code[9:11].translate(CF_OMOCODE_DIGITS))
    encoded_sex = "F" if day > 40 else "M"
    day = day - 40 if day > 40 else day
    # The century the library assumes: the latest year that is not in the future.
    this_year = datetime.date.today().year
    year += this_year // 100 * 100
    if year > this_year:
        year -= 100
    try:
        encoded_birth = datetime.date(year, CF_MONTHS.index(code[8]) + 1, day)
    except ValueError:
        return False
    if encoded_birth != birth or (sex in ("F", "M") and sex != encoded_sex):
        return False
    place = code[11] + code[12:15].translate(CF_OMOCODE_DIGITS)
    if country.iso_alpha2 == "IT":
        from territory.models import Municipality

        italian_places = ctx.cached(
            "cadastral_codes", lambda: set(Municipality.objects.values_list("cadastral_code", flat=True))
        )
        return place in italian_places
    return bool(country.cadastral_code) and place == country.cadastral_code


def _person_key(values: dict) -> tuple | None:
    first, last, birth = values.get("first_name"), values.get("last_name"), values.get("birth_date")
    if not (first and last and isinstance(birth, datetime.date)):
        return None
    return (" ".join(first.split()).casefold(), " ".join(last.split()).casefold(), birth)
