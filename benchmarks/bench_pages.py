"""Benchmark: registry pages on PostgreSQL at EU scale (1,500 clusters, 150k organisations).

Run with ``.venv/bin/python benchmarks/bench_pages.py [-n 50] [--clusters 1500 ...]``.

It creates a fresh database on the PostgreSQL server of ``DATABASE_URL`` (or, without
it, starts a private cluster from /usr/lib/postgresql/15/bin on a free loopback port
and stops it at the end), migrates, loads :mod:`clusterpact.demo.eu_scale`, runs
``VACUUM ANALYZE``, and times each page with Django's test ``Client`` (signed in as a
programme officer and as the manager of the largest cluster): ``-n`` requests after
a warm-up, median and p95 in ms, against the target p95 ≤ 150 ms.

Pages have no peer product to race, so each page is set against the hand-written
SQL it needs at minimum (the same rows through a plain cursor, same driver, same
run); the ratio page / raw SQL is the cost of Django, templates and middleware.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import os
import shlex
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

TARGET_P95_MS = 150.0
PG_BIN = Path(os.environ.get("PG_BIN", "/usr/lib/postgresql/15/bin"))
ROOT = Path(__file__).resolve().parent.parent


def _as_postgres(command: list[str]) -> list[str]:
    # initdb refuses to run as root, so a root caller hands the cluster to the postgres user.
    return ["su", "postgres", "-c", shlex.join(command)] if os.geteuid() == 0 else command


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def private_cluster() -> Iterator[str]:
    """A throw-away PostgreSQL server on a free loopback port; yields its server URL."""
    directory = Path(tempfile.mkdtemp(prefix="clusterpact-bench-pg-"))
    if os.geteuid() == 0:
        shutil.chown(directory, "postgres")
    data, port = directory / "data", _free_port()
    subprocess.run(
        _as_postgres([str(PG_BIN / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust"]),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    options = f"-p {port} -k {directory} -c listen_addresses=127.0.0.1"
    pg_ctl = [str(PG_BIN / "pg_ctl"), "-D", str(data), "-l", str(directory / "log")]
    subprocess.run(
        _as_postgres([*pg_ctl, "-o", options, "-w", "start"]),
        check=True,
        stdout=subprocess.DEVNULL,
    )
    try:
        yield f"postgres://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            _as_postgres([*pg_ctl, "-m", "fast", "-w", "stop"]),
            check=False,
            stdout=subprocess.DEVNULL,
        )
        shutil.rmtree(directory, ignore_errors=True)


@contextlib.contextmanager
def fresh_database(server_url: str, keep: bool) -> Iterator[str]:
    """A new, empty database on the server of ``server_url``; dropped afterwards unless ``keep``."""
    import psycopg

    parts = urlsplit(server_url)
    name = f"clusterpact_bench_{os.getpid()}"
    admin_url = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(parts._replace(path=f"/{name}"))
    finally:
        if not keep:
            from django.db import connections

            with contextlib.suppress(Exception):
                connections.close_all()
            with psycopg.connect(admin_url, autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _setup_django(database_url: str) -> None:
    os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "clusterpact.settings")
    # Testing mode only supplies a throw-away secret key and fast password hashing.
    os.environ.setdefault("CLUSTERPACT_TESTING", "1")
    os.environ.setdefault("SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("SECURE_COOKIES", "false")
    os.environ.setdefault("ALLOWED_HOSTS", "testserver")
    os.environ.setdefault("DATABASE_CONN_MAX_AGE", "600")
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


@dataclass(frozen=True)
class Timing:
    median_ms: float
    p95_ms: float


def _time(action: Callable[[], object], n: int, warmup: int) -> Timing:
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return Timing(statistics.median(samples), samples[min(n - 1, round(0.95 * (n - 1)))])


@dataclass(frozen=True)
class Case:
    label: str
    user: str
    url: str
    raw: list[tuple[str, list]]  # the minimum SQL the page needs: (statement, parameters)


def _raw_runner(statements: list[tuple[str, list]]) -> Callable[[], None]:
    from django.db import connection

    def run() -> None:
        with connection.cursor() as cursor:
            for sql, params in statements:
                cursor.execute(sql, params)
                cursor.fetchall()

    return run


def build_cases(officer, manager, big, median, today: dt.date) -> list[Case]:
    """The pages to time and, for each, hand-written SQL returning the same data."""
    from django.urls import reverse

    from clusterpact.registry.models import Cluster

    middle_page = max(1, (Cluster.objects.count() // 25) // 2)
    active = 'm.start <= %s AND (m."end" IS NULL OR m."end" >= %s)'
    cluster_page = (
        "SELECT p.*, (SELECT count(*) FROM registry_membership m"
        f" WHERE m.cluster_id = p.id AND {active}) FROM ("
        "SELECT c.id, c.name, c.slug, c.kind, c.status, c.support_start, o.name AS operator"
        " FROM registry_cluster c {join}"
        " LEFT JOIN registry_organisation o ON o.id = c.cluster_organisation_id"
        " ORDER BY c.kind, c.name LIMIT 25 OFFSET %s) p"
    )
    managed = "JOIN accounts_user_managed_clusters uc ON uc.cluster_id = c.id AND uc.user_id = {}"
    org_columns = (
        "o.id, o.name, o.country, o.enterprise_number, o.foreign_identifier, o.helix_role,"
        " o.kind, o.size_class, o.nace_code, o.municipality, o.nuts_code,"
        " (SELECT count(DISTINCT m.cluster_id) FROM registry_membership m"
        " WHERE m.organisation_id = o.id)"
    )
    manager_scope = (
        "EXISTS (SELECT 1 FROM registry_membership m2 JOIN accounts_user_managed_clusters uc"
        " ON uc.cluster_id = m2.cluster_id WHERE m2.organisation_id = o.id AND uc.user_id = %s)"
    )

    def organisations(where: str, params: list) -> list[tuple[str, list]]:
        return [
            (f"SELECT count(*) FROM registry_organisation o WHERE {where}", params),
            (
                f"SELECT {org_columns} FROM registry_organisation o WHERE {where}"
                " ORDER BY o.name, o.id LIMIT 25",
                params,
            ),
        ]

    def detail(cluster) -> list[tuple[str, list]]:
        years = list(range(max(cluster.support_start.year, today.year - 9), today.year + 1))
        values = ", ".join(["(%s, %s, %s)"] * len(years))
        bounds = [v for y in years for v in (y, dt.date(y, 1, 1), dt.date(y, 12, 31))]
        return [
            ("SELECT * FROM registry_cluster WHERE slug = %s", [cluster.slug]),
            (
                "SELECT o.helix_role, o.size_class, o.nace_section,"
                " o.founding_year BETWEEN %s AND %s, count(*)"
                " FROM registry_membership m JOIN registry_organisation o"
                f" ON o.id = m.organisation_id WHERE m.cluster_id = %s AND {active}"
                " GROUP BY 1, 2, 3, 4",
                [today.year - 5, today.year, cluster.pk, today, today],
            ),
            (
                f"WITH y(year, first_day, last_day) AS (VALUES {values})"
                " SELECT y.year, o.helix_role, COALESCE(NULLIF(oy.size_class, ''), o.size_class),"
                " count(*) FROM registry_membership m"
                " JOIN registry_organisation o ON o.id = m.organisation_id"
                ' JOIN y ON m.start <= y.last_day AND (m."end" IS NULL OR m."end" >= y.first_day)'
                " LEFT JOIN registry_organisationyear oy"
                " ON oy.organisation_id = o.id AND oy.year = y.year"
                " WHERE m.cluster_id = %s GROUP BY 1, 2, 3",
                [*bounds, cluster.pk],
            ),
            (
                "SELECT year, helix_role, size_class, amount FROM registry_feerate"
                " WHERE cluster_id = %s AND year BETWEEN %s AND %s",
                [cluster.pk, years[0], years[-1]],
            ),
            ("SELECT count(*) FROM registry_membership WHERE cluster_id = %s", [cluster.pk]),
            (
                'SELECT m.start, m."end", o.id, o.name, o.enterprise_number, o.country,'
                " o.foreign_identifier, o.helix_role, o.size_class FROM registry_membership m"
                " JOIN registry_organisation o ON o.id = m.organisation_id"
                " WHERE m.cluster_id = %s ORDER BY o.name, m.start LIMIT 25",
                [cluster.pk],
            ),
        ]

    clusters_url = reverse("registry:cluster-list")
    organisations_url = reverse("registry:organisation-list")
    search = "%HYDROFLOW%"
    filters = "o.helix_role = 'company' AND o.size_class = 'medium' AND o.nace_section = 'C'"
    filter_query = "?helix_role=company&size_class=medium&section=C"
    return [
        Case(
            "cluster list, page 1",
            "officer",
            clusters_url,
            [
                ("SELECT count(*) FROM registry_cluster", []),
                (cluster_page.format(join=""), [today, today, 0]),
            ],
        ),
        Case(
            f"cluster list, page {middle_page}",
            "officer",
            f"{clusters_url}?page={middle_page}",
            [
                ("SELECT count(*) FROM registry_cluster", []),
                (cluster_page.format(join=""), [today, today, (middle_page - 1) * 25]),
            ],
        ),
        Case(
            "cluster list",
            "manager",
            clusters_url,
            [
                (
                    "SELECT count(*) FROM registry_cluster c " + managed.format(manager.pk),
                    [],
                ),
                (cluster_page.format(join=managed.format(manager.pk)), [today, today, 0]),
            ],
        ),
        Case(
            f"cluster detail, largest ({big.member_count} members)",
            "officer",
            big.get_absolute_url(),
            detail(big),
        ),
        Case(
            f"cluster detail, median ({median.member_count} members)",
            "officer",
            median.get_absolute_url(),
            detail(median),
        ),
        Case(
            f"cluster detail, largest ({big.member_count} members)",
            "manager",
            big.get_absolute_url(),
            detail(big),
        ),
        Case(
            "organisations, q=hydroflow",
            "officer",
            f"{organisations_url}?q=hydroflow",
            organisations("upper(o.name::text) LIKE %s", [search]),
        ),
        Case(
            "organisations, company+medium+C",
            "officer",
            organisations_url + filter_query,
            organisations(filters, []),
        ),
        Case(
            "organisations, unfiltered",
            "officer",
            organisations_url,
            organisations("true", []),
        ),
        Case(
            "organisations, q=hydroflow",
            "manager",
            f"{organisations_url}?q=hydroflow",
            organisations(f"upper(o.name::text) LIKE %s AND {manager_scope}", [search, manager.pk]),
        ),
        Case(
            "organisations, company+medium+C",
            "manager",
            organisations_url + filter_query,
            organisations(f"{filters} AND {manager_scope}", [manager.pk]),
        ),
        Case("dashboard", "officer", reverse("dashboard"), []),
        Case("home (public, all published clusters)", "officer", reverse("home"), []),
    ]


def run(
    n: int, warmup: int, scale: dict[str, int] | None
) -> list[tuple[Case, Timing, Timing | None, int]]:
    from django.core.management import call_command
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from clusterpact.accounts.models import Role, User
    from clusterpact.demo.eu_scale import generate_eu_scale
    from clusterpact.registry.models import Cluster

    if scale is not None:
        t0 = time.perf_counter()
        call_command("migrate", interactive=False, verbosity=0)
        t1 = time.perf_counter()
        generate_eu_scale(**scale, stdout=sys.stdout)
        t2 = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
        print(
            f"migrate {t1 - t0:.1f} s, load {t2 - t1:.1f} s, "
            f"vacuum {time.perf_counter() - t2:.1f} s"
        )

    ranked = list(
        Cluster.objects.annotate(member_count=Count("memberships")).order_by("-member_count", "pk")
    )
    big, median = ranked[0], ranked[len(ranked) // 2]
    officer, _ = User.objects.get_or_create(username="bench-officer", role=Role.OFFICER)
    manager, _ = User.objects.get_or_create(username="bench-manager", role=Role.CLUSTER_MANAGER)
    manager.managed_clusters.set([big])
    clients = {"officer": Client(), "manager": Client()}
    clients["officer"].force_login(officer)
    clients["manager"].force_login(manager)

    results = []
    for case in build_cases(officer, manager, big, median, timezone.localdate()):
        client = clients[case.user]

        def page(client=client, url=case.url):
            response = client.get(url)
            if response.status_code != 200:
                raise RuntimeError(f"{url} answered {response.status_code}")

        page()
        with CaptureQueriesContext(connection) as queries:
            page()
        query_count = len(queries)  # read now: the next request clears the connection's log
        timing = _time(page, n, warmup)
        raw = _time(_raw_runner(case.raw), n, warmup) if case.raw else None
        results.append((case, timing, raw, query_count))
        print(f"  timed {case.user}: {case.label}", file=sys.stderr)
    return results


def report(results, n: int) -> None:
    print(f"\nRegistry pages at EU scale, PostgreSQL, N={n} after warm-up; target p95 ≤ 150 ms")
    header = (
        f"{'page':<44} {'user':<8} {'queries':>7} {'median':>8} {'p95':>8} "
        f"{'raw SQL':>8} {'ratio':>6}  target"
    )
    print(header)
    print("-" * len(header))
    for case, timing, raw, queries in results:
        raw_text = f"{raw.median_ms:8.1f}" if raw else f"{'—':>8}"
        ratio = f"{timing.median_ms / raw.median_ms:6.1f}" if raw else f"{'—':>6}"
        verdict = "ok" if timing.p95_ms <= TARGET_P95_MS else "MISSED"
        print(
            f"{case.label:<44} {case.user:<8} {queries:>7} {timing.median_ms:8.1f} "
            f"{timing.p95_ms:8.1f} {raw_text} {ratio}  {verdict}"
        )
    print("\nTimes in ms; raw SQL = median of the hand-written queries the page needs at minimum;")
    print("ratio = page median / raw SQL median.")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("-n", type=int, default=50, help="timed requests per page")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--clusters", type=int, default=1_500)
    parser.add_argument("--organisations", type=int, default=150_000)
    parser.add_argument("--memberships", type=int, default=300_000)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument(
        "--existing",
        action="store_true",
        help="time the pages on DATABASE_URL as it is (already migrated and loaded, e.g. --keep)",
    )
    args = parser.parse_args(argv)
    scale = {
        "clusters": args.clusters,
        "organisations": args.organisations,
        "memberships": args.memberships,
    }
    if args.seed is not None:
        scale["seed"] = args.seed

    if args.existing:
        _setup_django(os.environ["DATABASE_URL"])
        report(run(args.n, args.warmup, None), args.n)
        return 0
    with contextlib.ExitStack() as stack:
        server = os.environ.get("DATABASE_URL")
        if not server:
            server = stack.enter_context(private_cluster())
            print(f"started a private PostgreSQL at {server}")
        database = stack.enter_context(fresh_database(server, keep=args.keep))
        _setup_django(database)
        results = run(args.n, args.warmup, scale)
        report(results, args.n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
