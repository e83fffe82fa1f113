"""Benchmark: preview and commit a 10,000-row member file, as .xlsx and as CSV.

Run with ``.venv/bin/python benchmarks/bench_import.py [--rows 10000]``. Uses a
throw-away test database of the configured backend: an SQLite file in a
temporary directory by default, PostgreSQL (``test_<name>``) when
``DATABASE_URL`` is set. Each format imports its own new organisations into its
own cluster, so both runs create every row (with yearly figures: an
organisation, a year and a membership per row, and an audit entry for each).
The requirement is at most 5 s for preview plus commit.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")

import django  # noqa: E402

django.setup()

import openpyxl  # noqa: E402
from django.db import connection  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

HEADER = [
    "name",
    "enterprise_number",
    "country",
    "helix_role",
    "kind",
    "nace_code",
    "nuts_code",
    "municipality",
    "founding_year",
    "member_since",
    "year",
    "headcount",
    "turnover",
    "balance_sheet",
]


def enterprise_number(i: int) -> str:
    first_eight = 1_000_000 + i
    digits = f"{first_eight:08d}{97 - first_eight % 97:02d}"
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


def member_rows(count: int, offset: int, figures: bool) -> list[list[object]]:
    rows = [
        [
            f"Firm {offset + i}",
            enterprise_number(offset + i),
            "BE",
            "company",
            "company",
            "62.10",
            "BE211",
            "Antwerpen",
            2000 + i % 20,
            "2024-01-01",
            2023,
            5 + i % 300,
            100_000 * (1 + i % 400),
            50_000 * (1 + i % 400),
        ]
        for i in range(count)
    ]
    return rows if figures else [row[:10] + [None] * 4 for row in rows]


def as_xlsx(rows) -> bytes:
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet("Members")
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def as_csv(rows) -> bytes:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8-sig")


def run(fmt: str, data: bytes, cluster, user) -> tuple[float, float]:
    from clusterpact.registry import imports

    start = time.perf_counter()
    preview = imports.preview_members(data, filename=f"bench.{fmt}", cluster=cluster)
    previewed = time.perf_counter()
    assert preview.is_clean, preview.problems[:5]
    result = imports.commit_members(preview, cluster=cluster, user=user)
    committed = time.perf_counter()
    assert result.memberships == len(preview.rows)
    return previewed - start, committed - previewed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument(
        "--without-figures",
        action="store_true",
        help="leave the optional yearly figures empty (no OrganisationYear rows, no size classes)",
    )
    args = parser.parse_args()

    setup_test_environment()
    with tempfile.TemporaryDirectory() as directory:
        if connection.vendor == "sqlite":
            # On disk like the product's default, not the in-memory test database.
            connection.settings_dict["TEST"]["NAME"] = str(Path(directory) / "bench.sqlite3")
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
        try:
            from clusterpact.accounts.models import Role, User
            from clusterpact.registry.models import Cluster, ClusterKind

            user = User.objects.create(username="bench", role=Role.OFFICER)
            figures = "without" if args.without_figures else "with"
            print(
                f"database: {connection.vendor}; rows per file: {args.rows:,}, {figures} yearly figures"
            )
            for index, (fmt, writer) in enumerate((("xlsx", as_xlsx), ("csv", as_csv))):
                cluster = Cluster.objects.create(
                    name=f"Bench {fmt}", slug=f"bench-{fmt}", kind=ClusterKind.SPEARHEAD
                )
                data = writer(
                    member_rows(
                        args.rows, offset=index * args.rows, figures=not args.without_figures
                    )
                )
                preview_s, commit_s = run(fmt, data, cluster, user)
                total = preview_s + commit_s
                print(
                    f"{fmt:>4}: {len(data) / 2**20:5.1f} MB  preview {preview_s:5.2f} s  "
                    f"commit {commit_s:5.2f} s  total {total:5.2f} s  "
                    f"({'within' if total <= 5 else 'OVER'} the 5 s budget)"
                )
        finally:
            connection.creation.destroy_test_db(
                connection.settings_dict["NAME"], verbosity=0, keepdb=False
            )


if __name__ == "__main__":
    main()
