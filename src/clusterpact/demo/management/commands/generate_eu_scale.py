"""``clusterpact manage generate_eu_scale``: fill the database with the EU-scale benchmark landscape."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from clusterpact.demo import eu_scale


class Command(BaseCommand):
    help = (
        "Fill the database with a deterministic synthetic EU landscape (1,500 clusters, "
        "150,000 organisations, 300,000 memberships by default) for benchmarks. "
        "Writes no audit trail."
    )

    def add_arguments(self, parser):
        parser.add_argument("--clusters", type=int, default=eu_scale.CLUSTERS)
        parser.add_argument("--organisations", type=int, default=eu_scale.ORGANISATIONS)
        parser.add_argument("--memberships", type=int, default=eu_scale.MEMBERSHIPS)
        parser.add_argument("--seed", type=int, default=eu_scale.SEED)
        parser.add_argument(
            "--reports",
            action="store_true",
            help="Also give every cluster two signed pacts and ten years of accepted reports "
            f"with {eu_scale.KPIS} KPIs (the scorecard benchmark's data set).",
        )

    def handle(self, *args, clusters, organisations, memberships, seed, reports, **options):
        try:
            eu_scale.generate_eu_scale(
                clusters=clusters,
                organisations=organisations,
                memberships=memberships,
                seed=seed,
                stdout=self.stdout,
            )
            if reports:
                eu_scale.generate_eu_reports(stdout=self.stdout)
        except ValueError as error:
            raise CommandError(str(error)) from error
