"""Clusters, organisations, memberships and fee schedules."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clusterpact.accounts import audit
from clusterpact.bilingual import in_language
from clusterpact.rules import enterprise_number, nace
from clusterpact.rules.sme import YOUNG_FIRM_MAX_AGE

from .messages import enterprise_number_error, nace_error


class HelixRole(models.TextChoices):
    COMPANY = "company", _("Company")
    KNOWLEDGE = "knowledge", _("Knowledge institution")
    GOVERNMENT = "government", _("Government")
    CIVIL_SOCIETY = "civil_society", _("Civil society")


class OrganisationKind(models.TextChoices):
    COMPANY = "company", _("Company")
    UNIVERSITY = "university", _("University")
    UNIVERSITY_COLLEGE = "university_college", _("University college")
    STRATEGIC_RESEARCH_CENTRE = "strategic_research_centre", _("Strategic research centre")
    COLLECTIVE_CENTRE = "collective_centre", _("Collective centre")
    RESEARCH_INSTITUTE = "research_institute", _("Public research institute")
    SECTOR_FEDERATION = "sector_federation", _("Sector federation")
    CLUSTER_ORGANISATION = "cluster_organisation", _("Cluster organisation")
    GOVERNMENT_DEPARTMENT = "government_department", _("Government department or agency")
    LOCAL_AUTHORITY = "local_authority", _("Local authority")
    CIVIL_SOCIETY = "civil_society", _("Civil-society organisation")
    OTHER = "other", _("Other")


class SizeClass(models.TextChoices):
    MICRO = "micro", _("Micro")
    SMALL = "small", _("Small")
    MEDIUM = "medium", _("Medium")
    LARGE = "large", _("Large")

    @classmethod
    def from_rule(cls, value) -> SizeClass:
        return cls(value.name.lower())


SME_CLASSES = (SizeClass.MICRO, SizeClass.SMALL, SizeClass.MEDIUM)


class ClusterKind(models.TextChoices):
    SPEARHEAD = "spearhead", _("Spearhead cluster")
    BUSINESS_NETWORK = "business_network", _("Innovative business network")
    PROJECT_BASED = "project_based", _("Project-based initiative")


class ClusterStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    ACTIVE = "active", _("Active")
    ENDED = "ended", _("Ended")


def validate_enterprise_number(value: str) -> None:
    try:
        enterprise_number.normalise(value)
    except enterprise_number.EnterpriseNumberError as error:
        raise ValidationError(enterprise_number_error(error), code="enterprise_number") from error


def validate_nace(value: str) -> None:
    try:
        nace.lookup(value)
    except nace.NaceError as error:
        raise ValidationError(nace_error(error), code="nace") from error


class OrganisationQuerySet(models.QuerySet):
    def young(self, reference_year: int | None = None):
        year = reference_year or timezone.localdate().year
        return self.filter(founding_year__gte=year - YOUNG_FIRM_MAX_AGE, founding_year__lte=year)


@audit.register
class Organisation(models.Model):
    name = models.CharField(_("name"), max_length=255, db_index=True)
    country = models.CharField(
        _("country"), max_length=2, default="BE", help_text=_("ISO 3166 two-letter code.")
    )
    enterprise_number = models.CharField(
        _("enterprise number"),
        max_length=10,
        blank=True,
        help_text=_("Belgian enterprise number, e.g. 0123.456.749; stored as ten digits."),
        validators=[validate_enterprise_number],
    )
    foreign_identifier = models.CharField(
        _("national identifier"),
        max_length=64,
        blank=True,
        help_text=_("For organisations outside Belgium: the identifier of their own register."),
    )
    helix_role = models.CharField(_("helix role"), max_length=20, choices=HelixRole.choices)
    kind = models.CharField(_("kind"), max_length=40, choices=OrganisationKind.choices)
    nace_code = models.CharField(
        _("NACE code"), max_length=8, blank=True, validators=[validate_nace], db_index=True
    )
    nace_section = models.CharField(_("NACE section"), max_length=1, blank=True, editable=False)
    nuts_code = models.CharField(_("region (NUTS)"), max_length=5, blank=True, db_index=True)
    municipality = models.CharField(_("municipality"), max_length=100, blank=True)
    founding_year = models.PositiveSmallIntegerField(_("founding year"), null=True, blank=True)
    size_class = models.CharField(
        _("size class"),
        max_length=6,
        choices=SizeClass.choices,
        blank=True,
        editable=False,
        help_text=_("Derived from the yearly figures by the EU SME definition."),
    )
    publicly_controlled = models.BooleanField(
        _("controlled 25 % or more by public bodies"), default=False
    )
    is_synthetic = models.BooleanField(
        _("synthetic record"),
        default=False,
        help_text=_("Generated demo data, not a real organisation."),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise_number"],
                condition=~Q(enterprise_number=""),
                name="organisation_unique_enterprise_number",
            ),
            models.UniqueConstraint(
                fields=["country", "foreign_identifier"],
                condition=~Q(foreign_identifier=""),
                name="organisation_unique_foreign_identifier",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        self.derive_nace_section()
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("registry:organisation-detail", args=[self.pk])

    def clean_fields(self, exclude=None) -> None:
        # Normalise first so that "BE 0123.456.749" passes the ten-character limit.
        if self.enterprise_number and enterprise_number.is_valid(self.enterprise_number):
            self.enterprise_number = enterprise_number.normalise(self.enterprise_number)
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        errors = {}
        if self.country == "BE" and self.foreign_identifier:
            errors["foreign_identifier"] = _("Belgian organisations use the enterprise number.")
        if self.enterprise_number:
            if self.country != "BE":
                errors["enterprise_number"] = _(
                    "An enterprise number is only for Belgian organisations."
                )
            else:
                try:
                    self.enterprise_number = enterprise_number.normalise(self.enterprise_number)
                except enterprise_number.EnterpriseNumberError as error:
                    errors["enterprise_number"] = enterprise_number_error(error)
        if self.founding_year and self.founding_year > timezone.localdate().year:
            errors["founding_year"] = _("The founding year lies in the future.")
        if errors:
            raise ValidationError(errors)

    def derive_nace_section(self) -> None:
        """Normalise the NACE code and set its section; bulk inserts call this since they skip save()."""
        if self.nace_code:
            entry = nace.lookup(self.nace_code)
            self.nace_code, self.nace_section = entry.code, entry.section
        else:
            self.nace_section = ""

    @property
    def enterprise_number_display(self) -> str:
        return enterprise_number.display(self.enterprise_number) if self.enterprise_number else ""

    @property
    def is_young(self) -> bool:
        from clusterpact.rules.sme import is_young

        return is_young(self.founding_year, timezone.localdate().year)

    @property
    def identifier_display(self) -> str:
        if self.enterprise_number:
            return self.enterprise_number_display
        return (
            f"{self.country} {self.foreign_identifier}".strip() if self.foreign_identifier else ""
        )


@audit.register
class OrganisationYear(models.Model):
    """One year's figures from the annual accounts, and the size class in force that year."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("year"))
    headcount = models.DecimalField(
        _("headcount (annual work units)"), max_digits=9, decimal_places=1
    )
    turnover = models.DecimalField(
        _("turnover (EUR)"), max_digits=15, decimal_places=0, null=True, blank=True
    )
    balance_sheet = models.DecimalField(
        _("balance-sheet total (EUR)"), max_digits=15, decimal_places=0, null=True, blank=True
    )
    size_class = models.CharField(
        _("size class"), max_length=6, choices=SizeClass.choices, blank=True, editable=False
    )

    class Meta:
        verbose_name = _("yearly figures")
        verbose_name_plural = _("yearly figures")
        ordering = ["organisation", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "year"], name="organisation_year_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} {self.year}"


class TransitionPriority(models.Model):
    """A transition priority (the seven of Visie 2050 for Flanders; another region keeps its own list)."""

    code = models.SlugField(unique=True)
    name_nl = models.CharField(max_length=120)
    name_en = models.CharField(max_length=120)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("transition priority")
        verbose_name_plural = _("transition priorities")
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return in_language(self.name_nl, self.name_en)


class ClusterQuerySet(models.QuerySet):
    def published(self):
        return self.filter(is_published=True)


@audit.register
class Cluster(models.Model):
    name = models.CharField(_("name"), max_length=200, unique=True)
    slug = models.SlugField(_("short name"), max_length=80, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=ClusterKind.choices)
    domain_description = models.TextField(_("domain"), blank=True)
    transition_priorities = models.ManyToManyField(
        TransitionPriority,
        blank=True,
        related_name="clusters",
        verbose_name=_("transition priorities"),
    )
    cluster_organisation = models.ForeignKey(
        Organisation,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="operated_clusters",
        verbose_name=_("cluster organisation"),
        help_text=_("The legal entity that operates the cluster and receives operating aid."),
    )
    support_start = models.DateField(_("start of public support"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ClusterStatus.choices, default=ClusterStatus.ACTIVE
    )
    nuts_code = models.CharField(_("region (NUTS)"), max_length=5, blank=True)
    is_published = models.BooleanField(
        _("published"), default=True, help_text=_("Shown, in aggregate only, on public pages.")
    )
    is_synthetic = models.BooleanField(_("synthetic record"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClusterQuerySet.as_manager()

    class Meta:
        verbose_name = _("cluster")
        verbose_name_plural = _("clusters")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("registry:cluster-detail", args=[self.slug])


class MembershipQuerySet(models.QuerySet):
    def active_on(self, day: dt.date):
        return self.filter(Q(end__isnull=True) | Q(end__gte=day), start__lte=day)

    def active_in_year(self, year: int):
        return self.filter(
            Q(end__isnull=True) | Q(end__gte=dt.date(year, 1, 1)), start__lte=dt.date(year, 12, 31)
        )


@audit.register
class Membership(models.Model):
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="memberships",
        verbose_name=_("organisation"),
    )
    cluster = models.ForeignKey(
        Cluster, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("cluster")
    )
    start = models.DateField(_("member since"))
    end = models.DateField(_("member until"), null=True, blank=True)
    is_synthetic = models.BooleanField(_("synthetic record"), default=False)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["cluster", "organisation__name", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "cluster", "start"], name="membership_unique_start"
            ),
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(end__gte=models.F("start")),
                name="membership_end_after_start",
            ),
        ]
        indexes = [models.Index(fields=["cluster", "start"])]

    def __str__(self) -> str:
        return f"{self.organisation} – {self.cluster}"

    def clean(self) -> None:
        if self.end and self.start and self.end < self.start:
            raise ValidationError({"end": _("A membership cannot end before it starts.")})


@audit.register
class FeeRate(models.Model):
    """One cell of a cluster's yearly fee schedule: what a member of a helix role and size class pays.

    A blank size class applies to every size of that helix role (used for
    knowledge institutions, governments and civil society, which have none).
    """

    cluster = models.ForeignKey(Cluster, on_delete=models.CASCADE, related_name="fee_rates")
    year = models.PositiveSmallIntegerField(_("year"))
    helix_role = models.CharField(_("helix role"), max_length=20, choices=HelixRole.choices)
    size_class = models.CharField(
        _("size class"), max_length=6, choices=SizeClass.choices, blank=True
    )
    amount = models.DecimalField(_("yearly fee (EUR)"), max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = _("fee rate")
        verbose_name_plural = _("fee schedule")
        ordering = ["cluster", "year", "helix_role", "size_class"]
        constraints = [
            models.UniqueConstraint(
                fields=["cluster", "year", "helix_role", "size_class"], name="fee_rate_unique"
            ),
            models.CheckConstraint(condition=Q(amount__gte=0), name="fee_rate_not_negative"),
        ]

    def __str__(self) -> str:
        return (
            f"{self.cluster} {self.year} {self.helix_role} {self.size_class or '*'}: {self.amount}"
        )
