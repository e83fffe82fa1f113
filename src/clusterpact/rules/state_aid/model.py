"""Plain input objects for the state-aid checks (GBER art. 27), and the verdict they produce.

Everything is a frozen dataclass holding ``Decimal`` money and ``datetime.date``
dates, so a Django adapter can build them straight from querysets: the enum
values equal the registry's choice values (``ClusterKind.SPEARHEAD`` is
``"spearhead"``), and per-year figures are plain ``{year: Decimal}`` mappings,
which is what ``values_list("year", "amount")`` gives after ``dict(...)``.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

ZERO = Decimal(0)


class RecipientKind(enum.StrEnum):
    """Who receives the aid; art. 27(2) admits only the first (and, since 2023, the second)."""

    CLUSTER_ORGANISATION = "cluster_organisation"
    OPERATING_CONSORTIUM = "operating_consortium"
    OTHER = "other"


class ClusterType(enum.StrEnum):
    """Values equal ``registry.models.ClusterKind`` so the adapter passes them through."""

    SPEARHEAD = "spearhead"
    BUSINESS_NETWORK = "business_network"
    PROJECT_BASED = "project_based"


class RegionType(enum.StrEnum):
    """Regional-aid status of the area the investment is in (TFEU art. 107(3)); art. 27(6) bonus."""

    NONE = "none"
    C_AREA = "107(3)(c)"
    A_AREA = "107(3)(a)"


class GrantKind(enum.StrEnum):
    """Operating aid (art. 27(7)-(9)), investment aid (art. 27(5)-(6)), or earmarked project funds.

    Earmarked project funds go to the project participants under other GBER
    articles (R&D&I aid, e.g. art. 25); the art. 27 checks leave them out and the
    what-if counts them as public money only.
    """

    OPERATING = "operating"
    INVESTMENT = "investment"
    PROJECT = "project"


class CostCategory(enum.StrEnum):
    """Eligible cost categories of art. 27(5) (investment) and 27(8) (operating).

    Any other category name in a grant's costs is ineligible and left out of the
    base of the intensity checks.
    """

    ANIMATION = "animation"  # 27(8)(a): animation of the cluster
    MARKETING = "marketing"  # 27(8)(b): marketing of the cluster
    FACILITIES_EVENTS = (
        "facilities_events"  # 27(8)(c): facilities, training, workshops, conferences
    )
    TANGIBLE = "tangible"  # 27(5): tangible assets
    INTANGIBLE = "intangible"  # 27(5): intangible assets


ELIGIBLE_CATEGORIES: Mapping[GrantKind, frozenset[str]] = {
    GrantKind.OPERATING: frozenset(
        {CostCategory.ANIMATION, CostCategory.MARKETING, CostCategory.FACILITIES_EVENTS}
    ),
    GrantKind.INVESTMENT: frozenset({CostCategory.TANGIBLE, CostCategory.INTANGIBLE}),
    GrantKind.PROJECT: frozenset(),
}

ART_27_KINDS = frozenset({GrantKind.OPERATING, GrantKind.INVESTMENT})


class Status(enum.StrEnum):
    OK = "ok"
    WARNING = "warning"
    BREACH = "breach"


def _money(value: Any) -> Decimal:
    # str() first so a float 0.1 becomes Decimal("0.1"), not its binary expansion.
    return value if isinstance(value, Decimal) else Decimal(str(value))


def _money_by_year(values: Mapping[int, Any]) -> Mapping[int, Decimal]:
    return {int(year): _money(amount) for year, amount in sorted(values.items())}


@dataclass(frozen=True)
class Cluster:
    """The cluster the aid is for; the notification threshold (art. 4(1)(l)) is per cluster."""

    id: str
    name: str
    cluster_type: ClusterType
    region_type: RegionType = RegionType.NONE

    def __post_init__(self) -> None:
        # Adapters may pass the stored strings; the enums reject unknown values with their name.
        object.__setattr__(self, "cluster_type", ClusterType(self.cluster_type))
        object.__setattr__(self, "region_type", RegionType(self.region_type))


@dataclass(frozen=True)
class Recipient:
    """The legal entity receiving a grant (art. 27(2))."""

    id: str
    name: str
    kind: RecipientKind

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", RecipientKind(self.kind))


@dataclass(frozen=True)
class Grant:
    """One award of aid.

    Attributes:
        aid: aid per calendar year, in euro.
        eligible_costs: costs per calendar year, by category name (see
            :class:`CostCategory`); unknown categories count as ineligible.
        published: whether the award was published under art. 9; ``None`` if not known.
        region_type: overrides the cluster's region for an investment located elsewhere.
    """

    id: str
    recipient: Recipient
    kind: GrantKind
    grant_date: date
    aid: Mapping[int, Decimal]
    eligible_costs: Mapping[int, Mapping[str, Decimal]] = field(default_factory=dict)
    published: bool | None = None
    region_type: RegionType | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", GrantKind(self.kind))
        if self.region_type is not None:
            object.__setattr__(self, "region_type", RegionType(self.region_type))
        object.__setattr__(self, "aid", _money_by_year(self.aid))
        object.__setattr__(
            self,
            "eligible_costs",
            {
                int(year): {str(cat): _money(v) for cat, v in costs.items()}
                for year, costs in sorted(self.eligible_costs.items())
            },
        )
        for year, amount in self.aid.items():
            if amount < 0:
                raise ValueError(f"grant {self.id}: aid for {year} is negative ({amount})")
        for year, costs in self.eligible_costs.items():
            for category, amount in costs.items():
                if amount < 0:
                    raise ValueError(
                        f"grant {self.id}: {category} costs for {year} are negative ({amount})"
                    )

    @property
    def total_aid(self) -> Decimal:
        return sum(self.aid.values(), ZERO)

    @property
    def years(self) -> tuple[int, ...]:
        return tuple(sorted(set(self.aid) | set(self.eligible_costs)))

    def costs_in(self, year: int, *, eligible: bool) -> Decimal:
        allowed = ELIGIBLE_CATEGORIES[self.kind]
        return sum(
            (v for c, v in self.eligible_costs.get(year, {}).items() if (c in allowed) == eligible),
            ZERO,
        )

    @property
    def total_eligible_costs(self) -> Decimal:
        return sum((self.costs_in(y, eligible=True) for y in self.eligible_costs), ZERO)

    @property
    def total_ineligible_costs(self) -> Decimal:
        return sum((self.costs_in(y, eligible=False) for y in self.eligible_costs), ZERO)


@dataclass(frozen=True)
class AidHistory:
    """Everything the checks need about one cluster: its grants and its private cofinancing.

    ``private_cofinancing`` is per calendar year in euro (membership fees and
    other private contributions to the cluster organisation's running costs).
    """

    cluster: Cluster
    grants: tuple[Grant, ...] = ()
    private_cofinancing: Mapping[int, Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "grants", tuple(sorted(self.grants, key=lambda g: (g.grant_date, g.id)))
        )
        object.__setattr__(self, "private_cofinancing", _money_by_year(self.private_cofinancing))

    def of_kind(self, kind: GrantKind) -> tuple[Grant, ...]:
        return tuple(g for g in self.grants if g.kind is kind)

    def with_grants(self, *grants: Grant) -> AidHistory:
        return AidHistory(self.cluster, self.grants + grants, self.private_cofinancing)


@dataclass(frozen=True)
class Verdict:
    """The outcome of one check.

    Attributes:
        check: short machine name of the check, e.g. ``"operating_aid_duration"``.
        status: ok, warning or breach.
        message: one sentence a programme officer can act on.
        figures: the numbers behind the verdict (Decimal money, dates, counts).
        legal_basis: the provision applied, e.g. ``"GBER art. 27(7)"``.
        ruleset: the name of the rule set whose parameters were applied.
        grant_id: the grant the verdict is about, if it is about one grant.
        code: the stable key of the sentence in :data:`.messages.MESSAGES`, e.g.
            ``"operating_aid_intensity.exceeded"``; a translated page renders it instead of
            ``message``.
        params: the values of the sentence's placeholders (money in euro and percentages as
            ``Decimal``, dates, strings, tuples); ``message`` is the English rendering.
    """

    check: str
    status: Status
    message: str
    figures: Mapping[str, Any]
    legal_basis: str
    ruleset: str
    grant_id: str | None = None
    code: str = ""
    params: Mapping[str, Any] = field(default_factory=dict)
