"""Funding lines, grants with their yearly aid and eligible costs, payments, private
cofinancing, the region type per cluster, and projects with their participants.

Choice values equal the rules engine's enums (``clusterpact.rules.state_aid``), so
``adapters.py`` passes them through unchanged.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clusterpact.accounts import audit
from clusterpact.registry.models import Cluster, Organisation, TransitionPriority


class FundingLineKind(models.TextChoices):
    BASIC = "basic", _("Basic (operating) funding")
    EARMARKED = "earmarked", _("Earmarked project funds")
    INVESTMENT = "investment", _("Investment aid")


class GrantKind(models.TextChoices):
    OPERATING = "operating", _("Operating aid")
    INVESTMENT = "investment", _("Investment aid")
    PROJECT = "project", _("Earmarked project funds")


class RecipientKind(models.TextChoices):
    CLUSTER_ORGANISATION = "cluster_organisation", _("Cluster organisation")
    OPERATING_CONSORTIUM = "operating_consortium", _("Operating consortium")
    OTHER = "other", _("Other")


class CostCategory(models.TextChoices):
    ANIMATION = "animation", _("Animation of the cluster")
    MARKETING = "marketing", _("Marketing of the cluster")
    FACILITIES_EVENTS = "facilities_events", _("Facilities, training, workshops, conferences")
    TANGIBLE = "tangible", _("Tangible assets")
    INTANGIBLE = "intangible", _("Intangible assets")
    OTHER = "other", _("Other (not eligible)")


class PublicationStatus(models.TextChoices):
    UNKNOWN = "unknown", _("Unknown")
    NOT_REQUIRED = "not_required", _("Not required")
    PUBLISHED = "published", _("Published")
    UNPUBLISHED = "unpublished", _("Not yet published")


class RegionType(models.TextChoices):
    NONE = "none", _("No regional bonus")
    C_AREA = "107(3)(c)", _("Art. 107(3)(c) area")
    A_AREA = "107(3)(a)", _("Art. 107(3)(a) area")


@audit.register
class FundingLine(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=FundingLineKind.choices)
    legal_basis = models.TextField(_("legal basis"), blank=True)
    is_synthetic = models.BooleanField(_("synthetic record"), default=False)

    class Meta:
        verbose_name = _("funding line")
        verbose_name_plural = _("funding lines")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


@audit.register
class FundingLineBudget(models.Model):
    funding_line = models.ForeignKey(FundingLine, on_delete=models.CASCADE, related_name="budgets")
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("budget (EUR)"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("funding line budget")
        verbose_name_plural = _("funding line budgets")
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(fields=["funding_line", "year"], name="funding_budget_unique")
        ]

    def __str__(self) -> str:
        return f"{self.funding_line} {self.year}"


@audit.register
class ClusterAidProfile(models.Model):
    """The state-aid settings of one cluster that the registry does not hold."""

    cluster = models.OneToOneField(Cluster, on_delete=models.CASCADE, related_name="aid_profile")
    region_type = models.CharField(
        _("region type"), max_length=12, choices=RegionType.choices, default=RegionType.NONE
    )
    scheme = models.CharField(
        _("national scheme"),
        max_length=40,
        blank=True,
        default="flanders",
        help_text=_("The national or regional scheme on top of GBER; blank for GBER alone."),
    )

    class Meta:
        verbose_name = _("state-aid profile")
        verbose_name_plural = _("state-aid profiles")

    def __str__(self) -> str:
        return str(self.cluster)


@audit.register
class Grant(models.Model):
    funding_line = models.ForeignKey(
        FundingLine, on_delete=models.PROTECT, related_name="grants", verbose_name=_("funding line")
    )
    cluster = models.ForeignKey(
        Cluster, on_delete=models.PROTECT, related_name="grants", verbose_name=_("cluster")
    )
    recipient = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="grants_received",
        verbose_name=_("recipient"),
    )
    recipient_kind = models.CharField(
        _("recipient is"),
        max_length=30,
        choices=RecipientKind.choices,
        default=RecipientKind.CLUSTER_ORGANISATION,
    )
    kind = models.CharField(_("kind"), max_length=20, choices=GrantKind.choices)
    reference = models.CharField(_("reference"), max_length=60, blank=True)
    grant_date = models.DateField(_("grant date"))
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    publication_status = models.CharField(
        _("publication"),
        max_length=20,
        choices=PublicationStatus.choices,
        default=PublicationStatus.UNKNOWN,
    )
    published_on = models.DateField(_("published on"), null=True, blank=True)
    region_type = models.CharField(
        _("region type of the investment"),
        max_length=12,
        choices=RegionType.choices,
        blank=True,
        help_text=_(
            "Investment aid only: the regional-aid status of the area where the investment is "
            "made (GBER art. 27(6)). Blank: the region type of the cluster's state-aid profile."
        ),
    )
    is_synthetic = models.BooleanField(_("synthetic record"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("grant")
        verbose_name_plural = _("grants")
        ordering = ["grant_date", "pk"]
        indexes = [models.Index(fields=["cluster", "grant_date"])]

    def __str__(self) -> str:
        return self.reference or f"{self.get_kind_display()} {self.grant_date:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("funding:cluster", args=[self.cluster.slug])

    def clean(self) -> None:
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": _("The period ends before it starts.")})
        if self.region_type and self.kind != GrantKind.INVESTMENT:
            raise ValidationError(
                {"region_type": _("Only an investment grant has a region type of its own.")}
            )


@audit.register
class GrantYear(models.Model):
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("aid (EUR)"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("grant amount per year")
        verbose_name_plural = _("grant amounts per year")
        ordering = ["year"]
        constraints = [models.UniqueConstraint(fields=["grant", "year"], name="grant_year_unique")]

    def __str__(self) -> str:
        return f"{self.grant} {self.year}"


@audit.register
class GrantCost(models.Model):
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="costs")
    year = models.PositiveSmallIntegerField(_("year"))
    category = models.CharField(_("category"), max_length=30, choices=CostCategory.choices)
    amount = models.DecimalField(_("eligible costs (EUR)"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("grant cost")
        verbose_name_plural = _("grant costs")
        ordering = ["year", "category"]
        constraints = [
            models.UniqueConstraint(fields=["grant", "year", "category"], name="grant_cost_unique")
        ]

    def __str__(self) -> str:
        return f"{self.grant} {self.year} {self.category}"


@audit.register
class Payment(models.Model):
    grant = models.ForeignKey(Grant, on_delete=models.CASCADE, related_name="payments")
    date = models.DateField(_("date"))
    amount = models.DecimalField(_("amount (EUR)"), max_digits=14, decimal_places=2)

    class Meta:
        verbose_name = _("payment")
        verbose_name_plural = _("payments")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.grant} {self.date:%Y-%m-%d}"


@audit.register
class PrivateContribution(models.Model):
    """Private income of the cluster organisation other than membership fees (declared per year)."""

    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, related_name="private_contributions"
    )
    year = models.PositiveSmallIntegerField(_("year"))
    amount = models.DecimalField(_("amount (EUR)"), max_digits=14, decimal_places=2)
    description = models.CharField(_("description"), max_length=200, blank=True)
    is_synthetic = models.BooleanField(_("synthetic record"), default=False)

    class Meta:
        verbose_name = _("private contribution")
        verbose_name_plural = _("private contributions")
        ordering = ["year"]

    def __str__(self) -> str:
        return f"{self.cluster} {self.year}"


class ProjectKind(models.TextChoices):
    CLUSTER = "cluster", _("Cluster project")
    INTERCLUSTER = "intercluster", _("Intercluster project")
    EUROPEAN = "european", _("European project")


class Programme(models.TextChoices):
    NONE = "", _("None")
    HORIZON_EUROPE = "horizon_europe", _("Horizon Europe")
    OTHER = "other", _("Other European programme")


class ProjectStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    RUNNING = "running", _("Running")
    COMPLETED = "completed", _("Completed")
    STOPPED = "stopped", _("Stopped")


class ParticipantRole(models.TextChoices):
    COORDINATOR = "coordinator", _("Coordinator")
    PARTNER = "partner", _("Partner")


@audit.register
class Project(models.Model):
    title = models.CharField(_("title"), max_length=255)
    kind = models.CharField(_("kind"), max_length=20, choices=ProjectKind.choices)
    clusters = models.ManyToManyField(Cluster, related_name="projects", verbose_name=_("clusters"))
    grant = models.ForeignKey(
        Grant,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
        verbose_name=_("funded by grant"),
    )
    programme = models.CharField(
        _("programme"), max_length=30, choices=Programme.choices, blank=True
    )
    budget = models.DecimalField(_("budget (EUR)"), max_digits=14, decimal_places=2)
    trl = models.PositiveSmallIntegerField(_("technology readiness level"), null=True, blank=True)
    transition_priorities = models.ManyToManyField(
        TransitionPriority, blank=True, related_name="projects"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED
    )
    start = models.DateField(_("start"), null=True, blank=True)
    end = models.DateField(_("end"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("synthetic record"), default=False)

    class Meta:
        verbose_name = _("project")
        verbose_name_plural = _("projects")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.trl is not None and not 1 <= self.trl <= 9:
            raise ValidationError({"trl": _("TRL runs from 1 to 9.")})
        if self.kind == ProjectKind.EUROPEAN and not self.programme:
            raise ValidationError({"programme": _("A European project names its programme.")})

    def clean_clusters(self, clusters) -> None:
        """The cluster-count rule; a many-to-many cannot be checked in ``clean`` before saving."""
        count = len(set(clusters))
        if self.kind == ProjectKind.INTERCLUSTER and count < 2:
            raise ValidationError(
                {"clusters": _("An intercluster project involves at least two clusters.")}
            )
        if count < 1:
            raise ValidationError({"clusters": _("A project belongs to at least one cluster.")})


@audit.register
class ProjectParticipant(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="participants")
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="project_participations"
    )
    role = models.CharField(
        _("role"), max_length=20, choices=ParticipantRole.choices, default=ParticipantRole.PARTNER
    )
    budget = models.DecimalField(_("budget (EUR)"), max_digits=14, decimal_places=2, default=0)

    class Meta:
        verbose_name = _("project participant")
        verbose_name_plural = _("project participants")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organisation"], name="project_participant_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} in {self.project}"
