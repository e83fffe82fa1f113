"""Innovation profiles (leader/follower) and regional employment data for specialisation."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from clusterpact.accounts import audit
from clusterpact.registry.models import Organisation


class Profile(models.TextChoices):
    LEADER = "leader", _("Innovation leader")
    FOLLOWER = "follower", _("Innovation follower")


@audit.register
class InnovationProfile(models.Model):
    """The agency's correction of an organisation's derived leader/follower profile.

    The derived profile comes from project history and is never stored; only an
    override is, with the reason, so the audit trail explains every deviation.
    """

    organisation = models.OneToOneField(
        Organisation,
        on_delete=models.CASCADE,
        related_name="innovation_profile",
        verbose_name=_("organisation"),
    )
    override = models.CharField(
        _("profile set by the agency"),
        max_length=10,
        choices=Profile.choices,
        blank=True,
        help_text=_("Leave empty to use the profile derived from project history."),
    )
    reason = models.CharField(_("reason"), max_length=255, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("innovation profile")
        verbose_name_plural = _("innovation profiles")
        constraints = [
            models.CheckConstraint(
                condition=Q(override="") | ~Q(reason=""),
                name="innovation_profile_override_has_reason",
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation}: {self.override or '-'}"


@audit.register
class EmploymentDataset(models.Model):
    """One imported table of employment by region and sector for one year."""

    name = models.CharField(_("name"), max_length=200)
    year = models.PositiveSmallIntegerField(_("year"))
    source = models.CharField(
        _("source"),
        max_length=255,
        help_text=_(
            "Where the figures come from, e.g. Eurostat sbs_r_nuts06_r2, extracted 2026-05-01."
        ),
    )
    filename = models.CharField(_("file"), max_length=255, blank=True)
    data_hash = models.CharField(_("data hash"), max_length=64, blank=True)
    is_synthetic = models.BooleanField(_("synthetic record"), default=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("employment dataset")
        verbose_name_plural = _("employment datasets")
        ordering = ["-year", "name", "id"]

    def __str__(self) -> str:
        return f"{self.name} ({self.year})"


class EmploymentFigure(models.Model):
    """Persons employed in one region (NUTS) and sector (NACE code or group) of a dataset."""

    dataset = models.ForeignKey(EmploymentDataset, on_delete=models.CASCADE, related_name="figures")
    region = models.CharField(_("region (NUTS)"), max_length=10)
    sector = models.CharField(_("sector"), max_length=20)
    employees = models.FloatField(_("persons employed"))

    class Meta:
        verbose_name = _("employment figure")
        verbose_name_plural = _("employment figures")
        ordering = ["dataset", "region", "sector"]
        constraints = [
            models.UniqueConstraint(
                fields=["dataset", "region", "sector"], name="employment_figure_unique"
            ),
            models.CheckConstraint(
                condition=Q(employees__gte=0), name="employment_figure_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.region} {self.sector}: {self.employees:g}"
