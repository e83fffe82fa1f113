"""Regional specialisation in the manner of the European Cluster Observatory.

From employment by region and sector: the location quotient, the size and the
focus of every region-sector pair, and the three stars the European Cluster
Observatory awarded (size, specialisation, focus). The employment comes from a
CSV in the Eurostat structural business statistics (SBS) layout, read by
:func:`read_sbs_csv`. Definitions and references are in
``docs/methods/specialisation.md``.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import polars as pl

from clusterpact.analysis._inputs import InputError

#: The synthetic demo sample shipped with the package (see the note next to it).
SAMPLE_CSV = Path(__file__).parent / "data" / "sbs_employment_sample.csv"

#: Employment indicators in the Eurostat SBS regional datasets, most preferred first:
#: persons employed in local units (sbs_r_nuts2021, indic_sbs) and persons
#: employed (sbs_r_nuts06_r2, indic_sb).
EMPLOYMENT_INDICATORS = ("EMP_LOC_NR", "V16110")

#: Columns of the SDMX-CSV export that carry no dimension to choose from.
_NON_DIMENSIONS = {"DATAFLOW", "LAST UPDATE", "OBS_VALUE", "OBS_FLAG", "CONF_STATUS"}
_TOTAL_CODES = ("TOTAL", "_T")


def location_quotients(employment: pl.DataFrame) -> pl.DataFrame:
    """Location quotient, size and focus of every region-sector pair.

    ``employment`` has ``region`` (NUTS code), ``sector`` (NACE code or
    sector group) and ``employees``; several rows for one pair are summed.
    With e_rs the employment of region r in sector s, e_r the region's total,
    e_s the sector's total over all regions given and e the grand total:

    - ``lq`` = (e_rs / e_r) / (e_s / e);
    - ``size`` = e_rs / e_s, the region's share of the sector's employment;
    - ``focus`` = e_rs / e_r, the sector's share of the region's employment.

    The regions and sectors given are the reference: pass all regions of the
    comparison area (e.g. all NUTS-2 regions of the EU) and sectors that do
    not overlap. Ratios with a zero denominator are null.
    """
    missing = [c for c in ("region", "sector", "employees") if c not in employment.columns]
    if missing:
        raise InputError(
            f"employment lacks the column(s) {', '.join(repr(c) for c in missing)}; "
            f"it has: {', '.join(employment.columns) or 'no columns'}"
        )
    frame = employment.select(
        pl.col("region").cast(pl.String),
        pl.col("sector").cast(pl.String),
        pl.col("employees").cast(pl.Float64),
    )
    bad = frame.with_row_index().filter(
        pl.col("region").is_null()
        | pl.col("sector").is_null()
        | pl.col("employees").is_null()
        | (pl.col("employees") < 0)
    )
    if bad.height:
        row = bad.row(0, named=True)
        if row["employees"] is not None and row["employees"] < 0:
            raise InputError(f"employment row {row['index'] + 1}: 'employees' must not be negative")
        column = next(c for c in ("region", "sector", "employees") if row[c] is None)
        raise InputError(f"employment row {row['index'] + 1}: {column!r} is empty")
    pairs = frame.group_by("region", "sector").agg(pl.col("employees").sum())
    e_r = pl.col("employees").sum().over("region")
    e_s = pl.col("employees").sum().over("sector")
    e = pl.col("employees").sum()

    def ratio(numerator: pl.Expr, denominator: pl.Expr) -> pl.Expr:
        return pl.when(denominator > 0).then(numerator / denominator)

    return pairs.with_columns(
        pl.when((e_r > 0) & (e_s > 0)).then(pl.col("employees") / e_r / (e_s / e)).alias("lq"),
        ratio(pl.col("employees"), e_s).alias("size"),
        ratio(pl.col("employees"), e_r).alias("focus"),
    ).sort("region", "sector")


@dataclass(frozen=True)
class StarThresholds:
    """Where the stars start.

    ``size_top_share``: the share of regions, per sector, that get the size
    star; ``lq_min``: the location quotient from which the specialisation star
    is given; ``focus_top_share``: the share of all region-sector pairs, by
    focus, that get the focus star.
    """

    size_top_share: float = 0.10
    lq_min: float = 2.0
    focus_top_share: float = 0.10

    def __post_init__(self) -> None:
        for name in ("size_top_share", "focus_top_share"):
            value = getattr(self, name)
            if not 0.0 <= value <= 1.0:
                raise InputError(f"{name} must lie between 0 and 1, not {value}")
        if self.lq_min < 0:
            raise InputError(f"lq_min must not be negative, not {self.lq_min}")


def _in_top(column: str, share: float, over: str | None) -> pl.Expr:
    """True for the rows in the top ``share`` of the positive values of ``column``.

    With n positive values in the population, the top share is the rows whose
    rank from the top (ties sharing the best rank) is at most ⌈share × n⌉.
    """
    value = pl.when(pl.col(column) > 0).then(pl.col(column))
    rank = value.rank(method="min", descending=True)
    count = value.count()
    if over is not None:
        rank, count = rank.over(over), count.over(over)
    cutoff = (count * share).ceil()
    return (value.is_not_null() & (rank <= cutoff)).fill_null(False)


def stars(quotients: pl.DataFrame, thresholds: StarThresholds = StarThresholds()) -> pl.DataFrame:
    """Add the three European Cluster Observatory stars to :func:`location_quotients`' output.

    - ``size_star``: the region is in the top ``size_top_share`` of the regions
      with employment in the sector, ranked by ``size``;
    - ``specialisation_star``: ``lq`` ≥ ``lq_min``;
    - ``focus_star``: the pair is in the top ``focus_top_share`` of all
      region-sector pairs with employment, ranked by ``focus``.

    "Top share q of n" means the rows whose rank from the top, ties sharing the
    best rank, is at most ⌈q × n⌉; so with 10 regions and q = 10 %, the largest
    (and anyone tied with it) gets the star. Pairs without employment get no
    star. ``stars`` counts the three (0..3).
    """
    missing = [c for c in ("region", "sector", "lq", "size", "focus") if c not in quotients.columns]
    if missing:
        raise InputError(
            f"quotients lacks the column(s) {', '.join(repr(c) for c in missing)}; "
            "pass the result of location_quotients"
        )
    return quotients.with_columns(
        _in_top("size", thresholds.size_top_share, "sector").alias("size_star"),
        (pl.col("lq") >= thresholds.lq_min).fill_null(False).alias("specialisation_star"),
        _in_top("focus", thresholds.focus_top_share, None).alias("focus_star"),
    ).with_columns(
        (
            pl.col("size_star").cast(pl.Int8)
            + pl.col("specialisation_star").cast(pl.Int8)
            + pl.col("focus_star").cast(pl.Int8)
        ).alias("stars")
    )


NutsLevel = Literal[0, 1, 2, 3]


class SbsError(InputError):
    """A problem with an SBS file: ``code`` names it, ``params`` holds its figures.

    ``str(error)`` is the English sentence; a page renders ``code`` and
    ``params`` in the reader's language, so this module stays free of any
    translation machinery. ``params`` carries ``line`` (the line of the file,
    the header being line 1) and ``column`` wherever the problem has them.
    """

    ENGLISH = {
        "not_found": "SBS file not found: {path}",
        "source_type": "cannot read SBS data from a {kind}",
        "unreadable": "not a readable CSV file: {error}",
        "missing_columns": "the SBS file lacks the column(s) {columns}; its header is: {header}",
        "field_count": "SBS file line {line} has {found} fields where the header has {expected}",
        "empty_cell": "SBS file line {line}: column {column!r} is empty",
        "not_a_year": "SBS file line {line}: column {column!r} holds {value!r}, not a year",
        "not_a_number": (
            "SBS file line {line}: column {column!r} holds {value!r}, "
            "not a number of persons employed"
        ),
        "no_employment_indicator": (
            "column {column!r} holds no employment indicator ({expected}); it holds: {found}"
        ),
        "unknown_indicator": (
            "column {column!r} has no rows for indicator {indicator!r}; it holds: {found}"
        ),
        "no_values": (
            "the SBS file has no employment values for indicator {indicator!r} "
            "at the chosen NUTS level and sectors"
        ),
        "no_values_for_year": "the SBS file has no employment values for {year}; it has: {years}",
        "several_values": (
            "column {column!r} holds several values ({values}) and no total; export one value of it"
        ),
        "repeated": (
            "SBS file line {line}: a second value for region {region!r} and sector {sector!r}"
        ),
    }

    def __init__(self, code: str, **params: object) -> None:
        self.code = code
        self.params = params
        super().__init__(self.ENGLISH[code].format(**params))


def _is_file(source: Any) -> bool:
    try:
        return isinstance(source, (str, Path)) and Path(source).is_file()
    except (OSError, ValueError):  # a name too long or with a NUL byte is no file
        return False


def _text(source: Any) -> str:
    if _is_file(source):
        return Path(source).read_text(encoding="utf-8-sig")
    if isinstance(source, (bytes, bytearray)):
        return bytes(source).decode("utf-8-sig")
    if hasattr(source, "read"):
        content = source.read()
        return content.decode("utf-8-sig") if isinstance(content, bytes) else content
    if isinstance(source, (str, Path)):
        raise SbsError("not_found", path=str(source))
    raise SbsError("source_type", kind=type(source).__name__)


def _raise_ragged_line(text: str) -> None:
    """Name the first line whose number of fields differs from the header's, if there is one.

    Only called once polars has refused the file, whose message names no line.
    """
    rows = csv.reader(io.StringIO(text))
    header = next(rows, None)
    if header is None:
        return
    for row in rows:
        if row and len(row) != len(header):
            raise SbsError("field_count", line=rows.line_num, found=len(row), expected=len(header))


def read_sbs_csv(
    source: Any,
    *,
    year: int | None = None,
    indicator: str | None = None,
    nuts_level: NutsLevel | None = 2,
    sectors: Collection[str] | None = None,
    sector_groups: Mapping[str, str] | None = None,
) -> pl.DataFrame:
    """Employment by region and sector from a CSV in the Eurostat SBS layout.

    Accepted layout: the SDMX-CSV export of Eurostat's regional SBS datasets
    (``sbs_r_nuts06_r2`` up to 2020, ``sbs_r_nuts2021`` from 2021), one
    observation per line with a header row, comma-separated. Columns used:
    ``nace_r2`` (NACE Rev. 2 code), ``indic_sb`` or ``indic_sbs`` (the
    indicator), ``geo`` (NUTS code), ``TIME_PERIOD`` (year) and ``OBS_VALUE``
    (number, empty for a suppressed cell); ``DATAFLOW``, ``LAST UPDATE``,
    ``freq``, ``OBS_FLAG`` and ``CONF_STATUS`` may be present and are not
    needed. Codes exported with labels ("V16110:Persons employed - number") are
    reduced to the code before the colon. Any other dimension column (such as
    an enterprise size class) must hold one value or a total ("TOTAL", "_T"),
    which is then kept.

    Selection: the employment indicator (``indicator``, else the first of
    ``EMP_LOC_NR``, ``V16110`` present), the ``year`` (else the latest with
    employment), the regions of ``nuts_level`` (the number of characters after
    the two-letter country code, without the Extra-Regio codes ending in Z;
    None keeps every code), and the NACE codes in
    ``sectors`` if given. With ``sector_groups`` (NACE code → group name) the
    codes are summed per group and codes without a group are dropped. Rows
    with an empty ``OBS_VALUE`` (confidential or not available, see
    ``OBS_FLAG``) are skipped.

    Returns ``region``, ``sector``, ``employees`` for :func:`location_quotients`.
    A bad file raises :class:`SbsError` (an :class:`InputError`, a
    ValueError) with a ``code`` and ``params`` naming the line and the column.
    """
    try:
        text = _text(source)
        raw = pl.read_csv(io.StringIO(text), infer_schema=False, truncate_ragged_lines=False)
    except UnicodeDecodeError as exc:
        raise SbsError("unreadable", error="not UTF-8 text") from exc
    except pl.exceptions.PolarsError as exc:
        _raise_ragged_line(text)
        raise SbsError("unreadable", error=str(exc).splitlines()[0] if str(exc) else "") from exc
    header = {c.strip(): c for c in raw.columns}
    indicator_column = next((c for c in ("indic_sbs", "indic_sb") if c in header), None)
    needed = ["nace_r2", "geo", "TIME_PERIOD", "OBS_VALUE"]
    missing = [c for c in needed if c not in header]
    if indicator_column is None:
        missing.insert(0, "indic_sbs (or indic_sb)")
    if missing:
        raise SbsError("missing_columns", columns=", ".join(missing), header=", ".join(raw.columns))
    frame = raw.rename({v: k for k, v in header.items()}).with_row_index("line", offset=2)
    dimensions = [c for c in frame.columns if c not in _NON_DIMENSIONS and c != "line"]
    frame = frame.with_columns(
        pl.col(c).str.strip_chars().str.split(":").list.first().alias(c) for c in dimensions
    )
    for column in ("geo", "nace_r2", indicator_column, "TIME_PERIOD"):
        empty = frame.filter(pl.col(column).is_null() | (pl.col(column) == ""))
        if empty.height:
            raise SbsError("empty_cell", line=int(empty["line"][0]), column=column)
    frame = frame.with_columns(pl.col("TIME_PERIOD").cast(pl.Int64, strict=False).alias("_year"))
    bad_year = frame.filter(pl.col("_year").is_null())
    if bad_year.height:
        raise SbsError(
            "not_a_year",
            line=int(bad_year["line"][0]),
            column="TIME_PERIOD",
            value=bad_year["TIME_PERIOD"][0],
        )
    value = pl.col("OBS_VALUE").str.strip_chars()
    frame = frame.with_columns(
        pl.when(value == "").then(None).otherwise(value).alias("OBS_VALUE")
    ).with_columns(pl.col("OBS_VALUE").cast(pl.Float64, strict=False).alias("_value"))
    bad_value = frame.filter(
        pl.col("OBS_VALUE").is_not_null()
        & (pl.col("_value").is_null() | (pl.col("_value") < 0) | ~pl.col("_value").is_finite())
    )
    if bad_value.height:
        raise SbsError(
            "not_a_number",
            line=int(bad_value["line"][0]),
            column="OBS_VALUE",
            value=bad_value["OBS_VALUE"][0],
        )

    available = set(frame[indicator_column].unique().to_list())
    if indicator is None:
        indicator = next((i for i in EMPLOYMENT_INDICATORS if i in available), None)
        if indicator is None:
            raise SbsError(
                "no_employment_indicator",
                column=indicator_column,
                expected=", ".join(EMPLOYMENT_INDICATORS),
                found=", ".join(sorted(available)),
            )
    elif indicator not in available:
        raise SbsError(
            "unknown_indicator",
            column=indicator_column,
            indicator=indicator,
            found=", ".join(sorted(available)),
        )
    frame = frame.filter(pl.col(indicator_column) == indicator)
    if nuts_level is not None:
        # Extra-Regio codes (BEZZ, BEZ, ...) hold what no region can be given: not a region.
        frame = frame.filter(
            (pl.col("geo").str.len_chars() == 2 + nuts_level)
            & ~pl.col("geo").str.slice(2).str.contains("^Z+$")
        )
    if sectors is not None:
        frame = frame.filter(pl.col("nace_r2").is_in(list(sectors)))
    with_values = frame.filter(pl.col("_value").is_not_null())
    if with_values.height == 0:
        raise SbsError("no_values", indicator=indicator)
    if year is None:
        year = int(with_values["_year"].max())
    frame = with_values.filter(pl.col("_year") == year)
    if frame.height == 0:
        years = ", ".join(str(y) for y in sorted(with_values["_year"].unique().to_list()))
        raise SbsError("no_values_for_year", year=year, years=years)

    others = [c for c in dimensions if c not in {"geo", "nace_r2", indicator_column, "TIME_PERIOD"}]
    for column in others:
        values = frame[column].unique().to_list()
        if len(values) <= 1 or column == "freq":
            continue
        total = next((t for t in _TOTAL_CODES if t in values), None)
        if total is None:
            raise SbsError(
                "several_values", column=column, values=", ".join(map(str, sorted(values)))
            )
        frame = frame.filter(pl.col(column) == total)

    repeated = frame.filter(~pl.struct("geo", "nace_r2").is_first_distinct())
    if repeated.height:
        row = repeated.row(0, named=True)
        raise SbsError("repeated", line=int(row["line"]), region=row["geo"], sector=row["nace_r2"])
    result = frame.select(
        pl.col("geo").alias("region"),
        pl.col("nace_r2").alias("sector"),
        pl.col("_value").alias("employees"),
    )
    if sector_groups is not None:
        groups = pl.DataFrame(
            {"sector": list(sector_groups), "group": list(sector_groups.values())},
            schema={"sector": pl.String, "group": pl.String},
        )
        result = (
            result.join(groups, on="sector", how="inner")
            .group_by("region", "group")
            .agg(pl.col("employees").sum())
            .rename({"group": "sector"})
        )
    return result.sort("region", "sector")
