"""Benchmark: a report's Excel workbook, downloaded and uploaded, against the web form's save.

Run with ``.venv/bin/python benchmarks/bench_report_excel.py [-n 30] [--members 2000]``.

It creates a fresh database (on the server of ``DATABASE_URL``, or on a private
PostgreSQL it starts on a free loopback port), migrates, loads the default KPI
catalogue, one cluster with ``--members`` members and a signed five-year pact with
every catalogue KPI, and times, through the domain functions the pages call:

* the download: :func:`clusterpact.pacts.excel.write_template` (derived values
  computed from the registry, targets, openpyxl with protection and checks);
* the upload: :func:`clusterpact.pacts.excel.upload_values` of the filled workbook
  (identification, the registry's table reader, validation, save);
* the peer: :func:`clusterpact.pacts.domain.save_report_values` with the same values,
  which is what the web form does — the ratio upload / form is Excel's overhead.

A manager waits for these after a click; one second is the budget for each.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import io
import os
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_pages import _setup_django, fresh_database, private_cluster  # noqa: E402

BUDGET_MS = 1000.0


def _time(action, n: int, warmup: int = 2) -> tuple[float, float]:
    for _ in range(warmup):
        action()
    samples = []
    for _ in range(n):
        start = time.perf_counter()
        action()
        samples.append((time.perf_counter() - start) * 1000)
    samples.sort()
    return statistics.median(samples), samples[min(len(samples) - 1, int(0.95 * len(samples)))]


def _setup(members: int):
    from django.core.management import call_command

    from clusterpact.accounts.models import Role, User
    from clusterpact.pacts import domain
    from clusterpact.pacts.catalogue import load_default_catalogue
    from clusterpact.pacts.models import Kpi
    from clusterpact.registry.models import Cluster, ClusterKind, Membership, Organisation

    call_command("migrate", verbosity=0)
    load_default_catalogue()
    officer = User.objects.create(username="bench-officer", role=Role.OFFICER)
    cluster = Cluster.objects.create(name="Bench Cluster", slug="bench", kind=ClusterKind.SPEARHEAD)
    manager = User.objects.create(username="bench-manager", role=Role.CLUSTER_MANAGER)
    manager.managed_clusters.set([cluster])
    organisations = Organisation.objects.bulk_create(
        Organisation(
            name=f"Firm {i}",
            helix_role="company" if i % 5 else "knowledge",
            kind="company" if i % 5 else "university",
            size_class="small" if i % 3 else "large",
            founding_year=2000 + i % 25,
        )
        for i in range(members)
    )
    Membership.objects.bulk_create(
        Membership(organisation=o, cluster=cluster, start=dt.date(2020, 1, 1))
        for o in organisations
    )
    specific = Kpi.objects.filter(is_current=True, overarching=False)
    pact = domain.create_pact(
        cluster=cluster, start=dt.date(2024, 1, 1), user=officer, specific_kpis=specific
    )
    targets = {
        (pk.kpi.code, year): Decimal(10)
        for pk in pact.pact_kpis.select_related("kpi")
        for year in [None, *pact.years]
    }
    domain.set_targets(pact, values=targets, user=officer)
    domain.sign_pact(pact, user=officer)
    return pact.reports.order_by("period_start").first(), manager


def _filled(report, data: bytes) -> tuple[bytes, dict[str, str]]:
    import openpyxl

    from clusterpact.pacts import domain

    workbook = openpyxl.load_workbook(io.BytesIO(data))
    sheet = workbook.worksheets[0]
    derived = {k.code for k in domain.report_kpis(report) if k.derived}
    values = {}
    for row in range(2, sheet.max_row + 1):
        code = sheet.cell(row=row, column=1).value
        if code in derived:
            continue
        sheet.cell(row=row, column=6, value=1)
        values[code] = "1"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue(), values


def run(n: int, members: int) -> int:
    from clusterpact.pacts import domain, excel

    report, manager = _setup(members)
    kpis = len(domain.report_kpis(report))
    data, values = _filled(report, excel.write_template(report))
    excel.upload_values(report, data=data, filename="bench.xlsx", user=manager)
    derived = domain.derived_values(report, domain.report_kpis(report))
    form_values = {**{k: v for k, v in derived.items()}, **values}

    download = _time(lambda: excel.write_template(report), n)
    upload = _time(
        lambda: excel.upload_values(report, data=data, filename="bench.xlsx", user=manager), n
    )
    form = _time(lambda: domain.save_report_values(report, values=form_values, user=manager), n)
    print(f"report with {kpis} KPIs, cluster of {members} members, n={n}")
    print(f"{'':28} {'median ms':>10} {'p95 ms':>10}")
    for name, (median, p95) in (
        ("download (write_template)", download),
        ("upload (upload_values)", upload),
        ("web form (save_report_values)", form),
    ):
        print(f"{name:28} {median:10.1f} {p95:10.1f}")
    print(f"upload / web form (median): {upload[0] / form[0]:.2f}")
    within = download[1] <= BUDGET_MS and upload[1] <= BUDGET_MS
    print(f"budget p95 ≤ {BUDGET_MS:.0f} ms: {'met' if within else 'NOT met'}")
    return 0 if within else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=30)
    parser.add_argument("--members", type=int, default=2000)
    args = parser.parse_args(argv)
    with contextlib.ExitStack() as stack:
        server = os.environ.get("DATABASE_URL") or stack.enter_context(private_cluster())
        database = stack.enter_context(fresh_database(server, keep=False))
        _setup_django(database)
        return run(args.n, args.members)


if __name__ == "__main__":
    sys.exit(main())
