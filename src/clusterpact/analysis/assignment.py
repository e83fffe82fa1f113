"""Balanced assignment of reviewers to proposals.

Every proposal gets ``per_proposal`` different reviewers, none of them conflicted
with it, no reviewer more than ``max_load`` proposals, and the loads as even as the
conflicts allow.

As a flow (source -> proposal with capacity ``per_proposal``, proposal ->
unconflicted reviewer with capacity 1, reviewer -> sink with capacity ``max_load``)
the most even loads are those of a minimum-cost flow with the convex cost
``load**2`` on the reviewer arcs. A separable convex cost is minimised by the
lexicographically optimal load vector (Fujishige 1980, "Lexicographically optimal
base of a polymatroid with respect to a weight vector", Mathematics of Operations
Research 5(2)): the smallest maximum load and, given that, the largest minimum, so
``max - min <= 1`` whenever any assignment reaches it.

The flow is optimal exactly when its residual graph has no negative cycle; here
that means no chain of moves "reviewer a hands one of its proposals to b, b hands
one of its own to c, ..." leads from a reviewer with load ``L`` to one with load
``L - 2`` or less (such a chain lowers ``a`` by one and raises the last by one,
lowering the cost). The algorithm:

1. a greedy start: proposals with the fewest unconflicted reviewers first, each
   taking the least-loaded reviewers that still have room (a seeded random order
   among equal loads, so ``seed`` varies the assignment and fixes it);
2. a proposal the greedy could not complete gets a reviewer through an augmenting
   chain of moves ending at a reviewer with room; when there is none, the
   proposal's unconflicted reviewers and everyone they could hand work to are
   full, and :class:`InfeasibleAssignment` says so;
3. while some reviewer can reach, by a chain of moves, one with at least two
   fewer proposals, the shortest such chain is applied. Reachability between all
   reviewers is a transitive closure by repeated Boolean matrix products.

Officer-made (``fixed``) assignments are never moved.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Collection, Mapping, Sequence

import numpy as np


class InfeasibleAssignment(ValueError):
    """No assignment meets the constraints; the message says which one cannot be met.

    ``code`` names the reason and ``params`` holds its values, so the Django layer
    can show a translated message: ``no_reviewers``, ``too_few_unconflicted``
    (proposal, available, needed), ``capacity`` (proposals, per_proposal, needed,
    reviewers, max_load, available), ``fixed_conflict`` (reviewer, proposal),
    ``fixed_too_many`` (proposal, kept, per_proposal), ``fixed_overloaded``
    (reviewer, kept, max_load), ``blocked`` (proposal, max_load).
    """

    def __init__(self, message: str, *, code: str, params: Mapping[str, object]) -> None:
        super().__init__(message)
        self.code = code
        self.params = dict(params)


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
                    "interest with it.",
                    code="fixed_conflict",
                    params={"reviewer": reviewer, "proposal": proposal},
                )
        if len(set(chosen)) > per_proposal:
            raise InfeasibleAssignment(
                f"Proposal {proposal} has {len(set(chosen))} reviewers kept, more than the "
                f"{per_proposal} per proposal.",
                code="fixed_too_many",
                params={
                    "proposal": proposal,
                    "kept": len(set(chosen)),
                    "per_proposal": per_proposal,
                },
            )


class _State:
    """The assignment as Boolean matrices (proposals x reviewers) and the loads.

    ``eligible``: not conflicted; ``fixed``: kept by the officer; ``assigned``: the
    current assignment; ``load``: assignments per reviewer.
    """

    def __init__(self, eligible: np.ndarray, fixed: np.ndarray) -> None:
        self.eligible = eligible
        self.fixed = fixed
        self.assigned = fixed.copy()
        self.load = self.assigned.sum(axis=0).astype(np.int64)

    def moves(self) -> np.ndarray:
        """Reviewers x reviewers: a -> b when b can take over one of a's movable proposals."""
        movable = (self.assigned & ~self.fixed).astype(np.float32)
        open_ = (self.eligible & ~self.assigned).astype(np.float32)
        return (movable.T @ open_) > 0

    def path(self, sources: np.ndarray, targets: np.ndarray, moves: np.ndarray) -> list[int] | None:
        """A shortest chain of moves from any source to any target reviewer (breadth first)."""
        previous = np.full(len(self.load), -2, dtype=np.int64)
        queue = deque(int(s) for s in np.flatnonzero(sources))
        for s in queue:
            previous[s] = -1
        while queue:
            node = queue.popleft()
            if targets[node]:
                chain = [node]
                while previous[chain[-1]] >= 0:
                    chain.append(int(previous[chain[-1]]))
                return chain[::-1]
            for nxt in np.flatnonzero(moves[node] & (previous == -2)):
                previous[nxt] = node
                queue.append(int(nxt))
        return None

    def shift(self, chain: list[int]) -> None:
        """Apply the moves along ``chain``: its first reviewer loses one proposal, its last gains one.

        Each move is chosen on the assignment before any of them: along a shortest
        chain two moves never touch the same (proposal, reviewer) cell.
        """
        moves = []
        for giver, taker in zip(chain, chain[1:], strict=False):
            candidates = (
                self.assigned[:, giver]
                & ~self.fixed[:, giver]
                & self.eligible[:, taker]
                & ~self.assigned[:, taker]
            )
            moves.append((int(np.flatnonzero(candidates)[0]), giver, taker))
        for proposal, giver, taker in moves:
            self.assigned[proposal, giver] = False
            self.assigned[proposal, taker] = True
        self.load[chain[0]] -= 1
        self.load[chain[-1]] += 1


def _closure(moves: np.ndarray) -> np.ndarray:
    """Reachability by one or more moves, by squaring (I + M) until it stops growing."""
    reach = moves | np.eye(len(moves), dtype=bool)
    while True:
        squared = (reach.astype(np.float32) @ reach.astype(np.float32)) > 0
        if np.array_equal(squared, reach):
            return reach
        reach = squared


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
        raise InfeasibleAssignment(
            "There are no reviewers in the pool.", code="no_reviewers", params={}
        )
    if max_load is None:
        max_load = math.ceil(len(proposals) * per_proposal / len(reviewers))
    _check_inputs(proposals, reviewers, per_proposal, conflict_set, max_load, fixed)

    p_index = {p: i for i, p in enumerate(proposals)}
    r_index = {r: j for j, r in enumerate(reviewers)}
    eligible = np.ones((len(proposals), len(reviewers)), dtype=bool)
    for reviewer, proposal in conflict_set:
        if reviewer in r_index and proposal in p_index:
            eligible[p_index[proposal], r_index[reviewer]] = False
    kept = np.zeros_like(eligible)
    for proposal, chosen in fixed.items():
        for reviewer in chosen:
            kept[p_index[proposal], r_index[reviewer]] = True

    free = eligible.sum(axis=1)
    for i in np.flatnonzero(free < per_proposal):
        raise InfeasibleAssignment(
            f"Proposal {proposals[i]} has only {int(free[i])} unconflicted reviewers; "
            f"{per_proposal} are needed.",
            code="too_few_unconflicted",
            params={"proposal": proposals[i], "available": int(free[i]), "needed": per_proposal},
        )
    needed = len(proposals) * per_proposal
    if needed > len(reviewers) * max_load:
        raise InfeasibleAssignment(
            f"{len(proposals)} proposals with {per_proposal} reviewers each need {needed} "
            f"reviews, but {len(reviewers)} reviewers with at most {max_load} each give "
            f"{len(reviewers) * max_load}.",
            code="capacity",
            params={
                "proposals": len(proposals),
                "per_proposal": per_proposal,
                "needed": needed,
                "reviewers": len(reviewers),
                "max_load": max_load,
                "available": len(reviewers) * max_load,
            },
        )
    state = _State(eligible, kept)
    for j in np.flatnonzero(state.load > max_load):
        raise InfeasibleAssignment(
            f"Reviewer {reviewers[j]} is kept on {int(state.load[j])} proposals, more than "
            f"the maximum of {max_load}.",
            code="fixed_overloaded",
            params={"reviewer": reviewers[j], "kept": int(state.load[j]), "max_load": max_load},
        )

    rng = np.random.default_rng(seed)
    # Below 1, so it only orders reviewers of equal load.
    tie = rng.random((len(proposals), len(reviewers)))
    order = np.lexsort((rng.random(len(proposals)), free))
    short: list[int] = []
    for i in order:
        missing = per_proposal - int(state.assigned[i].sum())
        if missing <= 0:
            continue
        room = eligible[i] & ~state.assigned[i] & (state.load < max_load)
        candidates = np.flatnonzero(room)
        chosen = candidates[np.argsort(state.load[candidates] + tie[i, candidates])[:missing]]
        state.assigned[i, chosen] = True
        state.load[chosen] += 1
        if len(chosen) < missing:
            short.append(int(i))

    for i in short:
        while state.assigned[i].sum() < per_proposal:
            sources = eligible[i] & ~state.assigned[i]
            chain = state.path(sources, state.load < max_load, state.moves())
            if chain is None:
                raise InfeasibleAssignment(
                    f"Proposal {proposals[i]} still lacks a reviewer: its unconflicted "
                    "reviewers, and every reviewer they could pass one of their proposals to, "
                    f"are at the maximum load of {max_load}. Raise the maximum load or widen "
                    "the pool.",
                    code="blocked",
                    params={"proposal": proposals[i], "max_load": max_load},
                )
            # The first reviewer hands one of its proposals down the chain, then takes this one.
            if len(chain) > 1:
                state.shift(chain)
            state.assigned[i, chain[0]] = True
            state.load[chain[0]] += 1

    while state.load.max() - state.load.min() > 1:
        moves = state.moves()
        reach = _closure(moves)
        gap = state.load[:, None] - state.load[None, :]
        improvable = reach & (gap >= 2)
        if not improvable.any():
            break
        # The widest gap first: the largest drop in the sum of squared loads.
        a, b = np.unravel_index(np.argmax(np.where(improvable, gap, -1)), gap.shape)
        sources = np.zeros(len(reviewers), dtype=bool)
        sources[a] = True
        targets = np.zeros(len(reviewers), dtype=bool)
        targets[b] = True
        state.shift(state.path(sources, targets, moves))

    return {
        p: tuple(reviewers[j] for j in np.flatnonzero(state.assigned[i]))
        for i, p in enumerate(proposals)
    }
