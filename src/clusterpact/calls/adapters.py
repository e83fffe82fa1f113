"""The one seam between call models and the pure rules of :mod:`clusterpact.rules.calls`.

Querysets go in, the rules' frozen inputs come out; nothing here decides anything.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from clusterpact.registry.models import SME_CLASSES, HelixRole, Membership
from clusterpact.rules import calls as rules

from .models import Call, Proposal


def eligibility_rules(call: Call) -> rules.EligibilityRules:
    return rules.EligibilityRules(
        min_companies=call.min_companies,
        min_sme_share=call.min_sme_share,
        required_helix_roles=frozenset(call.required_helix_roles or ()),
        min_helix_roles=call.min_helix_roles,
        min_clusters=call.min_clusters,
        max_duration_months=call.max_duration_months,
        max_budget=call.max_budget_per_proposal,
    )


def criteria(call: Call) -> list[rules.Criterion]:
    return [
        rules.Criterion(
            code=c.code, weight=c.weight, threshold=c.threshold, maximum=c.maximum, step=c.step
        )
        for c in call.criteria.order_by("order", "pk")
    ]


def partners(proposal: Proposal, *, on=None) -> list[rules.Partner]:
    """The consortium as the rules see it: helix role, company, SME, and the clusters each
    registry organisation is a member of on ``on`` (today by default).

    SME status of a registry organisation is its derived size class (EU definition);
    a new organisation carries what the applicant declared.
    """
    day = on or timezone.localdate()
    rows = list(proposal.partners.select_related("organisation"))
    org_ids = [p.organisation_id for p in rows if p.organisation_id]
    clusters: dict[int, set[str]] = defaultdict(set)
    for org_id, slug in (
        Membership.objects.active_on(day)
        .filter(organisation_id__in=org_ids)
        .values_list("organisation_id", "cluster__slug")
    ):
        clusters[org_id].add(slug)
    result = []
    for p in rows:
        if p.organisation_id:
            org = p.organisation
            result.append(
                rules.Partner(
                    key=str(p.pk),
                    helix_role=org.helix_role,
                    is_company=org.helix_role == HelixRole.COMPANY,
                    is_sme=org.helix_role == HelixRole.COMPANY and org.size_class in SME_CLASSES,
                    clusters=frozenset(clusters.get(org.pk, ())),
                )
            )
        else:
            company = p.new_helix_role == HelixRole.COMPANY
            result.append(
                rules.Partner(
                    key=str(p.pk),
                    helix_role=p.new_helix_role,
                    is_company=company,
                    is_sme=company and p.new_is_sme,
                )
            )
    return result


def requested(proposals) -> dict[int, Decimal]:
    """Requested budget per proposal id, in one query."""
    from django.db.models import Sum

    rows = (
        Proposal.objects.filter(pk__in=[p.pk for p in proposals])
        .annotate(total=Sum("budget_lines__amount"))
        .values_list("pk", "total")
    )
    return {pk: total or Decimal(0) for pk, total in rows}
