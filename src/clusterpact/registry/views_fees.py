"""A cluster's fee schedule: read it per year, and keep it (agency or the cluster's manager)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from clusterpact.accounts import audit

from .models import FeeRate, HelixRole, SizeClass
from .permissions import can_change_cluster, get_cluster_for

# The cells of a schedule: companies by size class; other helix roles pay one rate whatever their size.
SCHEDULE_CELLS: tuple[tuple[str, str], ...] = tuple(
    [(HelixRole.COMPANY.value, size.value) for size in SizeClass]
    + [(role.value, "") for role in HelixRole if role != HelixRole.COMPANY]
)
MAX_FEE = Decimal("1000000")


def _cell_label(role: str, size: str) -> str:
    role_label = str(HelixRole(role).label)
    return f"{role_label} – {SizeClass(size).label}" if size else role_label


def _parse_amounts(post, cells) -> tuple[dict[tuple[str, str], Decimal | None], dict[str, str]]:
    """Read one amount per cell; blank means 'no rate'. Returns amounts and errors by field name."""
    amounts, errors = {}, {}
    for role, size in cells:
        name = f"fee-{role}-{size or 'any'}"
        raw = (post.get(name) or "").strip().replace(" ", "").replace(",", ".")
        if not raw:
            amounts[(role, size)] = None
            continue
        try:
            value = Decimal(raw)
        except InvalidOperation:
            errors[name] = _("Enter an amount in euro, such as 1250 or 1250.50.")
            continue
        if value < 0 or value > MAX_FEE or value != value.quantize(Decimal("0.01")):
            errors[name] = _(
                "Enter an amount between 0 and 1,000,000 euro with at most two decimals."
            )
            continue
        amounts[(role, size)] = value
    return amounts, errors


@require_http_methods(["GET", "POST"])
@login_required
def fee_schedule(request, slug):
    cluster = get_cluster_for(request.user, slug=slug)
    can_change = can_change_cluster(request.user, cluster)
    this_year = timezone.localdate().year
    try:
        year = int(request.GET.get("year") or request.POST.get("year") or this_year)
    except ValueError:
        year = this_year
    year = min(max(year, 1990), this_year + 5)
    existing = {
        (r.helix_role, r.size_class): r for r in FeeRate.objects.filter(cluster=cluster, year=year)
    }
    errors: dict[str, str] = {}
    submitted = None
    if request.method == "POST":
        if not can_change:
            raise PermissionDenied
        submitted, errors = _parse_amounts(request.POST, SCHEDULE_CELLS)
        if not errors:
            with (
                transaction.atomic(),
                audit.acting_as(request.user, reason=_("fee schedule %(year)s") % {"year": year}),
            ):
                for cell, amount in submitted.items():
                    current = existing.get(cell)
                    if amount is None and current is not None:
                        current.delete()
                    elif amount is not None and current is None:
                        FeeRate.objects.create(
                            cluster=cluster,
                            year=year,
                            helix_role=cell[0],
                            size_class=cell[1],
                            amount=amount,
                        )
                    elif amount is not None and current.amount != amount:
                        current.amount = amount
                        current.save()
            messages.success(request, _("The fee schedule for %(year)s is saved.") % {"year": year})
            return redirect(f"{request.path}?year={year}")
    rows = []
    for role, size in SCHEDULE_CELLS:
        name = f"fee-{role}-{size or 'any'}"
        if submitted is not None:
            shown = request.POST.get(name, "")
        else:
            shown = existing[(role, size)].amount if (role, size) in existing else ""
        rows.append(
            {
                "name": name,
                "label": _cell_label(role, size),
                "value": shown,
                "error": errors.get(name),
            }
        )
    years_with_rates = sorted(
        set(FeeRate.objects.filter(cluster=cluster).values_list("year", flat=True))
    )
    context = {
        "cluster": cluster,
        "year": year,
        "rows": rows,
        "errors": errors,
        "can_change": can_change,
        "years": sorted(set(years_with_rates) | {this_year, this_year + 1, year}),
    }
    return render(request, "registry/fee_schedule.html", context, status=400 if errors else 200)
