"""Why an assignment is impossible, in the officer's language."""

import re
from pathlib import Path

import pytest
from django.utils import translation

from clusterpact.analysis import assignment
from clusterpact.analysis.assignment import InfeasibleAssignment, assign_reviewers
from clusterpact.calls.messages import ASSIGNMENT_SENTENCES, assignment_problem


def test_every_reason_the_algorithm_gives_has_a_sentence():
    source = Path(assignment.__file__).read_text(encoding="utf-8")
    assert set(re.findall(r'code="(\w+)"', source)) == set(ASSIGNMENT_SENTENCES)


@pytest.mark.parametrize(
    ("arguments", "sentence"),
    [
        (({"a", "b"}, []), "There are no reviewers in the pool."),
        (
            (["a"], ["r1", "r2"], {"per_proposal": 3}),
            "Proposal a has only 2 reviewers without a conflict of interest; 3 are needed.",
        ),
        (
            (["a", "b", "c"], ["r1", "r2", "r3"], {"per_proposal": 3, "max_load": 2}),
            "3 proposals with 3 reviewers each need 9 reviews, but 3 reviewers with at most 2 "
            "each give 6.",
        ),
    ],
)
def test_the_reason_is_one_sentence_with_its_figures(arguments, sentence):
    proposals, reviewers, *options = arguments
    with pytest.raises(InfeasibleAssignment) as caught:
        assign_reviewers(sorted(proposals), reviewers, **(options[0] if options else {}))
    with translation.override("en"):
        assert assignment_problem(caught.value) == sentence
