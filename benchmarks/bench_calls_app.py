"""Benchmark of the calls app through the ORM: 500 proposals, 150 reviewers, 1,500 cluster domains.

Run with ``DATABASE_URL=postgres://… .venv/bin/python benchmarks/bench_calls_app.py``
(a fresh database: it migrates and fills it). ``benchmarks/bench_calls.py`` times the pure
algorithms; this one times what an officer waits for on the pages, queries and audit trail
included: the automatic assignment (1,500 assignments saved), the fragmentation check of the
whole call against every cluster domain and the other proposals, and ranking with selection
from the stored consensus. Texts come from ``benchmarks/bench_calls.py``'s generator.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--proposals", type=int, default=500)
    parser.add_argument("--reviewers", type=int, default=150)
    parser.add_argument("--domains", type=int, default=1500)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    sys.path.insert(0, str(ROOT))
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)

    from bench_calls import make_call

    from clusterpact.accounts.models import Role, User
    from clusterpact.calls import domain, fragmentation
    from clusterpact.calls.models import (
        ConsensusScore,
        Proposal,
        ProposalBudgetLine,
        ProposalStatus,
    )
    from clusterpact.registry.models import Cluster, ClusterKind

    rng = random.Random(1)
    domains, proposals, _intended = make_call(rng, args.proposals, args.domains)
    Cluster.objects.bulk_create(
        Cluster(
            name=f"Bench {key}",
            slug=f"bench-{key}",
            kind=ClusterKind.SPEARHEAD,
            domain_description=text,
        )
        for key, text in domains.items()
    )
    officer = User.objects.create(username="bench-officer", role=Role.OFFICER)
    applicant = User.objects.create(username="bench-applicant", role=Role.APPLICANT)
    User.objects.bulk_create(
        User(username=f"bench-reviewer-{n}", role=Role.REVIEWER) for n in range(args.reviewers)
    )
    closes = dt.datetime(2025, 4, 30, 15, tzinfo=dt.UTC)
    call = domain.create_call(
        title="Benchmark call",
        call_type="new_theme",
        opens_at=closes - dt.timedelta(days=90),
        closes_at=closes,
        budget=Decimal(50_000_000),
        max_duration_months=36,
    )
    rows = Proposal.objects.bulk_create(
        Proposal(
            call=call,
            applicant=applicant,
            title=key,
            theme_description=text,
            duration_months=36,
            status=ProposalStatus.SUBMITTED,
            receipt_number=f"B-{n:04d}",
            submitted_at=closes - dt.timedelta(minutes=args.proposals - n),
        )
        for n, (key, text) in enumerate(proposals.items())
    )
    ProposalBudgetLine.objects.bulk_create(
        ProposalBudgetLine(
            proposal=p,
            year=2026,
            category="personnel",
            amount=Decimal(rng.randrange(100, 900) * 1000),
        )
        for p in rows
    )
    criteria = list(call.criteria.all())
    ConsensusScore.objects.bulk_create(
        ConsensusScore(
            proposal=p,
            criterion=c,
            score=Decimal(rng.randrange(4, 11)) / 2,
            justification="bench",
            recorded_by=officer,
        )
        for p in rows
        for c in criteria
    )

    timings = {}
    start = time.perf_counter()
    domain.run_assignment(call=call)
    timings["assignment (saved, audited)"] = time.perf_counter() - start
    start = time.perf_counter()
    overlap = fragmentation.call_overlap(call)
    timings["fragmentation check of the call"] = time.perf_counter() - start
    start = time.perf_counter()
    result = domain.ranking(call)
    timings["ranking and selection"] = time.perf_counter() - start
    assert len(overlap) == args.proposals and len(result.rows) == args.proposals
    for label, seconds in timings.items():
        print(f"{label:<36} {seconds:7.2f} s")
    print(f"{'total':<36} {sum(timings.values()):7.2f} s (issue: at most 10 s)")


if __name__ == "__main__":
    main()
