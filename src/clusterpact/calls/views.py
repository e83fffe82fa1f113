"""Call and applicant pages. Thin: permissions from :mod:`.permissions`, changes through :mod:`.domain`.

Every page that changes a proposal reads the server clock once per request and
passes it on, so "open" means the same instant in the check and in the save.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.db import IntegrityError, transaction
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from clusterpact.accounts.audit import history_for

from . import domain, exports
from .forms import (
    AddKpiForm,
    AttachmentForm,
    BudgetLineForm,
    CallForm,
    CriterionFormSet,
    PartnerForm,
    ProposalForm,
)
from .messages import failure_message
from .models import (
    CallKpi,
    ConsensusScore,
    Proposal,
    ProposalAttachment,
    ProposalBudgetLine,
    ProposalKpi,
    ProposalPartner,
    ProposalStatus,
    ReviewScore,
)
from .permissions import (
    calls_for,
    can_create_proposal,
    can_edit_proposal,
    can_manage_calls,
    get_call_for,
    get_proposal_for,
    proposals_for,
)

PAGE_SIZE = 25


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


@require_safe
@login_required
def call_list(request):
    now = timezone.now()
    calls = calls_for(request.user).order_by("-closes_at", "pk")
    return render(
        request,
        "calls/call_list.html",
        {
            "page": _page(request, calls),
            "now": now,
            "can_manage": can_manage_calls(request.user),
            "my_proposals": proposals_for(request.user)
            .filter(applicant=request.user)
            .select_related("call")
            .order_by("-created_at")[:50],
        },
    )


def _save_call(form, *, user, call=None):
    data = form.cleaned_data
    if call is None:
        fields = {k: v for k, v in data.items() if k != "kpis"}
        return domain.create_call(kpis=data["kpis"], **fields)
    with transaction.atomic():
        form.save()
        wanted = set(data["kpis"])
        for row in call.required_kpis.select_related("kpi"):
            if row.kpi not in wanted:
                row.delete()
        have = set(call.required_kpis.values_list("kpi_id", flat=True))
        for kpi in wanted:
            if kpi.pk not in have:
                CallKpi.objects.create(call=call, kpi=kpi)
    return call


def criteria_locked(call) -> bool:
    """Criteria are fixed once a reviewer has scored or a consensus exists."""
    return call is not None and (
        ReviewScore.objects.filter(review__assignment__proposal__call=call).exists()
        or ConsensusScore.objects.filter(proposal__call=call).exists()
    )


@require_http_methods(["GET", "POST"])
@login_required
def call_form(request, pk=None):
    """Create or edit a call; when editing, its criteria too (until scoring starts)."""
    if not can_manage_calls(request.user):
        raise PermissionDenied
    call = get_call_for(request.user, pk=pk) if pk else None
    form = CallForm(request.POST or None, instance=call)
    locked = criteria_locked(call)
    criteria = None
    if call is not None and not locked:
        criteria = CriterionFormSet(
            request.POST or None, queryset=call.criteria.order_by("order", "pk"), prefix="criteria"
        )
    if request.method == "POST" and form.is_valid() and (criteria is None or criteria.is_valid()):
        with transaction.atomic():
            call = _save_call(form, user=request.user, call=call)
            if criteria is not None:
                for item in criteria.save(commit=False):
                    item.call = call
                    item.save()
                for removed in criteria.deleted_objects:
                    removed.delete()
        messages.success(request, _("The call is saved."))
        return redirect(call)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "calls/call_form.html",
        {"form": form, "call": call, "criteria": criteria, "locked": locked},
        status=status,
    )


@require_safe
@login_required
def call_detail(request, pk):
    call = get_call_for(request.user, pk=pk)
    now = timezone.now()
    manage = can_manage_calls(request.user)
    context = {
        "call": call,
        "now": now,
        "is_open": call.is_open(now),
        "criteria": call.criteria.all(),
        "kpis": call.required_kpis.select_related("kpi"),
        "can_manage": manage,
        "can_apply": can_create_proposal(request.user, call, now),
        "own": proposals_for(request.user).filter(call=call, applicant=request.user),
    }
    if manage:
        proposals = call.proposals.select_related("applicant").order_by("status", "submitted_at")
        context["page"] = _page(request, proposals)
        context["history"] = history_for(call)[:10]
    return render(request, "calls/call_detail.html", context)


@require_POST
@login_required
def proposal_create(request, pk):
    call = get_call_for(request.user, pk=pk)
    if not can_create_proposal(request.user, call):
        raise PermissionDenied
    proposal = Proposal.objects.create(
        call=call,
        applicant=request.user,
        title=_("New proposal"),
        theme_description="",
        duration_months=call.max_duration_months,
    )
    return redirect("calls:proposal-edit", pk=proposal.pk)


@require_safe
@login_required
def proposal_detail(request, pk):
    proposal = get_proposal_for(request.user, pk=pk)
    now = timezone.now()
    context = {
        "proposal": proposal,
        "call": proposal.call,
        "partners": proposal.partners.select_related("organisation"),
        "budget": proposal.budget_lines.all(),
        "requested": proposal.requested(),
        "kpis": proposal.kpis.select_related("kpi"),
        "attachments": proposal.attachments.all(),
        "can_edit": can_edit_proposal(request.user, proposal, now),
        "is_applicant": proposal.applicant_id == request.user.pk,
        "can_manage": can_manage_calls(request.user),
    }
    if context["can_manage"]:
        context["decision"] = domain.current_decision(proposal)
        context["history"] = history_for(proposal)[:10]
    return render(request, "calls/proposal_detail.html", context)


def _editable(request, pk):
    """The proposal if the user may change it now; otherwise 404 (not theirs) or 403 (closed)."""
    proposal = get_proposal_for(request.user, pk=pk)
    if proposal.applicant_id != request.user.pk:
        raise PermissionDenied
    if not can_edit_proposal(request.user, proposal, timezone.now()):
        raise PermissionDenied(_("The call is not open: nothing can be submitted or changed."))
    return proposal


def _edit_context(proposal, **forms):
    required = set(proposal.call.required_kpis.values_list("kpi_id", flat=True))
    failures = domain.check_proposal(proposal)
    return {
        "proposal": proposal,
        "call": proposal.call,
        "form": forms.get("form") or ProposalForm(instance=proposal),
        "partner_form": forms.get("partner_form") or PartnerForm(prefix="partner"),
        "budget_form": forms.get("budget_form") or BudgetLineForm(prefix="budget"),
        "kpi_form": forms.get("kpi_form") or AddKpiForm(prefix="kpi"),
        "attachment_form": forms.get("attachment_form") or AttachmentForm(prefix="file"),
        "partners": proposal.partners.select_related("organisation"),
        "budget": proposal.budget_lines.all(),
        "requested": proposal.requested(),
        "kpis": [
            (row, row.kpi_id in required) for row in proposal.kpis.select_related("kpi").all()
        ],
        "missing_kpis": proposal.call.required_kpis.exclude(
            kpi_id__in=proposal.kpis.values_list("kpi_id", flat=True)
        ).select_related("kpi"),
        "attachments": proposal.attachments.all(),
        "problems": [failure_message(f) for f in failures],
    }


@require_http_methods(["GET", "POST"])
@login_required
def proposal_edit(request, pk):
    proposal = _editable(request, pk)
    form = ProposalForm(request.POST or None, instance=proposal)
    if request.method == "POST":
        if form.is_valid():
            form.save()
            messages.success(request, _("The proposal is saved."))
            return redirect("calls:proposal-edit", pk=proposal.pk)
        return render(
            request, "calls/proposal_edit.html", _edit_context(proposal, form=form), status=400
        )
    return render(request, "calls/proposal_edit.html", _edit_context(proposal))


@require_POST
@login_required
def partner_add(request, pk):
    proposal = _editable(request, pk)
    form = PartnerForm(request.POST, prefix="partner")
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                ProposalPartner.objects.create(
                    proposal=proposal,
                    organisation=data["organisation"],
                    new_name="" if data["organisation"] else data["new_name"],
                    new_helix_role="" if data["organisation"] else data["new_helix_role"],
                    new_is_sme=False if data["organisation"] else data["new_is_sme"],
                    role=data["role"],
                )
        except IntegrityError:
            form.add_error("identifier", _("This organisation is already in the consortium."))
        else:
            return redirect("calls:proposal-edit", pk=proposal.pk)
    return render(
        request,
        "calls/proposal_edit.html",
        _edit_context(proposal, partner_form=form),
        status=400,
    )


@require_POST
@login_required
def partner_remove(request, pk, partner_pk):
    proposal = _editable(request, pk)
    get_object_or_404(ProposalPartner, proposal=proposal, pk=partner_pk).delete()
    return redirect("calls:proposal-edit", pk=proposal.pk)


@require_POST
@login_required
def budget_add(request, pk):
    proposal = _editable(request, pk)
    form = BudgetLineForm(request.POST, prefix="budget")
    if form.is_valid():
        data = form.cleaned_data
        ProposalBudgetLine.objects.update_or_create(
            proposal=proposal,
            year=data["year"],
            category=data["category"],
            defaults={"amount": data["amount"]},
        )
        return redirect("calls:proposal-edit", pk=proposal.pk)
    return render(
        request, "calls/proposal_edit.html", _edit_context(proposal, budget_form=form), status=400
    )


@require_POST
@login_required
def budget_remove(request, pk, line_pk):
    proposal = _editable(request, pk)
    get_object_or_404(ProposalBudgetLine, proposal=proposal, pk=line_pk).delete()
    return redirect("calls:proposal-edit", pk=proposal.pk)


@require_POST
@login_required
def kpi_add(request, pk):
    proposal = _editable(request, pk)
    form = AddKpiForm(request.POST, prefix="kpi")
    if form.is_valid():
        data = form.cleaned_data
        ProposalKpi.objects.update_or_create(
            proposal=proposal,
            kpi=data["kpi"],
            defaults={"baseline": data["baseline"], "target": data["target"]},
        )
        return redirect("calls:proposal-edit", pk=proposal.pk)
    return render(
        request, "calls/proposal_edit.html", _edit_context(proposal, kpi_form=form), status=400
    )


@require_POST
@login_required
def kpi_remove(request, pk, kpi_pk):
    proposal = _editable(request, pk)
    row = get_object_or_404(ProposalKpi, proposal=proposal, pk=kpi_pk)
    if proposal.call.required_kpis.filter(kpi_id=row.kpi_id).exists():
        messages.error(request, _("The call requires this KPI; change its values instead."))
    else:
        row.delete()
    return redirect("calls:proposal-edit", pk=proposal.pk)


@require_POST
@login_required
def attachment_add(request, pk):
    proposal = _editable(request, pk)
    form = AttachmentForm(request.POST, request.FILES, prefix="file")
    if form.is_valid():
        upload = form.cleaned_data["file"]
        stored = default_storage.save(
            f"calls/{proposal.call_id}/{proposal.pk}/{get_valid_filename(upload.name)}", upload
        )
        ProposalAttachment.objects.create(
            proposal=proposal, stored_name=stored, name=upload.name[:255], size=upload.size
        )
        return redirect("calls:proposal-edit", pk=proposal.pk)
    return render(
        request,
        "calls/proposal_edit.html",
        _edit_context(proposal, attachment_form=form),
        status=400,
    )


@require_POST
@login_required
def attachment_remove(request, pk, attachment_pk):
    proposal = _editable(request, pk)
    attachment = get_object_or_404(ProposalAttachment, proposal=proposal, pk=attachment_pk)
    attachment.delete()
    default_storage.delete(attachment.stored_name)
    return redirect("calls:proposal-edit", pk=proposal.pk)


@require_safe
@login_required
def attachment_download(request, pk, attachment_pk):
    proposal = get_proposal_for(request.user, pk=pk)
    attachment = get_object_or_404(ProposalAttachment, proposal=proposal, pk=attachment_pk)
    return FileResponse(
        default_storage.open(attachment.stored_name, "rb"),
        as_attachment=True,
        filename=attachment.name,
    )


@require_POST
@login_required
def proposal_submit(request, pk):
    proposal = get_proposal_for(request.user, pk=pk)
    if proposal.applicant_id != request.user.pk:
        raise PermissionDenied
    try:
        domain.submit_proposal(proposal=proposal, at=timezone.now())
    except domain.NotEligible as error:
        messages.error(request, _("The proposal is not submitted. Please correct the following."))
        context = _edit_context(proposal)
        context["problems"] = [failure_message(f) for f in error.failures]
        return render(request, "calls/proposal_edit.html", context, status=400)
    except domain.WorkflowError as error:
        messages.error(request, str(error))
        return redirect(proposal)
    messages.success(
        request,
        _("Your proposal is submitted. Receipt number: %(number)s.")
        % {"number": proposal.receipt_number},
    )
    return redirect("calls:proposal-receipt", pk=proposal.pk)


@require_safe
@login_required
def proposal_receipt(request, pk):
    proposal = get_proposal_for(request.user, pk=pk)
    if proposal.status != ProposalStatus.SUBMITTED:
        return redirect(proposal)
    context = exports.receipt_context(proposal)
    if request.GET.get("format") == "pdf":
        response = HttpResponse(exports.receipt_pdf(context), content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="receipt-{proposal.receipt_number}.pdf"'
        )
        return response
    return render(request, "calls/proposal_receipt.html", context)
