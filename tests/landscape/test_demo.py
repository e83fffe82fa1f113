"""The landscape demo: the synthetic SBS sample imported once per year, idempotently."""

from __future__ import annotations

import io

import pytest

from clusterpact.accounts.models import AuditEntry
from clusterpact.landscape import domain
from clusterpact.landscape.demo import load_demo_landscape
from clusterpact.landscape.models import EmploymentDataset


@pytest.mark.django_db
def test_demo_imports_both_sample_years_once():
    out = io.StringIO()
    load_demo_landscape(out)
    load_demo_landscape(out)
    datasets = EmploymentDataset.objects.order_by("year")
    assert [d.year for d in datasets] == [2021, 2022]
    assert all(d.is_synthetic for d in datasets)
    # 19 NUTS-2 regions × 10 sections, less the suppressed BE34 D cell; the BE totals dropped.
    assert [d.figures.count() for d in datasets] == [189, 189]
    entry = AuditEntry.objects.get(object_id=str(datasets[0].pk), action="create")
    assert entry.actor_label == "demo loader"
    assert "Innovation profiles derived" in out.getvalue()


@pytest.mark.django_db
def test_demo_sample_shows_the_tilted_specialisations():
    load_demo_landscape(io.StringIO())
    table = domain.specialisation_table(EmploymentDataset.objects.get(year=2021))
    lq = {(r["region"], r["sector"]): r["lq"] for r in table.iter_rows(named=True)}
    # The sample tilts BE21 (Antwerp) × 2.3 towards transport and storage (H), BE10 (Brussels)
    # × 2.2 towards information and communication (J): both stand well above the average of 1.
    assert lq[("BE21", "H")] > 1.5
    assert lq[("BE10", "J")] > 1.5
