"""A report's values by Excel: a pre-filled workbook to download, and its upload.

The workbook has the values sheet first (one row per KPI of the pact: code,
name, unit, baseline, target of the period's year, value, source note), an
information sheet, and a very hidden sheet holding a signed identification of
the report and its version, so a file downloaded for another report or version
is refused. Only the value and note cells of typed-in KPIs are unlocked; derived
KPIs show the value computed from the registry.

The upload is read with the registry's table reader (header matching, size
limit, damaged files) and validated with the same :func:`domain.check_values` as
the web form, each problem named by KPI and cell ("F7"). Nothing is stored
unless the whole file is valid; then :func:`domain.save_report_values` stores it.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core import signing
from django.utils import translation
from django.utils.translation import gettext as _

from clusterpact.registry import imports

from . import domain
from .models import Report, Target, ValueType
from .periods import target_year

ID_SHEET = "clusterpact"
SIGNING_SALT = "clusterpact.pacts.report-workbook"
COLUMNS = ("code", "name", "unit", "baseline", "target", "value", "note")
_XLSX_MAGIC = b"PK\x03\x04"


def _label(code: str) -> str:
    return {
        "code": _("Code"),
        "name": _("KPI"),
        "unit": _("Unit"),
        "baseline": _("Baseline"),
        "target": _("Target"),
        "value": _("Value"),
        "note": _("Source or evidence"),
    }[code]


def table_spec() -> imports.TableSpec:
    """The values sheet's columns, recognised by their header in Dutch or English."""
    aliases: dict[str, set[str]] = {code: set() for code in COLUMNS}
    for language in ("nl", "en"):
        with translation.override(language):
            for code in COLUMNS:
                aliases[code].add(imports.normalise_header(_label(code)))
    return imports.TableSpec(
        tuple(
            imports.Column(code, tuple(sorted(aliases[code])), required=code in {"code", "value"})
            for code in COLUMNS
        )
    )


def _token(report: Report) -> str:
    return signing.Signer(salt=SIGNING_SALT).sign(f"{report.pk}:{report.version}")


def template_filename(report: Report) -> str:
    return (
        f"report-{report.pact.cluster.slug}-{report.period_start:%Y-%m-%d}-v{report.version}.xlsx"
    )


# --------------------------------------------------------------------------
# Download
# --------------------------------------------------------------------------


def template_rows(report: Report) -> list[dict]:
    """One row per KPI of the report: the KPI, baseline, target of its pact year, value and note."""
    kpis = domain.report_kpis(report)
    derived = domain.derived_values(report, kpis)
    stored = {v.kpi_id: v for v in report.values.all()}
    year = target_year(report.pact.start, report.pact.term_years, report.period_end)
    baselines: dict[int, Decimal] = {}
    targets: dict[int, Decimal] = {}
    for target in Target.objects.filter(
        pact_kpi__pact=report.pact_id, is_current=True
    ).select_related("pact_kpi"):
        if target.year is None:
            baselines[target.pact_kpi.kpi_id] = target.value
        elif target.year == year:
            targets[target.pact_kpi.kpi_id] = target.value
    rows = []
    for kpi in kpis:
        value = stored.get(kpi.pk)
        current = value.value if value else None
        if current is None and kpi.derived:
            current = derived.get(kpi.code)
        rows.append(
            {
                "kpi": kpi,
                "baseline": baselines.get(kpi.pk),
                "target": targets.get(kpi.pk),
                "value": current,
                "note": value.note if value else "",
            }
        )
    return rows


def write_template(report: Report) -> bytes:
    """The pre-filled workbook for ``report``, in the active language."""
    import openpyxl
    from openpyxl.styles import Font, PatternFill, Protection
    from openpyxl.utils import get_column_letter

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = _("Values")[:31]
    sheet.append([_label(code) for code in COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    grey = PatternFill("solid", fgColor="E8E8E8")
    unlocked = Protection(locked=False)
    value_column = COLUMNS.index("value") + 1
    note_column = COLUMNS.index("note") + 1
    for number, row in enumerate(template_rows(report), start=2):
        kpi = row["kpi"]
        values = [
            kpi.code,
            kpi.name,
            kpi.unit,
            _number(row["baseline"]),
            _number(row["target"]),
            _number(row["value"]),
            row["note"] or None,
        ]
        for column, value in enumerate(values, start=1):
            cell = sheet.cell(row=number, column=column, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
        if kpi.derived:
            for column in range(1, len(COLUMNS) + 1):
                sheet.cell(row=number, column=column).fill = grey
        else:
            sheet.cell(row=number, column=value_column).protection = unlocked
            rule = _validation(kpi)
            sheet.add_data_validation(rule)
            rule.add(sheet.cell(row=number, column=value_column))
        sheet.cell(row=number, column=note_column).protection = unlocked
    for column, width in enumerate((24, 48, 12, 14, 14, 14, 48), start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "A2"
    # Locked without a password: it guards against slips, not against a determined user.
    sheet.protection.sheet = True

    info = workbook.create_sheet(_("Information")[:31])
    for line in _information(report):
        info.append(line)
    info.column_dimensions["A"].width = 28
    info.column_dimensions["B"].width = 90
    info.protection.sheet = True

    identification = workbook.create_sheet(ID_SHEET)
    identification.append(["report", _token(report)])
    identification.sheet_state = "veryHidden"
    identification.protection.sheet = True

    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# A spreadsheet number is a binary double: exact to 15 significant digits, as Excel shows it.
_EXACT_DIGITS = 15


def _number(value: Decimal | None) -> int | float | str | None:
    """A stored value as a spreadsheet cell: a number, or text where a number would round it."""
    if value is None:
        return None
    value = value.normalize()
    if len(value.as_tuple().digits) > _EXACT_DIGITS:
        return format(value, "f")
    return int(value) if value == value.to_integral_value() else float(value)


def _validation(kpi):
    """Excel's own check of a value cell, so a slip shows while typing; the upload checks again."""
    from openpyxl.worksheet.datavalidation import DataValidation

    kind = "whole" if kpi.value_type == ValueType.INTEGER else "decimal"
    low, high = kpi.min_value, kpi.max_value
    if low is not None and high is not None:
        rule = DataValidation(
            type=kind, operator="between", formula1=_plain(low), formula2=_plain(high)
        )
        message = _("Enter a number from %(min)s to %(max)s.") % {
            "min": _plain(low),
            "max": _plain(high),
        }
    elif low is not None:
        rule = DataValidation(type=kind, operator="greaterThanOrEqual", formula1=_plain(low))
        message = _("Enter a number of at least %(min)s.") % {"min": _plain(low)}
    elif high is not None:
        rule = DataValidation(type=kind, operator="lessThanOrEqual", formula1=_plain(high))
        message = _("Enter a number of at most %(max)s.") % {"max": _plain(high)}
    else:
        # Any number: the widest range Excel's check accepts.
        rule = DataValidation(type=kind, operator="between", formula1="-1E+300", formula2="1E+300")
        message = _("Enter a number.")
    if kind == "whole":
        message = f"{message} {_('Enter a whole number.')}"
    rule.allow_blank = True
    rule.showErrorMessage = True
    rule.errorTitle = kpi.code
    rule.error = message
    return rule


def _plain(number: Decimal) -> str:
    return format(number.normalize(), "f")


def _information(report: Report) -> list[list[str]]:
    return [
        [_("Cluster"), report.pact.cluster.name],
        [_("Period"), report.period_label],
        [_("Due"), f"{report.due_date:%Y-%m-%d}"],
        [_("Version"), str(report.version)],
        [
            _("How to fill in"),
            _(
                "Enter the values in the column “Value” and, if you wish, a source or "
                "evidence note beside each. Grey rows are computed from the registry. "
                "Then upload this file on the report's page. Nothing is saved unless "
                "every value is valid."
            ),
        ],
    ]


# --------------------------------------------------------------------------
# Upload
# --------------------------------------------------------------------------


class WorkbookRejected(domain.WorkflowError):
    """An upload that cannot be stored; ``messages`` names each problem by cell or row."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__(" ".join(messages))


@dataclass
class Workbook:
    """What an uploaded workbook says: raw values and notes per KPI code, and their cells."""

    values: dict[str, object] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)
    cells: dict[str, str] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)


def _raw(value: object) -> object:
    # A spreadsheet stores numbers as binary floats; their shortest text is what the user typed.
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return value


def _file_problem(problem: imports.Problem, headers) -> str:
    column = headers.get(problem.column, problem.column) if problem.column else None
    if problem.row and column:
        return _("Row %(row)s, column “%(column)s”: %(message)s") % {
            "row": problem.row,
            "column": column,
            "message": problem.message,
        }
    if problem.row:
        return _("Row %(row)s: %(message)s") % {"row": problem.row, "message": problem.message}
    return problem.message


def _identify(report: Report, data: bytes) -> str | None:
    """None when the workbook is this report's template, otherwise why it is refused."""
    from python_calamine import CalamineWorkbook

    wrong = _(
        "This file is not the template of this report (%(period)s, version %(version)s). "
        "Download the template from this report's page and enter the values there."
    ) % {"period": report.period_label, "version": report.version}
    try:
        book = CalamineWorkbook.from_filelike(io.BytesIO(data))
        if ID_SHEET not in book.sheet_names:
            return wrong
        cells = book.get_sheet_by_name(ID_SHEET).to_python()
    # A damaged archive surfaces as several exception types; read_table names it afterwards.
    except Exception:
        return None
    token = str(cells[0][1]) if cells and len(cells[0]) > 1 else ""
    try:
        payload = signing.Signer(salt=SIGNING_SALT).unsign(token)
    except signing.BadSignature:
        return wrong
    return None if payload == f"{report.pk}:{report.version}" else wrong


def _column_letters(data: bytes, spec: imports.TableSpec) -> dict[str, str]:
    """Column code → letter, from the first non-blank row of the values sheet."""
    from openpyxl.utils import get_column_letter
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()
    header = next((row for row in rows if any(v not in (None, "") for v in row)), [])
    letters = {}
    for index, label in enumerate(header):
        code = spec.resolve(str(label)) if label not in (None, "") else None
        if code and code not in letters:
            letters[code] = get_column_letter(index + 1)
    return letters


def read_workbook(report: Report, data: bytes, filename: str) -> Workbook:
    """Read an uploaded workbook for ``report`` without storing or validating values."""
    result = Workbook()
    if not data.startswith(_XLSX_MAGIC):
        result.problems.append(
            _("Upload the Excel workbook (.xlsx) downloaded from this report's page.")
        )
        return result
    limit = settings.IMPORT_MAX_BYTES
    if len(data) > limit:
        # Checked before any parsing: a compressed workbook can unpack to far more.
        result.problems.append(
            _("The file is %(size)s MB; the limit is %(limit)s MB.")
            % {"size": f"{len(data) / 2**20:.1f}", "limit": f"{limit / 2**20:.1f}"}
        )
        return result
    refused = _identify(report, data)
    if refused:
        result.problems.append(refused)
        return result
    spec = table_spec()
    table = imports.read_table(data, filename, spec)
    if table.problems:
        result.problems.extend(_file_problem(p, table.headers) for p in table.problems)
        return result
    letters = _column_letters(data, spec)
    codes = {kpi.code for kpi in domain.report_kpis(report)}
    first_row: dict[str, int] = {}
    for row in table.rows:
        code = row.values.get("code")
        code = str(code).strip() if code is not None else ""
        if not code:
            result.problems.append(_("Row %(row)s: the KPI code is missing.") % {"row": row.number})
            continue
        if code not in codes:
            result.problems.append(
                _("Row %(row)s: %(kpi)s is not a KPI of this report.")
                % {"row": row.number, "kpi": code}
            )
            continue
        if code in first_row:
            result.problems.append(
                _("Row %(row)s: %(kpi)s appears again (first in row %(first)s).")
                % {"row": row.number, "kpi": code, "first": first_row[code]}
            )
            continue
        first_row[code] = row.number
        result.values[code] = _raw(row.values.get("value"))
        note = row.values.get("note")
        result.notes[code] = "" if note is None else str(note).strip()
        result.cells[code] = f"{letters['value']}{row.number}"
    for code in sorted(codes - set(first_row)):
        result.problems.append(_("The file has no row for %(kpi)s.") % {"kpi": code})
    return result


def upload_values(report: Report, *, data: bytes, filename: str, user) -> domain.ValueCheck:
    """Store the values of an uploaded workbook, all or nothing.

    Refuses (:class:`domain.NotAllowed`, :class:`domain.WorkflowError`) what the web
    form refuses: someone other than the cluster's manager, a report no longer
    editable. Raises :class:`WorkbookRejected` for a file of another report or
    version, a damaged file, a missing or unknown KPI row, and every invalid value
    named by KPI and cell; nothing is stored then.
    Side effects: those of :func:`domain.save_report_values`.
    """
    domain.check_editable(report, user)
    workbook = read_workbook(report, data, filename)
    if workbook.problems:
        raise WorkbookRejected(workbook.problems)
    check = domain.check_values(report, workbook.values)
    if check.problems:
        raise WorkbookRejected(
            [
                _("Cell %(cell)s (%(kpi)s): %(message)s")
                % {"cell": workbook.cells[p.kpi], "kpi": p.kpi, "message": p.message}
                for p in check.problems
            ]
        )
    return domain.save_report_values(
        report, values=workbook.values, notes=workbook.notes, user=user
    )
