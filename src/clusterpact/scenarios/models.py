"""The future scenarios of a cluster: templates (scenarios, criteria) and per-cluster assessments.

Models stay slim; every state change goes through :mod:`clusterpact.scenarios.domain`.
A final assessment is never edited in place: a change starts a new version
(``supersedes``), as accepted reports and signed pacts are corrected elsewhere.
"""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clusterpact.accounts import audit
from clusterpact.bilingual import in_language
from clusterpact.registry.models import Cluster

SCORE_MIN, SCORE_MAX = 0, 5


class FundingModel(models.TextChoices):
    """How a scenario's default ten-year budget plan is derived from the cluster's current funding."""

    PROJECT_ONLY = "project_only", _("Project funding only: basic funding stops")
    OTHER_RECIPIENT = "other_recipient", _("Basic funding to a host organisation")
    CONTINUE = "continue", _("Basic and project funding continue")
    MISSION = "mission", _("Basic funding for a transition mission, lower company cofinancing")


class RecipientKind(models.TextChoices):
    """Values equal ``rules.state_aid.RecipientKind`` so the projection passes them through."""

    CLUSTER_ORGANISATION = "cluster_organisation", _("Cluster organisation")
    OPERATING_CONSORTIUM = "operating_consortium", _("Consortium operating the cluster")
    OTHER = "other", _("Another organisation (e.g. a research centre)")


@audit.register
class Scenario(models.Model):
    """A future scenario for a cluster; the four of the seed are built in, the agency may add more."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    description_nl = models.TextField(_("description (Dutch)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    reasoning_nl = models.TextField(_("reasoning of the advice (Dutch)"), blank=True)
    reasoning_en = models.TextField(_("reasoning of the advice (English)"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    funding_model = models.CharField(
        _("funding model"), max_length=20, choices=FundingModel.choices
    )
    cofinancing_factor = models.DecimalField(
        _("expected cofinancing as a share of today's"),
        max_digits=4,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0)],
    )
    is_builtin = models.BooleanField(_("built in"), default=False, editable=False)
    is_active = models.BooleanField(_("offered in new assessments"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_language(self.name_nl, self.name_en)

    @property
    def description(self) -> str:
        return in_language(self.description_nl, self.description_en)

    @property
    def reasoning(self) -> str:
        return in_language(self.reasoning_nl, self.reasoning_en)


@audit.register
class ScenarioCriterion(models.Model):
    """A criterion on which scenarios are scored 0–5, higher always better (for the burden: lighter)."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    help_nl = models.TextField(_("guidance and the advice's reasoning (Dutch)"), blank=True)
    help_en = models.TextField(_("guidance and the advice's reasoning (English)"), blank=True)
    source = models.CharField(_("source"), max_length=300, blank=True)
    is_builtin = models.BooleanField(_("built in"), default=False, editable=False)
    is_active = models.BooleanField(_("offered in new assessments"), default=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return in_language(self.name_nl, self.name_en)

    @property
    def help(self) -> str:
        return in_language(self.help_nl, self.help_en)


class AssessmentStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    FINAL = "final", _("Final")


@audit.register
class Assessment(models.Model):
    """One cluster's scenario assessment: weights, scores with rationale, budget plans.

    ``first_year`` is the first year of the ten-year budget projection.
    """

    cluster = models.ForeignKey(
        Cluster,
        on_delete=models.PROTECT,
        related_name="scenario_assessments",
        verbose_name=_("cluster"),
    )
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    supersedes = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="superseded_by",
        verbose_name=_("new version of"),
    )
    reason = models.TextField(_("reason for the new version"), blank=True)
    date = models.DateField(_("date"))
    first_year = models.PositiveSmallIntegerField(_("first year of the projection"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("author"),
    )
    status = models.CharField(
        _("status"), max_length=5, choices=AssessmentStatus.choices, default=AssessmentStatus.DRAFT
    )
    finalised_at = models.DateTimeField(_("finalised at"), null=True, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    summary = models.TextField(_("advice"), blank=True)
    is_synthetic = models.BooleanField(_("synthetic record"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("scenario assessment")
        verbose_name_plural = _("scenario assessments")
        ordering = ["cluster__name", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "version"], name="assessment_one_per_cluster_version"
            ),
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(status="final"),
                name="assessment_published_only_final",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.cluster} v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("scenarios:assessment", args=[self.pk])

    @property
    def is_final(self) -> bool:
        return self.status == AssessmentStatus.FINAL


@audit.register
class AssessmentWeight(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="weights")
    criterion = models.ForeignKey(
        ScenarioCriterion, on_delete=models.PROTECT, related_name="+", verbose_name=_("criterion")
    )
    weight = models.DecimalField(
        _("weight"), max_digits=6, decimal_places=2, validators=[MinValueValidator(0)]
    )

    class Meta:
        verbose_name = _("weight")
        verbose_name_plural = _("weights")
        ordering = ["criterion__order", "criterion__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "criterion"], name="weight_one_per_criterion"
            ),
            models.CheckConstraint(condition=Q(weight__gte=0), name="weight_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.criterion.code}: {self.weight}"


@audit.register
class AssessmentScore(models.Model):
    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="scores")
    scenario = models.ForeignKey(
        Scenario, on_delete=models.PROTECT, related_name="+", verbose_name=_("scenario")
    )
    criterion = models.ForeignKey(
        ScenarioCriterion, on_delete=models.PROTECT, related_name="+", verbose_name=_("criterion")
    )
    score = models.DecimalField(
        _("score (0–5)"),
        max_digits=2,
        decimal_places=1,
        validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)],
    )
    rationale = models.TextField(_("rationale"), blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "scenario", "criterion"], name="score_one_per_cell"
            ),
            models.CheckConstraint(
                condition=Q(score__gte=SCORE_MIN, score__lte=SCORE_MAX), name="score_0_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.scenario.code} {self.criterion.code}: {self.score}"


@audit.register
class BudgetPlan(models.Model):
    """A scenario's ten-year plan for one assessment; the yearly figures are its lines."""

    assessment = models.ForeignKey(
        Assessment, on_delete=models.CASCADE, related_name="budget_plans"
    )
    scenario = models.ForeignKey(
        Scenario, on_delete=models.PROTECT, related_name="+", verbose_name=_("scenario")
    )
    recipient_kind = models.CharField(
        _("recipient of the basic funding"),
        max_length=24,
        choices=RecipientKind.choices,
        default=RecipientKind.CLUSTER_ORGANISATION,
    )
    recipient_name = models.CharField(_("recipient name"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("budget plan")
        verbose_name_plural = _("budget plans")
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "scenario"], name="budget_plan_one_per_scenario"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment} {self.scenario.code}"


@audit.register
class BudgetLine(models.Model):
    """One year of a budget plan, in euro."""

    plan = models.ForeignKey(BudgetPlan, on_delete=models.CASCADE, related_name="lines")
    year = models.PositiveSmallIntegerField(_("year"))
    basic_funding = models.DecimalField(
        _("basic (operating) funding"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    running_costs = models.DecimalField(
        _("eligible running costs"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    project_funding = models.DecimalField(
        _("earmarked project funding"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )
    cofinancing = models.DecimalField(
        _("expected private cofinancing"),
        max_digits=14,
        decimal_places=2,
        default=0,
        validators=[MinValueValidator(0)],
    )

    class Meta:
        verbose_name = _("budget line")
        verbose_name_plural = _("budget lines")
        ordering = ["plan", "year"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "year"], name="budget_line_one_per_year"),
            models.CheckConstraint(
                condition=Q(basic_funding__gte=0)
                & Q(running_costs__gte=0)
                & Q(project_funding__gte=0)
                & Q(cofinancing__gte=0),
                name="budget_line_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.plan} {self.year}"
