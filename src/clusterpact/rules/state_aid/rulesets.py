"""Dated state-aid rule sets: every parameter of the checks, with its legal source, in one place.

Two layers are selected by the grant date:

* the EU regime (``EU_REGIMES``): GBER 651/2014 before and after the 2023
  amendment (Regulation (EU) 2023/1315);
* a national or regional scheme on top (``NATIONAL_SCHEMES``), keyed by a short
  scheme id; the Flemish cluster scheme (Besluit van de Vlaamse Regering of
  4 March 2016) is ``"flanders"``.

Adding the regime that follows the GBER after 31 December 2026 means appending
one :class:`EuRegime` to ``EU_REGIMES`` (and, if the region changes its scheme,
one :class:`NationalScheme`); no check changes. Values that DOMAIN.md marks
*verify* carry ``verified=False`` and are listed in ``docs/state-aid.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Generic, TypeVar

from .model import ClusterType, RecipientKind, RegionType

T = TypeVar("T")


class NoRulesetError(LookupError):
    """No state-aid regime is configured for a date."""


@dataclass(frozen=True)
class Parameter(Generic[T]):
    """One rule parameter with where it comes from.

    Attributes:
        value: the value the checks use.
        source: the provision it comes from, e.g. ``"GBER art. 27(9)"``.
        verified: False while the value has not been checked against the official text.
        note: what to verify, or how the value was read.
    """

    value: T
    source: str
    verified: bool = True
    note: str = ""


@dataclass(frozen=True)
class EuRegime:
    """The EU block-exemption conditions for innovation clusters in force between two dates."""

    name: str
    valid_from: date
    valid_until: date  # inclusive
    eligible_recipients: Parameter[frozenset[RecipientKind]]
    investment_max_intensity: Parameter[Decimal]
    regional_bonus: Parameter[Mapping[RegionType, Decimal]]
    operating_aid_max_years: Parameter[int]
    operating_max_intensity: Parameter[Decimal]
    notification_threshold: Parameter[Decimal]
    publication_threshold: Parameter[Decimal]

    def covers(self, day: date) -> bool:
        return self.valid_from <= day <= self.valid_until


@dataclass(frozen=True)
class NationalScheme:
    """A national or regional aid scheme applied on top of the EU regime."""

    scheme: str
    name: str
    valid_from: date
    valid_until: date | None  # inclusive; None = open-ended
    basic_funding_max_share: Parameter[Decimal]
    yearly_ceiling: Parameter[Mapping[ClusterType, Decimal]]
    min_private_to_public_ratio: Parameter[Decimal]
    horizon_warning_months: Parameter[int]

    def covers(self, day: date) -> bool:
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


@dataclass(frozen=True)
class Ruleset:
    """The EU regime and (if any) the national scheme in force on one date."""

    eu: EuRegime
    national: NationalScheme | None

    @property
    def name(self) -> str:
        return self.eu.name if self.national is None else f"{self.eu.name} + {self.national.name}"


_GBER = "Regulation (EU) No 651/2014 (GBER)"
_REGIONAL_BONUS_NOTE = (
    "DOMAIN.md marks the +15 percentage points for art. 107(3)(a) areas as to verify "
    "against the consolidated text (CELEX 02014R0651)."
)

GBER_2014 = EuRegime(
    name="GBER 651/2014 before the 2023 amendment",
    valid_from=date(2014, 7, 1),
    valid_until=date(2023, 6, 30),
    eligible_recipients=Parameter(
        frozenset({RecipientKind.CLUSTER_ORGANISATION}),
        f"{_GBER} art. 27(2)",
        note="Aid solely to the legal entity operating the cluster (cluster organisation).",
    ),
    investment_max_intensity=Parameter(Decimal("0.50"), f"{_GBER} art. 27(6)"),
    regional_bonus=Parameter(
        {
            RegionType.NONE: Decimal(0),
            RegionType.C_AREA: Decimal("0.05"),
            RegionType.A_AREA: Decimal("0.15"),
        },
        f"{_GBER} art. 27(6)",
        verified=False,
        note=_REGIONAL_BONUS_NOTE,
    ),
    operating_aid_max_years=Parameter(10, f"{_GBER} art. 27(7)"),
    operating_max_intensity=Parameter(Decimal("0.50"), f"{_GBER} art. 27(9)"),
    notification_threshold=Parameter(
        Decimal(7_500_000),
        f"{_GBER} art. 4(1)(l)",
        verified=False,
        note="EUR 7.5 million per cluster; applied to investment and operating aid together.",
    ),
    publication_threshold=Parameter(
        Decimal(500_000),
        f"{_GBER} art. 9(1)(c)",
        verified=False,
        note="Individual awards above EUR 500 000 are published.",
    ),
)

GBER_2023 = EuRegime(
    name="GBER 651/2014 as amended by Regulation (EU) 2023/1315",
    valid_from=date(2023, 7, 1),
    valid_until=date(2026, 12, 31),
    eligible_recipients=Parameter(
        frozenset({RecipientKind.CLUSTER_ORGANISATION, RecipientKind.OPERATING_CONSORTIUM}),
        f"{_GBER} art. 27(2) as amended by Regulation (EU) 2023/1315",
        verified=False,
        note="Also a consortium operating the cluster, keeping separate accounts for ownership, "
        "operation and use (wording to verify).",
    ),
    investment_max_intensity=Parameter(Decimal("0.50"), f"{_GBER} art. 27(6)"),
    regional_bonus=GBER_2014.regional_bonus,
    operating_aid_max_years=Parameter(10, f"{_GBER} art. 27(7)"),
    operating_max_intensity=Parameter(Decimal("0.50"), f"{_GBER} art. 27(9)"),
    notification_threshold=Parameter(
        Decimal(10_000_000),
        f"{_GBER} art. 4(1)(l) as amended by Regulation (EU) 2023/1315",
        verified=False,
        note="EUR 10 million per cluster; applied to investment and operating aid together.",
    ),
    publication_threshold=Parameter(
        Decimal(100_000),
        f"{_GBER} art. 9(1)(c) as amended by Regulation (EU) 2023/1315",
        verified=False,
        note="Individual awards above EUR 100 000 are published.",
    ),
)

# Ordered by date, without gaps: the successor regime after 2026 is appended here.
EU_REGIMES: tuple[EuRegime, ...] = (GBER_2014, GBER_2023)

_BVR = "Besluit van de Vlaamse Regering van 4 maart 2016 (innovatieclusters)"

FLANDERS_2016 = NationalScheme(
    scheme="flanders",
    name="Flemish cluster scheme (Besluit 4 March 2016)",
    valid_from=date(2016, 4, 17),
    valid_until=None,
    basic_funding_max_share=Parameter(
        Decimal("0.50"),
        _BVR,
        note="The government pays at most 50 % of the cluster organisation's running costs, per year.",
    ),
    yearly_ceiling=Parameter(
        {ClusterType.SPEARHEAD: Decimal(500_000), ClusterType.BUSINESS_NETWORK: Decimal(150_000)},
        f"{_BVR}; VLAIO subsidy database 'Innovatieclusters'",
        note="Basic funding per year and cluster type.",
    ),
    min_private_to_public_ratio=Parameter(
        Decimal(1),
        _BVR,
        note="Members cofinance at least as much as the public basic funding, each year.",
    ),
    horizon_warning_months=Parameter(
        24,
        "programme setting (issue 5: clusters that reach the horizon within 24 months)",
    ),
)

NATIONAL_SCHEMES: Mapping[str, tuple[NationalScheme, ...]] = {"flanders": (FLANDERS_2016,)}

DEFAULT_SCHEME = "flanders"
# Without a national scheme the 10-year warning still needs a lead time.
DEFAULT_HORIZON_WARNING_MONTHS = 24


def eu_regime_for(day: date, regimes: tuple[EuRegime, ...] = EU_REGIMES) -> EuRegime:
    """The EU regime in force on ``day``; raises :class:`NoRulesetError` outside all of them."""
    for regime in regimes:
        if regime.covers(day):
            return regime
    if day > regimes[-1].valid_until:
        raise NoRulesetError(
            f"no state-aid regime is configured for {day.isoformat()}: the last one, "
            f"{regimes[-1].name!r}, ends on {regimes[-1].valid_until.isoformat()}. "
            "Add the successor regime as a new EuRegime in clusterpact.rules.state_aid.rulesets."
        )
    raise NoRulesetError(
        f"no state-aid regime is configured for {day.isoformat()}: the first one, "
        f"{regimes[0].name!r}, starts on {regimes[0].valid_from.isoformat()}."
    )


def national_scheme_for(day: date, scheme: str | None) -> NationalScheme | None:
    """The national scheme ``scheme`` in force on ``day``, or None if none is (or none is asked)."""
    if scheme is None:
        return None
    try:
        versions = NATIONAL_SCHEMES[scheme]
    except KeyError:
        raise NoRulesetError(
            f"no national scheme {scheme!r} is configured; known: {', '.join(NATIONAL_SCHEMES)}"
        ) from None
    return next((v for v in versions if v.covers(day)), None)


def ruleset_for(day: date, scheme: str | None = DEFAULT_SCHEME) -> Ruleset:
    """The rule set in force on a grant date: EU regime plus, if configured, the national scheme.

    Raises:
        NoRulesetError: if no EU regime covers ``day`` (e.g. a grant after 31 December 2026
            before the successor regime is configured).
    """
    return Ruleset(eu_regime_for(day), national_scheme_for(day, scheme))


def unverified_parameters() -> list[tuple[str, str, Parameter]]:
    """Every parameter still marked unverified, as (rule set, field, parameter), for the docs."""
    found: list[tuple[str, str, Parameter]] = []
    layers: list[EuRegime | NationalScheme] = [*EU_REGIMES]
    for versions in NATIONAL_SCHEMES.values():
        layers.extend(versions)
    for layer in layers:
        for name, value in vars(layer).items():
            if isinstance(value, Parameter) and not value.verified:
                found.append((layer.name, name, value))
    return found
