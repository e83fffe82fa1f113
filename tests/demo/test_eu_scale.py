"""The EU-scale generator at a small scale: counts, valid identifiers, determinism."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from clusterpact.accounts.models import AuditEntry
from clusterpact.demo import eu_scale
from clusterpact.registry.models import (
    Cluster,
    FeeRate,
    Membership,
    Organisation,
    OrganisationYear,
    TransitionPriority,
)
from clusterpact.rules import enterprise_number, nace

SMALL = {"clusters": 6, "organisations": 240, "memberships": 400, "seed": 7}


def _generate(**overrides) -> dict[str, int]:
    return eu_scale.generate_eu_scale(**(SMALL | overrides), stdout=None)


def _snapshot() -> list[tuple]:
    return list(
        Membership.objects.order_by("cluster__slug", "organisation__name", "start").values_list(
            "cluster__slug",
            "organisation__name",
            "organisation__enterprise_number",
            "organisation__foreign_identifier",
            "start",
            "end",
        )
    )


@pytest.mark.django_db
def test_generate_eu_scale_writes_the_requested_counts():
    counts = _generate()

    assert Cluster.objects.filter(is_synthetic=True).count() == 6 == counts["clusters"]
    assert Organisation.objects.filter(is_synthetic=True).count() == 240
    assert Membership.objects.filter(is_synthetic=True).count() == 400
    assert FeeRate.objects.count() == 6 * len(eu_scale.FEE_YEARS) * len(eu_scale.BASE_FEES)
    assert OrganisationYear.objects.count() == counts["years"] > 0
    assert not Organisation.objects.filter(is_synthetic=False).exists()
    assert set(Cluster.objects.values_list("cluster_organisation__kind", flat=True)) == {
        "cluster_organisation"
    }
    assert Cluster.transition_priorities.through.objects.count() == counts["priorities"] > 0


@pytest.mark.django_db
def test_generate_eu_scale_writes_no_audit_trail():
    _generate()

    assert not AuditEntry.objects.exists()


@pytest.mark.django_db
def test_generate_eu_scale_identifiers_are_valid_and_unique():
    _generate()

    belgian = Organisation.objects.filter(country="BE")
    numbers = list(belgian.values_list("enterprise_number", flat=True))
    assert numbers and all(enterprise_number.normalise(n) == n for n in numbers)
    assert len(set(numbers)) == len(numbers)
    assert not belgian.exclude(foreign_identifier="").exists()
    foreign = Organisation.objects.exclude(country="BE")
    assert foreign.exists() and not foreign.filter(foreign_identifier="").exists()
    assert not foreign.exclude(enterprise_number="").exists()


@pytest.mark.django_db
def test_generate_eu_scale_nace_codes_are_level_four_with_their_section():
    _generate()

    for code, section in Organisation.objects.values_list("nace_code", "nace_section").distinct():
        entry = nace.lookup(code)
        assert (entry.level, entry.section) == (4, section)


@pytest.mark.django_db
def test_generate_eu_scale_is_deterministic_for_a_seed():
    _generate()
    first = _snapshot()
    Membership.objects.all().delete()
    Cluster.objects.all().delete()
    Organisation.objects.all().delete()

    _generate()

    assert _snapshot() == first


def test_plan_same_seed_same_rows_other_seed_other_rows():
    priorities = (1, 2, 3)

    first = eu_scale.plan(**SMALL, priority_ids=priorities)
    again = eu_scale.plan(**SMALL, priority_ids=priorities)
    other = eu_scale.plan(**(SMALL | {"seed": 8}), priority_ids=priorities)

    assert first == again
    assert first.organisations != other.organisations


@pytest.mark.django_db
def test_generated_ids_continue_after_existing_rows_and_saves_still_work():
    _generate()
    organisation = Organisation.objects.create(name="Added Later", helix_role="company")

    assert organisation.pk == Organisation.objects.filter(is_synthetic=True).latest("pk").pk + 1
    assert TransitionPriority.objects.exists()


@pytest.mark.django_db
def test_generate_eu_scale_command_refuses_a_second_landscape():
    out = io.StringIO()
    call_command(
        "generate_eu_scale", "--clusters=2", "--organisations=20", "--memberships=30", stdout=out
    )

    assert "2 clusters, 20 organisations, 30 memberships" in out.getvalue()
    with pytest.raises(CommandError, match="already loaded"):
        call_command("generate_eu_scale", "--clusters=2", "--organisations=20", "--memberships=30")


@pytest.mark.django_db
def test_generate_eu_scale_command_adds_ten_years_of_reports_on_request():
    from clusterpact.pacts.models import Pact, Report

    call_command(
        "generate_eu_scale",
        "--clusters=2",
        "--organisations=20",
        "--memberships=30",
        "--reports",
        stdout=io.StringIO(),
    )
    assert Pact.objects.count() == 4
    assert Report.objects.filter(status="accepted").count() == 2 * 10
