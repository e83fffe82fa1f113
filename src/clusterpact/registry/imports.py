"""Import and export of tabular files (CSV, Excel), and of a cluster's members in particular.

Two layers, so later imports (grants, projects, KPI reports) reuse the first:

* the generic one, :func:`read_table`, turns an uploaded file into numbered rows
  keyed by column code, checks the header against a :class:`TableSpec` and
  collects every :class:`Problem` instead of stopping at the first one;
  :func:`write_csv` / :func:`write_xlsx` write files the reader reads back;
* the member one, :func:`preview_members` and :func:`commit_members`, checks
  those rows against the rules and the registry and writes a clean file in one
  transaction, with every creation in the audit trail.

Row numbers are the ones a spreadsheet shows: the header is row 1.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from clusterpact.accounts import audit
from clusterpact.rules import enterprise_number, nace, sme

from .messages import enterprise_number_error, nace_error
from .models import (
    Cluster,
    HelixRole,
    Membership,
    Organisation,
    OrganisationKind,
    OrganisationYear,
    SizeClass,
)

# A row cap independent of the byte limit: a compressed xlsx of 20 MB can hold millions of rows.
MAX_ROWS = 200_000
BATCH_SIZE = 1000
# Queries with IN (...) stay under every backend's parameter limit (SQLite: 32,766).
_LOOKUP_CHUNK = 5000

_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # the pre-2007 binary .xls format
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


# ---------------------------------------------------------------------------
# Generic layer: reading a table, checking its header, collecting problems
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an imported file: where (row, column code) and what.

    ``row`` is None for problems of the whole file; ``column`` is None for
    problems of a whole row or of the file.
    """

    row: int | None
    column: str | None
    message: str


@dataclass(frozen=True)
class Column:
    """A column an import understands: its code and the other header names accepted for it."""

    code: str
    aliases: tuple[str, ...] = ()
    required: bool = False


@dataclass(frozen=True)
class TableSpec:
    columns: tuple[Column, ...]

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(column.code for column in self.columns)

    def resolve(self, header: str) -> str | None:
        """The column code a header names, matched without case, accents or punctuation."""
        key = normalise_header(header)
        for column in self.columns:
            if key == column.code or key in column.aliases:
                return column.code
        return None


@dataclass(frozen=True)
class Row:
    number: int
    values: Mapping[str, object]


@dataclass(frozen=True)
class Table:
    """A file read against a spec: the rows, and the problems that stop it being used.

    ``headers`` maps each column code to the header as written in the file, so
    messages can name the column the way the user typed it.
    """

    rows: tuple[Row, ...]
    problems: tuple[Problem, ...]
    headers: Mapping[str, str] = field(default_factory=dict)


class UnreadableFile(ValueError):
    """The file cannot be read as a table at all; the message says why."""


def normalise_header(header: str) -> str:
    text = unicodedata.normalize("NFKD", str(header)).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", text.lower()).strip("_")


def read_table(
    data: bytes, filename: str, spec: TableSpec, *, max_bytes: int | None = None
) -> Table:
    """Read a CSV or .xlsx file into rows keyed by column code, checking the header.

    The file type is decided by its content (an .xlsx is a zip archive), not only
    by its name. CSV text may be UTF-8 (with or without BOM), UTF-16 with BOM, or
    Windows-1252/Latin-1; the delimiter is whichever of ``;``, ``,`` or tab the
    header uses most. Blank rows are skipped but keep their number. Nothing is
    raised: an unreadable file gives a table with no rows and one problem.
    """
    limit = settings.IMPORT_MAX_BYTES if max_bytes is None else max_bytes
    if len(data) > limit:
        return _unreadable(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": _megabytes(len(data)), "limit": _megabytes(limit)}
        )
    if not data.strip():
        return _unreadable(_("The file is empty."))
    try:
        raw_rows = _raw_rows(data, filename)
        return _table_from_rows(raw_rows, spec)
    except UnreadableFile as error:
        return _unreadable(str(error))


def _unreadable(message: str) -> Table:
    return Table(rows=(), problems=(Problem(None, None, message),))


def _megabytes(size: int) -> str:
    return f"{size / 2**20:.1f}"


def _raw_rows(data: bytes, filename: str) -> Iterator[tuple[int, list[object]]]:
    name = filename.lower()
    if data.startswith(_ZIP_MAGIC):
        return _xlsx_rows(data)
    if data.startswith(_OLE_MAGIC) or name.endswith(".xls"):
        raise UnreadableFile(
            _("Old Excel files (.xls) cannot be read; save the file as .xlsx or CSV.")
        )
    if name.endswith((".xlsx", ".xlsm")):
        raise UnreadableFile(_("The file is named .xlsx but is not an Excel workbook."))
    if name and "." in name and not name.endswith((".csv", ".txt", ".tsv")):
        raise UnreadableFile(_("Only CSV and Excel (.xlsx) files can be imported."))
    return _csv_rows(data)


def _xlsx_rows(data: bytes) -> Iterator[tuple[int, list[object]]]:
    # calamine (Rust) reads a 10,000-row sheet several times faster than openpyxl,
    # which kept large imports over their time budget; openpyxl still writes our files.
    from python_calamine import CalamineWorkbook

    try:
        values = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    # A damaged archive surfaces as several exception types; all mean the same to the user.
    except Exception as error:
        raise UnreadableFile(
            _("The file is not a readable Excel workbook (.xlsx); it may be damaged.")
        ) from error
    return (
        (number, [_clean_cell(value) for value in row])
        for number, row in enumerate(values, start=1)
    )


def _decode(data: bytes) -> str:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise UnreadableFile(_("The file is not valid UTF-16 text.")) from error
    if b"\x00" in data:
        raise UnreadableFile(_("The file is not a CSV text file or an Excel workbook (.xlsx)."))
    for encoding in ("utf-8-sig", "cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        # latin-1 decodes anything; control characters show the guess was wrong.
        if not re.search(r"[\x01-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]", text):
            return text
    raise UnreadableFile(
        _(
            "The file's character encoding is not recognised; save it as "
            "“CSV UTF-8” or as an Excel workbook (.xlsx)."
        )
    )


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[object]]]:
    text = _decode(data)
    first_line = text.lstrip("\r\n").split("\n", 1)[0]
    delimiter = max(";,\t", key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)

    def rows():
        try:
            for number, values in enumerate(reader, start=1):
                yield number, [_clean_csv_cell(value) for value in values]
        except csv.Error as error:
            raise UnreadableFile(
                _("The CSV file cannot be read near row %(row)s: %(reason)s")
                % {"row": reader.line_num, "reason": error}
            ) from error

    return rows()


def _clean_cell(value: object) -> object:
    if isinstance(value, str):
        value = value.strip()
        return value or None
    # Spreadsheets store every number as a float; 123456749.0 must read as the integer it shows.
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _clean_csv_cell(value: str) -> object:
    value = value.strip()
    # Undo the apostrophe our exports put before values a spreadsheet would run as formulas.
    if value.startswith("'") and value[1:2] in _FORMULA_START:
        value = value[1:]
    return value or None


def _table_from_rows(raw_rows: Iterator[tuple[int, list[object]]], spec: TableSpec) -> Table:
    problems: list[Problem] = []
    header_row = None
    for number, values in raw_rows:
        if any(value is not None for value in values):
            header_row = number, values
            break
    if header_row is None:
        raise UnreadableFile(_("The file is empty."))
    header_number, header_values = header_row

    positions: dict[str, int] = {}
    headers: dict[str, str] = {}
    unexpected: list[str] = []
    unnamed: list[int] = []
    for index, value in enumerate(header_values):
        if value is None:
            unnamed.append(index)
            continue
        label = str(value).strip()
        code = spec.resolve(label)
        if code is None:
            unexpected.append(label)
        elif code in positions:
            problems.append(
                Problem(
                    header_number,
                    code,
                    _("The column “%(header)s” appears twice in the header.") % {"header": label},
                )
            )
        else:
            positions[code] = index
            headers[code] = label
    missing = [c.code for c in spec.columns if c.required and c.code not in positions]
    if missing:
        problems.append(
            Problem(
                header_number,
                None,
                _("Required columns missing from the header: %(columns)s.")
                % {"columns": ", ".join(missing)},
            )
        )
    if unexpected:
        problems.append(
            Problem(
                header_number,
                None,
                _("Unexpected columns in the header: %(columns)s. Expected columns: %(expected)s.")
                % {"columns": ", ".join(unexpected), "expected": ", ".join(spec.codes)},
            )
        )
    if problems:
        return Table(rows=(), problems=tuple(problems), headers=headers)

    rows: list[Row] = []
    unnamed_with_values: set[int] = set()
    for number, values in raw_rows:
        if not any(value is not None for value in values):
            continue
        if len(rows) >= MAX_ROWS:
            raise UnreadableFile(
                _("The file has more than %(limit)s rows; split it into smaller files.")
                % {"limit": f"{MAX_ROWS:,}"}
            )
        unnamed_with_values.update(
            index
            for index, value in enumerate(values)
            if value is not None and (index in unnamed or index >= len(header_values))
        )
        rows.append(
            Row(
                number,
                {
                    code: values[index] if index < len(values) else None
                    for code, index in positions.items()
                },
            )
        )
    for index in sorted(unnamed_with_values):
        problems.append(
            Problem(
                header_number,
                None,
                _("Column %(letter)s has values but no header.") % {"letter": _letter(index)},
            )
        )
    if not rows and not problems:
        problems.append(Problem(None, None, _("The file has a header but no rows.")))
    return Table(rows=tuple(rows), problems=tuple(problems), headers=headers)


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, remainder = divmod(index - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def _safe_csv_value(value: object) -> object:
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_csv(columns: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A CSV file as Excel in Belgium and the Netherlands opens it: UTF-8 with BOM, ``;``.

    Text a spreadsheet would run as a formula is prefixed with an apostrophe,
    which :func:`read_table` removes again.
    """
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if v is None else _safe_csv_value(_csv_text(v)) for v in row])
    return buffer.getvalue().encode("utf-8-sig")


def _csv_text(value: object) -> object:
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def write_xlsx(columns: Sequence[str], rows: Iterable[Sequence[object]], *, title: str) -> bytes:
    """An .xlsx workbook with one sheet: the header, then the rows; text stays text."""
    import openpyxl
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    bold = Font(bold=True)
    header = []
    for name in columns:
        cell = WriteOnlyCell(sheet, value=name)
        cell.font = bold
        header.append(cell)
    sheet.append(header)
    for row in rows:
        cells = []
        for value in row:
            cell = WriteOnlyCell(sheet, value=value)
            if isinstance(value, str):
                # Never a formula, whatever the text starts with.
                cell.data_type = "s"
            elif isinstance(value, dt.date):
                cell.number_format = "yyyy-mm-dd"
            cells.append(cell)
        sheet.append(cells)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# ---------------------------------------------------------------------------
# Cluster members
# ---------------------------------------------------------------------------

MEMBER_SPEC = TableSpec(
    (
        Column("name", ("naam", "organisation", "organisatie"), required=True),
        Column(
            "enterprise_number",
            ("ondernemingsnummer", "kbo_nummer", "kbo", "ondernemings_nummer"),
            required=True,
        ),
        Column("country", ("land",), required=True),
        Column(
            "foreign_identifier",
            (
                "national_identifier",
                "buitenlands_nummer",
                "buitenlandse_identificatie",
                "buitenlands_id",
            ),
        ),
        Column("helix_role", ("helixrol", "helix_rol", "rol"), required=True),
        Column("kind", ("soort", "aard", "type_organisatie"), required=True),
        Column("nace_code", ("nace",)),
        Column("nuts_code", ("nuts", "region_nuts", "regio_nuts", "regio")),
        Column("municipality", ("gemeente",)),
        Column("founding_year", ("oprichtingsjaar", "jaar_van_oprichting")),
        Column("member_since", ("lid_sinds", "lid_vanaf", "start", "begin"), required=True),
        Column("member_until", ("lid_tot", "einde", "end")),
        Column("year", ("jaar", "boekjaar")),
        Column(
            "headcount",
            ("headcount_annual_work_units", "personeel", "werknemers", "vte", "fte"),
        ),
        Column("turnover", ("turnover_eur", "omzet")),
        Column("balance_sheet", ("balance_sheet_total_eur", "balanstotaal", "balans")),
    )
)
MEMBER_COLUMNS = MEMBER_SPEC.codes
FIGURE_COLUMNS = ("year", "headcount", "turnover", "balance_sheet")

# Dutch names used in Flemish cluster administrations, accepted besides the codes
# and the labels of the active translations.
_DUTCH_HELIX = {
    "bedrijf": HelixRole.COMPANY,
    "onderneming": HelixRole.COMPANY,
    "kennisinstelling": HelixRole.KNOWLEDGE,
    "overheid": HelixRole.GOVERNMENT,
    "middenveld": HelixRole.CIVIL_SOCIETY,
}
_DUTCH_KIND = {
    "bedrijf": OrganisationKind.COMPANY,
    "onderneming": OrganisationKind.COMPANY,
    "universiteit": OrganisationKind.UNIVERSITY,
    "hogeschool": OrganisationKind.UNIVERSITY_COLLEGE,
    "strategisch onderzoekscentrum": OrganisationKind.STRATEGIC_RESEARCH_CENTRE,
    "collectief centrum": OrganisationKind.COLLECTIVE_CENTRE,
    "onderzoeksinstelling": OrganisationKind.RESEARCH_INSTITUTE,
    "sectorfederatie": OrganisationKind.SECTOR_FEDERATION,
    "clusterorganisatie": OrganisationKind.CLUSTER_ORGANISATION,
    "overheidsdienst": OrganisationKind.GOVERNMENT_DEPARTMENT,
    "lokaal bestuur": OrganisationKind.LOCAL_AUTHORITY,
    "middenveldorganisatie": OrganisationKind.CIVIL_SOCIETY,
    "andere": OrganisationKind.OTHER,
}

# Organisation data a file row repeats; compared against the register and between rows.
_ORGANISATION_FIELDS = (
    "name",
    "helix_role",
    "kind",
    "nace_code",
    "nuts_code",
    "municipality",
    "founding_year",
)
_NUTS = re.compile(r"^[A-Z]{2}[A-Z0-9]{0,3}$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y")


def vocabulary(choices, dutch: Mapping[str, str]) -> dict[str, str]:
    """Every spelling a cell may use for a choice (its code, its English and Dutch labels,
    and the extra Dutch words given), case-folded, mapped to the code."""
    words = {key.casefold(): value for key, value in dutch.items()}
    for language in ("en", "nl"):
        with translation.override(language):
            words.update({str(label).casefold(): code for code, label in choices.choices})
    words.update({code.casefold(): code for code in choices.values})
    return words


@dataclass(frozen=True)
class YearFigures:
    year: int
    headcount: Decimal
    turnover: Decimal | None
    balance_sheet: Decimal | None


@dataclass(frozen=True)
class MemberRow:
    """One valid row of a member file, normalised, and what the register already holds for it."""

    row: int
    name: str
    country: str
    enterprise_number: str
    foreign_identifier: str
    helix_role: str
    kind: str
    nace_code: str
    nuts_code: str
    municipality: str
    founding_year: int | None
    member_since: dt.date
    member_until: dt.date | None
    figures: YearFigures | None = None
    existing_organisation_id: int | None = None
    membership_exists: bool = False

    @property
    def identifier(self) -> tuple[str, str]:
        """The key an organisation is matched on: the enterprise number, else country + identifier."""
        if self.enterprise_number:
            return ("BE", self.enterprise_number)
        return (self.country, self.foreign_identifier)

    @property
    def identifier_column(self) -> str:
        return "enterprise_number" if self.enterprise_number else "foreign_identifier"


@dataclass(frozen=True)
class MemberImport:
    """The preview of a member file for one cluster.

    ``problems`` block the import; ``notes`` only inform (an existing
    organisation kept as is, a membership already present and skipped). ``rows``
    holds the valid rows; when there are problems it may be incomplete.
    """

    filename: str
    cluster_id: int
    rows: tuple[MemberRow, ...]
    problems: tuple[Problem, ...]
    notes: tuple[Problem, ...] = ()
    headers: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_clean(self) -> bool:
        return not self.problems

    @property
    def new_organisations(self) -> int:
        return len({r.identifier for r in self.rows if r.existing_organisation_id is None})

    @property
    def existing_organisations(self) -> int:
        return len({r.existing_organisation_id for r in self.rows} - {None})

    @property
    def new_memberships(self) -> int:
        return sum(1 for r in self.rows if not r.membership_exists)

    @property
    def skipped_memberships(self) -> int:
        return sum(1 for r in self.rows if r.membership_exists)


@dataclass(frozen=True)
class CommitResult:
    organisations: int
    memberships: int
    years: int


class RowReader:
    """Parses one row's cells, recording a problem per bad cell instead of raising."""

    def __init__(self, row: Row, problems: list[Problem]):
        self.row = row
        self.problems = problems
        self.ok = True

    def problem(self, column: str | None, message: str) -> None:
        self.ok = False
        self.problems.append(Problem(self.row.number, column, message))

    def text(self, column: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = _as_text(self.row.values.get(column))
        if not value and required:
            self.problem(column, _("This field is required."))
        elif max_length and len(value) > max_length:
            self.problem(
                column,
                _("At most %(max)s characters allowed; this value has %(length)s.")
                % {"max": max_length, "length": len(value)},
            )
        return value

    def choice(self, column: str, vocabulary: Mapping[str, str], codes: Sequence[str]) -> str:
        value = self.text(column, required=True)
        if not value:
            return ""
        code = vocabulary.get(value.casefold())
        if code is None:
            self.problem(
                column,
                _("“%(value)s” is not a known value; use one of: %(codes)s.")
                % {"value": value, "codes": ", ".join(codes)},
            )
            return ""
        return code

    def date(self, column: str, *, required: bool = False) -> dt.date | None:
        value = self.row.values.get(column)
        if value is None:
            if required:
                self.problem(column, _("This field is required."))
            return None
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = _as_text(value)
        for pattern in _DATE_FORMATS:
            try:
                parsed = dt.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
            if 1900 <= parsed.year <= 2100:
                return parsed
        self.problem(
            column,
            _("“%(value)s” is not a date; write it as 2024-01-31 or 31/01/2024.") % {"value": text},
        )
        return None

    def integer(self, column: str, *, minimum: int, maximum: int) -> int | None:
        value = self.row.values.get(column)
        if value is None:
            return None
        number = _as_decimal(value)
        if number is None or number != number.to_integral_value():
            self.problem(column, _("“%(value)s” is not a whole number.") % {"value": value})
            return None
        if not minimum <= number <= maximum:
            self.problem(
                column,
                _("%(value)s is outside the accepted range %(min)s to %(max)s.")
                % {"value": int(number), "min": minimum, "max": maximum},
            )
            return None
        return int(number)

    def amount(self, column: str, *, places: int, maximum: Decimal) -> Decimal | None:
        value = self.row.values.get(column)
        if value is None:
            return None
        number = _as_decimal(value)
        if number is None:
            self.problem(column, _("“%(value)s” is not a number.") % {"value": value})
            return None
        if number < 0 or number >= maximum:
            self.problem(
                column,
                _("%(value)s is outside the accepted range 0 to %(max)s.")
                % {"value": value, "max": maximum},
            )
            return None
        return number.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)


def _as_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).strip()


def _as_decimal(value: object) -> Decimal | None:
    """A number from a cell: Excel numbers as they are, text with either decimal separator."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float | Decimal):
        try:
            return Decimal(str(value))
        except InvalidOperation:
            return None
    text = re.sub(r"[\s€\u00a0']", "", str(value))
    if "," in text and "." in text:
        decimal_mark = "," if text.rfind(",") > text.rfind(".") else "."
        thousands = "." if decimal_mark == "," else ","
        text = text.replace(thousands, "").replace(decimal_mark, ".")
    elif text.count(",") + text.count(".") > 1:
        # One kind of separator used more than once can only group thousands: 1.500.000.
        text = text.replace(",", "").replace(".", "")
    else:
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None


def _parse_member_row(
    row: Row, problems: list[Problem], helix: Mapping[str, str], kinds: Mapping[str, str]
) -> MemberRow | None:
    cells = RowReader(row, problems)
    this_year = timezone.localdate().year
    name = cells.text("name", required=True, max_length=255)
    country = cells.text("country", required=True).upper()
    if country and not _COUNTRY.match(country):
        cells.problem(
            "country",
            _("“%(value)s” is not a two-letter country code such as BE, NL or FR.")
            % {"value": country},
        )
        # Which identifier is required depends on the country; don't guess.
        country = ""
    number = cells.text("enterprise_number")
    foreign = cells.text("foreign_identifier", max_length=64)
    if country == "BE":
        if foreign:
            cells.problem(
                "foreign_identifier", _("Belgian organisations use the enterprise number.")
            )
        if not number:
            cells.problem(
                "enterprise_number",
                _("This field is required for Belgian organisations (country BE)."),
            )
        else:
            try:
                number = enterprise_number.normalise(number)
            except enterprise_number.EnterpriseNumberError as error:
                cells.problem(
                    "enterprise_number",
                    enterprise_number_error(error),
                )
    elif country:
        if number:
            cells.problem(
                "enterprise_number", _("An enterprise number is only for Belgian organisations.")
            )
        if not foreign:
            cells.problem(
                "foreign_identifier",
                _("This field is required for organisations outside Belgium."),
            )
    helix_role = cells.choice("helix_role", helix, HelixRole.values)
    kind = cells.choice("kind", kinds, OrganisationKind.values)
    nace_code = cells.text("nace_code")
    if nace_code:
        try:
            nace_code = nace.normalise(nace_code)
        except nace.NaceError as error:
            cells.problem("nace_code", nace_error(error))
    nuts_code = cells.text("nuts_code").upper()
    if nuts_code and not _NUTS.match(nuts_code):
        cells.problem(
            "nuts_code",
            _("“%(value)s” is not a NUTS code such as BE211 (2 letters, up to 3 more characters).")
            % {"value": nuts_code},
        )
    municipality = cells.text("municipality", max_length=100)
    founding_year = cells.integer("founding_year", minimum=1000, maximum=this_year)
    start = cells.date("member_since", required=True)
    end = cells.date("member_until")
    if start and end and end < start:
        cells.problem(
            "member_until",
            _("The membership ends (%(end)s) before it starts (%(start)s).")
            % {"end": end.isoformat(), "start": start.isoformat()},
        )
    figures = _parse_figures(cells, this_year)
    if not cells.ok:
        return None
    return MemberRow(
        row=row.number,
        name=name,
        country=country,
        enterprise_number=number if country == "BE" else "",
        foreign_identifier=foreign if country != "BE" else "",
        helix_role=helix_role,
        kind=kind,
        nace_code=nace_code,
        nuts_code=nuts_code,
        municipality=municipality,
        founding_year=founding_year,
        member_since=start,
        member_until=end,
        figures=figures,
    )


def _parse_figures(cells: RowReader, this_year: int) -> YearFigures | None:
    if all(cells.row.values.get(column) is None for column in FIGURE_COLUMNS):
        return None
    year = cells.integer("year", minimum=1900, maximum=this_year)
    headcount = cells.amount("headcount", places=1, maximum=Decimal(10) ** 8)
    turnover = cells.amount("turnover", places=0, maximum=Decimal(10) ** 15)
    balance_sheet = cells.amount("balance_sheet", places=0, maximum=Decimal(10) ** 15)
    for column, value in (("year", year), ("headcount", headcount)):
        if value is None and cells.row.values.get(column) is None:
            cells.problem(column, _("Required when yearly figures are given."))
    if year is None or headcount is None:
        return None
    return YearFigures(year, headcount, turnover, balance_sheet)


def _check_rows_against_each_other(rows: list[MemberRow], problems: list[Problem]) -> None:
    first_by_organisation: dict[tuple[str, str], MemberRow] = {}
    periods: dict[tuple[str, str], list[MemberRow]] = {}
    for row in rows:
        key = row.identifier
        first = first_by_organisation.setdefault(key, row)
        if first is not row:
            differing = [f for f in _ORGANISATION_FIELDS if getattr(first, f) != getattr(row, f)]
            if row.figures and first.figures and row.figures != first.figures:
                differing.append("year")
            if differing:
                problems.append(
                    Problem(
                        row.row,
                        row.identifier_column,
                        _(
                            "Row %(first)s names the same organisation with different data in: "
                            "%(columns)s."
                        )
                        % {"first": first.row, "columns": ", ".join(differing)},
                    )
                )
        for earlier in periods.setdefault(key, []):
            if earlier.member_since == row.member_since:
                message = _(
                    "Duplicate of row %(first)s: the same organisation with the same start date."
                )
            elif _overlap(
                earlier.member_since, earlier.member_until, row.member_since, row.member_until
            ):
                message = _("This membership overlaps the one in row %(first)s.")
            else:
                continue
            problems.append(
                Problem(row.row, row.identifier_column, message % {"first": earlier.row})
            )
            break
        periods[key].append(row)


def _overlap(start_a, end_a, start_b, end_b) -> bool:
    return (end_b is None or start_a <= end_b) and (end_a is None or start_b <= end_a)


def _chunks(items: Sequence, size: int = _LOOKUP_CHUNK) -> Iterator[Sequence]:
    for index in range(0, len(items), size):
        yield items[index : index + size]


def _existing_organisations(rows: list[MemberRow]) -> dict[tuple[str, str], Organisation]:
    numbers = sorted({r.enterprise_number for r in rows if r.enterprise_number})
    foreign = sorted({r.foreign_identifier for r in rows if r.foreign_identifier})
    fields = ("id", "country", "enterprise_number", "foreign_identifier", *_ORGANISATION_FIELDS)
    found: dict[tuple[str, str], Organisation] = {}
    for chunk in _chunks(numbers):
        for org in Organisation.objects.filter(enterprise_number__in=chunk).only(*fields):
            found[("BE", org.enterprise_number)] = org
    for chunk in _chunks(foreign):
        for org in Organisation.objects.filter(foreign_identifier__in=chunk).only(*fields):
            found[(org.country, org.foreign_identifier)] = org
    return found


def _existing_memberships(cluster: Cluster, organisation_ids: list[int]):
    by_organisation: dict[int, list[tuple[dt.date, dt.date | None]]] = {}
    for chunk in _chunks(organisation_ids):
        for org_id, start, end in Membership.objects.filter(
            cluster=cluster, organisation_id__in=chunk
        ).values_list("organisation_id", "start", "end"):
            by_organisation.setdefault(org_id, []).append((start, end))
    return by_organisation


def _match_register(
    rows: list[MemberRow], cluster: Cluster, problems: list[Problem], notes: list[Problem]
) -> list[MemberRow]:
    existing = _existing_organisations(rows)
    memberships = _existing_memberships(cluster, sorted({o.pk for o in existing.values()}))
    matched = []
    for row in rows:
        organisation = existing.get(row.identifier)
        if organisation is None:
            matched.append(row)
            continue
        # The register entry is shared by every cluster the organisation belongs to, so a
        # member file never changes it; the differences are shown, not applied.
        differing = [
            f
            for f in _ORGANISATION_FIELDS
            if getattr(row, f) not in ("", None) and getattr(row, f) != getattr(organisation, f)
        ]
        if differing:
            notes.append(
                Problem(
                    row.row,
                    None,
                    _(
                        "Existing organisation, kept as is: the register differs from the file "
                        "in %(columns)s."
                    )
                    % {"columns": ", ".join(differing)},
                )
            )
        if row.figures:
            notes.append(
                Problem(
                    row.row,
                    "year",
                    _("Existing organisation: its yearly figures are kept as is, not imported."),
                )
            )
        exists = False
        for start, end in memberships.get(organisation.pk, []):
            if start == row.member_since:
                exists = True
                note = _("Already a member since %(start)s; skipped.") % {
                    "start": start.isoformat()
                }
                if end != row.member_until:
                    note += " " + _("The end date in the register is kept.")
                notes.append(Problem(row.row, "member_since", note))
            elif _overlap(start, end, row.member_since, row.member_until):
                problems.append(
                    Problem(
                        row.row,
                        "member_since",
                        _("Overlaps the membership already registered from %(start)s to %(end)s.")
                        % {"start": start.isoformat(), "end": end.isoformat() if end else "…"},
                    )
                )
        matched.append(
            replace(row, existing_organisation_id=organisation.pk, membership_exists=exists)
        )
    return matched


def _sorted(problems: Iterable[Problem]) -> tuple[Problem, ...]:
    order = {code: index for index, code in enumerate(MEMBER_COLUMNS)}
    return tuple(sorted(problems, key=lambda p: (p.row or 0, order.get(p.column or "", -1))))


def preview_members(data: bytes, *, filename: str, cluster: Cluster) -> MemberImport:
    """Read and check a member file for ``cluster`` without saving anything.

    Every problem is collected (file, header, cells, rows against each other,
    rows against the register). Organisations are matched on the enterprise
    number, or on country and foreign identifier. Two queries to the register
    (in chunks of 5,000 identifiers) whatever the number of rows.
    """
    table = read_table(data, filename, MEMBER_SPEC)
    problems = list(table.problems)
    notes: list[Problem] = []
    rows: list[MemberRow] = []
    if table.rows:
        helix = vocabulary(HelixRole, _DUTCH_HELIX)
        kinds = vocabulary(OrganisationKind, _DUTCH_KIND)
        for row in table.rows:
            parsed = _parse_member_row(row, problems, helix, kinds)
            if parsed is not None:
                rows.append(parsed)
        _check_rows_against_each_other(rows, problems)
        rows = _match_register(rows, cluster, problems, notes)
    return MemberImport(
        filename=filename,
        cluster_id=cluster.pk,
        rows=tuple(rows),
        problems=_sorted(problems),
        notes=_sorted(notes),
        headers=dict(table.headers),
    )


def commit_members(preview: MemberImport, *, cluster: Cluster, user) -> CommitResult:
    """Save a clean preview in one transaction: new organisations, their figures, memberships.

    Side effects, all or nothing: ``bulk_create`` of the organisations not yet in
    the register (with the size class of their figures), of their yearly figures
    and of the memberships not already present; an audit entry for every row
    created, attributed to ``user`` with the reason ``import <filename>``.
    A file carries one year of figures per new organisation, so its size class
    is that year's class (no two-year rule can apply yet). Existing
    organisations are never changed. A database error rolls everything back
    and propagates.
    """
    if not preview.is_clean:
        raise ValueError("a member file with problems cannot be imported")
    if preview.cluster_id != cluster.pk:
        raise ValueError("the preview belongs to another cluster")
    reason = f"import {preview.filename}"[:255]
    with audit.acting_as(user, reason=reason), transaction.atomic():
        new: dict[tuple[str, str], Organisation] = {}
        figures: dict[tuple[str, str], YearFigures] = {}
        for row in preview.rows:
            if row.existing_organisation_id is not None or row.identifier in new:
                continue
            new[row.identifier] = _new_organisation(row)
            if row.figures:
                figures[row.identifier] = row.figures
        organisations = list(new.values())
        Organisation.objects.bulk_create(organisations, batch_size=BATCH_SIZE)

        years = [
            OrganisationYear(
                organisation=new[key],
                year=f.year,
                headcount=f.headcount,
                turnover=f.turnover,
                balance_sheet=f.balance_sheet,
                size_class=new[key].size_class,
            )
            for key, f in figures.items()
        ]
        OrganisationYear.objects.bulk_create(years, batch_size=BATCH_SIZE)

        existing_ids = sorted({r.existing_organisation_id for r in preview.rows} - {None})
        existing: dict[int, Organisation] = {}
        for chunk in _chunks(existing_ids):
            existing.update(Organisation.objects.only("id", "name").in_bulk(chunk))
        memberships = [
            Membership(
                organisation=(
                    existing[row.existing_organisation_id]
                    if row.existing_organisation_id is not None
                    else new[row.identifier]
                ),
                cluster=cluster,
                start=row.member_since,
                end=row.member_until,
            )
            for row in preview.rows
            if not row.membership_exists
        ]
        Membership.objects.bulk_create(memberships, batch_size=BATCH_SIZE)

        audit.record_created(organisations)
        audit.record_created(years)
        audit.record_created(memberships)
    return CommitResult(
        organisations=len(organisations), memberships=len(memberships), years=len(years)
    )


def _new_organisation(row: MemberRow) -> Organisation:
    size_class = ""
    if row.figures:
        # The rule derive_size_classes applies, on the single year the file gives.
        current = sme.current_size_class(
            [
                sme.YearFigures(
                    row.figures.year,
                    row.figures.headcount,
                    row.figures.turnover,
                    row.figures.balance_sheet,
                )
            ]
        )
        size_class = SizeClass.from_rule(current) if current else ""
    organisation = Organisation(
        name=row.name,
        country=row.country,
        enterprise_number=row.enterprise_number,
        foreign_identifier=row.foreign_identifier,
        helix_role=row.helix_role,
        kind=row.kind,
        nace_code=row.nace_code,
        nuts_code=row.nuts_code,
        municipality=row.municipality,
        founding_year=row.founding_year,
        size_class=size_class,
    )
    organisation.derive_nace_section()  # bulk_create does not call save()
    return organisation


# ---------------------------------------------------------------------------
# Export and template
# ---------------------------------------------------------------------------


def member_export_rows(cluster: Cluster) -> Iterator[list[object]]:
    """The cluster's memberships in the import's column order, so an export re-imports cleanly.

    Each row carries the organisation's latest yearly figures, if any. Two queries.
    """
    memberships = list(
        Membership.objects.filter(cluster=cluster)
        .select_related("organisation")
        .order_by("organisation__name", "organisation_id", "start")
    )
    latest: dict[int, OrganisationYear] = {}
    org_ids = sorted({m.organisation_id for m in memberships})
    for chunk in _chunks(org_ids):
        for figures in OrganisationYear.objects.filter(organisation_id__in=chunk).order_by("year"):
            latest[figures.organisation_id] = figures
    for membership in memberships:
        org = membership.organisation
        figures = latest.get(org.pk)
        yield [
            org.name,
            enterprise_number.display(org.enterprise_number) if org.enterprise_number else None,
            org.country,
            org.foreign_identifier or None,
            org.helix_role,
            org.kind,
            org.nace_code or None,
            org.nuts_code or None,
            org.municipality or None,
            org.founding_year,
            membership.start,
            membership.end,
            figures.year if figures else None,
            figures.headcount if figures else None,
            figures.turnover if figures else None,
            figures.balance_sheet if figures else None,
        ]


def member_template_rows() -> list[list[object]]:
    """One example row for the downloadable template."""
    return [
        [
            "Example Company NV",
            "0123.456.749",
            "BE",
            None,
            HelixRole.COMPANY.value,
            OrganisationKind.COMPANY.value,
            "62.10",
            "BE211",
            "Antwerpen",
            2015,
            dt.date(2024, 1, 1),
            None,
            2023,
            Decimal(12),
            Decimal(1_500_000),
            Decimal(900_000),
        ]
    ]


def export_file(rows: Iterable[Sequence[object]], fmt: str, *, title: str) -> bytes:
    """The member columns and ``rows`` as ``csv`` or ``xlsx`` bytes."""
    if fmt == "csv":
        return write_csv(MEMBER_COLUMNS, rows)
    if fmt == "xlsx":
        return write_xlsx(MEMBER_COLUMNS, rows, title=title)
    raise ValueError(f"unknown format {fmt!r}")
