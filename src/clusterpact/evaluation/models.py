"""Confidential firm panels and the evaluation runs made on them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from clusterpact.accounts import audit


class Role(models.TextChoices):
    """What a column of a firm panel holds; the stored Parquet file uses these names."""

    ENTERPRISE_NUMBER = "enterprise_number", _("Enterprise number")
    YEAR = "year", _("Year")
    VALUE_ADDED = "value_added", _("Value added")
    EMPLOYMENT = "employment", _("Employment")
    CAPITAL = "capital", _("Capital")
    MATERIALS = "materials", _("Materials")
    INVESTMENT = "investment", _("Investment")


KEY_ROLES = (Role.ENTERPRISE_NUMBER, Role.YEAR)
VALUE_ROLES = (Role.VALUE_ADDED, Role.EMPLOYMENT, Role.CAPITAL, Role.MATERIALS, Role.INVESTMENT)


@audit.register
class Dataset(models.Model):
    """A firm panel uploaded by an evaluator, stored as Parquet under MEDIA_ROOT (never served)."""

    name = models.CharField(_("name"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    storage_path = models.CharField(max_length=255, editable=False)
    original_filename = models.CharField(_("original file"), max_length=255, blank=True)
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    n_rows = models.PositiveIntegerField(_("firm-years"))
    n_firms = models.PositiveIntegerField(_("firms"))
    n_years = models.PositiveSmallIntegerField(_("years"))
    first_year = models.PositiveSmallIntegerField(_("first year"))
    last_year = models.PositiveSmallIntegerField(_("last year"))
    columns = models.JSONField(_("columns"), default=list)
    roles = models.JSONField(
        _("column roles"), default=dict, help_text=_("Role → column name in the uploaded file.")
    )
    is_synthetic = models.BooleanField(_("synthetic data"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        verbose_name = _("firm panel")
        verbose_name_plural = _("firm panels")
        ordering = ["-uploaded_at", "-id"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("evaluation:dataset-detail", args=[self.pk])

    def has(self, role: str) -> bool:
        return role in self.columns

    @property
    def extra_columns(self) -> list[str]:
        """Numeric columns beyond the named roles: candidate covariates."""
        known = {r.value for r in Role}
        return [c for c in self.columns if c not in known]


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


FINISHED = (RunStatus.DONE, RunStatus.FAILED)


class EvaluationRun(models.Model):
    """One evaluation: TFP, then difference-in-differences of membership, with all it needs to be redone."""

    dataset = models.ForeignKey(
        Dataset, on_delete=models.PROTECT, related_name="runs", verbose_name=_("firm panel")
    )
    parameters = models.JSONField(_("parameters"), default=dict)
    status = models.CharField(
        _("status"), max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED
    )
    progress = models.FloatField(_("progress"), default=0.0)
    progress_label = models.CharField(_("step"), max_length=200, blank=True)
    error = models.TextField(_("error"), blank=True)
    result = models.JSONField(_("result"), null=True, blank=True)
    data_sha256 = models.CharField(_("data SHA-256"), max_length=64)
    library_version = models.CharField(_("library version"), max_length=40)
    task_id = models.CharField(max_length=64, blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("started by"),
    )
    created_at = models.DateTimeField(_("queued at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        verbose_name = _("evaluation run")
        verbose_name_plural = _("evaluation runs")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.dataset} #{self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("evaluation:run-detail", args=[self.pk])

    @property
    def is_finished(self) -> bool:
        return self.status in FINISHED

    @property
    def percent(self) -> int:
        return round(self.progress * 100)
