from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from clusterpact.rules import calls
from clusterpact.rules.calls import (
    Candidate,
    Criterion,
    EligibilityRules,
    Partner,
    Ranked,
    check_eligibility,
    check_score,
    rank,
    select_within_budget,
)

SME = Partner("sme", "company", is_company=True, is_sme=True, clusters=frozenset({"energy"}))
LARGE = Partner("large", "company", is_company=True, is_sme=False, clusters=frozenset({"food"}))
UNI = Partner("uni", "knowledge", is_company=False, is_sme=False)
CITY = Partner("city", "government", is_company=False, is_sme=False)

CRITERIA = (Criterion("excellence"), Criterion("impact"), Criterion("implementation"))


def codes(failures):
    return [f.code for f in failures]


def eligible(partners, rules, duration=24, budget=D(100_000)):
    return check_eligibility(partners, duration_months=duration, budget=budget, rules=rules)


# Eligibility: each rule failing with its code and numbers, and passing at its boundary.


def test_eligibility_no_rules_passes():
    assert eligible([SME], EligibilityRules()) == []


def test_min_companies_fails_with_counts_and_passes_at_the_minimum():
    (failure,) = eligible([SME, UNI], EligibilityRules(min_companies=2))
    assert failure.code == calls.MIN_COMPANIES
    assert failure.params == {"minimum": 2, "actual": 1}
    assert "1 companies" in failure.message and "at least 2" in failure.message
    assert eligible([SME, LARGE, UNI], EligibilityRules(min_companies=2)) == []


def test_a_partner_listed_twice_counts_once():
    (failure,) = eligible([SME, SME], EligibilityRules(min_companies=2))
    assert failure.params["actual"] == 1


def test_min_sme_share_among_companies():
    rules = EligibilityRules(min_sme_share=D("0.5"))
    # 1 SME of 2 companies = 50 %: exactly the minimum passes; the university does not count.
    assert eligible([SME, LARGE, UNI], rules) == []
    third = Partner("large2", "company", is_company=True, is_sme=False)
    (failure,) = eligible([SME, LARGE, third, UNI], rules)
    assert failure.code == calls.MIN_SME_SHARE
    assert failure.params["smes"] == 1 and failure.params["of"] == 3
    assert failure.params["actual"] == D(1) / D(3)
    assert "33%" in failure.message and "50%" in failure.message


def test_min_sme_share_among_all_partners():
    rules = EligibilityRules(min_sme_share=D("0.5"), sme_share_basis="partners")
    (failure,) = eligible([SME, LARGE, UNI], rules)
    assert failure.params["smes"] == 1 and failure.params["of"] == 3
    assert eligible([SME, UNI], rules) == []


def test_min_sme_share_without_companies_fails():
    (failure,) = eligible([UNI], EligibilityRules(min_sme_share=D("0.1")))
    assert failure.code == calls.MIN_SME_SHARE
    assert failure.params["actual"] == 0


def test_each_missing_required_helix_role_is_a_failure():
    rules = EligibilityRules(required_helix_roles=frozenset({"knowledge", "government", "company"}))
    failures = eligible([SME], rules)
    assert codes(failures) == [calls.MISSING_HELIX_ROLE, calls.MISSING_HELIX_ROLE]
    assert [f.params["role"] for f in failures] == ["government", "knowledge"]
    assert eligible([SME, UNI, CITY], rules) == []


def test_min_helix_roles_counts_distinct_roles():
    rules = EligibilityRules(min_helix_roles=3)
    (failure,) = eligible([SME, LARGE, UNI], rules)
    assert failure.code == calls.MIN_HELIX_ROLES
    assert failure.params == {"minimum": 3, "actual": 2}
    assert eligible([SME, UNI, CITY], rules) == []


def test_min_clusters_counts_the_union_of_partner_clusters():
    rules = EligibilityRules(min_clusters=2)
    (failure,) = eligible([SME, UNI], rules)
    assert failure.code == calls.MIN_CLUSTERS
    assert failure.params == {"minimum": 2, "actual": 1}
    assert eligible([SME, LARGE], rules) == []


def test_max_duration_is_inclusive():
    rules = EligibilityRules(max_duration_months=36)
    assert eligible([SME], rules, duration=36) == []
    (failure,) = eligible([SME], rules, duration=37)
    assert failure.code == calls.MAX_DURATION
    assert failure.params == {"maximum": 36, "actual": 37}


def test_max_budget_is_inclusive():
    rules = EligibilityRules(max_budget=D(500_000))
    assert eligible([SME], rules, budget=D(500_000)) == []
    (failure,) = eligible([SME], rules, budget=D("500000.01"))
    assert failure.code == calls.MAX_BUDGET
    assert failure.params == {"maximum": D(500_000), "actual": D("500000.01")}


def test_empty_consortium_zero_duration_and_budget_fail():
    failures = eligible([], EligibilityRules(max_duration_months=36), duration=0, budget=D(0))
    assert codes(failures) == [calls.NO_PARTNERS, calls.INVALID_DURATION, calls.INVALID_BUDGET]


def test_all_failures_reported_together_in_rule_order():
    rules = EligibilityRules(
        min_companies=3,
        min_sme_share=D("0.9"),
        required_helix_roles=frozenset({"knowledge"}),
        min_helix_roles=2,
        min_clusters=2,
        max_duration_months=12,
        max_budget=D(1000),
    )
    failures = eligible([LARGE], rules, duration=13, budget=D(1001))
    assert codes(failures) == [
        calls.MIN_COMPANIES,
        calls.MIN_SME_SHARE,
        calls.MISSING_HELIX_ROLE,
        calls.MIN_HELIX_ROLES,
        calls.MIN_CLUSTERS,
        calls.MAX_DURATION,
        calls.MAX_BUDGET,
    ]


# Scores.


@pytest.mark.parametrize("value", ["0", "0.5", "2.5", "3", "5"])
def test_check_score_accepts_half_points_in_range(value):
    assert check_score(D(value), Criterion("excellence")) is None


def test_check_score_rejects_out_of_range_and_off_step():
    assert check_score(D("5.5"), Criterion("excellence")).code == calls.SCORE_OUT_OF_RANGE
    assert check_score(D("-0.5"), Criterion("excellence")).code == calls.SCORE_OUT_OF_RANGE
    failure = check_score(D("2.75"), Criterion("excellence"))
    assert failure.code == calls.SCORE_OFF_STEP
    assert failure.params == {"criterion": "excellence", "score": D("2.75"), "step": D("0.5")}
    # A call on a 0-10 scale in whole points.
    assert check_score(D(10), Criterion("x", maximum=D(10), step=D(1))) is None
    assert (
        check_score(D("9.5"), Criterion("x", maximum=D(10), step=D(1))).code == calls.SCORE_OFF_STEP
    )


def scores(a, b, c):
    return {"excellence": D(a), "impact": D(b), "implementation": D(c)}


def by_key(ranking):
    return {r.key: r for r in ranking}


def test_thresholds_at_the_boundaries():
    ranking = by_key(
        rank(
            [
                Candidate("exact", scores("3", "3.5", "3.5"), D(1)),  # 3 per criterion, 10 overall
                Candidate("half_below", scores("2.5", "5", "5"), D(1)),  # 12.5 overall, one at 2.5
                Candidate("overall_below", scores("3", "3", "3.5"), D(1)),  # 9.5 overall
            ],
            CRITERIA,
        )
    )
    assert ranking["exact"].passes and ranking["exact"].total == D(10)
    assert ranking["exact"].rank == 1
    (failure,) = ranking["half_below"].failed
    assert failure.code == calls.BELOW_THRESHOLD
    assert failure.params == {"criterion": "excellence", "score": D("2.5"), "threshold": D(3)}
    assert ranking["half_below"].rank is None and not ranking["half_below"].passes
    (failure,) = ranking["overall_below"].failed
    assert failure.code == calls.BELOW_OVERALL_THRESHOLD
    assert failure.params == {"total": D("9.5"), "threshold": D(10)}


def test_missing_and_invalid_scores_fail_without_an_overall_verdict():
    ranking = by_key(
        rank(
            [
                Candidate("missing", {"excellence": D(5), "impact": D(5)}, D(1)),
                Candidate("off_step", scores("4.2", "5", "5"), D(1)),
            ],
            CRITERIA,
        )
    )
    assert codes(ranking["missing"].failed) == [calls.MISSING_SCORE]
    assert codes(ranking["off_step"].failed) == [calls.SCORE_OFF_STEP]


def test_weights_change_the_order_but_never_pass_or_fail():
    candidates = [
        Candidate("a", scores("5", "3", "3"), D(1)),  # total 11
        Candidate("b", scores("3", "4.5", "4.5"), D(1)),  # total 12
        Candidate("c", scores("2.5", "5", "5"), D(1)),  # fails excellence
    ]
    plain = rank(candidates, CRITERIA)
    assert [r.key for r in plain] == ["b", "a", "c"]
    weighted_criteria = (
        Criterion("excellence", weight=D(3)),
        Criterion("impact"),
        Criterion("implementation"),
    )
    weighted = rank(candidates, weighted_criteria)
    # a: 15 + 3 + 3 = 21; b: 9 + 4.5 + 4.5 = 18; c still fails despite 7.5 + 10 = 17.5.
    assert [r.key for r in weighted] == ["a", "b", "c"]
    assert by_key(weighted)["a"].weighted == D(21) and by_key(weighted)["a"].total == D(11)
    assert [r.passes for r in plain] == [True, True, False]
    assert {r.key: r.passes for r in plain} == {r.key: r.passes for r in weighted}


def test_tie_broken_by_new_call_part_first():
    ranking = rank(
        [
            Candidate("first", scores("5", "4", "4"), D(1)),
            Candidate("second", scores("4", "4", "5"), D(1), covers_new_part=True),
        ],
        CRITERIA,
    )
    # Same total 13; 'second' covers a new part, which outranks 'first' having a better excellence.
    assert [(r.key, r.rank, r.tie_break) for r in ranking] == [
        ("second", 1, None),
        ("first", 2, calls.TIE_NEW_PART),
    ]


def test_tie_broken_by_first_then_second_criterion():
    ranking = rank(
        [
            Candidate("low_exc", scores("4", "5", "4"), D(1)),
            Candidate("high_exc", scores("5", "4", "4"), D(1)),
            Candidate("high_exc_low_imp", scores("5", "3.5", "4.5"), D(1)),
        ],
        CRITERIA,
    )
    assert [(r.key, r.tie_break) for r in ranking] == [
        ("high_exc", None),
        ("high_exc_low_imp", "criterion:impact"),
        ("low_exc", "criterion:excellence"),
    ]


def test_tie_broken_by_third_criterion_and_then_submission_order():
    criteria = CRITERIA + (Criterion("ethics"),)
    same = {"excellence": D(4), "impact": D(4), "implementation": D(4)}
    ranking = rank(
        [
            Candidate("late", {**same, "ethics": D(3)}, D(1)),
            Candidate("early_twin", {**same, "ethics": D(4)}, D(1)),
            Candidate("later_twin", {**same, "ethics": D(4)}, D(1)),
        ],
        criteria,
        overall_threshold=D(10),
    )
    # early_twin and later_twin are identical: submission order decides; 'late' sums to
    # 15 against 16, so the score alone puts it last.
    assert [(r.key, r.tie_break) for r in ranking] == [
        ("early_twin", None),
        ("later_twin", calls.TIE_SUBMISSION_ORDER),
        ("late", None),
    ]


def test_tie_on_third_criterion_with_equal_weighted_sum():
    # Weights make the weighted sums equal while the third criterion differs.
    criteria = (
        Criterion("excellence"),
        Criterion("impact"),
        Criterion("implementation", weight=D(2)),
    )
    ranking = rank(
        [
            Candidate("x", scores("4", "4", "4"), D(1)),  # 4 + 4 + 8 = 16
            Candidate("y", scores("4", "4", "4"), D(1)),
            Candidate("z", scores("4", "5", "3.5"), D(1)),  # 4 + 5 + 7 = 16, impact 5 wins
        ],
        criteria,
    )
    assert [(r.key, r.tie_break) for r in ranking] == [
        ("z", None),
        ("x", "criterion:impact"),
        ("y", calls.TIE_SUBMISSION_ORDER),
    ]


def test_new_part_worked_out_from_the_parts_ranked_above():
    s = scores("4", "4", "4")
    ranking = rank(
        [
            Candidate("a", scores("5", "4", "4"), D(1), parts=frozenset({"storage"})),
            Candidate("b", s, D(1), parts=frozenset({"storage"})),
            Candidate("c", s, D(1), parts=frozenset({"grids"})),
            Candidate("d", s, D(1), parts=frozenset({"grids"})),
        ],
        CRITERIA,
    )
    # a ranks first on score. Among the tied b, c, d: c covers 'grids', not yet
    # covered; then b and d both cover nothing new, submission order decides.
    assert [(r.key, r.tie_break) for r in ranking] == [
        ("a", None),
        ("c", None),
        ("b", calls.TIE_NEW_PART),
        ("d", calls.TIE_SUBMISSION_ORDER),
    ]


def test_failing_candidates_follow_unranked_by_weighted_score():
    ranking = rank(
        [
            Candidate("f1", scores("2", "2", "2"), D(1)),
            Candidate("ok", scores("4", "4", "4"), D(1)),
            Candidate("f2", scores("2.5", "5", "5"), D(1)),
        ],
        CRITERIA,
    )
    assert [(r.key, r.rank) for r in ranking] == [("ok", 1), ("f2", None), ("f1", None)]
    # Three criteria below 3 and the total 6 below 10: every reason is kept for the letter.
    assert codes(ranking[2].failed) == [calls.BELOW_THRESHOLD] * 3 + [calls.BELOW_OVERALL_THRESHOLD]


def test_duplicate_keys_rejected():
    with pytest.raises(ValueError, match="unique"):
        rank([Candidate("a", scores(4, 4, 4), D(1))] * 2, CRITERIA)


# Funding line.


def ranked_list(*keys_and_passes):
    out = []
    position = 0
    for key, passes, weighted in keys_and_passes:
        position += passes
        out.append(
            Ranked(key, D(weighted), D(weighted), passes, (), position if passes else None, None)
        )
    return out


def test_selection_stops_at_the_first_proposal_that_does_not_fit():
    ranked = ranked_list(
        ("a", True, 14), ("b", True, 13), ("c", True, 12), ("d", True, 11), ("x", False, 9)
    )
    requested = {"a": D(400), "b": D(500), "c": D(200), "d": D(100), "x": D(10)}
    selection = select_within_budget(ranked, requested, D(1000), reserve_size=2)
    # a + b = 900; c (200) would make 1100 > 1000. d (100) would fit but may not skip c.
    assert selection.selected == ("a", "b")
    assert selection.reserve == ("c", "d")
    assert selection.rejected == ("x",)
    assert selection.committed == D(900) and selection.remaining == D(100)
    assert selection.funding_line == D(13)


def test_selection_reserve_size_limits_the_reserve():
    ranked = ranked_list(("a", True, 14), ("b", True, 13), ("c", True, 12), ("d", True, 11))
    requested = {"a": D(600), "b": D(500), "c": D(200), "d": D(100)}
    selection = select_within_budget(ranked, requested, D(1000), reserve_size=1)
    assert selection.selected == ("a",)
    assert selection.reserve == ("b",)
    assert selection.rejected == ("c", "d")


def test_selection_skip_over_when_the_call_allows():
    ranked = ranked_list(("a", True, 14), ("b", True, 13), ("c", True, 12), ("d", True, 11))
    requested = {"a": D(400), "b": D(500), "c": D(200), "d": D(100)}
    selection = select_within_budget(ranked, requested, D(1000), skip_over=True)
    assert selection.selected == ("a", "b", "d")
    assert selection.reserve == ("c",)
    assert selection.committed == D(1000) and selection.remaining == D(0)
    assert selection.funding_line == D(11)


def test_selection_exact_budget_and_nothing_fits():
    ranked = ranked_list(("a", True, 14), ("b", True, 13))
    exact = select_within_budget(ranked, {"a": D(600), "b": D(400)}, D(1000))
    assert exact.selected == ("a", "b") and exact.remaining == D(0)
    none = select_within_budget(ranked, {"a": D(2000), "b": D(400)}, D(1000))
    assert none.selected == () and none.reserve == ("a", "b") and none.funding_line is None


def test_rank_then_select_end_to_end():
    candidates = [
        Candidate("p1", scores("4", "4", "4"), D(300)),
        Candidate("p2", scores("5", "5", "4.5"), D(500)),
        Candidate("p3", scores("3", "3", "3"), D(100)),  # 9 overall: fails
        Candidate("p4", scores("4.5", "4", "4"), D(300)),
    ]
    ranking = rank(candidates, CRITERIA)
    requested = {c.key: c.requested for c in candidates}
    selection = select_within_budget(ranking, requested, D(900))
    assert [r.key for r in ranking] == ["p2", "p4", "p1", "p3"]
    assert selection.selected == ("p2", "p4") and selection.reserve == ("p1",)
    assert selection.rejected == ("p3",)


half_points = st.integers(min_value=0, max_value=10).map(lambda n: D(n) / 2)


@given(st.lists(st.tuples(half_points, half_points, half_points), min_size=1, max_size=12))
def test_ranking_is_total_and_thresholds_ignore_weights(rows):
    candidates = [Candidate(f"p{i}", scores(*row), D(1)) for i, row in enumerate(rows)]
    plain = rank(candidates, CRITERIA)
    heavy = rank(candidates, (Criterion("excellence", weight=D(4)),) + CRITERIA[1:])
    assert {r.key: r.passes for r in plain} == {r.key: r.passes for r in heavy}
    for r, row in zip(sorted(plain, key=lambda r: int(r.key[1:])), rows, strict=True):
        assert r.passes == (min(row) >= 3 and sum(row) >= 10)
    passing = [r for r in plain if r.passes]
    assert [r.rank for r in passing] == list(range(1, len(passing) + 1))
    assert all(a.weighted >= b.weighted for a, b in zip(passing, passing[1:], strict=False))


def test_selection_needs_every_requested_amount():
    ranked = ranked_list(("a", True, 14), ("b", True, 13))
    with pytest.raises(ValueError, match="no requested amount for b"):
        select_within_budget(ranked, {"a": D(1)}, D(10))


ROLES = ["company", "knowledge", "government", "civil_society"]
partner_strategy = st.builds(
    lambda key, role, sme, clusters: Partner(
        f"o{key}",
        role,
        is_company=role == "company",
        is_sme=role == "company" and sme,
        clusters=frozenset(clusters),
    ),
    st.integers(0, 9),
    st.sampled_from(ROLES),
    st.booleans(),
    st.sets(st.sampled_from(["a", "b", "c"]), max_size=2),
)


@given(
    st.lists(partner_strategy, max_size=8),
    st.integers(0, 4),
    st.sampled_from([D("0.25"), D("0.5"), D("1")]),
    st.integers(1, 4),
    st.integers(1, 3),
)
def test_property_each_rule_fails_exactly_when_its_condition_does(
    partners, min_companies, min_share, min_roles, min_clusters
):
    rules = EligibilityRules(
        min_companies=min_companies,
        min_sme_share=min_share,
        min_helix_roles=min_roles,
        min_clusters=min_clusters,
    )
    found = {f.code for f in eligible(partners, rules)}
    unique = list({p.key: p for p in reversed(partners)}.values())
    companies = [p for p in unique if p.is_company]
    smes = [p for p in companies if p.is_sme]
    assert (calls.MIN_COMPANIES in found) == (len(companies) < min_companies)
    share_ok = bool(companies) and D(len(smes)) / D(len(companies)) >= min_share
    assert (calls.MIN_SME_SHARE in found) == (not share_ok)
    assert (calls.MIN_HELIX_ROLES in found) == (len({p.helix_role for p in unique}) < min_roles)
    clusters = set().union(*(p.clusters for p in unique)) if unique else set()
    assert (calls.MIN_CLUSTERS in found) == (len(clusters) < min_clusters)
    assert (calls.NO_PARTNERS in found) == (not unique)
