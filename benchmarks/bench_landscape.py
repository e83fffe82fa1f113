"""Time the landscape pages on an EU-scale database (not a test: run it by hand).

Fills an empty, migrated database with the EU-scale registry
(:mod:`clusterpact.demo.eu_scale`: 1,500 clusters, 150,000 organisations,
300,000 memberships) and 50,000 synthetic projects over ten years with their
participants, then times each landscape page through Django's test client,
first with an empty cache and then cached::

    createdb -p PORT clusterpact_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:PORT/clusterpact_bench \\
      .venv/bin/python -m django migrate --settings=tests.settings
    DATABASE_URL=postgres://postgres@127.0.0.1:PORT/clusterpact_bench \\
      .venv/bin/python benchmarks/bench_landscape.py

A database that already holds the landscape is reused (only the timing runs).
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
os.environ.setdefault("CLUSTERPACT_TESTING", "1")

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402
from decimal import Decimal  # noqa: E402

from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client, override_settings  # noqa: E402

from clusterpact.accounts.models import Role, User  # noqa: E402
from clusterpact.demo import eu_scale  # noqa: E402
from clusterpact.funding.models import Project, ProjectParticipant  # noqa: E402
from clusterpact.registry.models import Cluster, Membership  # noqa: E402

PROJECTS = 50_000
YEARS = range(2016, 2026)
WORDS = [
    "circular",
    "plastics",
    "recycling",
    "hydrogen",
    "storage",
    "battery",
    "metals",
    "offshore",
    "wind",
    "grid",
    "digital",
    "twin",
    "food",
    "safety",
    "protein",
    "fermentation",
    "logistics",
    "port",
    "automation",
    "sensors",
    "photonics",
    "water",
    "reuse",
    "carbon",
    "capture",
    "biobased",
    "chemicals",
    "textile",
    "sorting",
    "robotics",
    "health",
    "monitoring",
    "smart",
    "buildings",
    "heat",
    "pumps",
    "aquaculture",
    "packaging",
    "coatings",
]


@transaction.atomic
def generate_projects(seed: int = 7) -> None:
    rng = random.Random(seed)
    clusters = list(Cluster.objects.values_list("pk", flat=True))
    members: dict[int, list[int]] = {}
    for cluster, organisation in Membership.objects.values_list("cluster_id", "organisation_id"):
        members.setdefault(cluster, []).append(organisation)
    clusters = [c for c in clusters if len(members.get(c, ())) >= 2]
    projects, links, participants = [], [], []
    next_id = 1 + (Project.objects.order_by("-pk").values_list("pk", flat=True).first() or 0)
    for offset in range(PROJECTS):
        pk = next_id + offset
        year = rng.choice(YEARS)
        own = rng.sample(clusters, 2 if rng.random() < 0.1 else 1)
        title = " ".join(rng.sample(WORDS, 4)).capitalize()
        projects.append(
            Project(
                pk=pk,
                title=title,
                kind="intercluster" if len(own) == 2 else "cluster",
                budget=Decimal(rng.randrange(100_000, 2_000_000)),
                start=dt.date(year, 1 + rng.randrange(12), 1),
                end=dt.date(year + 2, 12, 31),
                is_synthetic=True,
            )
        )
        links.extend(Project.clusters.through(project_id=pk, cluster_id=c) for c in own)
        chosen: set[int] = set()
        for cluster in own:
            pool = members[cluster]
            chosen.update(rng.sample(pool, min(len(pool), rng.randint(2, 5))))
        participants.extend(
            ProjectParticipant(
                project_id=pk, organisation_id=o, budget=Decimal(rng.randrange(10_000, 500_000))
            )
            for o in chosen
        )
    Project.objects.bulk_create(projects, batch_size=5_000)
    Project.clusters.through.objects.bulk_create(links, batch_size=10_000)
    ProjectParticipant.objects.bulk_create(participants, batch_size=10_000)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Project, Project.clusters.through, ProjectParticipant):
                table = connection.ops.quote_name(model._meta.db_table)
                cursor.execute(
                    f"SELECT setval(pg_get_serial_sequence('{model._meta.db_table}', 'id'), "
                    f"(SELECT MAX(id) FROM {table}))"
                )
                cursor.execute(f"ANALYZE {table}")
    print(f"{len(projects)} projects, {len(participants)} participants written.")


def timed(client: Client, label: str, url: str) -> None:
    for run in ("empty cache", "cached"):
        if run == "empty cache":
            cache.clear()
        started = time.perf_counter()
        response = client.get(url)
        elapsed = time.perf_counter() - started
        assert response.status_code == 200, (url, response.status_code)
        print(f"{label:<44} {run:<12} {elapsed:7.2f} s  ({len(response.content) / 1024:.0f} KiB)")


def main() -> None:
    if not Cluster.objects.filter(slug__startswith=eu_scale.SLUG_PREFIX).exists():
        eu_scale.generate_eu_scale(stdout=sys.stdout)
    if not Project.objects.filter(is_synthetic=True).exists():
        generate_projects()
    officer, _ = User.objects.get_or_create(
        username="bench-officer", defaults={"role": Role.OFFICER}
    )
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(officer)
    cluster = Cluster.objects.filter(slug__startswith=eu_scale.SLUG_PREFIX).order_by("pk").first()
    print(
        f"{connection.vendor}: {Cluster.objects.count()} clusters, "
        f"{ProjectParticipant.objects.count()} participations"
    )
    with override_settings(
        CACHES={"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    ):
        timed(client, "programme measures /landscape/", "/landscape/")
        timed(client, "cluster measures", f"/landscape/clusters/{cluster.slug}/")
        timed(client, "network JSON, whole programme (grouped)", "/landscape/network/data/")
        timed(client, "network JSON, one cluster", f"/landscape/network/data/?cluster={cluster.pk}")
        timed(client, "network page, whole programme", "/landscape/network/")
        timed(client, "profiles, followers filter", "/landscape/profiles/?profile=follower")
        timed(
            client,
            "partner search",
            f"/landscape/partners/?theme=hydrogen+storage+offshore+wind&cluster={cluster.slug}",
        )


if __name__ == "__main__":
    main()
