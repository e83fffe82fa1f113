"""Weighted-sum ranking, Monte Carlo sensitivity and exact weight flips on known cases."""

from __future__ import annotations

import numpy as np
import pytest

from clusterpact.analysis.mcda import InputError, rank, sensitivity, weight_flips

SCENARIOS = ["project funding only", "merger", "economic mission", "system transformation"]


def test_ranking_with_ties_sharing_the_best_rank():
    scores = np.array([[3.0, 2.0], [2.0, 3.0], [4.0, 4.0], [1.0, 1.0]])
    result = rank(scores, np.array([1.0, 1.0]), SCENARIOS)
    assert result.totals == pytest.approx((2.5, 2.5, 4.0, 1.0))
    assert result.ranks == (2, 2, 1, 4)
    assert result.weights == (0.5, 0.5)


def test_ties_survive_floating_point_weights():
    # 0.1·3 + 0.2·3 + 0.7·3 and 3 differ in the last bit; they are a tie.
    scores = np.array([[3.0, 3.0, 3.0], [3.0, 3.0, 3.0], [1.0, 1.0, 1.0]])
    assert rank(scores, np.array([0.1, 0.2, 0.7]), ["a", "b", "c"]).ranks == (1, 1, 3)


def test_pareto_dominated_alternatives_are_named():
    scores = np.array([[3.0, 2.0], [2.0, 3.0], [4.0, 4.0], [1.0, 5.0], [4.0, 4.0]])
    result = rank(scores, np.array([2.0, 1.0]), ["a", "b", "c", "d", "e"])
    # c and e equal each other (no domination between them) and dominate a and b; d is best on criterion 2.
    assert result.dominated == ("a", "b")


def test_a_zero_weight_criterion_does_not_count_for_dominance():
    scores = np.array([[3.0, 1.0], [2.0, 5.0]])
    assert rank(scores, np.array([1.0, 0.0]), ["a", "b"]).dominated == ("b",)
    assert rank(scores, np.array([1.0, 1.0]), ["a", "b"]).dominated == ()


def test_weights_are_normalised_and_negative_weights_refused():
    scores = np.array([[1.0, 5.0], [5.0, 1.0]])
    assert rank(scores, np.array([3.0, 1.0]), ["a", "b"]).totals == pytest.approx((2.0, 4.0))
    with pytest.raises(InputError, match="weight 2 is negative"):
        rank(scores, np.array([1.0, -0.5]), ["a", "b"])
    with pytest.raises(InputError, match="at least one weight must be positive"):
        rank(scores, np.array([0.0, 0.0]), ["a", "b"])
    with pytest.raises(InputError, match="2 criteria in the scores but 3 weights"):
        rank(scores, np.array([1.0, 1.0, 1.0]), ["a", "b"])
    with pytest.raises(InputError, match="the score of 'b' on criterion 1 is not a number"):
        rank(np.array([[1.0, 5.0], [np.nan, 1.0]]), np.array([1.0, 1.0]), ["a", "b"])


def test_a_dominant_alternative_wins_every_draw():
    # Beyond the largest perturbation: 4.5 − 0.5 > 2.5 + 0.5 on every criterion.
    scores = np.array([[4.5, 4.5, 4.5], [2.5, 2.0, 1.0], [1.0, 2.5, 2.0]])
    result = sensitivity(scores, np.array([0.5, 0.3, 0.2]), ["a", "b", "c"], draws=2000)
    assert result.first_place_share == {"a": 1.0, "b": 0.0, "c": 0.0}
    assert result.rank_shares["a"] == (1.0, 0.0, 0.0)
    assert sum(result.rank_shares["b"]) == pytest.approx(1.0)
    assert result.draws == 2000


def test_first_place_share_under_weight_perturbation_matches_its_probability():
    # A = (4, 1), B = (2, 4), weights ½ each perturbed by factors x, y ~ U[0.1, 1.9].
    # A leads when its weight share x / (x + y) exceeds 0.6, i.e. x > 1.5 y:
    # P = ∫_{0.1}^{1.9/1.5} (1.9 − 1.5 y) dy / 1.8² = 1.0208333 / 3.24 = 0.315072.
    probability = (1.9 * (1.9 / 1.5 - 0.1) - 0.75 * ((1.9 / 1.5) ** 2 - 0.01)) / 1.8**2
    assert probability == pytest.approx(0.315072, abs=1e-6)
    result = sensitivity(
        np.array([[4.0, 1.0], [2.0, 4.0]]),
        np.array([1.0, 1.0]),
        ["A", "B"],
        draws=100_000,
        weight_spread=0.9,
        score_spread=0.0,
    )
    standard_error = (probability * (1 - probability) / 100_000) ** 0.5
    assert abs(result.first_place_share["A"] - probability) < 4 * standard_error
    assert result.first_place_share["A"] + result.first_place_share["B"] == pytest.approx(1.0)


def test_exact_ties_split_first_place():
    scores = np.array([[3.0, 3.0], [3.0, 3.0], [1.0, 1.0]])
    result = sensitivity(scores, np.array([1.0, 1.0]), ["a", "b", "c"], score_spread=0.0)
    assert result.first_place_share == {"a": 0.5, "b": 0.5, "c": 0.0}
    assert result.rank_shares["a"] == (0.5, 0.5, 0.0)
    assert result.rank_shares["c"] == (0.0, 0.0, 1.0)


def test_sensitivity_is_reproducible_with_its_seed_and_checks_bounds():
    scores = np.array([[3.0, 2.0], [2.5, 3.0]])
    first = sensitivity(scores, np.array([1.0, 1.0]), ["a", "b"], seed=5)
    assert first == sensitivity(scores, np.array([1.0, 1.0]), ["a", "b"], seed=5)
    assert first != sensitivity(scores, np.array([1.0, 1.0]), ["a", "b"], seed=6)
    with pytest.raises(InputError, match="within the score bounds 0 to 5"):
        sensitivity(np.array([[6.0, 2.0], [2.5, 3.0]]), np.array([1.0, 1.0]), ["a", "b"])
    with pytest.raises(InputError, match="weight_spread"):
        sensitivity(scores, np.array([1.0, 1.0]), ["a", "b"], weight_spread=1.0)


def test_the_leader_flips_at_a_weight_of_exactly_0_6():
    # Totals with weight t on c1: A = 4t + (1 − t) = 1 + 3t, B = 2t + 4(1 − t) = 4 − 2t;
    # equal at t = 0.6. At t = 0.5, B leads (3.0 against 2.5).
    scores = np.array([[4.0, 1.0], [2.0, 4.0]])
    flips = weight_flips(scores, np.array([0.5, 0.5]), ["A", "B"], ["c1", "c2"])
    assert [(f.criterion, f.new_leader) for f in flips] == [("c1", "A"), ("c2", "A")]
    assert flips[0].weight == pytest.approx(0.6, abs=1e-12)
    assert flips[1].weight == pytest.approx(0.4, abs=1e-12)
    assert (flips[0].current_weight, flips[0].current_leader) == (0.5, "B")
    ranking = rank(scores, np.array([0.6 + 1e-9, 0.4 - 1e-9]), ["A", "B"])
    assert ranking.ranks == (1, 2)


def test_no_flip_when_the_leader_wins_at_every_weight():
    scores = np.array([[5.0, 5.0], [1.0, 4.0], [4.0, 1.0]])
    assert weight_flips(scores, np.array([0.5, 0.5]), ["a", "b", "c"], ["x", "y"]) == []


def test_the_nearest_flip_among_several_alternatives_and_with_a_third_criterion():
    # Three criteria, c3's weight fixed in proportion; moving c1 from 0.2 upwards.
    scores = np.array([[1.0, 4.0, 3.0], [3.0, 2.0, 3.0], [5.0, 0.0, 3.0]])
    weights = np.array([0.2, 0.6, 0.2])
    flips = {
        f.criterion: f for f in weight_flips(scores, weights, ["a", "b", "c"], ["c1", "c2", "c3"])
    }
    # Others rescaled: c2 = 0.75 (1 − t), c3 = 0.25 (1 − t).
    # a = t + 3.75 (1 − t) = 3.75 − 2.75 t; b = 3t + 2.25 (1 − t) = 2.25 + 0.75 t;
    # c = 5t + 0.75 (1 − t) = 0.75 + 4.25 t. a meets b at t = 1.5 / 3.5 = 3/7 ≈ 0.4286,
    # a meets c at t = 3 / 7 too: all three tie there; c rises fastest and leads after.
    assert flips["c1"].current_leader == "a"
    assert flips["c1"].weight == pytest.approx(3 / 7, abs=1e-12)
    assert flips["c1"].new_leader == "c"
    # Reducing c2 from 0.6: others c1 = 0.5 (1 − t), c3 = 0.5 (1 − t):
    # a = 4t + 2 (1 − t) = 2 + 2t, b = 2t + 3 (1 − t) = 3 − t, c = 0t + 4 (1 − t) = 4 − 4t.
    # a meets c at t = 1/3, b at t = 1/3 as well; c falls fastest, so c leads below.
    assert flips["c2"].weight == pytest.approx(1 / 3, abs=1e-12)
    assert flips["c2"].new_leader == "c"


def test_a_tie_for_first_place_flips_at_the_current_weight():
    # A = (3, 1) and B = (1, 3) tie at equal weights; A is the leader by order.
    flips = weight_flips(
        np.array([[3.0, 1.0], [1.0, 3.0]]), np.array([1.0, 1.0]), ["A", "B"], ["x", "y"]
    )
    assert [(f.criterion, f.weight, f.new_leader) for f in flips] == [
        ("x", 0.5, "B"),
        ("y", 0.5, "B"),
    ]


@pytest.mark.parametrize("seed", range(40))
def test_flips_agree_with_a_fine_grid_of_weights(seed):
    rng = np.random.default_rng(seed)
    m, k = int(rng.integers(2, 6)), int(rng.integers(2, 6))
    scores = rng.uniform(0, 5, size=(m, k))
    weights = rng.uniform(0.1, 1.0, size=k)
    weights /= weights.sum()
    names, criteria = [f"a{i}" for i in range(m)], [f"c{j}" for j in range(k)]
    flips = {f.criterion: f for f in weight_flips(scores, weights, names, criteria)}
    leader = int(np.argmax(scores @ weights))
    grid = np.linspace(0, 1, 20_001)
    for j in range(k):
        rescaled = np.where(np.arange(k) == j, 0.0, weights) / (1 - weights[j])
        grid_weights = np.outer(1 - grid, rescaled)
        grid_weights[:, j] = grid
        leaders = np.argmax(grid_weights @ scores.T, axis=1)
        changed = np.flatnonzero(leaders != leader)
        if changed.size == 0:
            assert criteria[j] not in flips
            continue
        nearest = changed[np.argmin(np.abs(grid[changed] - weights[j]))]
        flip = flips[criteria[j]]
        assert flip.weight == pytest.approx(grid[nearest], abs=1e-4)
        assert flip.new_leader == names[leaders[nearest]]


@pytest.mark.parametrize("seed", range(10))
def test_rank_shares_form_a_doubly_stochastic_table_and_dominated_never_lead(seed):
    rng = np.random.default_rng(100 + seed)
    m, k = int(rng.integers(2, 7)), int(rng.integers(1, 6))
    scores = np.round(rng.uniform(0, 5, size=(m, k)) * 2) / 2  # half points: ties happen
    weights = rng.uniform(0.1, 1.0, size=k)
    names = [f"a{i}" for i in range(m)]
    result = sensitivity(scores, weights, names, draws=500, score_spread=0.0, seed=seed)
    table = np.array([result.rank_shares[n] for n in names])
    assert table.sum(axis=1) == pytest.approx(np.ones(m))
    assert table.sum(axis=0) == pytest.approx(np.ones(m))
    for name in rank(scores, weights, names).dominated:
        assert result.first_place_share[name] == 0.0


def test_slicing_the_draws_does_not_change_the_result(monkeypatch):
    from clusterpact.analysis import mcda

    scores = np.round(np.random.default_rng(9).uniform(0, 5, size=(6, 4)) * 2) / 2
    whole = sensitivity(scores, np.ones(4), [f"a{i}" for i in range(6)], draws=3000)
    monkeypatch.setattr(mcda, "_COMPARISON_ELEMENTS", 7 * 36)  # slices of 7 draws
    sliced = sensitivity(scores, np.ones(4), [f"a{i}" for i in range(6)], draws=3000)
    for name, shares in whole.rank_shares.items():
        assert sliced.rank_shares[name] == pytest.approx(shares, abs=1e-12)
