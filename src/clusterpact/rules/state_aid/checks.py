"""The checks of GBER art. 27 and the national scheme, each returning :class:`Verdict` objects.

Every check takes an :class:`AidHistory` (one cluster's grants and private
cofinancing) and applies to each grant the rule set in force on its grant date.
Only art. 27 aid (operating and investment grants) is checked; earmarked project
funds fall under other GBER articles. A grant dated where no regime is
configured gets a breach from :func:`check_regime` and is left out of the others,
except the 10-year horizon, which runs from the first operating grant whatever follows.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, timedelta
from decimal import Decimal

from .messages import percent, render
from .model import (
    ART_27_KINDS,
    ELIGIBLE_CATEGORIES,
    ZERO,
    AidHistory,
    Grant,
    GrantKind,
    Status,
    Verdict,
)
from .rulesets import (
    DEFAULT_HORIZON_WARNING_MONTHS,
    DEFAULT_SCHEME,
    EU_REGIMES,
    NATIONAL_SCHEMES,
    NoRulesetError,
    Ruleset,
    ruleset_for,
)

Check = Callable[..., tuple[Verdict, ...]]


def _ruleset(grant: Grant, scheme: str | None) -> Ruleset | None:
    try:
        return ruleset_for(grant.grant_date, scheme)
    except NoRulesetError:
        return None


def _art27(history: AidHistory, scheme: str | None) -> list[tuple[Grant, Ruleset]]:
    pairs = []
    for grant in history.grants:
        if grant.kind in ART_27_KINDS:
            ruleset = _ruleset(grant, scheme)
            if ruleset is not None:
                pairs.append((grant, ruleset))
    return pairs


def _verdict(
    check: str,
    status: Status,
    code: str,
    params: dict,
    figures: dict,
    legal_basis: str,
    ruleset: str,
    grant_id: str | None = None,
) -> Verdict:
    """A verdict whose English ``message`` is the sentence of ``code`` (see :mod:`.messages`)."""
    return Verdict(
        check=check,
        status=status,
        message=render(code, params),
        figures=figures,
        legal_basis=legal_basis,
        ruleset=ruleset,
        grant_id=grant_id,
        code=code,
        params=params,
    )


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later; 29 February becomes 1 March in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return date(day.year + years, 3, 1)


def add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def check_regime(
    history: AidHistory, *, scheme: str | None = DEFAULT_SCHEME, **_
) -> tuple[Verdict, ...]:
    """A grant can only be checked, and block-exempted, under a regime in force on its date.

    The GBER applies until 31 December 2026 (art. 59 as amended); a grant dated
    later has no configured exemption until the successor regime is added.
    """
    verdicts = []
    for grant in history.grants:
        if grant.kind not in ART_27_KINDS:
            continue
        try:
            ruleset_for(grant.grant_date, scheme)
        except NoRulesetError:
            day = grant.grant_date
            params: dict = {"grant": grant.id, "grant_date": day}
            if scheme is not None and scheme not in NATIONAL_SCHEMES:
                code = "regime.unknown_scheme"
                params["scheme"] = scheme
            elif day > EU_REGIMES[-1].valid_until:
                code = "regime.after_last"
                params |= {"regime": EU_REGIMES[-1].name, "last_day": EU_REGIMES[-1].valid_until}
            else:
                code = "regime.before_first"
                params |= {"regime": EU_REGIMES[0].name, "first_day": EU_REGIMES[0].valid_from}
            verdicts.append(
                _verdict(
                    "regime",
                    Status.BREACH,
                    code,
                    params,
                    {"grant_date": day},
                    "GBER art. 59",
                    "none",
                    grant.id,
                )
            )
    return tuple(verdicts)


def check_recipient(
    history: AidHistory, *, scheme: str | None = DEFAULT_SCHEME, **_
) -> tuple[Verdict, ...]:
    """Art. 27(2): aid goes solely to the legal entity operating the cluster (cluster organisation);
    since Regulation (EU) 2023/1315 also to a consortium operating it."""
    verdicts = []
    for grant, ruleset in _art27(history, scheme):
        allowed = ruleset.eu.eligible_recipients.value
        ok = grant.recipient.kind in allowed
        params = {
            "grant": grant.id,
            "recipient": grant.recipient.name,
            "recipient_kind": grant.recipient.kind.value,
        }
        if not ok:
            params["allowed"] = tuple(sorted(k.value for k in allowed))
        verdicts.append(
            _verdict(
                "recipient",
                Status.OK if ok else Status.BREACH,
                "recipient.ok" if ok else "recipient.not_allowed",
                params,
                {"recipient_kind": grant.recipient.kind.value},
                "GBER art. 27(2)",
                ruleset.name,
                grant.id,
            )
        )
    return tuple(verdicts)


def operating_horizon(
    history: AidHistory, scheme: str | None = DEFAULT_SCHEME
) -> tuple[date, date] | None:
    """(first operating grant date, last day operating aid may be granted), or None without any.

    Art. 27(7): operating aid for at most 10 years. The period starts on the date
    of the first operating grant and its last day is the day before the tenth
    anniversary. The length comes from the rule set of the first grant.
    """
    operating = history.of_kind(GrantKind.OPERATING)
    if not operating:
        return None
    start = operating[0].grant_date
    return start, operating_aid_end(start, scheme)


def operating_aid_end(start: date, scheme: str | None = DEFAULT_SCHEME) -> date:
    """The last day operating aid may be granted when it began on ``start`` (art. 27(7)).

    The length comes from the rule set in force on ``start``; before the first
    configured regime the GBER's ten years apply.
    """
    try:
        years = ruleset_for(start, scheme).eu.operating_aid_max_years.value
    except NoRulesetError:
        years = 10
    return add_years(start, years) - timedelta(days=1)


def check_operating_duration(
    history: AidHistory, *, as_of: date | None = None, scheme: str | None = DEFAULT_SCHEME, **_
) -> tuple[Verdict, ...]:
    """Art. 27(7): operating aid may be granted for not more than 10 years.

    Breach if an operating grant is dated after the last day of the ten years, or
    allocates aid to a calendar year that starts after it. Warning when ``as_of``
    lies within the programme's warning period (24 months) before the last day.
    """
    horizon = operating_horizon(history, scheme)
    if horizon is None:
        return ()
    start, last_day = horizon
    first = history.of_kind(GrantKind.OPERATING)[0]
    ruleset = _ruleset(first, scheme)
    name = ruleset.name if ruleset else "none"
    late = [
        g
        for g in history.of_kind(GrantKind.OPERATING)
        if g.grant_date > last_day
        or any(date(y, 1, 1) > last_day and a > 0 for y, a in g.aid.items())
    ]
    months = (
        ruleset.national.horizon_warning_months.value
        if ruleset and ruleset.national
        else DEFAULT_HORIZON_WARNING_MONTHS
    )
    as_of = as_of or history.grants[-1].grant_date
    years = ruleset.eu.operating_aid_max_years.value if ruleset else 10
    figures = {
        "first_operating_grant": start,
        "last_day": last_day,
        "as_of": as_of,
        "days_left": max((last_day - as_of).days, 0),
        "late_grants": tuple(g.id for g in late),
    }
    params: dict = {"years": years, "last_day": last_day}
    if late:
        status, code = Status.BREACH, "operating_aid_duration.late"
        params |= {"start": start, "grants": tuple(g.id for g in late)}
    elif as_of > last_day:
        status, code = Status.OK, "operating_aid_duration.ended"
    elif as_of >= add_months(last_day, -months):
        status, code = Status.WARNING, "operating_aid_duration.ending"
        params["months"] = months
    else:
        status, code = Status.OK, "operating_aid_duration.ok"
    return (
        _verdict("operating_aid_duration", status, code, params, figures, "GBER art. 27(7)", name),
    )


def check_operating_intensity(
    history: AidHistory, *, scheme: str | None = DEFAULT_SCHEME, **_
) -> tuple[Verdict, ...]:
    """Art. 27(9): operating aid intensity ≤ 50 % of the total eligible costs over the aid period.

    Summed over all operating grants of the cluster; only the cost categories of
    art. 27(8) count. Exactly 50 % complies (the text says "shall not exceed").
    """
    pairs = [(g, r) for g, r in _art27(history, scheme) if g.kind is GrantKind.OPERATING]
    if not pairs:
        return ()
    aid = sum((g.total_aid for g, _ in pairs), ZERO)
    costs = sum((g.total_eligible_costs for g, _ in pairs), ZERO)
    limit = min(r.eu.operating_max_intensity.value for _, r in pairs)
    ruleset = pairs[-1][1]
    allowed = costs * limit
    figures = {
        "operating_aid": aid,
        "eligible_costs": costs,
        "max_intensity": limit,
        "intensity": (aid / costs) if costs else None,
        "room": allowed - aid,
    }
    params = {"aid": aid, "max_pct": percent(limit), "costs": costs}
    if aid <= allowed:
        status, code = Status.OK, "operating_aid_intensity.ok"
    else:
        status, code = Status.BREACH, "operating_aid_intensity.exceeded"
        params["excess"] = aid - allowed
    return (
        _verdict(
            "operating_aid_intensity",
            status,
            code,
            params,
            figures,
            "GBER art. 27(9)",
            ruleset.name,
        ),
    )


def check_investment_intensity(
    history: AidHistory, *, scheme: str | None = DEFAULT_SCHEME, **_
) -> tuple[Verdict, ...]:
    """Art. 27(6): investment aid ≤ 50 % of eligible costs, +15 pp in art. 107(3)(a) areas and
    +5 pp in art. 107(3)(c) areas. Per grant; eligible costs are those of art. 27(5)."""
    verdicts = []
    for grant, ruleset in _art27(history, scheme):
        if grant.kind is not GrantKind.INVESTMENT:
            continue
        region = grant.region_type or history.cluster.region_type
        limit = ruleset.eu.investment_max_intensity.value + ruleset.eu.regional_bonus.value[region]
        aid, costs = grant.total_aid, grant.total_eligible_costs
        ok = aid <= costs * limit
        figures = {
            "aid": aid,
            "eligible_costs": costs,
            "region_type": region.value,
            "max_intensity": limit,
            "intensity": (aid / costs) if costs else None,
        }
        params = {
            "grant": grant.id,
            "aid": aid,
            "costs": costs,
            "max_pct": percent(limit),
            "region": region.value,
        }
        if not ok:
            params["excess"] = aid - costs * limit
        verdicts.append(
            _verdict(
                "investment_aid_intensity",
                Status.OK if ok else Status.BREACH,
                "investment_aid_intensity.ok" if ok else "investment_aid_intensity.exceeded",
                params,
                figures,
                "GBER art. 27(6)",
                ruleset.name,
                grant.id,
            )
        )
    return tuple(verdicts)


def check_cost_categories(
    history: AidHistory, *, scheme: str | None = DEFAULT_SCHEME, **_
) -> tuple[Verdict, ...]:
    """Art. 27(5) and 27(8): only the listed cost categories are eligible.

    Costs in other categories are left out of the intensity base; declaring them
    is no breach in itself, so they give a warning naming the amount left out.
    """
    verdicts = []
    for grant, ruleset in _art27(history, scheme):
        paragraph = "27(8)" if grant.kind is GrantKind.OPERATING else "27(5)"
        allowed = ELIGIBLE_CATEGORIES[grant.kind]
        bad = {
            cat for costs in grant.eligible_costs.values() for cat in costs if cat not in allowed
        }
        left_out = grant.total_ineligible_costs
        ok = not bad
        params: dict = {"grant": grant.id, "paragraph": paragraph}
        if not ok:
            params |= {"amount": left_out, "categories": tuple(sorted(bad))}
        verdicts.append(
            _verdict(
                "cost_categories",
                Status.OK if ok else Status.WARNING,
                "cost_categories.ok" if ok else "cost_categories.ineligible",
                params,
                {"ineligible_costs": left_out, "ineligible_categories": tuple(sorted(bad))},
                f"GBER art. {paragraph}",
                ruleset.name,
                grant.id,
            )
        )
    return tuple(verdicts)


def check_notification_threshold(
    history: AidHistory, *, scheme: str | None = DEFAULT_SCHEME, **_
) -> tuple[Verdict, ...]:
    """Art. 4(1)(l): aid for innovation clusters above the threshold per cluster must be notified.

    The aid granted to the cluster is summed in grant-date order; each grant is
    measured against the threshold of the rule set in force on its own date
    (EUR 7.5 million before 1 July 2023, EUR 10 million from then).
    """
    pairs = _art27(history, scheme)
    if not pairs:
        return ()
    cumulative = ZERO
    worst: tuple[Grant, Ruleset, Decimal] | None = None
    for grant, ruleset in pairs:
        cumulative += grant.total_aid
        if cumulative > ruleset.eu.notification_threshold.value and worst is None:
            worst = (grant, ruleset, cumulative)
    last_ruleset = pairs[-1][1]
    threshold = last_ruleset.eu.notification_threshold.value
    if worst is not None:
        grant, ruleset, total = worst
        limit = ruleset.eu.notification_threshold.value
        return (
            _verdict(
                "notification_threshold",
                Status.BREACH,
                "notification_threshold.exceeded",
                {
                    "grant": grant.id,
                    "grant_date": grant.grant_date,
                    "total": total,
                    "threshold": limit,
                },
                {"cumulative_aid": total, "threshold": limit, "total_aid": cumulative},
                "GBER art. 4(1)(l)",
                ruleset.name,
                grant.id,
            ),
        )
    return (
        _verdict(
            "notification_threshold",
            Status.OK,
            "notification_threshold.ok",
            {"total": cumulative, "threshold": threshold},
            {"cumulative_aid": cumulative, "threshold": threshold, "room": threshold - cumulative},
            "GBER art. 4(1)(l)",
            last_ruleset.name,
        ),
    )


def check_publication(
    history: AidHistory, *, scheme: str | None = DEFAULT_SCHEME, **_
) -> tuple[Verdict, ...]:
    """Art. 9(1)(c): individual awards above the threshold (EUR 500 000, since 2023 EUR 100 000)
    are published; breach if known unpublished, warning if not known."""
    verdicts = []
    for grant, ruleset in _art27(history, scheme):
        threshold = ruleset.eu.publication_threshold.value
        needed = grant.total_aid > threshold
        if not needed:
            status, code = Status.OK, "publication.not_needed"
        elif grant.published:
            status, code = Status.OK, "publication.published"
        elif grant.published is None:
            status, code = Status.WARNING, "publication.unknown"
        else:
            status, code = Status.BREACH, "publication.unpublished"
        verdicts.append(
            _verdict(
                "publication",
                status,
                code,
                {"grant": grant.id, "threshold": threshold},
                {"aid": grant.total_aid, "threshold": threshold, "publication_required": needed},
                "GBER art. 9(1)(c)",
                ruleset.name,
                grant.id,
            )
        )
    return tuple(verdicts)


def operating_aid_by_year(
    history: AidHistory, scheme: str | None = DEFAULT_SCHEME
) -> dict[int, Decimal]:
    years: dict[int, Decimal] = {}
    for grant, _ in _art27(history, scheme):
        if grant.kind is GrantKind.OPERATING:
            for year, amount in grant.aid.items():
                years[year] = years.get(year, ZERO) + amount
    return dict(sorted(years.items()))


def operating_costs_by_year(
    history: AidHistory, scheme: str | None = DEFAULT_SCHEME
) -> dict[int, Decimal]:
    years: dict[int, Decimal] = {}
    for grant, _ in _art27(history, scheme):
        if grant.kind is GrantKind.OPERATING:
            for year in grant.eligible_costs:
                years[year] = years.get(year, ZERO) + grant.costs_in(year, eligible=True)
    return dict(sorted(years.items()))


def _yearly_national(
    history: AidHistory, scheme: str | None
) -> Iterable[tuple[int, Decimal, Ruleset]]:
    for year, amount in operating_aid_by_year(history, scheme).items():
        try:
            ruleset = ruleset_for(date(year, 12, 31), scheme)
        except NoRulesetError:
            # Years past the configured regime: the national rules still apply as last known.
            ruleset = _last_known(history, scheme)
        if ruleset is not None and ruleset.national is not None:
            yield year, amount, ruleset


def _last_known(history: AidHistory, scheme: str | None) -> Ruleset | None:
    pairs = _art27(history, scheme)
    return pairs[-1][1] if pairs else None


def check_yearly_ceiling(
    history: AidHistory, *, scheme: str | None = DEFAULT_SCHEME, **_
) -> tuple[Verdict, ...]:
    """National scheme: basic (operating) funding per year ≤ the ceiling of the cluster type and
    ≤ the scheme's share (50 %) of that year's eligible running costs.

    Flanders (Besluit 4 March 2016): EUR 500 000 a year for a spearhead cluster,
    EUR 150 000 for an innovative business network.
    """
    verdicts = []
    costs = operating_costs_by_year(history, scheme)
    for year, amount, ruleset in _yearly_national(history, scheme):
        national = ruleset.national
        ceiling = national.yearly_ceiling.value.get(history.cluster.cluster_type)
        share = national.basic_funding_max_share.value
        year_costs = costs.get(year, ZERO)
        over_share = amount > year_costs * share
        params: dict = {"year": year, "amount": amount}
        if ceiling is None:
            code = "yearly_ceiling.no_ceiling"
            params["cluster_type"] = history.cluster.cluster_type.value
        elif amount > ceiling:
            code = "yearly_ceiling.over_ceiling"
            params |= {"ceiling": ceiling, "excess": amount - ceiling}
        else:
            code = "yearly_ceiling.ok"
        if over_share:
            code = {
                "yearly_ceiling.ok": "yearly_ceiling.over_share",
                "yearly_ceiling.over_ceiling": "yearly_ceiling.over_ceiling_and_share",
                "yearly_ceiling.no_ceiling": "yearly_ceiling.no_ceiling_and_over_share",
            }[code]
            params |= {"max_pct": percent(share), "costs": year_costs}
        verdicts.append(
            _verdict(
                "yearly_ceiling",
                Status.OK if code == "yearly_ceiling.ok" else Status.BREACH,
                code,
                params,
                {
                    "year": year,
                    "basic_funding": amount,
                    "ceiling": ceiling,
                    "room": (ceiling - amount) if ceiling is not None else None,
                    "running_costs": year_costs,
                    "max_share": share,
                },
                national.yearly_ceiling.source,
                ruleset.name,
            )
        )
    return tuple(verdicts)


def check_private_cofinancing(
    history: AidHistory, *, scheme: str | None = DEFAULT_SCHEME, **_
) -> tuple[Verdict, ...]:
    """National scheme: members cofinance each year at least as much as the public basic funding."""
    verdicts = []
    for year, amount, ruleset in _yearly_national(history, scheme):
        ratio = ruleset.national.min_private_to_public_ratio.value
        private = history.private_cofinancing.get(year, ZERO)
        ok = private >= amount * ratio
        params = {"year": year, "private": private, "public": amount}
        if not ok:
            params["shortfall"] = amount * ratio - private
        verdicts.append(
            _verdict(
                "private_cofinancing",
                Status.OK if ok else Status.BREACH,
                "private_cofinancing.ok" if ok else "private_cofinancing.short",
                params,
                {"year": year, "private": private, "public_basic": amount, "min_ratio": ratio},
                ruleset.national.min_private_to_public_ratio.source,
                ruleset.name,
            )
        )
    return tuple(verdicts)


CHECKS: tuple[Check, ...] = (
    check_regime,
    check_recipient,
    check_operating_duration,
    check_operating_intensity,
    check_investment_intensity,
    check_cost_categories,
    check_notification_threshold,
    check_publication,
    check_yearly_ceiling,
    check_private_cofinancing,
)


def check_all(
    history: AidHistory, *, as_of: date | None = None, scheme: str | None = DEFAULT_SCHEME
) -> tuple[Verdict, ...]:
    """Every verdict of every check for one cluster, in the order of :data:`CHECKS`."""
    return tuple(v for check in CHECKS for v in check(history, as_of=as_of, scheme=scheme))


def worst(verdicts: Iterable[Verdict]) -> Status:
    order = {Status.OK: 0, Status.WARNING: 1, Status.BREACH: 2}
    return max((v.status for v in verdicts), key=order.__getitem__, default=Status.OK)
