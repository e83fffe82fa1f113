"""A small registry with member firms, and a synthetic panel of them with a known effect."""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import polars as pl
import pytest

from clusterpact.evaluation import demo, domain
from clusterpact.registry.models import HelixRole, Membership, Organisation, OrganisationKind

EFFECT = 0.05
ROLES = {
    "enterprise_number": "enterprise_number",
    "year": "year",
    "value_added": "value_added",
    "employment": "employment",
    "capital": "capital",
    "materials": "materials",
}


def parquet_bytes(frame: pl.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.write_parquet(buffer)
    return buffer.getvalue()


@pytest.fixture
def synthetic_registry(cluster_a, cluster_b):
    """600 member companies (joining 2016-2022 in cluster A or B) and 600 firms outside the registry.

    Returns the firms frame (enterprise_number, group, size_class) the panel is simulated from.
    """
    rng = np.random.default_rng(7)
    n_members, n_others = 600, 600
    numbers = demo.non_member_numbers(n_members + n_others, set(), seed=11)
    sizes = rng.choice(
        ["micro", "small", "medium", "large"], n_members + n_others, p=[0.4, 0.35, 0.23, 0.02]
    )
    start_years = rng.integers(2016, 2023, n_members)
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Firm {i}",
            enterprise_number=numbers[i],
            helix_role=HelixRole.COMPANY,
            kind=OrganisationKind.COMPANY,
            size_class=sizes[i],
        )
        for i in range(n_members)
    )
    Membership.objects.bulk_create(
        Membership(
            organisation=org,
            cluster=cluster_a if i % 2 else cluster_b,
            start=dt.date(int(start_years[i]), 3, 1),
        )
        for i, org in enumerate(organisations)
    )
    group = np.concatenate([start_years, np.zeros(n_others, dtype=np.int64)]).astype(np.int32)
    return pl.DataFrame({"enterprise_number": numbers, "group": group, "size_class": sizes})


@pytest.fixture
def synthetic_dataset(synthetic_registry, evaluator):
    panel = demo.simulate_firm_panel(synthetic_registry, effect=EFFECT, seed=3)
    return domain.register_dataset(
        content=parquet_bytes(panel),
        filename="panel.parquet",
        name="Synthetic panel",
        roles=ROLES,
        user=evaluator,
    )


@pytest.fixture(autouse=True)
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
