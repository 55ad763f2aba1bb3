"""Bulk import of spreadsheets (XLSX or CSV): the shared framework.

Each kind of import (participants, organisations, …) is an `ImportKind` registered from its app's
`imports` module; `KIND_MODULES` lists those modules and they are imported on first use.

The flow is always the same, for the web pages and for `manage.py import_data`:

1. `read_table(file)` reads the first sheet of an XLSX workbook or a CSV file (UTF-8, comma or semicolon);
   unreadable, too big or too long files raise `ImportFileError` with one clear message.
2. `validate(kind, table, user)` checks the header, then every cell of every row (required values,
   formats, codes), then each row as a whole and the file as a whole (duplicates). Nothing is written.
3. `commit(kind, report, user)` writes every valid row in one transaction, through the domain actions:
   all rows or none.

`run_import(kind, file, user, dry_run=...)` chains the three steps and never raises for bad input.
"""

from __future__ import annotations

import abc
import csv
import datetime
import importlib
import io
import logging
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import URLValidator, validate_email
from django.db import transaction
from django.http import Http404
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl.utils import get_column_letter

from core.scoping import active_membership, require_permission, user_can

logger = logging.getLogger(__name__)

# Modules that define and register import kinds; each app that adds a kind appends its module here.
KIND_MODULES = ["people.imports", "network.imports", "paths.imports", "activities.imports"]

# Error rows shown on a web page; the command line prints them all.
MAX_ERRORS_SHOWN = 500

TRUE_WORDS = frozenset({"sì", "si", "s", "yes", "y", "true", "vero", "1", "x"})
FALSE_WORDS = frozenset({"no", "n", "false", "falso", "0"})
# The values offered by the template's drop-down for yes/no columns.
BOOLEAN_CHOICES = ["sì", "no"]
LIST_SEPARATORS = re.compile(r"[;,\s]+")

XLSX_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # old binary Excel (.xls)


class ImportFileError(Exception):
    """The file as a whole cannot be used (not a spreadsheet, too big, too many rows…)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class CellError(Exception):
    """A cell's value is not acceptable; the message is shown to the user."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --- Tables ------------------------------------------------------------------------------------------


@dataclass
class TableRow:
    number: int  # as the spreadsheet shows it: the header is row 1
    cells: list[Any]


@dataclass
class Table:
    header: list[str]
    rows: list[TableRow]
    format: str  # "xlsx" or "csv"


def _is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def read_table(uploaded_file, max_rows: int | None = None) -> Table:
    """Read the first sheet of an XLSX workbook, or a CSV file, into a header and non-empty rows (at most
    `max_rows`, by default `IMPORT_MAX_ROWS`)."""
    max_rows = max_rows or settings.IMPORT_MAX_ROWS
    size = getattr(uploaded_file, "size", None)
    limit = settings.IMPORT_MAX_FILE_SIZE
    if size is not None and size > limit:
        raise ImportFileError(_file_too_big(size, limit))
    if hasattr(uploaded_file, "seek"):
        uploaded_file.seek(0)
    content = uploaded_file.read(limit + 1)
    if isinstance(content, str):
        content = content.encode()
    if len(content) > limit:
        raise ImportFileError(_file_too_big(size or len(content), limit))
    if not content.strip():
        raise ImportFileError(_("The file is empty."))
    name = (getattr(uploaded_file, "name", "") or "").lower()
    if content.startswith(XLSX_MAGIC):
        table = _read_xlsx(content, max_rows)
    elif content.startswith(OLE_MAGIC) or name.endswith(".xls"):
        raise ImportFileError(
            _(
                "Old Excel files (.xls) cannot be read: save the file as an Excel workbook (.xlsx) and upload it again."
            )
        )
    elif name.endswith(".xlsx"):
        raise ImportFileError(_damaged_xlsx())
    else:
        table = _read_csv(content, name, max_rows)
    if not any(table.header):
        raise ImportFileError(
            _("The first row of the file is empty: it must contain the column names of the template.")
        )
    return table


def _damaged_xlsx() -> str:
    return _(
        "The file is not a valid Excel workbook (.xlsx): it may be damaged. Save it again from your spreadsheet."
    )


def _file_too_big(size: int, limit: int) -> str:
    return _("The file is too big (%(size)s): the limit is %(limit)s. Split it into smaller files.") % {
        "size": filesizeformat(size),
        "limit": filesizeformat(limit),
    }


def _too_many_rows(max_rows: int) -> str:
    return _("The file has more than %(max)s rows: split it into smaller files.") % {"max": max_rows}


def _collect_rows(raw_rows: Iterable[Iterable[Any]], max_rows: int) -> tuple[list[str], list[TableRow]]:
    header: list[str] | None = None
    rows: list[TableRow] = []
    for number, cells in enumerate(raw_rows, start=1):
        cells = list(cells)
        if header is None:
            header = ["" if _is_blank(c) else str(c).strip() for c in cells]
            while header and not header[-1]:
                header.pop()
            continue
        if all(_is_blank(c) for c in cells):
            continue
        if len(rows) >= max_rows:
            raise ImportFileError(_too_many_rows(max_rows))
        rows.append(TableRow(number, cells))
    return header or [], rows


def _read_xlsx(content: bytes, max_rows: int) -> Table:
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception:  # a damaged zip, a zip that is not a workbook, a malformed sheet…
        raise ImportFileError(_damaged_xlsx()) from None
    try:
        if not workbook.worksheets:
            raise ImportFileError(_("The workbook has no sheet."))
        header, rows = _collect_rows(workbook.worksheets[0].iter_rows(values_only=True), max_rows)
    except ImportFileError:
        raise
    except Exception:
        raise ImportFileError(_damaged_xlsx()) from None
    finally:
        workbook.close()
    return Table(header=header, rows=rows, format="xlsx")


def _read_csv(content: bytes, name: str, max_rows: int) -> Table:
    looks_like_csv = name.endswith((".csv", ".txt"))
    if b"\x00" in content:
        raise ImportFileError(_not_readable())
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        if looks_like_csv:
            raise ImportFileError(
                _('The CSV file is not in UTF-8: in your spreadsheet use "Save as" and choose "CSV UTF-8".')
            ) from None
        raise ImportFileError(_not_readable()) from None
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    try:
        header, rows = _collect_rows(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), max_rows)
    except csv.Error:
        raise ImportFileError(_not_readable()) from None
    return Table(header=header, rows=rows, format="csv")


def _not_readable() -> str:
    return _(
        "The file could not be read: upload an Excel workbook (.xlsx) or a CSV file (UTF-8) made from the template."
    )


# --- Cell parsers --------------------------------------------------------------------------------------
# A parser receives a non-empty cell value (str from CSV; str, int, float, datetime or bool from XLSX) and the
# import context, and returns the Python value or raises CellError.


def cell_text(value: Any) -> str:
    """A cell as text: whole numbers without '.0', dates as dd/mm/yyyy."""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, Decimal) and value == value.to_integral_value():
        return str(int(value))
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def text(max_length: int | None = None, *, upper: bool = False) -> Callable:
    def parse(value, ctx):
        result = " ".join(cell_text(value).split())
        if max_length and len(result) > max_length:
            raise CellError(
                _("The text is too long: at most %(max)s characters (it has %(length)s).")
                % {"max": max_length, "length": len(result)}
            )
        return result.upper() if upper else result

    return parse


EXCEL_SERIAL_MIN = 7306  # 1 January 1920
DATE_FORMATS = ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y")


def parse_date(value, ctx) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and EXCEL_SERIAL_MIN <= value < 2958466:
        # A date in a cell formatted as a number: Excel's serial day count. Smaller numbers (a year typed
        # alone, 1990) are not taken for dates.
        from openpyxl.utils.datetime import from_excel

        return from_excel(value).date()
    raw = cell_text(value)
    raw = re.sub(r"[ T]\d{1,2}:\d{2}(:\d{2})?\S*$", "", raw)  # a date-time written as text
    for fmt in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(raw, fmt).date()
        except ValueError:
            continue
    raise CellError(_("%(value)s is not a date: write it as dd/mm/yyyy (e.g. 31/01/2024).") % {"value": raw})


def past_date(value, ctx) -> datetime.date:
    day = parse_date(value, ctx)
    if day > ctx.today:
        raise CellError(_("The date %(date)s is in the future.") % {"date": day.strftime("%d/%m/%Y")})
    return day


def parse_boolean(value, ctx) -> bool:
    if isinstance(value, bool):
        return value
    word = cell_text(value).lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise CellError(
        _("%(value)s is not a yes/no value: write sì or no (yes/no, 1/0 and x are accepted too).")
        % {"value": cell_text(value)}
    )


def choice(choices) -> Callable:
    """A code among a TextChoices' values (case-insensitive)."""
    codes = {str(code).lower(): code for code, _label in choices}

    def parse(value, ctx):
        raw = cell_text(value)
        if raw.lower() in codes:
            return codes[raw.lower()]
        raise CellError(
            _("%(value)s is not an allowed value: use one of %(codes)s.")
            % {"value": raw, "codes": ", ".join(str(code) for code, _label in choices)}
        )

    return parse


def parse_email(value, ctx) -> str:
    raw = cell_text(value)
    try:
        validate_email(raw)
    except ValidationError:
        raise CellError(_("%(value)s is not a valid e-mail address.") % {"value": raw}) from None
    if len(raw) > 254:
        raise CellError(_("The e-mail address is too long."))
    return raw


def parse_url(value, ctx) -> str:
    raw = cell_text(value)
    if "://" not in raw:
        raw = "https://" + raw
    try:
        URLValidator()(raw)
    except ValidationError:
        raise CellError(_("%(value)s is not a valid web address.") % {"value": cell_text(value)}) from None
    if len(raw) > 200:
        raise CellError(_("The web address is too long."))
    return raw


def _countries(ctx) -> dict:
    from territory.models import Country

    return ctx.cached("countries", lambda: {c.iso_alpha2.upper(): c for c in Country.objects.all()})


def parse_country(value, ctx):
    code = cell_text(value).upper()
    country = _countries(ctx).get(code)
    if country is None:
        raise CellError(
            _("Unknown country code %(code)s: use the ISO 3166 alpha-2 code (e.g. MA, NG, UA).")
            % {"code": code}
        )
    return country


def parse_countries(value, ctx) -> list:
    result = []
    for code in LIST_SEPARATORS.split(cell_text(value).upper()):
        if code:
            country = parse_country(code, ctx)
            if country not in result:
                result.append(country)
    return result


def parse_languages(value, ctx) -> list:
    from territory.models import Language

    languages = ctx.cached("languages", lambda: {lang.code.lower(): lang for lang in Language.objects.all()})
    result, unknown = [], []
    for code in LIST_SEPARATORS.split(cell_text(value).lower()):
        if not code:
            continue
        if code not in languages:
            unknown.append(code)
        elif languages[code] not in result:
            result.append(languages[code])
    if unknown:
        raise CellError(
            _(
                "Unknown language code %(codes)s: use ISO 639-3 codes (e.g. ara, eng, fra, wol) separated by ';'."
            )
            % {"codes": ", ".join(unknown)}
        )
    return result


def parse_municipality(value, ctx):
    from territory.models import Municipality

    raw = cell_text(value)
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6:
        raise CellError(
            _("%(value)s is not an ISTAT municipality code: write the 6 digits (e.g. 063049 for Napoli).")
            % {"value": raw}
        )
    code = raw.zfill(6)
    municipalities = ctx.cached(
        "municipalities",
        lambda: {
            m.istat_code: m for m in Municipality.objects.only("pk", "istat_code", "name", "cadastral_code")
        },
    )
    if code not in municipalities:
        raise CellError(_("Unknown ISTAT municipality code %(code)s.") % {"code": code})
    return municipalities[code]


# --- Kinds ---------------------------------------------------------------------------------------------


@dataclass
class Column:
    """One column of an import: its header (stable machine name), meaning and parser."""

    name: str
    label: Any
    required: bool = False
    parser: Callable[[Any, ImportContext], Any] | None = None  # plain text when not given
    help: Any = ""
    target: str | None = None  # key in the row's values; the column name by default
    default: Any = None  # value of an empty cell
    choices: list[tuple[str, Any]] | None = None  # codes and labels, listed and offered as a drop-down
    format: str = "text"  # "text", "date", "boolean", "list": the template's cell format and hints
    width: int = 18

    def __post_init__(self):
        if self.parser is None:
            self.parser = text()

    @property
    def key(self) -> str:
        return self.target or self.name

    def dropdown(self) -> list[str] | None:
        if self.choices:
            return [str(code) for code, _label in self.choices]
        if self.format == "boolean":
            return BOOLEAN_CHOICES
        return None


class ImportKind(abc.ABC):
    """Base class of a kind of import. Subclasses set the attributes and implement `commit_rows`."""

    slug: str = ""
    label: Any = ""
    description: Any = ""
    permission: str = ""
    columns: list[Column] = []
    list_url_name: str | None = None  # where the imported records are listed
    notes: list[Any] = []  # extra lines for the instructions sheet
    max_rows: int | None = None  # data rows per file; None: the IMPORT_MAX_ROWS setting

    @property
    def row_limit(self) -> int:
        return self.max_rows or settings.IMPORT_MAX_ROWS

    def column(self, name: str) -> Column:
        for column in self.columns:
            if column.name == name:
                return column
        raise KeyError(name)

    def clean_row(self, row: RowData, ctx: ImportContext) -> None:
        """Checks across the cells of one row; report problems with `row.add_error(column_name, message)`."""
        return None

    def check_rows(self, rows: list[RowData], ctx: ImportContext) -> None:
        """Checks across rows (duplicates inside the file or in the database)."""
        return None

    @abc.abstractmethod
    def commit_rows(self, rows: list[RowData], ctx: ImportContext) -> int:
        """Write every row; called inside one transaction. Returns the number of records created."""

    def reference_sheets(self, ctx: ImportContext) -> list[tuple[str, list[str], list[list[Any]]]]:
        """Extra sheets of codes for the template: (title, header, rows)."""
        return []


_REGISTRY: dict[str, ImportKind] = {}
_loaded = False


def register(kind: ImportKind | type[ImportKind]) -> ImportKind | type[ImportKind]:
    """Register a kind (an instance or a class, so it can decorate one)."""
    instance = kind() if isinstance(kind, type) else kind
    if not instance.slug:
        raise ValueError("An import kind needs a slug")
    _REGISTRY[instance.slug] = instance
    return kind


def _load_kinds() -> None:
    global _loaded
    if not _loaded:
        for module in KIND_MODULES:
            importlib.import_module(module)
        _loaded = True


def all_kinds() -> list[ImportKind]:
    _load_kinds()
    return list(_REGISTRY.values())


def get_kind(slug: str) -> ImportKind:
    _load_kinds()
    try:
        return _REGISTRY[slug]
    except KeyError:
        raise Http404 from None


def kinds_for(user) -> list[ImportKind]:
    return [kind for kind in all_kinds() if user_can(user, kind.permission)]


# --- Validation ----------------------------------------------------------------------------------------


class ImportContext:
    """What parsers and kinds need during one import: the user, today's date and lookup caches."""

    def __init__(self, kind: ImportKind, user, letters: dict[str, str] | None = None):
        self.kind = kind
        self.user = user
        self.membership = active_membership(user)
        self.today = timezone.localdate()
        self.letters = letters or {}
        self._cache: dict[str, Any] = {}

    def cached(self, key: str, factory: Callable[[], Any]) -> Any:
        if key not in self._cache:
            self._cache[key] = factory()
        return self._cache[key]


@dataclass(frozen=True)
class RowError:
    row: int | None  # None: the file as a whole
    column: str
    letter: str
    message: str

    def __str__(self):
        if self.row is None:
            return self.message
        where = _("row %(row)s") % {"row": self.row}
        if self.column:
            column = f"{self.column} ({self.letter})" if self.letter else self.column
            where += ", " + _("column %(column)s") % {"column": column}
        return f"{where}: {self.message}"


class RowData:
    """One data row after parsing: its values keyed by field, and its errors."""

    def __init__(self, number: int, ctx: ImportContext):
        self.number = number
        self.values: dict[str, Any] = {}
        self.failed: set[str] = set()  # columns whose cell could not be parsed
        self.errors: list[RowError] = []
        self._ctx = ctx

    def add_error(self, column: str | None, message: str) -> None:
        column = column or ""
        self.errors.append(RowError(self.number, column, self._ctx.letters.get(column, ""), str(message)))

    def ok(self, *columns: str) -> bool:
        """True when these columns were parsed without errors."""
        return not self.failed.intersection(columns)

    @property
    def valid(self) -> bool:
        return not self.errors


@dataclass
class ImportReport:
    kind: ImportKind
    errors: list[RowError] = field(default_factory=list)
    valid_rows: list[RowData] = field(default_factory=list)
    total_rows: int = 0
    dry_run: bool = True
    imported: int = 0
    file_format: str = ""
    context: ImportContext | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def error_rows(self) -> int:
        return len({e.row for e in self.errors if e.row is not None})

    @property
    def errors_shown(self) -> list[RowError]:
        return self.errors[:MAX_ERRORS_SHOWN]

    @property
    def errors_hidden(self) -> int:
        return max(0, len(self.errors) - MAX_ERRORS_SHOWN)


def _file_error(kind: ImportKind, message: str) -> ImportReport:
    return ImportReport(kind=kind, errors=[RowError(None, "", "", message)])


def _check_header(kind: ImportKind, table: Table) -> tuple[dict[str, int], list[RowError]]:
    """Map column names to their positions; header problems are file-level errors (reported on row 1)."""
    known = {c.name.lower(): c for c in kind.columns}
    positions: dict[str, int] = {}
    errors = []
    for index, raw in enumerate(table.header):
        letter = get_column_letter(index + 1)
        name = raw.strip().rstrip("*").strip().lower()
        if not name:
            continue
        column = known.get(name)
        if column is None:
            errors.append(
                RowError(
                    1,
                    raw,
                    letter,
                    _(
                        "Unknown column %(name)s: the allowed column names are in the template's instructions sheet."
                    )
                    % {"name": raw},
                )
            )
        elif column.name in positions:
            errors.append(
                RowError(
                    1, raw, letter, _("The column %(name)s appears more than once.") % {"name": column.name}
                )
            )
        else:
            positions[column.name] = index
    for column in kind.columns:
        if column.required and column.name not in positions:
            errors.append(
                RowError(
                    1, column.name, "", _("The required column %(name)s is missing.") % {"name": column.name}
                )
            )
    # Values under a column without a name would be silently lost.
    width = len(table.header)
    unnamed = {i for i, raw in enumerate(table.header) if not raw.strip()}
    first_seen: dict[int, int] = {}
    for row in table.rows:
        for index, cell in enumerate(row.cells):
            if (index >= width or index in unnamed) and index not in first_seen and not _is_blank(cell):
                first_seen[index] = row.number
    for index, number in sorted(first_seen.items()):
        letter = get_column_letter(index + 1)
        errors.append(
            RowError(
                1,
                "",
                letter,
                _("Column %(letter)s has values (from row %(row)s) but no name in the header row.")
                % {"letter": letter, "row": number},
            )
        )
    return positions, errors


def validate(kind: ImportKind, table: Table, user) -> ImportReport:
    """Check the header and every row; write nothing. The report's valid_rows are ready for `commit`."""
    report = ImportReport(kind=kind, total_rows=len(table.rows), file_format=table.format)
    positions, header_errors = _check_header(kind, table)
    if header_errors:
        report.errors = header_errors
        return report
    if not table.rows:
        report.errors = [RowError(None, "", "", _("The file has no data rows below the header."))]
        return report
    letters = {name: get_column_letter(index + 1) for name, index in positions.items()}
    ctx = ImportContext(kind, user, letters)
    rows: list[RowData] = []
    for table_row in table.rows:
        row = RowData(table_row.number, ctx)
        for column in kind.columns:
            index = positions.get(column.name)
            value = table_row.cells[index] if index is not None and index < len(table_row.cells) else None
            if isinstance(value, str):
                value = value.strip()
            if _is_blank(value):
                if column.required:
                    row.add_error(column.name, _("A value is required."))
                    row.failed.add(column.name)
                else:
                    row.values[column.key] = column.default() if callable(column.default) else column.default
                continue
            try:
                row.values[column.key] = column.parser(value, ctx)
            except CellError as error:
                row.add_error(column.name, error.message)
                row.failed.add(column.name)
        kind.clean_row(row, ctx)
        rows.append(row)
    kind.check_rows(rows, ctx)
    order = {c.name: i for i, c in enumerate(kind.columns)}
    report.errors = sorted(
        (e for row in rows for e in row.errors), key=lambda e: (e.row or 0, order.get(e.column, -1))
    )
    report.valid_rows = [row for row in rows if row.valid]
    report.context = ctx
    return report


def commit(kind: ImportKind, report: ImportReport, user) -> ImportReport:
    """Write every row of a fully valid report in one transaction: all rows, or none on any failure."""
    require_permission(user, kind.permission)
    if not report.ok:
        return report
    ctx = report.context or ImportContext(kind, user)
    try:
        with transaction.atomic():
            report.imported = kind.commit_rows(report.valid_rows, ctx)
    except PermissionDenied:
        raise
    except Exception as error:  # nothing was saved: say so, never answer with a server error
        logger.exception("Import of %s failed at commit time", kind.slug)
        report.imported = 0
        row = getattr(error, "import_row", None)
        if isinstance(error, ValidationError):
            message = _("Saving failed, so nothing was imported: %(error)s") % {
                "error": "; ".join(error.messages)
            }
        else:  # database or programming errors: the details are in the log, not for the page
            message = _(
                "Saving failed because of an unexpected error, so nothing was imported. It has been logged."
            )
        report.errors = [RowError(row, "", "", message)]
    report.dry_run = False
    return report


def run_import(kind: ImportKind, uploaded_file, user, *, dry_run: bool = True) -> ImportReport:
    """Read, validate and (unless dry_run, and only if every row is valid) save a file."""
    require_permission(user, kind.permission)
    try:
        table = read_table(uploaded_file, kind.row_limit)
    except ImportFileError as error:
        return _file_error(kind, error.message)
    report = validate(kind, table, user)
    report.dry_run = dry_run
    if report.ok and not dry_run:
        commit(kind, report, user)
    return report


# --- Templates -----------------------------------------------------------------------------------------


def build_template(kind: ImportKind, user=None) -> bytes:
    """The XLSX template of a kind: the data sheet, the instructions and sheets of codes."""
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    ctx = ImportContext(kind, user)
    last_row = kind.row_limit + 1
    bold = Font(bold=True)
    required_fill = PatternFill("solid", fgColor="FFE699")
    optional_fill = PatternFill("solid", fgColor="DDEBF7")
    wrap = Alignment(wrap_text=True, vertical="top")

    workbook = Workbook()
    data = workbook.active
    data.title = _("Data")[:31]
    lists = workbook.create_sheet("_lists")
    lists.sheet_state = "hidden"
    list_column = 0
    for index, column in enumerate(kind.columns, start=1):
        letter = get_column_letter(index)
        cell = data.cell(row=1, column=index, value=column.name)
        cell.font = bold
        cell.fill = required_fill if column.required else optional_fill
        cell.comment = Comment(_column_help(column), "InterAzioni", width=320, height=160)
        data.column_dimensions[letter].width = column.width
        if column.format == "date":
            data.column_dimensions[letter].number_format = "DD/MM/YYYY"
        elif column.format in ("text", "list"):
            data.column_dimensions[letter].number_format = "@"
        options = column.dropdown()
        if options:
            list_column += 1
            list_letter = get_column_letter(list_column)
            for offset, option in enumerate(options, start=1):
                lists.cell(row=offset, column=list_column, value=option)
            validation = DataValidation(
                type="list",
                formula1=f"'_lists'!${list_letter}$1:${list_letter}${len(options)}",
                allow_blank=True,
                showErrorMessage=True,
                errorTitle=str(column.name),
                error=_("Choose one of the values of the list."),
            )
            data.add_data_validation(validation)
            validation.add(f"{letter}2:{letter}{last_row}")
    data.freeze_panes = "A2"

    instructions = workbook.create_sheet(_("Instructions")[:31], 1)
    instructions.column_dimensions["A"].width = 24
    instructions.column_dimensions["B"].width = 10
    instructions.column_dimensions["C"].width = 12
    instructions.column_dimensions["D"].width = 60
    instructions.column_dimensions["E"].width = 60
    lines = [
        str(kind.label),
        str(kind.description),
        _("Fill in the first sheet, one record per row, below the header row. Do not rename the columns."),
        _(
            "Dates: dd/mm/yyyy (or yyyy-mm-dd). Yes/no columns: sì or no (yes/no, 1/0, x also accepted; "
            "empty means no). Lists: codes separated by ';'."
        ),
        _(
            "Every row is checked before anything is saved: if any row has an error, nothing is imported. "
            "Try a dry run first: it reports the errors and saves nothing."
        ),
        _(
            "At most %(rows)s rows and %(size)s per file. A CSV file (UTF-8) with the same header is accepted too."
        )
        % {"rows": kind.row_limit, "size": filesizeformat(settings.IMPORT_MAX_FILE_SIZE)},
        *[str(note) for note in kind.notes],
    ]
    for number, line in enumerate(lines, start=1):
        instructions.cell(row=number, column=1, value=line).font = bold if number == 1 else Font()
    start = len(lines) + 2
    headings = [_("Column"), _("Letter"), _("Required"), _("Content and format"), _("Allowed values")]
    for index, heading in enumerate(headings, start=1):
        instructions.cell(row=start, column=index, value=heading).font = bold
    for offset, column in enumerate(kind.columns, start=1):
        row = start + offset
        values = [
            column.name,
            get_column_letter(offset),
            _("yes") if column.required else _("no"),
            _column_help(column, with_values=False),
            _allowed_values(column),
        ]
        for index, value in enumerate(values, start=1):
            cell = instructions.cell(row=row, column=index, value=value)
            cell.alignment = wrap
            if index == 1:
                cell.font = bold
                cell.fill = required_fill if column.required else optional_fill

    for title, header, rows in kind.reference_sheets(ctx):
        sheet = workbook.create_sheet(title[:31])
        for index, heading in enumerate(header, start=1):
            sheet.cell(row=1, column=index, value=heading).font = bold
            sheet.column_dimensions[get_column_letter(index)].width = 14 if index == 1 else 40
        for row in rows:
            sheet.append(list(row))
        sheet.freeze_panes = "A2"

    workbook.active = 0
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _column_help(column: Column, with_values: bool = True) -> str:
    parts = [f"{column.label}."]
    if column.help:
        parts.append(str(column.help))
    if column.format == "date":
        parts.append(_("Date: dd/mm/yyyy."))
    elif column.format == "boolean":
        parts.append(_("sì or no; empty means no."))
    if with_values and column.choices:
        parts.append(_allowed_values(column))
    return " ".join(parts)


def _allowed_values(column: Column) -> str:
    if column.choices:
        return "\n".join(f"{code} = {label}" for code, label in column.choices)
    if column.format == "boolean":
        return "sì / no"
    return ""


def country_sheet() -> tuple[str, list[str], list[list[Any]]]:
    from territory.models import Country

    rows = [
        [c.iso_alpha2, str(c), _("yes") if c.is_eu else ""]
        for c in sorted(Country.objects.all(), key=lambda c: str(c).lower())
    ]
    return _("Countries"), [_("Code"), _("Country"), _("EU (not eligible as citizenship)")], rows


def language_sheet() -> tuple[str, list[str], list[list[Any]]]:
    from territory.models import Language

    rows = [[lang.code, str(lang)] for lang in sorted(Language.objects.filter(is_common=True), key=str)]
    return _("Languages"), [_("Code"), _("Language (most common; any ISO 639-3 code is accepted)")], rows


def municipality_sheet() -> tuple[str, list[str], list[list[Any]]]:
    from territory.models import Municipality

    rows = [
        [m.istat_code, m.name, m.province.abbreviation]
        for m in Municipality.objects.campania().select_related("province").order_by("name")
    ]
    return (
        _("Municipalities"),
        [_("ISTAT code"), _("Municipality of Campania (any Italian ISTAT code is accepted)"), _("Province")],
        rows,
    )


HELP_MUNICIPALITY_ISTAT = gettext_lazy(
    "6-digit ISTAT code of the municipality, e.g. 063049 for Napoli (see the Municipalities sheet)."
)
