"""Fragmentation and theme-gap pages (agency only: they compare proposals across applicants)."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_safe

from . import fragmentation
from .models import StrategicTheme
from .permissions import can_manage_calls, get_call_for, get_proposal_for

DEFAULT_THEME_THRESHOLD = Decimal("0.2")
DEFAULT_CONSOLIDATION_THRESHOLD = Decimal("0.3")


def _officer(request):
    if not can_manage_calls(request.user):
        raise PermissionDenied


def _threshold(request, default: Decimal) -> Decimal:
    try:
        value = Decimal(request.GET.get("threshold") or default)
    except InvalidOperation:
        return default
    return value if Decimal(0) <= value <= Decimal(1) else default


@require_safe
@login_required
def call_overlap(request, pk):
    _officer(request)
    call = get_call_for(request.user, pk=pk)
    rows = fragmentation.call_overlap(call)
    return render(
        request,
        "calls/call_overlap.html",
        {"call": call, "rows": rows, "flagged": sum(1 for r in rows if r.flagged)},
    )


@require_safe
@login_required
def proposal_overlap(request, pk):
    _officer(request)
    proposal = get_proposal_for(request.user, pk=pk)
    rows = fragmentation.call_overlap(proposal.call, only=proposal)
    return render(
        request,
        "calls/proposal_overlap.html",
        {"proposal": proposal, "call": proposal.call, "overlap": rows[0] if rows else None},
    )


@require_safe
@login_required
def consolidation(request):
    _officer(request)
    threshold = _threshold(request, DEFAULT_CONSOLIDATION_THRESHOLD)
    pairs = fragmentation.cluster_consolidation(threshold=threshold)
    return render(request, "calls/consolidation.html", {"pairs": pairs, "threshold": threshold})


class ThemeForm(forms.ModelForm):
    class Meta:
        model = StrategicTheme
        fields = ["title", "description", "source"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}
        labels = {"source": gettext_lazy("Source (e.g. the systems analysis)")}


@require_http_methods(["GET", "POST"])
@login_required
def theme_gaps(request):
    _officer(request)
    form = ThemeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, _("The strategic theme is added."))
        return redirect("calls:theme-gaps")
    threshold = _threshold(request, DEFAULT_THEME_THRESHOLD)
    rows = fragmentation.theme_gaps(threshold=threshold)
    return render(
        request,
        "calls/theme_gaps.html",
        {
            "rows": rows,
            "threshold": threshold,
            "form": form,
            "uncovered": sum(1 for r in rows if not r.covered),
        },
        status=400 if request.method == "POST" else 200,
    )
