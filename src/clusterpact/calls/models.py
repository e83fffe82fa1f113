"""Calls, proposals with consortium, budget, KPIs and attachments, conflicts, reviews,
consensus, decisions and the separate promotion decision.

Models stay slim: every state change is a function in :mod:`clusterpact.calls.domain`,
and the rules (eligibility, thresholds, ranking, selection) live in the pure
package :mod:`clusterpact.rules.calls`.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusterpact.accounts import audit
from clusterpact.bilingual import in_language
from clusterpact.registry.models import HelixRole, Organisation

SCORE_DIGITS = {"max_digits": 3, "decimal_places": 1}
MONEY_DIGITS = {"max_digits": 14, "decimal_places": 2}

# Horizon Europe's three award criteria (DOMAIN.md): the default of every new call.
DEFAULT_CRITERIA = (
    ("excellence", "Excellentie", "Excellence"),
    ("impact", "Impact", "Impact"),
    (
        "implementation",
        "Kwaliteit en efficiëntie van de uitvoering",
        "Quality and efficiency of the implementation",
    ),
)


class CallType(models.TextChoices):
    NEW_THEME = "new_theme", _("New strategic theme")
    CLUSTER_PROJECT = "cluster_project", _("Cluster project")
    INTERCLUSTER_PROJECT = "intercluster_project", _("Intercluster project")


@audit.register
class Call(models.Model):
    title = models.CharField(_("title"), max_length=200)
    call_type = models.CharField(_("type"), max_length=30, choices=CallType.choices)
    description = models.TextField(_("description"), blank=True)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    budget = models.DecimalField(_("budget (EUR)"), **MONEY_DIGITS)
    max_duration_months = models.PositiveSmallIntegerField(
        _("maximum duration (months)"), validators=[MinValueValidator(1)]
    )
    max_budget_per_proposal = models.DecimalField(
        _("maximum budget per proposal (EUR)"), null=True, blank=True, **MONEY_DIGITS
    )
    min_companies = models.PositiveSmallIntegerField(
        _("minimum number of companies"), null=True, blank=True
    )
    min_sme_share = models.DecimalField(
        _("minimum share of SMEs among the companies"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text=_("A fraction between 0 and 1, e.g. 0.5 for half of the companies."),
    )
    required_helix_roles = models.JSONField(
        _("required helix roles"),
        default=list,
        blank=True,
        help_text=_("Helix roles at least one partner must have."),
    )
    min_helix_roles = models.PositiveSmallIntegerField(
        _("minimum number of different helix roles"), null=True, blank=True
    )
    min_clusters = models.PositiveSmallIntegerField(
        _("minimum number of clusters in the consortium"), null=True, blank=True
    )
    overall_threshold = models.DecimalField(
        _("overall threshold"), default=Decimal(10), **SCORE_DIGITS
    )
    reviewers_per_proposal = models.PositiveSmallIntegerField(
        _("reviewers per proposal"), default=3, validators=[MinValueValidator(1)]
    )
    show_scores_after_submission = models.BooleanField(
        _("reviewers see the other scores after submitting their own"), default=True
    )
    overlap_threshold = models.DecimalField(
        _("overlap flag threshold"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.35"),
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1))],
        help_text=_("Similarity (0 to 1) above which a proposal is flagged as overlapping."),
    )
    reserve_size = models.PositiveSmallIntegerField(
        _("length of the reserve list"),
        null=True,
        blank=True,
        help_text=_("Blank: every passing proposal below the funding line is on the reserve list."),
    )
    funding_line = models.ForeignKey(
        "funding.FundingLine",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="calls",
        verbose_name=_("funding line"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("call")
        verbose_name_plural = _("calls")
        ordering = ["-opens_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")), name="call_closes_after_opening"
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("calls:call-detail", args=[self.pk])

    def clean(self) -> None:
        if self.opens_at and self.closes_at and self.closes_at <= self.opens_at:
            raise ValidationError({"closes_at": _("A call closes after it opens.")})
        unknown = set(self.required_helix_roles or ()) - set(HelixRole.values)
        if unknown:
            raise ValidationError(
                {
                    "required_helix_roles": _("Unknown helix role: %(role)s.")
                    % {"role": ", ".join(sorted(unknown))}
                }
            )

    def is_open(self, at=None) -> bool:
        """Open from ``opens_at`` up to and including the second before ``closes_at``."""
        at = at or timezone.now()
        return self.opens_at <= at < self.closes_at

    def has_closed(self, at=None) -> bool:
        return (at or timezone.now()) >= self.closes_at


@audit.register
class CallCriterion(models.Model):
    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="criteria")
    code = models.SlugField(_("code"), max_length=40)
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    weight = models.DecimalField(
        _("weight (ranking only)"), max_digits=5, decimal_places=2, default=Decimal(1)
    )
    threshold = models.DecimalField(_("threshold"), default=Decimal(3), **SCORE_DIGITS)
    maximum = models.DecimalField(_("scale maximum"), default=Decimal(5), **SCORE_DIGITS)
    step = models.DecimalField(_("step"), max_digits=3, decimal_places=2, default=Decimal("0.5"))
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["call", "order", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["call", "code"], name="call_criterion_unique")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_language(self.name_nl, self.name_en)

    def clean(self) -> None:
        errors = {}
        if self.step is not None and self.step <= 0:
            errors["step"] = _("The step must be larger than zero.")
        elif self.maximum is not None and self.step and self.maximum % self.step:
            errors["maximum"] = _("The scale maximum must be a multiple of the step.")
        if self.weight is not None and self.weight <= 0:
            errors["weight"] = _("The weight must be larger than zero.")
        if (
            self.threshold is not None
            and self.maximum is not None
            and not 0 <= self.threshold <= self.maximum
        ):
            errors["threshold"] = _("The threshold lies between 0 and the scale maximum.")
        if errors:
            raise ValidationError(errors)


@audit.register
class CallKpi(models.Model):
    """A KPI every proposal in the call commits to, with a baseline and a target."""

    call = models.ForeignKey(Call, on_delete=models.CASCADE, related_name="required_kpis")
    kpi = models.ForeignKey(
        "pacts.Kpi", on_delete=models.PROTECT, related_name="+", verbose_name=_("KPI")
    )

    class Meta:
        verbose_name = _("required KPI")
        verbose_name_plural = _("required KPIs")
        constraints = [models.UniqueConstraint(fields=["call", "kpi"], name="call_kpi_unique")]

    def __str__(self) -> str:
        return f"{self.call} – {self.kpi.code}"


@audit.register
class StrategicTheme(models.Model):
    """A theme the agency wants covered (from the systems analysis or a transition priority)."""

    title = models.CharField(_("title"), max_length=200, unique=True)
    description = models.TextField(_("description"))
    source = models.CharField(_("source"), max_length=200, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("strategic theme")
        verbose_name_plural = _("strategic themes")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")


@audit.register
class Proposal(models.Model):
    call = models.ForeignKey(
        Call, on_delete=models.PROTECT, related_name="proposals", verbose_name=_("call")
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name=_("applicant"),
    )
    title = models.CharField(_("title"), max_length=255)
    theme_description = models.TextField(_("theme description"))
    duration_months = models.PositiveSmallIntegerField(
        _("duration (months)"), validators=[MinValueValidator(1)]
    )
    status = models.CharField(
        _("status"), max_length=12, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT
    )
    receipt_number = models.CharField(
        _("receipt number"), max_length=40, null=True, blank=True, unique=True
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    covers_new_part = models.BooleanField(
        _("covers a part of the call not yet covered"),
        default=False,
        help_text=_(
            "The first tie-break (Horizon Europe practice); set by the officer at consensus."
        ),
    )
    project = models.OneToOneField(
        "funding.Project",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposal",
        verbose_name=_("project"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("proposal")
        verbose_name_plural = _("proposals")
        ordering = ["call", "submitted_at", "pk"]
        indexes = [models.Index(fields=["call", "status"])]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("calls:proposal-detail", args=[self.pk])

    @property
    def is_submitted(self) -> bool:
        return self.status == ProposalStatus.SUBMITTED

    def requested(self) -> Decimal:
        total = self.budget_lines.aggregate(total=Sum("amount"))["total"]
        return total or Decimal(0)


class PartnerRole(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    PARTNER = "partner", _("Partner")


@audit.register
class ProposalPartner(models.Model):
    """A consortium member: an organisation from the registry, or a new one entered by the applicant."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="partners")
    organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposal_partnerships",
        verbose_name=_("organisation from the registry"),
    )
    new_name = models.CharField(_("name of a new organisation"), max_length=255, blank=True)
    new_helix_role = models.CharField(
        _("helix role of the new organisation"),
        max_length=20,
        choices=HelixRole.choices,
        blank=True,
    )
    new_is_sme = models.BooleanField(_("the new organisation is an SME"), default=False)
    role = models.CharField(
        _("role"), max_length=20, choices=PartnerRole.choices, default=PartnerRole.PARTNER
    )

    class Meta:
        verbose_name = _("consortium partner")
        verbose_name_plural = _("consortium partners")
        ordering = ["proposal", "role", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation__isnull=False) | ~Q(new_name=""),
                name="proposal_partner_named",
            ),
            models.UniqueConstraint(
                fields=["proposal", "organisation"],
                condition=Q(organisation__isnull=False),
                name="proposal_partner_unique_organisation",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return self.organisation.name if self.organisation_id else self.new_name

    def clean(self) -> None:
        if self.organisation_id is None:
            if not self.new_name:
                raise ValidationError(
                    _("Choose an organisation from the registry or enter the name of a new one.")
                )
            if not self.new_helix_role:
                raise ValidationError(
                    {"new_helix_role": _("A new organisation needs its helix role.")}
                )


class BudgetCategory(models.TextChoices):
    PERSONNEL = "personnel", _("Personnel")
    SUBCONTRACTING = "subcontracting", _("Subcontracting")
    EQUIPMENT = "equipment", _("Equipment and investments")
    OTHER_DIRECT = "other_direct", _("Other direct costs")
    INDIRECT = "indirect", _("Indirect costs")


@audit.register
class ProposalBudgetLine(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="budget_lines")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    category = models.CharField(_("cost category"), max_length=20, choices=BudgetCategory.choices)
    amount = models.DecimalField(
        _("amount (EUR)"), validators=[MinValueValidator(Decimal(0))], **MONEY_DIGITS
    )

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["proposal", "year", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "year", "category"], name="proposal_budget_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.proposal} {self.year} {self.category}"


@audit.register
class ProposalKpi(models.Model):
    """A KPI the proposal commits to, its target set in advance, and its result at the end."""

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="kpis")
    kpi = models.ForeignKey(
        "pacts.Kpi", on_delete=models.PROTECT, related_name="+", verbose_name=_("KPI")
    )
    baseline = models.DecimalField(_("baseline"), max_digits=18, decimal_places=4)
    target = models.DecimalField(_("target"), max_digits=18, decimal_places=4)
    result = models.DecimalField(
        _("result"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    project = models.ForeignKey(
        "funding.Project",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="call_kpis",
        verbose_name=_("project"),
    )

    class Meta:
        verbose_name = _("proposal KPI")
        verbose_name_plural = _("proposal KPIs")
        ordering = ["proposal", "kpi__order", "kpi__code"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "kpi"], name="proposal_kpi_unique")
        ]

    def __str__(self) -> str:
        return f"{self.proposal} – {self.kpi.code}"


@audit.register
class ProposalAttachment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="attachments")
    # The storage name, not a FileField: the audit trail snapshots field values as JSON.
    stored_name = models.CharField(_("stored as"), max_length=255)
    name = models.CharField(_("file name"), max_length=255)
    size = models.PositiveIntegerField(_("size (bytes)"))
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")
        ordering = ["proposal", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


@audit.register
class ConflictDeclaration(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="conflicts")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="conflict_declarations"
    )
    reason = models.TextField(_("reason"))
    declared_at = models.DateTimeField(_("declared at"), auto_now_add=True)

    class Meta:
        verbose_name = _("conflict-of-interest declaration")
        verbose_name_plural = _("conflict-of-interest declarations")
        constraints = [
            models.UniqueConstraint(fields=["proposal", "reviewer"], name="conflict_unique")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} – {self.proposal}"


@audit.register
class ReviewAssignment(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="assignments")
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_assignments"
    )
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Blank when made by the automatic assignment."),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("review assignment")
        verbose_name_plural = _("review assignments")
        ordering = ["proposal", "reviewer__username"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "reviewer"], name="assignment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} – {self.proposal}"


@audit.register
class Review(models.Model):
    assignment = models.OneToOneField(
        ReviewAssignment, on_delete=models.PROTECT, related_name="review"
    )
    comment = models.TextField(_("overall comment"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")

    def __str__(self) -> str:
        return str(self.assignment)

    @property
    def is_submitted(self) -> bool:
        return self.submitted_at is not None


@audit.register
class ReviewScore(models.Model):
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(CallCriterion, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("score"), **SCORE_DIGITS)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("review score")
        verbose_name_plural = _("review scores")
        ordering = ["review", "criterion__order"]
        constraints = [
            models.UniqueConstraint(fields=["review", "criterion"], name="review_score_unique")
        ]

    def __str__(self) -> str:
        return f"{self.review} {self.criterion.code}: {self.score}"


@audit.register
class ConsensusScore(models.Model):
    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="consensus")
    criterion = models.ForeignKey(CallCriterion, on_delete=models.PROTECT, related_name="+")
    score = models.DecimalField(_("consensus score"), **SCORE_DIGITS)
    justification = models.TextField(_("justification"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("consensus score")
        verbose_name_plural = _("consensus scores")
        ordering = ["proposal", "criterion__order"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "criterion"], name="consensus_unique")
        ]

    def __str__(self) -> str:
        return f"{self.proposal} {self.criterion.code}: {self.score}"


class Outcome(models.TextChoices):
    SELECTED = "selected", _("Selected")
    RESERVE = "reserve", _("Reserve list")
    REJECTED = "rejected", _("Rejected")


class LetterLanguage(models.TextChoices):
    DUTCH = "nl", _("Dutch")
    ENGLISH = "en", _("English")


@audit.register
class Decision(models.Model):
    """A decision on a proposal. Never edited: a correction is a new version with its reason."""

    proposal = models.ForeignKey(Proposal, on_delete=models.PROTECT, related_name="decisions")
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices)
    rank = models.PositiveIntegerField(_("rank"), null=True, blank=True)
    weighted_score = models.DecimalField(
        _("weighted score"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    total_score = models.DecimalField(
        _("total score"), max_digits=6, decimal_places=1, null=True, blank=True
    )
    reasons = models.TextField(_("reasons"))
    letter_language = models.CharField(
        _("language of the letter"),
        max_length=2,
        choices=LetterLanguage.choices,
        default=LetterLanguage.DUTCH,
    )
    correction_reason = models.CharField(_("reason for the correction"), max_length=255, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")
        ordering = ["proposal", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "version"], name="decision_unique_version")
        ]

    def __str__(self) -> str:
        return f"{self.proposal} v{self.version}: {self.outcome}"


class PromotionOutcome(models.TextChoices):
    PROMOTE = "promote", _("Becomes a spearhead cluster")
    DO_NOT_PROMOTE = "do_not_promote", _("Does not become a spearhead cluster")


@audit.register
class PromotionDecision(models.Model):
    """The explicit decision whether a theme project becomes a spearhead cluster; never automatic.

    ``kpi_summary`` keeps the KPI comparison the decision was informed by, as it stood then.
    """

    proposal = models.ForeignKey(
        Proposal, on_delete=models.PROTECT, related_name="promotion_decisions"
    )
    outcome = models.CharField(_("decision"), max_length=20, choices=PromotionOutcome.choices)
    reasons = models.TextField(_("reasons"))
    kpi_summary = models.JSONField(_("KPI comparison at the time of the decision"), default=list)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now_add=True)

    class Meta:
        verbose_name = _("promotion decision")
        verbose_name_plural = _("promotion decisions")
        ordering = ["proposal", "-decided_at"]

    def __str__(self) -> str:
        return f"{self.proposal}: {self.outcome}"
