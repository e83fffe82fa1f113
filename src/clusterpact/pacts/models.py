"""KPI catalogue (versioned), pacts with targets, amendments, reports with values and comments.

Models stay slim: every state change is a function in :mod:`clusterpact.pacts.domain`.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clusterpact.accounts import audit
from clusterpact.bilingual import in_language
from clusterpact.registry.models import Cluster, TransitionPriority


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class Aggregation(models.TextChoices):
    SUM = "sum", _("Sum")
    MEAN = "mean", _("Mean")
    LAST = "last", _("Last value")
    RATIO = "ratio", _("Ratio of sums")


class Category(models.TextChoices):
    INPUT = "input", _("Input")
    ACTIVITY = "activity", _("Activity")
    OUTPUT = "output", _("Output")
    OUTCOME = "outcome", _("Outcome")
    IMPACT = "impact", _("Impact")


class Dimension(models.TextChoices):
    ECONOMIC = "economic", _("Economic")
    INNOVATION = "innovation", _("Innovation")
    SOCIETAL = "societal", _("Societal and transition")
    INTERNATIONAL = "international", _("International and European")
    SMES = "smes", _("SMEs and pioneers")
    DIFFUSION = "diffusion", _("Knowledge diffusion")


class ValueType(models.TextChoices):
    INTEGER = "integer", _("Whole number")
    DECIMAL = "decimal", _("Decimal number")
    PERCENTAGE = "percentage", _("Percentage")


class Frequency(models.TextChoices):
    YEARLY = "yearly", _("Yearly")
    HALF_YEARLY = "half_yearly", _("Half-yearly")
    TERM = "term", _("Once per term")


class PactStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SIGNED = "signed", _("Signed")


class ReportStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    RETURNED = "returned", _("Returned")
    RESUBMITTED = "resubmitted", _("Resubmitted")
    ACCEPTED = "accepted", _("Accepted")

    @classmethod
    def editable(cls) -> tuple[str, ...]:
        """States in which the cluster manager may still change the values."""
        return (cls.DRAFT, cls.RETURNED)

    @classmethod
    def waiting_for_review(cls) -> tuple[str, ...]:
        return (cls.SUBMITTED, cls.RESUBMITTED)


MIN_TERM_YEARS, MAX_TERM_YEARS, DEFAULT_TERM_YEARS = 2, 5, 5


@audit.register
class Kpi(models.Model):
    """One version of a catalogue KPI. Editing creates a new version; pacts keep the version signed."""

    code = models.SlugField(_("code"), max_length=40)
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    is_current = models.BooleanField(_("current version"), default=True)
    name_nl = models.CharField(_("name (Dutch)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    definition_nl = models.TextField(_("definition (Dutch)"), blank=True)
    definition_en = models.TextField(_("definition (English)"), blank=True)
    unit = models.CharField(_("unit"), max_length=40, blank=True)
    direction = models.CharField(
        _("direction"), max_length=6, choices=Direction.choices, default=Direction.HIGHER
    )
    aggregation_periods = models.CharField(
        _("aggregation over periods"), max_length=5, choices=Aggregation.choices
    )
    aggregation_clusters = models.CharField(
        _("aggregation over clusters"), max_length=5, choices=Aggregation.choices
    )
    category = models.CharField(_("category"), max_length=8, choices=Category.choices)
    dimension = models.CharField(_("dimension"), max_length=13, choices=Dimension.choices)
    overarching = models.BooleanField(
        _("overarching"), default=False, help_text=_("Mandatory in every pact.")
    )
    value_type = models.CharField(_("value type"), max_length=10, choices=ValueType.choices)
    min_value = models.DecimalField(
        _("minimum"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    max_value = models.DecimalField(
        _("maximum"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    required = models.BooleanField(_("required in every report"), default=True)
    derived = models.CharField(
        _("derived from"),
        max_length=40,
        blank=True,
        help_text=_("Name of the registry computation; blank for values typed in."),
    )
    transition_priorities = models.ManyToManyField(
        TransitionPriority, blank=True, related_name="kpis", verbose_name=_("transition priorities")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("KPI")
        verbose_name_plural = _("KPI catalogue")
        ordering = ["order", "code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="kpi_unique_version"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(is_current=True), name="kpi_one_current_version"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version} – {self.name}"

    @property
    def name(self) -> str:
        return in_language(self.name_nl, self.name_en)

    @property
    def definition(self) -> str:
        return in_language(self.definition_nl, self.definition_en)


@audit.register
class Pact(models.Model):
    cluster = models.ForeignKey(
        Cluster, on_delete=models.PROTECT, related_name="pacts", verbose_name=_("cluster")
    )
    start = models.DateField(_("start"))
    term_years = models.PositiveSmallIntegerField(_("term (years)"), default=DEFAULT_TERM_YEARS)
    frequency = models.CharField(
        _("reporting frequency"), max_length=12, choices=Frequency.choices, default=Frequency.YEARLY
    )
    status = models.CharField(
        _("status"), max_length=6, choices=PactStatus.choices, default=PactStatus.DRAFT
    )
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("signed by"),
    )
    is_synthetic = models.BooleanField(_("synthetic record"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("pact")
        verbose_name_plural = _("pacts")
        ordering = ["cluster__name", "-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_years__gte=MIN_TERM_YEARS, term_years__lte=MAX_TERM_YEARS),
                name="pact_term_2_to_5_years",
            )
        ]

    def __str__(self) -> str:
        return f"{self.cluster} {self.start.year}–{self.end.year}"

    def get_absolute_url(self) -> str:
        return reverse("pacts:pact-detail", args=[self.pk])

    @property
    def end(self) -> dt.date:
        """The last day of the term."""
        try:
            after = self.start.replace(year=self.start.year + self.term_years)
        except ValueError:  # 29 February
            after = self.start.replace(year=self.start.year + self.term_years, day=28)
        return after - dt.timedelta(days=1)

    @property
    def years(self) -> list[int]:
        """Target years: one per year of the term, named by the calendar year it starts in."""
        return [self.start.year + i for i in range(self.term_years)]

    @property
    def is_signed(self) -> bool:
        return self.status == PactStatus.SIGNED


@audit.register
class PactKpi(models.Model):
    """A KPI (in the version the pact uses) in a pact's KPI set."""

    pact = models.ForeignKey(Pact, on_delete=models.CASCADE, related_name="pact_kpis")
    kpi = models.ForeignKey(Kpi, on_delete=models.PROTECT, related_name="+", verbose_name=_("KPI"))

    class Meta:
        verbose_name = _("pact KPI")
        verbose_name_plural = _("pact KPIs")
        ordering = ["kpi__order", "kpi__code"]
        constraints = [models.UniqueConstraint(fields=["pact", "kpi"], name="pact_kpi_unique")]

    def __str__(self) -> str:
        return f"{self.pact} {self.kpi.code}"


@audit.register
class Amendment(models.Model):
    """A change to baselines or targets after signing: who, when, why, and each value before and after."""

    pact = models.ForeignKey(Pact, on_delete=models.CASCADE, related_name="amendments")
    number = models.PositiveSmallIntegerField(_("number"))
    reason = models.TextField(_("reason"))
    changes = models.JSONField(_("changes"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        ordering = ["pact", "number"]
        constraints = [
            models.UniqueConstraint(fields=["pact", "number"], name="amendment_unique_number")
        ]

    def __str__(self) -> str:
        return f"{self.pact} #{self.number}"


@audit.register
class Target(models.Model):
    """A baseline (year blank) or a yearly target. An amendment adds a row and retires the old one."""

    pact_kpi = models.ForeignKey(PactKpi, on_delete=models.CASCADE, related_name="targets")
    year = models.PositiveSmallIntegerField(_("year"), null=True, blank=True)
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4)
    amendment = models.ForeignKey(
        Amendment, null=True, blank=True, on_delete=models.PROTECT, related_name="targets"
    )
    is_current = models.BooleanField(default=True)

    class Meta:
        verbose_name = _("target")
        verbose_name_plural = _("targets")
        ordering = ["pact_kpi", "year", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["pact_kpi", "year"],
                condition=Q(is_current=True, year__isnull=False),
                name="target_one_current_per_year",
            ),
            models.UniqueConstraint(
                fields=["pact_kpi"],
                condition=Q(is_current=True, year__isnull=True),
                name="target_one_current_baseline",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.pact_kpi} {self.year or 'baseline'}: {self.value}"


@audit.register
class Report(models.Model):
    """One version of the report for one reporting period of a pact."""

    pact = models.ForeignKey(Pact, on_delete=models.CASCADE, related_name="reports")
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    due_date = models.DateField(_("due"))
    version = models.PositiveSmallIntegerField(_("version"), default=1)
    is_current = models.BooleanField(_("current version"), default=True)
    corrects = models.OneToOneField(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrected_by",
        verbose_name=_("corrects"),
    )
    correction_reason = models.TextField(_("reason for the correction"), blank=True)
    status = models.CharField(
        _("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.DRAFT
    )
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        ordering = ["due_date", "pact_id", "period_start", "version"]
        constraints = [
            models.UniqueConstraint(
                fields=["pact", "period_start", "version"], name="report_unique_version"
            ),
            models.UniqueConstraint(
                fields=["pact", "period_start"],
                condition=Q(is_current=True),
                name="report_one_current_version",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "due_date"]),
            # The scorecards' data stamp reads the latest change on every visit; at ten years of
            # reports for 1,500 clusters that must come from an index (status has the one above).
            models.Index(fields=["updated_at"], name="report_updated_at"),
        ]

    def __str__(self) -> str:
        return f"{self.pact.cluster} {self.period_label} v{self.version}"

    def get_absolute_url(self) -> str:
        return reverse("pacts:report-detail", args=[self.pk])

    @property
    def period_label(self) -> str:
        return f"{self.period_start:%Y-%m-%d} – {self.period_end:%Y-%m-%d}"


@audit.register
class ReportValue(models.Model):
    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="values")
    kpi = models.ForeignKey(Kpi, on_delete=models.PROTECT, related_name="+", verbose_name=_("KPI"))
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4, null=True, blank=True)
    note = models.TextField(_("source or evidence"), blank=True)

    class Meta:
        verbose_name = _("reported value")
        verbose_name_plural = _("reported values")
        ordering = ["report", "kpi__order", "kpi__code"]
        constraints = [
            models.UniqueConstraint(fields=["report", "kpi"], name="report_value_unique")
        ]

    def __str__(self) -> str:
        return f"{self.report} {self.kpi.code}: {self.value}"


@audit.register
class Comment(models.Model):
    """A message in the thread of a report, or of one value in it (``kpi`` set)."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="comments")
    kpi = models.ForeignKey(
        Kpi,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("KPI"),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    body = models.TextField(_("comment"))
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"{self.report} {self.author}: {self.body[:40]}"


@audit.register
class Evidence(models.Model):
    """A file supporting one reported value, in the default storage (under MEDIA_ROOT, not served).

    A correction copies the rows to the new version; they share the stored file, which
    is deleted only with the last row pointing to it.
    """

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="evidence")
    kpi = models.ForeignKey(Kpi, on_delete=models.PROTECT, related_name="+", verbose_name=_("KPI"))
    # The name in the default storage; a plain field, so the audit trail records it as text.
    stored_name = models.CharField(_("stored as"), max_length=200)
    filename = models.CharField(_("file name"), max_length=200)
    size = models.PositiveIntegerField(_("size (bytes)"))
    content_type = models.CharField(_("content type"), max_length=100)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("by")
    )
    uploaded_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["report", "kpi__order", "kpi__code", "uploaded_at", "id"]

    def __str__(self) -> str:
        return f"{self.report} {self.kpi.code}: {self.filename}"


class ReminderKind(models.TextChoices):
    DUE = "due", _("Reports due or overdue")
    REVIEW = "review", _("Reports waiting for review")


class ReminderSent(models.Model):
    """One reminder mailed to one person on one day: the command never sends it twice that day."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=6, choices=ReminderKind.choices)
    sent_on = models.DateField(_("sent on"))
    reports = models.JSONField(_("reports"), default=list)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("reminder sent")
        verbose_name_plural = _("reminders sent")
        ordering = ["-sent_on", "recipient_id", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "kind", "sent_on"], name="reminder_once_a_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.recipient} {self.kind} {self.sent_on:%Y-%m-%d}"
