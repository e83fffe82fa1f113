"""The documents that promise things stay true: the traceability table names real tests."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TRACEABILITY = ROOT / "docs" / "traceability.md"
RECOMMENDATIONS = [
    "**1**",
    "**1.1**",
    "**1.2**",
    "**1.3**",
    "**2**",
    "**3**",
    "**4**",
    "**The four scenarios**",
]


def test_traceability_has_one_row_per_recommendation():
    rows = [
        line
        for line in TRACEABILITY.read_text(encoding="utf-8").splitlines()
        if line.startswith("| **")
    ]
    assert [row.split("—")[0].strip("| ").strip() for row in rows] == RECOMMENDATIONS


def test_every_test_named_in_the_traceability_table_exists():
    named = set(re.findall(r"`(tests/[^`]+)`", TRACEABILITY.read_text(encoding="utf-8")))
    assert named, "the table names no tests"
    missing = sorted(path for path in named if not (ROOT / path).exists())
    assert missing == []


def test_readme_quickstart_has_exactly_two_commands():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = re.search(r"^## Quickstart$(.*?)^## ", text, re.S | re.M).group(1)
    commands = [
        line.strip()
        for block in re.findall(r"```[a-z]*\n(.*?)```", section, re.S)
        for line in block.splitlines()
        if line.strip() and not line.strip().startswith("#")
    ]
    assert commands == ["make run", "make test"]
