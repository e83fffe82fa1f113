"""Reading and checking an uploaded firm panel (plain polars; no Django).

The file is read once, every problem is collected with a count and examples,
and only a panel without problems is written: nothing is half-saved.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

import polars as pl

from clusterpact.rules import enterprise_number

#: Examples of each problem shown to the uploader.
EXAMPLES = 5
YEAR_RANGE = (1900, 2100)


@dataclass(frozen=True)
class Example:
    """One offending row (numbered from 1 after the header) and what is wrong in it."""

    row: int
    value: str
    reason: Exception | None = None
    year: int | None = None


@dataclass(frozen=True)
class PanelProblem:
    """One reason a panel cannot be used: a stable ``code``, its figures, and examples.

    ``str()`` gives the English sentence; pages render the code in the reader's language
    (``clusterpact.evaluation.messages``), so this module stays free of Django.
    """

    code: str
    params: dict = field(default_factory=dict)
    examples: tuple[Example, ...] = ()

    ENGLISH = {
        "unreadable": "The file could not be read: {error}.",
        "file_type": "Upload a .csv or .parquet file.",
        "missing_column": "Column {column!r} ({role}) is not in the file; the file has: {columns}.",
        "no_rows": "The file has no rows.",
        "column_twice": "Each role needs its own column; one column was chosen twice.",
        "enterprise_numbers": (
            "{count} rows have an invalid Belgian enterprise number in column {column!r}, "
            "e.g. {examples}."
        ),
        "not_numeric": "Column {column!r} ({role}) must be numeric; {count} rows are not, e.g. {examples}.",
        "years": (
            "Column {column!r} (year) must hold whole years between {low} and {high}; "
            "{count} rows do not, e.g. {examples}."
        ),
        "duplicate_firm_years": (
            "{count} rows repeat a firm-year (enterprise number and year must identify a row), "
            "e.g. {examples}."
        ),
    }

    def __str__(self) -> str:
        examples = "; ".join(
            f"{e.value} in {e.year}"
            if e.year is not None
            else f"row {e.row}: {e.reason if e.reason is not None else repr(e.value)}"
            for e in self.examples
        )
        return self.ENGLISH[self.code].format(**self.params, examples=examples)


class PanelError(ValueError):
    """The panel cannot be used; ``problems`` lists every reason."""

    def __init__(self, problems: list[PanelProblem]) -> None:
        super().__init__("; ".join(map(str, problems)))
        self.problems = problems


@dataclass(frozen=True)
class CheckedPanel:
    """A panel that passed every check: key columns ``enterprise_number`` (10 digits) and ``year``,
    value columns renamed to their roles, further numeric columns kept under their own names."""

    frame: pl.DataFrame
    roles: dict[str, str]
    notes: list[str] = field(default_factory=list)


def read_table(content: bytes, filename: str, key_column: str) -> pl.DataFrame:
    """CSV (comma or semicolon) or Parquet; the enterprise-number column is read as text."""
    name = filename.lower()
    try:
        if name.endswith((".parquet", ".pq")):
            return pl.read_parquet(io.BytesIO(content))
        if name.endswith((".csv", ".txt")):
            head = content[:4096].decode("utf-8-sig", errors="replace").splitlines()
            first = head[0] if head else ""
            separator = ";" if first.count(";") > first.count(",") else ","
            return pl.read_csv(
                io.BytesIO(content),
                separator=separator,
                infer_schema_length=10_000,
                schema_overrides={key_column: pl.String},
                encoding="utf8-lossy",
            )
    except (pl.exceptions.PolarsError, OSError, ValueError) as error:
        raise PanelError([PanelProblem("unreadable", {"error": error})]) from error
    raise PanelError([PanelProblem("file_type")])


def normalised_numbers(column: pl.Expr) -> tuple[pl.Expr, pl.Expr]:
    """(ten-digit form, validity) of Belgian enterprise numbers, vectorised.

    The same rule as :func:`clusterpact.rules.enterprise_number.normalise`: separators and a
    BE prefix dropped, nine digits get the implied leading 0, first digit 0 or 1, and the last
    two digits are 97 minus the first eight modulo 97.
    """
    raw = (
        column.cast(pl.String)
        .str.to_uppercase()
        .str.replace_all(r"[\s.\-/]", "")
        .str.strip_prefix("BE")
    )
    ten = pl.when(raw.str.len_chars() == 9).then(pl.lit("0") + raw).otherwise(raw)
    first_eight = ten.str.slice(0, 8).cast(pl.Int64, strict=False)
    check = ten.str.slice(8, 2).cast(pl.Int64, strict=False)
    valid = ten.str.contains(r"^[01][0-9]{9}$").fill_null(False) & (
        pl.lit(97) - first_eight % 97 == check
    ).fill_null(False)
    return ten, valid


def _row_examples(frame: pl.DataFrame, mask: pl.Expr, column: str) -> tuple[Example, ...]:
    """The first rows matching ``mask`` (rows counted from 1 after the header)."""
    rows = (
        frame.with_row_index("_row", offset=2)
        .filter(mask)
        .select("_row", pl.col(column).cast(pl.String))
        .head(EXAMPLES)
    )
    return tuple(Example(row, value) for row, value in rows.iter_rows())


def check_panel(frame: pl.DataFrame, roles: dict[str, str]) -> CheckedPanel:
    """Validate ``frame`` against the column ``roles`` (role → column name) and normalise it.

    Raises :class:`PanelError` listing every problem: missing columns, invalid enterprise
    numbers (counted, with examples and the reason of each), non-numeric or non-integer
    columns, duplicate firm-years.
    """
    roles = {role: column.strip() for role, column in roles.items() if column and column.strip()}
    problems: list[PanelProblem] = []
    missing = [
        PanelProblem(
            "missing_column", {"column": column, "role": role, "columns": ", ".join(frame.columns)}
        )
        for role, column in roles.items()
        if column not in frame.columns
    ]
    if missing:
        raise PanelError(missing)
    if frame.height == 0:
        raise PanelError([PanelProblem("no_rows")])
    chosen = list(roles.values())
    if len(set(chosen)) != len(chosen):
        raise PanelError([PanelProblem("column_twice")])

    key, year = roles["enterprise_number"], roles["year"]
    ten, valid = normalised_numbers(pl.col(key))
    bad = ~valid
    n_bad = frame.select(bad.sum()).item()
    if n_bad:
        examples = (
            frame.with_row_index("_row", offset=2)
            .filter(bad)
            .select("_row", pl.col(key).cast(pl.String))
            .head(EXAMPLES)
        )
        shown = []
        for row, value in examples.iter_rows():
            try:
                enterprise_number.normalise(value or "")
                reason = None
            except enterprise_number.EnterpriseNumberError as error:
                reason = error
            shown.append(Example(row, value or "", reason))
        problems.append(
            PanelProblem(
                "enterprise_numbers", {"count": n_bad, "column": key}, examples=tuple(shown)
            )
        )

    numeric: dict[str, pl.Expr] = {}
    value_roles = {r: c for r, c in roles.items() if r not in {"enterprise_number", "year"}}
    notes: list[str] = []
    reserved = {"enterprise_number", "year", *value_roles}
    extra = []
    for column in frame.columns:
        if column in chosen:
            continue
        if column in reserved:
            notes.append(f"column {column!r} was left out: its name is that of a role")
        else:
            extra.append(column)
    for label, column in [*((r, c) for r, c in value_roles.items()), *((None, c) for c in extra)]:
        dtype = frame.schema[column]
        if dtype.is_numeric():
            numeric[column] = pl.col(column).cast(pl.Float64)
            continue
        if dtype == pl.Null:
            numeric[column] = pl.col(column).cast(pl.Float64)
            continue
        as_number = pl.col(column).cast(pl.String).str.strip_chars().cast(pl.Float64, strict=False)
        text = pl.col(column).cast(pl.String).str.strip_chars()
        not_number = as_number.is_null() & text.is_not_null() & (text != "")
        n_text = frame.select(not_number.sum()).item()
        if n_text == 0:
            numeric[column] = as_number
        elif label is not None:
            problems.append(
                PanelProblem(
                    "not_numeric",
                    {"column": column, "role": label, "count": n_text},
                    examples=_row_examples(frame, not_number, column),
                )
            )
        else:
            notes.append(f"column {column!r} is not numeric and was left out")

    year_value = pl.col(year).cast(pl.Float64, strict=False)
    bad_year = (
        year_value.is_null()
        | (year_value != year_value.round(0))
        | (year_value < YEAR_RANGE[0])
        | (year_value > YEAR_RANGE[1])
    )
    n_bad_year = frame.select(bad_year.sum()).item()
    if n_bad_year:
        problems.append(
            PanelProblem(
                "years",
                {"column": year, "low": YEAR_RANGE[0], "high": YEAR_RANGE[1], "count": n_bad_year},
                examples=_row_examples(frame, bad_year, year),
            )
        )

    if not problems:
        keyed = frame.select(ten.alias("_number"), year_value.cast(pl.Int32).alias("_year"))
        duplicated = keyed.select(pl.struct("_number", "_year").is_duplicated()).to_series()
        n_dup = int(duplicated.sum())
        if n_dup:
            pairs = keyed.filter(duplicated).unique(maintain_order=True).head(EXAMPLES).iter_rows()
            shown = tuple(Example(0, enterprise_number.display(n), year=y) for n, y in pairs)
            problems.append(PanelProblem("duplicate_firm_years", {"count": n_dup}, examples=shown))
    if problems:
        raise PanelError(problems)

    rename = {column: role for role, column in value_roles.items()}
    out = frame.select(
        ten.alias("enterprise_number"),
        year_value.cast(pl.Int32).alias("year"),
        *(expr.alias(rename.get(column, column)) for column, expr in numeric.items()),
    ).sort("enterprise_number", "year")
    return CheckedPanel(frame=out, roles=roles, notes=notes)
