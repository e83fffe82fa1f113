"""The demo's synthetic firm panel: the demo companies plus non-members, with a known effect.

Productivity follows an AR(1); members' log TFP is higher by :data:`EFFECT`
from the year they first join any cluster (a +3 % effect, of the order the
Flemish evaluation found). Inputs respond to productivity as in the
Ackerberg-Caves-Frazer design: capital is chosen the year before, labour in
the year, and materials are Leontief in value added, so ACF recovers the
production function and the difference-in-differences recovers the effect.
The panel is balanced over :data:`YEARS` (firms founded later are left out,
as an evaluator restricting to firms present throughout would).
"""

from __future__ import annotations

import io
import sys
from typing import TextIO

import numpy as np
import polars as pl

from clusterpact.rules import enterprise_number

EFFECT = 0.03
YEARS = (2012, 2025)
SEED = 20240504
BETA_LABOUR, BETA_CAPITAL = 0.65, 0.30
RHO, SIGMA_XI, SIGMA_EPS = 0.85, 0.12, 0.05
RHO_WAGE, SIGMA_WAGE = 0.3, 0.25
NON_MEMBERS = 2000
DEMO_NAME = "Demo: synthetic annual accounts 2012-2025"
# log headcount at which each size class is centred, and the shares of non-members.
SIZE_SCALE = {"micro": np.log(4), "small": np.log(22), "medium": np.log(110), "large": np.log(600)}
NON_MEMBER_SIZES = (("micro", 0.55), ("small", 0.3), ("medium", 0.11), ("large", 0.04))


def simulate_firm_panel(
    firms: pl.DataFrame,
    *,
    effect: float = EFFECT,
    years: tuple[int, int] = YEARS,
    seed: int = SEED,
) -> pl.DataFrame:
    """Balanced panel of annual accounts in levels for ``firms``.

    Parameters
    ----------
    firms : polars.DataFrame
        ``enterprise_number`` (str), ``group`` (first year of membership, 0 = never)
        and ``size_class`` (micro/small/medium/large).
    effect : float
        Membership effect on log TFP from the year of joining on.

    Returns
    -------
    polars.DataFrame
        ``enterprise_number, year, value_added, employment, capital, materials`` (EUR
        thousands and full-time equivalents), sorted by firm and year.
    """
    rng = np.random.default_rng(seed)
    n = firms.height
    first, last = years
    calendar = np.arange(first, last + 1)
    t = calendar.size
    burn = 20
    group = firms["group"].to_numpy()
    scale = firms["size_class"].replace_strict(SIZE_SCALE, default=SIZE_SCALE["small"]).to_numpy()
    scale = scale + rng.normal(0, 0.3, n)
    treated = (group[:, None] > 0) & (calendar[None, :] >= group[:, None])

    xi = rng.normal(0, SIGMA_XI, (n, burn + t))
    a = np.zeros((n, burn + t))
    a[:, 0] = rng.normal(0, SIGMA_XI / np.sqrt(1 - RHO**2), n)
    for s in range(1, burn + t):  # a loop over years, not firms
        a[:, s] = RHO * a[:, s - 1] + xi[:, s]
    omega = a[:, burn:] + effect * treated

    wage = np.zeros((n, t))
    wage[:, 0] = rng.normal(0, SIGMA_WAGE, n)
    capital = np.zeros((n, t))
    capital[:, 0] = scale + np.log(80) + rng.normal(0, 0.2, n)
    omega_before = a[:, burn - 1]
    for s in range(t):
        if s:
            wage[:, s] = RHO_WAGE * wage[:, s - 1] + rng.normal(0, SIGMA_WAGE, n)
            # Capital is decided a year ahead on the productivity then known.
            capital[:, s] = (
                0.8 * capital[:, s - 1]
                + 0.2 * (scale + np.log(80))
                + 0.3 * omega[:, s - 1]
                + rng.normal(0, 0.08, n)
            )
        elif burn:
            capital[:, s] += 0.3 * omega_before
    labour = scale[:, None] + 0.6 * omega - wage
    core = np.log(60) + BETA_LABOUR * labour + BETA_CAPITAL * capital + omega
    value_added = core + rng.normal(0, SIGMA_EPS, (n, t))
    materials = core + np.log(1.5)
    return pl.DataFrame(
        {
            "enterprise_number": np.repeat(firms["enterprise_number"].to_numpy(), t),
            "year": np.tile(calendar, n).astype(np.int32),
            "value_added": np.round(np.exp(value_added.ravel()), 1),
            "employment": np.round(np.exp(labour.ravel()), 2),
            "capital": np.round(np.exp(capital.ravel()), 1),
            "materials": np.round(np.exp(materials.ravel()), 1),
        }
    )


def non_member_numbers(count: int, taken: set[str], seed: int = SEED) -> list[str]:
    """Valid enterprise numbers that the registry does not hold (firms outside every cluster)."""
    rng = np.random.default_rng(seed + 1)
    out: list[str] = []
    used = set(taken)
    while len(out) < count:
        first_eight = int(rng.integers(2_000_000, 3_999_999))
        number = f"{first_eight:08d}{enterprise_number.check_digits(first_eight):02d}"
        if number not in used:
            used.add(number)
            out.append(number)
    return out


def demo_firms() -> pl.DataFrame:
    """The demo registry's companies founded by the first panel year, plus non-members."""
    from clusterpact.registry.models import HelixRole, Organisation

    from .adapters import cohorts, membership_frame

    rows = (
        Organisation.objects.filter(helix_role=HelixRole.COMPANY)
        .exclude(enterprise_number="")
        .values_list("enterprise_number", "size_class", "founding_year")
    )
    companies = pl.DataFrame(
        list(rows),
        schema={"enterprise_number": pl.String, "size_class": pl.String, "founded": pl.Int32},
        orient="row",
    )
    taken = set(
        Organisation.objects.exclude(enterprise_number="").values_list(
            "enterprise_number", flat=True
        )
    )
    overall, _ = cohorts(membership_frame())
    members = (
        companies.filter(pl.col("founded").is_null() | (pl.col("founded") <= YEARS[0]))
        .join(overall, on="enterprise_number", how="left")
        .select("enterprise_number", pl.col("group").fill_null(0), "size_class")
    )
    rng = np.random.default_rng(SEED + 2)
    labels, shares = zip(*NON_MEMBER_SIZES, strict=True)
    others = pl.DataFrame(
        {
            "enterprise_number": non_member_numbers(NON_MEMBERS, taken),
            "group": np.zeros(NON_MEMBERS, dtype=np.int32),
            "size_class": rng.choice(labels, size=NON_MEMBERS, p=shares),
        }
    )
    return pl.concat(
        [
            members.with_columns(pl.col("group").cast(pl.Int32)),
            others.with_columns(pl.col("group").cast(pl.Int32)),
        ]
    ).sort("enterprise_number")


def load_demo_panel(stdout: TextIO = sys.stdout):
    """Register the demo panel as a data set of the demo evaluator (idempotent).

    Side effects: writes a Parquet file under MEDIA_ROOT, creates a Dataset row
    (audited, uploaded by the ``evaluator`` account when it exists).
    """
    from clusterpact.accounts import audit
    from clusterpact.accounts.models import Role, User

    from . import domain
    from .models import Dataset

    existing = Dataset.objects.filter(name=DEMO_NAME, is_synthetic=True).first()
    if existing is not None:
        return existing
    firms = demo_firms()
    if firms.is_empty():
        return None
    panel = simulate_firm_panel(firms)
    buffer = io.BytesIO()
    panel.write_parquet(buffer)
    user = User.objects.filter(username="evaluator", role=Role.EVALUATOR).first()
    with audit.acting_as(user, label="demo loader", reason="demo firm panel"):
        dataset = domain.register_dataset(
            content=buffer.getvalue(),
            filename="demo_panel.parquet",
            name=DEMO_NAME,
            roles={
                "enterprise_number": "enterprise_number",
                "year": "year",
                "value_added": "value_added",
                "employment": "employment",
                "capital": "capital",
                "materials": "materials",
            },
            user=user,
            description=(
                f"Synthetic firm panel built from the demo companies and {NON_MEMBERS} "
                f"non-members; membership raises log TFP by {EFFECT} from the year of joining."
            ),
            is_synthetic=True,
        )
    stdout.write(
        f"Demo firm panel registered: {dataset.n_firms} firms, {dataset.n_rows} firm-years, "
        f"membership effect on TFP {EFFECT:+.0%}.\n"
    )
    return dataset
