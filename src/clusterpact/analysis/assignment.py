"""Balanced assignment of reviewers to proposals.

Every proposal gets ``per_proposal`` different reviewers, none of them conflicted
with it, no reviewer more than ``max_load`` proposals, and the loads as even as the
conflicts allow. As a flow problem (source -> proposal with capacity
``per_proposal``, proposal -> unconflicted reviewer with capacity 1, reviewer ->
sink) the even loads are a minimum-cost flow with the convex cost ``load**2`` on
the reviewer arcs: the minimiser of a separable convex cost over the loads a flow
can realise is the lexicographically optimal load vector (Fujishige 1980,
"Lexicographically optimal base of a polymatroid with respect to a weight vector",
Mathematics of Operations Research 5(2)); it has the smallest maximum and, given
that, the largest minimum load, so max - min <= 1 whenever some assignment
achieves it.

The flow is solved as a linear programme by the HiGHS dual simplex (scipy): the
constraint matrix of a network flow is totally unimodular, so the optimal vertex
is integral. A tiny seeded random cost per proposal-reviewer pair, summing to less
than one, chooses among the equally balanced assignments, so a different ``seed``
gives a different but equally balanced assignment and the same seed the same one.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence

import numpy as np
from scipy import sparse
from scipy.optimize import linprog


class InfeasibleAssignment(ValueError):
    """No assignment meets the constraints; the message says which one cannot be met."""


def _check_inputs(
    proposals: Sequence[str],
    reviewers: Sequence[str],
    per_proposal: int,
    conflicts: Collection[tuple[str, str]],
    max_load: int,
    fixed: Mapping[str, Collection[str]],
) -> None:
    if len(set(proposals)) != len(proposals):
        raise ValueError("proposal keys must be unique")
    if len(set(reviewers)) != len(reviewers):
        raise ValueError("reviewer keys must be unique")
    if per_proposal < 1:
        raise ValueError("per_proposal must be at least 1")
    if max_load < 0:
        raise ValueError("max_load must not be negative")
    known_p, known_r = set(proposals), set(reviewers)
    for proposal, chosen in fixed.items():
        if proposal not in known_p:
            raise ValueError(f"fixed assignment for unknown proposal {proposal!r}")
        for reviewer in chosen:
            if reviewer not in known_r:
                raise ValueError(f"fixed assignment of unknown reviewer {reviewer!r}")
            if (reviewer, proposal) in conflicts:
                raise InfeasibleAssignment(
                    f"Reviewer {reviewer} is kept on proposal {proposal} but has a conflict of "
                    "interest with it."
                )
        if len(set(chosen)) > per_proposal:
            raise InfeasibleAssignment(
                f"Proposal {proposal} has {len(set(chosen))} reviewers kept, more than the "
                f"{per_proposal} per proposal."
            )


def assign_reviewers(
    proposals: Sequence[str],
    reviewers: Sequence[str],
    *,
    per_proposal: int = 3,
    conflicts: Collection[tuple[str, str]] = (),
    max_load: int | None = None,
    fixed: Mapping[str, Collection[str]] | None = None,
    seed: int = 0,
) -> dict[str, tuple[str, ...]]:
    """Reviewers per proposal (in the order of ``reviewers``), balanced over the pool.

    ``conflicts`` holds (reviewer, proposal) pairs that may never be assigned;
    ``fixed`` assignments made by the officer are kept; ``max_load`` defaults to
    ``ceil(len(proposals) * per_proposal / len(reviewers))``. Raises
    :class:`InfeasibleAssignment` naming the reason when no assignment exists.
    """
    fixed = {p: frozenset(rs) for p, rs in (fixed or {}).items()}
    conflict_set = set(conflicts)
    if not proposals:
        return {}
    if not reviewers:
        raise InfeasibleAssignment("There are no reviewers in the pool.")
    if max_load is None:
        max_load = math.ceil(len(proposals) * per_proposal / len(reviewers))
    _check_inputs(proposals, reviewers, per_proposal, conflict_set, max_load, fixed)

    r_index = {r: j for j, r in enumerate(reviewers)}
    for proposal in proposals:
        free = sum(1 for r in reviewers if (r, proposal) not in conflict_set)
        if free < per_proposal:
            raise InfeasibleAssignment(
                f"Proposal {proposal} has only {free} unconflicted reviewers; "
                f"{per_proposal} are needed."
            )
    needed = len(proposals) * per_proposal
    if needed > len(reviewers) * max_load:
        raise InfeasibleAssignment(
            f"{len(proposals)} proposals with {per_proposal} reviewers each need {needed} "
            f"reviews, but {len(reviewers)} reviewers with at most {max_load} each give "
            f"{len(reviewers) * max_load}."
        )
    fixed_load = np.zeros(len(reviewers), dtype=np.int64)
    for chosen in fixed.values():
        for reviewer in chosen:
            fixed_load[r_index[reviewer]] += 1
    over = np.flatnonzero(fixed_load > max_load)
    if len(over):
        j = int(over[0])
        raise InfeasibleAssignment(
            f"Reviewer {reviewers[j]} is kept on {int(fixed_load[j])} proposals, more than "
            f"the maximum of {max_load}."
        )

    # Variables: one x per unconflicted (proposal, reviewer) pair, then one unit
    # segment y[r, k] per reviewer and possible load k = 1..max_load with cost 2k - 1,
    # so the cost of a load L is L**2.
    pair_p: list[int] = []
    pair_r: list[int] = []
    lower: list[float] = []
    for i, proposal in enumerate(proposals):
        kept = fixed.get(proposal, frozenset())
        for j, reviewer in enumerate(reviewers):
            if (reviewer, proposal) in conflict_set:
                continue
            pair_p.append(i)
            pair_r.append(j)
            lower.append(1.0 if reviewer in kept else 0.0)
    n_pairs = len(pair_p)
    n_rev = len(reviewers)
    n_seg = n_rev * max_load
    pair_p_arr = np.asarray(pair_p, dtype=np.int64)
    pair_r_arr = np.asarray(pair_r, dtype=np.int64)

    rng = np.random.default_rng(seed)
    # Below 1/(needed + 1) each, the random costs of any assignment sum to less than
    # one unit of load cost, so they only choose among equally balanced assignments.
    jitter = rng.random(n_pairs) / (needed + 1)
    seg_cost = np.tile(2.0 * np.arange(1, max_load + 1) - 1.0, n_rev)
    cost = np.concatenate([jitter, seg_cost])

    # Rows 0..P-1: each proposal gets per_proposal reviewers.
    # Rows P..P+R-1: a reviewer's assignments equal the sum of its load segments.
    n_prop = len(proposals)
    seg_rev = np.repeat(np.arange(n_rev), max_load)
    rows = np.concatenate([pair_p_arr, n_prop + pair_r_arr, n_prop + seg_rev])
    cols = np.concatenate([np.arange(n_pairs), np.arange(n_pairs), n_pairs + np.arange(n_seg)])
    vals = np.concatenate([np.ones(n_pairs), np.ones(n_pairs), -np.ones(n_seg)])
    a_eq = sparse.csr_matrix((vals, (rows, cols)), shape=(n_prop + n_rev, n_pairs + n_seg))
    b_eq = np.concatenate([np.full(n_prop, float(per_proposal)), np.zeros(n_rev)])
    bounds = np.column_stack(
        [np.concatenate([np.asarray(lower), np.zeros(n_seg)]), np.ones(n_pairs + n_seg)]
    )
    solution = linprog(cost, A_eq=a_eq, b_eq=b_eq, bounds=bounds, method="highs-ds")
    if solution.status == 2:
        raise InfeasibleAssignment(
            f"No assignment gives every proposal {per_proposal} unconflicted reviewers with "
            f"at most {max_load} proposals per reviewer; raise the maximum load or widen the pool."
        )
    if solution.status != 0:
        raise RuntimeError(f"the assignment solver stopped: {solution.message}")
    chosen_pairs = np.flatnonzero(solution.x[:n_pairs] > 0.5)
    result: dict[str, list[str]] = {p: [] for p in proposals}
    for k in chosen_pairs:
        result[proposals[pair_p_arr[k]]].append(reviewers[pair_r_arr[k]])
    for proposal, assigned in result.items():
        if len(assigned) != per_proposal:
            raise RuntimeError(f"the assignment solver gave {proposal} {len(assigned)} reviewers")
    return {p: tuple(sorted(rs, key=r_index.__getitem__)) for p, rs in result.items()}
