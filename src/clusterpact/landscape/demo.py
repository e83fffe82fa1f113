"""Demo landscape data: the synthetic SBS employment sample, and profiles derived from the demo projects.

The sample (``analysis/data/sbs_employment_sample.csv``) is synthetic, as its
``DATAFLOW`` column and its description say; the datasets are marked so.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path
from typing import TextIO

import polars as pl

import clusterpact.analysis

SAMPLE = Path(clusterpact.analysis.__file__).parent / "data" / "sbs_employment_sample.csv"
SAMPLE_YEARS = (2021, 2022)
SOURCE = "Synthetic sample in the Eurostat SBS layout (sbs_r_nuts2021), clusterpact demo"


def load_demo_landscape(stdout: TextIO = sys.stdout) -> None:
    """Import the employment sample once per year and derive the innovation profiles.

    Idempotent: a year whose dataset from the same file already exists is
    skipped. Side effects: up to two :class:`EmploymentDataset` rows with their
    figures (audited as the demo loader); the derived profiles are computed,
    which fills the landscape cache.
    """
    from clusterpact.accounts import audit

    from . import domain
    from .models import EmploymentDataset

    data = SAMPLE.read_bytes()
    digest = hashlib.sha256(data).hexdigest()
    with audit.acting_as(label="demo loader"):
        for year in SAMPLE_YEARS:
            if EmploymentDataset.objects.filter(data_hash=digest, year=year).exists():
                continue
            dataset = domain.import_employment(
                data=data,
                filename=SAMPLE.name,
                name=f"Employment by region and NACE section, {year} (synthetic sample)",
                source=SOURCE,
                year=year,
                nuts_level=2,
                user=None,
                is_synthetic=True,
            )
            stdout.write(f"Employment dataset {dataset}: {dataset.figures.count()} figures.\n")
    profiles = domain.derived_profiles()
    leaders = profiles.filter(pl.col("profile") == "leader").height
    stdout.write(
        f"Innovation profiles derived: {leaders} leaders among {profiles.height} "
        "organisations with projects.\n"
    )
